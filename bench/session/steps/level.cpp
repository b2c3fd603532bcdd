// level: a tone at test_level_dbfs on both channels; level and gain against what the profiles predict
// (expectations.hpp), channel balance, and the reason a technician wants when a channel is off.

#include <array>
#include <cmath>

#include "bench/core/error.hpp"
#include "bench/core/format.hpp"
#include "bench/session/checks.hpp"
#include "bench/session/expectations.hpp"
#include "bench/session/steps/step.hpp"
#include "bench/session/steps/tone.hpp"

namespace bench::session::steps {
namespace {

// The reason a technician wants, from how far each channel is off (dB re the expectation).
std::string diagnose(const StepContext& cx, const Expectation& e, std::size_t c, double delta,
                     double other_delta) {
  const std::string side = record::kChannelNames[c];
  auto near = [](double v, double target) { return std::abs(v - target) < 1.5; };
  if (delta < -40)
    return side + " channel carries no signal (" + fixed(delta, 1) + " dB): a shorted or open channel" +
           (mono_plug_possible(cx.plan, cx.fixture)
                ? ", e.g. a mono TS plug in a stereo jack shorting the ring?"
                : "?");
  if (near(delta, 6.02) && near(other_delta, 6.02))
    return "both channels arrive " + fixed(delta, 1) +
           " dB high: the interface's output gain stage is not neutral? Set it to 0 dB";
  if (near(delta, -6.02))
    return side + " channel arrives " + fixed(-delta, 1) +
           " dB low: a balanced output driving an unbalanced input?";
  if (std::abs(delta) > 1.0)
    return side + " channel arrives " + fixed(std::abs(delta), 1) + (delta > 0 ? " dB high" : " dB low") +
           " against the profiles' expectation";
  std::string text = "as expected (" + fixed(delta, 2) + " dB)";
  if (e.cable_db < -1)
    text += ": this cabling costs " + fixed(-e.cable_db, 1) + " dB of level against a balanced run";
  return text;
}

}  // namespace

StepOutput<record::LevelResult> measure_level(const StepContext& cx) {
  const auto& s = cx.settings;
  const plan::Load& load = cx.reference_load();
  cx.takes.use_load(load);
  cx.takes.progress("level and gain at " + fixed(s.tone_frequency_hz, 0) + " Hz");
  const auto t = play_tone(cx, s.test_level_dbfs, s.tone_duration_s, "level");
  if (!t[0].sine && !t[1].sine)
    throw MeasurementError("no signal at all at " + fixed(s.tone_frequency_hz, 0) +
                           " Hz on either channel: check that the chain is powered and connected");
  const Expectation e = expect(cx.plan, cx.fixture, load);
  StepOutput<record::LevelResult> out;
  record::LevelResult& r = out.result;
  r.stimulus_dbfs = s.test_level_dbfs;
  r.source_dbv = s.test_level_dbfs + e.source_dbv_at_0dbfs;
  r.expected_dbv = r.source_dbv + e.chain_gain_db();
  r.expected_chain_gain_db = e.chain_gain_db();
  r.source_loading_db = e.source_loading_db, r.cable_db = e.cable_db, r.amp_gain_db = e.amp_gain_db,
  r.output_loading_db = e.output_loading_db;
  for (std::size_t c = 0; c < 2; ++c) r.level_dbv[c] = t[c].level_dbfs + cx.volts_db();
  for (std::size_t c = 0; c < 2; ++c) {
    const double lv = r.level_dbv[c];
    const std::string diagnosis =
        diagnose(cx, e, c, lv - r.expected_dbv, r.level_dbv[1 - c] - r.expected_dbv);
    Check l = judge_expected(cx.limits, "level_dbv", lv, r.expected_dbv);
    l.channel = record::kChannelNames[c];
    l.level_dbfs = s.test_level_dbfs;
    l.explanation = diagnosis;
    out.checks.push_back(std::move(l));
    Check g = judge_expected(cx.limits, "gain_db", lv - r.source_dbv, e.chain_gain_db());
    g.channel = record::kChannelNames[c];
    g.explanation = diagnosis;
    out.checks.push_back(std::move(g));
  }
  const double balance = std::abs(r.level_dbv[0] - r.level_dbv[1]);
  Check b = judge(cx.limits, "channel_balance_db", balance);
  b.explanation = b.outcome == Outcome::kFail ? "left and right differ by " + fixed(balance, 2) + " dB at " +
                                                    fixed(s.tone_frequency_hz, 0) + " Hz"
                                              : "left and right within " + fixed(balance, 2) + " dB";
  out.checks.push_back(std::move(b));
  return out;
}

}  // namespace bench::session::steps
