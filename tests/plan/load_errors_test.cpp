// Every kind of configuration mistake, one table row each: the loader throws bench::ConfigError with one
// line that names the file, the table.key and what is allowed. Each row starts from a valid file (the
// ValidBases test proves they load) and changes one thing.
#include <gtest/gtest.h>

#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "bench/plan/load.hpp"
#include "plan/test_support.hpp"

namespace fs = std::filesystem;
using namespace bench::plan;
namespace t = bench::plan::test;

namespace {

enum class Kind { kInterface, kAmp, kAdc, kLoad, kLimits, kFixture, kPlan, kZma };

const char* const kInterface = R"(
[interface]
name = "Test interface"
sample_rates_hz = [44100, 48000]

[interface.match]
rtaudio_name_pattern = "Test"
usb_vendor_id = 0x1235

[ports.line_out]
connector = "trs"
balanced = true
channels = 2
device_channels = [0, 1]

[ports.line_out.sim]
fullscale_vrms = 4.9
output_impedance_ohm = 430
)";

const char* const kAmp = R"(
[amp]
name = "Test amp"
gain_db = 6
output_impedance_ohm = 2

[amp.sim]
highpass_hz = 3
lowpass_hz = 100000

[inputs.balanced_trs]
connector = "trs"
balanced = true
input_impedance_ohm = 20000
)";

const char* const kAdc = R"(
[adc]
name = "Test ADC"
channels = 2
sample_rates_hz = [44100, 48000]
fullscale_vrms = 20
input_impedance_ohm = 100000

[adc.sim]
noise_dbfs = -125
)";

const char* const kResistor = R"(
[load]
name = "32 ohm"
kind = "resistor"
resistance_ohm = 32
)";

const char* const kHeadphone = R"(
[load]
name = "Headphone"
kind = "headphone"
impedance_file = "curve.zma"
)";

const char* const kLimits = R"(
[limits]
name = "Test limits"

[checks.thd_db]
max = -70

[checks.polarity]
)";

const char* const kFixture = R"(
[fixture]
name = "Test fixture"
cable = "2x TRS-TRS"
source_port = "line_out"
source_connector = "trs"
destination_input = "balanced_trs"
destination_connector = "trs"
balanced = true
expected_level_change_db = 0
instruction = "Connect LINE OUT 1 and 2 to BALANCED IN L and R."

[[wiring]]
source_channel = "left"

[[wiring]]
source_channel = "right"
)";

// Valid against the repository's profiles and fixtures (copied into the scratch directory).
const char* const kPlan = t::kBasePlan;

const char* const kZma = "* test curve\n10 30 0\n100 31 5\n1000 32 10\n24000 33 20\n";
const std::pair<std::string, std::string> kCurve{"profiles/loads/curve.zma", kZma};

using t::edit;
using t::kEditNotFound;

struct ErrorCase {
  std::string name;                  ///< test name, also the file's stem
  Kind kind;                         ///< which loader reads the file
  std::optional<std::string> text;   ///< file content; nullopt: the file is not written
  std::vector<std::string> needles;  ///< must all appear in the message (besides the blamed file's name)
  std::vector<std::pair<std::string, std::string>> extra_files = {};  ///< (relative path, content)
  std::string blamed = {};  ///< file name the message must name; default: the loaded file's
};

fs::path relative_path(Kind kind, const std::string& stem) {
  switch (kind) {
    case Kind::kInterface:
      return fs::path("profiles/interfaces") / (stem + ".toml");
    case Kind::kAmp:
      return fs::path("profiles/amps") / (stem + ".toml");
    case Kind::kAdc:
      return fs::path("profiles/adcs") / (stem + ".toml");
    case Kind::kLoad:
      return fs::path("profiles/loads") / (stem + ".toml");
    case Kind::kLimits:
      return fs::path("profiles/limits") / (stem + ".toml");
    case Kind::kFixture:
      return fs::path("fixtures") / (stem + ".toml");
    case Kind::kPlan:
      return fs::path("profiles/plans") / (stem + ".toml");
    case Kind::kZma:
      return fs::path("profiles/loads") / (stem + ".zma");
  }
  return {};
}

void load(Kind kind, const fs::path& file) {
  switch (kind) {
    case Kind::kInterface:
      static_cast<void>(load_interface(file));
      return;
    case Kind::kAmp:
      static_cast<void>(load_amp(file));
      return;
    case Kind::kAdc:
      static_cast<void>(load_adc(file));
      return;
    case Kind::kLoad:
      static_cast<void>(load_load(file));
      return;
    case Kind::kLimits:
      static_cast<void>(load_limits(file));
      return;
    case Kind::kFixture:
      static_cast<void>(load_fixture(file));
      return;
    case Kind::kPlan:
      static_cast<void>(load_plan(file));
      return;
    case Kind::kZma:
      static_cast<void>(read_zma(file));
      return;
  }
}

// Writes the case's files into a fresh scratch directory (with a copy of the repository's profiles for
// plans) and returns the path of the file to load.
fs::path prepare(const ErrorCase& c) {
  const fs::path dir = t::scratch_dir();
  if (c.kind == Kind::kPlan) t::copy_bench_tree(dir);
  for (const auto& [path, text] : c.extra_files) t::write_file(dir, path, text);
  const fs::path relative = relative_path(c.kind, c.name);
  if (c.text) t::write_file(dir, relative, *c.text);
  return dir / relative;
}

// A fixture referenced by a plan ("fixtures/<stem>.toml", plan fixtures = ["<stem>"]) for cross checks.
std::vector<std::pair<std::string, std::string>> plan_fixture(const std::string& stem,
                                                              const std::string& text) {
  return {{"fixtures/" + stem + ".toml", text}};
}
std::string plan_with_fixture(const std::string& stem) {
  return edit(kPlan, R"(fixtures = ["line_trs_to_amp_trs"])", R"(fixtures = [")" + stem + R"("])");
}

const std::string kConnectors = "use one of trs, xlr, ts, rca, stereo_trs";

std::vector<ErrorCase> error_cases() {
  const std::string iface = kInterface;
  const std::string amp = kAmp;
  const std::string adc = kAdc;
  const std::string fixture = kFixture;
  const std::string limits = kLimits;
  const std::string plan = kPlan;
  return {
      // A missing file.
      {"missing_interface", Kind::kInterface, std::nullopt, {"file not found"}},
      {"missing_zma", Kind::kZma, std::nullopt, {"file not found"}},
      // TOML syntax errors name the line.
      {"syntax_error",
       Kind::kInterface,
       "[interface]\nname = \"Test\nsample_rates_hz = [44100]\n",
       {"syntax_error.toml:2", "TOML syntax error"}},
      {"syntax_duplicate_key",
       Kind::kFixture,
       edit(fixture, "balanced = true\n", "balanced = true\nbalanced = false\n"),
       {"duplicate_key.toml:10", "TOML syntax error"}},
      // Unknown keys at every level.
      {"unknown_top_level_table",
       Kind::kInterface,
       iface + "\n[port.extra]\nconnector = \"trs\"\n",
       {"unknown_top_level_table.toml:20: port: unknown key in the top level", "did you mean \"ports\"?",
        "allowed keys here: interface, ports"}},
      {"unknown_key_in_interface",
       Kind::kInterface,
       edit(iface, "name = ", "vendor = \"Focusrite\"\nname = "),
       {"interface.vendor: unknown key in [interface]", "name, sample_rates_hz, match"}},
      {"unknown_key_in_match",
       Kind::kInterface,
       edit(iface, "usb_vendor_id", "usb_vendor"),
       {"interface.match.usb_vendor: unknown key", "usb_vendor_id"}},
      {"unknown_key_in_port_sim",
       Kind::kInterface,
       iface + "gain_db = 3\n",
       {"ports.line_out.sim.gain_db: unknown key in [ports.line_out.sim]",
        "fullscale_vrms, output_impedance_ohm"}},
      {"misspelt_key_suggests",
       Kind::kInterface,
       edit(iface, "fullscale_vrms", "fullscale_vrm"),
       {"ports.line_out.sim.fullscale_vrm", "did you mean \"fullscale_vrms\"?"}},
      {"amp_output_impedance_in_sim", Kind::kAmp, amp + "", {}},  // placeholder replaced below
      {"amp_output_impedance_in_both",
       Kind::kAmp,
       edit(amp, "lowpass_hz = 100000", "lowpass_hz = 100000\noutput_impedance_ohm = 2"),
       {"amp.sim.output_impedance_ohm: unknown key in [amp.sim]", "output_impedance_ohm belongs in [amp]"}},
      {"unknown_key_in_wiring",
       Kind::kFixture,
       edit(fixture, "source_channel = \"right\"", "source_channel = \"right\"\ninvert = true"),
       {"wiring[1].invert: unknown key in [wiring[1]]", "did you mean \"inverted\"?"}},
      {"unknown_key_in_settings",
       Kind::kPlan,
       edit(plan, "reference_load", "sample_rate = 48000\nreference_load"),
       {"settings.sample_rate: unknown key in [settings]", "did you mean \"sample_rate_hz\"?"}},
      {"unknown_key_in_check",
       Kind::kLimits,
       edit(limits, "max = -70", "maximum = -70"),
       {"checks.thd_db.maximum: unknown key", "allowed keys here: min, max"}},
      {"unknown_check_name",
       Kind::kLimits,
       limits + "\n[checks.thd_percent]\nmax = 0.1\n",
       {"checks.thd_percent: unknown check",
        "use one of channel_map, polarity, frequency_response_deviation_db", "max_output_vrms"}},
      // Wrong types.
      {"type_string_for_integer",
       Kind::kInterface,
       edit(iface, "channels = 2", "channels = \"2\""),
       {"ports.line_out.channels: expected an integer, found a string"}},
      {"type_float_for_integer",
       Kind::kInterface,
       edit(iface, "channels = 2", "channels = 2.5"),
       {"ports.line_out.channels: expected an integer, found a floating-point number"}},
      {"type_string_for_boolean",
       Kind::kInterface,
       edit(iface, "balanced = true", "balanced = \"yes\""),
       {"ports.line_out.balanced: expected a boolean, found a string", "true or false"}},
      {"type_number_for_array",
       Kind::kInterface,
       edit(iface, "[44100, 48000]", "48000"),
       {"interface.sample_rates_hz: expected an array, found an integer"}},
      {"type_in_array_element",
       Kind::kInterface,
       edit(iface, "[44100, 48000]", "[44100, \"48000\"]"),
       {"interface.sample_rates_hz[1]: expected a number, found a string"}},
      {"type_number_for_string",
       Kind::kFixture,
       edit(fixture, "name = \"Test fixture\"", "name = 3"),
       {"fixture.name: expected a string, found an integer"}},
      {"type_string_for_table",
       Kind::kAdc,
       edit(adc, "[adc.sim]\nnoise_dbfs = -125\n", "sim = \"quiet\"\n"),
       {"adc.sim: expected a table, found a string"}},
      {"type_string_for_id_list",
       Kind::kPlan,
       edit(plan, R"(["r32", "r300"])", R"("r32")"),
       {"plan.loads: expected an array, found a string"}},
      // Missing required keys and tables.
      {"missing_interface_name",
       Kind::kInterface,
       edit(iface, "name = \"Test interface\"\n", ""),
       {"interface.name: missing required key in [interface]", "add name ="}},
      {"missing_fullscale",
       Kind::kInterface,
       edit(iface, "fullscale_vrms = 4.9\n", ""),
       {"ports.line_out.sim.fullscale_vrms: missing required key in [ports.line_out.sim]"}},
      {"missing_port_sim_table",
       Kind::kInterface,
       edit(iface, "\n[ports.line_out.sim]\nfullscale_vrms = 4.9\noutput_impedance_ohm = 430\n", ""),
       {"ports.line_out.sim: missing required table", "add a [ports.line_out.sim] table"}},
      {"missing_interface_table",
       Kind::kInterface,
       edit(iface, "[interface]", "[interface_]"),
       {"interface_: unknown key", "did you mean \"interface\"?"}},
      {"missing_ports",
       Kind::kAmp,
       edit(amp,
            "[inputs.balanced_trs]\nconnector = \"trs\"\nbalanced = true\n"
            "input_impedance_ohm = 20000\n",
            ""),
       {"inputs: missing required table", "[inputs.balanced_trs]"}},
      {"missing_source_port",
       Kind::kFixture,
       edit(fixture, "source_port = \"line_out\"\n", ""),
       {"fixture.source_port: missing required key in [fixture]"}},
      {"missing_resistance",
       Kind::kLoad,
       edit(kResistor, "resistance_ohm = 32\n", ""),
       {"load.resistance_ohm: missing required key"}},
      {"missing_wiring",
       Kind::kFixture,
       fixture.substr(0, fixture.find("[[wiring]]")),
       {"wiring: missing required array of tables"}},
      {"missing_reference_load",
       Kind::kPlan,
       edit(plan, "reference_load = \"r300\"\n", ""),
       {"settings.reference_load: missing required key in [settings]"}},
      // Values out of range name the value and the allowed range.
      {"range_fullscale_zero",
       Kind::kInterface,
       edit(iface, "fullscale_vrms = 4.9", "fullscale_vrms = 0"),
       {"ports.line_out.sim.fullscale_vrms: 0 is out of range", "0 < fullscale_vrms <= 1000"}},
      {"range_usb_vendor_id",
       Kind::kInterface,
       edit(iface, "0x1235", "0x12345"),
       {"interface.match.usb_vendor_id: 74565 is out of range", "0 <= usb_vendor_id <= 65535"}},
      {"range_channels",
       Kind::kInterface,
       edit(iface, "channels = 2", "channels = 0"),
       {"ports.line_out.channels: 0 is out of range", "1 <= channels <= 8"}},
      {"range_device_channels_count",
       Kind::kInterface,
       edit(iface, "[0, 1]", "[0]"),
       {"ports.line_out.device_channels: has 1 entries but channels = 2"}},
      {"range_device_channel_twice",
       Kind::kInterface,
       edit(iface, "[0, 1]", "[1, 1]"),
       {"ports.line_out.device_channels: device channel 1 is listed twice"}},
      {"range_sample_rate",
       Kind::kInterface,
       edit(iface, "[44100, 48000]", "[44100, 1000]"),
       {"interface.sample_rates_hz[1]: 1000 is out of range", "8000 <= sample_rates_hz[1] <= 768000"}},
      {"range_distortion",
       Kind::kInterface,
       iface + "h2_db_at_fs = 3\n",
       {"ports.line_out.sim.h2_db_at_fs: 3 is out of range", "-200 <= h2_db_at_fs <= 0"}},
      {"range_adc_word_length",
       Kind::kAdc,
       adc + "resolution_bits = 12\n",
       {"adc.sim.resolution_bits", "must be 0 (not quantised) or 16 to 32", "resolution_bits = 24"}},
      {"range_adc_word_length_above_32",
       Kind::kAdc,
       adc + "resolution_bits = 48\n",
       {"adc.sim.resolution_bits: 48 is out of range"}},
      {"range_nan",
       Kind::kInterface,
       edit(iface, "output_impedance_ohm = 430", "output_impedance_ohm = nan"),
       {"ports.line_out.sim.output_impedance_ohm: nan is out of range"}},
      {"range_amp_gain",
       Kind::kAmp,
       edit(amp, "gain_db = 6", "gain_db = 100"),
       {"amp.gain_db: 100 is out of range", "-60 <= gain_db <= 60"}},
      {"range_amp_corners_crossed",
       Kind::kAmp,
       edit(edit(amp, "lowpass_hz = 100000", "lowpass_hz = 1000"), "highpass_hz = 3", "highpass_hz = 1000"),
       {"amp.sim.highpass_hz: 1000 Hz is not below lowpass_hz = 1000 Hz"}},
      {"range_adc_channels",
       Kind::kAdc,
       edit(adc, "channels = 2", "channels = 0"),
       {"adc.channels: 0 is out of range", "1 <= channels <= 64"}},
      {"range_tolerance_percent",
       Kind::kLoad,
       std::string(kResistor) + "tolerance_percent = 150\n",
       {"load.tolerance_percent: 150 is out of range", "0 <= tolerance_percent <= 100"}},
      {"range_mains",
       Kind::kFixture,
       edit(fixture, "instruction", "mains_hz = 55\ninstruction"),
       {"fixture.mains_hz: 55 is not a mains frequency", "use 50 or 60"}},
      {"range_level_change",
       Kind::kFixture,
       edit(fixture, "expected_level_change_db = 0", "expected_level_change_db = -100"),
       {"fixture.expected_level_change_db: -100 is out of range", "-60 <= expected_level_change_db <= 60"}},
      {"range_wiring_count",
       Kind::kFixture,
       fixture + "\n[[wiring]]\nsource_channel = \"none\"\n",
       {"wiring: has 3 entries, one per destination channel is needed", "exactly two [[wiring]] tables"}},
      {"range_wiring_none_shorted",
       Kind::kFixture,
       fixture + "shorted = true\n",
       {}},  // placeholder replaced below
      {"range_limits_min_above_max",
       Kind::kLimits,
       edit(limits, "max = -70", "max = -70\nmin = -60"),
       {"checks.thd_db.min: min = -60 is above max = -70", "make min <= max"}},
      {"range_limits_no_numbers",
       Kind::kLimits,
       edit(limits, "max = -70\n", ""),
       {"checks.thd_db: no limit given", "set min or max, or remove the check"}},
      {"range_limits_numbers_on_polarity",
       Kind::kLimits,
       limits + "max = 1\n",
       {"checks.polarity.max: polarity takes no max (this check takes no numbers",
        "leave [checks.polarity] empty"}},
      {"range_test_level_above_full_scale",
       Kind::kPlan,
       edit(plan, "[settings]", "[settings]\ntest_level_dbfs = 3"),
       {"settings.test_level_dbfs: 3 is out of range", "-150 <= test_level_dbfs <= 0"}},
      {"range_thd_level_above_full_scale",
       Kind::kPlan,
       edit(plan, "[settings]", "[settings]\nthd_levels_dbfs = [-1, 0.5]"),
       {"settings.thd_levels_dbfs[1]: 0.5 is out of range"}},
      {"range_sweep_above_nyquist",
       Kind::kPlan,
       edit(plan, "[settings]", "[settings]\nsample_rate_hz = 44100\nsweep_f2_hz = 24000"),
       {"settings.sweep_f2_hz: 24000 Hz is above half the sample rate (22050 Hz", "at most 22050"}},
      {"range_sweep_f1_not_below_f2",
       Kind::kPlan,
       edit(plan, "[settings]", "[settings]\nsweep_f1_hz = 20000"),
       {"settings.sweep_f1_hz: 20000 is not below sweep_f2_hz = 20000"}},
      {"range_tone_above_nyquist",
       Kind::kPlan,
       edit(plan, "[settings]", "[settings]\ntone_frequency_hz = 30000"),
       {"settings.tone_frequency_hz: 30000 Hz is not below half the sample rate (24000 Hz)"}},
      {"range_rate_not_in_interface",
       Kind::kPlan,
       edit(plan, "[settings]", "[settings]\nsample_rate_hz = 32000"),
       {"settings.sample_rate_hz: 32000 Hz is not supported by interface \"scarlett_2i2\"",
        "use one of 44100, 48000, 88200, 96000, 176400, 192000"}},
      {"range_rate_not_in_adc",
       Kind::kPlan,
       edit(edit(plan, "adc = \"reference_adc\"", "adc = \"slow_adc\""), "[settings]",
            "[settings]\nsample_rate_hz = 96000"),
       {"settings.sample_rate_hz: 96000 Hz is not supported by ADC \"slow_adc\"", "use one of 44100, 48000"},
       {{"profiles/adcs/slow_adc.toml", adc}}},
      {"range_duplicate_load",
       Kind::kPlan,
       edit(plan, R"(["r32", "r300"])", R"(["r32", "r300", "r32"])"),
       {"plan.loads[2]: \"r32\" is listed twice"}},
      // Unknown enum spellings list the allowed values.
      {"enum_connector",
       Kind::kInterface,
       edit(iface, "connector = \"trs\"", "connector = \"xrl\""),
       {"ports.line_out.connector: unknown connector \"xrl\"", "did you mean \"xlr\"?", kConnectors}},
      {"enum_connector_case",
       Kind::kFixture,
       edit(fixture, "destination_connector = \"trs\"", "destination_connector = \"XLR\""),
       {"fixture.destination_connector: unknown connector \"XLR\"", "did you mean \"xlr\"?", kConnectors}},
      {"enum_load_kind",
       Kind::kLoad,
       edit(kResistor, "\"resistor\"", "\"speaker\""),
       {"load.kind: unknown load kind \"speaker\"", "use one of resistor, headphone"}},
      {"enum_source_channel",
       Kind::kFixture,
       edit(fixture, "\"left\"", "\"centre\""),
       {"wiring[0].source_channel: unknown source channel \"centre\"", "use one of left, right, none"}},
      // Contradictions inside one file.
      {"balanced_stereo_port",
       Kind::kInterface,
       edit(iface, "connector = \"trs\"", "connector = \"stereo_trs\""),
       {"ports.line_out.balanced: balanced = true, but connector = \"stereo_trs\" has no cold conductor",
        "set balanced = false"}},
      {"balanced_rca_fixture",
       Kind::kFixture,
       edit(fixture, "destination_connector = \"trs\"", "destination_connector = \"rca\""),
       {"fixture.balanced: balanced = true, but destination_connector = \"rca\""}},
      {"bad_regex",
       Kind::kInterface,
       edit(iface, "\"Test\"", "\"Scarlett (2i2\""),
       {"interface.match.rtaudio_name_pattern: not a valid ECMAScript regular expression"}},
      {"impedance_file_on_resistor",
       Kind::kLoad,
       std::string(kResistor) + "impedance_file = \"curve.zma\"\n",
       {"load.impedance_file: impedance_file is only for kind = \"headphone\""}},
      // References to files that do not exist name the referencing key and the path looked for.
      {"ref_interface",
       Kind::kPlan,
       edit(plan, "\"scarlett_2i2\"", "\"scarlett_2i3\""),
       {"plan.interface: interface profile \"scarlett_2i3\" not found",
        "profiles/interfaces/scarlett_2i3.toml)"}},
      {"ref_limits_with_extension",
       Kind::kPlan,
       edit(plan, "\"qa_default\"", "\"qa_default.toml\""),
       {"plan.limits: \"qa_default.toml\" ends in .toml",
        "write \"qa_default\" (the file name under profiles/limits/"}},
      {"ref_path_escape",
       Kind::kPlan,
       edit(plan, "\"desktop_amp\"", "\"../amps/desktop_amp\""),
       {"plan.amp: \"../amps/desktop_amp\" is not a plain id", "profiles/amps/"}},
      {"ref_load",
       Kind::kPlan,
       edit(plan, R"(["r32", "r300"])", R"(["r32", "r39"])"),
       {"plan.loads[1]: load profile \"r39\" not found", "profiles/loads/r39.toml)"}},
      {"ref_fixture",
       Kind::kPlan,
       edit(plan, R"(["line_trs_to_amp_trs"])", R"(["line_trs_to_amp_trs", "faults/nope"])"),
       {"plan.fixtures[1]: fixture \"faults/nope\" not found", "fixtures/faults/nope.toml)"}},
      {"ref_impedance_file",
       Kind::kLoad,
       edit(kHeadphone, "curve.zma", "missing.zma"),
       {"load.impedance_file: impedance file not found", "profiles/loads/missing.zma)"}},
      // Cross-validation between the plan's files.
      {"cross_source_port",
       Kind::kPlan,
       plan_with_fixture("port_fixture"),
       {"fixture.source_port: port \"line_outt\" is not in interface \"scarlett_2i2\"",
        "use one of headphone_out, line_out"},
       plan_fixture("port_fixture", edit(fixture, "\"line_out\"", "\"line_outt\"")),
       "port_fixture.toml:5"},
      {"cross_destination_input",
       Kind::kPlan,
       plan_with_fixture("input_fixture"),
       {"fixture.destination_input: input \"xlr_in\" is not in amp \"desktop_amp\"",
        "use one of balanced_trs, rca, stereo_trs"},
       plan_fixture("input_fixture", edit(fixture, "\"balanced_trs\"", "\"xlr_in\"")),
       "input_fixture.toml:7"},
      {"cross_balanced_into_unbalanced",
       Kind::kPlan,
       plan_with_fixture("unbalanced_fixture"),
       {"fixture.balanced: balanced = true, but port \"line_out\" or input \"stereo_trs\" is unbalanced"},
       plan_fixture("unbalanced_fixture", edit(fixture, "\"balanced_trs\"", "\"stereo_trs\"")),
       "unbalanced_fixture.toml:9"},
      {"cross_reference_load",
       Kind::kPlan,
       edit(plan, "reference_load = \"r300\"", "reference_load = \"hp_dynamic_32\""),
       {"settings.reference_load: \"hp_dynamic_32\" is not one of the plan's loads", "use one of r32, r300"}},
      {"zma_via_load_profile",
       Kind::kLoad,
       kHeadphone,
       {"curve.zma:3", "frequency 100 Hz does not ascend (previous 100 Hz)"},
       {{"profiles/loads/curve.zma", "* c\n100 30 0\n100 31 5\n"}},
       "curve.zma"},
      // A headphone curve must cover the band it is judged over (20 Hz..20 kHz): beyond its ends it would be
      // held flat, on values nobody measured.
      {"zma_narrow_band",
       Kind::kLoad,
       kHeadphone,
       {"load.impedance_file:",
        "curve.zma covers 760 Hz to 880 Hz, but headphones are judged from 20 Hz to 20000 Hz",
        "at most 20.2 Hz to at least 19.8 kHz"},
       {{"profiles/loads/curve.zma", "* narrow\n760 30 0\n800 31 2\n880 32 4\n"}},
       "curve.zma"},
      {"zma_one_point",
       Kind::kLoad,
       kHeadphone,
       {"load.impedance_file:", "curve.zma covers one frequency, 1000 Hz"},
       {{"profiles/loads/curve.zma", "* one line\n1000 32 0\n"}},
       "curve.zma"},
      // Output impedance loads (settings.impedance_loads) and the open load.
      {"impedance_one_load",
       Kind::kPlan,
       edit(plan, "[settings]", "[settings]\nimpedance_loads = [\"open\"]"),
       {"impedance_one_load.toml:12: settings.impedance_loads: has one load", "add a second load"}},
      {"impedance_headphone_load",
       Kind::kPlan,
       edit(plan, "[settings]", "[settings]\nimpedance_loads = [\"open\", \"hp_dynamic_32\"]"),
       {"impedance_headphone_load.toml:12: settings.impedance_loads[1]: \"hp_dynamic_32\" is a headphone",
        "list resistors or an open load"}},
      {"impedance_missing_load",
       Kind::kPlan,
       edit(plan, "[settings]", "[settings]\nimpedance_loads = [\"open\", \"r47\"]"),
       {"settings.impedance_loads[1]: load profile \"r47\" not found", "create that file or correct the id"}},
      {"impedance_loads_all_alike",
       Kind::kPlan,
       edit(plan, "[settings]", "[settings]\nimpedance_loads = [\"r300\", \"r300_spare\"]"),
       {"settings.impedance_loads: every load has the same impedance", "clearly different impedance"},
       {{"profiles/loads/r300_spare.toml",
         "[load]\nname = \"spare\"\nkind = \"resistor\"\nresistance_ohm = 300\n"}}},
      {"impedance_sweep_too_short",
       Kind::kPlan,
       edit(plan, "[settings]", "[settings]\nimpedance_sweep_duration_s = 0.01"),
       {"settings.impedance_sweep_duration_s: 0.01 is out of range",
        "0.1 <= impedance_sweep_duration_s <= 60"}},
      {"impedance_port_unknown",
       Kind::kPlan,
       edit(plan, "[settings]",
            "[settings]\nimpedance_loads = [\"open\", \"r32\"]\nimpedance_ports = [\"phones\"]"),
       {"impedance_port_unknown.toml:13: settings.impedance_ports: port \"phones\" is not in interface "
        "\"scarlett_2i2\"",
        "use one of headphone_out, line_out"}},
      {"impedance_ports_without_loads",
       Kind::kPlan,
       edit(plan, "[settings]", "[settings]\nimpedance_ports = [\"line_out\"]"),
       {"settings.impedance_ports: ports are measured into settings.impedance_loads", "add impedance_loads"}},
      // A fixture's relay map.
      {"relay_out_of_range",
       Kind::kFixture,
       fixture + "\n[relays]\npath = [9]\n",
       {"relay_out_of_range.toml:20: relays.path[0]: 9 is out of range", "1 <= path[0] <= 8"}},
      {"relay_listed_twice",
       Kind::kFixture,
       fixture + "\n[relays]\n[relays.loads]\nr300 = [2, 2]\n",
       {"relay_listed_twice.toml:21: relays.loads.r300[1]: relay 2 is listed twice"}},
      {"relay_not_an_array",
       Kind::kFixture,
       fixture + "\n[relays]\nsettling_s = 0.1\n[relays.loads]\nr300 = 2\n",
       {"relays.loads.r300: expected an array of relay numbers, found an integer", "[] for all off"}},
      {"relay_unknown_key",
       Kind::kFixture,
       fixture + "\n[relays]\nsettle_s = 0.1\n",
       {"relays.settle_s: unknown key in [relays]", "settling_s, path, loads"}},
      {"relay_unknown_load",
       Kind::kPlan,
       plan_with_fixture("relay_fixture"),
       {"relay_fixture.toml:22: relays.loads.r3300: no load profile \"r3300\"",
        "a file under profiles/loads/"},
       plan_fixture("relay_fixture", fixture + "\n[relays]\n[relays.loads]\nr300 = [2]\nr3300 = [1]\n"),
       "relay_fixture.toml"},
      {"open_load_with_resistance",
       Kind::kLoad,
       "[load]\nname = \"open\"\nkind = \"open\"\nresistance_ohm = 1000000\n",
       {"open_load_with_resistance.toml:4: load.resistance_ohm: resistance_ohm is only for kind = "
        "\"resistor\""}},
      {"unknown_load_kind",
       Kind::kLoad,
       "[load]\nname = \"x\"\nkind = \"opne\"\n",
       {"load.kind: unknown load kind \"opne\"", "did you mean \"open\"?", "resistor, headphone, open"}},
      // .zma content.
      {"zma_not_ascending",
       Kind::kZma,
       "10 30 0\n1000 32 0\n100 31 0\n",
       {"zma_not_ascending.zma:3", "frequency 100 Hz does not ascend", "strictly ascending"}},
      {"zma_negative_magnitude",
       Kind::kZma,
       "10 30 0\n100 -31 0\n",
       {"zma_negative_magnitude.zma:2", "magnitude -31 ohm is not positive"}},
      {"zma_zero_frequency",
       Kind::kZma,
       "0 30 0\n",
       {"zma_zero_frequency.zma:1", "frequency 0 Hz is not positive"}},
      {"zma_phase_range",
       Kind::kZma,
       "10 30 270\n",
       {"zma_phase_range.zma:1", "phase 270 degrees is out of range"}},
      {"zma_two_columns",
       Kind::kZma,
       "* c\n10 30\n",
       {"zma_two_columns.zma:2", "cannot read \"10 30\" as frequency, magnitude and phase"}},
      {"zma_text",
       Kind::kZma,
       "Freq(Hz) Z(ohm) Phase(deg)\n10 30 0\n",
       {"zma_text.zma:1", "start a comment with * # or ;"}},
      {"zma_empty", Kind::kZma, "* only a comment\n", {"zma_empty.zma", "no impedance points"}},
  };
}

// Cases whose text is easier to state after the table (they need edits of edits).
std::vector<ErrorCase> all_error_cases() {
  auto cases = error_cases();
  for (auto& c : cases) {
    if (c.name == "amp_output_impedance_in_sim") {
      c.text = edit(edit(kAmp, "output_impedance_ohm = 2\n", ""), "lowpass_hz = 100000",
                    "lowpass_hz = 100000\noutput_impedance_ohm = 2");
      c.needles = {"amp.output_impedance_ohm: missing required key in [amp] (found in [amp.sim])",
                   "move output_impedance_ohm from [amp.sim] to [amp]"};
    }
    if (c.name == "range_wiring_none_shorted") {
      c.text = edit(kFixture, "source_channel = \"right\"", "source_channel = \"none\"\nshorted = true");
      c.needles = {"wiring[1].shorted: set on a channel with source_channel = \"none\""};
    }
  }
  return cases;
}

class PlanConfigErrors : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(PlanConfigErrors, NameFileKeyAndFix) {
  const ErrorCase& c = GetParam();
  ASSERT_TRUE(!c.text || c.text->find(kEditNotFound) == std::string::npos) << *c.text;
  for (const auto& [path, text] : c.extra_files)
    ASSERT_EQ(text.find(kEditNotFound), std::string::npos) << text;
  const fs::path file = prepare(c);
  std::vector<std::string> needles = c.needles;
  needles.push_back(c.blamed.empty() ? file.filename().string() : c.blamed);
  t::expect_config_error([&] { load(c.kind, file); }, needles);
}

INSTANTIATE_TEST_SUITE_P(Table, PlanConfigErrors, ::testing::ValuesIn(all_error_cases()),
                         [](const ::testing::TestParamInfo<ErrorCase>& row) { return row.param.name; });

// Each base the table edits is valid, so every row fails for the one reason it names.
TEST(PlanConfigErrorBases, LoadWithoutError) {
  const fs::path dir = t::scratch_dir();
  t::copy_bench_tree(dir);
  t::write_file(dir, kCurve.first, kCurve.second);
  EXPECT_NO_THROW(static_cast<void>(load_interface(t::write_file(dir, "i.toml", kInterface))));
  EXPECT_NO_THROW(static_cast<void>(load_amp(t::write_file(dir, "a.toml", kAmp))));
  EXPECT_NO_THROW(static_cast<void>(load_adc(t::write_file(dir, "d.toml", kAdc))));
  EXPECT_NO_THROW(static_cast<void>(load_load(t::write_file(dir, "profiles/loads/r.toml", kResistor))));
  EXPECT_NO_THROW(static_cast<void>(load_load(t::write_file(dir, "profiles/loads/h.toml", kHeadphone))));
  EXPECT_NO_THROW(static_cast<void>(load_limits(t::write_file(dir, "l.toml", kLimits))));
  EXPECT_NO_THROW(static_cast<void>(load_fixture(t::write_file(dir, "f.toml", kFixture))));
  EXPECT_NO_THROW(static_cast<void>(read_zma(t::write_file(dir, "z.zma", kZma))));
  t::write_file(dir, "fixtures/base_fixture.toml", kFixture);
  EXPECT_NO_THROW(static_cast<void>(
      load_plan(t::write_file(dir, "profiles/plans/p.toml", plan_with_fixture("base_fixture")))));
  EXPECT_NO_THROW(static_cast<void>(load_plan(t::write_file(dir, "profiles/plans/q.toml", kPlan))));
}

}  // namespace
