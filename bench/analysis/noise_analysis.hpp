#pragma once

#include <vector>

#include "bench/analysis/sine_analysis.hpp"
#include "bench/dsp/types.hpp"

namespace bench::analysis {

/// Settings of a noise (silence) analysis.
struct NoiseAnalysisOptions {
  double band_lo_hz = 20;
  double band_hi_hz = 20000;
  double mains_hz = 0;  ///< 50 or 60; 0 picks whichever carries more hum
};

/// Residual noise of a capture with no stimulus. Levels follow AES17: dBFS re the mean square of a
/// full-scale sine, so noise_dbfs = 10*log10(2 * mean square in band).
struct NoiseResult {
  double noise_dbfs = 0;    ///< unweighted, in band, hum included
  double noise_dbfs_a = 0;  ///< A-weighted (IEC 61672-1), in band, hum included
  double noise_dbfs_ccir_rms =
      0;  ///< CCIR-RMS weighted (ITU-R BS.468-4, 0 dB at 2 kHz), in band, hum included
  double dc_offset_fs = 0;
  double mains_hz = 0;
  std::vector<HumLine> hum;
};

/// Measures a silence capture. [main thread] Throws bench::InputError for bad options.
[[nodiscard]] NoiseResult analyze_noise(const Eigen::Ref<const dsp::Signal>& capture, double sample_rate_hz,
                                        const NoiseAnalysisOptions& options);

}  // namespace bench::analysis
