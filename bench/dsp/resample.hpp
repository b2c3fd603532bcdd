#pragma once

// Clock-drift correction: a capture taken by a converter whose clock runs off the player's is
// resampled back onto the player's clock (libsoxr, very high quality, linear phase).

#include "bench/dsp/types.hpp"

namespace bench::dsp {

/// A capture y[n] = s(n * (1 + drift_ppm * 1e-6)) of a signal s in the player's samples (the recorder's
/// clock runs drift_ppm fast in that sense: a tone of f Hz appears at f * (1 + drift_ppm * 1e-6) Hz)
/// returned as z[m] = s(m), same length as y (zero-padded at the end when the corrected signal is
/// shorter). Uses libsoxr at 28-bit precision, linear phase, passband to 0.95 of Nyquist; its filter
/// delay is compensated, so sample 0 stays sample 0. |drift_ppm| must be below 1e5.
/// [main thread] Throws bench::InputError for a drift out of range, bench::Error if libsoxr fails.
[[nodiscard]] Signal correct_clock_drift(const Eigen::Ref<const Signal>& y, double drift_ppm);

}  // namespace bench::dsp
