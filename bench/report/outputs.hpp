#pragma once

#include <filesystem>
#include <vector>

#include "bench/record/record.hpp"

namespace bench::report {

/// Writes every output derived from a run's record into `dir`: index.html (write_html), junit.xml
/// (write_junit) and exports/ (write_exports), each file atomically, in that order (report.json itself is
/// write_record's, record_json.hpp). Returns the paths written. Throws bench::InputError naming the file or
/// directory that cannot be written; what was written before stays. [any thread]
std::vector<std::filesystem::path> write_all(const std::filesystem::path& dir, const record::RunRecord& run);

}  // namespace bench::report
