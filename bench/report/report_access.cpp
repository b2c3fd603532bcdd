#include "bench/report/report_access.hpp"

#include <cmath>
#include <cstdio>
#include <limits>

namespace bench::report::access {

const json* member(const json& j, std::string_view key) {
  if (!j.is_object()) return nullptr;
  const auto it = j.find(key);
  return it == j.end() ? nullptr : &*it;
}

std::string text(const json& j, std::string_view key, const std::string& fallback) {
  const json* m = member(j, key);
  return m && m->is_string() ? m->get<std::string>() : fallback;
}

double as_number(const json& j) { return j.is_number() ? j.get<double>() : std::numeric_limits<double>::quiet_NaN(); }

double number(const json& j, std::string_view key) {
  const json* m = member(j, key);
  return m ? as_number(*m) : std::numeric_limits<double>::quiet_NaN();
}

std::vector<double> numbers(const json& j, std::string_view key) {
  const json& a = array(j, key);
  std::vector<double> v;
  v.reserve(a.size());
  for (const auto& x : a) v.push_back(as_number(x));
  return v;
}

const json& array(const json& j, std::string_view key) {
  static const json empty = json::array();
  const json* m = member(j, key);
  return m && m->is_array() ? *m : empty;
}

std::string fixture_id(const json& configuration) {
  const json* f = member(configuration, "fixture");
  if (!f) return "unknown";
  if (f->is_string()) return f->get<std::string>();
  return text(*f, "id", "unknown");
}

std::string fixture_name(const json& configuration) {
  const json* f = member(configuration, "fixture");
  return f ? text(*f, "name") : std::string();
}

std::string fixed(double v, int digits) {
  if (std::isnan(v)) return "n/a";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char b[64];
  std::snprintf(b, sizeof b, "%.*f", digits, v);
  std::string s = b;
  // "-0.00" reads as a sign that is not there.
  if (s.front() == '-' && s.find_first_not_of("-0.") == std::string::npos) s.erase(0, 1);
  return s;
}

std::string qualifiers(const json& check) {
  std::string q;
  auto add = [&](const std::string& part) {
    if (part.empty()) return;
    q += (q.empty() ? "" : ", ") + part;
  };
  add(text(check, "channel"));
  add(text(check, "load"));
  const double level = number(check, "level_dbfs");
  if (!std::isnan(level)) add(fixed(level, level == std::round(level) ? 0 : 1) + " dBFS");
  return q;
}

std::string value_text(const json& value, int digits) {
  if (value.is_number()) {
    const double v = value.get<double>();
    // Small figures (volts, ratios) keep three significant digits.
    if (v != 0 && std::abs(v) < 0.01) {
      char b[32];
      std::snprintf(b, sizeof b, "%.3g", v);
      return b;
    }
    return fixed(v, digits);
  }
  if (value.is_string()) return value.get<std::string>();
  if (value.is_boolean()) return value.get<bool>() ? "true" : "false";
  if (value.is_null()) return "n/a";
  return value.dump();
}

std::string limit_text(const json& limit) {
  if (!limit.is_object()) return "no limit";
  std::string s;
  auto add = [&](const std::string& part) { s += (s.empty() ? "" : ", ") + part; };
  if (const json* e = member(limit, "expected")) {
    const json* t = member(limit, "tolerance");
    add(value_text(*e) + (t && t->is_number() ? " +- " + value_text(*t) : std::string()));
  }
  if (const json* m = member(limit, "min")) add(">= " + value_text(*m));
  if (const json* m = member(limit, "max")) add("<= " + value_text(*m));
  return s.empty() ? limit.dump() : s;
}

std::string escape_markup(std::string_view s) {
  std::string out;
  out.reserve(s.size() + s.size() / 8);
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default:
        if (u < 0x20 && c != '\t' && c != '\n' && c != '\r') break;  // not allowed in XML 1.0
        if (u == 0x7f) break;
        out += c;
    }
  }
  return out;
}

}  // namespace bench::report::access
