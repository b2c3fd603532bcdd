#pragma once

// `bench compare`: side-by-side comparison of cable configurations from bench.report/1 documents, either
// the same fixture ids across runs or two configurations of one run. Produces a bench.compare/1 document
// (values per side, differences with units and one sentence each, what exists on one side only) and a
// self-contained compare.html with overlay plots (one colour per side).

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace bench::report {

/// One run: its directory and its report.json (as read by read_report).
struct CompareRun {
  std::filesystem::path dir;
  nlohmann::json report;
};

/// One side of a matched configuration: a run and one of its configurations (points into the run's report).
struct CompareSide {
  std::size_t run = 0;
  std::string fixture;
  std::string label;
  const nlohmann::json* configuration = nullptr;
};

/// A matched configuration: the same fixture id in every run, or the two configurations asked for.
struct CompareGroup {
  std::string id;
  std::vector<CompareSide> sides;
};

struct Comparison {
  nlohmann::json doc;  ///< bench.compare/1
  std::vector<CompareGroup> groups;
};

/// Matches configurations by fixture id across `runs` (at least two) and checks by name plus channel,
/// load, level (and frequency for response points). Differences are each side against the first run.
/// The result points into `runs`, which must outlive it.
[[nodiscard]] Comparison compare_runs(const std::vector<CompareRun>& runs);

/// Compares two configurations (fixture ids `a`, `b`) of one run the same way. Throws bench::InputError
/// naming the run's report.json when it has no such configuration.
[[nodiscard]] Comparison compare_configurations(const CompareRun& run, const std::string& a, const std::string& b);

/// compare.html: self-contained (inline CSS and SVG, no scripts or external references); per matched
/// configuration six overlays, plus |Z_out| and the predicted headphone change where a side measured the
/// output impedance.
[[nodiscard]] std::string compare_html(const Comparison& comparison, const std::vector<CompareRun>& runs);

/// Writes `dir`/compare.json and `dir`/compare.html atomically (creating `dir`); returns their paths.
std::vector<std::filesystem::path> write_compare(const std::filesystem::path& dir, const Comparison& comparison,
                                                 const std::vector<CompareRun>& runs);

}  // namespace bench::report
