#include "bench/analysis/dynamic_range.hpp"

#include <cmath>
#include <string>

#include "bench/analysis/power_spectrum.hpp"
#include "bench/analysis/sine_analysis.hpp"
#include "bench/core/error.hpp"
#include "bench/core/format.hpp"

namespace bench::analysis {

DynamicRangeResult analyze_dynamic_range(const Eigen::Ref<const dsp::Signal>& x, double fs,
                                         const DynamicRangeOptions& o) {
  SineAnalysisOptions band;
  band.band_lo_hz = o.band_lo_hz;
  band.band_hi_hz = o.band_hi_hz;
  band.frequency_hz = o.tone_hz;
  validate(band, fs);
  const double record_s = static_cast<double>(x.size()) / fs;
  if (record_s < 0.05)
    throw MeasurementError("the dynamic-range tone lasts " + fixed(record_s, 3) +
                           " s: record at least 0.05 s (0.5 s or more for a stable figure)");
  const SineFit fit = fit_sine(x, fs, o.tone_hz);
  const dsp::Signal residual = subtract_fit(x, fs, fit);
  const PowerSpectrum spectrum(residual, fs);
  DynamicRangeResult r;
  r.record_s = record_s;
  r.tone_hz = fit.frequency_hz;
  r.tone_dbfs = dsp::amplitude_db(fit.amplitude);
  // A tone is there when it carries more power than everything else in the record and lies where it
  // was played (the fit wanders off to the strongest line otherwise).
  const double tone_power = fit.amplitude * fit.amplitude / 2;
  const double residual_ms = residual.squaredNorm() / static_cast<double>(residual.size());
  if (!(tone_power > residual_ms) || std::abs(fit.frequency_hz - o.tone_hz) > 0.05 * o.tone_hz ||
      r.tone_dbfs < -200)
    throw MeasurementError("no " + number_text(o.tone_hz) + " Hz tone in the capture (" +
                           (r.tone_dbfs < -200 ? std::string("nothing above -200 dBFS")
                                               : "the fit found " + fixed(r.tone_dbfs, 1) + " dBFS at " +
                                                     fixed(fit.frequency_hz, 1) + " Hz") +
                           "): play the dynamic-range tone (" + number_text(o.tone_hz) + " Hz at -60 dBFS)");
  if (o.stimulus_dbfs) {
    r.reference_dbfs = r.tone_dbfs - *o.stimulus_dbfs;
  } else {
    if (std::abs(r.tone_dbfs - kDynamicRangeToneDbfs) > kDynamicRangeToleranceDb)
      throw MeasurementError("the tone is at " + fixed(r.tone_dbfs, 1) + " dBFS, " +
                             fixed(std::abs(r.tone_dbfs - kDynamicRangeToneDbfs), 1) +
                             " dB from the -60 dBFS AES17 dynamic range is measured at (within 1 dB): play "
                             "it at -60 dBFS at the device's input");
    r.reference_dbfs = 0;
  }
  r.residual_dbfs =
      dsp::power_to_dbfs(spectrum.band_power(o.band_lo_hz, o.band_hi_hz, dsp::Weighting::kNone).first);
  r.residual_dbfs_a =
      dsp::power_to_dbfs(spectrum.band_power(o.band_lo_hz, o.band_hi_hz, dsp::Weighting::kA).first);
  r.residual_dbfs_ccir_rms =
      dsp::power_to_dbfs(spectrum.band_power(o.band_lo_hz, o.band_hi_hz, dsp::Weighting::kCcirRms).first);
  r.dynamic_range_db = r.reference_dbfs - r.residual_dbfs;
  r.dynamic_range_db_a = r.reference_dbfs - r.residual_dbfs_a;
  r.dynamic_range_db_ccir_rms = r.reference_dbfs - r.residual_dbfs_ccir_rms;
  return r;
}

}  // namespace bench::analysis
