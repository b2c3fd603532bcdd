#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "bench/cli/app.hpp"
#include "bench/core/error.hpp"
#include "bench/core/format.hpp"
#include "bench/report/compare.hpp"
#include "bench/report/record_json.hpp"

namespace bench::cli {
namespace {

struct CompareArgs {
  std::vector<std::string> runs;
  std::vector<std::string> configurations;
  std::string out;
};

void compare(const CompareArgs& a) {
  const bool two_configurations = !a.configurations.empty();
  if (two_configurations && a.runs.size() != 1)
    throw InputError(
        "--configurations: compares two configurations of one run: give exactly one run directory");
  if (!two_configurations && a.runs.size() < 2)
    throw InputError(
        "compare: needs at least two run directories (or one run with --configurations FIX_A FIX_B)");
  std::vector<report::CompareRun> runs;
  runs.reserve(a.runs.size());
  for (const auto& d : a.runs) runs.push_back({d, report::read_record(d)});
  const report::Comparison c =
      two_configurations ? report::compare_configurations(runs[0], a.configurations[0], a.configurations[1])
                         : report::compare_runs(runs);
  const std::filesystem::path dir =
      a.out.empty() ? std::filesystem::path("reports") / (utc_now("%Y%m%dT%H%M%SZ") + "_compare")
                    : std::filesystem::path(a.out);
  try {
    (void)report::write_compare(dir, c, runs);
  } catch (const nlohmann::json::exception& e) {
    throw InputError(dir.string() + ": a report could not be compared (" + std::string(e.what()) +
                     "): check the report.json files");
  }
  std::size_t checks = 0;
  for (const auto& g : c.doc["configurations"]) checks += g["checks"].size();
  spdlog::info(
      "{}: compared {} configuration(s), {} check(s); {} configuration(s) and {} check(s) on one side only; "
      "wrote compare.json and compare.html",
      dir.string(), c.doc["configurations"].size(), checks, c.doc["unmatched"]["configurations"].size(),
      c.doc["unmatched"]["checks"].size());
}

}  // namespace

void add_compare(CLI::App& app) {
  auto a = std::make_shared<CompareArgs>();
  auto* c = app.add_subcommand("compare",
                               "compare cable configurations side by side from run directories' report.json: "
                               "compare.json and compare.html");
  c->add_option("runs", a->runs, "run directories written by `bench run` (each holds report.json)")
      ->required();
  c->add_option("--configurations", a->configurations, "with one run: the two fixture ids to compare")
      ->expected(2);
  c->add_option("--out", a->out, "output directory (default reports/<UTC time>_compare)");
  c->callback([a] { compare(*a); });
}

}  // namespace bench::cli
