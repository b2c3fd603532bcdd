#include "bench/analysis/sweep_analysis.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <random>

#include "bench/core/error.hpp"
#include "bench/dsp/biquad.hpp"
#include "bench/signal/sweep.hpp"
#include "bench/signal/tone.hpp"

namespace bench::analysis {
namespace {

using dsp::Signal;

SweepAnalysisOptions options_for(const stimulus::SweepSpec& s) {
  SweepAnalysisOptions o;
  o.f1_hz = s.f1_hz, o.f2_hz = s.f2_hz, o.rate_l_s = s.rate_l_s, o.fade_s = s.fade_s;
  return o;
}

Signal padded(const Signal& x, Eigen::Index tail) {
  Signal y = Signal::Zero(x.size() + tail);
  y.head(x.size()) = x;
  return y;
}

double wrap_deg(double d) {
  return std::remainder(d, 360.0);
}

// Frequency response of known IIR filters, compared with the exact response of their coefficients.
struct FilterCase {
  const char* name;
  double fs, f2;
  dsp::Biquad (*make)(double fs);
};

class KnownFilter : public ::testing::TestWithParam<FilterCase> {};

TEST_P(KnownFilter, MagnitudeWithinTenMillidecibelsAndPhaseWithinATenthOfADegree) {
  const FilterCase c = GetParam();
  const auto spec = stimulus::make_sweep_spec(20, c.f2, 6, c.fs, -6, 0.02);
  const Signal x = stimulus::generate_sweep(spec);
  const dsp::Biquad filter = c.make(c.fs);
  const Signal y = filter.filter(padded(x, static_cast<Eigen::Index>(c.fs / 2)));
  const SweepAnalyzer analyzer(x, c.fs, static_cast<std::size_t>(y.size()), options_for(spec));
  const SweepResult r = analyzer.analyze(y);
  int checked = 0;
  for (std::size_t i = 0; i < r.response.frequency_hz.size(); ++i) {
    const double f = r.response.frequency_hz[i];
    if (f < 2 * spec.f1_hz || f > spec.f2_hz / 2) continue;
    const std::complex<double> truth = filter.response(c.fs, f);
    ASSERT_NEAR(r.response.magnitude_db[i], 20 * std::log10(std::abs(truth)), 0.01)
        << c.name << " at " << f << " Hz";
    // The reported phase has the measured latency removed; put it back and compare with the filter's own.
    const double measured = r.response.phase_deg[i] - 360.0 * f * r.latency_samples / c.fs;
    ASSERT_NEAR(wrap_deg(measured - std::arg(truth) * 180 / dsp::kPi), 0.0, 0.1)
        << c.name << " at " << f << " Hz";
    ++checked;
  }
  EXPECT_GT(checked, 48 * 7);  // 40 Hz to f2/2 spans at least 7.9 octaves
}

INSTANTIATE_TEST_SUITE_P(
    Filters, KnownFilter,
    ::testing::Values(FilterCase{"bandpass_1k_q2_48k", 48000, 20000,
                                 [](double fs) { return dsp::Biquad::band_pass(fs, 1000, 2); }},
                      FilterCase{"peak_100_q4_m9_48k", 48000, 20000,
                                 [](double fs) { return dsp::Biquad::peaking(fs, 100, 4, -9); }},
                      FilterCase{"bandpass_300_q1_96k", 96000, 40000,
                                 [](double fs) { return dsp::Biquad::band_pass(fs, 300, 1); }},
                      FilterCase{"peak_8k_q1_p6_96k", 96000, 40000,
                                 [](double fs) { return dsp::Biquad::peaking(fs, 8000, 1, 6); }},
                      FilterCase{"bandpass_5k_q3_192k", 192000, 80000,
                                 [](double fs) { return dsp::Biquad::band_pass(fs, 5000, 3); }},
                      FilterCase{"peak_60_q2_p4_192k", 192000, 80000,
                                 [](double fs) { return dsp::Biquad::peaking(fs, 60, 2, 4); }},
                      // A 20 kHz sweep at 96 and 192 kHz: the inverse filter ends far below Nyquist and the
                      // responses are worked out at a reduced rate (response_size() < fft_size()).
                      FilterCase{"peak_8k_q1_p6_96k_to_20k", 96000, 20000,
                                 [](double fs) { return dsp::Biquad::peaking(fs, 8000, 1, 6); }},
                      FilterCase{"bandpass_1k_q2_192k_to_20k", 192000, 20000,
                                 [](double fs) { return dsp::Biquad::band_pass(fs, 1000, 2); }},
                      FilterCase{"peak_60_q2_p4_192k_to_20k", 192000, 20000,
                                 [](double fs) { return dsp::Biquad::peaking(fs, 60, 2, 4); }}),
    [](const auto& param_info) { return std::string(param_info.param.name); });

// The low end of short sweeps: a coupling high-pass at 3 Hz (the demo amplifier's) measured with sweeps
// from 10 Hz, the demo's start, of 1, 2 and 4 s. The window before the linear response's peak is half-way
// to H2 (L*ln2/2: 46 ms for 1 s), so a band limit below f1 that rang before the peak was cut there: with
// a zero-phase one 20..40 Hz read 0.35 dB (1 s), 0.063 dB (2 s) and 0.031 dB (4 s) off the filter's truth.
class ShortSweepLowEnd : public ::testing::TestWithParam<double> {};

TEST_P(ShortSweepLowEnd, ACouplingHighPassReadsWithinTenMillidecibelsFromTwentyHertz) {
  const double fs = 48000, seconds = GetParam();
  const auto spec = stimulus::make_sweep_spec(10, 20000, seconds, fs, -10, 0.02);
  const Signal x = stimulus::generate_sweep(spec);
  const dsp::Biquad coupling = dsp::Biquad::high_pass(fs, 3, std::sqrt(0.5));
  Signal played = Signal::Zero(x.size() + 2400 + 4800);
  played.segment(2400, x.size()) = x;
  const Signal y = coupling.filter(played);
  const SweepResult r =
      SweepAnalyzer(x, fs, static_cast<std::size_t>(y.size()), options_for(spec)).analyze(y);
  int checked = 0;
  for (std::size_t i = 0; i < r.response.frequency_hz.size(); ++i) {
    const double f = r.response.frequency_hz[i];
    if (f < 20 || f > 19000) continue;
    const std::complex<double> truth = coupling.response(fs, f);
    ASSERT_NEAR(r.response.magnitude_db[i], 20 * std::log10(std::abs(truth)), 0.01)
        << seconds << " s at " << f << " Hz";
    // The phase is reported with the measured latency removed; the filter's own is re the 2400-frame lead.
    const double measured = r.response.phase_deg[i] - 360.0 * f * (r.latency_samples - 2400) / fs;
    ASSERT_NEAR(wrap_deg(measured - std::arg(truth) * 180 / dsp::kPi), 0.0, 0.1)
        << seconds << " s at " << f << " Hz";
    ++checked;
  }
  EXPECT_GT(checked, 48 * 9);  // 20 Hz to 19 kHz: 9.9 octaves
}

INSTANTIATE_TEST_SUITE_P(Durations, ShortSweepLowEnd, ::testing::Values(1.0, 2.0, 4.0),
                         [](const auto& param_info) {
                           return std::to_string(static_cast<int>(param_info.param)) + "s";
                         });

// A static polynomial a1 x + a2 x^2 + a3 x^3 driven at amplitude A: H2 = a2 A / 2 and H3 = a3 A^2 / 4,
// both relative to the fundamental a1 + 3 a3 A^2 / 4.
struct PolyCase {
  double a2, a3;
};

class StaticPolynomial : public ::testing::TestWithParam<PolyCase> {};

TEST_P(StaticPolynomial, SecondAndThirdHarmonicsWithinThreeTenthsOfADecibel) {
  const PolyCase c = GetParam();
  // At 192 kHz the polynomial's harmonics of a 20 kHz sweep stay below Nyquist, as an analogue
  // nonlinearity behind an ADC's anti-alias filter would: no aliased products to confuse the truth.
  const double fs = 192000, a1 = 1.0;
  const auto spec = stimulus::make_sweep_spec(20, 20000, 10, fs, -6, 0.02);
  const double amp = std::pow(10.0, spec.level_dbfs / 20);
  const Signal x = stimulus::generate_sweep(spec);
  const Signal y =
      padded(x, 19200).unaryExpr([&](double v) { return a1 * v + c.a2 * v * v + c.a3 * v * v * v; });
  const SweepResult r =
      SweepAnalyzer(x, fs, static_cast<std::size_t>(y.size()), options_for(spec)).analyze(y);
  const double fundamental = a1 + 0.75 * c.a3 * amp * amp;
  const double h2 = 20 * std::log10(c.a2 * amp / 2 / fundamental);
  const double h3 = 20 * std::log10(c.a3 * amp * amp / 4 / fundamental);
  ASSERT_GE(r.harmonics.size(), 2u);
  for (const auto& [hr, expected] : {std::pair{r.harmonics[0], h2}, std::pair{r.harmonics[1], h3}}) {
    int checked = 0;
    for (std::size_t i = 0; i < hr.frequency_hz.size(); ++i) {
      if (hr.frequency_hz[i] < 2 * spec.f1_hz) continue;
      ASSERT_NEAR(hr.level_db[i], expected, 0.3) << "H" << hr.order << " at " << hr.frequency_hz[i] << " Hz";
      ++checked;
    }
    EXPECT_GT(checked, 100) << "H" << hr.order;
  }
}

INSTANTIATE_TEST_SUITE_P(Levels, StaticPolynomial,
                         ::testing::Values(PolyCase{0.02, 0.02},    // about -45 and -56 dB
                                           PolyCase{2e-4, 2e-5},    // about -86 and -116 dB
                                           PolyCase{4e-6, 8e-6}));  // about -120 and -120 dB

// Fractional delays made by evaluating the continuous-time sweep at shifted instants.
Signal delayed_sweep(const stimulus::SweepSpec& spec, Eigen::Index frames, double delay, double sign) {
  Signal y(frames);
  for (Eigen::Index n = 0; n < frames; ++n)
    y[n] = sign * stimulus::sweep_value(spec, (static_cast<double>(n) - delay) / spec.sample_rate_hz);
  return y;
}

TEST(SweepLatency, FractionalDelaysWithinATenthOfASampleAndPolarityDetected) {
  const double fs = 48000;
  const auto spec = stimulus::make_sweep_spec(20, 20000, 3, fs, -6, 0.02);
  const Signal x = stimulus::generate_sweep(spec);
  for (double delay : {0.0, 0.25, 0.5, 17.3, 1000.75}) {
    for (double sign : {1.0, -1.0}) {
      const Signal y = delayed_sweep(spec, x.size() + 2400, delay, sign);
      const SweepResult r =
          SweepAnalyzer(x, fs, static_cast<std::size_t>(y.size()), options_for(spec)).analyze(y);
      EXPECT_NEAR(r.latency_samples, delay, 0.1) << "delay " << delay << " sign " << sign;
      EXPECT_EQ(r.inverted, sign < 0) << "delay " << delay;
    }
  }
}

// The same at 192 kHz with a 20 kHz sweep, whose responses are sampled at a third of the capture's rate:
// the latency is still reported in capture samples, within a tenth of one.
TEST(SweepLatency, AtAReducedResponseRateStillInCaptureSamplesWithinATenthOfOne) {
  const double fs = 192000;
  const auto spec = stimulus::make_sweep_spec(20, 20000, 2, fs, -6, 0.02);
  const Signal x = stimulus::generate_sweep(spec);
  for (double delay : {0.0, 0.4, 1.5, 17.3, 1000.75}) {
    for (double sign : {1.0, -1.0}) {
      const Signal y = delayed_sweep(spec, x.size() + 9600, delay, sign);
      const SweepAnalyzer analyzer(x, fs, static_cast<std::size_t>(y.size()), options_for(spec));
      ASSERT_LT(analyzer.response_size() * 3, analyzer.fft_size() * 2) << "the reduced path is not taken";
      const SweepResult r = analyzer.analyze(y);
      EXPECT_NEAR(r.latency_samples, delay, 0.1) << "delay " << delay << " sign " << sign;
      EXPECT_EQ(r.inverted, sign < 0) << "delay " << delay;
      // analyze_at with the true latency reads the same polarity.
      EXPECT_EQ(analyzer.analyze_at(y, delay).inverted, sign < 0) << "delay " << delay;
    }
  }
}

TEST(SweepHarmonics, ListedOnlyWhereTheHarmonicStaysBelowF2AndNyquist) {
  const double fs = 44100;
  const auto spec = stimulus::make_sweep_spec(20, 22000, 4, fs, -6, 0.02);
  const Signal x = stimulus::generate_sweep(spec);
  const Signal y = padded(x, 4410);
  const SweepResult r =
      SweepAnalyzer(x, fs, static_cast<std::size_t>(y.size()), options_for(spec)).analyze(y);
  ASSERT_EQ(r.harmonics.size(), 8u);  // H2..H9
  for (const auto& h : r.harmonics)
    for (double f : h.frequency_hz)
      ASSERT_LT(h.order * f, std::min(spec.f2_hz * std::exp(-spec.fade_s / spec.rate_l_s), 0.95 * fs / 2));
}

TEST(SweepAnalyzer, RefusesACaptureShorterThanTheStimulus) {
  const auto spec = stimulus::make_sweep_spec(20, 20000, 1, 48000, -6, 0.02);
  const Signal x = stimulus::generate_sweep(spec);
  EXPECT_THROW(SweepAnalyzer(x, 48000, static_cast<std::size_t>(x.size() - 1), options_for(spec)),
               InputError);
}

TEST(SweepAnalyzer, ReportsNoSweepInACaptureOfPureNoise) {
  const auto spec = stimulus::make_sweep_spec(20, 20000, 1, 48000, -6, 0.02);
  const Signal x = stimulus::generate_sweep(spec);
  std::mt19937_64 rng(3);
  std::normal_distribution<double> g(0, 0.01);
  Signal y(x.size() + 4800);
  for (auto& v : y) v = g(rng);
  const SweepAnalyzer a(x, 48000, static_cast<std::size_t>(y.size()), options_for(spec));
  EXPECT_THROW((void)a.analyze(y), MeasurementError);
}

TEST(SweepAnalyzer, WorksWithoutKnowingLByEstimatingIt) {
  const double fs = 48000;
  const auto spec = stimulus::make_sweep_spec(20, 20000, 4, fs, -6, 0.02);
  const Signal x = stimulus::generate_sweep(spec);
  const Signal y = padded(x, 4800).unaryExpr([](double v) { return v + 0.01 * v * v; });
  SweepAnalysisOptions o = options_for(spec);
  o.rate_l_s = 0;
  const SweepResult r = SweepAnalyzer(x, fs, static_cast<std::size_t>(y.size()), o).analyze(y);
  const double amp = std::pow(10.0, -6.0 / 20);
  EXPECT_NEAR(r.harmonics[0].level_db[100], 20 * std::log10(0.01 * amp / 2), 0.3);
}

// The sweep is judged in its own band. White noise 50 dB below a -6 dBFS, 5 s sweep (rms 3e-3 against
// the sweep's 0.35) leaves the response measurable, so it is measured: a gain of 0.5 reads -6.02 dB
// across 100 Hz to 10 kHz. Weighing the noise above f2 (where the inverse of the stimulus amplifies it
// by up to 140 dB) called this "no sweep found".
TEST(SweepDetection, ASweepFiftyDecibelsAboveWhiteNoiseIsMeasured) {
  const double fs = 48000;
  const auto spec = stimulus::make_sweep_spec(20, 20000, 5, fs, -6, 0.02);
  const Signal x = stimulus::generate_sweep(spec);
  std::mt19937_64 rng(9);
  std::normal_distribution<double> g(0, 3e-3);
  Signal y = Signal::Zero(x.size() + 4800);
  y.segment(100, x.size()) = 0.5 * x;
  for (auto& v : y) v += g(rng);
  const SweepResult r =
      SweepAnalyzer(x, fs, static_cast<std::size_t>(y.size()), options_for(spec)).analyze(y);
  EXPECT_NEAR(r.latency_samples, 100, 1.0);
  double sum = 0;
  int count = 0;
  for (std::size_t i = 0; i < r.response.frequency_hz.size(); ++i) {
    const double f = r.response.frequency_hz[i];
    if (f < 100 || f > 10000) continue;
    EXPECT_NEAR(r.response.magnitude_db[i], 20 * std::log10(0.5), 0.5) << f << " Hz";
    sum += r.response.magnitude_db[i], ++count;
  }
  EXPECT_NEAR(sum / count, 20 * std::log10(0.5), 0.05);
}

// A 16-bit capture with TPDF dither (white noise of LSB/2 rms, -96 dB re full scale, 87 dB below the
// sweep's rms) gains another 50 dB from a 5 s, 20 kHz wide sweep: its impulse peak stands far more than
// 100 dB above the in-band noise (the noise above f2 made it read 51 dB).
TEST(SweepDetection, ASixteenBitDitheredCaptureReadsItsInBandPeakToNoise) {
  const double fs = 48000;
  const auto spec = stimulus::make_sweep_spec(20, 20000, 5, fs, -6, 0.02);
  const Signal x = stimulus::generate_sweep(spec);
  Signal y = Signal::Zero(x.size() + 4800);
  y.segment(100, x.size()) = x;
  y = stimulus::quantize_tpdf(y, 16, 5);
  const SweepResult r =
      SweepAnalyzer(x, fs, static_cast<std::size_t>(y.size()), options_for(spec)).analyze(y);
  EXPECT_GT(r.peak_to_noise_db, 100.0);
  EXPECT_NEAR(r.latency_samples, 100, 0.01);
}

// Noise alone is still no sweep, at any seed: its largest in-band sample stands about 15 dB above its
// RMS, the detector asks for 20 dB.
TEST(SweepDetection, NoiseAloneIsStillNoSweep) {
  const double fs = 48000;
  const auto spec = stimulus::make_sweep_spec(20, 20000, 5, fs, -6, 0.02);
  const Signal x = stimulus::generate_sweep(spec);
  const Eigen::Index frames = x.size() + 4800;
  const SweepAnalyzer a(x, fs, static_cast<std::size_t>(frames), options_for(spec));
  for (std::uint64_t seed = 1; seed <= 4; ++seed) {
    std::mt19937_64 rng(seed);
    std::normal_distribution<double> g(0, 0.1);
    Signal y(frames);
    for (auto& v : y) v = g(rng);
    EXPECT_THROW((void)a.analyze(y), MeasurementError) << "seed " << seed;
  }
}

}  // namespace
}  // namespace bench::analysis
