#include <algorithm>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "bench/plan/catalogue.hpp"
#include "bench/plan/load.hpp"
#include "bench/plan/load_internal.hpp"
#include "bench/plan/steps.hpp"

// Plan assembly: load_plan reads a plan, loads what it references and cross-validates the whole.

namespace bench::plan {

namespace fs = std::filesystem;
using namespace detail;

namespace detail {

std::vector<LocatedId> read_ids(const Reader& r, std::string_view key, std::string_view example) {
  auto ids = r.located_strings(key, example);
  for (std::size_t i = 0; i < ids.size(); ++i)
    for (std::size_t j = 0; j < i; ++j)
      if (ids[i].first == ids[j].first)
        fail(r.file(), ids[i].second, r.key_path(std::string(key) + "[" + std::to_string(i) + "]"),
             in_quotes(ids[i].first) + " is listed twice", "list each id once");
  return ids;
}

fs::path referenced_file(const Reader& r, std::string_view key, std::uint32_t line, const std::string& id,
                         const fs::path& root, const fs::path& folder, std::string_view what) {
  const std::string key_path = r.key_path(key);
  const std::string id_is = "the file name under " + folder.generic_string() + "/ without .toml";
  if (id.ends_with(".toml"))
    fail(r.file(), line, key_path, in_quotes(id) + " ends in .toml",
         "write " + in_quotes(id.substr(0, id.size() - 5)) + " (" + id_is + ")");
  if (id.find("..") != std::string::npos || id.front() == '/' || id.find('\\') != std::string::npos)
    fail(r.file(), line, key_path, in_quotes(id) + " is not a plain id", "write " + id_is);
  const fs::path file = root / folder / (id + ".toml");
  std::error_code ec;
  if (!fs::is_regular_file(file, ec))
    fail(r.file(), line, key_path,
         std::string(what) + " " + in_quotes(id) + " not found (looked for " + file.string() + ")",
         "create that file or correct the id");
  return file;
}

}  // namespace detail

namespace {

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

}  // namespace

Plan load_plan(const fs::path& plan_file, const fs::path& root_dir) {
  const toml::table root = parse_toml(plan_file);
  const Reader top(plan_file, root, "", {"plan", "settings", kStepsKey});
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
  const Reader settings = top.table("settings", setting_names());
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
  if (settings.has(setting_spec(&MeasurementSettings::impedance_loads).name)) {
    plan.impedance_loads = read_impedance_loads(settings, bench_root);
    plan.settings.impedance_loads.clear();
    for (const Load& l : plan.impedance_loads) plan.settings.impedance_loads.push_back(l.id);
  }
  if (settings.has(setting_spec(&MeasurementSettings::impedance_ports).name))
    plan.settings.impedance_ports =
        read_impedance_ports(settings, plan.interface, !plan.impedance_loads.empty(), false);
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
  // [settings] serves the plan's steps: its durations are judged for the kinds they run; a step's own
  // settings are judged with the step.
  if (top.has(kStepsKey)) {
    cross_validate_settings(settings, plan.settings, plan.interface, plan.adc, plan.loads,
                            listed_step_kinds(top));
    read_steps(top, plan, bench_root);
  } else {
    plan.steps = default_sequence(plan);
    std::vector<const StepKindSpec*> kinds;
    for (const Step& step : plan.steps) kinds.push_back(&step_kind(step.kind));
    cross_validate_settings(settings, plan.settings, plan.interface, plan.adc, plan.loads, std::move(kinds));
  }
  return plan;
}

}  // namespace bench::plan
