#include "bench/io/rtaudio/live_audio.hpp"

#include <RtAudio.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <mutex>
#include <optional>
#include <regex>
#include <thread>

#include "bench/core/error.hpp"
#include "bench/io/rtaudio/audio_devices.hpp"
#include "bench/io/rtaudio/rtaudio_api.hpp"

namespace bench::io::rtaudio {
namespace {

enum State : int { kIdle = 0, kArmed = 1, kRunning = 2, kDone = 3 };

// RtAudio 5's error callback carries no user pointer: the last stream error of the process, for the
// main thread's problem text. Written from RtAudio's threads (never from our audio callbacks).
std::mutex g_error_mutex;
std::string g_stream_error;

void on_stream_error(RtAudioError::Type type, const std::string& text) {
  if (type == RtAudioError::WARNING || type == RtAudioError::DEBUG_WARNING) return;
  std::lock_guard<std::mutex> lock(g_error_mutex);
  g_stream_error = text;
}

std::string last_stream_error() {
  std::lock_guard<std::mutex> lock(g_error_mutex);
  return g_stream_error;
}

using Found = ProbedDevice;

std::string names_of(const std::vector<Found>& devices) {
  std::string names;
  for (const auto& d : devices) names += (names.empty() ? "'" : ", '") + d.info.name + "'";
  return names.empty() ? "no devices" : names;
}

std::optional<Found> find_device(const std::vector<Found>& devices, const std::string& pattern) {
  std::regex re;
  try {
    re = std::regex(pattern, std::regex::ECMAScript);
  } catch (const std::regex_error& e) {
    throw InputError("device name pattern '" + pattern + "' is not a valid regular expression: " + e.what());
  }
  for (const auto& d : devices)
    if (d.info.probed && std::regex_search(d.info.name, re)) return d;
  return std::nullopt;
}

void check_device(const Found& d, const std::string& api, unsigned rate, unsigned channels, bool output) {
  const unsigned have = output ? d.info.outputChannels : d.info.inputChannels;
  if (have < channels)
    throw HardwareError("audio device '" + d.info.name + "' (" + api + ") has " + std::to_string(have) +
                        (output ? " output" : " input") + " channels, the plan needs " +
                        std::to_string(channels) + ": pick the right device or profile");
  if (std::find(d.info.sampleRates.begin(), d.info.sampleRates.end(), rate) == d.info.sampleRates.end()) {
    std::string rates;
    for (auto r : d.info.sampleRates) rates += (rates.empty() ? "" : ", ") + std::to_string(r);
    throw HardwareError("audio device '" + d.info.name + "' (" + api + ") does not run at " +
                        std::to_string(rate) + " Hz (it offers " +
                        (rates.empty() ? std::string("no rate") : rates + " Hz") +
                        "): set the device (or JACK server) to " + std::to_string(rate) +
                        " Hz or change the plan's sample_rate_hz");
  }
}

}  // namespace

struct LiveAudio::Shared {
  std::vector<float> stimulus;  // interleaved, total x out_ch
  std::vector<float> capture;   // interleaved, total x in_ch
  std::uint64_t total = 0;
  unsigned out_ch = 0, in_ch = 0;
  std::atomic<int> state{kIdle};
  std::atomic<std::uint64_t> out_pos{0}, in_pos{0};
  // Callbacks whose status carried an xrun flag, in any state: RtAudio reports an xrun in the callback
  // after it happened, so one at a take's last period shows up only once the take is done.
  std::atomic<std::uint64_t> overflows{0}, underflows{0};
  std::atomic<std::uint64_t> callbacks{0};
};

namespace {

// [audio thread] Copies only; no allocation, locks, logging or exceptions.
void play(LiveAudio::Shared& s, float* out, unsigned n, RtAudioStreamStatus status, int st) {
  const unsigned oc = s.out_ch;
  if (status & RTAUDIO_OUTPUT_UNDERFLOW) s.underflows.fetch_add(1, std::memory_order_relaxed);
  if (st != kRunning) {
    std::memset(out, 0, sizeof(float) * n * oc);
    return;
  }
  const std::uint64_t pos = s.out_pos.load(std::memory_order_relaxed);
  const std::uint64_t take = std::min<std::uint64_t>(n, s.total - pos);
  std::memcpy(out, s.stimulus.data() + pos * oc, sizeof(float) * take * oc);
  std::memset(out + take * oc, 0, sizeof(float) * (n - take) * oc);
  s.out_pos.store(pos + take, std::memory_order_release);
  if (pos + take >= s.total) s.state.store(kDone, std::memory_order_release);
}

void record(LiveAudio::Shared& s, const float* in, unsigned n, RtAudioStreamStatus status, int st) {
  if (status & RTAUDIO_INPUT_OVERFLOW) s.overflows.fetch_add(1, std::memory_order_relaxed);
  if (st != kRunning && st != kDone) return;
  const std::uint64_t pos = s.in_pos.load(std::memory_order_relaxed);
  if (pos >= s.total) return;
  const std::uint64_t take = std::min<std::uint64_t>(n, s.total - pos);
  std::memcpy(s.capture.data() + pos * s.in_ch, in, sizeof(float) * take * s.in_ch);
  s.in_pos.store(pos + take, std::memory_order_release);
}

int arm(LiveAudio::Shared& s) {
  int st = s.state.load(std::memory_order_acquire);
  if (st == kArmed) {
    s.state.store(kRunning, std::memory_order_relaxed);
    st = kRunning;
  }
  return st;
}

int duplex_callback(void* out, void* in, unsigned n, double, RtAudioStreamStatus status, void* user) {
  auto& s = *static_cast<LiveAudio::Shared*>(user);
  s.callbacks.fetch_add(1, std::memory_order_relaxed);
  const int st = arm(s);
  // Record before play() can mark the take done, so the last period's input is kept.
  record(s, static_cast<const float*>(in), n, status, st);
  play(s, static_cast<float*>(out), n, status, st);
  return 0;
}

int output_callback(void* out, void*, unsigned n, double, RtAudioStreamStatus status, void* user) {
  auto& s = *static_cast<LiveAudio::Shared*>(user);
  s.callbacks.fetch_add(1, std::memory_order_relaxed);
  play(s, static_cast<float*>(out), n, status, arm(s));
  return 0;
}

int input_callback(void*, void* in, unsigned n, double, RtAudioStreamStatus status, void* user) {
  auto& s = *static_cast<LiveAudio::Shared*>(user);
  record(s, static_cast<const float*>(in), n, status, s.state.load(std::memory_order_acquire));
  return 0;
}

}  // namespace

LiveAudio::LiveAudio(const StreamSetup& setup) : shared_(std::make_unique<Shared>()) {
  out_channels_ = setup.output_channels;
  in_channels_ = setup.input_channels;
  shared_->out_ch = out_channels_;
  shared_->in_ch = in_channels_;
  if (out_channels_ == 0 || in_channels_ == 0)
    throw ConfigError("the live path needs at least one output and one input channel");
  route_alsa_messages_to_debug_log();

  // The API: the one asked for, or the first that has both devices.
  std::vector<std::string> apis = setup.api.empty() ? compiled_apis() : std::vector<std::string>{setup.api};
  std::optional<Found> out_dev, in_dev;
  std::string searched;
  for (const auto& api : apis) {
    RtAudio probe(api_by_name(api));
    probe.showWarnings(false);
    try {
      const auto devices = probe_devices(probe);
      out_dev = find_device(devices, setup.output_pattern);
      in_dev = find_device(devices, setup.input_pattern);
      searched += (searched.empty() ? "" : "; ") + api + ": " + names_of(devices);
    } catch (const RtAudioError& e) {
      searched += (searched.empty() ? "" : "; ") + api + ": " + e.what();
      out_dev.reset(), in_dev.reset();
    }
    if (out_dev && in_dev) {
      api_ = api;
      break;
    }
    if (!setup.api.empty()) break;
  }
  if (!out_dev || !in_dev) {
    const std::string missing = !out_dev ? setup.output_pattern : setup.input_pattern;
    throw HardwareError(
        "no audio device matching '" + missing + "' (" + (!out_dev ? "the interface" : "the reference ADC") +
        "); found " + searched +
        ": connect it, or fix rtaudio_name_pattern in its profile (or --interface-device/--adc-device)");
  }
  check_device(*out_dev, api_, setup.sample_rate_hz, out_channels_, true);
  check_device(*in_dev, api_, setup.sample_rate_hz, in_channels_, false);
  reports_xruns_ = api_ != "pulse";
  const bool duplex = out_dev->info.name == in_dev->info.name && !setup.separate_streams;

  // Each RtAudio object numbers the devices it probes itself, and JACK lists clients as devices: a client
  // that comes or goes between two probes (a device under test starting, the last run's client leaving)
  // shifts the numbers. So the stream's devices are found again by name in the object that opens them,
  // and an open that fails because the list moved under it is tried again on a fresh probe (three times,
  // 100 ms apart) before it is an error.
  auto open = [&](std::unique_ptr<RtAudio>& rt, RtAudio::StreamParameters* o, RtAudio::StreamParameters* i,
                  RtAudioCallback cb, const std::string& client) {
    const std::string& name = o ? out_dev->info.name : in_dev->info.name;
    constexpr int kAttempts = 3;
    for (int attempt = 1;; ++attempt) {
      rt = std::make_unique<RtAudio>(api_by_name(api_));
      rt->showWarnings(false);
      RtAudio::StreamOptions options;
      options.streamName = client;
      unsigned frames = setup.period_frames;
      try {
        const auto now = probe_devices(*rt);
        const auto by_name = [&](const std::string& n) -> std::optional<unsigned> {
          for (const auto& d : now)
            if (d.info.probed && d.info.name == n) return d.index;
          return std::nullopt;
        };
        const auto out_index = o ? by_name(out_dev->info.name) : std::nullopt;
        const auto in_index = i ? by_name(in_dev->info.name) : std::nullopt;
        if ((o && !out_index) || (i && !in_index))
          throw HardwareError("audio device '" + (o && !out_index ? out_dev->info.name : in_dev->info.name) +
                              "' (" + api_ +
                              ") disappeared while the streams were opened: check that it is "
                              "still connected (or its JACK client still running)");
        if (o) o->deviceId = *out_index;
        if (i) i->deviceId = *in_index;
        rt->openStream(o, i, RTAUDIO_FLOAT32, setup.sample_rate_hz, &frames, cb, shared_.get(), &options,
                       &on_stream_error);
        rt->startStream();
        period_frames_ = frames;
        return;
      } catch (const RtAudioError& e) {
        if (attempt >= kAttempts)
          throw HardwareError("could not open audio device '" + name + "' (" + api_ + ") at " +
                              std::to_string(setup.sample_rate_hz) + " Hz: " + e.what());
        spdlog::debug("opening '{}' ({}) failed ({}); probing the devices again", name, api_, e.what());
        try {
          if (rt->isStreamOpen()) rt->closeStream();
        } catch (...) {
          // nothing was opened that needs closing
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
    }
  };
  RtAudio::StreamParameters op{out_dev->index, out_channels_, 0}, ip{in_dev->index, in_channels_, 0};
  if (duplex) {
    open(out_rt_, &op, &ip, &duplex_callback, setup.client_name);
  } else {
    // The recorder first, then the player: open() finds each by its name in the object that opens it, so
    // the recorder's own JACK client (listed as a device) cannot shift the player's number.
    open(in_rt_, nullptr, &ip, &input_callback, setup.client_name + "_in");
    open(out_rt_, &op, nullptr, &output_callback, setup.client_name + "_out");
  }
  describe_ = "rtaudio/" + api_ + ": '" + out_dev->info.name + "' plays " + std::to_string(out_channels_) +
              " ch, '" + in_dev->info.name + "' records " + std::to_string(in_channels_) + " ch, " +
              std::to_string(setup.sample_rate_hz) + " Hz, " + std::to_string(period_frames_) +
              "-frame period, " + (duplex ? "one duplex stream" : "two streams") +
              (reports_xruns_ ? "" : " (this API does not report xruns)");
}

LiveAudio::~LiveAudio() {
  for (auto* rt : {out_rt_.get(), in_rt_.get()}) {
    if (!rt) continue;
    try {
      if (rt->isStreamRunning()) rt->stopStream();
      if (rt->isStreamOpen()) rt->closeStream();
    } catch (...) {
      // a stream the server already closed: nothing left to release
    }
  }
  if (const unsigned long n = alsa_messages_dropped(); n > 0)
    spdlog::debug("alsa-lib: {} messages from the audio thread were not logged (the audio thread never logs)",
                  n);
}

std::string LiveAudio::describe() const {
  return describe_;
}

TakeStatus LiveAudio::play_and_record(const dsp::Frames& out, dsp::Frames& in, double stall_timeout_s) {
  Shared& s = *shared_;
  TakeStatus status;
  if (broken_) {
    status.problem = "the audio streams failed in an earlier take: " + broken_reason_;
    return status;
  }
  // The callbacks do not touch the buffers while the state is idle or done.
  s.state.store(kIdle, std::memory_order_release);
  const auto frames = static_cast<std::uint64_t>(out.rows());
  s.stimulus.assign(frames * out_channels_, 0.0f);
  for (std::uint64_t i = 0; i < frames; ++i)
    for (unsigned c = 0; c < out_channels_ && c < static_cast<unsigned>(out.cols()); ++c)
      s.stimulus[i * out_channels_ + c] = static_cast<float>(out(static_cast<Eigen::Index>(i), c));
  s.capture.assign(frames * in_channels_, 0.0f);
  s.total = frames;
  s.out_pos.store(0, std::memory_order_relaxed);
  s.in_pos.store(0, std::memory_order_relaxed);
  const std::uint64_t overflows_before = s.overflows.load(std::memory_order_relaxed);
  const std::uint64_t underflows_before = s.underflows.load(std::memory_order_relaxed);
  {
    std::lock_guard<std::mutex> lock(g_error_mutex);
    g_stream_error.clear();
  }
  s.state.store(kArmed, std::memory_order_release);

  std::uint64_t last_callbacks = s.callbacks.load(std::memory_order_relaxed);
  auto last_progress = std::chrono::steady_clock::now();
  std::optional<std::uint64_t> done_at;  // callbacks counted when the take was complete
  for (;;) {
    const bool played = s.state.load(std::memory_order_acquire) == kDone;
    const bool recorded = s.in_pos.load(std::memory_order_acquire) >= frames;
    const std::uint64_t c = s.callbacks.load(std::memory_order_relaxed);
    if (played && recorded && !done_at) done_at = c;
    // Two more periods: an xrun in the take's last period is flagged in a callback after it.
    if (done_at && c >= *done_at + 2) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    const auto now = std::chrono::steady_clock::now();
    if (c != last_callbacks) last_progress = now, last_callbacks = c;
    const bool stopped = !out_rt_->isStreamRunning() || (in_rt_ && !in_rt_->isStreamRunning());
    if (stopped || std::chrono::duration<double>(now - last_progress).count() > stall_timeout_s) {
      const std::string err = last_stream_error();
      status.problem =
          std::string(stopped ? "the audio stream stopped"
                              : "no audio for " + std::to_string(static_cast<int>(stall_timeout_s)) + " s") +
          (err.empty() ? "" : " (" + err + ")");
      // The callbacks may still hold the buffers: this object plays no further take.
      broken_ = true, broken_reason_ = status.problem;
      break;
    }
  }
  status.frames_played = s.out_pos.load(std::memory_order_acquire);
  status.frames_recorded = std::min<std::uint64_t>(s.in_pos.load(std::memory_order_acquire), frames);
  status.input_overflow = s.overflows.load(std::memory_order_relaxed) != overflows_before;
  status.output_underflow = s.underflows.load(std::memory_order_relaxed) != underflows_before;
  if (status.problem.empty()) {
    s.state.store(kIdle, std::memory_order_release);
    status.completed = status.frames_played == frames && status.frames_recorded == frames;
    if (!status.completed)
      status.problem = "frame count does not add up: played " + std::to_string(status.frames_played) +
                       ", recorded " + std::to_string(status.frames_recorded) + " of " +
                       std::to_string(frames);
    in.resize(static_cast<Eigen::Index>(frames), in_channels_);
    for (std::uint64_t i = 0; i < frames; ++i)
      for (unsigned c = 0; c < in_channels_; ++c)
        in(static_cast<Eigen::Index>(i), c) = s.capture[i * in_channels_ + c];
  }
  return status;
}

}  // namespace bench::io::rtaudio
