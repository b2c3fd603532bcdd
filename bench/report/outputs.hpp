#pragma once

#include <filesystem>
#include <vector>

#include <nlohmann/json.hpp>

namespace bench::report {

/// Writes every output derived from a run's bench.report/1 document into `dir`: index.html
/// (write_html), junit.xml (write_junit) and exports/ (write_exports), each file atomically, in that
/// order. Returns the paths written. Throws bench::InputError naming the file or directory that cannot
/// be written; what was written before stays. [main thread]
std::vector<std::filesystem::path> write_all(const std::filesystem::path& dir, const nlohmann::json& report);

/// Reads `run_dir/report.json` and checks it is a bench.report/1 document with a "configurations"
/// array. Throws bench::InputError, one line naming the file, when it is missing or malformed.
[[nodiscard]] nlohmann::json read_report(const std::filesystem::path& run_dir);

}  // namespace bench::report
