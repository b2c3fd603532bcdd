// noise: silence at the interface; A-weighted noise, the strongest mains line, and (with an earlier level
// step) SNR from the largest clean output to the noise.

#include <cmath>

#include "bench/analysis/noise_analysis.hpp"
#include "bench/core/format.hpp"
#include "bench/session/checks.hpp"
#include "bench/session/expectations.hpp"
#include "bench/session/steps/step.hpp"

namespace bench::session::steps {

StepOutput<record::NoiseResult> measure_noise(const StepContext& cx) {
  const auto& s = cx.settings;
  const double fs = cx.fs();
  const plan::Load& load = cx.reference_load();
  cx.takes.use_load(load);
  cx.takes.progress("noise and hum (silence)");
  const auto frames = static_cast<Eigen::Index>(std::llround(s.noise_duration_s * fs));
  const dsp::Frames cap = cx.takes.record(dsp::Frames::Zero(frames, 2), "noise",
                                          {{"kind", "silence"}, {"duration_s", s.noise_duration_s}});
  analysis::NoiseAnalysisOptions o;
  o.mains_hz = cx.fixture.mains_hz;
  o.band_hi_hz = s.bandwidth_hz;
  // SNR re the largest clean output: the tone's level scaled to 0 dBFS, capped at the maximum output into
  // this step's reference load. Only with a level step before this one.
  const record::StepRecord* level_step = cx.earlier("level");
  const auto* level = cx.result<record::LevelResult>("level");
  const auto* max_output = cx.result<record::MaxOutputResult>("max_output");
  const record::MaxOutputLoad* reference_max = max_output ? max_output->load(load.id) : nullptr;
  const Expectation e = expect(cx.plan, cx.fixture, load);
  StepOutput<record::NoiseResult> out;
  out.result.bandwidth_hz = s.bandwidth_hz;
  const auto settle = static_cast<Eigen::Index>(plan::DurationLimits::kNoiseSettleS * fs);
  for (std::size_t c = 0; c < 2; ++c) {
    const std::string side = record::kChannelNames[c];
    const auto r = analysis::analyze_noise(
        cap.col(static_cast<Eigen::Index>(c)).segment(cx.takes.preroll_frames() + settle, frames - settle),
        fs, o);
    const double noise_a = r.noise_dbfs_a + cx.volts_db();
    double hum = -400, hum_f = 0;
    for (const auto& h : r.hum)
      if (h.level_dbfs + cx.volts_db() > hum) hum = h.level_dbfs + cx.volts_db(), hum_f = h.frequency_hz;
    const bool unbalanced = !cx.fixture.balanced;
    Check n = judge(cx.limits, "noise_dbv_a", noise_a);
    n.channel = side;
    n.explanation =
        "A-weighted noise " + fixed(noise_a, 1) + " dBV, unweighted " +
        fixed(r.noise_dbfs + cx.volts_db(), 1) + " dBV" +
        (n.outcome == Outcome::kFail && hum > noise_a - 10 ? ": dominated by hum, see hum_dbv" : "");
    out.checks.push_back(std::move(n));
    const double noise_ccir = r.noise_dbfs_ccir_rms + cx.volts_db();
    Check w = judge(cx.limits, "noise_dbv_ccir_rms", noise_ccir);
    w.channel = side;
    w.explanation = "CCIR-RMS weighted noise " + fixed(noise_ccir, 1) +
                    " dBV (ITU-R BS.468-4, 0 dB at 2 kHz), " + fixed(noise_ccir - noise_a, 1) +
                    " dB from the A-weighted reading";
    out.checks.push_back(std::move(w));
    Check h = judge(cx.limits, "hum_dbv", hum);
    h.channel = side;
    h.explanation =
        "strongest mains line " + fixed(hum, 1) + " dBV at " + fixed(hum_f, 0) + " Hz" +
        (h.outcome == Outcome::kFail
             ? (unbalanced ? ": a ground loop on the unbalanced run? Use balanced cables or lift the ground"
                           : ": hum on a balanced run: check the amplifier's supply and grounding")
             : (unbalanced && hum > -125 ? ": an unbalanced run picks up hum that a balanced one rejects"
                                         : ""));
    out.checks.push_back(std::move(h));
    if (level_step != nullptr) {
      double top = level ? level->level_dbv[c] - level->stimulus_dbfs : record::kNaN;
      if (reference_max && std::isfinite(reference_max->max_output_vrms[c]))
        top = std::min(top, 20 * std::log10(reference_max->max_output_vrms[c]));
      Check snr = judge(cx.limits, "snr_db", top - noise_a);
      snr.channel = side;
      snr.explanation = "from " + fixed(top, 1) + " dBV (largest clean output) to the A-weighted noise";
      if (!level) {
        snr =
            not_measured("snr_db", "it needs the output level, which could not be measured (see level_dbv)");
        snr.channel = side;
      } else if (top < e.source_dbv_at_0dbfs + e.chain_gain_db() - 40) {
        snr.value = std::monostate{}, snr.outcome = Outcome::kFail;
        snr.explanation = side + " channel carries no signal: no signal-to-noise ratio to speak of";
      }
      out.checks.push_back(std::move(snr));
    }
    record::NoiseChannel nc{r.noise_dbfs + cx.volts_db(), noise_a, r.mains_hz, {}, noise_ccir};
    for (const auto& l : r.hum) nc.hum.push_back({l.frequency_hz, l.level_dbfs + cx.volts_db()});
    out.result.channels[c] = std::move(nc);
  }
  return out;
}

}  // namespace bench::session::steps
