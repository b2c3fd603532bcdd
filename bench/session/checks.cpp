#include "bench/session/checks.hpp"

#include <cmath>

#include "bench/plan/catalogue.hpp"

namespace bench::session {
namespace {

Check named(const std::string& name) {
  Check c;
  c.name = name;
  c.unit = std::string(plan::check(name).unit);
  return c;
}

// A value that could not be measured (NaN, or an infinite level) is recorded as nothing (null).
record::Value number(double v) {
  return std::isfinite(v) ? record::Value(v) : record::Value();
}

}  // namespace

Check judge(const plan::LimitSet& limits, const std::string& name, double value) {
  Check c = named(name);
  c.value = number(value);
  const auto it = limits.limits.find(name);
  if (it == limits.limits.end()) return c;  // INFO
  bool ok = std::isfinite(value);
  if (it->second.min) c.limit.min = *it->second.min, ok = ok && value >= *it->second.min;
  if (it->second.max) c.limit.max = *it->second.max, ok = ok && value <= *it->second.max;
  c.outcome = ok ? Outcome::kPass : Outcome::kFail;
  return c;
}

Check judge_expected(const plan::LimitSet& limits, const std::string& name, double value, double expected) {
  Check c = named(name);
  c.value = number(value);
  c.limit.expected = expected;
  const auto it = limits.limits.find(name);
  if (it == limits.limits.end() || !it->second.tolerance) return c;
  c.limit.tolerance = *it->second.tolerance;
  c.outcome = std::isfinite(value) && std::abs(value - expected) <= *it->second.tolerance ? Outcome::kPass
                                                                                          : Outcome::kFail;
  return c;
}

Check judge_word(const plan::LimitSet& limits, const std::string& name, const std::string& value,
                 const std::string& natural) {
  Check c = named(name);
  c.value = value;
  const auto it = limits.limits.find(name);
  const std::string expected =
      it != limits.limits.end() && it->second.expected ? *it->second.expected : natural;
  c.limit.expected = expected;
  if (it != limits.limits.end()) c.outcome = value == expected ? Outcome::kPass : Outcome::kFail;
  return c;
}

Check not_measured(const std::string& name, const std::string& why) {
  Check c = named(name);
  c.outcome = Outcome::kError;
  c.explanation = "not measured: " + why;
  return c;
}

}  // namespace bench::session
