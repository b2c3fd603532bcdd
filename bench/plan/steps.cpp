#include "bench/plan/steps.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "bench/core/error.hpp"
#include "bench/plan/catalogue.hpp"
#include "bench/plan/load.hpp"

namespace bench::plan {

std::vector<Step> default_sequence(const Plan& plan) {
  std::vector<Step> steps;
  for (const auto& kind : step_kinds()) {
    if (kind.kind == "impedance" && plan.impedance_loads.empty()) continue;
    Step s;
    s.id = s.kind = std::string(kind.kind);
    s.file = plan.file;
    s.settings = plan.settings;
    s.impedance_loads = plan.impedance_loads;
    s.limits = plan.limits;
    steps.push_back(std::move(s));
  }
  return steps;
}

void select_steps(Plan& plan, const std::vector<std::string>& ids) {
  if (ids.empty()) return;
  const auto wanted = [&](const Step& s) { return std::find(ids.begin(), ids.end(), s.id) != ids.end(); };
  std::string listed;
  for (const Step& s : plan.steps) listed += (listed.empty() ? "" : ", ") + s.id;
  for (const auto& id : ids)
    if (std::none_of(plan.steps.begin(), plan.steps.end(), [&](const Step& s) { return s.id == id; }))
      throw InputError("--step " + id + ": the plan " + plan.file.string() +
                       " has no such step: use one of " + listed);
  for (auto step = plan.steps.begin(); step != plan.steps.end(); ++step) {
    if (!wanted(*step)) continue;
    for (const Need& need : step_kind(step->kind).needs) {
      if (!need.required) continue;
      const auto of_kind = [&](const Step& s) { return s.kind == need.kind; };
      if (std::any_of(plan.steps.begin(), step, [&](const Step& s) { return of_kind(s) && wanted(s); }))
        continue;
      // The step the plan runs before it for this need: the nearest earlier one of that kind.
      const auto provider = std::find_if(std::make_reverse_iterator(step), plan.steps.rend(), of_kind);
      const std::string what = "--step " + step->id + ": it needs " + std::string(need.what);
      if (provider == plan.steps.rend())
        throw InputError(what + " from a step of kind '" + std::string(need.kind) + "', which the plan " +
                         plan.file.string() + " does not have: add one to its [[steps]]");
      throw InputError(what + " from step '" + provider->id + "': add --step " + provider->id);
    }
  }
  std::erase_if(plan.steps, [&](const Step& s) { return !wanted(s); });
}

}  // namespace bench::plan
