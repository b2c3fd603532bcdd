#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "bench/core/error.hpp"
#include "bench/session/steps/step.hpp"

namespace bench::session::steps {

StepContext::StepContext(const plan::Plan& p, const plan::Fixture& f, const plan::Step& s, Takes& t,
                         const std::vector<record::StepRecord>& earlier)
    : plan(p), fixture(f), step(s), settings(s.settings), limits(s.limits), takes(t), earlier_(earlier) {}

double StepContext::volts_db() const {
  return 20 * std::log10(plan.adc.fullscale_vrms);
}

const record::StepRecord* StepContext::earlier(std::string_view kind) const {
  const auto& needs = plan::step_kind(step.kind).needs;
  if (std::none_of(needs.begin(), needs.end(), [&](const plan::Need& n) { return n.kind == kind; }))
    throw std::logic_error("step kind '" + step.kind + "' reads the result of kind '" + std::string(kind) +
                           "', which it does not declare (bench/plan/catalogue.cpp)");
  for (auto it = earlier_.rbegin(); it != earlier_.rend(); ++it)
    if (it->kind == kind) return &*it;
  return nullptr;
}

double StepContext::latency_samples() const {
  const auto* sweeps = result<record::SweepsResult>("sweeps");
  return sweeps ? sweeps->latency_samples() : 0.0;
}

void StepContext::require_signal() const {
  if (const auto* sweeps = result<record::SweepsResult>("sweeps"); sweeps && sweeps->no_signal())
    throw MeasurementError(
        "no signal at all reached the reference ADC: check that the chain is powered and connected");
}

std::vector<std::string> planned_checks(const StepContext& cx) {
  std::vector<std::string> names;
  for (const auto name : plan::step_kind(cx.step.kind).checks) {
    if (name == "snr_db" && cx.earlier("level") == nullptr) continue;
    if (name.starts_with("imd_")) {
      const auto& standards = cx.settings.imd_standards;
      const std::string_view word = name.substr(4, name.size() - 7);  // imd_<standard>_db
      if (std::find(standards.begin(), standards.end(), word) == standards.end()) continue;
    }
    names.emplace_back(name);
  }
  return names;
}

namespace {

template <class R>
StepRun erase(StepOutput<R> out) {
  return {record::StepResult(std::move(out.result)), std::move(out.checks), std::move(out.error)};
}

}  // namespace

StepRun run_step(const StepContext& cx) {
  const std::string& k = cx.step.kind;
  if (k == "clock") return erase(measure_clock(cx));
  if (k == "sweeps") return erase(measure_sweeps(cx));
  if (k == "crosstalk") return erase(measure_crosstalk(cx));
  if (k == "level") return erase(measure_level(cx));
  if (k == "distortion") return erase(measure_distortion(cx));
  if (k == "max_output") return erase(measure_max_output(cx));
  if (k == "noise") return erase(measure_noise(cx));
  if (k == "imd") return erase(measure_imd(cx));
  if (k == "dynamic_range") return erase(measure_dynamic_range(cx));
  if (k == "phase") return erase(measure_phase(cx));
  if (k == "impedance") return erase(measure_impedance(cx));
  throw std::logic_error("step kind '" + k + "' has no function (bench/session/steps/context.cpp)");
}

}  // namespace bench::session::steps
