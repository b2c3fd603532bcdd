#pragma once

// A plan's sequence of steps (plan/model.hpp Step): the default one here; the [[steps]] a plan lists are read
// and validated against the catalogue (plan/catalogue.hpp) by load_plan (plan/steps_reader.cpp).

#include <vector>

#include "bench/plan/model.hpp"

namespace bench::plan {

/// The default sequence of a plan without [[steps]]: one step per catalogue kind, in catalogue order, each
/// with the plan's settings and limits; the impedance step only when settings.impedance_loads is given.
[[nodiscard]] std::vector<Step> default_sequence(const Plan& plan);

}  // namespace bench::plan
