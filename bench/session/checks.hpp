#pragma once

// Judging a measured value against a step's limits, in the forms the catalogue (plan/catalogue.hpp) lets
// each check take. A value outside its limit is data (a FAIL), never an exception.

#include <string>

#include "bench/plan/model.hpp"
#include "bench/record/record.hpp"

namespace bench::session {

using record::Check;
using record::Outcome;

/// A numeric check against the limit set's min and/or max for `name`; INFO when the set has none. The
/// unit is the catalogue's. A NaN value never passes. The caller fills channel, load and explanation.
[[nodiscard]] Check judge(const plan::LimitSet& limits, const std::string& name, double value);

/// A numeric check against an expectation: pass when |value - expected| <= the limit's tolerance; INFO
/// (with the expectation recorded) when the set has no tolerance for it.
[[nodiscard]] Check judge_expected(const plan::LimitSet& limits, const std::string& name, double value,
                                   double expected);

/// A word check ("L->L, R->R", "normal") against the limit's expected word, else `natural` (the word a
/// good chain gives); INFO when the set omits the check.
[[nodiscard]] Check judge_word(const plan::LimitSet& limits, const std::string& name,
                               const std::string& value, const std::string& natural);

/// A check the bench could not make: ERROR, no value, "not measured: <why>".
[[nodiscard]] Check not_measured(const std::string& name, const std::string& why);

}  // namespace bench::session
