// Settings, the planned sequence, fixtures, checks and configurations of report.json (bench.report/2).
// See record_json.hpp.
#include <algorithm>
#include <variant>

#include "bench/plan/catalogue.hpp"
#include "bench/report/record_json_detail.hpp"

namespace bench::report::detail {
namespace {

using MS = plan::MeasurementSettings;

json limit_json(const record::LimitRecord& l) {
  json j = json::object();
  if (l.min) j["min"] = number(*l.min);
  if (l.max) j["max"] = number(*l.max);
  if (l.tolerance) j["tolerance"] = number(*l.tolerance);
  if (const double* e = std::get_if<double>(&l.expected)) j["expected"] = number(*e);
  if (const std::string* w = std::get_if<std::string>(&l.expected)) j["expected"] = *w;
  return j;
}

record::LimitRecord limit_from(const json& j) {
  record::LimitRecord l;
  if (!j.is_object()) return l;  // bench.report/1 writes null for "no limit"
  if (j.contains("min")) l.min = number_from(j.at("min"));
  if (j.contains("max")) l.max = number_from(j.at("max"));
  if (j.contains("tolerance")) l.tolerance = number_from(j.at("tolerance"));
  if (j.contains("expected")) {
    const json& e = j.at("expected");
    if (e.is_string())
      l.expected = e.get<std::string>();
    else
      l.expected = number_from(e);
  }
  return l;
}

json fixture_json(const record::FixtureRecord& f) {
  json wiring = json::array();
  for (const auto& w : f.wiring)
    wiring.push_back(
        {{"source_channel", w.source_channel < 0 ? json("none") : channel_json(w.source_channel)},
         {"inverted", w.inverted},
         {"shorted", w.shorted}});
  return {{"id", f.id},
          {"name", f.name},
          {"file", f.file},
          {"cable", f.cable},
          {"source_port", f.source_port},
          {"source_connector", plan::to_string(f.source_connector)},
          {"destination_input", f.destination_input},
          {"destination_connector", plan::to_string(f.destination_connector)},
          {"balanced", f.balanced},
          {"expected_level_change_db", number(f.expected_level_change_db)},
          {"wiring", wiring},
          {"conductors", f.conductors},
          {"instruction", f.instruction}};
}

record::FixtureRecord fixture_from(const json& j) {
  record::FixtureRecord f;
  f.id = j.at("id").get<std::string>();
  f.name = j.at("name").get<std::string>();
  f.file = j.at("file").get<std::string>();
  f.cable = j.at("cable").get<std::string>();
  f.source_port = j.at("source_port").get<std::string>();
  f.source_connector = connector_from(j.at("source_connector"));
  f.destination_input = j.at("destination_input").get<std::string>();
  f.destination_connector = connector_from(j.at("destination_connector"));
  f.balanced = j.at("balanced").get<bool>();
  f.expected_level_change_db = number_from(j.at("expected_level_change_db"));
  for (const auto& w : j.at("wiring")) {
    const std::string source = w.at("source_channel").get<std::string>();
    f.wiring.push_back({source == "none" ? -1 : channel_from(w.at("source_channel")),
                        w.at("inverted").get<bool>(), w.at("shorted").get<bool>()});
  }
  f.conductors = j.at("conductors").get<std::vector<std::string>>();
  f.instruction = j.at("instruction").get<std::string>();
  return f;
}

json step_record_json(const record::StepRecord& s) {
  json j = {{"id", s.id},
            {"kind", s.kind},
            {"audio_s", number(s.audio_s)},
            {"takes", s.takes},
            {"result", s.result ? step_result_json(*s.result) : json(nullptr)}};
  if (s.error) j["error"] = *s.error;
  return j;
}

record::StepRecord step_record_from(const json& j) {
  record::StepRecord s;
  s.id = j.at("id").get<std::string>();
  s.kind = j.at("kind").get<std::string>();
  s.audio_s = number_from(j.at("audio_s"));
  s.takes = j.at("takes").get<std::size_t>();
  if (j.contains("error")) s.error = j.at("error").get<std::string>();
  if (!j.at("result").is_null()) s.result = step_result_from(s.kind, j.at("result"));
  return s;
}

}  // namespace

plan::Load::Kind load_kind_from(const json& j) {
  const std::string text = j.get<std::string>();
  for (const auto k : {plan::Load::Kind::kResistor, plan::Load::Kind::kHeadphone, plan::Load::Kind::kOpen})
    if (plan::to_string(k) == text) return k;
  throw std::invalid_argument("unknown load kind '" + text + "'");
}

plan::Connector connector_from(const json& j) {
  const std::string text = j.get<std::string>();
  for (const auto c : {plan::Connector::kTrs, plan::Connector::kXlr, plan::Connector::kTs,
                       plan::Connector::kRca, plan::Connector::kStereoTrs})
    if (plan::to_string(c) == text) return c;
  throw std::invalid_argument("unknown connector '" + text + "'");
}

json settings_json(const MS& s, const std::vector<std::string_view>* only) {
  json j = json::object();
  for (const auto& spec : plan::settings()) {
    if (only && std::find(only->begin(), only->end(), spec.name) == only->end()) continue;
    const std::string key(spec.name);
    std::visit(
        [&](auto field) {
          using F = decltype(field);
          if constexpr (std::is_same_v<F, double MS::*>)
            j[key] = number(s.*field);
          else if constexpr (std::is_same_v<F, std::vector<double> MS::*>)
            j[key] = numbers(s.*field);
          else
            j[key] = s.*field;
        },
        spec.field);
  }
  return j;
}

void settings_from(const json& j, MS& s) {
  for (const auto& spec : plan::settings()) {
    const std::string key(spec.name);
    if (!j.contains(key)) continue;
    const json& v = j.at(key);
    std::visit(
        [&](auto field) {
          using F = decltype(field);
          if constexpr (std::is_same_v<F, double MS::*>)
            s.*field = number_from(v);
          else if constexpr (std::is_same_v<F, std::vector<double> MS::*>)
            s.*field = numbers_from(v);
          else
            s.*field = v.get<std::remove_reference_t<decltype(s.*field)>>();
        },
        spec.field);
  }
}

json planned_step_json(const record::PlannedStep& step) {
  const plan::StepKindSpec* kind = plan::find_step_kind(step.kind);
  static const std::vector<std::string_view> none;
  return {{"id", step.id},
          {"kind", step.kind},
          {"overridden", step.overridden},
          {"limits_overridden", step.limits_overridden},
          {"settings", settings_json(step.settings, kind ? &kind->settings : &none)}};
}

record::PlannedStep planned_step_from(const json& j, const MS& run_settings) {
  record::PlannedStep step;
  step.id = j.at("id").get<std::string>();
  step.kind = j.at("kind").get<std::string>();
  step.overridden = j.at("overridden").get<std::vector<std::string>>();
  step.limits_overridden = j.at("limits_overridden").get<std::vector<std::string>>();
  step.settings = run_settings;
  settings_from(j.at("settings"), step.settings);
  return step;
}

json check_json(const record::Check& c) {
  json value = nullptr;
  if (const double* v = std::get_if<double>(&c.value)) value = number(*v);
  if (const std::string* w = std::get_if<std::string>(&c.value)) value = *w;
  json j = {{"name", c.name},
            {"step", c.step},
            {"value", value},
            {"unit", c.unit},
            {"limit", limit_json(c.limit)},
            {"outcome", record::to_string(c.outcome)},
            {"explanation", c.explanation}};
  if (c.channel) j["channel"] = *c.channel;
  if (c.load) j["load"] = *c.load;
  if (c.level_dbfs) j["level_dbfs"] = number(*c.level_dbfs);
  return j;
}

record::Check check_from(const json& j) {
  record::Check c;
  c.name = j.at("name").get<std::string>();
  if (j.contains("step")) c.step = j.at("step").get<std::string>();
  const json& v = j.at("value");
  if (v.is_string()) {
    c.value = v.get<std::string>();
  } else if (v.is_number()) {
    c.value = v.get<double>();
  }  // null: nothing could be measured (the record holds no value, as the sequence's checks do)
  c.unit = j.at("unit").get<std::string>();
  c.limit = limit_from(j.at("limit"));
  c.outcome = record::outcome_from(j.at("outcome").get<std::string>()).value_or(record::Outcome::kError);
  c.explanation = j.at("explanation").get<std::string>();
  if (j.contains("channel")) c.channel = j.at("channel").get<std::string>();
  if (j.contains("load")) c.load = j.at("load").get<std::string>();
  if (j.contains("level_dbfs")) c.level_dbfs = number_from(j.at("level_dbfs"));
  return c;
}

json configuration_json(const record::ConfigurationRecord& c) {
  json checks = json::array(), steps = json::array(), retried = json::array(), relays = json::array();
  for (const auto& k : c.checks) checks.push_back(check_json(k));
  for (const auto& s : c.steps) steps.push_back(step_record_json(s));
  for (const auto& t : c.retried_takes)
    retried.push_back({{"take", t.take}, {"attempts", t.attempts}, {"retried_because", t.retried_because}});
  for (const auto& r : c.relays)
    relays.push_back({{"for", r.purpose},
                      {"relays_on", r.relays_on},
                      {"state", r.state},
                      {"board", r.board},
                      {"settling_s", number(r.settling_s)}});
  return {{"fixture", fixture_json(c.fixture)},
          {"outcome", record::to_string(c.outcome)},
          {"errors", c.errors},
          {"checks", checks},
          {"steps", steps},
          {"captures", c.captures},
          {"retried_takes", retried},
          {"relays", relays}};
}

record::ConfigurationRecord configuration_from(const json& j) {
  record::ConfigurationRecord c;
  c.fixture = fixture_from(j.at("fixture"));
  c.outcome = record::outcome_from(j.at("outcome").get<std::string>()).value_or(record::Outcome::kError);
  c.errors = j.at("errors").get<std::vector<std::string>>();
  for (const auto& k : j.at("checks")) c.checks.push_back(check_from(k));
  for (const auto& s : j.at("steps")) c.steps.push_back(step_record_from(s));
  c.captures = j.at("captures").get<std::vector<std::string>>();
  for (const auto& t : j.at("retried_takes"))
    c.retried_takes.push_back({t.at("take").get<std::string>(), t.at("attempts").get<int>(),
                               t.at("retried_because").get<std::vector<std::string>>()});
  for (const auto& r : j.at("relays"))
    c.relays.push_back({r.at("for").get<std::string>(), r.at("relays_on").get<std::vector<int>>(),
                        r.at("state").get<int>(), r.at("board").get<std::string>(),
                        number_from(r.at("settling_s"))});
  return c;
}

}  // namespace bench::report::detail
