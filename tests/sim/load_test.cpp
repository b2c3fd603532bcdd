#include "bench/sim/load.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <complex>

#include "bench/core/error.hpp"
#include "sim/sim_test_support.hpp"

namespace bench::sim {
namespace {

using testing::quiet_config;

TEST(LoadImpedance, InterpolatesTheCurveOnLogFrequencyAndHoldsItsEnds) {
  plan::Load hp;
  hp.kind = plan::Load::Kind::kHeadphone;
  hp.impedance = {{100, 40, 20}, {1000, 30, 0}, {10000, 50, 40}};
  struct Row {
    double frequency_hz, magnitude_ohm, phase_deg;
  };
  for (const Row r :
       {Row{10, 40, 20}, Row{100, 40, 20}, Row{std::sqrt(1000.0 * 100), 35, 10}, Row{1000, 30, 0},
        Row{std::pow(10.0, 3.25), 35, 10}, Row{10000, 50, 40}, Row{30000, 50, 40}}) {
    const std::complex<double> z = load_impedance(hp, r.frequency_hz);
    EXPECT_NEAR(std::abs(z), r.magnitude_ohm, 1e-9) << r.frequency_hz;
    EXPECT_NEAR(std::arg(z) * 180 / dsp::kPi, r.phase_deg, 1e-9) << r.frequency_hz;
  }
  plan::Load r33;
  r33.resistance_ohm = 33;
  EXPECT_EQ(load_impedance(r33, 5000), std::complex<double>(33, 0));
}

TEST(Divider, IsTheLoadOverTheSum) {
  struct Row {
    double z_source_ohm, z_load_ohm, expected_db;
  };
  for (const Row r : {Row{10, 10000, 20 * std::log10(10000.0 / 10010)},
                      Row{2, 32, 20 * std::log10(32.0 / 34)}, Row{32, 32, -6.0206}, Row{0, 300, 0}})
    EXPECT_NEAR(divider_db(r.z_source_ohm, r.z_load_ohm), r.expected_db, 1e-4);
  EXPECT_NEAR(std::abs(parallel(300.0, 100000.0)), 300.0 * 100000 / 100300, 1e-9);
  EXPECT_EQ(parallel(300.0, std::numeric_limits<double>::infinity()), std::complex<double>(300.0));
}

TEST(Load, AmplifierOutputImpedanceIntoResistorLosesTheDividerRatio) {
  struct Row {
    double z_out_ohm, r_load_ohm, adc_z_in_ohm, expected_db;
  };
  const double r300_parallel_100k = 300.0 * 100000 / 100300;
  for (const Row r :
       {Row{2, 32, 1e15, 20 * std::log10(32.0 / 34)}, Row{10, 32, 1e15, 20 * std::log10(32.0 / 42)},
        Row{0.1, 600, 1e15, 20 * std::log10(600.0 / 600.1)},
        Row{2, 300, 100000, 20 * std::log10(r300_parallel_100k / (r300_parallel_100k + 2))}}) {
    ChainConfig c = quiet_config();
    c.amp.output_impedance_ohm = r.z_out_ohm;
    c.load.resistance_ohm = r.r_load_ohm;
    c.adc.input_impedance_ohm = r.adc_z_in_ohm;
    const double measured_db = testing::measured_gain_db(c, 1000) - testing::full_scale_ratio_db(c);
    EXPECT_NEAR(measured_db, r.expected_db, 1e-3) << r.z_out_ohm << " into " << r.r_load_ohm;
  }
}

// A dynamic headphone: voice coil (30 ohm, 0.1 mH) plus the motional impedance of a 95 Hz resonance with
// Q 2 peaking at 40 ohm, tabulated at 48 points per octave with 95 Hz, 1 kHz and 10 kHz on the grid.
std::complex<double> headphone_z(double f_hz) {
  const std::complex<double> j(0, 1);
  const double f0_hz = 95, q = 2, r_motional_ohm = 40;
  return 30.0 + j * 2.0 * dsp::kPi * f_hz * 1e-4 +
         r_motional_ohm / (1.0 + j * q * (f_hz / f0_hz - f0_hz / f_hz));
}

plan::Load headphone_load() {
  plan::Load hp;
  hp.id = "hp";
  hp.kind = plan::Load::Kind::kHeadphone;
  std::vector<double> grid = {95, 1000, 10000};
  for (double f = 10; f < 24000; f *= std::pow(2.0, 1.0 / 48)) grid.push_back(f);
  std::sort(grid.begin(), grid.end());
  for (double f : grid) {
    const std::complex<double> z = headphone_z(f);
    hp.impedance.push_back({f, std::abs(z), std::arg(z) * 180 / dsp::kPi});
  }
  hp.nominal_ohm = std::abs(headphone_z(1000));
  return hp;
}

TEST(Load, HeadphoneFirFollowsTheImpedanceCurve) {
  ChainConfig c = quiet_config();
  c.load = headphone_load();
  c.amp.output_impedance_ohm = 10;
  for (const double f_hz : {95.0, 1000.0, 10000.0}) {
    const std::complex<double> z = headphone_z(f_hz);
    const double expected_db = 20 * std::log10(std::abs(z / (z + 10.0)));
    const double measured_db = testing::measured_gain_db(c, f_hz) - testing::full_scale_ratio_db(c);
    EXPECT_NEAR(measured_db, expected_db, 0.02) << f_hz << " Hz";
    EXPECT_NEAR(Chain(c).expected_gain_db(f_hz, 0), expected_db, 1e-3) << f_hz << " Hz";
  }
  const LoadModel model(c.load, c.adc.input_impedance_ohm, 10, testing::kFs);
  EXPECT_TRUE(model.frequency_dependent());
  const auto taps = static_cast<std::size_t>(model.taps().size());
  EXPECT_GE(taps, kMinLoadFirTaps);
  EXPECT_EQ(taps & (taps - 1), 0u);
}

// Designs are kept per curve, impedances and rate (a chain is built per take): the same inputs give the
// same taps bit for bit, and a change of any input gets its own design, which follows its own divider
// |Z / (Z + Z_out)| at 1 kHz (the taps' DFT there, within the design's 0.02 dB), not a kept one.
TEST(Load, AKeptDesignIsReusedOnlyForTheSameCurveImpedancesAndRate) {
  const plan::Load hp = headphone_load();
  const double adc_ohm = 1e5;
  const auto gain_db_at = [](const LoadModel& m, double f_hz, double fs) {
    std::complex<double> sum = 0;
    for (Eigen::Index i = 0; i < m.taps().size(); ++i)
      sum += m.taps()[i] * std::polar(1.0, -2 * dsp::kPi * f_hz * static_cast<double>(i) / fs);
    return 20 * std::log10(std::abs(sum));
  };
  const auto divider_db = [&](double zout, double f_hz) {
    const std::complex<double> z = 1.0 / (1.0 / headphone_z(f_hz) + 1.0 / adc_ohm);
    return 20 * std::log10(std::abs(z / (z + zout)));
  };
  const LoadModel first(hp, adc_ohm, 10, testing::kFs);
  const LoadModel again(hp, adc_ohm, 10, testing::kFs);
  ASSERT_EQ(first.taps().size(), again.taps().size());
  EXPECT_TRUE((first.taps().array() == again.taps().array()).all());
  for (const double zout : {1.0, 10.0, 47.0}) {
    const LoadModel m(hp, adc_ohm, zout, testing::kFs);
    EXPECT_NEAR(gain_db_at(m, 1000, testing::kFs), divider_db(zout, 1000), 0.02) << zout << " ohm";
  }
  const LoadModel at96k(hp, adc_ohm, 10, 96000);
  EXPECT_NEAR(gain_db_at(at96k, 1000, 96000), divider_db(10, 1000), 0.02);
  plan::Load louder = hp;
  for (auto& p : louder.impedance) p.magnitude_ohm *= 2;
  const LoadModel twice(louder, adc_ohm, 10, testing::kFs);
  const std::complex<double> z2 = 1.0 / (1.0 / (2.0 * headphone_z(1000)) + 1.0 / adc_ohm);
  EXPECT_NEAR(gain_db_at(twice, 1000, testing::kFs), 20 * std::log10(std::abs(z2 / (z2 + 10.0))), 0.02);
}

// Nothing on the output: the ADC's input alone loads it, a scalar divider 1e5 / (1e5 + Z_out).
TEST(Load, OpenLoadIsTheAdcInputAlone) {
  plan::Load open;
  open.id = "open";
  open.kind = plan::Load::Kind::kOpen;
  for (const double z_out : {0.1, 2.0, 47.0, 100.0}) {
    const LoadModel m(open, 1e5, z_out, 48000);
    EXPECT_FALSE(m.frequency_dependent());
    EXPECT_NEAR(m.gain(), 1e5 / (1e5 + z_out), 1e-15) << z_out;
    EXPECT_NEAR(std::abs(m.impedance(1000)), 1e5, 1e-9);
  }
}

TEST(Load, ZeroOutputImpedanceOrResistorNeedsNoFir) {
  ChainConfig c = quiet_config();
  EXPECT_FALSE(LoadModel(c.load, 1e5, 2, testing::kFs).frequency_dependent());
  EXPECT_FALSE(LoadModel(headphone_load(), 1e5, 0, testing::kFs).frequency_dependent());
  EXPECT_EQ(LoadModel(headphone_load(), 1e5, 0, testing::kFs).gain(), 1.0);
}

TEST(Load, MissingOrMalformedLoadsAreConfigErrors) {
  plan::Load none;
  EXPECT_THROW(LoadModel(none, 1e5, 1, testing::kFs), ConfigError);
  plan::Load hp = headphone_load();
  hp.impedance[3].magnitude_ohm = -1;
  EXPECT_THROW(LoadModel(hp, 1e5, 1, testing::kFs), ConfigError);
  plan::Load empty;
  empty.kind = plan::Load::Kind::kHeadphone;
  EXPECT_THROW(LoadModel(empty, 1e5, 1, testing::kFs), ConfigError);
  EXPECT_THROW(LoadModel(headphone_load(), 0, 1, testing::kFs), ConfigError);
}

}  // namespace
}  // namespace bench::sim
