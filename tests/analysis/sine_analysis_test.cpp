#include "bench/analysis/sine_analysis.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <random>

#include "bench/core/error.hpp"
#include "bench/dsp/biquad.hpp"
#include "bench/dsp/weighting.hpp"
#include "bench/signal/tone.hpp"

namespace bench::analysis {
namespace {

using dsp::Signal;
constexpr double kFs = 48000;

Signal tone(double f, double amplitude, Eigen::Index n, double phase = 0.3) {
  Signal x(n);
  for (Eigen::Index i = 0; i < n; ++i)
    x[i] = amplitude * std::sin(2 * dsp::kPi * f * static_cast<double>(i) / kFs + phase);
  return x;
}

TEST(SineAnalysis, PureDoubleSineAtANonCoherentFrequencyReadsBelowMinus160Decibels) {
  for (double f : {997.0, 1001.37, 6123.456}) {
    const SineResult r = analyze_sine(tone(f, 0.891, 1 << 18), kFs, {});
    EXPECT_LE(r.thd_n_db, -160.0) << f;
    EXPECT_NEAR(r.fundamental_hz, f, 1e-9);
    EXPECT_NEAR(r.fundamental_dbfs, 20 * std::log10(0.891), 1e-9);
  }
}

// THD of a static polynomial: V2 = a2 A^2 / 2, V3 = a3 A^3 / 4, V1 = a1 A + 3 a3 A^3 / 4.
TEST(SineAnalysis, ThdOfAStaticPolynomialWithinATenthOfADecibel) {
  struct Row {
    double amplitude, a2, a3;
  };
  for (const Row r :
       {Row{0.9, 0.01, 0.003}, Row{0.5, 1e-4, 3e-5}, Row{0.1, 1e-3, 0.0}, Row{0.9, 0.0, 1e-5}}) {
    const Signal x = tone(997, r.amplitude, 1 << 17).unaryExpr([&](double v) {
      return v + r.a2 * v * v + r.a3 * v * v * v;
    });
    const SineResult s = analyze_sine(x, kFs, {});
    const double a = r.amplitude;
    const double v1 = a + 0.75 * r.a3 * a * a * a, v2 = r.a2 * a * a / 2, v3 = r.a3 * a * a * a / 4;
    EXPECT_NEAR(s.thd_db, 20 * std::log10(std::hypot(v2, v3) / v1), 0.1) << a << " " << r.a2 << " " << r.a3;
    if (v2 > 0) {
      EXPECT_NEAR(s.harmonics[0].level_db, 20 * std::log10(v2 / v1), 0.1);
    }
    if (v3 > 0) {
      EXPECT_NEAR(s.harmonics[1].level_db, 20 * std::log10(v3 / v1), 0.1);
    }
    EXPECT_NEAR(s.fundamental_dbfs, 20 * std::log10(v1), 1e-4);
  }
}

// THD+N with known components: expected = sqrt(harmonics + in-band noise) / sqrt(everything in band),
// white noise of variance s^2 putting s^2 * (20000 - 20) / (fs / 2) into the AES17 band.
struct ThdNCase {
  const char* name;
  double frequency_hz, amplitude, h2, h3, noise_rms;
  int bits;  // 0: float; else quantised with TPDF dither, which adds LSB^2 / 4 of white noise
};

class KnownThdN : public ::testing::TestWithParam<ThdNCase> {};

TEST_P(KnownThdN, WithinThreeTenthsOfADecibelOfTheComponents) {
  const ThdNCase c = GetParam();
  const Eigen::Index n = 1 << 19;
  std::mt19937_64 rng(42);
  std::normal_distribution<double> gauss(0, c.noise_rms);
  Signal x(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    const double ph = 2 * dsp::kPi * c.frequency_hz * static_cast<double>(i) / kFs;
    x[i] =
        c.amplitude * std::sin(ph) + c.h2 * std::sin(2 * ph + 1) + c.h3 * std::sin(3 * ph + 2) + gauss(rng);
  }
  double white = c.noise_rms * c.noise_rms;
  if (c.bits > 0) {
    x = stimulus::quantize_tpdf(x, c.bits, 9);
    const double lsb = std::ldexp(1.0, -(c.bits - 1));
    white += lsb * lsb / 4;
  }
  const double band_noise = white * (20000.0 - 20.0) / (kFs / 2);
  const double distortion = (c.h2 * c.h2 + c.h3 * c.h3) / 2;
  const double expected =
      10 * std::log10((distortion + band_noise) / (c.amplitude * c.amplitude / 2 + distortion + band_noise));
  const SineResult r = analyze_sine(x, kFs, {});
  EXPECT_NEAR(r.thd_n_db, expected, 0.3);
  EXPECT_NEAR(r.sinad_db, -expected, 0.3);
  EXPECT_NEAR(r.noise_dbfs, 10 * std::log10(2 * band_noise), 0.3);
}

INSTANTIATE_TEST_SUITE_P(
    Components, KnownThdN,
    ::testing::Values(ThdNCase{"noise_dominated_float", 997, 0.891, 1e-6, 1e-6, 1e-5, 0},
                      ThdNCase{"distortion_dominated_float", 997, 0.891, 3e-4, 2e-4, 1e-6, 0},
                      ThdNCase{"mixed_noncoherent_float", 1234.567, 0.5, 5e-5, 5e-5, 2e-5, 0},
                      ThdNCase{"minus20dbfs_24bit_tpdf", 997, 0.1, 1e-7, 1e-7, 0.0, 24},
                      ThdNCase{"minus1dbfs_24bit_tpdf", 997, 0.891, 2e-6, 1e-6, 0.0, 24},
                      ThdNCase{"minus1dbfs_16bit_tpdf", 997, 0.891, 0.0, 0.0, 0.0, 16}),
    [](const auto& param_info) { return std::string(param_info.param.name); });

TEST(SineAnalysis, ResultDoesNotDependOnCoherence) {
  const Eigen::Index n = 1 << 16;
  const double coherent = std::round(997.0 * static_cast<double>(n) / kFs) * kFs / static_cast<double>(n);
  std::mt19937_64 rng(5);
  std::normal_distribution<double> g(0, 3e-6);
  Signal noise(n);
  for (auto& v : noise) v = g(rng);
  const SineResult a = analyze_sine(tone(coherent, 0.5, n) + noise, kFs, {});
  const SineResult b =
      analyze_sine(tone(coherent + 0.37 * kFs / static_cast<double>(n), 0.5, n) + noise, kFs, {});
  EXPECT_NEAR(a.thd_n_db, b.thd_n_db, 0.05);
  EXPECT_NEAR(a.fundamental_dbfs, b.fundamental_dbfs, 1e-6);
}

TEST(SineAnalysis, AWeightedThdNUsesTheIecCurveOnTheNoise) {
  const Eigen::Index n = 1 << 19;
  std::mt19937_64 rng(8);
  const double sigma = 1e-4;
  std::normal_distribution<double> g(0, sigma);
  Signal x = tone(997, 0.5, n);
  for (auto& v : x) v += g(rng);
  // Independent truth: integrate |A(f)|^2 of the white noise density over the band.
  double integral = 0;
  const double df = 1.0;
  for (double f = 20; f <= 20000; f += df) integral += dsp::weighting_power_gain(dsp::Weighting::kA, f) * df;
  const double noise_a = sigma * sigma * integral / (kFs / 2);
  const double fundamental_a = 0.125 * dsp::weighting_power_gain(dsp::Weighting::kA, 997);
  SineAnalysisOptions o;
  o.weighting = dsp::Weighting::kA;
  const SineResult r = analyze_sine(x, kFs, o);
  EXPECT_NEAR(r.thd_n_db, 10 * std::log10(noise_a / (fundamental_a + noise_a)), 0.3);
}

TEST(SineAnalysis, BandwidthOptionsCountTheNoiseOfTheirBand) {
  const double fs = 192000;
  const Eigen::Index n = 1 << 19;
  std::mt19937_64 rng(4);
  const double sigma = 2e-5;
  std::normal_distribution<double> g(0, sigma);
  Signal x(n);
  for (Eigen::Index i = 0; i < n; ++i)
    x[i] = 0.5 * std::sin(2 * dsp::kPi * 997 * static_cast<double>(i) / fs) + g(rng);
  for (double hi : {20000.0, 22400.0, 80000.0}) {
    SineAnalysisOptions o;
    o.band_hi_hz = hi;
    const SineResult r = analyze_sine(x, fs, o);
    EXPECT_NEAR(r.noise_dbfs, 10 * std::log10(2 * sigma * sigma * (hi - 20) / (fs / 2)), 0.3) << hi;
  }
}

TEST(SineAnalysis, HumLinesAreReportedSeparatelyAtTheirLevels) {
  const Eigen::Index n = 1 << 18;
  Signal x = tone(997, 0.5, n);
  for (Eigen::Index i = 0; i < n; ++i) {
    const double t = static_cast<double>(i) / kFs;
    x[i] += 1e-4 * std::sin(2 * dsp::kPi * 50 * t) + 3e-5 * std::sin(2 * dsp::kPi * 150 * t + 1);
  }
  const SineResult r = analyze_sine(x, kFs, {});
  EXPECT_EQ(r.mains_hz, 50);
  ASSERT_GE(r.hum.size(), 3u);
  EXPECT_NEAR(r.hum[0].level_dbfs, 20 * std::log10(1e-4), 0.05);
  EXPECT_NEAR(r.hum[2].level_dbfs, 20 * std::log10(3e-5), 0.05);
  EXPECT_LT(r.hum[1].level_dbfs, -200);
}

TEST(SineAnalysis, NoToneIsAMeasurementErrorNotANumber) {
  std::mt19937_64 rng(1);
  std::normal_distribution<double> g(0, 0.01);
  Signal x(48000);
  for (auto& v : x) v = g(rng);
  EXPECT_THROW((void)analyze_sine(x, kFs, {}), MeasurementError);
}

TEST(SineAnalysis, RefusesABandAboveNyquist) {
  SineAnalysisOptions o;
  o.band_hi_hz = 80000;
  EXPECT_THROW((void)analyze_sine(tone(997, 0.5, 48000), kFs, o), InputError);
}

// ---------------------------------------------------------------------------------------------------
// The steady span: what a recorder or another analyser leaves around a tone.

// `body` seconds of 997 Hz at amplitude 0.5 with 2nd and 3rd harmonics (h2, h3) and white noise of
// `noise_rms`, with raised-cosine fades of `fade_s` at each end, between `before_s` and `after_s` of
// silence (the noise runs through the silence too, as a recorder's would).
Signal framed_tone(double before_s, double body_s, double after_s, double fade_s, double h2, double h3,
                   double noise_rms, std::uint64_t seed = 11) {
  const auto lead = static_cast<Eigen::Index>(before_s * kFs);
  const auto len = static_cast<Eigen::Index>(body_s * kFs);
  const auto fade = static_cast<Eigen::Index>(fade_s * kFs);
  Signal x = Signal::Zero(lead + len + static_cast<Eigen::Index>(after_s * kFs));
  for (Eigen::Index i = 0; i < len; ++i) {
    const double ph = 2 * dsp::kPi * 997 * static_cast<double>(i) / kFs + 0.3;
    double g = 1;
    const Eigen::Index edge = std::min(i, len - 1 - i);
    if (edge < fade)
      g = 0.5 - 0.5 * std::cos(dsp::kPi * static_cast<double>(edge) / static_cast<double>(fade));
    x[lead + i] = g * (0.5 * std::sin(ph) + h2 * std::sin(2 * ph + 1) + h3 * std::sin(3 * ph + 2));
  }
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> gauss(0, noise_rms);
  if (noise_rms > 0)
    for (auto& v : x) v += gauss(rng);
  return x;
}

// THD+N of the steady tone above, from its components (as KnownThdN).
double framed_tone_thd_n_db(double h2, double h3, double noise_rms) {
  const double band_noise = noise_rms * noise_rms * (20000.0 - 20.0) / (kFs / 2);
  const double distortion = (h2 * h2 + h3 * h3) / 2;
  return 10 * std::log10((distortion + band_noise) / (0.125 + distortion + band_noise));
}

struct FramedCase {
  const char* name;
  double before_s, body_s, after_s, fade_s, h2, h3, noise_rms;
};

class SteadySpanOfAFramedTone : public ::testing::TestWithParam<FramedCase> {};

TEST_P(SteadySpanOfAFramedTone, LiesInsideTheToneAndGivesItsThdN) {
  const FramedCase c = GetParam();
  const Signal x = framed_tone(c.before_s, c.body_s, c.after_s, c.fade_s, c.h2, c.h3, c.noise_rms);
  const SteadySpan span = find_steady_tone(x, kFs, {});
  const double begin_s = static_cast<double>(span.begin_frame) / kFs;
  const double end_s = static_cast<double>(span.end_frame) / kFs;
  // Inside the tone and clear of its fades; it loses at most 30 ms besides the fades at each end.
  EXPECT_GE(begin_s, c.before_s + c.fade_s - 1 / kFs);
  EXPECT_LE(end_s, c.before_s + c.body_s - c.fade_s + 1 / kFs);
  EXPECT_LE(begin_s, c.before_s + c.fade_s + 0.03);
  EXPECT_GE(end_s, c.before_s + c.body_s - c.fade_s - 0.03);
  const SineResult r = analyze_sine(x.segment(span.begin_frame, span.end_frame - span.begin_frame), kFs, {});
  const double expected = framed_tone_thd_n_db(c.h2, c.h3, c.noise_rms);
  if (c.h2 == 0 && c.noise_rms == 0)
    EXPECT_LE(r.thd_n_db, -140.0);
  else
    EXPECT_NEAR(r.thd_n_db, expected, 0.3);
  std::printf("%s: span %.4f..%.4f s, THD+N %.3f dB (expected %.3f)\n", c.name, begin_s, end_s, r.thd_n_db,
              expected);
}

INSTANTIATE_TEST_SUITE_P(
    Edges, SteadySpanOfAFramedTone,
    ::testing::Values(FramedCase{"padded_pure", 0.1, 1.0, 0.25, 0.0, 0, 0, 0},
                      FramedCase{"padded_noise_minus100", 0.1, 1.0, 0.25, 0.0, 0, 0, 1e-5},
                      FramedCase{"padded_distortion", 0.1, 1.0, 0.25, 0.0, 5e-4, 2e-4, 1e-6},
                      FramedCase{"fade_10ms", 0.1, 1.0, 0.25, 0.01, 0, 0, 1e-6},
                      FramedCase{"fade_100ms_noise_minus80", 0.3, 2.0, 0.3, 0.1, 0, 0, 1e-4},
                      FramedCase{"fade_200ms_distortion", 0.05, 1.5, 0.05, 0.2, 3e-5, 3e-5, 3e-7},
                      FramedCase{"unframed", 0.0, 1.0, 0.0, 0.0, 1e-4, 0, 1e-5}),
    [](const auto& p) { return std::string(p.param.name); });

// A tone switched on through a first-order high-pass (a coupling capacitor, 5 Hz): the step's
// transient decays with tau = 1 / (2 pi 5 Hz) = 32 ms. The span starts once it has fallen into the noise
// (1e-5 of a transient of about 2.5e-3: 5.5 tau = 0.18 s), and the THD+N is that of the noise alone.
TEST(SteadySpan, LeavesOutTheSettlingAfterAStep) {
  const double fc = 5, rc = 1 / (2 * dsp::kPi * fc), dt = 1 / kFs, alpha = rc / (rc + dt);
  Signal x = framed_tone(0.2, 1.5, 0.0, 0.0, 0, 0, 0);
  Signal y(x.size());
  y[0] = x[0];
  for (Eigen::Index i = 1; i < x.size(); ++i) y[i] = alpha * (y[i - 1] + x[i] - x[i - 1]);
  std::mt19937_64 rng(3);
  std::normal_distribution<double> gauss(0, 1e-5);
  for (auto& v : y) v += gauss(rng);
  const SteadySpan span = find_steady_tone(y, kFs, {});
  const double begin_s = static_cast<double>(span.begin_frame) / kFs;
  EXPECT_GE(begin_s, 0.2 + 0.1);
  EXPECT_LE(begin_s, 0.2 + 0.35);
  EXPECT_NEAR(static_cast<double>(span.end_frame) / kFs, 1.7, 1 / kFs);
  const SineResult r = analyze_sine(y.segment(span.begin_frame, span.end_frame - span.begin_frame), kFs, {});
  EXPECT_NEAR(r.thd_n_db, framed_tone_thd_n_db(0, 0, 1e-5), 0.3);
  std::printf("settling: span %.4f..%.4f s, THD+N %.3f dB\n", begin_s,
              static_cast<double>(span.end_frame) / kFs, r.thd_n_db);
}

// Two levels in one record (-20 dBFS for 0.4 s, then -6 dBFS for 0.8 s): the longer one is measured.
TEST(SteadySpan, TakesTheLongestOfTwoLevels) {
  Signal x = framed_tone(0.0, 1.2, 0.1, 0.0, 0, 0, 1e-6);
  const auto step = static_cast<Eigen::Index>(0.4 * kFs);
  x.head(step) *= 0.1;
  const SteadySpan span = find_steady_tone(x, kFs, {});
  EXPECT_NEAR(static_cast<double>(span.begin_frame) / kFs, 0.4, 0.011);
  EXPECT_NEAR(static_cast<double>(span.end_frame) / kFs, 1.2, 0.011);
  const SineResult r = analyze_sine(x.segment(span.begin_frame, span.end_frame - span.begin_frame), kFs, {});
  EXPECT_NEAR(r.fundamental_dbfs, 20 * std::log10(0.5), 1e-3);
}

// A click in the silence before the tone does not move the span.
TEST(SteadySpan, AClickInTheSilenceIsNotTheTone) {
  Signal x = framed_tone(0.3, 0.6, 0.3, 0.0, 0, 0, 1e-6);
  x[static_cast<Eigen::Index>(0.1 * kFs)] = 0.99;
  const SteadySpan span = find_steady_tone(x, kFs, {});
  EXPECT_NEAR(static_cast<double>(span.begin_frame) / kFs, 0.3, 0.011);
  EXPECT_NEAR(static_cast<double>(span.end_frame) / kFs, 0.9, 0.011);
}

// A record with no steady stretch of 50 ms, a tone whose level swings by 6 dB four times a second, is
// refused naming the longest stretch, never measured.
TEST(SteadySpan, NoSteadyStretchIsAMeasurementErrorNamingTheLongest) {
  const auto n = static_cast<Eigen::Index>(1.0 * kFs);
  Signal wobble(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    const double t = static_cast<double>(i) / kFs;
    wobble[i] = 0.5 * (0.75 + 0.25 * std::sin(2 * dsp::kPi * 4 * t)) * std::sin(2 * dsp::kPi * 997 * t);
  }
  try {
    (void)find_steady_tone(wobble, kFs, {});
    ADD_FAILURE() << "no error";
  } catch (const MeasurementError& e) {
    EXPECT_NE(std::string(e.what()).find("no steady tone"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("at least 0.050 s"), std::string::npos) << e.what();
    std::printf("%s\n", e.what());
  }
}

// A stretch of a stepped tone, as THD against frequency reads it: the tone at level A0 glides (one period
// of the lower frequency, phase-continuous, log-frequency raised cosine) from f_prev (held for 1 s after a
// 50 ms fade-in) to f, through a 5 Hz
// 2nd-order Butterworth high-pass (the Sim amplifier's) after y = x + a2 x^2 + a3 x^3. After max(10 ms, 2
// periods) of settling, max(50 ms, 3 periods) is analysed. Truth: V1 = (A0 + 3/4 a3 A0^3) |H(f)|,
// V2 = a2 A0^2 / 2 |H(2f)|, V3 = a3 A0^3 / 4 |H(3f)|, inside the band only. (The polynomial goes first so
// that the high-pass's settling, which is linear, is not also modulated by it: that would be the device's
// distortion of a transient, not a reading error.)
struct SteppedStretch {
  Signal x;
  std::array<double, 3> v{};  // V1, V2, V3 as they leave the high-pass
};

SteppedStretch stepped_stretch(double f_prev, double f, double a0, double a2, double a3) {
  const double glide_s = 1 / std::min(f_prev, f), settle_s = std::max(0.01, 2 / f), lead_s = 1;
  const double analysed_s = std::max(0.05, 3 / f);
  const auto frames = [](double s) { return static_cast<Eigen::Index>(std::llround(s * kFs)); };
  const Eigen::Index lead = frames(lead_s), glide = frames(glide_s), settle = frames(settle_s),
                     analysed = frames(analysed_s), n = lead + glide + settle + analysed;
  Signal x(n);
  double phase = 0.4;
  for (Eigen::Index i = 0; i < n; ++i) {
    double fi = f_prev;
    if (i >= lead + glide)
      fi = f;
    else if (i >= lead) {
      const double w =
          0.5 - 0.5 * std::cos(dsp::kPi * static_cast<double>(i - lead) / static_cast<double>(glide));
      fi = f_prev * std::pow(f / f_prev, w);
    }
    // A 50 ms raised-cosine fade-in a second before the glide: its own settling has gone by then.
    const double fade =
        i < frames(0.05)
            ? 0.5 - 0.5 * std::cos(dsp::kPi * static_cast<double>(i) / static_cast<double>(frames(0.05)))
            : 1.0;
    x[i] = a0 * fade * std::sin(phase);
    phase += 2 * dsp::kPi * fi / kFs;
  }
  const Signal y = x.array() + a2 * x.array().square() + a3 * x.array().cube();
  const dsp::Biquad hp = dsp::Biquad::high_pass(kFs, 5, 1 / std::sqrt(2.0));
  const auto gain = [&](double hz) { return std::abs(hp.response(kFs, hz)); };
  SteppedStretch out;
  out.x = hp.filter(y).tail(analysed);
  out.v = {(a0 + 0.75 * a3 * a0 * a0 * a0) * gain(f), a2 * a0 * a0 / 2 * gain(2 * f),
           a3 * a0 * a0 * a0 / 4 * gain(3 * f)};
  return out;
}

TEST(SineAnalysis, JointHarmonicFitReadsAStretchOfASteppedToneAsThePolynomialGivesIt) {
  // f_prev, f: third octaves up from 20 Hz, and a step down; tolerance in dB. At 20 Hz what remains of the
  // high-pass's settling after two periods, which a cubic does not follow exactly, moves H2 by 0.08 dB.
  struct Row {
    double f_prev, f, tolerance_db;
  };
  const double a0 = 0.5, a2 = 2e-3, a3 = 4e-3;  // H2 -66 dB, H3 -72 dB
  SineAnalysisOptions o;
  o.fit_harmonics = true;
  for (const Row r :
       {Row{16, 20, 0.1}, Row{20, 25, 0.05}, Row{25, 31.5, 0.05}, Row{80, 100, 0.02}, Row{800, 1000, 0.01},
        Row{1000, 800, 0.01}, Row{5000, 6300, 0.01}, Row{8000, 10000, 0.01}}) {
    const SteppedStretch s = stepped_stretch(r.f_prev, r.f, a0, a2, a3);
    o.frequency_hz = r.f;
    const SineResult got = analyze_sine(s.x, kFs, o);
    const auto [v1, v2, v3] = s.v;
    // H3 counts in THD inside the band only; in THD+N also where the digital polynomial folded it back
    // into the band (30 kHz of 10 kHz arrives at 18 kHz).
    const bool h3_in_band = 3 * r.f <= o.band_hi_hz;
    const bool h3_folded_in = !h3_in_band && kFs - 3 * r.f >= o.band_lo_hz && kFs - 3 * r.f <= o.band_hi_hz;
    const double thd = std::sqrt(v2 * v2 + (h3_in_band ? v3 * v3 : 0.0)) / v1;
    const double thd_n = std::sqrt(v2 * v2 + (h3_in_band || h3_folded_in ? v3 * v3 : 0.0)) / v1;
    SCOPED_TRACE(r.f);
    EXPECT_NEAR(got.fundamental_dbfs, 20 * std::log10(v1), 0.001);
    ASSERT_EQ(got.harmonics.size(),
              std::min<std::size_t>(9, static_cast<std::size_t>(o.band_hi_hz / r.f) - 1));
    EXPECT_NEAR(got.harmonics[0].level_db, 20 * std::log10(v2 / v1), r.tolerance_db);
    if (h3_in_band) {
      EXPECT_NEAR(got.harmonics[1].level_db, 20 * std::log10(v3 / v1), r.tolerance_db);
    }
    EXPECT_NEAR(got.thd_db, 20 * std::log10(thd), r.tolerance_db);
    // No noise: THD+N is the harmonics in the band.
    EXPECT_NEAR(got.thd_n_db, 20 * std::log10(thd_n), r.tolerance_db);
  }
}

TEST(SineAnalysis, WithoutTheJointFitAShortLowStretchLosesPartOfH2sLobeBelowTheBand) {
  // The case the joint fit is for: in a 150 ms stretch at 20 Hz the window lobe of H2 (40 Hz) spreads from
  // 13 Hz to 67 Hz, and the plain reading's 20 Hz band edge cuts part of it away, so THD+N reads low.
  const SteppedStretch s = stepped_stretch(16, 20, 0.5, 2e-3, 4e-3);
  const auto [v1, v2, v3] = s.v;
  const double truth = 10 * std::log10((v2 * v2 + v3 * v3) / (v1 * v1));
  SineAnalysisOptions o;
  o.frequency_hz = 20;
  const double plain = analyze_sine(s.x, kFs, o).thd_n_db;
  o.fit_harmonics = true;
  const double joint = analyze_sine(s.x, kFs, o).thd_n_db;
  EXPECT_LT(plain, truth - 0.3) << "plain " << plain << " dB, truth " << truth << " dB";
  EXPECT_NEAR(joint, truth, 0.1);
}

}  // namespace
}  // namespace bench::analysis
