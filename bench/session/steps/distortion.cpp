// distortion: THD and THD+N of a tone at each of thd_levels_dbfs, per ADC channel.

#include <cmath>

#include "bench/core/format.hpp"
#include "bench/session/checks.hpp"
#include "bench/session/steps/step.hpp"
#include "bench/session/steps/tone.hpp"

namespace bench::session::steps {

StepOutput<record::DistortionResult> measure_distortion(const StepContext& cx) {
  cx.require_signal();
  const auto& s = cx.settings;
  cx.takes.use_load(cx.reference_load());
  const double rail_dbv = 20 * std::log10(cx.plan.amp.rail_vpeak / std::sqrt(2.0));
  StepOutput<record::DistortionResult> out;
  const ToneBand band{s.bandwidth_hz, dsp::parse_weighting(s.thd_n_weighting)};
  out.result.bandwidth_hz = s.bandwidth_hz;
  out.result.weighting = s.thd_n_weighting;
  const std::string band_text = "in 20 Hz to " + number_text(s.bandwidth_hz / 1000) + " kHz" +
                                (s.thd_n_weighting == "none" ? "" : ", " + s.thd_n_weighting + "-weighted");
  for (double level : s.thd_levels_dbfs) {
    cx.takes.progress("THD+N at " + fixed(level, 1) + " dBFS");
    const auto t = play_tone(cx, level, s.tone_duration_s, "thd_" + fixed(-level, 0) + "dbfs", band);
    for (std::size_t c = 0; c < 2; ++c) {
      const auto& ch = t[c];
      for (const char* name : {"thd_db", "thd_n_db"}) {
        const bool thd = std::string(name) == "thd_db";
        Check k;
        if (ch.sine) {
          k = judge(cx.limits, name, thd ? ch.sine->thd_db : ch.sine->thd_n_db);
          k.explanation =
              thd ? "THD " + fixed(ch.sine->thd_percent, 4) + " % (H2 " +
                        fixed(ch.sine->harmonics.empty() ? -400 : ch.sine->harmonics[0].level_db, 1) + " dB)"
                  : "THD+N " + fixed(ch.sine->thd_n_percent, 4) + " % " + band_text;
          double hum_power = 0;
          for (const auto& h : ch.sine->hum) hum_power += std::pow(10.0, h.level_dbfs / 10) / 2;
          const double residual_power =
              std::pow(10.0, (ch.sine->fundamental_dbfs + ch.sine->thd_n_db) / 10) / 2;
          if (k.outcome == Outcome::kFail && ch.sine->fundamental_dbfs + cx.volts_db() > rail_dbv - 3)
            k.explanation += ": the amplifier is near its output limit at this level";
          else if (k.outcome == Outcome::kFail && !thd && hum_power > 0.5 * residual_power)
            k.explanation += ": mostly mains hum (see hum_dbv)";
        } else {
          k = judge(cx.limits, name, record::kNaN);
          k.outcome = Outcome::kFail;
          k.explanation = std::string(record::kChannelNames[c]) +
                          " channel carries no tone: nothing to measure distortion on";
        }
        k.channel = record::kChannelNames[c];
        k.level_dbfs = level;
        out.checks.push_back(std::move(k));
      }
      if (ch.sine)
        out.result.points.push_back({static_cast<int>(c), level, ch.sine->fundamental_dbfs + cx.volts_db(),
                                     ch.sine->thd_db, ch.sine->thd_n_db});
    }
  }
  return out;
}

}  // namespace bench::session::steps
