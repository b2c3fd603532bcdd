#pragma once

#include "bench/plan/model.hpp"

namespace bench::session {

/// What the profiles say a chain should do, computed by hand from the nominal (not the [sim]) values:
/// the yardstick for level and gain checks.
struct Expectation {
  double source_dbv_at_0dbfs = 0;  ///< open-circuit output of the port at 0 dBFS, neutral gain, its volume
  double source_loading_db = 0;    ///< source impedance against the amp's input impedance
  double cable_db = 0;  ///< the fixture's declared level change (e.g. -6.02 balanced into unbalanced)
  double amp_gain_db = 0;
  double output_loading_db = 0;  ///< amp output impedance against the load (and the ADC input) at 1 kHz
  /// Gain from the port's nominal open-circuit voltage to the voltage across the load, dB.
  [[nodiscard]] double chain_gain_db() const {
    return source_loading_db + cable_db + amp_gain_db + output_loading_db;
  }
};

/// Expected figures for a fixture and load in a plan. Throws bench::ConfigError if the fixture names
/// a port or input the profiles do not have.
[[nodiscard]] Expectation expect(const plan::Plan& plan, const plan::Fixture& fixture,
                                 const plan::Load& load);

/// Number of the fixture's destination channels fed by the most shared source channel: 2 for a Y-cable
/// that drives two inputs from one output, else 1 (0 when nothing is wired). [any thread]
[[nodiscard]] int parallel_inputs(const plan::Fixture& fixture);

/// Whether a mono TS plug can short a channel of this fixture: a stereo jack on the source, or a TS plug
/// declared in it. [any thread]
[[nodiscard]] bool mono_plug_possible(const plan::Plan& plan, const plan::Fixture& fixture);

/// Level change in dB of a source of impedance z_source driving a load z_load: 20*log10(|zl / (zl + zs)|).
[[nodiscard]] double divider_db(double z_source_ohm, double z_load_ohm);

}  // namespace bench::session
