#pragma once

// Two clocks: when the interface that plays and the ADC that records are different devices, their sample
// clocks differ (typically 10 to 200 ppm). A steady tone measures the difference exactly: it arrives at
// f * (1 + drift) in the recorder's samples.

#include "bench/dsp/types.hpp"

namespace bench::analysis {

/// The recorder's clock against the player's, from a steady tone.
struct DriftEstimate {
  double drift_ppm =
      0;  ///< (f_measured / f_played - 1) * 1e6: positive when the recorder's clock runs slow,
          ///< so each of its samples spans more of the player's (the sim ADC's clock_offset_ppm)
  double played_hz = 0;    ///< the tone as played, Hz (player's samples)
  double measured_hz = 0;  ///< the tone as recorded, Hz (recorder's samples, at the nominal rate)
  int channel = 0;         ///< capture channel the estimate comes from (the stronger one)
};

/// Estimates the drift from a capture of a steady tone of played_hz: a four-parameter least-squares sine
/// fit (IEEE 1241) of the stronger channel over [start, start + length). Resolution far below 0.01 ppm for
/// a tone of one second at the usual levels. [main thread] Throws bench::MeasurementError when no channel
/// carries the tone (none within +-5 % of played_hz).
[[nodiscard]] DriftEstimate estimate_clock_drift(const Eigen::Ref<const dsp::Frames>& capture,
                                                 Eigen::Index start, Eigen::Index length,
                                                 double sample_rate_hz, double played_hz);

}  // namespace bench::analysis
