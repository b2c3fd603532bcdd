// report.json (bench.report/2): the run and its profiles, reading and writing files, and the bench.report/1
// layout for `bench reanalyze`. The configurations are in configuration_json.cpp, the step results in
// step_json.cpp.
#include "bench/report/record_json.hpp"

#include <bit>
#include <fstream>
#include <stdexcept>

#include "bench/core/error.hpp"
#include "bench/core/version.hpp"
#include "bench/io/atomic_file.hpp"
#include "bench/io/sidecar.hpp"
#include "bench/report/record_json_detail.hpp"
#include "bench/report/schema.hpp"
#include "bench/report/text.hpp"

namespace bench::report {
namespace {

using detail::json;
using detail::number;
using detail::number_from;

constexpr const char* kFirstLayout = "bench.report/1";
constexpr const char* kRestore = "restore it from the run or run the plan again";

json profile_json(const record::ProfileRef& p) {
  return {{"id", p.id}, {"name", p.name}, {"file", p.file}};
}

record::ProfileRef profile_from(const json& j) {
  return {j.at("id").get<std::string>(), j.at("name").get<std::string>(), j.at("file").get<std::string>()};
}

json load_refs_json(const std::vector<record::LoadRef>& loads) {
  json a = json::array();
  for (const auto& l : loads)
    a.push_back({{"id", l.id},
                 {"name", l.name},
                 {"file", l.file},
                 {"kind", plan::to_string(l.kind)},
                 {"nominal_ohm", number(l.nominal_ohm)},
                 {"tolerance_percent", number(l.tolerance_percent)}});
  return a;
}

std::vector<record::LoadRef> load_refs_from(const json& a) {
  std::vector<record::LoadRef> loads;
  for (const auto& l : a)
    loads.push_back({l.at("id").get<std::string>(), l.at("name").get<std::string>(),
                     l.at("file").get<std::string>(), detail::load_kind_from(l.at("kind")),
                     detail::optional_from(l.at("nominal_ohm")), number_from(l.at("tolerance_percent"))});
  return loads;
}

// The schema a document says it has, "" when it says none.
std::string schema_of(const json& doc) {
  if (!doc.is_object()) return {};
  const auto it = doc.find("schema");
  return it != doc.end() && it->is_string() ? it->get<std::string>() : std::string();
}

[[noreturn]] void refuse_first_layout(const std::string& source) {
  throw InputError(source +
                   ": a bench.report/1 record (written by bench 0.1): convert it with `bench reanalyze "
                   "RUN_DIR`, which measures its "
                   "captures again into a bench.report/2 record");
}

// report.json of `run_dir` as JSON: missing, unreadable and malformed files are one line each.
json load_document(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    throw InputError(path.string() +
                     ": no such file: give the run directory of a `bench run` (it holds report.json)");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path.string() + ": cannot read: check its permissions");
  try {
    return json::parse(in);
  } catch (const json::exception& e) {
    throw InputError(path.string() + ": not valid JSON (" + one_line(e.what()) + "): " + kRestore);
  }
}

bool same_number(double a, double b) {
  if (!std::isfinite(a) || !std::isfinite(b)) return !std::isfinite(a) && !std::isfinite(b);
  return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b);
}

bool same_optional(const std::optional<double>& a, const std::optional<double>& b) {
  return a.has_value() == b.has_value() && (!a || same_number(*a, *b));
}

template <class V>
bool same_variant(const V& a, const V& b) {
  if (a.index() != b.index()) return false;
  if (const double* x = std::get_if<double>(&a)) return same_number(*x, std::get<double>(b));
  if (const std::string* w = std::get_if<std::string>(&a)) return *w == std::get<std::string>(b);
  return true;
}

}  // namespace

json to_json(const record::RunRecord& r) {
  json steps = json::array(), definitions = json::array(), configurations = json::array();
  for (const auto& s : r.steps) steps.push_back(detail::planned_step_json(s));
  for (const auto& [name, text] : r.definitions) definitions.push_back({{"name", name}, {"text", text}});
  for (const auto& c : r.configurations) configurations.push_back(detail::configuration_json(c));
  json settings = detail::settings_json(r.settings, nullptr);
  settings["adc_fullscale_vrms"] = number(r.adc_fullscale_vrms);
  const auto counts = r.counts();
  json doc = {{"schema", kReportSchema},
              {"bench_version", r.bench_version},
              {"created_utc", r.created_utc},
              {"backend", r.backend},
              {"seed", r.seed},
              {"plan", profile_json(r.plan)},
              {"profiles",
               {{"interface", profile_json(r.interface)},
                {"amp", profile_json(r.amp)},
                {"adc", profile_json(r.adc)},
                {"limits", profile_json(r.limits)},
                {"loads", load_refs_json(r.loads)},
                {"impedance_loads", load_refs_json(r.impedance_loads)}}},
              {"settings", settings},
              {"default_steps", r.default_steps},
              {"steps", steps},
              {"definitions", definitions},
              {"outcome", record::to_string(r.outcome)},
              {"summary",
               {{"configurations", r.configurations.size()},
                {"pass", counts[0]},
                {"fail", counts[1]},
                {"error", counts[2]}}},
              {"configurations", configurations}};
  if (r.aborted) doc["aborted"] = *r.aborted;
  if (r.in_progress) doc["in_progress"] = {{"configurations_planned", r.in_progress->configurations_planned}};
  if (r.reanalysis_of)
    doc["reanalysis_of"] = {{"run_dir", r.reanalysis_of->run_dir},
                            {"checks", r.reanalysis_of->checks},
                            {"identical_checks", r.reanalysis_of->identical_checks}};
  return doc;
}

namespace {

// A bench.report/2 record written before settings.max_output_search existed: its maximum output was
// searched stepped, the only search there was; it is read as saying so. One written before the imd step
// existed has no imd settings (it ran no imd step): it is read with their defaults, and so is one written
// before the dynamic_range step.
json with_settings_of_its_time(const json& doc) {
  const auto settings = doc.find("settings");
  if (settings == doc.end() || !settings->is_object()) return doc;
  json d = doc;
  if (!settings->contains("max_output_search")) {
    d["settings"]["max_output_search"] = "stepped";
    if (d.contains("steps") && d["steps"].is_array())
      for (auto& s : d["steps"])
        if (s.is_object() && s.value("kind", "") == "max_output" && s.contains("settings") &&
            s["settings"].is_object())
          s["settings"]["max_output_search"] = "stepped";
  }
  static const plan::MeasurementSettings defaults;
  // Before bandwidth_hz and thd_n_weighting, THD+N and noise were read in 20 Hz to 20 kHz, unweighted, and
  // noise had no CCIR-RMS reading (null: not measured).
  if (!settings->contains("bandwidth_hz")) {
    d["settings"]["bandwidth_hz"] = 20000;
    d["settings"]["thd_n_weighting"] = "none";
    const auto patch = [](json& step) {
      if (!step.is_object()) return;
      const std::string kind = step.value("kind", "");
      if (kind != "distortion" && kind != "noise") return;
      if (step.contains("settings") && step["settings"].is_object()) {
        step["settings"]["bandwidth_hz"] = 20000;
        if (kind == "distortion") step["settings"]["thd_n_weighting"] = "none";
      }
      if (!step.contains("result") || !step["result"].is_object()) return;
      json& r = step["result"];
      r["bandwidth_hz"] = 20000;
      if (kind == "distortion") r["weighting"] = "none";
      for (const char* side : {"left", "right"})
        if (kind == "noise" && r.contains(side) && r[side].is_object())
          r[side]["noise_dbv_ccir_rms"] = nullptr;
    };
    if (d.contains("steps") && d["steps"].is_array())
      for (auto& s : d["steps"]) patch(s);
    if (d.contains("configurations") && d["configurations"].is_array())
      for (auto& c : d["configurations"])
        if (c.is_object() && c.contains("steps") && c["steps"].is_array())
          for (auto& s : c["steps"]) patch(s);
  }
  if (!settings->contains("imd_standards")) d["settings"]["imd_standards"] = defaults.imd_standards;
  if (!settings->contains("imd_level_dbfs")) d["settings"]["imd_level_dbfs"] = defaults.imd_level_dbfs;
  if (!settings->contains("imd_duration_s")) d["settings"]["imd_duration_s"] = defaults.imd_duration_s;
  // Likewise before the dynamic_range step.
  if (!settings->contains("dynamic_range_duration_s"))
    d["settings"]["dynamic_range_duration_s"] = defaults.dynamic_range_duration_s;
  return d;
}

}  // namespace

record::RunRecord record_from_json(const json& original, const std::string& source) {
  const json doc = with_settings_of_its_time(original);
  const std::string schema = schema_of(doc);
  if (schema == kFirstLayout) refuse_first_layout(source);
  if (schema.rfind("bench.report/", 0) != 0)
    throw InputError(source + ": not a bench report (\"schema\": \"" + kReportSchema + "\" expected" +
                     (schema.empty() ? std::string() : ", found \"" + schema + "\"") +
                     "): give the run directory of a `bench run`");
  if (schema != kReportSchema)
    throw InputError(source + ": a " + schema + " record, which bench " + kVersion + " (" + kReportSchema +
                     ") does not read: use the bench that wrote it");
  const auto errors = schema_errors(doc);
  if (!errors.empty()) {
    const std::string& first = errors.front();
    // "" is the whole document; say so rather than print an empty pointer.
    const std::string where = first.rfind(':', 0) == 0 ? "the document" + first : first;
    throw InputError(source + ": " + one_line(where) + " (" + kReportSchema + " schema): " + kRestore);
  }
  // The schema cannot bound a uint64 (valijson compares integers as int64): a sign is refused here.
  if (!doc.at("seed").is_number_unsigned())
    throw InputError(source +
                     ": /seed: a whole number from 0 to 18446744073709551615 expected (the value is " +
                     doc.at("seed").dump() + ") (" + kReportSchema + " schema): " + kRestore);
  try {
    record::RunRecord r;
    r.bench_version = doc.at("bench_version").get<std::string>();
    r.created_utc = doc.at("created_utc").get<std::string>();
    r.backend = doc.at("backend").get<std::string>();
    r.seed = doc.at("seed").get<std::uint64_t>();
    r.plan = profile_from(doc.at("plan"));
    const json& profiles = doc.at("profiles");
    r.interface = profile_from(profiles.at("interface"));
    r.amp = profile_from(profiles.at("amp"));
    r.adc = profile_from(profiles.at("adc"));
    r.limits = profile_from(profiles.at("limits"));
    r.loads = load_refs_from(profiles.at("loads"));
    r.impedance_loads = load_refs_from(profiles.at("impedance_loads"));
    detail::settings_from(doc.at("settings"), r.settings);
    r.adc_fullscale_vrms = number_from(doc.at("settings").at("adc_fullscale_vrms"));
    r.default_steps = doc.at("default_steps").get<bool>();
    for (const auto& s : doc.at("steps")) r.steps.push_back(detail::planned_step_from(s, r.settings));
    for (const auto& d : doc.at("definitions"))
      r.definitions.emplace_back(d.at("name").get<std::string>(), d.at("text").get<std::string>());
    for (const auto& c : doc.at("configurations")) r.configurations.push_back(detail::configuration_from(c));
    r.outcome = record::outcome_from(doc.at("outcome").get<std::string>()).value_or(record::Outcome::kError);
    if (doc.contains("aborted")) r.aborted = doc.at("aborted").get<std::string>();
    if (doc.contains("in_progress"))
      r.in_progress =
          record::InProgress{doc.at("in_progress").at("configurations_planned").get<std::size_t>()};
    if (doc.contains("reanalysis_of")) {
      const json& a = doc.at("reanalysis_of");
      r.reanalysis_of =
          record::ReanalysisOf{a.at("run_dir").get<std::string>(), a.at("checks").get<std::size_t>(),
                               a.at("identical_checks").get<std::size_t>()};
    }
    return r;
  } catch (const std::exception& e) {
    // The schema accepted what the reader cannot read: the two disagree (a defect), said in one line.
    throw InputError(source + ": the " + kReportSchema + " schema accepts it but it cannot be read (" +
                     one_line(e.what()) + "): " + kRestore);
  }
}

// Without indentation, as ProgressWriter writes it: indenting put every number of the curves on a line of
// its own and doubled the file (4.7 MB against 2.5 MB for the demo). `jq .` or `bench report` reads it.
void write_record(const std::filesystem::path& run_dir, const record::RunRecord& record, bool durable) {
  io::write_text_atomic(run_dir / "report.json", to_json(record).dump() + "\n", durable);
}

void ProgressWriter::write(const record::RunRecord& record) {
  for (std::size_t i = configurations_.size(); i < record.configurations.size(); ++i)
    configurations_.push_back(detail::configuration_json(record.configurations[i]).dump());
  // The document without its configurations, whose summary is the record's, then the configurations
  // spliced in where the empty array is: the only "configurations" key whose value is an array (the
  // summary's is a count; a quote inside a string is escaped, so no string holds the marker).
  record::RunRecord head = record;
  head.configurations.clear();
  json doc = to_json(head);
  const auto counts = record.counts();
  doc["summary"] = {{"configurations", record.configurations.size()},
                    {"pass", counts[0]},
                    {"fail", counts[1]},
                    {"error", counts[2]}};
  std::string text = doc.dump();
  const std::string marker = "\"configurations\":[]";
  const std::size_t at = text.find(marker);
  if (at == std::string::npos)
    throw std::logic_error("ProgressWriter: no configurations array in the record");
  std::string joined;
  for (const auto& c : configurations_) joined.append(joined.empty() ? "" : ",").append(c);
  text.replace(at, marker.size(), std::string("\"configurations\":[").append(joined).append("]"));
  io::write_text_atomic(run_dir_ / "report.json", text.append("\n"), true);
}

record::RunRecord read_record(const std::filesystem::path& run_dir) {
  const std::filesystem::path path = run_dir / "report.json";
  return record_from_json(load_document(path), path.string());
}

PriorRun read_prior_run(const std::filesystem::path& run_dir) {
  const std::filesystem::path path = run_dir / "report.json";
  const json doc = load_document(path);
  PriorRun prior;
  prior.schema = schema_of(doc);
  if (prior.schema != kFirstLayout) {
    const record::RunRecord r = record_from_json(doc, path.string());
    prior.plan_file = r.plan.file;
    prior.seed = r.seed;
    for (const auto& s : r.steps) prior.step_ids.push_back(s.id);
    for (const auto& c : r.configurations) {
      prior.fixture_ids.push_back(c.fixture.id);
      prior.checks.push_back(c.checks);
      prior.kept_captures.push_back(!c.captures.empty());
    }
    return prior;
  }
  // bench.report/1: plan.file, seed, configurations[].fixture (an object with "id", or the id alone) and
  // their checks; nothing else of that layout is read any more.
  auto missing = [&](const std::string& what) {
    return InputError(path.string() + ": " + what + " (a bench.report/1 record): " + kRestore);
  };
  try {
    const auto plan = doc.find("plan");
    if (plan == doc.end() || !plan->is_object() || !plan->contains("file") || !plan->at("file").is_string())
      throw missing("key 'plan.file' is missing or not a string");
    prior.plan_file = plan->at("file").get<std::string>();
    if (const auto seed = doc.find("seed"); seed != doc.end() && seed->is_number_unsigned())
      prior.seed = seed->get<std::uint64_t>();
    const auto configurations = doc.find("configurations");
    if (configurations == doc.end() || !configurations->is_array())
      throw missing("key 'configurations' is missing or not an array");
    for (std::size_t i = 0; i < configurations->size(); ++i) {
      const json& c = (*configurations)[i];
      const std::string at = "configurations[" + std::to_string(i) + "]";
      const json* fixture = c.is_object() && c.contains("fixture") ? &c.at("fixture") : nullptr;
      if (fixture && fixture->is_object() && fixture->contains("id") && fixture->at("id").is_string())
        prior.fixture_ids.push_back(fixture->at("id").get<std::string>());
      else if (fixture && fixture->is_string())
        prior.fixture_ids.push_back(fixture->get<std::string>());
      else
        throw missing("key '" + at + ".fixture.id' is missing or not a string");
      if (!c.contains("checks") || !c.at("checks").is_array())
        throw missing("key '" + at + ".checks' is missing or not an array");
      std::vector<record::Check> checks;
      for (const auto& k : c.at("checks")) checks.push_back(detail::check_from(k));
      prior.checks.push_back(std::move(checks));
      prior.kept_captures.push_back(true);  // bench 0.1 kept every capture
    }
  } catch (const json::exception& e) {
    throw missing("a check cannot be read (" + one_line(e.what()) + ")");
  }
  return prior;
}

bool same_check(const record::Check& a, const record::Check& b) {
  return a.name == b.name && same_variant(a.value, b.value) && a.unit == b.unit &&
         same_optional(a.limit.min, b.limit.min) && same_optional(a.limit.max, b.limit.max) &&
         same_optional(a.limit.tolerance, b.limit.tolerance) &&
         same_variant(a.limit.expected, b.limit.expected) && a.outcome == b.outcome &&
         a.explanation == b.explanation && a.channel == b.channel && a.load == b.load &&
         same_optional(a.level_dbfs, b.level_dbfs);
}

}  // namespace bench::report
