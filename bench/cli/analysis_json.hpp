#pragma once

#include <nlohmann/json.hpp>
#include <optional>

#include "bench/analysis/dynamic_range.hpp"
#include "bench/analysis/imd_analysis.hpp"
#include "bench/analysis/noise_analysis.hpp"
#include "bench/analysis/sine_analysis.hpp"
#include "bench/analysis/sweep_analysis.hpp"

namespace bench::cli {

/// JSON of the "bench.analysis/1" schema (README documents every key). Volts appear only when the
/// ADC's full-scale voltage (Vrms of a 0 dBFS sine) is known.
[[nodiscard]] nlohmann::json sweep_settings_json(const analysis::SweepAnalysisOptions& o);
[[nodiscard]] nlohmann::json to_json(const analysis::SweepResult& r);
[[nodiscard]] nlohmann::json sine_settings_json(const analysis::SineAnalysisOptions& o,
                                                std::optional<double> fullscale_vrms);
[[nodiscard]] nlohmann::json to_json(const analysis::SineResult& r, std::optional<double> fullscale_vrms);
[[nodiscard]] nlohmann::json noise_settings_json(const analysis::NoiseAnalysisOptions& o,
                                                 std::optional<double> fullscale_vrms);
[[nodiscard]] nlohmann::json to_json(const analysis::NoiseResult& r, std::optional<double> fullscale_vrms);

[[nodiscard]] nlohmann::json imd_settings_json(const analysis::ImdAnalysisOptions& o);
[[nodiscard]] nlohmann::json dynamic_range_settings_json(const analysis::DynamicRangeOptions& o,
                                                         std::optional<double> fullscale_vrms);
[[nodiscard]] nlohmann::json to_json(const analysis::DynamicRangeResult& r,
                                     std::optional<double> fullscale_vrms);
[[nodiscard]] nlohmann::json to_json(const analysis::ImdResult& r);

/// The document head shared by every analysis: schema, kind, version, rate and settings.
[[nodiscard]] nlohmann::json analysis_document(const char* kind, double sample_rate_hz,
                                               nlohmann::json settings);

}  // namespace bench::cli
