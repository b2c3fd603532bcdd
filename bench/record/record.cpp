#include "bench/record/record.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include "bench/core/version.hpp"
#include "bench/plan/catalogue.hpp"

namespace bench::record {
namespace {

ProfileRef ref(const std::string& id, const std::string& name, const std::filesystem::path& file) {
  return {id, name, file.generic_string()};
}

LoadRef load_ref(const plan::Load& l) {
  LoadRef r{l.id, l.name, l.file.generic_string(), l.kind, std::nullopt, l.tolerance_percent};
  if (std::isfinite(l.nominal_ohm)) r.nominal_ohm = l.nominal_ohm;
  return r;
}

// Conventions every report states beside the checks' own definitions.
const std::pair<const char*, const char*> kConventions[] = {
    {"levels",
     "AES17: 0 dBFS is a sine whose peaks reach full scale; dBV re 1 Vrms across the load, from the ADC's "
     "full-scale volts"},
    {"expected",
     "from the profiles' nominal values: source and output loading, the fixture's declared level change, amp "
     "gain"},
    {"audio_s",
     "seconds of audio a step played: stimulus, pre-roll and post-roll of every take and every attempt"},
};

}  // namespace

const char* to_string(Outcome o) {
  switch (o) {
    case Outcome::kPass:
      return "pass";
    case Outcome::kFail:
      return "fail";
    case Outcome::kError:
      return "error";
    case Outcome::kInfo:
      return "info";
  }
  return "error";
}

std::optional<Outcome> outcome_from(std::string_view text) {
  for (Outcome o : {Outcome::kPass, Outcome::kFail, Outcome::kError, Outcome::kInfo})
    if (text == to_string(o)) return o;
  return std::nullopt;
}

Outcome worst(Outcome a, Outcome b) {
  auto rank = [](Outcome o) {
    return o == Outcome::kError ? 3 : o == Outcome::kFail ? 2 : o == Outcome::kPass ? 1 : 0;
  };
  if (a == Outcome::kInfo) return b == Outcome::kInfo ? Outcome::kPass : b;
  return rank(b) > rank(a) ? b : a;
}

const char* kind_of(const StepResult& result) {
  struct Kind {
    const char* operator()(const ClockResult&) const { return "clock"; }
    const char* operator()(const SweepsResult&) const { return "sweeps"; }
    const char* operator()(const CrosstalkResult&) const { return "crosstalk"; }
    const char* operator()(const LevelResult&) const { return "level"; }
    const char* operator()(const DistortionResult&) const { return "distortion"; }
    const char* operator()(const MaxOutputResult&) const { return "max_output"; }
    const char* operator()(const NoiseResult&) const { return "noise"; }
    const char* operator()(const ImdResult&) const { return "imd"; }
    const char* operator()(const DynamicRangeResult&) const { return "dynamic_range"; }
    const char* operator()(const PhaseResult&) const { return "phase"; }
    const char* operator()(const ImpedanceResult&) const { return "impedance"; }
  };
  return std::visit(Kind{}, result);
}

const StepRecord* ConfigurationRecord::step(const std::string& id) const {
  for (const auto& s : steps)
    if (s.id == id) return &s;
  return nullptr;
}

std::vector<std::string> ConfigurationRecord::all_errors() const {
  std::vector<std::string> all = errors;
  for (const auto& s : steps)
    if (s.error) all.push_back(*s.error);
  return all;
}

double ConfigurationRecord::audio_s() const {
  double total = 0;
  for (const auto& s : steps) total += s.audio_s;
  return total;
}

std::array<std::size_t, 3> RunRecord::counts() const {
  std::array<std::size_t, 3> n{0, 0, 0};
  for (const auto& c : configurations)
    ++n[c.outcome == Outcome::kPass ? 0 : c.outcome == Outcome::kFail ? 1 : 2];
  return n;
}

FixtureRecord fixture_record(const plan::Fixture& f) {
  FixtureRecord r;
  r.id = f.id, r.name = f.name, r.file = f.file.generic_string(), r.cable = f.cable;
  r.source_port = f.source_port, r.destination_input = f.destination_input, r.instruction = f.instruction;
  r.source_connector = f.source_connector, r.destination_connector = f.destination_connector;
  r.balanced = f.balanced;
  r.expected_level_change_db = f.expected_level_change_db;
  r.wiring = f.wiring;
  r.conductors = f.conductors;
  return r;
}

RunRecord make_run_record(const plan::Plan& plan, std::vector<ConfigurationRecord> configurations,
                          std::optional<std::string> aborted, std::string backend, std::uint64_t seed,
                          std::string created_utc) {
  RunRecord r;
  r.bench_version = kVersion;
  r.created_utc = std::move(created_utc);
  r.backend = std::move(backend);
  r.seed = seed;
  r.plan = ref(plan.id, plan.name, plan.file);
  r.interface = ref(plan.interface.id, plan.interface.name, plan.interface.file);
  r.amp = ref(plan.amp.id, plan.amp.name, plan.amp.file);
  r.adc = ref(plan.adc.id, plan.adc.name, plan.adc.file);
  r.limits = ref(plan.limits.id, plan.limits.name, plan.limits.file);
  for (const auto& l : plan.loads) r.loads.push_back(load_ref(l));
  for (const auto& l : plan.impedance_loads) r.impedance_loads.push_back(load_ref(l));
  r.settings = plan.settings;
  r.adc_fullscale_vrms = plan.adc.fullscale_vrms;
  r.default_steps = plan.default_steps;
  std::set<std::string_view> made;
  for (const auto& s : plan.steps) {
    r.steps.push_back({s.id, s.kind, s.overridden, s.limits_overridden, s.settings});
    for (const auto name : plan::step_kind(s.kind).checks) made.insert(name);
  }
  for (const auto& [topic, text] : kConventions) r.definitions.emplace_back(topic, text);
  for (const auto& spec : plan::checks())
    if (made.contains(spec.name))
      r.definitions.emplace_back(std::string(spec.name), std::string(spec.definition));
  r.configurations = std::move(configurations);
  for (const auto& c : r.configurations) r.outcome = worst(r.outcome, c.outcome);
  if (aborted) r.outcome = Outcome::kError;
  r.aborted = std::move(aborted);
  return r;
}

}  // namespace bench::record
