// imd: a twin tone on both channels for each of settings.imd_standards (SMPTE, CCIF), read per ADC channel.

#include <algorithm>
#include <cmath>

#include "bench/analysis/imd_analysis.hpp"
#include "bench/core/error.hpp"
#include "bench/core/format.hpp"
#include "bench/io/sidecar.hpp"
#include "bench/session/checks.hpp"
#include "bench/session/steps/step.hpp"
#include "bench/session/steps/tone.hpp"

namespace bench::session::steps {

StepOutput<record::ImdResult> measure_imd(const StepContext& cx) {
  cx.require_signal();
  const auto& s = cx.settings;
  const double fs = cx.fs();
  cx.takes.use_load(cx.reference_load());
  StepOutput<record::ImdResult> out;
  for (const std::string& word : s.imd_standards) {
    const dsp::ImdStandard standard = dsp::parse_imd_standard(word);
    const dsp::ImdTones tones = dsp::imd_defaults(standard);
    const std::string upper = standard == dsp::ImdStandard::kSmpte ? "SMPTE" : "CCIF";
    cx.takes.progress(upper + " IMD at " + fixed(s.imd_level_dbfs, 1) + " dBFS");
    const auto spec = stimulus::make_twin_tone_spec(standard, tones, s.imd_level_dbfs, s.imd_duration_s, fs);
    dsp::Signal t = stimulus::generate_twin_tone(spec);
    fade_ends(t, fs);
    dsp::Frames body(t.size(), 2);
    body.col(0) = t, body.col(1) = t;
    const dsp::Frames cap = cx.takes.record(body, "imd_" + word, io::twin_tone_sidecar(spec, 2));
    const auto [start, len] = tone_window(cx, body.rows());
    if (start + len > cap.rows())
      throw MeasurementError("the twin tone's end came back after the capture ended: the chain's latency (" +
                             fixed(cx.latency_samples() / fs * 1000, 1) +
                             " ms) is longer than the step's postroll_s allows; raise postroll_s above it");
    record::ImdTake take;
    take.standard = word;
    take.f1_hz = spec.actual_f1_hz, take.f2_hz = spec.actual_f2_hz, take.ratio = tones.ratio;
    take.level_dbfs = s.imd_level_dbfs;
    take.analysed_s = static_cast<double>(len) / fs;
    analysis::ImdAnalysisOptions o;
    o.standard = standard, o.f1_hz = spec.actual_f1_hz, o.f2_hz = spec.actual_f2_hz;
    const std::string check_name = "imd_" + word + "_db";
    for (int c = 0; c < 2; ++c) {
      Check k;
      try {
        const analysis::ImdResult r = analysis::analyze_imd(cap.col(c).segment(start, len), fs, o);
        record::ImdChannel ch;
        ch.channel = c;
        ch.f1_hz = r.f1_hz, ch.f2_hz = r.f2_hz, ch.f1_dbfs = r.f1_dbfs, ch.f2_dbfs = r.f2_dbfs,
        ch.ratio = r.ratio;
        ch.output_dbv = dsp::amplitude_db(dsp::db_to_amplitude(r.f1_dbfs) + dsp::db_to_amplitude(r.f2_dbfs)) +
                        cx.volts_db();
        ch.imd_db = r.imd_db, ch.imd_percent = r.imd_percent, ch.dfd2_db = r.dfd2_db, ch.dfd3_db = r.dfd3_db;
        const analysis::ImdProduct* worst = nullptr;
        for (const auto& p : r.products) {
          ch.products.push_back({p.name, p.order, p.frequency_hz, p.level_dbfs, p.relative_db});
          if (!worst || p.relative_db > worst->relative_db) worst = &p;
        }
        take.channels.push_back(std::move(ch));
        k = judge(cx.limits, check_name, r.imd_db);
        k.explanation = upper + " IMD " + fixed(r.imd_percent, 4) + " %";
        if (r.dfd2_db && r.dfd3_db)
          k.explanation += " (dfd2 " + fixed(*r.dfd2_db, 1) + " dB, dfd3 " + fixed(*r.dfd3_db, 1) + " dB)";
        else if (worst)
          k.explanation += " (largest " + worst->name + " at " + fixed(worst->frequency_hz, 0) + " Hz, " +
                           fixed(worst->relative_db, 1) + " dB)";
        const double rail_dbv = 20 * std::log10(cx.plan.amp.rail_vpeak / std::sqrt(2.0));
        if (k.outcome == Outcome::kFail && take.channels.back().output_dbv > rail_dbv - 3)
          k.explanation += ": the amplifier is near its output limit at this level";
      } catch (const MeasurementError& e) {
        k = judge(cx.limits, check_name, record::kNaN);
        k.outcome = Outcome::kFail;
        k.explanation = std::string(record::kChannelNames[static_cast<std::size_t>(c)]) +
                        " channel carries no twin tone: " + e.what();
      }
      k.channel = record::kChannelNames[static_cast<std::size_t>(c)];
      k.level_dbfs = s.imd_level_dbfs;
      out.checks.push_back(std::move(k));
    }
    out.result.takes.push_back(std::move(take));
  }
  return out;
}

}  // namespace bench::session::steps
