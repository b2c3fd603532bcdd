#include "bench/analysis/noise_analysis.hpp"

#include <string>

#include "bench/analysis/power_spectrum.hpp"
#include "bench/core/error.hpp"

namespace bench::analysis {

NoiseResult analyze_noise(const Eigen::Ref<const dsp::Signal>& capture, double fs,
                          const NoiseAnalysisOptions& o) {
  SineAnalysisOptions check;
  check.band_lo_hz = o.band_lo_hz;
  check.band_hi_hz = o.band_hi_hz;
  check.mains_hz = o.mains_hz;
  validate(check, fs);
  if (capture.size() < static_cast<Eigen::Index>(0.1 * fs))
    throw MeasurementError("the noise capture lasts " +
                           std::to_string(static_cast<double>(capture.size()) / fs) +
                           " s: record at least 0.1 s (1 s or more for a stable figure)");
  NoiseResult r;
  r.dc_offset_fs = capture.mean();
  const dsp::Signal residual = (capture.array() - r.dc_offset_fs).matrix();
  const PowerSpectrum spectrum(residual, fs);
  r.noise_dbfs =
      dsp::power_to_dbfs(spectrum.band_power(o.band_lo_hz, o.band_hi_hz, dsp::Weighting::kNone).first);
  r.noise_dbfs_a =
      dsp::power_to_dbfs(spectrum.band_power(o.band_lo_hz, o.band_hi_hz, dsp::Weighting::kA).first);
  r.noise_dbfs_ccir_rms =
      dsp::power_to_dbfs(spectrum.band_power(o.band_lo_hz, o.band_hi_hz, dsp::Weighting::kCcirRms).first);
  const LineReader exact(residual, fs);
  r.hum = hum_lines(spectrum, &exact, o.mains_hz, o.band_hi_hz, &r.mains_hz);
  return r;
}

}  // namespace bench::analysis
