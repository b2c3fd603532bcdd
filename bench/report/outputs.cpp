#include "bench/report/outputs.hpp"

#include <fstream>
#include <sstream>
#include <string>

#include "bench/core/error.hpp"
#include "bench/report/exports.hpp"
#include "bench/report/html.hpp"
#include "bench/report/junit.hpp"

namespace bench::report {

std::vector<std::filesystem::path> write_all(const std::filesystem::path& dir, const nlohmann::json& report) {
  std::vector<std::filesystem::path> written;
  write_html(dir, report);
  written.push_back(dir / "index.html");
  write_junit(dir, report);
  written.push_back(dir / "junit.xml");
  for (auto& p : write_exports(dir, report)) written.push_back(std::move(p));
  return written;
}

nlohmann::json read_report(const std::filesystem::path& run_dir) {
  const std::filesystem::path path = run_dir / "report.json";
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    throw InputError(path.string() + ": no such file: give the run directory of a `bench run` (it holds report.json)");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path.string() + ": cannot read: check its permissions");
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    std::string what = e.what();
    for (char& c : what)
      if (c == '\n' || c == '\r') c = ' ';
    throw InputError(path.string() + ": not valid JSON (" + what + "): restore it from the run or run the plan again");
  }
  if (!doc.is_object() || !doc.contains("schema") || doc["schema"] != "bench.report/1")
    throw InputError(path.string() + ": not a bench report (\"schema\": \"bench.report/1\" expected): give the run directory of a `bench run`");
  if (!doc.contains("configurations") || !doc["configurations"].is_array())
    throw InputError(path.string() + ": key 'configurations' is missing or not an array: restore the file from the run or run the plan again");
  return doc;
}

}  // namespace bench::report
