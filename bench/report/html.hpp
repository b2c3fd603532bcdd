#pragma once

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

namespace bench::report {

/// The human report of a run, from its bench.report/1 document alone: one self-contained HTML page
/// (inline CSS and SVG, no scripts, fonts, images or network references; prints one configuration per
/// page). A summary table (configurations by rows, PASS/FAIL/ERROR badge, every failed check with its
/// explanation), then per configuration a `<section class="configuration">` with five plots, each an
/// `<svg class="plot plot-KIND">` (KIND: fr, harmonics, thdn, hum, crosstalk; id
/// "plot-<configuration anchor>-KIND"), the level at the test tone and a table of every check.
/// Missing measurements render as an empty plot that says so. [main thread]
[[nodiscard]] std::string html_report(const nlohmann::json& report);

/// The plot kinds of every configuration section, in page order.
inline constexpr const char* kPlotKinds[] = {"fr", "harmonics", "thdn", "hum", "crosstalk"};

/// Writes `dir/index.html` atomically. Throws bench::InputError naming the file when it cannot.
void write_html(const std::filesystem::path& dir, const nlohmann::json& report);

}  // namespace bench::report
