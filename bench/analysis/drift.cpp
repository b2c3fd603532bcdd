#include "bench/analysis/drift.hpp"

#include <cmath>
#include <string>

#include "bench/analysis/sine_analysis.hpp"
#include "bench/core/error.hpp"

namespace bench::analysis {

DriftEstimate estimate_clock_drift(const Eigen::Ref<const dsp::Frames>& capture, Eigen::Index start,
                                   Eigen::Index length, double fs, double played_hz) {
  if (start < 0 || length <= 0 || start + length > capture.rows())
    throw MeasurementError("clock drift: the tone's analysis window lies outside the capture (" +
                           std::to_string(capture.rows()) + " frames)");
  DriftEstimate best;
  double best_amplitude = -1;
  SineAnalysisOptions o;
  o.frequency_hz = played_hz;
  for (Eigen::Index c = 0; c < capture.cols(); ++c) {
    try {
      const dsp::Signal x = capture.col(c).segment(start, length);
      const SineResult r = analyze_sine(x, fs, o);
      const double amplitude = std::pow(10.0, r.fundamental_dbfs / 20);
      if (std::abs(r.fundamental_hz / played_hz - 1) > 0.05 || amplitude <= best_amplitude) continue;
      best_amplitude = amplitude;
      best.channel = static_cast<int>(c);
      best.measured_hz = r.fundamental_hz;
    } catch (const MeasurementError&) {
      // no tone on this channel
    }
  }
  if (best_amplitude <= 0)
    throw MeasurementError("clock drift: no channel carries the " + std::to_string(played_hz) +
                           " Hz clock tone");
  best.played_hz = played_hz;
  best.drift_ppm = (best.measured_hz / played_hz - 1) * 1e6;
  return best;
}

}  // namespace bench::analysis
