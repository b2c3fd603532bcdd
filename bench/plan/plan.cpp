#include <algorithm>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "bench/plan/load.hpp"
#include "bench/plan/steps.hpp"
#include "bench/plan/toml_reader.hpp"

// Plan assembly: load_plan reads a plan, loads what it references and cross-validates the whole.

namespace bench::plan {

namespace fs = std::filesystem;
using namespace detail;

namespace {

constexpr Range kLevelDbfs = closed(-150, 0);
constexpr Range kDurationS = above(0, 600);

/// Where a plan's reference points: <root>/<folder>/<id>.toml, or a ConfigError naming the plan and key.
fs::path referenced_file(const Reader& plan, std::string_view key, std::uint32_t line, const std::string& id,
                         const fs::path& root, const fs::path& folder, std::string_view what) {
  const std::string key_path = plan.key_path(key);
  const std::string id_is = "the file name under " + folder.generic_string() + "/ without .toml";
  if (id.ends_with(".toml"))
    fail(plan.file(), line, key_path, in_quotes(id) + " ends in .toml",
         "write " + in_quotes(id.substr(0, id.size() - 5)) + " (" + id_is + ")");
  if (id.find("..") != std::string::npos || id.front() == '/' || id.find('\\') != std::string::npos)
    fail(plan.file(), line, key_path, in_quotes(id) + " is not a plain id", "write " + id_is);
  const fs::path file = root / folder / (id + ".toml");
  std::error_code ec;
  if (!fs::is_regular_file(file, ec))
    fail(plan.file(), line, key_path,
         std::string(what) + " " + in_quotes(id) + " not found (looked for " + file.string() + ")",
         "create that file or correct the id");
  return file;
}

fs::path find_root(const fs::path& plan_file) {
  std::error_code ec;
  fs::path dir = fs::absolute(plan_file, ec).lexically_normal().parent_path();
  while (!dir.empty()) {
    if (fs::is_directory(dir / "profiles", ec) && fs::is_directory(dir / "fixtures", ec)) return dir;
    if (dir == dir.parent_path()) break;
    dir = dir.parent_path();
  }
  fail(plan_file, 0, "", "no bench root above the plan (a directory holding both profiles/ and fixtures/)",
       "keep the plan under <root>/profiles/plans/ or pass the root explicitly");
}

void cross_validate_fixture(const Fixture& f, const InterfaceProfile& interface, const AmpProfile& amp) {
  // Re-read the fixture's lines for precise messages: a cheap second parse of a small file.
  const toml::table root = parse_toml(f.file);
  const auto line_for = [&](std::string_view key) -> std::uint32_t {
    const toml::node* n = root.at_path(std::string(key)).node();
    return n != nullptr ? line_of(*n) : 0;
  };
  const auto port = interface.ports.find(f.source_port);
  if (port == interface.ports.end())
    fail(f.file, line_for("fixture.source_port"), "fixture.source_port",
         "port " + in_quotes(f.source_port) + " is not in interface " + in_quotes(interface.id) + " (" +
             interface.file.string() + ")",
         "use one of " + keys_of(interface.ports));
  const auto input = amp.inputs.find(f.destination_input);
  if (input == amp.inputs.end())
    fail(f.file, line_for("fixture.destination_input"), "fixture.destination_input",
         "input " + in_quotes(f.destination_input) + " is not in amp " + in_quotes(amp.id) + " (" +
             amp.file.string() + ")",
         "use one of " + keys_of(amp.inputs));
  if (f.balanced && !(port->second.balanced && input->second.balanced))
    fail(f.file, line_for("fixture.balanced"), "fixture.balanced",
         "balanced = true, but port " + in_quotes(f.source_port) + " or input " +
             in_quotes(f.destination_input) + " is unbalanced",
         "set balanced = false and give the expected_level_change_db of the unbalanced run");
  for (std::size_t i = 0; i < f.wiring.size(); ++i)
    if (f.wiring[i].source_channel >= port->second.channels)
      fail(f.file, line_for("wiring[" + std::to_string(i) + "].source_channel"),
           "wiring[" + std::to_string(i) + "].source_channel",
           "port " + in_quotes(f.source_port) + " has only " + std::to_string(port->second.channels) +
               " channel(s)",
           "use \"left\" or \"none\"");
}

void cross_validate_settings(const Reader& settings, const MeasurementSettings& s,
                             const InterfaceProfile& interface, const AdcProfile& adc,
                             const std::vector<Load>& loads) {
  const auto supported = [&](const std::vector<double>& rates) {
    return std::find(rates.begin(), rates.end(), s.sample_rate_hz) != rates.end();
  };
  const std::string rate = format_number(s.sample_rate_hz);
  const toml::node* rate_node = settings.find("sample_rate_hz");
  const auto rates_text = [](const std::vector<double>& rates) {
    std::vector<std::string> t;
    for (double r : rates) t.push_back(format_number(r));
    return join(t);
  };
  if (!supported(interface.sample_rates_hz))
    settings.fail_at(rate_node, "sample_rate_hz",
                     rate + " Hz is not supported by interface " + in_quotes(interface.id),
                     "use one of " + rates_text(interface.sample_rates_hz));
  if (!supported(adc.sample_rates_hz))
    settings.fail_at(rate_node, "sample_rate_hz", rate + " Hz is not supported by ADC " + in_quotes(adc.id),
                     "use one of " + rates_text(adc.sample_rates_hz));
  const double nyquist_hz = s.sample_rate_hz / 2;
  if (s.sweep_f1_hz >= s.sweep_f2_hz)
    settings.fail_at(
        settings.find("sweep_f1_hz"), "sweep_f1_hz",
        format_number(s.sweep_f1_hz) + " is not below sweep_f2_hz = " + format_number(s.sweep_f2_hz),
        "make sweep_f1_hz < sweep_f2_hz");
  if (s.sweep_f2_hz > nyquist_hz)
    settings.fail_at(
        settings.find("sweep_f2_hz"), "sweep_f2_hz",
        format_number(s.sweep_f2_hz) + " Hz is above half the sample rate (" + format_number(nyquist_hz) +
            " Hz at sample_rate_hz = " + rate + ")",
        "lower sweep_f2_hz to at most " + format_number(nyquist_hz) + " or raise sample_rate_hz");
  if (s.tone_frequency_hz >= nyquist_hz)
    settings.fail_at(settings.find("tone_frequency_hz"), "tone_frequency_hz",
                     format_number(s.tone_frequency_hz) + " Hz is not below half the sample rate (" +
                         format_number(nyquist_hz) + " Hz)",
                     "lower tone_frequency_hz or raise sample_rate_hz");
  if (std::none_of(loads.begin(), loads.end(), [&](const Load& l) { return l.id == s.reference_load; })) {
    std::vector<std::string> ids;
    for (const Load& l : loads) ids.push_back(l.id);
    settings.fail_at(settings.find("reference_load"), "reference_load",
                     in_quotes(s.reference_load) + " is not one of the plan's loads",
                     "use one of " + join(ids) + ", or add it to plan.loads");
  }
  if (adc.channels < 2)
    fail(adc.file, 0, "adc.channels",
         "the bench records two destination channels (left, right) but the ADC has " +
             std::to_string(adc.channels),
         "use an ADC profile with at least 2 channels");
}

MeasurementSettings read_settings(const Reader& r) {
  MeasurementSettings s;
  s.sample_rate_hz = r.number_or("sample_rate_hz", s.sample_rate_hz, kSampleRateHz);
  s.test_level_dbfs = r.number_or("test_level_dbfs", s.test_level_dbfs, kLevelDbfs);
  if (r.has("thd_levels_dbfs")) s.thd_levels_dbfs = r.numbers("thd_levels_dbfs", kLevelDbfs, "[-1, -20]");
  s.sweep_f1_hz = r.number_or("sweep_f1_hz", s.sweep_f1_hz, above(0, 384000));
  s.sweep_f2_hz = r.number_or("sweep_f2_hz", s.sweep_f2_hz, above(0, 384000));
  s.sweep_duration_s = r.number_or("sweep_duration_s", s.sweep_duration_s, kDurationS);
  s.sweep_level_dbfs = r.number_or("sweep_level_dbfs", s.sweep_level_dbfs, kLevelDbfs);
  s.tone_frequency_hz = r.number_or("tone_frequency_hz", s.tone_frequency_hz, above(0, 384000));
  s.tone_duration_s = r.number_or("tone_duration_s", s.tone_duration_s, kDurationS);
  s.noise_duration_s = r.number_or("noise_duration_s", s.noise_duration_s, kDurationS);
  s.max_output_thd_n_percent =
      r.number_or("max_output_thd_n_percent", s.max_output_thd_n_percent, above(0, 100));
  s.max_output_start_dbfs = r.number_or("max_output_start_dbfs", s.max_output_start_dbfs, kLevelDbfs);
  s.max_output_step_db = r.number_or("max_output_step_db", s.max_output_step_db, above(0, 20));
  s.preroll_s = r.number_or("preroll_s", s.preroll_s, closed(0, 10));
  s.postroll_s = r.number_or("postroll_s", s.postroll_s, closed(0, 10));
  s.drift_tolerance_ppm = r.number_or("drift_tolerance_ppm", s.drift_tolerance_ppm, above(0, 10000));
  s.reference_load = r.string("reference_load", "\"r300\"");
  s.impedance_sweep_duration_s =
      r.number_or("impedance_sweep_duration_s", s.impedance_sweep_duration_s, closed(0.1, 60));
  return s;
}

const Keys kSettingsKeys = {"sample_rate_hz",
                            "test_level_dbfs",
                            "thd_levels_dbfs",
                            "sweep_f1_hz",
                            "sweep_f2_hz",
                            "sweep_duration_s",
                            "sweep_level_dbfs",
                            "tone_frequency_hz",
                            "tone_duration_s",
                            "noise_duration_s",
                            "max_output_thd_n_percent",
                            "max_output_start_dbfs",
                            "max_output_step_db",
                            "preroll_s",
                            "postroll_s",
                            "drift_tolerance_ppm",
                            "reference_load",
                            "impedance_loads",
                            "impedance_sweep_duration_s",
                            "impedance_ports"};

// Reads a list of ids and rejects duplicates.
std::vector<std::pair<std::string, std::uint32_t>> read_ids(const Reader& r, std::string_view key,
                                                            std::string_view example) {
  auto ids = r.located_strings(key, example);
  for (std::size_t i = 0; i < ids.size(); ++i)
    for (std::size_t j = 0; j < i; ++j)
      if (ids[i].first == ids[j].first)
        fail(r.file(), ids[i].second, r.key_path(std::string(key) + "[" + std::to_string(i) + "]"),
             in_quotes(ids[i].first) + " is listed twice", "list each id once");
  return ids;
}

}  // namespace

Plan load_plan(const fs::path& plan_file, const fs::path& root_dir) {
  const toml::table root = parse_toml(plan_file);
  const Reader top(plan_file, root, "", {"plan", "settings"});
  Plan plan;
  plan.id = plan_file.stem().string();
  plan.file = plan_file;
  const Reader r = top.table("plan", {"name", "interface", "amp", "adc", "limits", "loads", "fixtures"});
  plan.name = r.string("name");
  const auto interface_ref = r.located_string("interface");
  const auto amp_ref = r.located_string("amp");
  const auto adc_ref = r.located_string("adc");
  const auto limits_ref = r.located_string("limits");
  const auto load_refs = read_ids(r, "loads", "[\"r32\", \"r300\"]");
  const auto fixture_refs = read_ids(r, "fixtures", "[\"line_trs_to_amp_trs\"]");
  const Reader settings = top.table("settings", kSettingsKeys);
  plan.settings = read_settings(settings);

  const fs::path bench_root = root_dir.empty() ? find_root(plan_file) : root_dir;
  const auto profile = [&](std::string_view key, const std::pair<std::string, std::uint32_t>& ref,
                           std::string_view folder, std::string_view what) {
    return referenced_file(r, key, ref.second, ref.first, bench_root, fs::path("profiles") / folder, what);
  };
  plan.interface = load_interface(profile("interface", interface_ref, "interfaces", "interface profile"));
  plan.amp = load_amp(profile("amp", amp_ref, "amps", "amp profile"));
  plan.adc = load_adc(profile("adc", adc_ref, "adcs", "ADC profile"));
  plan.limits = load_limits(profile("limits", limits_ref, "limits", "limit set"));
  for (std::size_t i = 0; i < load_refs.size(); ++i) {
    const std::string key = "loads[" + std::to_string(i) + "]";
    plan.loads.push_back(load_load(profile(key, load_refs[i], "loads", "load profile")));
  }
  if (settings.has("impedance_loads")) {
    const auto refs = read_ids(settings, "impedance_loads", "[\"open\", \"r33\", \"r300\"]");
    for (std::size_t i = 0; i < refs.size(); ++i) {
      const std::string key = "impedance_loads[" + std::to_string(i) + "]";
      Load l = load_load(referenced_file(settings, key, refs[i].second, refs[i].first, bench_root,
                                         fs::path("profiles") / "loads", "load profile"));
      if (l.kind == Load::Kind::kHeadphone)
        fail(plan_file, refs[i].second, settings.key_path(key),
             in_quotes(l.id) +
                 " is a headphone: the output impedance is solved from loads of exactly known impedance",
             "list resistors or an open load, e.g. [\"open\", \"r33\", \"r300\"]");
      plan.impedance_loads.push_back(std::move(l));
    }
    const toml::node* node = settings.find("impedance_loads");
    if (refs.size() < 2)
      settings.fail_at(node, "impedance_loads", "has one load; the output impedance needs two or more",
                       "add a second load of another impedance, e.g. [\"open\", \"r33\"]");
    const bool all_same =
        std::all_of(plan.impedance_loads.begin(), plan.impedance_loads.end(),
                    [&](const Load& l) { return l.nominal_ohm == plan.impedance_loads.front().nominal_ohm; });
    if (all_same)
      settings.fail_at(node, "impedance_loads",
                       "every load has the same impedance, which cannot separate the output impedance",
                       "use loads of clearly different impedance, e.g. [\"open\", \"r33\", \"r300\"]");
    for (const Load& l : plan.impedance_loads) plan.settings.impedance_loads.push_back(l.id);
  }
  if (settings.has("impedance_ports")) {
    if (plan.impedance_loads.empty())
      settings.fail_at(settings.find("impedance_ports"), "impedance_ports",
                       "ports are measured into settings.impedance_loads, which the plan does not give",
                       "add impedance_loads = [\"open\", \"r33\", \"r300\"] or remove impedance_ports");
    for (const auto& [port, line] : read_ids(settings, "impedance_ports", "[\"headphone_out\"]")) {
      if (!plan.interface.ports.contains(port))
        fail(plan_file, line, settings.key_path("impedance_ports"),
             "port " + in_quotes(port) + " is not in interface " + in_quotes(plan.interface.id) + " (" +
                 plan.interface.file.string() + ")",
             "use one of " + keys_of(plan.interface.ports));
      plan.settings.impedance_ports.push_back(port);
    }
  }
  for (std::size_t i = 0; i < fixture_refs.size(); ++i) {
    const std::string key = "fixtures[" + std::to_string(i) + "]";
    Fixture f = load_fixture(referenced_file(r, key, fixture_refs[i].second, fixture_refs[i].first,
                                             bench_root, "fixtures", "fixture"));
    f.id = fixture_refs[i].first;
    cross_validate_fixture(f, plan.interface, plan.amp);
    // A fixture serves many plans, so its relay map may name loads this plan does not use; each must
    // be a load profile, though, so a misspelt id is caught.
    if (f.relays)
      for (const auto& [load_id, on] : f.relays->loads) {
        std::error_code ec;
        const fs::path load_file = bench_root / "profiles" / "loads" / (load_id + ".toml");
        if (!fs::is_regular_file(load_file, ec)) {
          const toml::table fixture_root = parse_toml(f.file);
          const toml::node* n = fixture_root.at_path("relays.loads." + load_id).node();
          fail(f.file, n != nullptr ? line_of(*n) : 0, "relays.loads." + load_id,
               "no load profile " + in_quotes(load_id) + " (looked for " + load_file.string() + ")",
               "use the id of a file under profiles/loads/, or remove the entry");
        }
      }
    plan.fixtures.push_back(std::move(f));
  }
  cross_validate_settings(settings, plan.settings, plan.interface, plan.adc, plan.loads);
  plan.steps = default_sequence(plan);
  return plan;
}

}  // namespace bench::plan
