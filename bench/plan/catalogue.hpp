#pragma once

// The bench's catalogue: every check (name, unit, the limit forms it accepts, which way is better, its
// definition and its words), every setting a plan or a step may give (unit, default, allowed range), and
// every step kind (what it measures, the settings it reads, the earlier results it needs, the checks it
// makes). One table each; the plan loader validates limits, settings and [[steps]] against them, the
// sequencer judges with them, bench compare takes better/worse from them, the HTML takes names and units,
// and `bench steps` prints them. No check name, setting name or step kind is spelled anywhere else.
// Everything here is constant data: call it from any thread.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "bench/plan/model.hpp"

namespace bench::plan {

/// How a check's limit may be written ([checks.<name>] of a limits file, [steps.limits.<name>] of a step).
enum class LimitForm : std::uint8_t {
  kMin = 1,        ///< min = X: pass when value >= X
  kMax = 2,        ///< max = X: pass when value <= X
  kTolerance = 4,  ///< tolerance = X: pass when |value - expected| <= X (checks with an expectation)
  kExpected = 8,   ///< a word check: an empty table means "checked"; expected = "word" overrides the word
};

/// Which way a check's value is better (bench compare words every difference with it).
enum class Better : std::uint8_t {
  kLower,             ///< THD, noise, crosstalk, deviation, output impedance
  kHigher,            ///< SNR, maximum output, damping factor
  kCloserToExpected,  ///< level and gain: nearer the profiles' expectation
  kCloserToZero,      ///< clock drift
  kMatch,             ///< words (channel map, polarity): the expected word is better than any other
};

/// One check of the catalogue.
struct CheckSpec {
  std::string_view name;         ///< "thd_n_db": the key in limits files and report.json
  std::string_view unit;         ///< "dB", "dBV(A)", "Vrms", "ohm", "" for words
  std::uint8_t limit_forms = 0;  ///< LimitForm bits it accepts; 0: recorded only, no limit may be given
  Better better = Better::kLower;
  std::string_view words;       ///< "THD+N": how sentences name it
  std::string_view where;       ///< "per channel and level": what it is given for
  std::string_view definition;  ///< one line: what exactly is measured
};

/// Every check, in report order.
[[nodiscard]] std::span<const CheckSpec> checks();
/// The check of that name, or nullptr.
[[nodiscard]] const CheckSpec* find_check(std::string_view name);
/// The check of that name; a name outside the catalogue is a programming error (std::logic_error).
[[nodiscard]] const CheckSpec& check(std::string_view name);
/// Whether the check takes the limit form.
[[nodiscard]] bool accepts(const CheckSpec& spec, LimitForm form);
/// TOML spelling of a limit form: "min", "max", "tolerance", "expected".
[[nodiscard]] std::string_view to_string(LimitForm form);
/// Words for a direction: "lower is better", ...
[[nodiscard]] std::string_view to_string(Better better);

/// Where a setting's value lives in MeasurementSettings.
using SettingField =
    std::variant<double MeasurementSettings::*, std::vector<double> MeasurementSettings::*,
                 std::string MeasurementSettings::*, std::vector<std::string> MeasurementSettings::*>;

/// One setting of [settings] (and of a step, where its kind reads it).
struct SettingSpec {
  std::string_view name;                    ///< TOML and report.json key
  std::string_view unit;                    ///< "Hz", "s", "dBFS", "%", "dB", "ppm", "" (ids)
  SettingField field;                       ///< the member of MeasurementSettings it sets
  double min = 0, max = 0;                  ///< allowed range of numbers (and of each element of a list)
  bool min_open = false, max_open = false;  ///< an open end excludes the bound
  bool per_step = true;                     ///< false: plan-wide only (the sample rate)
  std::string_view description;             ///< one line
};

/// Every setting, in the order `bench steps` prints them.
[[nodiscard]] std::span<const SettingSpec> settings();
/// The setting of that name, or nullptr.
[[nodiscard]] const SettingSpec* find_setting(std::string_view name);
/// "0.1 <= x <= 10", "0 < x <= 600" (x spelled as the setting's name); "" for ids.
[[nodiscard]] std::string range_text(const SettingSpec& spec);
/// The default (MeasurementSettings{}) as TOML text: "48000", "[-1, -20]", "\"\"".
[[nodiscard]] std::string default_text(const SettingSpec& spec);

/// A result an earlier step must have produced for a step to run (or, when optional, that it uses if there).
struct Need {
  std::string_view kind;  ///< the step kind that produces it
  bool required = true;   ///< false: used when an earlier step of that kind is in the plan
  std::string_view what;  ///< "the channel map and the latency"
};

/// One step kind: one measurement, one function under bench/session/steps/.
struct StepKindSpec {
  std::string_view kind;                   ///< "sweeps": the kind = of a [[steps]] entry
  std::string_view description;            ///< one line: what it measures and how
  std::vector<std::string_view> settings;  ///< the settings it reads (a step may override these)
  std::vector<Need> needs;                 ///< earlier results it needs or uses, by kind
  std::vector<std::string_view> checks;    ///< the checks it makes (a step may set their limits)
};

/// Every step kind, in the order of the default sequence.
[[nodiscard]] std::span<const StepKindSpec> step_kinds();
/// The kind of that name, or nullptr.
[[nodiscard]] const StepKindSpec* find_step_kind(std::string_view kind);
/// The kind of that name; outside the catalogue is a programming error (std::logic_error).
[[nodiscard]] const StepKindSpec& step_kind(std::string_view kind);

/// The audio band every check over frequency is judged in (frequency response deviation, loading
/// deviation, damping factor), Hz. A headphone's impedance curve must cover it (profiles: load_load).
inline constexpr double kBandLowHz = 20;
inline constexpr double kBandHighHz = 20000;

/// What the analyses need of a plan's durations (the loader refuses less, naming the minimum; the steps
/// use the same constants so the two cannot drift apart).
struct DurationLimits {
  /// A tone's analysed stretch starts kToneSettleS after its start (the latency, the fade-in, the settling
  /// of the chain's high-pass) and stops before its fade-out; what is left must be at least
  /// kMinToneAnalysisS (analysis::analyze_sine needs 0.05 s).
  static constexpr double kToneSettleS = 0.1;
  static constexpr double kToneRampS = 0.01;
  static constexpr double kMinToneAnalysisS = 0.05;
  /// Silence is analysed from kNoiseSettleS on; analysis::analyze_noise needs at least kMinNoiseAnalysisS.
  static constexpr double kNoiseSettleS = 0.1;
  static constexpr double kMinNoiseAnalysisS = 0.1;
  /// The shortest tone (tone_duration_s) every tone-based step can analyse: 0.17 s.
  static constexpr double min_tone_s() { return kToneSettleS + 2 * kToneRampS + kMinToneAnalysisS; }
  /// The shortest silence (noise_duration_s) the noise step can analyse: 0.2 s.
  static constexpr double min_noise_s() { return kNoiseSettleS + kMinNoiseAnalysisS; }
  /// The shortest synchronized sweep from f1 to f2 (Novak: L = round(f1*T/ln(f2/f1))/f1 needs at least one
  /// cycle of f1 in L): 0.5*ln(f2/f1)/f1 s.
  static double min_sweep_s(double f1_hz, double f2_hz);
  /// The record an IMD analysis needs to resolve its products (dsp::imd_min_record_s of the standard's
  /// tones: 17 bins of 1/T between the closest lines; SMPTE's are 60 Hz apart, CCIF's 1 kHz).
  static constexpr double kImdSmpteRecordS = 17.0 / 60;
  static constexpr double kImdCcifRecordS = 17.0 / 1000;
  /// The shortest twin tone (imd_duration_s) the imd step can analyse for these standards: settling, two
  /// fades and the longest record they need (0.404 s with SMPTE).
  static double min_imd_s(const std::vector<std::string>& standards);
  /// Where the impedance step's sweeps end: at least sweep_f2_hz, else 0.95 of Nyquist up to 40 kHz (the
  /// output impedance is shown above the audio band where the rate allows).
  static double impedance_sweep_f2_hz(double sweep_f2_hz, double sample_rate_hz);
};

}  // namespace bench::plan
