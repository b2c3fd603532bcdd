#pragma once

// Tolerant reading of a bench.report/1 document for the derived outputs (HTML, JUnit, exports): a key
// that is missing or of the wrong type reads as empty or NaN instead of throwing, so a partial report (a
// run stopped early, a configuration the bench could not measure) still renders.

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace bench::report::access {

using nlohmann::json;

/// The member `key` of `j`, or nullptr when `j` is not an object or has no such key.
[[nodiscard]] const json* member(const json& j, std::string_view key);
/// The member `key` as a string, or `fallback` when it is missing or not a string.
[[nodiscard]] std::string text(const json& j, std::string_view key, const std::string& fallback = "");
/// `j` as a double; NaN when it is not a number (null stands for "no value" in reports).
[[nodiscard]] double as_number(const json& j);
/// The member `key` as a double, NaN when missing or not a number.
[[nodiscard]] double number(const json& j, std::string_view key);
/// The member `key` as an array of doubles (non-numbers read as NaN); empty when it is not an array.
[[nodiscard]] std::vector<double> numbers(const json& j, std::string_view key);
/// The member `key` when it is an array, else an empty array.
[[nodiscard]] const json& array(const json& j, std::string_view key);

/// A configuration's fixture id (configurations carry the fixture object, or its id alone).
[[nodiscard]] std::string fixture_id(const json& configuration);
/// A configuration's fixture name, or "" when the report does not hold it.
[[nodiscard]] std::string fixture_name(const json& configuration);
/// Where a check applies, e.g. "left", "left, r32", "right, -6 dBFS"; "" when nowhere in particular.
[[nodiscard]] std::string qualifiers(const json& check);
/// A check's value for people: numbers with `digits` decimals, words as they are, "n/a" for null.
[[nodiscard]] std::string value_text(const json& value, int digits = 2);
/// A check's limit for people in ASCII: ">= 1.00", "<= -60.00", "-5.46 +- 1.00", "L->L, R->R", "no limit".
[[nodiscard]] std::string limit_text(const json& limit);

/// `v` with `digits` decimals ("-0.00" printed as "0.00").
[[nodiscard]] std::string fixed(double v, int digits);
/// Escapes & < > " ' as entities and drops control characters XML 1.0 does not allow; for HTML text,
/// HTML attributes, SVG and XML alike.
[[nodiscard]] std::string escape_markup(std::string_view s);

}  // namespace bench::report::access
