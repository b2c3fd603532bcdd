#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "bench/plan/catalogue.hpp"
#include "bench/plan/load_internal.hpp"

// A plan's [[steps]]: each a step kind of the catalogue with the settings and limits it gives itself over the
// plan's, and the sequence's order checked against what each kind needs from earlier steps.

namespace bench::plan::detail {

namespace fs = std::filesystem;

namespace {

using MS = MeasurementSettings;

// The keys of a [[steps]] table besides its kind's settings.
constexpr std::string_view kStepKindKey = "kind";
constexpr std::string_view kStepIdKey = "id";
constexpr std::string_view kStepLimitsKey = "limits";

Keys step_kind_names() {
  Keys names;
  for (const StepKindSpec& k : step_kinds()) names.push_back(k.kind);
  return names;
}

bool reads_setting(const StepKindSpec& kind, std::string_view setting) {
  return std::find(kind.settings.begin(), kind.settings.end(), setting) != kind.settings.end();
}

// "steps of kind sweeps, impedance read it": for a setting a step's kind does not read.
std::string readers_of(std::string_view setting) {
  std::vector<std::string> kinds;
  for (const StepKindSpec& k : step_kinds())
    if (reads_setting(k, setting)) kinds.emplace_back(k.kind);
  if (kinds.empty()) return "no step kind reads it";
  return (kinds.size() == 1 ? "only steps of kind " : "steps of kind ") + join(kinds) + " read it";
}

// A [[steps]] entry while the sequence is read.
struct StepEntry {
  const StepKindSpec* kind = nullptr;
  std::uint32_t id_line = 0;  // 0: no id given (the step is called by its kind)
};

// The kind of a [[steps]] table, and the keys it may hold: kind, id, limits and the settings its kind reads.
// A setting of another kind, or a plan-wide one, is named as such before the unknown keys.
Keys step_keys(const fs::path& file, const std::string& path, const toml::table& table, StepEntry& entry) {
  Keys present = {kStepKindKey};  // the kind is read (and may be missing) before the keys are judged
  for (auto&& [key, node] : table) present.push_back(key.str());
  const Reader any(file, table, path, present);
  const Keys kinds = step_kind_names();
  const toml::node& kind_node = any.required(
      kStepKindKey, in_quotes(kinds.front()) + " (one of " + join(kinds) + ", see `bench steps`)");
  const std::string kind = any.string_value(kind_node, kStepKindKey);
  entry.kind = find_step_kind(kind);
  if (entry.kind == nullptr)
    any.fail_at(&kind_node, kStepKindKey, "unknown step kind " + in_quotes(kind),
                suggestion(kind, kinds) + "use one of " + join(kinds) + " (`bench steps` describes them)");
  for (const auto& [key, line] : any.keys_in_file_order()) {
    const SettingSpec* spec = find_setting(key);
    if (spec == nullptr) continue;  // kind, id, limits, or unknown (the Reader names those)
    if (!spec->per_step)
      fail(file, line, path + "." + key, key + " is plan-wide: every step runs at the same " + key,
           "set it in [settings] and remove it from the step");
    if (!reads_setting(*entry.kind, key))
      fail(file, line, path + "." + key,
           "a step of kind " + in_quotes(entry.kind->kind) + " does not read " + key + " (" +
               readers_of(key) + ")",
           "remove it from this step, or give it to a step of a kind that reads it");
  }
  Keys allowed = {kStepKindKey, kStepIdKey, kStepLimitsKey};
  allowed.insert(allowed.end(), entry.kind->settings.begin(), entry.kind->settings.end());
  return allowed;
}

std::string read_step_id(const Reader& r, const StepKindSpec& kind, StepEntry& entry) {
  if (!r.has(kStepIdKey)) return std::string(kind.kind);
  const auto [id, line] = r.located_string(kStepIdKey);
  const bool plain = std::all_of(id.begin(), id.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-';
  });
  if (!plain)
    fail(r.file(), line, r.key_path(kStepIdKey), "invalid id " + in_quotes(id),
         "use letters, digits, '_' and '-' only");
  entry.id_line = line;
  return id;
}

Step read_step(const Reader& r, StepEntry& entry, const Plan& plan, const fs::path& bench_root) {
  const StepKindSpec& kind = *entry.kind;
  Step step;
  step.kind = std::string(kind.kind);
  step.id = read_step_id(r, kind, entry);
  step.file = r.file();
  step.line = r.line();
  step.settings = plan.settings;
  step.impedance_loads = plan.impedance_loads;
  step.limits = plan.limits;
  for (const auto& [key, line] : r.keys_in_file_order()) {
    const SettingSpec* spec = find_setting(key);
    if (spec == nullptr) continue;
    read_setting(r, *spec, step.settings);
    step.overridden.push_back(key);
  }
  const SettingSpec& loads_spec = setting_spec(&MS::impedance_loads);
  const SettingSpec& ports_spec = setting_spec(&MS::impedance_ports);
  const bool reads_loads = reads_setting(kind, loads_spec.name);
  if (reads_loads && r.has(loads_spec.name)) {
    step.impedance_loads = read_impedance_loads(r, bench_root);
    step.settings.impedance_loads.clear();
    for (const Load& l : step.impedance_loads) step.settings.impedance_loads.push_back(l.id);
  }
  if (reads_setting(kind, ports_spec.name) && r.has(ports_spec.name))
    step.settings.impedance_ports =
        read_impedance_ports(r, plan.interface, !step.impedance_loads.empty(), true);
  if (reads_loads && step.impedance_loads.empty())
    fail(r.file(), r.line(), r.path(),
         "a step of kind " + in_quotes(kind.kind) +
             " measures into the impedance loads, and neither it nor [settings] gives impedance_loads",
         "add impedance_loads = [\"open\", \"r33\", \"r300\"] to the step or to [settings]");
  check_settings(SettingsSource{r, &step.overridden, {&kind}}, step.settings, plan.loads);
  if (r.has(kStepLimitsKey))
    for (auto& l : read_limit_tables(r, kStepLimitsKey, &kind)) {
      step.limits.limits[l.check] = std::move(l.limit);
      step.limits_overridden.push_back(l.check);
    }
  return step;
}

// Two steps may not share an id: --step and the report tell steps apart by it.
void check_unique_ids(const std::vector<Step>& steps, const std::vector<StepEntry>& entries) {
  for (std::size_t i = 0; i < steps.size(); ++i)
    for (std::size_t j = 0; j < i; ++j) {
      if (steps[i].id != steps[j].id) continue;
      const bool named = entries[i].id_line > 0;
      const std::string path = "steps[" + std::to_string(i) + "]";
      fail(steps[i].file, named ? entries[i].id_line : steps[i].line, named ? path + ".id" : path,
           "step id " + in_quotes(steps[i].id) + " is taken by steps[" + std::to_string(j) + "] (line " +
               std::to_string(steps[j].line) + ")" +
               (named ? "" : "; a step without an id is called by its kind"),
           "give each an id = \"...\" to tell them apart, e.g. id = " +
               in_quotes(steps[i].id + "_" + std::to_string(i)));
    }
}

// Each step comes after the steps whose results it needs (required) or uses (optional, when there).
void check_order(const std::vector<Step>& steps) {
  for (std::size_t i = 0; i < steps.size(); ++i)
    for (const Need& need : step_kind(steps[i].kind).needs) {
      const auto of_kind = [&](const Step& s) { return s.kind == need.kind; };
      if (std::any_of(steps.begin(), steps.begin() + static_cast<std::ptrdiff_t>(i), of_kind)) continue;
      const auto later =
          std::find_if(steps.begin() + static_cast<std::ptrdiff_t>(i) + 1, steps.end(), of_kind);
      if (later == steps.end() && !need.required) continue;
      const std::string head = "step " + in_quotes(steps[i].id) + (need.required ? " needs " : " uses ") +
                               std::string(need.what) + " from a step of kind " + in_quotes(need.kind) +
                               " before it";
      const std::string path = "steps[" + std::to_string(i) + "]";
      if (later == steps.end())
        fail(steps[i].file, steps[i].line, path, head,
             "add [[steps]] kind = " + in_quotes(need.kind) + " above it");
      fail(steps[i].file, steps[i].line, path,
           head + ", but step " + in_quotes(later->id) + " comes after it (line " +
               std::to_string(later->line) + ")",
           "move step " + in_quotes(later->id) + " above step " + in_quotes(steps[i].id));
    }
}

}  // namespace

std::vector<const StepKindSpec*> listed_step_kinds(const Reader& top) {
  std::vector<const StepKindSpec*> kinds;
  const toml::node* node = top.find(kStepsKey);
  const toml::array* array = node != nullptr ? node->as_array() : nullptr;
  if (array == nullptr) return kinds;
  for (const toml::node& element : *array)
    if (const toml::table* table = element.as_table())
      if (const toml::node* kind = table->get(kStepKindKey); kind != nullptr && kind->is_string())
        if (const StepKindSpec* spec = find_step_kind(kind->as_string()->get())) kinds.push_back(spec);
  return kinds;
}

void read_steps(const Reader& top, Plan& plan, const fs::path& bench_root) {
  std::vector<StepEntry> entries;
  const auto readers = top.table_array(
      kStepsKey, [&](const std::string&, const std::string& path, std::uint32_t, const toml::table& table) {
        entries.emplace_back();
        return step_keys(top.file(), path, table, entries.back());
      });
  std::vector<Step> steps;
  for (std::size_t i = 0; i < readers.size(); ++i)
    steps.push_back(read_step(readers[i], entries[i], plan, bench_root));
  check_unique_ids(steps, entries);
  check_order(steps);
  plan.steps = std::move(steps);
  plan.default_steps = false;
}

}  // namespace bench::plan::detail
