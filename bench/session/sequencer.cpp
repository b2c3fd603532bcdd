#include "bench/session/sequencer.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <optional>
#include <thread>

#include "bench/analysis/capture_check.hpp"
#include "bench/analysis/drift.hpp"
#include "bench/analysis/noise_analysis.hpp"
#include "bench/analysis/power_spectrum.hpp"
#include "bench/analysis/sine_analysis.hpp"
#include "bench/analysis/sweep_analysis.hpp"
#include "bench/core/error.hpp"
#include "bench/dsp/interpolate.hpp"
#include "bench/dsp/resample.hpp"
#include "bench/io/sidecar.hpp"
#include "bench/io/usb/relay_board.hpp"
#include "bench/io/wav.hpp"
#include "bench/session/checks.hpp"
#include "bench/session/expectations.hpp"
#include "bench/session/impedance_measurement.hpp"
#include "bench/signal/sweep.hpp"
#include "bench/signal/tone.hpp"

namespace bench::session {
namespace {

// The operator declined a set-up prompt: the run stops like it does for a device that is gone.
struct OperatorStop : HardwareError {
  using HardwareError::HardwareError;
};

using nlohmann::json;
constexpr std::array<const char*, 2> kSide = {"left", "right"};
// Below this the two clocks are the same for every measurement the bench makes (a 10 s capture slips
// 0.005 samples), so captures are analysed as recorded, bit for bit.
constexpr double kDriftCorrectionPpm = 0.1;

std::string db_text(double v, int digits = 1) {
  char b[32];
  std::snprintf(b, sizeof b, "%.*f", digits, v);
  return b;
}

// Everything one cable configuration's measurements share.
class Configuration {
 public:
  Configuration(const plan::Plan& plan, const plan::Fixture& fixture, Endpoint& endpoint, const RunOptions& options,
                ConfigurationResult& out, std::function<void(const std::string&)> step)
      : plan_(plan), fx_(fixture), ep_(endpoint), options_(options), out_(out), step_(std::move(step)),
        s_(plan.settings), fs_(plan.settings.sample_rate_hz), limits_(plan.limits) {
    pre_ = static_cast<Eigen::Index>(std::llround(s_.preroll_s * fs_));
    post_ = static_cast<Eigen::Index>(std::llround(s_.postroll_s * fs_));
    reference_ = &load(s_.reference_load);
    expected_ = expect(plan_, fx_, *reference_);
    volts_db_ = 20 * std::log10(plan_.adc.fullscale_vrms);
    capture_dir_ = options_.run_dir / "captures" / fx_.id;
    if (options_.write_captures) std::filesystem::create_directories(capture_dir_);
  }

  void run() {
    use_load(*reference_);
    guarded({"clock_drift_ppm"}, [&] { clock(); });
    guarded({"channel_map", "polarity", "frequency_response_deviation_db"}, [&] { sweeps(); });
    guarded({"crosstalk_db"}, [&] { crosstalk(); });
    guarded({"level_dbv", "gain_db", "channel_balance_db"}, [&] { levels(); });
    guarded({"thd_db", "thd_n_db"}, [&] { distortion(); });
    guarded({"max_output_vrms"}, [&] { max_output(); });
    use_load(*reference_);
    guarded({"noise_dbv_a", "hum_dbv", "snr_db"}, [&] { noise(); });
    if (!plan_.impedance_loads.empty()) {
      guarded({"output_impedance_ohm", "loading_deviation_db", "damping_factor", "source_loading_db"}, [&] { impedance(); });
      current_load_ = s_.reference_load;
    }
  }

 private:
  const plan::Load& load(const std::string& id) const {
    for (const auto& l : plan_.loads)
      if (l.id == id) return l;
    throw ConfigError(plan_.file.string() + ": settings.reference_load '" + id + "' is not among the plan's loads");
  }

  // Sets the relays to the fixture's cable path plus `load_relays` (every other relay off), switching
  // only those that differ, waits the fixture's settling time and records the state in the report.
  void switch_relays(const std::string& purpose, const std::vector<int>& load_relays) {
    usb::RelayBoard& board = *options_.relay_board;
    std::vector<int> on = fx_.relays->path;
    for (int r : load_relays)
      if (std::find(on.begin(), on.end(), r) == on.end()) on.push_back(r);
    std::sort(on.begin(), on.end());
    const std::uint8_t before = board.state();
    for (int r = 1; r <= std::max(board.relays(), on.empty() ? 0 : on.back()); ++r) {
      const bool want = std::find(on.begin(), on.end(), r) != on.end();
      const bool is = r <= 8 && ((before >> (r - 1)) & 1) != 0;
      if (want != is) board.set(r, want);
    }
    if (fx_.relays->settling_s > 0) std::this_thread::sleep_for(std::chrono::duration<double>(fx_.relays->settling_s));
    if (!out_.measurements.contains("relays")) out_.measurements["relays"] = json::array();
    out_.measurements["relays"].push_back({{"for", purpose}, {"relays_on", on}, {"state", board.state()},
                                           {"board", board.describe()}, {"settling_s", fx_.relays->settling_s}});
    relay_path_set_ = true;
  }

  // Puts `load` on the amplifier's output: on real gear the operator (or a relay board) changes it when
  // it is not the one connected; the endpoint is configured for it either way.
  void use_load(const plan::Load& load) {
    if (options_.relay_board != nullptr && fx_.relays) {
      const auto mapped = fx_.relays->loads.find(load.id);
      if (mapped != fx_.relays->loads.end()) {
        switch_relays("load " + load.id, mapped->second);
        connected_load_ = load.id;
        ep_.configure(fx_, load);
        return;
      }
      // The board sets the cable path; the operator connects a load it cannot switch.
      if (!relay_path_set_) switch_relays("cable path", {});
    }
    const std::string instruction =
        load.kind == plan::Load::Kind::kOpen
            ? "Disconnect the load '" + connected_load_ + "' from the amplifier's output and leave it open (only the reference ADC on it)"
            : "Connect the load '" + load.name + "' (" + load.id + ") to the amplifier's output in place of '" + connected_load_ + "'";
    if (options_.operator_prompts && options_.ask_operator && connected_load_ != load.id && !connected_load_.empty() &&
        !options_.ask_operator(instruction))
      throw OperatorStop("run stopped by the operator before the load " + load.id);
    connected_load_ = load.id;
    ep_.configure(fx_, load);
  }

  // Runs one measurement; if the bench cannot make it, its checks become ERROR with the reason.
  void guarded(const std::vector<std::string>& names, const std::function<void()>& body) {
    try {
      body();
    } catch (const MeasurementError& e) {
      out_.errors.push_back(e.what());
      for (const auto& n : names) {
        Check c;
        c.name = n;
        c.outcome = Outcome::kError;
        c.explanation = std::string("not measured: ") + e.what();
        out_.checks.push_back(c);
      }
    }
  }

  void add(Check c) { out_.checks.push_back(std::move(c)); }

  // Plays a stimulus body (frames x 2 source channels) with pre- and post-roll, keeps the capture as a
  // float WAV with its stimulus parameters beside it, and refuses a clipped capture.
  dsp::Frames record(const dsp::Frames& body, const std::string& name, json stimulus) {
    dsp::Frames played = dsp::Frames::Zero(pre_ + body.rows() + post_, 2);
    played.middleRows(pre_, body.rows()) = body;
    ep_.set_take(fx_.id + "/" + name);
    // Analyse exactly what is kept on disk (float32), so bench reanalyze reproduces every check bit for bit.
    dsp::Frames cap = ep_.play_and_record(played).cast<float>().cast<double>();
    const json take = ep_.take_info();
    if (take.contains("retried_because") && !take["retried_because"].empty()) {
      if (!out_.measurements.contains("retried_takes")) out_.measurements["retried_takes"] = json::array();
      out_.measurements["retried_takes"].push_back({{"take", name}, {"attempts", take["attempts"]}, {"retried_because", take["retried_because"]}});
    }
    if (options_.write_captures) {
      const std::filesystem::path wav = capture_dir_ / (name + ".wav");
      io::write_wav(wav, cap, fs_);
      stimulus["schema"] = "bench.capture/1";
      stimulus["fixture"] = fx_.id;
      stimulus["load"] = current_load_;
      stimulus["sample_rate_hz"] = fs_;
      stimulus["preroll_frames"] = pre_;
      stimulus["postroll_frames"] = post_;
      stimulus["backend"] = ep_.describe();
      if (!take.empty()) stimulus["endpoint"] = take;
      stimulus["clock_drift_corrected_ppm"] = correct_drift() ? json(*drift_ppm_) : json(nullptr);
      io::write_json(io::sidecar_path(wav), stimulus);
    }
    out_.captures.push_back((std::filesystem::path("captures") / fx_.id / (name + ".wav")).generic_string());
    for (Eigen::Index c = 0; c < cap.cols(); ++c) {
      const double peak = cap.col(c).cwiseAbs().maxCoeff();
      if (!std::isfinite(peak))
        throw MeasurementError(name + ": the capture on ADC channel " + std::to_string(c) + " holds NaN or infinite samples");
      if (peak >= analysis::kClipThreshold)
        throw MeasurementError(name + ": the reference ADC clipped on its " + kSide[static_cast<std::size_t>(c)] +
                               " channel: lower the stimulus level or use a larger ADC input range");
    }
    // The raw capture stays on disk as recorded; the analysis sees it on the interface's clock.
    if (correct_drift())
      for (Eigen::Index c = 0; c < cap.cols(); ++c) cap.col(c) = dsp::correct_clock_drift(cap.col(c), *drift_ppm_);
    return cap;
  }

  bool correct_drift() const { return drift_ppm_ && std::abs(*drift_ppm_) >= kDriftCorrectionPpm; }

  // ---- the two clocks: a steady tone on both channels; its frequency as recorded gives the drift ----
  void clock() {
    step_("clock drift (steady tone)");
    const auto spec = stimulus::make_tone_spec(s_.tone_frequency_hz, s_.test_level_dbfs, s_.tone_duration_s, fs_, true);
    dsp::Signal t = stimulus::generate_tone(spec);
    const auto ramp = std::min<Eigen::Index>(t.size() / 4, static_cast<Eigen::Index>(0.01 * fs_));
    for (Eigen::Index i = 0; i < ramp; ++i) {
      const double g = 0.5 - 0.5 * std::cos(dsp::kPi * static_cast<double>(i) / static_cast<double>(ramp));
      t[i] *= g, t[t.size() - 1 - i] *= g;
    }
    dsp::Frames body(t.size(), 2);
    body.col(0) = t, body.col(1) = t;
    json info = io::tone_sidecar(spec, 2);
    info["purpose"] = "clock drift";
    const dsp::Frames cap = record(body, "clock", info);
    // The latency is not known yet: skip 0.1 s (more than any interface's round trip) and the fades.
    const auto skip = static_cast<Eigen::Index>(0.1 * fs_);
    const auto len = t.size() - skip - 2 * ramp;
    json j = {{"tone_hz", spec.actual_frequency_hz}, {"tolerance_ppm", s_.drift_tolerance_ppm},
              {"correction_threshold_ppm", kDriftCorrectionPpm}};
    analysis::DriftEstimate d;
    try {
      d = analysis::estimate_clock_drift(cap, pre_ + skip + ramp, len, fs_, spec.actual_frequency_hz);
    } catch (const MeasurementError& e) {
      // No tone came back: nothing to correct, and the sweeps say what is wrong with the chain.
      j["drift_ppm"] = nullptr;
      j["explanation"] = std::string("not measured: ") + e.what();
      out_.measurements["clock"] = j;
      return;
    }
    j["drift_ppm"] = d.drift_ppm;
    j["measured_hz"] = d.measured_hz;
    j["channel"] = kSide[static_cast<std::size_t>(d.channel)];
    j["corrected"] = std::abs(d.drift_ppm) >= kDriftCorrectionPpm && std::abs(d.drift_ppm) <= s_.drift_tolerance_ppm + 0.01;
    out_.measurements["clock"] = j;
    Check k;
    k.name = "clock_drift_ppm", k.unit = "ppm", k.value = d.drift_ppm, k.outcome = Outcome::kInfo;
    // The tone fit resolves far better than 0.01 ppm; the tolerance is compared at that resolution.
    if (std::abs(d.drift_ppm) > s_.drift_tolerance_ppm + 0.01) {
      clock_error_ = "the reference ADC's clock is " + db_text(d.drift_ppm, 1) + " ppm off the interface's, beyond the plan's drift_tolerance_ppm (" +
                     db_text(s_.drift_tolerance_ppm, 0) + "): check that both devices run at " + db_text(fs_, 0) + " Hz, or lock them to one clock";
      throw MeasurementError(clock_error_);
    }
    drift_ppm_ = d.drift_ppm;
    k.explanation = std::abs(d.drift_ppm) < kDriftCorrectionPpm
                        ? "the ADC's clock matches the interface's (" + db_text(d.drift_ppm, 3) + " ppm): captures analysed as recorded"
                        : "the ADC's clock runs " + db_text(d.drift_ppm, 2) + " ppm off the interface's: every capture is resampled onto the interface's clock before analysis";
    add(k);
  }

  // With the clocks too far apart nothing the bench measures is trustworthy.
  void require_clock() const {
    if (!clock_error_.empty()) throw MeasurementError(clock_error_);
  }

  // ---- channel map, polarity, frequency response, harmonics, crosstalk (one sweep per channel) ----
  void sweeps() {
    require_clock();
    const auto spec = stimulus::make_sweep_spec(s_.sweep_f1_hz, s_.sweep_f2_hz, s_.sweep_duration_s, fs_, s_.sweep_level_dbfs, 0.02);
    const dsp::Signal sweep = stimulus::generate_sweep(spec);
    analysis::SweepAnalysisOptions o;
    o.f1_hz = spec.f1_hz, o.f2_hz = spec.f2_hz, o.rate_l_s = spec.rate_l_s, o.fade_s = spec.fade_s;
    std::optional<analysis::SweepAnalyzer> analyzer;
    std::array<int, 2> arrived = {-1, -1};
    std::array<std::optional<analysis::SweepResult>, 2> response;
    json fr = json::object();
    for (int s = 0; s < 2; ++s) {
      step_(std::string("sweep on the ") + kSide[static_cast<std::size_t>(s)] + " channel");
      dsp::Frames body = dsp::Frames::Zero(sweep.size(), 2);
      body.col(s) = sweep;
      json info = io::sweep_sidecar(spec, 2);
      info["driven_channel"] = kSide[static_cast<std::size_t>(s)];
      const dsp::Frames cap = record(body, std::string("sweep_") + kSide[static_cast<std::size_t>(s)], info);
      dsp::Signal played = dsp::Signal::Zero(cap.rows());
      played.segment(pre_, sweep.size()) = sweep;
      if (!analyzer) analyzer.emplace(played, fs_, static_cast<std::size_t>(cap.rows()), o);
      double best = -1;
      for (int c = 0; c < 2; ++c) {
        try {
          auto r = analyzer->analyze(cap.col(c));
          if (r.peak_to_noise_db > best) best = r.peak_to_noise_db, arrived[static_cast<std::size_t>(s)] = c, response[static_cast<std::size_t>(s)] = r;
        } catch (const MeasurementError&) {
          // this channel does not carry the sweep
        }
      }
      if (arrived[static_cast<std::size_t>(s)] < 0) continue;
      const auto& r = *response[static_cast<std::size_t>(s)];
      latency_ = r.latency_samples;
      const int other = 1 - arrived[static_cast<std::size_t>(s)];
      const auto leak = analyzer->analyze_at(cap.col(other), r.latency_samples);
      std::vector<double> xt(r.response.frequency_hz.size());
      // The swept crosstalk curve is kept for plots; it is noise-limited where the sweep is weak, so the
      // crosstalk check uses steady tones (crosstalk()).
      for (std::size_t i = 0; i < xt.size(); ++i) xt[i] = leak.response.magnitude_db[i] - r.response.magnitude_db[i];
      xt = dsp::smooth_octave_db(r.response.frequency_hz, xt, 3);
      fr[kSide[static_cast<std::size_t>(s)]] = {{"arrived_on", kSide[static_cast<std::size_t>(arrived[static_cast<std::size_t>(s)])]},
                                                {"latency_samples", r.latency_samples},
                                                {"polarity", r.inverted ? "inverted" : "normal"},
                                                {"frequency_hz", r.response.frequency_hz},
                                                {"magnitude_db", r.response.magnitude_db},
                                                {"phase_deg", r.response.phase_deg},
                                                {"crosstalk_db", xt}};
      json harmonics = json::array();
      for (const auto& h : r.harmonics)
        if (h.order <= 5) harmonics.push_back({{"order", h.order}, {"frequency_hz", h.frequency_hz}, {"level_db", h.level_db}});
      fr[kSide[static_cast<std::size_t>(s)]]["harmonics"] = harmonics;
    }
    out_.measurements["sweep"] = fr;
    arrived_ = arrived;
    if (arrived[0] < 0 && arrived[1] < 0) {
      no_signal_ = true;
      throw MeasurementError("no signal at all: neither channel's sweep reached the reference ADC; check that the chain is powered and connected");
    }

    // Channel map.
    std::string map;
    for (int s = 0; s < 2; ++s)
      map += std::string(s ? ", " : "") + (s ? "R" : "L") + "->" + (arrived[static_cast<std::size_t>(s)] < 0 ? "none" : arrived[static_cast<std::size_t>(s)] ? "R" : "L");
    Check cm = judge_word(limits_, "channel_map", map, "L->L, R->R");
    if (cm.outcome == Outcome::kFail) {
      if (arrived[0] == 1 && arrived[1] == 0)
        cm.explanation = "left and right are swapped: the left output arrives on the amp's right channel; check the plug order of the cable";
      else
        for (int s = 0; s < 2; ++s)
          if (arrived[static_cast<std::size_t>(s)] < 0)
            cm.explanation = std::string("the ") + kSide[static_cast<std::size_t>(s)] + " output reaches no input: the channel is open or shorted" +
                             (mono_plug_possible() ? " (a mono TS plug in a stereo jack shorts the ring)" : "");
      if (cm.explanation.empty()) cm.explanation = "channels arrive as " + map + " instead of L->L, R->R";
    } else {
      cm.explanation = "each output arrives on its own channel";
    }
    add(cm);

    for (int s = 0; s < 2; ++s) {
      if (arrived[static_cast<std::size_t>(s)] < 0) continue;
      const auto& r = *response[static_cast<std::size_t>(s)];
      Check p = judge_word(limits_, "polarity", r.inverted ? "inverted" : "normal", "normal");
      p.channel = kSide[static_cast<std::size_t>(s)];
      p.explanation = r.inverted ? std::string("the ") + kSide[static_cast<std::size_t>(s)] + " channel is inverted" +
                                       (fx_.destination_connector == plan::Connector::kXlr || fx_.source_connector == plan::Connector::kXlr
                                            ? ": pins 2 and 3 swapped in the XLR cable?"
                                            : ": hot and cold swapped in the cable?")
                                 : "in phase with the stimulus";
      add(p);
      // Deviation from the 1 kHz value across 20 Hz to 20 kHz (within the sweep's band).
      double at_1k = 0, best_distance = 1e9, worst = 0, worst_f = 0;
      for (std::size_t i = 0; i < r.response.frequency_hz.size(); ++i)
        if (std::abs(std::log(r.response.frequency_hz[i] / 1000)) < best_distance)
          best_distance = std::abs(std::log(r.response.frequency_hz[i] / 1000)), at_1k = r.response.magnitude_db[i];
      for (std::size_t i = 0; i < r.response.frequency_hz.size(); ++i) {
        const double f = r.response.frequency_hz[i];
        if (f < 20 || f > 20000) continue;
        const double d = r.response.magnitude_db[i] - at_1k;
        if (std::abs(d) > std::abs(worst)) worst = d, worst_f = f;
      }
      Check fr_check = judge(limits_, "frequency_response_deviation_db", std::abs(worst), "dB");
      fr_check.channel = kSide[static_cast<std::size_t>(s)];
      fr_check.explanation = "largest deviation from the 1 kHz level: " + db_text(worst, 2) + " dB at " + db_text(worst_f, 0) + " Hz" +
                             (fr_check.outcome == Outcome::kFail ? (worst_f < 200 ? ": the bass rolls off (coupling capacitor or load impedance?)"
                                                                                  : ": the treble is coloured (band limit or load impedance?)")
                                                                 : "");
      add(fr_check);
    }
  }

  // Crosstalk with steady tones: drive one channel with 85 Hz, 1035 Hz and 10035 Hz at the test level and
  // read the other channel at those frequencies, narrow-band, far below the wide-band noise.
  void crosstalk() {
    require_signal();
    // At least 15 Hz from every 50 and 60 Hz mains harmonic (each reading spans +-8 bins, about +-9 Hz),
    // so hum on the undriven channel is not read as crosstalk.
    const std::array<double, 3> freqs = {85.0, 1035.0, 10035.0};
    const auto frames = static_cast<Eigen::Index>(std::llround(s_.tone_duration_s * fs_));
    const double amplitude = std::pow(10.0, (s_.test_level_dbfs - 20 * std::log10(3.0)) / 20);  // same peak as one tone
    json curves = json::object();
    for (int s = 0; s < 2; ++s) {
      step_(std::string("crosstalk from the ") + kSide[static_cast<std::size_t>(s)] + " channel");
      dsp::Frames body = dsp::Frames::Zero(frames, 2);
      std::array<double, 3> actual{};
      for (std::size_t k = 0; k < freqs.size(); ++k) {
        actual[k] = std::round(freqs[k] * s_.tone_duration_s) / s_.tone_duration_s;
        for (Eigen::Index i = 0; i < frames; ++i)
          body(i, s) += amplitude * std::sin(2 * dsp::kPi * actual[k] * static_cast<double>(i) / fs_ + static_cast<double>(k));
      }
      const auto ramp = static_cast<Eigen::Index>(0.01 * fs_);
      for (Eigen::Index i = 0; i < ramp; ++i) {
        const double g = 0.5 - 0.5 * std::cos(dsp::kPi * static_cast<double>(i) / static_cast<double>(ramp));
        body.row(i) *= g, body.row(frames - 1 - i) *= g;
      }
      const dsp::Frames cap = record(body, std::string("crosstalk_") + kSide[static_cast<std::size_t>(s)],
                                     {{"kind", "multitone"}, {"frequencies_hz", actual}, {"level_dbfs_each", 20 * std::log10(amplitude)},
                                      {"driven_channel", kSide[static_cast<std::size_t>(s)]}});
      const auto start = pre_ + static_cast<Eigen::Index>(std::llround(latency_)) + static_cast<Eigen::Index>(0.1 * fs_);
      const auto len = frames - static_cast<Eigen::Index>(0.1 * fs_) - 2 * ramp;
      const analysis::PowerSpectrum a(cap.col(0).segment(start, len), fs_), b(cap.col(1).segment(start, len), fs_);
      // The driven output is where the channel map found this channel; no crosstalk without it.
      const std::string from = kSide[static_cast<std::size_t>(s)], to = kSide[static_cast<std::size_t>(1 - s)];
      if (arrived_[static_cast<std::size_t>(s)] < 0) {
        Check c;
        c.name = "crosstalk_db", c.unit = "dB", c.value = nullptr, c.channel = from + "->" + to;
        c.explanation = "not measured: the " + from + " output reaches no input (see channel_map)";
        add(c);
        continue;
      }
      const bool on_a = arrived_[static_cast<std::size_t>(s)] == 0;
      const analysis::PowerSpectrum& driven = on_a ? a : b;
      const analysis::PowerSpectrum& other = on_a ? b : a;
      double worst = -400, worst_f = 0;
      json points = json::array();
      for (double f : actual) {
        const double x = 10 * std::log10(other.tone_power(f) / driven.tone_power(f));
        points.push_back({{"frequency_hz", f}, {"crosstalk_db", x}});
        if (x > worst) worst = x, worst_f = f;
      }
      Check c = judge(limits_, "crosstalk_db", worst, "dB");
      c.channel = from + "->" + to;
      c.explanation = c.outcome == Outcome::kFail
                          ? "the " + from + " channel leaks into the " + to + " at " + db_text(worst) + " dB (" + db_text(worst_f, 0) +
                                " Hz): a shared ground return in the cable, or a TRS plug in a mono jack?"
                          : "worst at 85 Hz, 1035 Hz and 10035 Hz: " + db_text(worst) + " dB at " + db_text(worst_f, 0) + " Hz";
      add(c);
      curves[from] = points;
    }
    out_.measurements["crosstalk"] = curves;
  }

  // A steady tone on both channels; per ADC channel the sine analysis, or, where no tone arrived, the
  // level of what did arrive at the tone's frequency.
  struct ToneChannel {
    std::optional<analysis::SineResult> sine;
    double level_dbfs = -400;
  };

  std::array<ToneChannel, 2> tone(double level_dbfs, double duration_s, const std::string& name) {
    const auto spec = stimulus::make_tone_spec(s_.tone_frequency_hz, level_dbfs, duration_s, fs_, true);
    dsp::Signal t = stimulus::generate_tone(spec);
    const auto ramp = std::min<Eigen::Index>(t.size() / 4, static_cast<Eigen::Index>(0.01 * fs_));
    for (Eigen::Index i = 0; i < ramp; ++i) {
      const double g = 0.5 - 0.5 * std::cos(dsp::kPi * static_cast<double>(i) / static_cast<double>(ramp));
      t[i] *= g, t[t.size() - 1 - i] *= g;
    }
    dsp::Frames body(t.size(), 2);
    body.col(0) = t, body.col(1) = t;
    const dsp::Frames cap = record(body, name, io::tone_sidecar(spec, 2));
    // Skip the latency, the fade and the settling of the chain's high-pass; stop before the fade-out.
    const auto settle = static_cast<Eigen::Index>(0.1 * fs_);
    const auto start = pre_ + static_cast<Eigen::Index>(std::llround(latency_)) + settle;
    const auto len = t.size() - settle - 2 * ramp;
    if (len < static_cast<Eigen::Index>(0.05 * fs_)) throw ConfigError(plan_.file.string() + ": tones must last at least 0.3 s");
    std::array<ToneChannel, 2> result;
    analysis::SineAnalysisOptions o;
    o.frequency_hz = spec.actual_frequency_hz;
    o.mains_hz = fx_.mains_hz;
    for (int c = 0; c < 2; ++c) {
      const dsp::Signal x = cap.col(c).segment(start, len);
      try {
        result[static_cast<std::size_t>(c)].sine = analysis::analyze_sine(x, fs_, o);
        result[static_cast<std::size_t>(c)].level_dbfs = result[static_cast<std::size_t>(c)].sine->fundamental_dbfs;
      } catch (const MeasurementError&) {
        result[static_cast<std::size_t>(c)].level_dbfs = dsp::power_to_dbfs(analysis::PowerSpectrum(x, fs_).tone_power(spec.actual_frequency_hz));
      }
    }
    return result;
  }

  void levels() {
    require_clock();
    step_("level and gain at " + db_text(s_.tone_frequency_hz, 0) + " Hz");
    const auto t = tone(s_.test_level_dbfs, s_.tone_duration_s, "level");
    if (!t[0].sine && !t[1].sine) no_signal_ = true;
    if (!t[0].sine && !t[1].sine)
      throw MeasurementError("no signal at all at " + db_text(s_.tone_frequency_hz, 0) +
                             " Hz on either channel: check that the chain is powered and connected");
    const double source_dbv = s_.test_level_dbfs + expected_.source_dbv_at_0dbfs;
    const double expected_level = source_dbv + expected_.chain_gain_db();
    std::array<double, 2> level{};
    for (int c = 0; c < 2; ++c) {
      level[static_cast<std::size_t>(c)] = t[static_cast<std::size_t>(c)].level_dbfs + volts_db_;
      tone_level_dbv_[static_cast<std::size_t>(c)] = level[static_cast<std::size_t>(c)];
    }
    for (int c = 0; c < 2; ++c) {
      const double lv = level[static_cast<std::size_t>(c)];
      const double delta = lv - expected_level;
      const std::string diagnosis = diagnose(c, delta, level[static_cast<std::size_t>(1 - c)] - expected_level);
      Check l = judge_expected(limits_, "level_dbv", lv, expected_level, "dBV");
      l.channel = kSide[static_cast<std::size_t>(c)];
      l.level_dbfs = s_.test_level_dbfs;
      l.explanation = diagnosis;
      add(l);
      Check g = judge_expected(limits_, "gain_db", lv - source_dbv, expected_.chain_gain_db(), "dB");
      g.channel = kSide[static_cast<std::size_t>(c)];
      g.explanation = diagnosis;
      add(g);
    }
    const double balance = std::abs(level[0] - level[1]);
    Check b = judge(limits_, "channel_balance_db", balance, "dB");
    b.explanation = b.outcome == Outcome::kFail ? "left and right differ by " + db_text(balance, 2) + " dB at " + db_text(s_.tone_frequency_hz, 0) + " Hz"
                                                : "left and right within " + db_text(balance, 2) + " dB";
    add(b);
    levels_measured_ = true;
    out_.measurements["level"] = {{"stimulus_dbfs", s_.test_level_dbfs},
                                  {"source_dbv", source_dbv},
                                  {"expected_dbv", expected_level},
                                  {"expected_chain_gain_db", expected_.chain_gain_db()},
                                  {"expected_terms_db",
                                   {{"source_loading", expected_.source_loading_db},
                                    {"cable", expected_.cable_db},
                                    {"amp_gain", expected_.amp_gain_db},
                                    {"output_loading", expected_.output_loading_db}}},
                                  {"level_dbv", level}};
  }

  // A stereo jack on the source (or a TS plug declared in it) is where a mono plug shorts a channel.
  bool mono_plug_possible() const {
    const auto port = plan_.interface.ports.find(fx_.source_port);
    return fx_.source_connector == plan::Connector::kTs || fx_.source_connector == plan::Connector::kStereoTrs ||
           (port != plan_.interface.ports.end() && port->second.connector == plan::Connector::kStereoTrs);
  }

  // The reason a technician wants, from how far each channel is off (dB re the expectation).
  std::string diagnose(int c, double delta, double other_delta) const {
    const std::string side = kSide[static_cast<std::size_t>(c)];
    auto near = [](double v, double target) { return std::abs(v - target) < 1.5; };
    if (delta < -40)
      return side + " channel carries no signal (" + db_text(delta) + " dB): a shorted or open channel" +
             (mono_plug_possible() ? ", e.g. a mono TS plug in a stereo jack shorting the ring?" : "?");
    if (near(delta, 6.02) && near(other_delta, 6.02))
      return "both channels arrive " + db_text(delta) + " dB high: the interface's output gain stage is not neutral? Set it to 0 dB";
    if (near(delta, -6.02))
      return side + " channel arrives " + db_text(-delta) + " dB low: a balanced output driving an unbalanced input?";
    if (std::abs(delta) > 1.0)
      return side + " channel arrives " + db_text(std::abs(delta)) + (delta > 0 ? " dB high" : " dB low") + " against the profiles' expectation";
    std::string text = "as expected (" + db_text(delta, 2) + " dB)";
    if (expected_.cable_db < -1)
      text += ": this cabling costs " + db_text(-expected_.cable_db) + " dB of level against a balanced run";
    return text;
  }

  // Without any signal there is no device to judge: the bench (or the set-up) is at fault.
  void require_signal() const {
    require_clock();
    if (no_signal_)
      throw MeasurementError("no signal at all reached the reference ADC: check that the chain is powered and connected");
  }

  void distortion() {
    require_signal();
    json curves = json::array();
    for (double level : s_.thd_levels_dbfs) {
      step_("THD+N at " + db_text(level) + " dBFS");
      const auto t = tone(level, s_.tone_duration_s, "thd_" + db_text(-level, 0) + "dbfs");
      for (int c = 0; c < 2; ++c) {
        const auto& ch = t[static_cast<std::size_t>(c)];
        for (const char* name : {"thd_db", "thd_n_db"}) {
          Check k;
          if (ch.sine) {
            const double v = std::string(name) == "thd_db" ? ch.sine->thd_db : ch.sine->thd_n_db;
            k = judge(limits_, name, v, "dB");
            k.explanation = std::string(name) == "thd_db"
                                ? "THD " + db_text(ch.sine->thd_percent, 4) + " % (H2 " + db_text(ch.sine->harmonics.empty() ? -400 : ch.sine->harmonics[0].level_db) + " dB)"
                                : "THD+N " + db_text(ch.sine->thd_n_percent, 4) + " % in 20 Hz to 20 kHz";
            double hum_power = 0;
            for (const auto& h : ch.sine->hum) hum_power += std::pow(10.0, h.level_dbfs / 10) / 2;
            const double residual_power = std::pow(10.0, (ch.sine->fundamental_dbfs + ch.sine->thd_n_db) / 10) / 2;
            if (k.outcome == Outcome::kFail && ch.sine->fundamental_dbfs + volts_db_ > 20 * std::log10(plan_.amp.rail_vpeak / std::sqrt(2.0)) - 3)
              k.explanation += ": the amplifier is near its output limit at this level";
            else if (k.outcome == Outcome::kFail && std::string(name) == "thd_n_db" && hum_power > 0.5 * residual_power)
              k.explanation += ": mostly mains hum (see hum_dbv)";
          } else {
            k.name = name, k.unit = "dB", k.value = nullptr, k.outcome = Outcome::kFail;
            k.explanation = std::string(kSide[static_cast<std::size_t>(c)]) + " channel carries no tone: nothing to measure distortion on";
          }
          k.channel = kSide[static_cast<std::size_t>(c)];
          k.level_dbfs = level;
          add(k);
        }
        if (ch.sine)
          curves.push_back({{"channel", kSide[static_cast<std::size_t>(c)]}, {"stimulus_dbfs", level},
                            {"output_dbv", ch.sine->fundamental_dbfs + volts_db_}, {"thd_db", ch.sine->thd_db}, {"thd_n_db", ch.sine->thd_n_db}});
      }
    }
    out_.measurements["thd"] = curves;
  }

  void noise() {
    require_clock();
    step_("noise and hum (silence)");
    const auto frames = static_cast<Eigen::Index>(std::llround(s_.noise_duration_s * fs_));
    const dsp::Frames cap = record(dsp::Frames::Zero(frames, 2), "noise", {{"kind", "silence"}, {"duration_s", s_.noise_duration_s}});
    analysis::NoiseAnalysisOptions o;
    o.mains_hz = fx_.mains_hz;
    json j = json::object();
    for (int c = 0; c < 2; ++c) {
      const auto start = pre_ + static_cast<Eigen::Index>(0.1 * fs_);
      const auto r = analysis::analyze_noise(cap.col(c).segment(start, frames - static_cast<Eigen::Index>(0.1 * fs_)), fs_, o);
      const double noise_a = r.noise_dbfs_a + volts_db_;
      double hum = -400, hum_f = 0;
      for (const auto& h : r.hum)
        if (h.level_dbfs + volts_db_ > hum) hum = h.level_dbfs + volts_db_, hum_f = h.frequency_hz;
      const bool unbalanced = !fx_.balanced;
      Check n = judge(limits_, "noise_dbv_a", noise_a, "dBV(A)");
      n.channel = kSide[static_cast<std::size_t>(c)];
      n.explanation = "A-weighted noise " + db_text(noise_a) + " dBV, unweighted " + db_text(r.noise_dbfs + volts_db_) + " dBV" +
                      (n.outcome == Outcome::kFail && hum > noise_a - 10 ? ": dominated by hum, see hum_dbv" : "");
      add(n);
      Check h = judge(limits_, "hum_dbv", hum, "dBV");
      h.channel = kSide[static_cast<std::size_t>(c)];
      h.explanation = "strongest mains line " + db_text(hum) + " dBV at " + db_text(hum_f, 0) + " Hz" +
                      (h.outcome == Outcome::kFail ? (unbalanced ? ": a ground loop on the unbalanced run? Use balanced cables or lift the ground"
                                                                 : ": hum on a balanced run: check the amplifier's supply and grounding")
                                                   : (unbalanced && hum > -125 ? ": an unbalanced run picks up hum that a balanced one rejects" : ""));
      add(h);
      // SNR re the largest clean output: the tone's level scaled to 0 dBFS, capped at the maximum output.
      double top = tone_level_dbv_[static_cast<std::size_t>(c)] - s_.test_level_dbfs;
      if (max_output_reference_dbv_[static_cast<std::size_t>(c)]) top = std::min(top, *max_output_reference_dbv_[static_cast<std::size_t>(c)]);
      Check snr = judge(limits_, "snr_db", top - noise_a, "dB");
      snr.channel = kSide[static_cast<std::size_t>(c)];
      snr.explanation = "from " + db_text(top) + " dBV (largest clean output) to the A-weighted noise";
      if (!levels_measured_) {
        snr.value = nullptr, snr.outcome = Outcome::kError;
        snr.explanation = "not measured: it needs the output level, which could not be measured (see level_dbv)";
      }
      const double expected_top = s_.test_level_dbfs + expected_.source_dbv_at_0dbfs + expected_.chain_gain_db() - s_.test_level_dbfs;
      if (levels_measured_ && top < expected_top - 40) {
        snr.value = nullptr, snr.outcome = Outcome::kFail;
        snr.explanation = std::string(kSide[static_cast<std::size_t>(c)]) + " channel carries no signal: no signal-to-noise ratio to speak of";
      }
      add(snr);
      j[kSide[static_cast<std::size_t>(c)]] = {{"noise_dbv", r.noise_dbfs + volts_db_}, {"noise_dbv_a", noise_a}, {"mains_hz", r.mains_hz},
                                               {"hum", [&] {
                                                  json a = json::array();
                                                  for (const auto& l : r.hum) a.push_back({{"frequency_hz", l.frequency_hz}, {"level_dbv", l.level_dbfs + volts_db_}});
                                                  return a;
                                                }()}};
    }
    out_.measurements["noise"] = j;
  }

  // Output impedance from sweeps into the plan's impedance loads, and its effect on each headphone.
  void impedance() {
    require_signal();
    ImpedanceContext cx;
    cx.plan = &plan_;
    cx.fixture = &fx_;
    cx.use_load = [&](const plan::Load& l) {
      current_load_ = l.id;
      use_load(l);
    };
    cx.use_port_load = [&](const plan::Load& l) {
      current_load_ = l.id;
      const std::string where = "the interface's " + fx_.source_port + " straight to the reference ADC's input (no amplifier)";
      const std::string now = fx_.source_port + " direct, " + l.id;
      const std::string instruction = l.kind == plan::Load::Kind::kOpen
                                          ? "Connect " + where + " with no load across it"
                                          : "Connect " + where + " with the load '" + l.name + "' (" + l.id + ") across it";
      if (options_.operator_prompts && options_.ask_operator && connected_load_ != now && !options_.ask_operator(instruction))
        throw OperatorStop("run stopped by the operator before the " + fx_.source_port + " measurement into " + l.id);
      connected_load_ = now;
      ep_.configure_port(fx_, l);
    };
    cx.record = [&](const dsp::Frames& body, const std::string& name, json info) { return record(body, name, std::move(info)); };
    cx.step = step_;
    cx.preroll_frames = pre_;
    ImpedanceResult r = measure_impedance(cx);
    for (auto& c : r.checks) add(std::move(c));
    out_.measurements["impedance"] = std::move(r.measurement);
  }

  // Raise the level until THD+N reaches the plan's threshold, per load; bisect the crossing.
  void max_output() {
    require_signal();
    json all = json::object();
    const double threshold_db = 20 * std::log10(s_.max_output_thd_n_percent / 100);
    const double step_s = std::max(0.35, s_.tone_duration_s / 3);
    for (const auto& l : plan_.loads) {
      current_load_ = l.id;
      use_load(l);
      step_("maximum output into " + l.id);
      // Per channel: the highest clean level (THD+N under the threshold) below the first level where it
      // is reached again. Levels where hum or noise dominate (THD+N above the threshold before any clean
      // level) do not count as the crossing.
      std::array<std::optional<double>, 2> below_dbfs, above_dbfs;
      std::array<double, 2> below_dbv{-400, -400};
      json curve = json::array();
      int take = 0;
      auto measure = [&](double level) {
        const auto t = tone(level, step_s, "maxout_" + l.id + "_" + std::to_string(take++));
        for (int c = 0; c < 2; ++c) {
          const std::size_t i = static_cast<std::size_t>(c);
          const auto& ch = t[i];
          if (!ch.sine) continue;
          curve.push_back({{"channel", kSide[i]}, {"stimulus_dbfs", level},
                           {"output_dbv", ch.sine->fundamental_dbfs + volts_db_}, {"thd_n_db", ch.sine->thd_n_db}});
          if (ch.sine->thd_n_db >= threshold_db) {
            if (below_dbfs[i] && level > *below_dbfs[i] && (!above_dbfs[i] || level < *above_dbfs[i])) above_dbfs[i] = level;
          } else if ((!below_dbfs[i] || level > *below_dbfs[i]) && (!above_dbfs[i] || level < *above_dbfs[i])) {
            below_dbfs[i] = level;
            below_dbv[i] = ch.sine->fundamental_dbfs + volts_db_;
          }
        }
      };
      double level = s_.max_output_start_dbfs;
      for (; level <= 0.0 + 1e-9 && !(above_dbfs[0] && above_dbfs[1]); level += s_.max_output_step_db) measure(level);
      for (int it = 0; it < 4; ++it)
        for (int c = 0; c < 2; ++c)
          if (above_dbfs[static_cast<std::size_t>(c)] && below_dbfs[static_cast<std::size_t>(c)] &&
              *above_dbfs[static_cast<std::size_t>(c)] - *below_dbfs[static_cast<std::size_t>(c)] > 0.1)
            measure(0.5 * (*above_dbfs[static_cast<std::size_t>(c)] + *below_dbfs[static_cast<std::size_t>(c)]));
      for (int c = 0; c < 2; ++c) {
        const std::size_t i = static_cast<std::size_t>(c);
        const double vrms = std::pow(10.0, below_dbv[i] / 20);
        const double mw = vrms * vrms / l.nominal_ohm * 1000;
        Check k = judge(limits_, "max_output_vrms", below_dbv[i] > -300 ? vrms : 0.0, "Vrms");
        k.channel = kSide[i];
        k.load = l.id;
        if (below_dbv[i] <= -300) {
          k.value = nullptr, k.outcome = Outcome::kFail;
          k.explanation = "no clean output at any level into " + l.name;
        } else if (!above_dbfs[i]) {
          k.explanation = "at least " + db_text(vrms, 2) + " Vrms (" + db_text(mw, 0) + " mW) into " + l.name +
                          ": the interface's full scale came before " + db_text(s_.max_output_thd_n_percent, 1) + " % THD+N";
        } else {
          k.explanation = db_text(vrms, 2) + " Vrms (" + db_text(mw, 0) + " mW) into " + l.name + " at " +
                          db_text(s_.max_output_thd_n_percent, 1) + " % THD+N";
        }
        add(k);
        if (l.id == s_.reference_load && below_dbv[i] > -300) max_output_reference_dbv_[i] = below_dbv[i];
      }
      all[l.id] = {{"nominal_ohm", l.nominal_ohm}, {"steps", curve},
                   {"max_output_vrms", {std::pow(10.0, below_dbv[0] / 20), std::pow(10.0, below_dbv[1] / 20)}}};
    }
    current_load_ = s_.reference_load;
    out_.measurements["max_output"] = all;
  }

  const plan::Plan& plan_;
  const plan::Fixture& fx_;
  Endpoint& ep_;
  const RunOptions& options_;
  ConfigurationResult& out_;
  std::function<void(const std::string&)> step_;
  const plan::MeasurementSettings& s_;
  double fs_;
  const plan::LimitSet& limits_;
  Eigen::Index pre_ = 0, post_ = 0;
  const plan::Load* reference_ = nullptr;
  std::string current_load_ = plan_.settings.reference_load;
  std::string connected_load_;  // the load the operator was last asked to connect (the reference at the start)
  bool relay_path_set_ = false;  // the relay board has set this fixture's cable path
  Expectation expected_;
  double volts_db_ = 0;
  std::filesystem::path capture_dir_;
  double latency_ = 0;
  std::array<int, 2> arrived_{0, 1};  // ADC channel each source channel arrives on (-1: none), from the sweeps
  std::array<double, 2> tone_level_dbv_{-400, -400};
  bool levels_measured_ = false;
  bool no_signal_ = false;
  std::optional<double> drift_ppm_;  // the ADC's clock against the interface's, once measured
  std::string clock_error_;          // set when the drift is beyond the plan's tolerance
  std::array<std::optional<double>, 2> max_output_reference_dbv_;
};

}  // namespace

Sequencer::Sequencer(const plan::Plan& plan, Endpoint& endpoint, RunOptions options)
    : plan_(plan), endpoint_(endpoint), options_(std::move(options)) {}

SessionResult Sequencer::run() {
  SessionResult result;
  const auto t0 = std::chrono::steady_clock::now();
  auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); };
  const std::size_t n = plan_.fixtures.size();
  for (std::size_t i = 0; i < n; ++i) {
    const auto& fx = plan_.fixtures[i];
    ConfigurationResult cr;
    cr.fixture_id = fx.id;
    cr.measurements = nlohmann::json::object();
    auto step = [&](const std::string& what) {
      if (!options_.on_progress) return;
      Progress p{i + 1, n, fx.id, what, elapsed(), i == 0 ? -1.0 : elapsed() / static_cast<double>(i) * static_cast<double>(n - i)};
      options_.on_progress(p);
    };
    // A relay board that sets the fixture's cable path replaces the operator's set-up.
    const bool relays_set_up = options_.relay_board != nullptr && fx.relays && !fx.relays->path.empty();
    if (options_.operator_prompts && options_.ask_operator && !relays_set_up && !options_.ask_operator(fx.instruction)) {
      result.aborted = "run stopped by the operator before " + fx.id;
      result.outcome = Outcome::kError;
      return result;
    }
    try {
      Configuration(plan_, fx, endpoint_, options_, cr, step).run();
    } catch (const HardwareError& e) {
      // The device is gone: keep what was measured, stop, and let the caller write the report.
      cr.errors.push_back(e.what());
      cr.outcome = Outcome::kError;
      result.configurations.push_back(std::move(cr));
      result.outcome = Outcome::kError;
      result.aborted = e.what();
      return result;
    }
    cr.outcome = cr.errors.empty() ? Outcome::kPass : Outcome::kError;
    for (const auto& c : cr.checks) cr.outcome = worst(cr.outcome, c.outcome);
    result.outcome = worst(result.outcome, cr.outcome);
    result.configurations.push_back(std::move(cr));
  }
  return result;
}

}  // namespace bench::session
