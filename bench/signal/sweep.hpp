#pragma once

#include <cstddef>

#include "bench/dsp/types.hpp"

namespace bench::stimulus {

/// A synchronized exponential swept sine (Novak et al., JAES 2015). Every field is needed to
/// re-create the stimulus exactly; all are written to the WAV's JSON sidecar.
struct SweepSpec {
  double f1_hz = 20;     ///< start frequency
  double f2_hz = 20000;  ///< end frequency
  double sample_rate_hz = 48000;
  double level_dbfs = -6;  ///< peak level, 0 dBFS = full scale
  double fade_s = 0.02;    ///< half-Hann fade at each end
  double requested_duration_s = 10;
  double rate_l_s = 0;      ///< Novak's L = round(f1*T/ln(f2/f1))/f1, so f1*L is a whole number
  double duration_s = 0;    ///< actual sweep duration L*ln(f2/f1)
  std::size_t samples = 0;  ///< ceil(duration_s * sample_rate_hz)
};

/// Validates the parameters and derives L, the actual duration and the sample count.
/// Throws bench::InputError naming the parameter and the allowed range.
[[nodiscard]] SweepSpec make_sweep_spec(double f1_hz, double f2_hz, double duration_s, double sample_rate_hz,
                                        double level_dbfs, double fade_s);

/// Value of the continuous-time sweep (with its fades) at time t seconds; 0 outside [0, duration_s].
[[nodiscard]] double sweep_value(const SweepSpec& spec, double t_s);

/// The sampled sweep: spec.samples values of sweep_value at n / sample_rate_hz.
[[nodiscard]] dsp::Signal generate_sweep(const SweepSpec& spec);

/// Estimates Novak's L of a sweep given only its samples and band: the active (non-silent) duration
/// divided by ln(f2/f1). For stimuli made by other tools.
[[nodiscard]] double estimate_rate_l(const Eigen::Ref<const dsp::Signal>& sweep, double sample_rate_hz,
                                     double f1_hz, double f2_hz);

}  // namespace bench::stimulus
