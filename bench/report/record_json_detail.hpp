#pragma once

// Internals of record_json.cpp, configuration_json.cpp and step_json.cpp (the three files that spell
// report.json keys): number conversions and the pieces of the record each file writes and reads. Readers
// run on documents the schema has accepted; a key they miss anyway throws nlohmann::json::exception,
// which record_from_json turns into an InputError.

#include <cmath>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bench/plan/model.hpp"
#include "bench/record/record.hpp"

namespace bench::report::detail {

using nlohmann::json;

/// A number, or null when it is NaN or infinite (JSON has neither).
inline json number(double v) {
  return std::isfinite(v) ? json(v) : json(nullptr);
}
/// Null for none, as number() otherwise.
inline json number(const std::optional<double>& v) {
  return v ? number(*v) : json(nullptr);
}
/// Every element as number().
inline json numbers(const std::vector<double>& v) {
  json a = json::array();
  for (const double x : v) a.push_back(number(x));
  return a;
}
/// A number as written by number(): null reads as NaN.
inline double number_from(const json& j) {
  return j.is_null() ? record::kNaN : j.get<double>();
}
/// Null reads as none.
inline std::optional<double> optional_from(const json& j) {
  return j.is_null() ? std::nullopt : std::optional<double>(j.get<double>());
}
/// Every element as number_from().
inline std::vector<double> numbers_from(const json& j) {
  std::vector<double> v;
  v.reserve(j.size());
  for (const auto& x : j) v.push_back(number_from(x));
  return v;
}
/// "left" for 0, "right" for 1 (record::kChannelNames).
inline json channel_json(int index) {
  return record::kChannelNames.at(static_cast<std::size_t>(index));
}
/// 0 for "left", 1 for "right".
inline int channel_from(const json& j) {
  return j.get<std::string>() == record::kChannelNames[1] ? 1 : 0;
}
/// plan::to_string spellings, read back.
[[nodiscard]] plan::Load::Kind load_kind_from(const json& j);
[[nodiscard]] plan::Connector connector_from(const json& j);

// step_json.cpp
/// A step's result, keyed by the record's field names (the "result" of a configuration's step).
[[nodiscard]] json step_result_json(const record::StepResult& result);
/// The result of a step of `kind` (a kind of record::StepResult); std::invalid_argument for another kind.
[[nodiscard]] record::StepResult step_result_from(const std::string& kind, const json& j);

// configuration_json.cpp
/// Settings by the catalogue's names (plan::settings()): all of them, or those `only` names.
[[nodiscard]] json settings_json(const plan::MeasurementSettings& s,
                                 const std::vector<std::string_view>* only);
/// Overwrites the settings `j` holds; the others keep their value in `s`.
void settings_from(const json& j, plan::MeasurementSettings& s);
/// A step of the sequence with the settings its kind reads (plan::step_kind(kind).settings).
[[nodiscard]] json planned_step_json(const record::PlannedStep& step);
/// A planned step: the settings its kind does not read are the run's (`run_settings`).
[[nodiscard]] record::PlannedStep planned_step_from(const json& j,
                                                    const plan::MeasurementSettings& run_settings);
/// A check: name, step, value, unit, limit, outcome, explanation and, where given, channel, load, level_dbfs.
[[nodiscard]] json check_json(const record::Check& check);
/// A check of /2 (with `step`) or /1 (without it, and a null `limit` for none).
[[nodiscard]] record::Check check_from(const json& j);
/// A configuration: fixture, outcome, errors, checks, steps (with their results), captures, retried takes,
/// relays.
[[nodiscard]] json configuration_json(const record::ConfigurationRecord& configuration);
[[nodiscard]] record::ConfigurationRecord configuration_from(const json& j);

}  // namespace bench::report::detail
