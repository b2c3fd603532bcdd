#pragma once

#include <optional>
#include <string>
#include <vector>

#include "bench/dsp/types.hpp"
#include "bench/plan/model.hpp"

namespace bench::session {

/// How one take went on an endpoint that can spoil takes (xruns) and play them again.
struct TakeInfo {
  int attempts = 1;                          ///< plays of the take, the last one kept
  std::vector<std::string> retried_because;  ///< why each earlier attempt was spoiled
  std::optional<bool> xruns_reported;  ///< whether the API reports xruns at all; none: not a live endpoint
};

/// One hardware boundary: the interface plays, the reference ADC records. Implementations: SimEndpoint
/// (the physical models of bench/sim, in process), ReplayEndpoint (a run's kept captures, for bench
/// reanalyze) and LiveEndpoint (real devices through RtAudio: bench/session/live/, its own target).
class Endpoint {
 public:
  virtual ~Endpoint() = default;

  /// "sim", "rtaudio/jack: ...": recorded in the report.
  [[nodiscard]] virtual std::string describe() const = 0;

  /// Sets the chain up for a cable configuration and a load on the amplifier's output. For real
  /// hardware the sequencer has already had the operator (or a relay board) make the connection.
  /// [main thread] Throws bench::HardwareError.
  virtual void configure(const plan::Fixture& fixture, const plan::Load& load) = 0;

  /// Sets the chain up for measuring the fixture's source port itself: the port's output straight into
  /// `load` and the reference ADC, no cable or amplifier (the port's output impedance). On real gear the
  /// operator (or a relay board) has made that connection, so by default this is configure().
  /// [main thread] Throws bench::HardwareError.
  virtual void configure_port(const plan::Fixture& fixture, const plan::Load& load) {
    configure(fixture, load);
  }

  /// Names the next take ("<fixture id>/<measurement>", e.g. "line_trs_to_amp_trs/sweep_left") before
  /// play_and_record(); a replaying endpoint uses it to find the kept capture. [main thread]
  virtual void set_take(const std::string& take) { (void)take; }

  /// Plays `stimulus` (frames x source port channels, full scale +-1) on the port under test and returns
  /// what the reference ADC recorded over the same span (frames x ADC channels). The stimulus already
  /// holds its pre-roll and post-roll. [main thread] Throws bench::HardwareError or MeasurementError.
  [[nodiscard]] virtual dsp::Frames play_and_record(const dsp::Frames& stimulus) = 0;

  /// What the last play_and_record() went through (attempts, retries and why), kept in the capture's
  /// sidecar. [main thread]
  [[nodiscard]] virtual TakeInfo take_info() const { return {}; }
};

}  // namespace bench::session
