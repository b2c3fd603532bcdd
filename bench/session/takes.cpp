#include "bench/session/takes.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <thread>

#include "bench/analysis/capture_check.hpp"
#include "bench/core/error.hpp"
#include "bench/dsp/resample.hpp"
#include "bench/io/atomic_file.hpp"
#include "bench/io/relay/relay_board.hpp"
#include "bench/io/sidecar.hpp"
#include "bench/io/wav.hpp"

namespace bench::session {

using nlohmann::json;

Takes::Takes(const plan::Plan& plan, const plan::Fixture& fixture, Endpoint& endpoint,
             const RunOptions& options, record::ConfigurationRecord& out,
             std::function<void(const std::string&)> progress)
    : plan_(plan),
      fx_(fixture),
      ep_(endpoint),
      options_(options),
      out_(out),
      progress_(std::move(progress)),
      fs_(plan.settings.sample_rate_hz),
      capture_dir_(options.run_dir / "captures" / fixture.id) {
  std::error_code ec;
  if (options_.write_captures && !std::filesystem::create_directories(capture_dir_, ec) && ec)
    io::throw_write_error(capture_dir_, ec.value(), "cannot create the capture directory");
}

void Takes::begin_step(const plan::Step& step, std::optional<double> drift_ppm) {
  pre_ = static_cast<Eigen::Index>(std::llround(step.settings.preroll_s * fs_));
  post_ = static_cast<Eigen::Index>(std::llround(step.settings.postroll_s * fs_));
  prefix_ = step.id == step.kind ? std::string() : step.id + "_";
  drift_ppm_ = drift_ppm && std::abs(*drift_ppm) >= kDriftCorrectionPpm ? drift_ppm : std::nullopt;
  audio_s_ = 0;
  takes_ = 0;
}

const plan::Load& Takes::load(const std::string& id) const {
  for (const auto& l : plan_.loads)
    if (l.id == id) return l;
  throw ConfigError(plan_.file.string() + ": settings.reference_load '" + id +
                    "' is not among the plan's loads");
}

// Sets the relays to the fixture's cable path plus `load_relays` (every other relay off), switching only
// those that differ, waits the fixture's settling time and records the state in the report.
void Takes::switch_relays(const std::string& purpose, const std::vector<int>& load_relays) {
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
  if (fx_.relays->settling_s > 0)
    std::this_thread::sleep_for(std::chrono::duration<double>(fx_.relays->settling_s));
  out_.relays.push_back({purpose, on, board.state(), board.describe(), fx_.relays->settling_s});
  relay_path_set_ = true;
}

void Takes::use_load(const plan::Load& load) {
  if (!connected_load_.empty() && connected_load_ == load.id) return;
  capture_load_ = load.id;
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
          ? "Disconnect the load '" + connected_load_ +
                "' from the amplifier's output and leave it open (only the reference ADC on it)"
          : "Connect the load '" + load.name + "' (" + load.id + ") to the amplifier's output in place of '" +
                connected_load_ + "'";
  if (options_.operator_prompts && options_.ask_operator && !connected_load_.empty() &&
      !options_.ask_operator(instruction))
    throw OperatorStop("run stopped by the operator before the load " + load.id);
  connected_load_ = load.id;
  ep_.configure(fx_, load);
}

void Takes::use_port_load(const plan::Load& load) {
  capture_load_ = load.id;
  const std::string where =
      "the interface's " + fx_.source_port + " straight to the reference ADC's input (no amplifier)";
  const std::string now = fx_.source_port + " direct, " + load.id;
  const std::string instruction =
      load.kind == plan::Load::Kind::kOpen
          ? "Connect " + where + " with no load across it"
          : "Connect " + where + " with the load '" + load.name + "' (" + load.id + ") across it";
  if (options_.operator_prompts && options_.ask_operator && connected_load_ != now &&
      !options_.ask_operator(instruction))
    throw OperatorStop("run stopped by the operator before the " + fx_.source_port + " measurement into " +
                       load.id);
  connected_load_ = now;
  ep_.configure_port(fx_, load);
}

dsp::Frames Takes::record(const dsp::Frames& body, const std::string& take_name, json stimulus) {
  const std::string name = prefix_ + take_name;
  if (auto why = stop_requested(options_))
    throw OperatorStop(*why + " before the take " + fx_.id + "/" + name);
  dsp::Frames played = dsp::Frames::Zero(pre_ + body.rows() + post_, 2);
  played.middleRows(pre_, body.rows()) = body;
  ep_.set_take(fx_.id + "/" + name);
  // Analyse exactly what is kept on disk (float32), so bench reanalyze reproduces every check bit for bit.
  dsp::Frames cap = ep_.play_and_record(played).cast<float>().cast<double>();
  const TakeInfo take = ep_.take_info();
  const int attempts = std::max(1, take.attempts);
  audio_s_ += static_cast<double>(played.rows()) / fs_ * attempts;
  ++takes_;
  if (!take.retried_because.empty()) out_.retried_takes.push_back({name, attempts, take.retried_because});
  if (options_.write_captures) {
    const std::filesystem::path wav = capture_dir_ / (name + ".wav");
    // A 24-bit converter's samples as PCM24 (three quarters of float32's bytes, read back bit for bit);
    // anything else as float32.
    io::write_wav(wav, cap, fs_, io::lossless_format(cap));
    stimulus["schema"] = "bench.capture/1";
    stimulus["fixture"] = fx_.id;
    stimulus["load"] = capture_load_;
    stimulus["sample_rate_hz"] = fs_;
    stimulus["preroll_frames"] = pre_;
    stimulus["postroll_frames"] = post_;
    stimulus["backend"] = ep_.describe();
    if (take.xruns_reported)
      stimulus["endpoint"] = {{"attempts", attempts},
                              {"retried_because", take.retried_because},
                              {"xruns_reported", *take.xruns_reported}};
    stimulus["clock_drift_corrected_ppm"] = drift_ppm_ ? json(*drift_ppm_) : json(nullptr);
    io::write_json(io::sidecar_path(wav), stimulus);
  }
  out_.captures.push_back((std::filesystem::path("captures") / fx_.id / (name + ".wav")).generic_string());
  const std::string kept = out_.captures.back();
  for (Eigen::Index c = 0; c < cap.cols(); ++c) {
    const std::string side = record::kChannelNames[static_cast<std::size_t>(c)];
    // A corrupt file (reanalyze) or a broken driver: the bench cannot measure, whatever the device does.
    if (!cap.col(c).allFinite())
      throw MeasurementError(kept + ": ADC channel " + std::to_string(c) + " (" + side +
                             ") holds NaN or infinite samples: the capture is corrupt; restore it from the "
                             "run or measure again");
    // No converter with an analogue input records exact digital zeros: its own noise is always there. An
    // unconnected JACK port or a dead ADC input does; the bench is broken, not the device.
    if (cap.col(c).isZero(0.0))
      throw MeasurementError(
          kept + ": ADC channel " + std::to_string(c) + " (" + side +
          ") recorded digital silence (every sample exactly 0): the reference ADC's input is dead or not "
          "connected to the bench; check its channel and its connection");
    if (cap.col(c).cwiseAbs().maxCoeff() >= analysis::kClipThreshold)
      throw MeasurementError(name + ": the reference ADC clipped on its " + side +
                             " channel: lower the stimulus level or use a larger ADC input range");
  }
  // The raw capture stays on disk as recorded; the analysis sees it on the interface's clock.
  if (drift_ppm_)
    for (Eigen::Index c = 0; c < cap.cols(); ++c)
      cap.col(c) = dsp::correct_clock_drift(cap.col(c), *drift_ppm_);
  return cap;
}

}  // namespace bench::session
