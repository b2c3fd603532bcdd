#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "bench/plan/model.hpp"
#include "bench/session/sequencer.hpp"

namespace bench::report {

/// Facts about a run that are not measurements.
struct RunInfo {
  std::string backend;       ///< "sim", ...
  std::uint64_t seed = 0;
  std::string created_utc;   ///< ISO 8601; the only field that differs between two runs with one seed
};

/// The run's record, `"schema": "bench.report/1"`: plan, profiles, settings and definitions, and per
/// cable configuration its fixture, outcome, checks, raw measurements and captures. Everything else
/// (HTML, JUnit, exports) derives from it.
[[nodiscard]] nlohmann::json report_json(const plan::Plan& plan, const session::SessionResult& result, const RunInfo& info);

}  // namespace bench::report
