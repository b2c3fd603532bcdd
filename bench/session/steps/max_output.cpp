// max_output: into every load of the plan, the highest level whose THD+N stays under the plan's threshold:
// stepped from max_output_start_dbfs in max_output_step_db steps until it is crossed on both channels,
// then bisected. Levels where hum or noise alone exceed the threshold (before any clean level) do not count.

#include <array>
#include <cmath>
#include <optional>

#include "bench/core/format.hpp"
#include "bench/session/checks.hpp"
#include "bench/session/steps/step.hpp"
#include "bench/session/steps/tone.hpp"

namespace bench::session::steps {

StepOutput<record::MaxOutputResult> measure_max_output(const StepContext& cx) {
  cx.require_signal();
  const auto& s = cx.settings;
  const double threshold_db = 20 * std::log10(s.max_output_thd_n_percent / 100);
  const double step_s = std::max(0.35, s.tone_duration_s / 3);
  StepOutput<record::MaxOutputResult> out;
  for (const auto& l : cx.plan.loads) {
    cx.takes.use_load(l);
    cx.takes.progress("maximum output into " + l.id);
    // Per channel: the highest clean level (THD+N under the threshold) below the first level where it is
    // reached again.
    std::array<std::optional<double>, 2> below_dbfs, above_dbfs;
    std::array<double, 2> below_dbv{-400, -400};
    record::MaxOutputLoad r;
    r.load = l.id;
    r.nominal_ohm = l.nominal_ohm;
    int take = 0;
    auto measure = [&](double level) {
      const auto t = play_tone(cx, level, step_s, "maxout_" + l.id + "_" + std::to_string(take++));
      for (std::size_t i = 0; i < 2; ++i) {
        const auto& ch = t[i];
        if (!ch.sine) continue;
        r.steps.push_back(
            {static_cast<int>(i), level, ch.sine->fundamental_dbfs + cx.volts_db(), ch.sine->thd_n_db});
        if (ch.sine->thd_n_db >= threshold_db) {
          if (below_dbfs[i] && level > *below_dbfs[i] && (!above_dbfs[i] || level < *above_dbfs[i]))
            above_dbfs[i] = level;
        } else if ((!below_dbfs[i] || level > *below_dbfs[i]) && (!above_dbfs[i] || level < *above_dbfs[i])) {
          below_dbfs[i] = level;
          below_dbv[i] = ch.sine->fundamental_dbfs + cx.volts_db();
        }
      }
    };
    double level = s.max_output_start_dbfs;
    for (; level <= 0.0 + 1e-9 && !(above_dbfs[0] && above_dbfs[1]); level += s.max_output_step_db)
      measure(level);
    for (int it = 0; it < 4; ++it)
      for (std::size_t c = 0; c < 2; ++c)
        if (above_dbfs[c] && below_dbfs[c] && *above_dbfs[c] - *below_dbfs[c] > 0.1)
          measure(0.5 * (*above_dbfs[c] + *below_dbfs[c]));
    for (std::size_t i = 0; i < 2; ++i) {
      const bool clean = below_dbv[i] > -300;
      const double vrms = std::pow(10.0, below_dbv[i] / 20);
      const double mw = vrms * vrms / l.nominal_ohm * 1000;
      r.max_output_vrms[i] = clean ? vrms : record::kNaN;
      r.at_full_scale[i] = clean && !above_dbfs[i];
      Check k = judge(cx.limits, "max_output_vrms", clean ? vrms : 0.0);
      k.channel = record::kChannelNames[i];
      k.load = l.id;
      if (!clean) {
        k.value = std::monostate{}, k.outcome = Outcome::kFail;
        k.explanation = "no clean output at any level into " + l.name;
      } else if (!above_dbfs[i]) {
        k.explanation = "at least " + fixed(vrms, 2) + " Vrms (" + fixed(mw, 0) + " mW) into " + l.name +
                        ": the interface's full scale came before " + fixed(s.max_output_thd_n_percent, 1) +
                        " % THD+N";
      } else {
        k.explanation = fixed(vrms, 2) + " Vrms (" + fixed(mw, 0) + " mW) into " + l.name + " at " +
                        fixed(s.max_output_thd_n_percent, 1) + " % THD+N";
      }
      out.checks.push_back(std::move(k));
    }
    out.result.loads.push_back(std::move(r));
  }
  return out;
}

}  // namespace bench::session::steps
