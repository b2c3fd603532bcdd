#include "bench/session/checks.hpp"

#include <cmath>

namespace bench::session {

const char* to_string(Outcome o) {
  switch (o) {
    case Outcome::kPass: return "pass";
    case Outcome::kFail: return "fail";
    case Outcome::kError: return "error";
    case Outcome::kInfo: return "info";
  }
  return "error";
}

Outcome worst(Outcome a, Outcome b) {
  auto rank = [](Outcome o) { return o == Outcome::kError ? 3 : o == Outcome::kFail ? 2 : o == Outcome::kPass ? 1 : 0; };
  if (a == Outcome::kInfo) return b == Outcome::kInfo ? Outcome::kPass : b;
  return rank(b) > rank(a) ? b : a;
}

Check judge(const plan::LimitSet& limits, const std::string& name, double value, const std::string& unit) {
  Check c;
  c.name = name;
  c.unit = unit;
  c.value = std::isfinite(value) ? nlohmann::json(value) : nlohmann::json(nullptr);
  const auto it = limits.limits.find(name);
  if (it == limits.limits.end()) return c;  // INFO
  nlohmann::json limit = nlohmann::json::object();
  bool ok = std::isfinite(value);
  if (it->second.min) limit["min"] = *it->second.min, ok = ok && value >= *it->second.min;
  if (it->second.max) limit["max"] = *it->second.max, ok = ok && value <= *it->second.max;
  c.limit = limit;
  c.outcome = ok ? Outcome::kPass : Outcome::kFail;
  return c;
}

Check judge_expected(const plan::LimitSet& limits, const std::string& name, double value, double expected,
                     const std::string& unit) {
  Check c;
  c.name = name;
  c.unit = unit;
  c.value = std::isfinite(value) ? nlohmann::json(value) : nlohmann::json(nullptr);
  const auto it = limits.limits.find(name);
  if (it == limits.limits.end() || !it->second.tolerance) {
    c.limit = {{"expected", expected}};
    return c;
  }
  c.limit = {{"expected", expected}, {"tolerance", *it->second.tolerance}};
  c.outcome = std::isfinite(value) && std::abs(value - expected) <= *it->second.tolerance ? Outcome::kPass : Outcome::kFail;
  return c;
}

Check judge_word(const plan::LimitSet& limits, const std::string& name, const std::string& value, const std::string& expected) {
  Check c;
  c.name = name;
  c.value = value;
  c.limit = {{"expected", expected}};
  if (limits.limits.count(name)) c.outcome = value == expected ? Outcome::kPass : Outcome::kFail;
  return c;
}

}  // namespace bench::session
