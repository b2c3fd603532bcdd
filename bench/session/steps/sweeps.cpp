// sweeps: a synchronized exponential sweep on each channel alone. Which ADC channel carries it gives the
// channel map, the sign of its impulse peak the polarity; its response, harmonics and the leak into the
// other channel are kept for the report.

#include <array>
#include <cmath>
#include <optional>

#include "bench/analysis/sweep_analysis.hpp"
#include "bench/core/error.hpp"
#include "bench/core/format.hpp"
#include "bench/dsp/interpolate.hpp"
#include "bench/io/sidecar.hpp"
#include "bench/session/checks.hpp"
#include "bench/session/expectations.hpp"
#include "bench/session/steps/step.hpp"
#include "bench/signal/sweep.hpp"

namespace bench::session::steps {
namespace {

using record::kChannelNames;

Check channel_map_check(const StepContext& cx, const std::array<int, 2>& arrived) {
  std::string map;
  for (int s = 0; s < 2; ++s)
    map += std::string(s ? ", " : "") + (s ? "R" : "L") + "->" +
           (arrived[s] < 0 ? "none"
            : arrived[s]   ? "R"
                           : "L");
  Check cm = judge_word(cx.limits, "channel_map", map, "L->L, R->R");
  if (cm.outcome != Outcome::kFail) {
    cm.explanation = "each output arrives on its own channel";
    return cm;
  }
  if (arrived[0] == 1 && arrived[1] == 0)
    cm.explanation =
        "left and right are swapped: the left output arrives on the amp's right channel; check the plug "
        "order of the cable";
  else
    for (std::size_t s = 0; s < 2; ++s)
      if (arrived[s] < 0)
        cm.explanation =
            std::string("the ") + kChannelNames[s] +
            " output reaches no input: the channel is open or shorted" +
            (mono_plug_possible(cx.plan, cx.fixture) ? " (a mono TS plug in a stereo jack shorts the ring)"
                                                     : "");
  if (cm.explanation.empty()) cm.explanation = "channels arrive as " + map + " instead of L->L, R->R";
  return cm;
}

// Deviation from the 1 kHz value across 20 Hz to 20 kHz (within the sweep's band).
Check deviation_check(const StepContext& cx, const analysis::FrequencyResponse& fr) {
  double at_1k = 0, best_distance = 1e9, worst = 0, worst_f = 0;
  for (std::size_t i = 0; i < fr.frequency_hz.size(); ++i)
    if (std::abs(std::log(fr.frequency_hz[i] / 1000)) < best_distance)
      best_distance = std::abs(std::log(fr.frequency_hz[i] / 1000)), at_1k = fr.magnitude_db[i];
  for (std::size_t i = 0; i < fr.frequency_hz.size(); ++i) {
    const double f = fr.frequency_hz[i];
    if (f < plan::kBandLowHz || f > plan::kBandHighHz) continue;
    const double d = fr.magnitude_db[i] - at_1k;
    if (std::abs(d) > std::abs(worst)) worst = d, worst_f = f;
  }
  Check c = judge(cx.limits, "frequency_response_deviation_db", std::abs(worst));
  c.explanation = "largest deviation from the 1 kHz level: " + fixed(worst, 2) + " dB at " +
                  fixed(worst_f, 0) + " Hz" +
                  (c.outcome == Outcome::kFail
                       ? (worst_f < 200 ? ": the bass rolls off (coupling capacitor or load impedance?)"
                                        : ": the treble is coloured (band limit or load impedance?)")
                       : "");
  return c;
}

}  // namespace

StepOutput<record::SweepsResult> measure_sweeps(const StepContext& cx) {
  const auto& s = cx.settings;
  cx.takes.use_load(cx.reference_load());
  const auto spec = stimulus::make_sweep_spec(s.sweep_f1_hz, s.sweep_f2_hz, s.sweep_duration_s, cx.fs(),
                                              s.sweep_level_dbfs, 0.02);
  const dsp::Signal sweep = stimulus::generate_sweep(spec);
  analysis::SweepAnalysisOptions o;
  o.f1_hz = spec.f1_hz, o.f2_hz = spec.f2_hz, o.rate_l_s = spec.rate_l_s, o.fade_s = spec.fade_s;
  std::optional<analysis::SweepAnalyzer> analyzer;
  std::array<int, 2> arrived = {-1, -1};
  std::array<std::optional<analysis::SweepResult>, 2> response;
  StepOutput<record::SweepsResult> out;
  for (std::size_t s_ch = 0; s_ch < 2; ++s_ch) {
    cx.takes.progress(std::string("sweep on the ") + kChannelNames[s_ch] + " channel");
    dsp::Frames body = dsp::Frames::Zero(sweep.size(), 2);
    body.col(static_cast<Eigen::Index>(s_ch)) = sweep;
    nlohmann::json info = io::sweep_sidecar(spec, 2);
    info["driven_channel"] = kChannelNames[s_ch];
    const dsp::Frames cap = cx.takes.record(body, std::string("sweep_") + kChannelNames[s_ch], info);
    dsp::Signal played = dsp::Signal::Zero(cap.rows());
    played.segment(cx.takes.preroll_frames(), sweep.size()) = sweep;
    if (!analyzer) analyzer.emplace(played, cx.fs(), static_cast<std::size_t>(cap.rows()), o);
    double best = -1;
    for (int c = 0; c < 2; ++c) {
      try {
        auto r = analyzer->analyze(cap.col(c));
        if (r.peak_to_noise_db > best) best = r.peak_to_noise_db, arrived[s_ch] = c, response[s_ch] = r;
      } catch (const MeasurementError&) {
        // this channel does not carry the sweep
      }
    }
    if (arrived[s_ch] < 0) continue;
    const auto& r = *response[s_ch];
    if (r.latency_samples > static_cast<double>(cx.takes.postroll_frames())) {
      out.error = "the chain's latency (" + fixed(r.latency_samples / cx.fs() * 1000, 1) +
                  " ms) is longer than the step's postroll_s (" +
                  fixed(static_cast<double>(cx.takes.postroll_frames()) / cx.fs() * 1000, 1) +
                  " ms): the end of the sweep was not recorded; raise postroll_s above the latency";
      return out;
    }
    const auto leak = analyzer->analyze_at(cap.col(1 - arrived[s_ch]), r.latency_samples);
    record::SweepChannel ch;
    ch.arrived_on = arrived[s_ch];
    ch.latency_samples = r.latency_samples;
    ch.inverted = r.inverted;
    ch.frequency_hz = r.response.frequency_hz;
    ch.magnitude_db = r.response.magnitude_db;
    ch.phase_deg = r.response.phase_deg;
    // The swept crosstalk curve is kept for plots; it is noise-limited where the sweep is weak, so the
    // crosstalk check uses steady tones (the crosstalk step).
    std::vector<double> xt(r.response.frequency_hz.size());
    for (std::size_t i = 0; i < xt.size(); ++i)
      xt[i] = leak.response.magnitude_db[i] - r.response.magnitude_db[i];
    ch.crosstalk_db = dsp::smooth_octave_db(r.response.frequency_hz, xt, 3);
    // Every order the analysis separates (H2..H9), each listed where it lies inside the sweep.
    for (const auto& h : r.harmonics) ch.harmonics.push_back({h.order, h.frequency_hz, h.level_db});
    out.result.channels[s_ch] = std::move(ch);
  }
  if (out.result.no_signal()) {
    out.error =
        "no signal at all: neither channel's sweep reached the reference ADC; check that the chain is "
        "powered and connected";
    return out;
  }
  out.checks.push_back(channel_map_check(cx, arrived));
  for (std::size_t s_ch = 0; s_ch < 2; ++s_ch) {
    if (arrived[s_ch] < 0) continue;
    const auto& r = *response[s_ch];
    Check p = judge_word(cx.limits, "polarity", r.inverted ? "inverted" : "normal", "normal");
    p.channel = kChannelNames[s_ch];
    p.explanation = r.inverted ? std::string("the ") + kChannelNames[s_ch] + " channel is inverted" +
                                     (cx.fixture.destination_connector == plan::Connector::kXlr ||
                                              cx.fixture.source_connector == plan::Connector::kXlr
                                          ? ": pins 2 and 3 swapped in the XLR cable?"
                                          : ": hot and cold swapped in the cable?")
                               : "in phase with the stimulus";
    out.checks.push_back(std::move(p));
    Check d = deviation_check(cx, r.response);
    d.channel = kChannelNames[s_ch];
    out.checks.push_back(std::move(d));
  }
  return out;
}

}  // namespace bench::session::steps
