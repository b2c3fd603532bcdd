#pragma once

// The JSON Schema of report.json (bench/report/schema/bench.report.schema.json, draft-07), embedded in the
// library at build time, and validation against it (valijson). record_json.cpp validates every document it
// reads before it reads a field.

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace bench::report {

/// The schema's text: bench/report/schema/bench.report.schema.json as it was when the library was built
/// (generated into schema_text.cpp by embed_schema.cmake). [any thread]
[[nodiscard]] std::string_view schema_text();

/// What is wrong with `doc` as a bench.report/2 record, the most specific errors first: each entry
/// "<JSON pointer>: <what is wrong>" (the pointer "" is the whole document), with the offending value
/// where there is one. Empty when `doc` is valid. The schema is parsed once, on first use (a thread-safe
/// static). [any thread] Throws std::logic_error only if the embedded schema itself does not parse (a
/// build defect).
[[nodiscard]] std::vector<std::string> schema_errors(const nlohmann::json& doc);

}  // namespace bench::report
