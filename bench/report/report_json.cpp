#include "bench/report/report_json.hpp"

#include "bench/core/version.hpp"

namespace bench::report {
namespace {

using nlohmann::json;

json check_json(const session::Check& c) {
  json j = {{"name", c.name},
            {"value", c.value},
            {"unit", c.unit},
            {"limit", c.limit},
            {"outcome", session::to_string(c.outcome)},
            {"explanation", c.explanation}};
  if (c.channel) j["channel"] = *c.channel;
  if (c.load) j["load"] = *c.load;
  if (c.level_dbfs) j["level_dbfs"] = *c.level_dbfs;
  return j;
}

json profile_ref(const std::string& id, const std::string& name, const std::filesystem::path& file) {
  return {{"id", id}, {"name", name}, {"file", file.generic_string()}};
}

json fixture_json(const plan::Fixture& f) {
  json wiring = json::array();
  for (const auto& w : f.wiring)
    wiring.push_back({{"source_channel", w.source_channel < 0 ? json("none") : json(w.source_channel == 0 ? "left" : "right")},
                      {"inverted", w.inverted},
                      {"shorted", w.shorted}});
  json j = {{"id", f.id},
            {"name", f.name},
            {"file", f.file.generic_string()},
            {"cable", f.cable},
            {"source_port", f.source_port},
            {"source_connector", plan::to_string(f.source_connector)},
            {"destination_input", f.destination_input},
            {"destination_connector", plan::to_string(f.destination_connector)},
            {"balanced", f.balanced},
            {"expected_level_change_db", f.expected_level_change_db},
            {"wiring", wiring},
            {"conductors", f.conductors},
            {"instruction", f.instruction}};
  return j;
}

}  // namespace

json report_json(const plan::Plan& plan, const session::SessionResult& result, const RunInfo& info) {
  const auto& s = plan.settings;
  json loads = json::array();
  for (const auto& l : plan.loads) {
    json lj = profile_ref(l.id, l.name, l.file);
    lj["kind"] = plan::to_string(l.kind);
    lj["nominal_ohm"] = l.nominal_ohm;
    loads.push_back(lj);
  }
  json impedance_loads = json::array();
  for (const auto& l : plan.impedance_loads) {
    json lj = profile_ref(l.id, l.name, l.file);
    lj["kind"] = plan::to_string(l.kind);
    lj["nominal_ohm"] = l.nominal_ohm;  // infinite (open) is written as null
    lj["tolerance_percent"] = l.tolerance_percent;
    impedance_loads.push_back(lj);
  }
  json configurations = json::array();
  std::size_t pass = 0, fail = 0, error = 0;
  for (const auto& c : result.configurations) {
    const plan::Fixture* fixture = nullptr;
    for (const auto& f : plan.fixtures)
      if (f.id == c.fixture_id) fixture = &f;
    json checks = json::array();
    for (const auto& k : c.checks) checks.push_back(check_json(k));
    configurations.push_back({{"fixture", fixture ? fixture_json(*fixture) : json(c.fixture_id)},
                              {"outcome", session::to_string(c.outcome)},
                              {"errors", c.errors},
                              {"checks", checks},
                              {"measurements", c.measurements},
                              {"captures", c.captures}});
    (c.outcome == session::Outcome::kPass ? pass : c.outcome == session::Outcome::kFail ? fail : error)++;
  }
  json doc = {
      {"schema", "bench.report/1"},
      {"bench_version", kVersion},
      {"created_utc", info.created_utc},
      {"backend", info.backend},
      {"seed", info.seed},
      {"plan", profile_ref(plan.id, plan.name, plan.file)},
      {"profiles",
       {{"interface", profile_ref(plan.interface.id, plan.interface.name, plan.interface.file)},
        {"amp", profile_ref(plan.amp.id, plan.amp.name, plan.amp.file)},
        {"adc", profile_ref(plan.adc.id, plan.adc.name, plan.adc.file)},
        {"limits", profile_ref(plan.limits.id, plan.limits.name, plan.limits.file)},
        {"loads", loads},
        {"impedance_loads", impedance_loads}}},
      {"settings",
       {{"sample_rate_hz", s.sample_rate_hz},
        {"test_level_dbfs", s.test_level_dbfs},
        {"thd_levels_dbfs", s.thd_levels_dbfs},
        {"sweep", {{"f1_hz", s.sweep_f1_hz}, {"f2_hz", s.sweep_f2_hz}, {"duration_s", s.sweep_duration_s}, {"level_dbfs", s.sweep_level_dbfs}}},
        {"tone", {{"frequency_hz", s.tone_frequency_hz}, {"duration_s", s.tone_duration_s}}},
        {"noise_duration_s", s.noise_duration_s},
        {"max_output", {{"thd_n_percent", s.max_output_thd_n_percent}, {"start_dbfs", s.max_output_start_dbfs}, {"step_db", s.max_output_step_db}}},
        {"preroll_s", s.preroll_s},
        {"postroll_s", s.postroll_s},
        {"reference_load", s.reference_load},
        {"impedance_loads", s.impedance_loads},
        {"impedance_sweep_duration_s", s.impedance_sweep_duration_s},
        {"adc_fullscale_vrms", plan.adc.fullscale_vrms},
        {"definitions",
         {{"levels", "AES17: 0 dBFS is a sine whose peaks reach full scale; dBV re 1 Vrms across the load, from the ADC's full-scale volts"},
          {"gain_db", "level across the load minus the port's nominal open-circuit level (full-scale volts, volume, neutral gain)"},
          {"expected", "from the profiles' nominal values: source and output loading, the fixture's declared level change, amp gain"},
          {"thd_n", "AES17, 20 Hz to 20 kHz, fundamental removed by a least-squares sine fit"},
          {"noise", "silence at the interface, A-weighted (IEC 61672-1), 20 Hz to 20 kHz"},
          {"frequency_response_deviation_db", "largest |level - level at 1 kHz| from 20 Hz to 20 kHz"},
          {"crosstalk_db", "20*log10(V_undriven / V_driven), worst from 20 Hz to 20 kHz"},
          {"snr_db", "largest clean output (0 dBFS or the maximum output into the reference load, whichever is lower) over the A-weighted noise"},
          {"max_output_vrms", "level across the load where THD+N reaches the threshold, or at the interface's full scale if that comes first"}}}}},
      {"outcome", session::to_string(result.outcome)},
      {"summary", {{"configurations", result.configurations.size()}, {"pass", pass}, {"fail", fail}, {"error", error}}},
      {"configurations", configurations}};
  if (!plan.impedance_loads.empty()) {
    const json impedance_definitions = json::object({
         {"output_impedance_ohm", "|Z_out| of the amplifier at 1 kHz (third-octave mean), from sweeps into settings.impedance_loads (each in parallel "
         "with the ADC input): complex least squares per frequency of V_open - Z_out*V_L/Z_L = V_L"},
         {"loading_deviation_db", "peak-to-peak of 20*log10|H(f)/H(1 kHz)|, H = Z_hp/(Z_hp + Z_out), 20 Hz to 20 kHz, per headphone"},
         {"damping_factor", "lowest |Z_hp(f)|/|Z_out(f)| from 20 Hz to 20 kHz, per headphone; rule of eighths: Z_out <= Z_hp/8 everywhere"},
         {"source_loading_db", "20*log10|Z_in/n / (Z_in/n + Z_s)|: the port's output impedance (half of it from a balanced port into an "
         "unbalanced input) into n amp inputs in parallel, from the profiles"}});
    for (const auto& [key, value] : impedance_definitions.items()) doc["settings"]["definitions"][key] = value;
  }
  if (result.aborted) doc["aborted"] = *result.aborted;
  return doc;
}

}  // namespace bench::report
