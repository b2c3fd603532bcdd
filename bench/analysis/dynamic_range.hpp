#pragma once

// AES17 dynamic range: the noise floor in the presence of a -60 dBFS tone, weighted, re full scale.

#include <optional>

#include "bench/dsp/types.hpp"

namespace bench::analysis {

/// AES17's dynamic-range stimulus: 997 Hz at -60 dBFS; a capture read on its own (a converter's output)
/// must hold it within kDynamicRangeToleranceDb.
inline constexpr double kDynamicRangeToneHz = 997;
inline constexpr double kDynamicRangeToneDbfs = -60;
inline constexpr double kDynamicRangeToleranceDb = 1;

struct DynamicRangeOptions {
  double band_lo_hz = 20;
  double band_hi_hz = 20000;  ///< AES17's standard low-pass
  double tone_hz = kDynamicRangeToneHz;
  /// The level the tone was played at, when the capture comes through a chain (the bench's step): the
  /// reference is then the level at the capture that digital full scale at the source gives, the tone's
  /// level minus stimulus_dbfs, and the tone may arrive at any level. None: the capture is the device's own
  /// digital output, the reference is its full scale (0 dBFS), and the tone must lie within
  /// kDynamicRangeToleranceDb of -60 dBFS.
  std::optional<double> stimulus_dbfs;
};

/// Levels in AES17 dBFS (a full-scale sine is 0 dBFS); residuals are RMS levels in the band.
struct DynamicRangeResult {
  double tone_hz = 0;
  double tone_dbfs = 0;        ///< the tone's level as captured
  double reference_dbfs = 0;   ///< full scale, or where the source's full scale lands (stimulus_dbfs given)
  double residual_dbfs = 0;    ///< everything but the tone in the band, unweighted
  double residual_dbfs_a = 0;  ///< A-weighted (IEC 61672-1)
  double residual_dbfs_ccir_rms = 0;  ///< CCIR-RMS (ITU-R BS.468-4, 0 dB at 2 kHz)
  double dynamic_range_db = 0;        ///< reference_dbfs - residual_dbfs
  double dynamic_range_db_a = 0;
  double dynamic_range_db_ccir_rms = 0;
  double record_s = 0;  ///< the length analysed
};

/// The tone is removed by subtracting its four-parameter least-squares fit (IEEE 1241) instead of AES17's
/// notch filter, which takes the noise within its own bandwidth with it; the residual's 7-term
/// Blackman-Harris spectrum is summed over the band, unweighted and weighted. [main thread] Throws
/// bench::InputError for a bad band, bench::MeasurementError for no tone or (without stimulus_dbfs) a tone
/// further than 1 dB from -60 dBFS, naming its level.
[[nodiscard]] DynamicRangeResult analyze_dynamic_range(const Eigen::Ref<const dsp::Signal>& capture,
                                                       double sample_rate_hz,
                                                       const DynamicRangeOptions& options);

}  // namespace bench::analysis
