#pragma once

// The impedance part of a cable configuration's run: the amplifier's output swept into each of the
// plan's settings.impedance_loads, its output impedance solved per frequency (analysis/impedance.hpp),
// then per headphone load of the plan the predicted response change, the damping factor and the rule
// of eighths, the measured response into the headphone beside the prediction, the source port's own
// output impedance where settings.impedance_ports asks, and the port's loading by the amplifier's input(s).

#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench/dsp/types.hpp"
#include "bench/plan/model.hpp"
#include "bench/session/result.hpp"

namespace bench::session {

/// What the measurement needs from the sequencer: every call runs on the thread running the plan.
struct ImpedanceContext {
  const plan::Plan* plan = nullptr;
  const plan::Fixture* fixture = nullptr;
  /// Connects `load` to the amplifier's output (operator prompt or relay board) and configures the
  /// endpoint for it. Throws bench::HardwareError when that fails or the operator stops.
  std::function<void(const plan::Load&)> use_load;
  /// Connects `load` straight to the fixture's source port, with the reference ADC across it (no cable
  /// or amplifier), and configures the endpoint so (Endpoint::configure_port). Needed only when the
  /// plan's settings.impedance_ports names the port.
  std::function<void(const plan::Load&)> use_port_load;
  /// Plays `body` (frames x 2 source channels) with pre-roll and post-roll, keeps the capture as take
  /// `name` with `stimulus` as its sidecar, and returns the capture (pre-roll included). Throws
  /// bench::MeasurementError for a clipped or broken capture.
  std::function<dsp::Frames(const dsp::Frames& body, const std::string& name, nlohmann::json stimulus)> record;
  /// Progress text for the step that starts.
  std::function<void(const std::string&)> step;
  Eigen::Index preroll_frames = 0;  ///< pre-roll in front of the body in every capture
};

/// Everything the measurement yields for one configuration.
struct ImpedanceResult {
  /// report.json's configurations[].measurements.impedance (layout in README, "Output impedance and
  /// loading").
  nlohmann::json measurement;
  /// output_impedance_ohm (per channel), loading_deviation_db and damping_factor (per channel and
  /// headphone), source_loading_db.
  std::vector<Check> checks;
};

/// Runs the measurement. Throws bench::MeasurementError when the bench cannot measure (no sweep
/// arrives, the loads cannot separate the unknowns), bench::HardwareError from use_load. [main thread]
[[nodiscard]] ImpedanceResult measure_impedance(const ImpedanceContext& context);

/// Number of the fixture's destination channels fed by the most shared source channel: 2 for a Y-cable
/// that drives two inputs from one output, else 1 (0 when nothing is wired). [any thread]
[[nodiscard]] int parallel_inputs(const plan::Fixture& fixture);

}  // namespace bench::session
