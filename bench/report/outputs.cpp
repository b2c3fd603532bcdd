#include "bench/report/outputs.hpp"

#include "bench/report/exports.hpp"
#include "bench/report/html.hpp"
#include "bench/report/junit.hpp"

namespace bench::report {

std::vector<std::filesystem::path> write_all(const std::filesystem::path& dir, const record::RunRecord& run) {
  std::vector<std::filesystem::path> written;
  write_html(dir, run);
  written.push_back(dir / "index.html");
  write_junit(dir, run);
  written.push_back(dir / "junit.xml");
  for (auto& p : write_exports(dir, run)) written.push_back(std::move(p));
  return written;
}

}  // namespace bench::report
