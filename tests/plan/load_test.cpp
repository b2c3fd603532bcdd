// The shipped profiles, fixtures and plans: they load, cross-validate and hold the numbers their files say;
// the shipped headphone curve agrees with the driver model it was generated from.
#include "bench/plan/load.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <filesystem>
#include <numbers>
#include <string>
#include <vector>

#include "bench/plan/catalogue.hpp"
#include "plan/test_support.hpp"

namespace fs = std::filesystem;
using namespace bench::plan;
using bench::plan::test::repo_root;

namespace {

std::vector<std::string> fixture_ids(const Plan& plan) {
  std::vector<std::string> ids;
  for (const auto& f : plan.fixtures) ids.push_back(f.id);
  return ids;
}

const Fixture& fixture(const Plan& plan, const std::string& id) {
  const auto it =
      std::find_if(plan.fixtures.begin(), plan.fixtures.end(), [&](const Fixture& f) { return f.id == id; });
  if (it == plan.fixtures.end()) throw std::runtime_error("no fixture " + id);
  return *it;
}

TEST(PlanShippedPlans, DemoLoadsAndCrossValidates) {
  const Plan plan = load_plan(repo_root() / "profiles/plans/demo.toml");
  EXPECT_EQ(plan.id, "demo");
  EXPECT_EQ(plan.interface.id, "scarlett_2i2");
  EXPECT_EQ(plan.amp.id, "desktop_amp");
  EXPECT_EQ(plan.adc.id, "reference_adc");
  EXPECT_EQ(plan.limits.id, "qa_default");
  ASSERT_EQ(plan.loads.size(), 3u);
  EXPECT_EQ(plan.loads[0].id, "r32");
  EXPECT_EQ(plan.loads[2].kind, Load::Kind::kHeadphone);
  EXPECT_EQ(fixture_ids(plan),
            (std::vector<std::string>{"line_trs_to_amp_trs", "line_trs_to_amp_xlr", "line_trs_to_amp_rca",
                                      "hp_to_amp_rca_y", "hp_to_amp_stereo"}));
  EXPECT_EQ(plan.settings.sample_rate_hz, 48000);
  EXPECT_EQ(plan.settings.reference_load, "r300");
  // Settings the plan gives are read; those it leaves out keep the model's defaults.
  EXPECT_EQ(plan.settings.thd_levels_dbfs, (std::vector<double>{-6, -20}));
  EXPECT_EQ(plan.settings.sweep_f2_hz, 23000);
  EXPECT_EQ(plan.settings.sweep_level_dbfs, MeasurementSettings{}.sweep_level_dbfs);
  for (const auto& f : plan.fixtures) {
    EXPECT_EQ(f.wiring.size(), 2u) << f.id;
    EXPECT_FALSE(f.instruction.empty()) << f.id;
    EXPECT_TRUE(plan.interface.ports.contains(f.source_port)) << f.id;
    EXPECT_TRUE(plan.amp.inputs.contains(f.destination_input)) << f.id;
  }
  const Fixture& rca = fixture(plan, "line_trs_to_amp_rca");
  EXPECT_FALSE(rca.balanced);
  EXPECT_EQ(rca.expected_level_change_db, -6.02);
  EXPECT_EQ(rca.ground_loop_hum_dbv, -110);
  const Fixture& xlr = fixture(plan, "line_trs_to_amp_xlr");
  EXPECT_EQ(xlr.destination_input, "balanced_trs");
  EXPECT_EQ(xlr.destination_connector, Connector::kXlr);
}

TEST(PlanShippedPlans, FaultsLoadsWithEachFaultWiredAsNamed) {
  const Plan plan = load_plan(repo_root() / "profiles/plans/faults.toml");
  EXPECT_EQ(fixture_ids(plan),
            (std::vector<std::string>{"line_trs_to_amp_trs", "faults/swapped_channels",
                                      "faults/inverted_right", "faults/mono_ts_shorted_right",
                                      "faults/gain_not_neutral", "faults/ground_loop_hum"}));
  const auto& swapped = fixture(plan, "faults/swapped_channels").wiring;
  EXPECT_EQ(swapped[0].source_channel, 1);
  EXPECT_EQ(swapped[1].source_channel, 0);
  const auto& inverted = fixture(plan, "faults/inverted_right").wiring;
  EXPECT_FALSE(inverted[0].inverted);
  EXPECT_TRUE(inverted[1].inverted);
  const auto& mono = fixture(plan, "faults/mono_ts_shorted_right").wiring;
  EXPECT_FALSE(mono[0].shorted);
  EXPECT_TRUE(mono[1].shorted);
  const Fixture& gain = fixture(plan, "faults/gain_not_neutral");
  EXPECT_EQ(gain.source_gain_db, 6);
  EXPECT_EQ(gain.expected_level_change_db, 0);
  const Fixture& hum = fixture(plan, "faults/ground_loop_hum");
  EXPECT_EQ(hum.ground_loop_hum_dbv, -60);
  EXPECT_EQ(hum.mains_hz, 50);
  EXPECT_EQ(hum.expected_level_change_db, -6.02);
  EXPECT_FALSE(hum.balanced);
}

TEST(PlanShippedPlans, ExplicitRootLoadsAPlanKeptElsewhere) {
  const fs::path dir = bench::plan::test::scratch_dir();
  fs::copy_file(repo_root() / "profiles/plans/demo.toml", dir / "elsewhere.toml");
  const Plan plan = load_plan(dir / "elsewhere.toml", repo_root());
  EXPECT_EQ(plan.id, "elsewhere");
  EXPECT_EQ(plan.fixtures.size(), 5u);
}

TEST(PlanShippedProfiles, InterfaceHoldsTheFilesNumbers) {
  const InterfaceProfile p = load_interface(repo_root() / "profiles/interfaces/scarlett_2i2.toml");
  EXPECT_EQ(p.id, "scarlett_2i2");
  EXPECT_EQ(p.sample_rates_hz, (std::vector<double>{44100, 48000, 88200, 96000, 176400, 192000}));
  EXPECT_EQ(p.match.rtaudio_name_pattern, "Scarlett 2i2");
  EXPECT_EQ(p.match.usb_vendor_id, 0x1235);
  EXPECT_EQ(p.match.usb_product_id, 0x8210);
  ASSERT_EQ(p.ports.size(), 2u);
  const SourcePort& line = p.ports.at("line_out");
  EXPECT_EQ(line.name, "line_out");
  EXPECT_EQ(line.connector, Connector::kTrs);
  EXPECT_TRUE(line.balanced);
  EXPECT_EQ(line.channels, 2);
  EXPECT_EQ(line.device_channels, (std::vector<int>{0, 1}));
  EXPECT_EQ(line.fullscale_vrms, 4.9);
  EXPECT_EQ(line.output_impedance_ohm, 430);
  EXPECT_EQ(line.volume_db, 0);
  EXPECT_EQ(line.noise_dbv, -104);
  EXPECT_EQ(line.distortion.h2_db_at_fs, -110);
  EXPECT_EQ(line.distortion.h3_db_at_fs, -105);
  const SourcePort& hp = p.ports.at("headphone_out");
  EXPECT_EQ(hp.connector, Connector::kStereoTrs);
  EXPECT_FALSE(hp.balanced);
  EXPECT_EQ(hp.device_channels, (std::vector<int>{2, 3}));
  EXPECT_EQ(hp.fullscale_vrms, 1.7);
  EXPECT_EQ(hp.output_impedance_ohm, 10);
  EXPECT_EQ(hp.volume_db, -6);
  EXPECT_EQ(hp.noise_dbv, -100);
  EXPECT_EQ(hp.distortion.h2_db_at_fs, -95);
  EXPECT_EQ(hp.distortion.h3_db_at_fs, -90);
}

TEST(PlanShippedProfiles, AmpAdcAndLimitsHoldTheFilesNumbers) {
  const AmpProfile amp = load_amp(repo_root() / "profiles/amps/desktop_amp.toml");
  EXPECT_EQ(amp.gain_db, 6);
  EXPECT_EQ(amp.output_impedance_ohm, 2);
  EXPECT_EQ(amp.highpass_hz, 3);
  EXPECT_EQ(amp.lowpass_hz, 100000);
  EXPECT_EQ(amp.rail_vpeak, 12);
  EXPECT_EQ(amp.noise_dbv, -112);
  EXPECT_EQ(amp.distortion.h2_db_at_fs, -100);
  EXPECT_EQ(amp.distortion.h3_db_at_fs, -95);
  ASSERT_EQ(amp.inputs.size(), 3u);
  EXPECT_EQ(amp.inputs.at("balanced_trs").input_impedance_ohm, 20000);
  EXPECT_TRUE(amp.inputs.at("balanced_trs").balanced);
  EXPECT_EQ(amp.inputs.at("rca").connector, Connector::kRca);
  EXPECT_EQ(amp.inputs.at("stereo_trs").input_impedance_ohm, 10000);

  const AdcProfile adc = load_adc(repo_root() / "profiles/adcs/reference_adc.toml");
  EXPECT_EQ(adc.channels, 2);
  EXPECT_EQ(adc.fullscale_vrms, 20);
  EXPECT_EQ(adc.input_impedance_ohm, 100000);
  EXPECT_EQ(adc.noise_dbfs, -125);
  EXPECT_EQ(adc.distortion.h2_db_at_fs, -125);
  EXPECT_EQ(adc.clock_offset_ppm, 0);
  EXPECT_EQ(adc.resolution_bits, 24);

  const LimitSet limits = load_limits(repo_root() / "profiles/limits/qa_default.toml");
  std::vector<std::string> names;
  for (const auto& [name, limit] : limits.limits) names.push_back(name);
  // Every check that takes a limit is made (clock_drift_ppm is recorded only).
  EXPECT_EQ(names, (std::vector<std::string>{"channel_balance_db",
                                             "channel_map",
                                             "crosstalk_db",
                                             "damping_factor",
                                             "dynamic_range_db_a",
                                             "dynamic_range_db_ccir_rms",
                                             "frequency_response_deviation_db",
                                             "gain_db",
                                             "hum_dbv",
                                             "imd_ccif_db",
                                             "imd_smpte_db",
                                             "interchannel_phase_deg",
                                             "level_dbv",
                                             "loading_deviation_db",
                                             "max_output_vrms",
                                             "noise_dbv_a",
                                             "noise_dbv_ccir_rms",
                                             "output_impedance_ohm",
                                             "polarity",
                                             "snr_db",
                                             "source_loading_db",
                                             "thd_db",
                                             "thd_n_db"}));
  for (const CheckSpec& c : checks())
    EXPECT_EQ(limits.limits.contains(std::string(c.name)), c.limit_forms != 0) << c.name;
  EXPECT_EQ(limits.limits.at("level_dbv").tolerance, 1.0);
  EXPECT_EQ(limits.limits.at("snr_db").min, 95);
  EXPECT_EQ(limits.limits.at("thd_n_db").max, -65);
  EXPECT_FALSE(limits.limits.at("channel_map").min || limits.limits.at("channel_map").max ||
               limits.limits.at("channel_map").tolerance || limits.limits.at("channel_map").expected);
}

TEST(PlanShippedProfiles, ResistorLoadsHoldTheirValue) {
  const Load r32 = load_load(repo_root() / "profiles/loads/r32.toml");
  EXPECT_EQ(r32.kind, Load::Kind::kResistor);
  EXPECT_EQ(r32.resistance_ohm, 32);
  EXPECT_EQ(r32.tolerance_percent, 1);
  EXPECT_EQ(r32.nominal_ohm, 32);
  EXPECT_EQ(load_load(repo_root() / "profiles/loads/r300.toml").impedance_at(1000),
            std::complex<double>(300, 0));
}

// The driver model the .zma files were generated from (their header states it).
std::complex<double> dynamic_driver(double f, double re, double le_h, double res, double qms, double fs) {
  const std::complex<double> j(0, 1);
  return re + j * 2.0 * std::numbers::pi * f * le_h + res / (1.0 + j * qms * (f / fs - fs / f));
}

TEST(PlanShippedProfiles, HeadphoneCurveIsReadAndInterpolated) {
  const auto curve = read_zma(repo_root() / "profiles/loads/hp_dynamic_32.zma");
  ASSERT_EQ(curve.size(), 540u);  // 48 points per octave, 10 Hz to 24 kHz
  EXPECT_NEAR(curve.front().frequency_hz, 10, 1e-3);
  EXPECT_GE(curve.back().frequency_hz, 24000);
  const Load hp = load_load(repo_root() / "profiles/loads/hp_dynamic_32.toml");
  EXPECT_EQ(hp.impedance.size(), curve.size());
  // At resonance the motional branch is purely resistive: |Z| = Re + Res = 75 ohm.
  EXPECT_NEAR(std::abs(hp.impedance_at(95)), 75, 0.75);
  const auto z_1k = dynamic_driver(1000, 30, 0.08e-3, 45, 2.2, 95);
  EXPECT_NEAR(std::abs(hp.impedance_at(1000)), std::abs(z_1k), 0.02 * std::abs(z_1k));
  EXPECT_NEAR(hp.nominal_ohm, std::abs(z_1k), 0.02 * std::abs(z_1k));
  // Between grid points across the whole band, within 2 % of the model, magnitude and phase.
  for (double f : {20.0, 63.0, 150.0, 440.0, 3000.0, 12000.0, 20000.0}) {
    const auto z = dynamic_driver(f, 30, 0.08e-3, 45, 2.2, 95);
    EXPECT_NEAR(std::abs(hp.impedance_at(f)), std::abs(z), 0.02 * std::abs(z)) << f;
    EXPECT_NEAR(std::arg(hp.impedance_at(f)), std::arg(z), 0.02) << f;
  }
  const Load hp300 = load_load(repo_root() / "profiles/loads/hp_dynamic_300.toml");
  EXPECT_NEAR(std::abs(hp300.impedance_at(110)), 280 + 250, 0.01 * 530);
}

TEST(PlanReadZma, AcceptsCommentsCommasTabsAndCrLf) {
  const fs::path dir = bench::plan::test::scratch_dir();
  const fs::path file = bench::plan::test::write_file(
      dir, "curve.zma", "* REW export\r\n# note\n; note\n\n10, 30.5, -1.5\r\n100\t31\t+2\n  1e3 32 90\n");
  const auto curve = read_zma(file);
  ASSERT_EQ(curve.size(), 3u);
  EXPECT_EQ(curve[0].frequency_hz, 10);
  EXPECT_EQ(curve[0].magnitude_ohm, 30.5);
  EXPECT_EQ(curve[0].phase_deg, -1.5);
  EXPECT_EQ(curve[1].phase_deg, 2);
  EXPECT_EQ(curve[2].frequency_hz, 1000);
  EXPECT_EQ(curve[2].phase_deg, 90);
}

// Windows editors and some analyzers' exports start UTF-8 text with a byte-order mark: it is encoding, not
// content, so the first line reads as if it were not there.
TEST(PlanReadZma, ReadsPastAUtf8ByteOrderMark) {
  const fs::path dir = bench::plan::test::scratch_dir();
  const fs::path file = bench::plan::test::write_file(dir, "bom.zma",
                                                      "\xEF\xBB\xBF"
                                                      "10 30 0\n100 31 2\n");
  const auto curve = read_zma(file);
  ASSERT_EQ(curve.size(), 2u);
  EXPECT_EQ(curve[0].frequency_hz, 10);
  EXPECT_EQ(curve[1].magnitude_ohm, 31);
}

// UTF-16 text (what a "Unicode" save gives) is named as such, not as a line that is not three numbers.
TEST(PlanReadZma, RefusesUtf16TextNamingTheEncoding) {
  const fs::path dir = bench::plan::test::scratch_dir();
  const std::string utf16(
      "\xFF\xFE"
      "1\0"
      "0\0"
      " \0"
      "3\0"
      "0\0"
      " \0"
      "0\0"
      "\n\0",
      18);
  const fs::path file = bench::plan::test::write_file(dir, "utf16.zma", utf16);
  try {
    static_cast<void>(read_zma(file));
    FAIL() << "read a UTF-16 file";
  } catch (const bench::ConfigError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("utf16.zma:1"), std::string::npos) << what;
    EXPECT_NE(what.find("UTF-16"), std::string::npos) << what;
    EXPECT_NE(what.find("save it as UTF-8"), std::string::npos) << what;
  }
}

}  // namespace

namespace {

TEST(PlanShippedPlans, ImpedancePlansListTheirLoadsInOrder) {
  for (const char* name : {"impedance", "impedance_high_z"}) {
    SCOPED_TRACE(name);
    const Plan plan = load_plan(repo_root() / "profiles/plans" / (std::string(name) + ".toml"));
    EXPECT_EQ(plan.settings.impedance_loads, (std::vector<std::string>{"open", "r33", "r300"}));
    ASSERT_EQ(plan.impedance_loads.size(), 3u);
    EXPECT_EQ(plan.impedance_loads[0].kind, Load::Kind::kOpen);
    EXPECT_EQ(plan.impedance_loads[1].resistance_ohm, 33);
    EXPECT_EQ(plan.impedance_loads[1].tolerance_percent, 1);
    EXPECT_EQ(plan.settings.impedance_sweep_duration_s, 1);
  }
  EXPECT_EQ(load_plan(repo_root() / "profiles/plans/impedance_high_z.toml").amp.output_impedance_ohm, 47);
  // The demo (the main job) measures it with the same three loads; plans without the key measure none.
  EXPECT_EQ(load_plan(repo_root() / "profiles/plans/demo.toml").settings.impedance_loads,
            (std::vector<std::string>{"open", "r33", "r300"}));
  EXPECT_TRUE(load_plan(repo_root() / "profiles/plans/faults.toml").impedance_loads.empty());
}

TEST(PlanShippedFixtures, RelayMapOfTheBalancedLineFixture) {
  const Fixture f = load_fixture(repo_root() / "fixtures/line_trs_to_amp_trs.toml");
  ASSERT_TRUE(f.relays.has_value());
  EXPECT_EQ(f.relays->settling_s, 0.05);
  EXPECT_TRUE(f.relays->path.empty());
  EXPECT_EQ(f.relays->loads.size(), 5u);
  EXPECT_TRUE(f.relays->loads.at("open").empty());
  EXPECT_EQ(f.relays->loads.at("r300"), (std::vector<int>{2}));
  EXPECT_EQ(f.relays->loads.at("hp_dynamic_300"), (std::vector<int>{4}));
  // Fixtures without the table have no relays.
  EXPECT_FALSE(load_fixture(repo_root() / "fixtures/hp_to_amp_stereo.toml").relays.has_value());
}

TEST(PlanLoads, OpenLoadIsAnInfiniteImpedanceWithoutTolerance) {
  const Load open = load_load(repo_root() / "profiles/loads/open.toml");
  EXPECT_EQ(open.kind, Load::Kind::kOpen);
  EXPECT_EQ(to_string(open.kind), "open");
  EXPECT_TRUE(std::isinf(open.impedance_at(1000).real()));
  EXPECT_TRUE(std::isinf(open.nominal_ohm));
  EXPECT_EQ(open.tolerance_percent, 0);
}

}  // namespace
