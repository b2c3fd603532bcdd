#include "bench/sim/cable.hpp"

#include <gtest/gtest.h>

#include "bench/core/error.hpp"
#include "sim/sim_test_support.hpp"

namespace bench::sim {
namespace {

using testing::kFs;
using testing::quiet_config;

TEST(Cable, BalancedIntoUnbalancedHalvesVoltageAndSourceImpedance) {
  struct Row {
    bool port_balanced, input_balanced;
    double factor, z_source_ohm;
  };
  plan::SourcePort port;
  port.output_impedance_ohm = 100;
  plan::AmpInput input;
  for (const Row r : {Row{true, true, 1.0, 100}, Row{true, false, 0.5, 50}, Row{false, true, 1.0, 100},
                      Row{false, false, 1.0, 100}}) {
    port.balanced = r.port_balanced;
    input.balanced = r.input_balanced;
    EXPECT_EQ(cable_level_factor(port, input), r.factor);
    EXPECT_EQ(cable_source_impedance_ohm(port, input), r.z_source_ohm);
    EXPECT_DOUBLE_EQ(input_loading(port, input), 10000.0 / (10000.0 + r.z_source_ohm));
  }
}

TEST(Cable, SourceLoadedByTheInputLosesTheDividerRatio) {
  struct Row {
    double z_source_ohm, z_in_ohm;
  };
  for (const Row r : {Row{10, 10000}, Row{100, 10000}, Row{600, 47000}, Row{0, 10000}}) {
    ChainConfig c = quiet_config();
    c.source.output_impedance_ohm = r.z_source_ohm;
    c.amp_input.input_impedance_ohm = r.z_in_ohm;
    const double expected_db = 20 * std::log10(r.z_in_ohm / (r.z_in_ohm + r.z_source_ohm));
    const double measured_db = testing::measured_gain_db(c, 1000) - testing::full_scale_ratio_db(c);
    EXPECT_NEAR(measured_db, expected_db, 1e-3) << r.z_source_ohm << " into " << r.z_in_ohm;
  }
}

// One output split into both inputs (a Y-cable): each input sees the source loaded by both, Zin/2.
TEST(Cable, OneOutputIntoTwoInputsLoadsItInParallel) {
  for (const double z_source_ohm : {10.0, 100.0, 430.0}) {
    ChainConfig c = quiet_config();
    c.source.output_impedance_ohm = z_source_ohm;
    c.amp_input.input_impedance_ohm = 10000;
    c.fixture.wiring = {{0, false, false}, {0, false, false}};
    const double expected_db = 20 * std::log10(5000 / (5000 + z_source_ohm));
    for (int channel = 0; channel < 2; ++channel) {
      const double measured_db =
          testing::measured_gain_db(c, 1000, -20, channel) - testing::full_scale_ratio_db(c);
      EXPECT_NEAR(measured_db, expected_db, 1e-3) << z_source_ohm << " ohm, channel " << channel;
    }
    plan::SourcePort port;
    port.output_impedance_ohm = z_source_ohm;
    plan::AmpInput input;
    input.input_impedance_ohm = 10000;
    EXPECT_DOUBLE_EQ(input_loading(port, input, 2), 5000 / (5000 + z_source_ohm));
  }
}

TEST(Cable, BalancedPortIntoUnbalancedInputArrivesSixDecibelsLower) {
  ChainConfig balanced = quiet_config();
  balanced.source.output_impedance_ohm = 100;
  balanced.amp_input.input_impedance_ohm = 20000;
  ChainConfig rca = balanced;
  rca.amp_input.name = "rca";
  rca.amp_input.connector = plan::Connector::kRca;
  rca.amp_input.balanced = false;
  rca.amp_input.input_impedance_ohm = 10000;
  // Hot leg alone: half the voltage from half the source impedance.
  const double expected_db = 20 * std::log10(0.5) + 20 * std::log10(10000.0 / (10000.0 + 50.0)) -
                             20 * std::log10(20000.0 / (20000.0 + 100.0));
  EXPECT_NEAR(testing::measured_gain_db(rca, 1000) - testing::measured_gain_db(balanced, 1000), expected_db,
              1e-3);
  EXPECT_NEAR(20 * std::log10(0.5), -6.0206, 1e-4);
}

TEST(Cable, SwappedChannelsCarryEachOthersTone) {
  ChainConfig c = quiet_config();
  c.fixture.wiring = {plan::ChannelWiring{1, false, false}, plan::ChannelWiring{0, false, false}};
  const dsp::Frames x = testing::sines(48000, -20, 1000, 1500);
  const dsp::Frames y = testing::run(c, x);
  const double a = 0.1 * 0.1;  // -20 dBFS times source/ADC full scale 1/10
  EXPECT_NEAR(testing::tone_amplitude(y.col(0), 1500, 24000, 24000), a, a * 1e-6);
  EXPECT_NEAR(testing::tone_amplitude(y.col(1), 1000, 24000, 24000), a, a * 1e-6);
  EXPECT_LT(testing::tone_amplitude(y.col(0), 1000, 24000, 24000), a * 1e-10);
  EXPECT_LT(testing::tone_amplitude(y.col(1), 1500, 24000, 24000), a * 1e-10);
}

TEST(Cable, InvertedChannelIsTheExactNegation) {
  struct Row {
    const char* load;
    double clock_offset_ppm;
  };
  for (const Row r : {Row{"resistor", 0}, Row{"headphone", 0}, Row{"headphone", 37}}) {
    ChainConfig c = quiet_config();
    c.amp.output_impedance_ohm = 5;
    c.adc.clock_offset_ppm = r.clock_offset_ppm;
    if (std::string(r.load) == "headphone") {
      c.load.kind = plan::Load::Kind::kHeadphone;
      c.load.impedance = {{20, 60, 30}, {95, 80, 0}, {1000, 32, 5}, {20000, 40, 30}};
    }
    c.fixture.wiring = {plan::ChannelWiring{0, false, false}, plan::ChannelWiring{0, true, false}};
    const dsp::Frames y = testing::run(c, testing::sines(20000, -6, 440, 0));
    EXPECT_GT(y.col(0).cwiseAbs().maxCoeff(), 0.01);
    EXPECT_TRUE(y.col(1) == -y.col(0)) << r.load << " " << r.clock_offset_ppm;
  }
}

TEST(Cable, ShortedOrMissingChannelIsSilent) {
  for (const plan::ChannelWiring w :
       {plan::ChannelWiring{1, false, true}, plan::ChannelWiring{-1, false, false}}) {
    ChainConfig c = quiet_config();
    c.fixture.wiring[1] = w;
    const dsp::Frames y = testing::run(c, testing::sines(20000, 0, 1000, 1000));
    const double rms1 = std::sqrt(y.col(1).squaredNorm() / static_cast<double>(y.rows()));
    EXPECT_LT(rms1, std::pow(10.0, -200.0 / 20.0) / std::sqrt(2.0));  // below -200 dBFS
    EXPECT_GT(y.col(0).cwiseAbs().maxCoeff(), 0.1);
  }
}

TEST(Cable, WiringToAChannelThePortLacksIsAConfigError) {
  ChainConfig c = quiet_config();
  c.fixture.wiring[1].source_channel = 2;
  EXPECT_THROW(Chain{c}, ConfigError);
}

TEST(Cable, GroundLoopHumHasMainsAndTwoHarmonicsAtTheirLevels) {
  struct Row {
    double mains_hz, hum_dbv;
  };
  for (const Row r : {Row{50, -60}, Row{60, -80}}) {
    ChainConfig c = quiet_config();
    c.amp.gain_db = 6;
    c.fixture.ground_loop_hum_dbv = r.hum_dbv;
    c.fixture.mains_hz = r.mains_hz;
    const dsp::Frames y = testing::run(c, dsp::Frames::Zero(96000, 2));
    // Vrms at the input -> peak -> amp gain -> ADC full scale (10 Vrms).
    const double fundamental =
        std::sqrt(2.0) * std::pow(10.0, (r.hum_dbv + 6) / 20.0) / (10 * std::sqrt(2.0));
    struct Line {
      int harmonic;
      double relative_db;
    };
    for (int ch = 0; ch < 2; ++ch)
      for (const Line l : {Line{1, 0}, Line{2, -6}, Line{3, -10}}) {
        const double a = testing::tone_amplitude(y.col(ch), l.harmonic * r.mains_hz, 48000, 48000);
        EXPECT_NEAR(20 * std::log10(a / fundamental), l.relative_db, 0.01)
            << r.mains_hz << " Hz harmonic " << l.harmonic;
      }
  }
}

}  // namespace
}  // namespace bench::sim
