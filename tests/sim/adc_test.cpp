#include "bench/sim/adc.hpp"

#include <gtest/gtest.h>

#include <array>

#include "bench/core/error.hpp"
#include "sim/sim_test_support.hpp"

namespace bench::sim {
namespace {

using testing::quiet_config;

TEST(Adc, ClipsHardAtFullScale) {
  ChainConfig c = quiet_config();
  c.amp.gain_db = 40;  // 1 Vrms full scale * 100 = 100 Vrms into a 10 Vrms ADC
  const dsp::Frames y = testing::run(c, testing::sines(4800, 0, 1000, 1000));
  EXPECT_EQ(y.maxCoeff(), 1.0);
  EXPECT_EQ(y.minCoeff(), -1.0);
  const auto clipped = (y.array().abs() == 1.0).count();
  EXPECT_GT(clipped, y.size() / 2);  // 20 dB over full scale: most samples sit on the rails
}

// Noise alone (signal zero) over 2^18 samples: the capture's variance is the white-noise sigma^2 of the
// configured stage, carried by the gains after it. Band power P in 20 Hz..20 kHz -> sigma^2 = P*(fs/2)/19980.
TEST(Adc, NoiseLevelsMatchTheirConfiguration) {
  struct Row {
    const char* stage;
    double level_db;
  };
  const double band_to_total = 24000.0 / 19980.0;
  for (const Row r : {Row{"adc", -100}, Row{"adc", -120}, Row{"amp", -90}, Row{"source", -95}}) {
    ChainConfig c = quiet_config();
    c.amp.gain_db = 6;
    c.amp.output_impedance_ohm = 2;  // into 32 ohm
    c.source.output_impedance_ohm = 100;
    double expected_variance = 0;  // in FS^2
    const double adc_peak_v = 10 * std::sqrt(2.0);
    const double load = 32.0 / 34;
    const double amp_gain = std::pow(10.0, 6.0 / 20);
    const double loading = 10000.0 / 10100;
    const std::string stage = r.stage;
    if (stage == "adc") {
      c.adc.noise_dbfs = r.level_db;
      expected_variance = std::pow(10.0, r.level_db / 10) / 2 * band_to_total;
    } else if (stage == "amp") {
      c.amp.noise_dbv = r.level_db;
      expected_variance = std::pow(10.0, r.level_db / 10) * band_to_total * std::pow(load / adc_peak_v, 2);
    } else {
      c.source.noise_dbv = r.level_db;
      expected_variance = std::pow(10.0, r.level_db / 10) * band_to_total *
                          std::pow(loading * amp_gain * load / adc_peak_v, 2);
    }
    const Eigen::Index n = Eigen::Index{1} << 18;
    const dsp::Frames y = testing::run(c, dsp::Frames::Zero(n, 2));
    for (int ch = 0; ch < 2; ++ch) {
      const double mean = y.col(ch).mean();
      const double variance = (y.col(ch).array() - mean).square().mean();
      EXPECT_NEAR(10 * std::log10(variance / expected_variance), 0.0, 0.3)
          << stage << " " << r.level_db << " ch " << ch;
    }
    // The two channels' noise is independent.
    const double correlation =
        y.col(0).dot(y.col(1)) / std::sqrt(y.col(0).squaredNorm() * y.col(1).squaredNorm());
    EXPECT_LT(std::abs(correlation), 0.02) << stage;
  }
}

// A 24-bit converter: every sample is one of the codes -2^23 .. 2^23 - 1 over 2^23, the rounding error
// against the same chain unquantised is at most half a step, and with the noise at -100 dBFS (about 60
// steps rms) dithering it, its variance is the uniform step's step^2 / 12 (within 3 %, 2^18 samples).
TEST(Adc, TwentyFourBitsPutsEverySampleOnTheGridWithAStepSquaredOverTwelveError) {
  ChainConfig c = quiet_config();
  c.adc.noise_dbfs = -100;
  const dsp::Frames x = testing::sines(Eigen::Index{1} << 18, -6, 997, 1499);
  const dsp::Frames ideal = testing::run(c, x);
  c.adc.resolution_bits = 24;
  const dsp::Frames y = testing::run(c, x);
  const double step = std::ldexp(1.0, -23);
  for (Eigen::Index i = 0; i < y.size(); ++i) {
    const double code = y.data()[i] / step;
    ASSERT_EQ(code, std::nearbyint(code)) << "sample " << i;
    ASSERT_GE(code, -8388608.0);
    ASSERT_LE(code, 8388607.0);
  }
  const dsp::Frames error = y - ideal;
  EXPECT_LE(error.cwiseAbs().maxCoeff(), step / 2);
  const double variance = error.array().square().mean();
  EXPECT_NEAR(variance / (step * step / 12), 1.0, 0.03);
}

// Full scale itself is no code of a 24-bit word: +1 becomes the largest code, -1 stays -1.
TEST(Adc, TwentyFourBitsClipsToTheLargestCode) {
  ChainConfig c = quiet_config();
  c.amp.gain_db = 40;
  c.adc.resolution_bits = 24;
  const dsp::Frames y = testing::run(c, testing::sines(4800, 0, 1000, 1000));
  EXPECT_EQ(y.maxCoeff(), 8388607.0 / 8388608.0);
  EXPECT_EQ(y.minCoeff(), -1.0);
}

TEST(Adc, AWordLengthOutsideSixteenToThirtyTwoIsAConfigError) {
  for (const int bits : {1, 8, 15, 33, -24}) {
    ChainConfig c = quiet_config();
    c.adc.resolution_bits = bits;
    EXPECT_THROW((void)testing::run(c, dsp::Frames::Zero(64, 2)), ConfigError) << bits;
  }
}

TEST(ClockResampler, ZeroOffsetIsBitExactPassThrough) {
  ClockResampler clock(0, 2, 1024);
  EXPECT_FALSE(clock.active());
  EXPECT_EQ(clock.latency_samples(), 0);
  const dsp::Frames x = testing::sines(1000, -3, 997, 1234);
  dsp::Frames y = x;
  std::array<double*, 2> channels{y.col(0).data(), y.col(1).data()};
  clock.process(channels, 1000);
  EXPECT_TRUE(y == x);

  plan::AdcProfile adc;
  adc.fullscale_vrms = 0.5;
  adc.noise_dbfs = -400;
  adc.distortion = {-400, -400};
  Adc converter(adc, 2, 48000, 1, 1024);
  dsp::Frames v = x * 0.5 * std::sqrt(2.0) * 0.25;  // volts of a quarter of full scale
  std::array<double*, 2> volts{v.col(0).data(), v.col(1).data()};
  converter.process(volts, 1000);
  EXPECT_LT((v - x * 0.25).cwiseAbs().maxCoeff(), 1e-15);
}

// With an offset the ADC samples its input at times n * (1 + ppm 1e-6) - latency: compare with the sine
// evaluated there, including across a slip (drift wrapped every slip_samples).
TEST(ClockResampler, SamplesAtTheOffsetClock) {
  struct Row {
    double ppm;
    std::size_t slip;
  };
  for (const Row r : {Row{1000, 1024}, Row{-1000, 1024}, Row{250, 8}, Row{-250, 8}}) {
    ClockResampler clock(r.ppm, 1, r.slip);
    const double f_hz = 1000, a = 0.5;
    const Eigen::Index n = 96000;
    dsp::Signal x(n);
    for (Eigen::Index i = 0; i < n; ++i)
      x[i] = a * std::sin(2 * dsp::kPi * f_hz * static_cast<double>(i) / testing::kFs);
    std::array<double*, 1> channels{x.data()};
    clock.process(channels, static_cast<std::size_t>(n));
    const double half = ClockResampler::kHalfTaps;
    const auto slip = static_cast<double>(r.slip);
    double worst = 0;
    for (Eigen::Index i = 4000; i < n; ++i) {
      const double drift = std::abs(r.ppm) * 1e-6 * static_cast<double>(i);
      const double wrapped = std::fmod(drift, slip);
      const double t = r.ppm > 0 ? static_cast<double>(i) - half - slip + wrapped
                                 : static_cast<double>(i) - half - wrapped;
      worst = std::max(worst, std::abs(x[i] - a * std::sin(2 * dsp::kPi * f_hz * t / testing::kFs)));
    }
    EXPECT_LT(worst, a * 1e-5) << r.ppm << " ppm, slip " << r.slip;
    EXPECT_EQ(clock.latency_samples(), r.ppm > 0 ? half + slip : half);
  }
}

TEST(ClockResampler, OffsetOutOfRangeIsAConfigError) {
  EXPECT_THROW(ClockResampler(2e5, 2, 1024), ConfigError);
  EXPECT_THROW(ClockResampler(10, 2, 0), ConfigError);
}

}  // namespace
}  // namespace bench::sim
