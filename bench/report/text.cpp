#include "bench/report/text.hpp"

#include <cctype>
#include <cmath>

#include "bench/core/format.hpp"

namespace bench::report {

std::string fixed(double v, int digits) {
  std::string s = bench::fixed(v, digits);
  // "-0.00" reads as a sign that is not there.
  if (s.front() == '-' && s.find_first_not_of("-0.") == std::string::npos) s.erase(0, 1);
  return s;
}

std::string figure_text(double v, int digits) {
  // Small figures (volts, ratios) keep three significant digits.
  if (std::isfinite(v) && v != 0 && std::abs(v) < 0.01) return significant(v, 3);
  return fixed(v, digits);
}

std::string value_text(const record::Value& value, int digits) {
  if (const double* v = std::get_if<double>(&value)) return figure_text(*v, digits);
  if (const std::string* w = std::get_if<std::string>(&value)) return *w;
  return "n/a";
}

std::string limit_text(const record::LimitRecord& limit) {
  std::string s;
  auto add = [&](const std::string& part) { s += (s.empty() ? "" : ", ") + part; };
  const std::string tolerance = limit.tolerance ? " +- " + figure_text(*limit.tolerance) : std::string();
  if (const double* e = std::get_if<double>(&limit.expected))
    add(figure_text(*e) + tolerance);
  else if (const std::string* w = std::get_if<std::string>(&limit.expected))
    add(*w + tolerance);
  else if (limit.tolerance)
    add("+- " + figure_text(*limit.tolerance));
  if (limit.min) add(">= " + figure_text(*limit.min));
  if (limit.max) add("<= " + figure_text(*limit.max));
  return s.empty() ? "no limit" : s;
}

std::string qualifiers(const record::Check& check) {
  std::string q;
  auto add = [&](const std::string& part) {
    if (part.empty()) return;
    q += (q.empty() ? "" : ", ") + part;
  };
  if (check.channel) add(*check.channel);
  if (check.load) add(*check.load);
  if (check.level_dbfs && !std::isnan(*check.level_dbfs))
    add(fixed(*check.level_dbfs, *check.level_dbfs == std::round(*check.level_dbfs) ? 0 : 1) + " dBFS");
  return q;
}

std::string escape_markup(std::string_view s) {
  std::string out;
  out.reserve(s.size() + s.size() / 8);
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        if (u < 0x20 && c != '\t' && c != '\n' && c != '\r') break;  // not allowed in XML 1.0
        if (u == 0x7f) break;
        out += c;
    }
  }
  return out;
}

std::string one_line(std::string s) {
  for (char& c : s)
    if (static_cast<unsigned char>(c) < 0x20) c = ' ';
  return s;
}

std::string upper(record::Outcome outcome) {
  std::string s = record::to_string(outcome);
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace bench::report
