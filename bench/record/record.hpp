#pragma once

// The run record: everything a `bench run` measured and judged, as typed values. The sequencer and its
// steps produce it; bench/report/record_json.hpp writes it to report.json ("schema": "bench.report/2",
// pinned by bench/report/schema/bench.report.schema.json) and reads it back, the only code that spells a
// report.json key; HTML, JUnit, exports and compare derive from it. Plain values with units in their
// names, as in plan/model.hpp. A number that could not be measured is NaN (written as null).

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "bench/plan/model.hpp"

namespace bench::record {

/// Channel names in the record: index 0 left, 1 right.
inline constexpr std::array<const char*, 2> kChannelNames = {"left", "right"};

inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// PASS: within limits. FAIL: the device or cable is out of limits. ERROR: the bench could not measure
/// (clipping, no signal, device gone) and says why. INFO: recorded, not judged (no limit in the set).
enum class Outcome { kPass, kFail, kError, kInfo };

/// "pass", "fail", "error", "info".
[[nodiscard]] const char* to_string(Outcome o);
/// The outcome of that spelling; nullopt for anything else.
[[nodiscard]] std::optional<Outcome> outcome_from(std::string_view text);
/// Worst of two outcomes: ERROR over FAIL over PASS; INFO never changes anything.
[[nodiscard]] Outcome worst(Outcome a, Outcome b);

/// A check's value: a finite number, a word, or nothing (it could not be measured; written as null).
using Value = std::variant<std::monostate, double, std::string>;

/// The limit a check was judged against, as the limit set gave it.
struct LimitRecord {
  std::optional<double> min, max, tolerance;
  /// The expectation: a number (level_dbv, gain_db) or a word (channel_map, polarity).
  std::variant<std::monostate, double, std::string> expected;
  [[nodiscard]] bool empty() const {
    return !min && !max && !tolerance && std::holds_alternative<std::monostate>(expected);
  }
};

/// One judged number (or word) with its unit, its limit and a technician's explanation.
struct Check {
  std::string name;  ///< a check of the catalogue (plan/catalogue.hpp)
  std::string step;  ///< id of the step that made it
  Value value;
  std::string unit;  ///< the catalogue's unit
  LimitRecord limit;
  Outcome outcome = Outcome::kInfo;
  std::string explanation;
  std::optional<std::string> channel;  ///< "left", "right", "left->right"
  std::optional<std::string> load;     ///< load id, for per-load checks
  std::optional<double> level_dbfs;    ///< stimulus level, for per-level checks
  /// The value as a number: NaN for words and nothing.
  [[nodiscard]] double number() const {
    return std::holds_alternative<double>(value) ? std::get<double>(value) : kNaN;
  }
};

// ---- step results: one struct per step kind ----

/// clock: the ADC's clock against the interface's.
struct ClockResult {
  double tone_hz = 0;                   ///< the tone as played (coherent with the take)
  double tolerance_ppm = 0;             ///< settings.drift_tolerance_ppm
  double correction_threshold_ppm = 0;  ///< from this drift on, captures are resampled
  std::optional<double> drift_ppm;      ///< positive when the ADC's clock runs slow; none: no tone came back
  std::optional<double> measured_hz;    ///< the tone's frequency as recorded
  std::optional<int> channel;           ///< ADC channel it was read on (0 left, 1 right)
  bool corrected = false;               ///< later captures are resampled onto the interface's clock
  std::optional<std::string> explanation;  ///< why there is no drift (no tone came back)
};

/// One harmonic's level against the excitation frequency.
struct HarmonicCurve {
  int order = 2;
  std::vector<double> frequency_hz, level_db;  ///< dB re the fundamental
};

/// The sweep on one output channel as it arrived.
struct SweepChannel {
  int arrived_on = 0;  ///< ADC channel carrying it (0 left, 1 right)
  double latency_samples = 0;
  bool inverted = false;                                      ///< polarity: the sign of the impulse peak
  std::vector<double> frequency_hz, magnitude_db, phase_deg;  ///< gain capture/stimulus, latency removed
  std::vector<double> crosstalk_db;  ///< the other ADC channel re this one, 1/3-octave smoothed (plots only)
  std::vector<HarmonicCurve> harmonics;  ///< H2..H9 where inside the sweep
};

/// sweeps: per output channel (left, right) its sweep, or nothing where it reached no ADC channel.
struct SweepsResult {
  std::array<std::optional<SweepChannel>, 2> channels;
  [[nodiscard]] bool no_signal() const { return !channels[0] && !channels[1]; }
  /// The latency of the last channel that arrived (what later steps align their analysis to).
  [[nodiscard]] double latency_samples() const {
    return channels[1] ? channels[1]->latency_samples : channels[0] ? channels[0]->latency_samples : 0.0;
  }
};

struct CrosstalkPoint {
  double frequency_hz = 0, crosstalk_db = 0;
};

/// crosstalk: per driven channel (left, right) the steady-tone points; empty where it was not measured.
struct CrosstalkResult {
  std::array<std::vector<CrosstalkPoint>, 2> from;
};

/// level: the test tone's level against the profiles' expectation.
struct LevelResult {
  double stimulus_dbfs = 0;
  double source_dbv = 0;    ///< the port's nominal open-circuit level at the stimulus
  double expected_dbv = 0;  ///< across the load, from the profiles
  double expected_chain_gain_db = 0;
  double source_loading_db = 0, cable_db = 0, amp_gain_db = 0,
         output_loading_db = 0;                 ///< terms of the expectation
  std::array<double, 2> level_dbv{kNaN, kNaN};  ///< measured, per ADC channel
};

struct ThdPoint {
  int channel = 0;
  double stimulus_dbfs = 0, output_dbv = 0, thd_db = 0, thd_n_db = 0;
};

/// distortion: THD and THD+N at each level, per channel that carried the tone.
struct DistortionResult {
  std::vector<ThdPoint> points;
  double bandwidth_hz = 20000;     ///< the band's upper edge (from 20 Hz)
  std::string weighting = "none";  ///< of THD+N: "none", "A", "ccir-rms"
};

struct MaxOutputStep {
  int channel = 0;
  double stimulus_dbfs = 0, output_dbv = 0, thd_n_db = 0;
};

struct MaxOutputLoad {
  std::string load;  ///< load id
  double nominal_ohm = 0;
  std::vector<MaxOutputStep> steps;                   ///< every take of the search, per channel
  std::array<double, 2> max_output_vrms{kNaN, kNaN};  ///< per channel; NaN: no clean output at any level
  std::array<bool, 2> at_full_scale{false, false};    ///< the interface's full scale came first ("at least")
};

/// max_output: per load of the plan.
struct MaxOutputResult {
  std::vector<MaxOutputLoad> loads;
  [[nodiscard]] const MaxOutputLoad* load(const std::string& id) const {
    for (const auto& l : loads)
      if (l.load == id) return &l;
    return nullptr;
  }
};

struct HumLine {
  double frequency_hz = 0, level_dbv = 0;
};

struct NoiseChannel {
  double noise_dbv = 0, noise_dbv_a = 0, mains_hz = 50;
  std::vector<HumLine> hum;
  double noise_dbv_ccir_rms = kNaN;  ///< CCIR-RMS weighted (ITU-R BS.468-4, 0 dB at 2 kHz)
};

/// noise: per ADC channel.
struct NoiseResult {
  std::array<std::optional<NoiseChannel>, 2> channels;
  double bandwidth_hz = 20000;  ///< the band's upper edge (from 20 Hz)
};

/// One intermodulation product as read (analysis/imd_analysis.hpp).
struct ImdLine {
  std::string name;  ///< "f2-1f1", ..., "f2-f1", "2f1-f2", "2f2-f1"
  int order = 2;
  double frequency_hz = 0, level_dbfs = 0, relative_db = 0;
};

/// One ADC channel's reading of a twin tone.
struct ImdChannel {
  int channel = 0;                             ///< ADC channel (0 left, 1 right)
  double f1_hz = 0, f2_hz = 0;                 ///< as found
  double f1_dbfs = 0, f2_dbfs = 0, ratio = 0;  ///< as found
  double output_dbv = 0;                       ///< peak of the sum across the load, dBV of a sine
  double imd_db = 0, imd_percent = 0;          ///< the standard's IMD
  std::optional<double> dfd2_db, dfd3_db;      ///< CCIF only
  std::vector<ImdLine> products;
};

/// One twin-tone take of the imd step.
struct ImdTake {
  std::string standard;                    ///< "smpte" or "ccif"
  double f1_hz = 0, f2_hz = 0, ratio = 0;  ///< as played (coherent with the take)
  double level_dbfs = 0;                   ///< peak of the sum as played
  double analysed_s = 0;                   ///< the stretch each channel was read over
  std::vector<ImdChannel> channels;        ///< per ADC channel that carried the twin tone
};

/// imd: one take per standard of settings.imd_standards.
struct ImdResult {
  std::vector<ImdTake> takes;
};

/// phase: one sweep on both channels at once.
struct PhaseResult {
  std::vector<double> frequency_hz;
  /// ADC left minus ADC right, degrees in (-180, 180], both read against the left channel's latency; empty
  /// when a channel carried no sweep.
  std::vector<double> interchannel_phase_deg;
  /// Per ADC channel, ms: -(1/360) dphi/df of its unwrapped phase with its own latency removed; empty
  /// where the channel carried no sweep.
  std::array<std::vector<double>, 2> group_delay_ms;
  std::array<double, 2> latency_samples = {0, 0};  ///< each channel's impulse peak (0: no sweep)
};

/// One ADC channel's reading of the dynamic-range tone (analysis/dynamic_range.hpp), in volts across the
/// load.
struct DynamicRangeChannel {
  int channel = 0;                   ///< ADC channel (0 left, 1 right)
  double tone_hz = 0;                ///< as found
  double tone_dbv = 0;               ///< the tone's level across the load
  double full_scale_dbv = 0;         ///< what digital full scale gives there: tone_dbv - stimulus_dbfs
  double residual_dbv = 0;           ///< everything but the tone in the band, unweighted
  double residual_dbv_a = 0;         ///< A-weighted
  double residual_dbv_ccir_rms = 0;  ///< CCIR-RMS weighted
  double dynamic_range_db = 0, dynamic_range_db_a = 0, dynamic_range_db_ccir_rms = 0;
};

/// dynamic_range: one take of a 997 Hz tone at -60 dBFS.
struct DynamicRangeResult {
  double tone_hz = 0;                         ///< as played (coherent with the take)
  double stimulus_dbfs = -60;                 ///< its level as played
  double bandwidth_hz = 20000;                ///< upper edge of the band (from 20 Hz)
  double analysed_s = 0;                      ///< the stretch each channel was read over
  std::vector<DynamicRangeChannel> channels;  ///< per ADC channel that carried the tone
};

/// An impedance against frequency with its uncertainty from the loads' tolerances.
struct ImpedanceCurve {
  std::vector<double> frequency_hz, impedance_ohm, phase_deg, uncertainty_ohm;
  double at_1khz_ohm = 0, at_1khz_phase_deg = 0,
         at_1khz_uncertainty_ohm = 0;         ///< third-octave mean around 1 kHz
  double band_min_ohm = 0, band_max_ohm = 0;  ///< over 20 Hz..20 kHz
};

struct ImpedanceLoad {
  std::string id, name;
  plan::Load::Kind kind = plan::Load::Kind::kResistor;
  std::optional<double> impedance_ohm;  ///< none for an open load
  double tolerance_percent = 0;
  double with_adc_input_impedance_ohm = 0;  ///< |Z_L parallel the ADC input| at 1 kHz
};

/// What the output impedance does to one headphone, per channel, on the curve's frequency axis.
struct HeadphoneChannel {
  std::vector<double> predicted_change_db, predicted_phase_deg, measured_change_db,
      predicted_as_connected_change_db;
  double deviation_db = 0, measured_deviation_db = 0, agreement_db = 0;
  double damping_factor_1khz = 0, damping_factor_min = 0, damping_factor_min_frequency_hz = 0;
  bool rule_of_eighths = false;
};

struct HeadphoneLoading {
  std::string load, name;  ///< load id and name
  double nominal_ohm = 0;
  std::array<HeadphoneChannel, 2> channels;
};

struct PortImpedance {
  std::string port;
  std::array<ImpedanceCurve, 2> channels;
  double profile_impedance_ohm = 0;
};

struct SourceLoading {
  std::string source_port, destination_input;
  double source_impedance_ohm = 0;
  bool measured = false;  ///< the port's impedance was measured (impedance_ports), else from its profile
  double input_impedance_ohm = 0;
  int parallel_inputs = 1;
  double level_change_db = 0;
};

/// impedance: the amplifier's output impedance, its effect on each headphone, the port's own impedance.
struct ImpedanceResult {
  std::string method;
  double sweep_f1_hz = 0, sweep_f2_hz = 0, sweep_duration_s = 0, sweep_level_dbfs = 0;
  double adc_input_impedance_ohm = 0;
  std::vector<ImpedanceLoad> loads;
  std::array<ImpedanceCurve, 2> channels;
  std::vector<HeadphoneLoading> headphones;
  std::vector<PortImpedance> ports;
  SourceLoading source_loading;
};

/// One step kind's result.
using StepResult =
    std::variant<ClockResult, SweepsResult, CrosstalkResult, LevelResult, DistortionResult, MaxOutputResult,
                 NoiseResult, ImpedanceResult, ImdResult, DynamicRangeResult, PhaseResult>;

/// The kind a result belongs to ("clock", "sweeps", ...; the catalogue's spelling).
[[nodiscard]] const char* kind_of(const StepResult& result);

/// One step as run in one configuration.
struct StepRecord {
  std::string id, kind;
  double audio_s = 0;     ///< seconds of audio played (stimulus, pre- and post-roll, every attempt)
  std::size_t takes = 0;  ///< takes played
  std::optional<std::string> error;  ///< why the bench could not measure (its checks are ERROR)
  std::optional<StepResult> result;  ///< none when it could not measure at all
  /// The result as kind R, or nullptr.
  template <class R>
  [[nodiscard]] const R* get() const {
    return result ? std::get_if<R>(&*result) : nullptr;
  }
};

/// A take played again because xruns spoiled it.
struct RetriedTake {
  std::string take;
  int attempts = 0;
  std::vector<std::string> retried_because;
};

/// A switch of the relay board.
struct RelaySwitch {
  std::string purpose;  ///< "load r33", "cable path"
  std::vector<int> relays_on;
  int state = 0;  ///< the bitmask the board read back
  std::string board;
  double settling_s = 0;
};

/// The fixture as the record keeps it (what a reader of the report needs of plan::Fixture).
struct FixtureRecord {
  std::string id, name, file, cable, source_port, destination_input, instruction;
  plan::Connector source_connector = plan::Connector::kTrs, destination_connector = plan::Connector::kTrs;
  bool balanced = true;
  double expected_level_change_db = 0;
  std::vector<plan::ChannelWiring> wiring;
  std::vector<std::string> conductors;
};

/// Everything measured and judged for one cable configuration.
struct ConfigurationRecord {
  FixtureRecord fixture;
  Outcome outcome = Outcome::kPass;
  std::vector<std::string>
      errors;                 ///< why the configuration could not be measured at all (device gone, set-up)
  std::vector<Check> checks;  ///< every check, in step order
  std::vector<StepRecord> steps;      ///< every step, in the plan's order
  std::vector<std::string> captures;  ///< capture files, relative to the run directory
  std::vector<RetriedTake> retried_takes;
  std::vector<RelaySwitch> relays;
  /// The first step of that kind with a result of kind R, or nullptr.
  template <class R>
  [[nodiscard]] const R* result() const {
    for (const auto& s : steps)
      if (const R* r = s.get<R>()) return r;
    return nullptr;
  }
  /// The step of that id, or nullptr.
  [[nodiscard]] const StepRecord* step(const std::string& id) const;
  /// The configuration's own errors and every step's, in order.
  [[nodiscard]] std::vector<std::string> all_errors() const;
  /// Seconds of audio the configuration played.
  [[nodiscard]] double audio_s() const;
};

struct ProfileRef {
  std::string id, name, file;
};

struct LoadRef {
  std::string id, name, file;
  plan::Load::Kind kind = plan::Load::Kind::kResistor;
  std::optional<double> nominal_ohm;  ///< none for an open load
  double tolerance_percent = 0;
};

/// A step of the plan's sequence as the record keeps it: its kind, and the settings and limits it gave.
struct PlannedStep {
  std::string id, kind;
  std::vector<std::string> overridden;         ///< settings the step gave itself
  std::vector<std::string> limits_overridden;  ///< checks whose limits the step gave itself
  plan::MeasurementSettings settings;          ///< effective settings (those its kind reads are written)
};

/// Re-analysis of an earlier run's captures (bench reanalyze).
struct ReanalysisOf {
  std::string run_dir;
  std::size_t checks = 0, identical_checks = 0;
};

/// A record written while the run was still going: report.json is brought up to date after every
/// configuration, so that a kill or a power cut leaves the configurations finished before it. A run that
/// ends (even one stopped early) writes its record without this.
struct InProgress {
  std::size_t configurations_planned = 0;  ///< configurations the run set out to measure
};

/// The whole run.
struct RunRecord {
  std::string bench_version, created_utc, backend;
  std::uint64_t seed = 0;
  ProfileRef plan, interface, amp, adc, limits;
  std::vector<LoadRef> loads, impedance_loads;
  plan::MeasurementSettings settings;  ///< the plan's [settings]
  double adc_fullscale_vrms = 0;
  bool default_steps = true;       ///< the plan lists no [[steps]]
  std::vector<PlannedStep> steps;  ///< the sequence every configuration ran
  /// What each number means: the catalogue's definition of every check the sequence makes, and the
  /// conventions (levels, gain, expectation), keyed by check name or topic.
  std::vector<std::pair<std::string, std::string>> definitions;
  std::vector<ConfigurationRecord> configurations;
  Outcome outcome = Outcome::kPass;
  std::optional<std::string> aborted;  ///< why the run stopped early (device gone, operator), if it did
  std::optional<ReanalysisOf> reanalysis_of;
  /// Present in a record written during the run: the run did not finish (yet), and `configurations`
  /// holds those finished so far. Its outcome is ERROR (an unfinished run never reads as a pass).
  std::optional<InProgress> in_progress;
  /// Configurations per outcome (pass, fail, error).
  [[nodiscard]] std::array<std::size_t, 3> counts() const;
};

/// The record's view of a fixture.
[[nodiscard]] FixtureRecord fixture_record(const plan::Fixture& fixture);

/// A run record for `plan` with `configurations` (as the sequencer made them): plan, profiles, settings
/// and sequence filled in from the plan, the outcome the worst of the configurations' (ERROR when the run
/// stopped early). [any thread]
[[nodiscard]] RunRecord make_run_record(const plan::Plan& plan,
                                        std::vector<ConfigurationRecord> configurations,
                                        std::optional<std::string> aborted, std::string backend,
                                        std::uint64_t seed, std::string created_utc);

}  // namespace bench::record
