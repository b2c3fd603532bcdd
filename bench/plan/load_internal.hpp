#pragma once

// Internal to bench_plan (not installed API): the pieces the loader's files share, each defined once.
// Throws bench::ConfigError like the public loaders (plan/load.hpp); any thread.

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "bench/plan/catalogue.hpp"
#include "bench/plan/model.hpp"
#include "bench/plan/toml_reader.hpp"

namespace bench::plan::detail {

/// TOML spellings of every connector, for Reader::choice.
[[nodiscard]] const std::vector<std::pair<std::string, Connector>>& connector_choices();

/// A balanced signal needs a connector with hot, cold and ground: balanced with a TS, RCA or stereo TRS
/// connector (at connector_key) is a ConfigError at r's "balanced".
void check_balanced_connector(const Reader& r, std::string_view connector_key, Connector c, bool balanced);

/// One check's limit as a file gives it.
struct LocatedLimit {
  std::string check;  ///< the check's name (a check of the catalogue)
  Limit limit;
  std::uint32_t line = 0;  ///< its table's line
};

/// Reads the limit tables at r's key, in file order: [checks.<name>] of a limits file (kind null; at least
/// one table), or [steps.limits.<name>] of a step of that kind (each name one of the checks it makes).
/// Each name is a check of the catalogue that takes a limit, in the forms it accepts (LimitForm): min
/// and max numbers with min <= max, a tolerance >= 0, or, for a word check, nothing or expected = "word";
/// a numeric check needs at least one. A check without limit forms (recorded only) takes no table.
[[nodiscard]] std::vector<LocatedLimit> read_limit_tables(const Reader& r, std::string_view key,
                                                          const StepKindSpec* kind);

/// An id with the line it is on.
using LocatedId = std::pair<std::string, std::uint32_t>;

/// The ids of the array at r's key (required, not empty), each once (a duplicate is a ConfigError at
/// its line).
[[nodiscard]] std::vector<LocatedId> read_ids(const Reader& r, std::string_view key,
                                              std::string_view example);

/// Where an id of r's key points: <root>/<folder>/<id>.toml. An id ending in .toml, one that is not
/// plain (.., a leading /, a backslash) or whose file does not exist is a ConfigError at r.file():line
/// naming the key, what it refers to (what: "load profile") and the path looked for.
[[nodiscard]] std::filesystem::path referenced_file(const Reader& r, std::string_view key, std::uint32_t line,
                                                    const std::string& id, const std::filesystem::path& root,
                                                    const std::filesystem::path& folder,
                                                    std::string_view what);

/// The catalogue's allowed range of a numeric setting (of each element of a list).
[[nodiscard]] Range setting_range(const SettingSpec& spec);

/// Whether spec is the setting that sets member.
template <class T>
[[nodiscard]] bool is_setting(const SettingSpec& spec, T MeasurementSettings::*member) {
  return spec.field == SettingField(member);
}

/// The setting of the catalogue that sets member (a programming error, std::logic_error, if none does).
[[nodiscard]] const SettingSpec& setting_spec(SettingField member);

/// The names of every setting of the catalogue, in its order (the keys of [settings]).
[[nodiscard]] Keys setting_names();

/// Reads the setting spec.name of r (present, and an allowed key of r) into s: a number or a list of
/// numbers within the catalogue's range, a string, or a list of ids, each once (what they refer to is
/// checked by read_impedance_loads and read_impedance_ports).
void read_setting(const Reader& r, const SettingSpec& spec, MeasurementSettings& s);

/// Reads [settings]: each setting of the catalogue it gives, over the defaults of MeasurementSettings;
/// reference_load is required.
[[nodiscard]] MeasurementSettings read_settings(const Reader& r);

/// The loads r's impedance_loads lists (ids of profiles/loads/ under bench_root), loaded: each a resistor
/// or open, two or more, not all of one impedance.
[[nodiscard]] std::vector<Load> read_impedance_loads(const Reader& r,
                                                     const std::filesystem::path& bench_root);

/// The ports r's impedance_ports lists, each a port of interface. They are measured into the impedance
/// loads: without any (have_loads false) the key is an error, whose fix says where loads may be given
/// (in_step: the step or [settings]).
[[nodiscard]] std::vector<std::string> read_impedance_ports(const Reader& r,
                                                            const InterfaceProfile& interface,
                                                            bool have_loads, bool in_step);

/// Where effective settings come from, for their checks and messages: [settings] (overridden null), or a
/// step's table with the names of the settings it gives itself (the rest are the plan's, checked with
/// [settings]). kinds: the step kinds the settings are for (a step's own; for [settings], the kinds of the
/// plan's steps).
struct SettingsSource {
  const Reader& table;
  const std::vector<std::string>* overridden = nullptr;
  std::vector<const StepKindSpec*> kinds;

  [[nodiscard]] bool is_step() const { return overridden != nullptr; }
  /// Whether the table gives the setting itself.
  [[nodiscard]] bool gives(std::string_view name) const;
  /// Whether one of the kinds reads the setting.
  [[nodiscard]] bool reads(std::string_view name) const;
};

/// Checks effective settings against each other and the plan's loads: sweep_f1_hz < sweep_f2_hz <= half
/// the sample rate, tone_frequency_hz below it, reference_load one of loads, and the durations the kinds
/// read at least what their analyses need (DurationLimits: tone, silence, sweep, impedance sweep). For a
/// step only the checks that involve a setting it gives itself (the others were made on [settings]). Each
/// message names the key its table gives (of two, the first).
void check_settings(const SettingsSource& src, const MeasurementSettings& s, const std::vector<Load>& loads);

/// The plan-wide checks of [settings] (r) against the plan's profiles: the sample rate is supported by
/// interface and ADC and the ADC records two channels; and check_settings for the plan's step kinds.
void cross_validate_settings(const Reader& r, const MeasurementSettings& s, const InterfaceProfile& interface,
                             const AdcProfile& adc, const std::vector<Load>& loads,
                             std::vector<const StepKindSpec*> kinds);

/// The kinds a plan's [[steps]] name (top: the plan file's top level), those of the catalogue, in order;
/// read_steps reports the rest.
[[nodiscard]] std::vector<const StepKindSpec*> listed_step_kinds(const Reader& top);

/// The key of a plan's [[steps]].
inline constexpr std::string_view kStepsKey = "steps";

/// Reads the plan's [[steps]] (top: the plan file's top level, which has them) into plan.steps, after the
/// plan's settings, profiles, loads and limits are read: each step's kind, id, settings, impedance loads
/// and limits, then the ids (unique) and the order (each step after the steps it needs).
void read_steps(const Reader& top, Plan& plan, const std::filesystem::path& bench_root);

}  // namespace bench::plan::detail
