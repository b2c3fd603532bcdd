// max_output: into every load of the plan, the highest level whose THD+N stays under the plan's threshold
// (max_output_thd_n_percent), between max_output_start_dbfs and full scale. Levels where hum or noise alone
// exceed the threshold (below every clean level) do not count: the clean range starts at its lowest clean
// level and ends at the first level above it that crosses the threshold.
//
// max_output_search = "stepped": one take per level, raised in max_output_step_db steps until both channels
// cross, then bisected four times. "bursts": each take is a ladder (steps/tone.hpp) of a few levels read in
// 60 ms windows; the first holds full scale and levels spread over the search range, each next one levels
// spread inside each channel's bracket (highest clean, lowest crossed) until it is at most 0.05 dB wide.
// The number of levels per take minimises the audio of the whole search, pre- and post-roll included.
// Into the second and later loads the range starts as +-3 dB around the previous load's result.

#include <array>
#include <cmath>
#include <optional>
#include <vector>

#include "bench/core/format.hpp"
#include "bench/session/checks.hpp"
#include "bench/session/steps/step.hpp"
#include "bench/session/steps/tone.hpp"

namespace bench::session::steps {

namespace {

constexpr double kBurstResolutionDb = 0.05;

// The points of a search per channel, and what they say.
struct Bracket {
  std::optional<double> lo, hi;  ///< highest clean level below the crossing; the crossing
  double lo_dbv = -400;
  double lowest = 0, highest = 0;  ///< levels measured
  bool any = false;
};

struct Point {
  double level = 0, dbv = 0;
  bool crossed = false;
};

Bracket bracket_of(std::vector<Point> points) {
  Bracket b;
  if (points.empty()) return b;
  std::sort(points.begin(), points.end(), [](const Point& a, const Point& z) { return a.level < z.level; });
  b.any = true, b.lowest = points.front().level, b.highest = points.back().level;
  auto p = std::find_if(points.begin(), points.end(), [](const Point& q) { return !q.crossed; });
  for (; p != points.end(); ++p) {
    if (p->crossed) {
      b.hi = p->level;
      break;
    }
    b.lo = p->level, b.lo_dbv = p->dbv;
  }
  return b;
}

// Levels per ladder that make the search of a range `width_db` wide shortest in audio: with k levels
// spread inside a bracket, each take divides it by k + 1.
std::size_t levels_per_take(double width_db, double roll_s) {
  std::size_t best = 1;
  double best_s = 1e300;
  for (std::size_t k = 1; k <= 12; ++k) {
    const double takes =
        std::ceil(std::log(std::max(width_db / kBurstResolutionDb, 1.0)) / std::log(k + 1.0));
    const double s = takes * (Ladder::body_s(k) + roll_s);
    if (s < best_s - 1e-12) best = k, best_s = s;
  }
  return best;
}

void spread(std::vector<double>& levels, double lo, double hi, std::size_t k) {
  for (std::size_t i = 1; i <= k; ++i)
    levels.push_back(lo + (hi - lo) * static_cast<double>(i) / static_cast<double>(k + 1));
}

}  // namespace

StepOutput<record::MaxOutputResult> measure_max_output(const StepContext& cx) {
  cx.require_signal();
  const auto& s = cx.settings;
  const double threshold_db = 20 * std::log10(s.max_output_thd_n_percent / 100);
  const double step_s = std::max(0.35, s.tone_duration_s / 3);
  StepOutput<record::MaxOutputResult> out;
  // The lowest channel's result into the last load with one, dBFS: where the bursts into the next start.
  std::optional<double> previous;
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
    if (s.max_output_search == "stepped") {
      double level = s.max_output_start_dbfs;
      for (; level <= 0.0 + 1e-9 && !(above_dbfs[0] && above_dbfs[1]); level += s.max_output_step_db)
        measure(level);
      for (int it = 0; it < 4; ++it)
        for (std::size_t c = 0; c < 2; ++c)
          if (above_dbfs[c] && below_dbfs[c] && *above_dbfs[c] - *below_dbfs[c] > 0.1)
            measure(0.5 * (*above_dbfs[c] + *below_dbfs[c]));
    } else {
      std::array<std::vector<Point>, 2> points;
      const double start = s.max_output_start_dbfs;
      const double roll_s =
          (static_cast<double>(cx.takes.preroll_frames() + cx.takes.postroll_frames())) / cx.fs();
      // The first ladder: full scale, and levels over the range (+-3 dB around the previous load's result).
      double from = start, to = 0;
      if (previous) from = std::max(start, *previous - 3), to = std::min(0.0, *previous + 3);
      std::vector<double> levels{0.0};
      spread(levels, from, to, levels_per_take(to - from, roll_s));
      for (int burst = 0; !levels.empty() && burst < 12; ++burst) {
        std::sort(levels.begin(), levels.end());
        levels.erase(std::unique(levels.begin(), levels.end(),
                                 [](double a, double z) { return std::abs(a - z) < 1e-9; }),
                     levels.end());
        const auto got = play_ladder(cx, levels, "maxout_" + l.id + "_" + std::to_string(take++));
        for (std::size_t k = 0; k < levels.size(); ++k)
          for (std::size_t i = 0; i < 2; ++i) {
            const auto& ch = got[k][i];
            if (!ch.sine) continue;
            const double dbv = ch.sine->fundamental_dbfs + cx.volts_db();
            r.steps.push_back({static_cast<int>(i), levels[k], dbv, ch.sine->thd_n_db});
            points[i].push_back({levels[k], dbv, ch.sine->thd_n_db >= threshold_db});
          }
        levels.clear();
        for (std::size_t i = 0; i < 2; ++i) {
          const Bracket b = bracket_of(points[i]);
          if (!b.lo && b.any && b.lowest > start + 1e-9) {
            // Nothing clean yet: further down, to the start of the range.
            levels.push_back(start);
            spread(levels, start, b.lowest, levels_per_take(b.lowest - start, roll_s));
          } else if (b.lo && b.hi && *b.hi - *b.lo > kBurstResolutionDb + 1e-9) {
            spread(levels, *b.lo, *b.hi, levels_per_take(*b.hi - *b.lo, roll_s));
          }
        }
      }
      for (std::size_t i = 0; i < 2; ++i) {
        const Bracket b = bracket_of(points[i]);
        if (b.lo) below_dbfs[i] = b.lo, below_dbv[i] = b.lo_dbv;
        above_dbfs[i] = b.hi;
      }
    }
    std::optional<double> lowest;
    for (std::size_t i = 0; i < 2; ++i)
      if (below_dbfs[i]) lowest = lowest ? std::min(*lowest, *below_dbfs[i]) : *below_dbfs[i];
    if (lowest) previous = lowest;
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
