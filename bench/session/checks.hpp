#pragma once

#include <string>

#include "bench/plan/model.hpp"
#include "bench/session/result.hpp"

namespace bench::session {

/// A numeric check against the limit set's min and/or max for `name`; INFO when the set has none.
/// The caller fills channel, load and explanation.
[[nodiscard]] Check judge(const plan::LimitSet& limits, const std::string& name, double value, const std::string& unit);

/// A numeric check against an expectation: pass when |value - expected| <= the limit's tolerance.
[[nodiscard]] Check judge_expected(const plan::LimitSet& limits, const std::string& name, double value, double expected,
                                   const std::string& unit);

/// A check of a word ("normal", "L->L, R->R") against the expected word; INFO when the set omits it.
[[nodiscard]] Check judge_word(const plan::LimitSet& limits, const std::string& name, const std::string& value,
                               const std::string& expected);

}  // namespace bench::session
