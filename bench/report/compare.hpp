#pragma once

// `bench compare`: side-by-side comparison of cable configurations from run records (report.json), either
// the same fixture ids across runs or two configurations of one run. Produces a bench.compare/1 document
// (values per side, differences with units, better or worse by the catalogue's direction of each check and
// one sentence each, what exists on one side only) and a self-contained compare.html with overlay plots
// (one colour per side).

#include <cstddef>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "bench/record/record.hpp"

namespace bench::report {

/// One run: its directory and its record (as read by read_record).
struct CompareRun {
  std::filesystem::path dir;
  record::RunRecord record;
};

/// One side of a matched configuration: a run and one of its configurations (points into the run's record).
struct CompareSide {
  std::size_t run = 0;  ///< index into the runs compared
  std::string fixture;  ///< the configuration's fixture id
  std::string label;    ///< how sentences and plots name the side: "run 2 (demo)", or the fixture id
  const record::ConfigurationRecord* configuration = nullptr;
};

/// A matched configuration: the same fixture id in every run, or the two configurations asked for.
struct CompareGroup {
  std::string id;  ///< the fixture id, or "a vs b"
  std::vector<CompareSide> sides;
};

/// The comparison: compare.json's document and the groups it was made of (in the document's order).
struct Comparison {
  nlohmann::json doc;  ///< bench.compare/1; each difference has "verdict": "better", "worse" or null
  std::vector<CompareGroup> groups;
};

/// Matches configurations by fixture id across `runs` (at least two) and checks by name plus channel,
/// load, level (and frequency for the response points at 20 Hz, 1 kHz, 20 kHz). Differences are each side
/// against the first run; each says better or worse as the catalogue's Better of the check says (lower,
/// higher, closer to each side's expected value, closer to zero, or the expected word), and a maximum
/// output at the interface's full scale keeps its "at least". The result points into `runs`, which must
/// outlive it. [any thread]
[[nodiscard]] Comparison compare_runs(const std::vector<CompareRun>& runs);

/// Compares two configurations (fixture ids `a`, `b`) of one run the same way. Throws bench::InputError
/// naming the run's report.json when it has no such configuration.
[[nodiscard]] Comparison compare_configurations(const CompareRun& run, const std::string& a,
                                                const std::string& b);

/// compare.html: self-contained (inline CSS and SVG, no scripts or external references); per matched
/// configuration six overlays, plus |Z_out| and the predicted headphone change where a side measured the
/// output impedance.
[[nodiscard]] std::string compare_html(const Comparison& comparison, const std::vector<CompareRun>& runs);

/// Writes `dir`/compare.json and `dir`/compare.html atomically (creating `dir`); returns their paths.
/// Throws bench::InputError naming what cannot be written.
std::vector<std::filesystem::path> write_compare(const std::filesystem::path& dir,
                                                 const Comparison& comparison,
                                                 const std::vector<CompareRun>& runs);

}  // namespace bench::report
