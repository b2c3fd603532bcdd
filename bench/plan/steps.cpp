#include "bench/plan/steps.hpp"

#include "bench/plan/catalogue.hpp"

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

}  // namespace bench::plan
