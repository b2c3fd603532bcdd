#pragma once

// Text of the record for people, shared by the HTML, JUnit and compare: numbers, values, limits and where a
// check applies, and escaping for markup. Pure functions of typed values. [any thread]

#include <string>
#include <string_view>

#include "bench/record/record.hpp"

namespace bench::report {

/// `v` with `digits` decimals ("-0.00" printed as "0.00"); "n/a" for NaN, "inf"/"-inf" for infinities.
[[nodiscard]] std::string fixed(double v, int digits);
/// A number for people: `digits` decimals, or three significant digits for small figures (0 < |v| < 0.01:
/// volts, ratios); "n/a" for NaN.
[[nodiscard]] std::string figure_text(double v, int digits = 2);
/// A check's value for people: numbers as figure_text, words as they are, "n/a" for nothing.
[[nodiscard]] std::string value_text(const record::Value& value, int digits = 2);
/// A check's limit for people in ASCII: ">= 1.00", "<= -60.00", "-5.46 +- 1.00", "L->L, R->R", "no limit".
[[nodiscard]] std::string limit_text(const record::LimitRecord& limit);
/// Where a check applies, e.g. "left", "left, r32", "right, -6 dBFS"; "" when nowhere in particular.
[[nodiscard]] std::string qualifiers(const record::Check& check);
/// Escapes & < > " ' as entities and drops control characters XML 1.0 does not allow; for HTML text,
/// HTML attributes, SVG and XML alike.
[[nodiscard]] std::string escape_markup(std::string_view s);
/// `s` on one line: every control character (line breaks, tabs) becomes a blank. For messages and file
/// headers that must stay one line.
[[nodiscard]] std::string one_line(std::string s);
/// "PASS", "FAIL", "ERROR", "INFO".
[[nodiscard]] std::string upper(record::Outcome outcome);

}  // namespace bench::report
