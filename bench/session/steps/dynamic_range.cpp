// dynamic_range: AES17's 997 Hz tone at -60 dBFS on both channels, read per ADC channel.

#include "bench/analysis/dynamic_range.hpp"

#include <cmath>

#include "bench/core/error.hpp"
#include "bench/core/format.hpp"
#include "bench/io/sidecar.hpp"
#include "bench/session/checks.hpp"
#include "bench/session/steps/step.hpp"
#include "bench/session/steps/tone.hpp"

namespace bench::session::steps {

StepOutput<record::DynamicRangeResult> measure_dynamic_range(const StepContext& cx) {
  cx.require_signal();
  const auto& s = cx.settings;
  const double fs = cx.fs();
  cx.takes.use_load(cx.reference_load());
  cx.takes.progress("dynamic range (997 Hz at -60 dBFS)");
  const double level = analysis::kDynamicRangeToneDbfs;
  const auto spec =
      stimulus::make_tone_spec(analysis::kDynamicRangeToneHz, level, s.dynamic_range_duration_s, fs, true);
  const dsp::Frames body = faded_tone(spec);
  const dsp::Frames cap = cx.takes.record(body, "dynamic_range", io::tone_sidecar(spec, 2));
  const auto [start, len] = tone_window(cx, body.rows());
  if (start + len > cap.rows())
    throw MeasurementError("the tone's end came back after the capture ended: the chain's latency (" +
                           fixed(cx.latency_samples() / fs * 1000, 1) +
                           " ms) is longer than the step's postroll_s allows; raise postroll_s above it");
  StepOutput<record::DynamicRangeResult> out;
  out.result.tone_hz = spec.actual_frequency_hz;
  out.result.stimulus_dbfs = level;
  out.result.bandwidth_hz = s.bandwidth_hz;
  out.result.analysed_s = static_cast<double>(len) / fs;
  analysis::DynamicRangeOptions o;
  o.band_hi_hz = s.bandwidth_hz;
  o.tone_hz = spec.actual_frequency_hz;
  o.stimulus_dbfs = level;
  const std::string band = "20 Hz to " + number_text(s.bandwidth_hz / 1000) + " kHz";
  for (int c = 0; c < 2; ++c) {
    const std::string side = record::kChannelNames[static_cast<std::size_t>(c)];
    Check a, w;
    try {
      const analysis::DynamicRangeResult r =
          analysis::analyze_dynamic_range(cap.col(c).segment(start, len), fs, o);
      const double v = cx.volts_db();
      record::DynamicRangeChannel ch;
      ch.channel = c;
      ch.tone_hz = r.tone_hz;
      ch.tone_dbv = r.tone_dbfs + v;
      ch.full_scale_dbv = r.reference_dbfs + v;
      ch.residual_dbv = r.residual_dbfs + v;
      ch.residual_dbv_a = r.residual_dbfs_a + v;
      ch.residual_dbv_ccir_rms = r.residual_dbfs_ccir_rms + v;
      ch.dynamic_range_db = r.dynamic_range_db;
      ch.dynamic_range_db_a = r.dynamic_range_db_a;
      ch.dynamic_range_db_ccir_rms = r.dynamic_range_db_ccir_rms;
      out.result.channels.push_back(ch);
      const std::string from = " from " + fixed(ch.full_scale_dbv, 1) +
                               " dBV (digital full scale, the -60 dBFS tone at " + fixed(ch.tone_dbv, 1) +
                               " dBV + 60 dB) to the residual ";
      a = judge(cx.limits, "dynamic_range_db_a", r.dynamic_range_db_a);
      a.explanation = "dynamic range " + fixed(r.dynamic_range_db_a, 1) + " dB(A)" + from +
                      fixed(ch.residual_dbv_a, 1) + " dBV(A) in " + band;
      w = judge(cx.limits, "dynamic_range_db_ccir_rms", r.dynamic_range_db_ccir_rms);
      w.explanation = "dynamic range " + fixed(r.dynamic_range_db_ccir_rms, 1) + " dB (CCIR-RMS)" + from +
                      fixed(ch.residual_dbv_ccir_rms, 1) + " dBV (CCIR-RMS) in " + band;
    } catch (const MeasurementError& e) {
      for (auto* k : {&a, &w}) {
        *k = judge(cx.limits, k == &a ? "dynamic_range_db_a" : "dynamic_range_db_ccir_rms", record::kNaN);
        k->outcome = Outcome::kFail;
        k->explanation = side + " channel carries no -60 dBFS tone: " + e.what();
      }
    }
    for (auto* k : {&a, &w}) {
      k->channel = side;
      out.checks.push_back(std::move(*k));
    }
  }
  return out;
}

}  // namespace bench::session::steps
