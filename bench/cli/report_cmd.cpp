#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <filesystem>
#include <memory>
#include <string>

#include "bench/cli/app.hpp"
#include "bench/report/outputs.hpp"
#include "bench/report/record_json.hpp"

namespace bench::cli {
namespace {

void rebuild(const std::filesystem::path& run_dir) {
  const record::RunRecord record = report::read_record(run_dir);
  const auto written = report::write_all(run_dir, record);
  spdlog::info("{}: wrote index.html, junit.xml and {} export files", run_dir.string(), written.size() - 2);
}

}  // namespace

void add_report(CLI::App& app) {
  auto dir = std::make_shared<std::string>();
  auto* r = app.add_subcommand(
      "report", "rebuild index.html, junit.xml and exports/ of a run directory from its report.json");
  r->add_option("run_dir", *dir, "run directory written by `bench run` (holds report.json)")->required();
  r->callback([dir] { rebuild(*dir); });
}

}  // namespace bench::cli
