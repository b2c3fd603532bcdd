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
