#include "bench/signal/tone.hpp"

#include <gtest/gtest.h>

#include "bench/core/error.hpp"

namespace bench::stimulus {
namespace {

TEST(Tone, CoherentFrequencyHasAWholeNumberOfCycles) {
  const ToneSpec s = make_tone_spec(997, -1, 1.3, 44100, true);
  const double cycles = s.actual_frequency_hz * static_cast<double>(s.samples) / 44100;
  EXPECT_NEAR(cycles, std::round(cycles), 1e-9);
  EXPECT_NEAR(s.actual_frequency_hz, 997, 44100.0 / static_cast<double>(s.samples));
  const ToneSpec free = make_tone_spec(997, -1, 1.3, 44100, false);
  EXPECT_EQ(free.actual_frequency_hz, 997);
}

TEST(Tone, PeakLevelIsTheAskedDbfs) {
  const dsp::Signal x = generate_tone(make_tone_spec(1000, -20, 1, 48000, false));
  EXPECT_NEAR(20 * std::log10(x.cwiseAbs().maxCoeff()), -20, 1e-6);
}

// TPDF dither of +-1 LSB adds LSB^2/6 and rounding LSB^2/12: the error power is LSB^2/4, independent
// of the signal (Vanderkooy and Lipshitz).
TEST(QuantizeTpdf, ErrorPowerIsAQuarterLsbSquared) {
  const dsp::Signal x = generate_tone(make_tone_spec(997, -1, 4, 48000, false));
  for (int bits : {16, 24}) {
    const dsp::Signal y = quantize_tpdf(x, bits, 11);
    const double lsb = std::ldexp(1.0, -(bits - 1));
    const double power = (y - x).squaredNorm() / static_cast<double>(x.size());
    EXPECT_NEAR(power / (lsb * lsb / 4), 1.0, 0.02) << bits << " bits";
    const dsp::Signal grid = y * std::ldexp(1.0, bits - 1);
    EXPECT_LT((grid.array() - grid.array().round()).abs().maxCoeff(), 1e-9);
  }
}

TEST(ToneSpec, RefusesFrequencyAboveNyquist) {
  EXPECT_THROW((void)make_tone_spec(30000, -1, 1, 48000, false), InputError);
}

}  // namespace
}  // namespace bench::stimulus

namespace bench::stimulus {
namespace {

// The twin tone's peak is the sum of both amplitudes, at most level_dbfs and (the phases meet within a
// second) within 0.1 dB of it for SMPTE; each tone's amplitude is what a DFT projection onto it reads (the
// tones are coherent, so the projections are exact), in the standard's ratio.
TEST(TwinTone, PeakIsTheLevelAndEachToneHasItsShareOfIt) {
  for (const auto standard : {dsp::ImdStandard::kSmpte, dsp::ImdStandard::kCcif}) {
    const dsp::ImdTones tones = dsp::imd_defaults(standard);
    const TwinToneSpec s = make_twin_tone_spec(standard, tones, -6, 1, 48000);
    const dsp::Signal x = generate_twin_tone(s);
    SCOPED_TRACE(std::string(dsp::to_string(standard)));
    const double peak = std::pow(10.0, -6.0 / 20);
    EXPECT_LE(x.cwiseAbs().maxCoeff(), peak + 1e-12);
    // At 2.4 samples per cycle of 20 kHz the samples miss the crest by up to 0.4 dB.
    EXPECT_GT(20 * std::log10(x.cwiseAbs().maxCoeff() / peak),
              standard == dsp::ImdStandard::kSmpte ? -0.1 : -0.5);
    const auto project = [&](double f) {
      double sum = 0;
      for (Eigen::Index n = 0; n < x.size(); ++n)
        sum += x[n] * std::sin(2 * dsp::kPi * f * static_cast<double>(n) / 48000);
      return 2 * sum / static_cast<double>(x.size());
    };
    EXPECT_NEAR(project(s.actual_f1_hz), peak * tones.ratio / (tones.ratio + 1), 1e-9);
    EXPECT_NEAR(project(s.actual_f2_hz), peak / (tones.ratio + 1), 1e-9);
    EXPECT_EQ(s.samples, 48000U);
    EXPECT_DOUBLE_EQ(s.actual_f1_hz, tones.f1_hz);  // whole cycles in 1 s already
  }
  // 61.3 Hz is 24.52 cycles in 0.4 s: it moves to 25 cycles, 62.5 Hz.
  const TwinToneSpec odd = make_twin_tone_spec(dsp::ImdStandard::kSmpte, {61.3, 7000, 4}, -6, 0.4, 48000);
  EXPECT_DOUBLE_EQ(odd.actual_f1_hz, 62.5);
}

}  // namespace
}  // namespace bench::stimulus
