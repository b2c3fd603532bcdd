#pragma once

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

namespace bench::session {

/// PASS: within limits. FAIL: the device or cable is out of limits. ERROR: the bench could not measure
/// (clipping, no signal, device gone) and says why. INFO: recorded, not judged (no limit in the set).
enum class Outcome { kPass, kFail, kError, kInfo };

[[nodiscard]] const char* to_string(Outcome o);

/// One judged number (or word) with its unit, its limit and a technician's explanation.
struct Check {
  std::string name;                 ///< one of the plan's check names (level_dbv, gain_db, ...)
  nlohmann::json value;             ///< number, string or null when the measurement failed
  std::string unit;                 ///< "dBV", "dB", "Vrms", "" for words
  nlohmann::json limit;             ///< {"min": ..} / {"max": ..} / {"expected": .., "tolerance": ..} / {"expected": "word"}
  Outcome outcome = Outcome::kInfo;
  std::string explanation;
  std::optional<std::string> channel;  ///< "left", "right", "left->right"
  std::optional<std::string> load;     ///< load id, for per-load checks
  std::optional<double> level_dbfs;    ///< stimulus level, for per-level checks
};

/// Everything measured and judged for one cable configuration.
struct ConfigurationResult {
  std::string fixture_id;
  Outcome outcome = Outcome::kPass;
  std::vector<Check> checks;
  std::vector<std::string> errors;  ///< why measurements could not be made (outcome ERROR)
  nlohmann::json measurements;      ///< raw curves and figures for reports (frequency responses, THD+N vs level...)
  std::vector<std::string> captures;  ///< capture files, relative to the run directory
};

/// Worst of two outcomes: ERROR over FAIL over PASS; INFO never changes anything.
[[nodiscard]] Outcome worst(Outcome a, Outcome b);

}  // namespace bench::session
