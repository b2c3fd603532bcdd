#pragma once

#include <complex>
#include <vector>

#include "bench/dsp/types.hpp"

namespace bench::dsp {

/// Band-limited value of h at fractional index t (periodic: indices wrap modulo h.size()), by a
/// Blackman-windowed sinc of 2*half_taps taps.
[[nodiscard]] double sinc_interpolate(const Eigen::Ref<const Signal>& h, double t, int half_taps = 32);

/// Sub-sample position of the largest |h| near integer index `peak` (within +-1 sample), found by golden
/// section search on the band-limited interpolation. Returns the position and the signed value there.
struct Peak {
  double position = 0;
  double value = 0;
};
[[nodiscard]] Peak refine_peak(const Eigen::Ref<const Signal>& h, Eigen::Index peak);

/// Linear interpolation of uniformly spaced complex bins (spacing bin_hz, first bin at 0 Hz) at
/// frequency_hz. The caller makes the phase smooth first (e.g. by choosing the time reference).
[[nodiscard]] std::complex<double> interpolate_bins(const Eigen::Ref<const Spectrum>& bins, double bin_hz,
                                                    double frequency_hz);

/// Log-spaced frequencies from f1 to f2 inclusive, points_per_octave per octave (f2 appended if the
/// grid does not land on it).
[[nodiscard]] std::vector<double> log_frequency_grid(double f1_hz, double f2_hz, int points_per_octave);

/// Fractional-octave smoothing of a magnitude curve on an ascending grid: power average of every point
/// within +-1/(2*fraction) octave. fraction 3 means 1/3 octave; 0 returns the input.
[[nodiscard]] std::vector<double> smooth_octave_db(const std::vector<double>& frequency_hz,
                                                   const std::vector<double>& magnitude_db, double fraction);

}  // namespace bench::dsp
