#pragma once

#include <filesystem>
#include <string>

#include "bench/record/record.hpp"

namespace bench::report {

/// The human report of a run, from its record alone: one self-contained HTML page (inline CSS and SVG, no
/// scripts, fonts, images or network references; prints one configuration per page). A header with the
/// plan's sequence (its step ids in order) and the audio seconds of the whole run, a summary table
/// (configurations by rows, PASS/FAIL/ERROR badge, every failed check with its explanation), then per
/// configuration a `<section class="configuration">` with five plots, each an `<svg class="plot
/// plot-KIND">` (KIND: fr, harmonics, thdn, hum, crosstalk; id "plot-<configuration anchor>-KIND") drawn
/// from its step results, plus impedance and loading where it measured the output impedance; the level at
/// the test tone; a sequence table (each step's id, kind, audio seconds, takes and outcome: ERROR with its
/// error, else the worst of its checks); and a table of every check with the catalogue's words and unit.
/// Missing results render as an empty plot that says so. [any thread]
[[nodiscard]] std::string html_report(const record::RunRecord& run);

/// The plot kinds of every configuration section, in page order.
inline constexpr const char* kPlotKinds[] = {"fr", "harmonics", "thdn", "hum", "crosstalk"};

/// Writes `dir/index.html` atomically. Throws bench::InputError naming the file when it cannot.
void write_html(const std::filesystem::path& dir, const record::RunRecord& run);

}  // namespace bench::report
