#include "bench/session/live/live_endpoint.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <regex>

#include "bench/core/error.hpp"
#include "bench/io/rtaudio/audio_devices.hpp"
#include "bench/io/rtaudio/live_audio.hpp"

namespace bench::session {
namespace {

std::string pattern_of(const std::optional<std::string>& override_pattern, const plan::DeviceMatch& match,
                       const std::string& what, const std::filesystem::path& profile,
                       const std::string& option) {
  if (override_pattern) return *override_pattern;
  if (match.rtaudio_name_pattern.empty())
    throw ConfigError(profile.string() + ": the " + what +
                      " profile has no [match] rtaudio_name_pattern: add one, or give " + option);
  return match.rtaudio_name_pattern;
}

}  // namespace

LiveEndpoint::LiveEndpoint(const plan::Plan& plan, LiveOptions options)
    : plan_(plan), options_(std::move(options)) {
  interface_pattern_ = pattern_of(options_.interface_device, plan.interface.match, "interface",
                                  plan.interface.file, "--interface-device");
  adc_pattern_ = pattern_of(options_.adc_device, plan.adc.match, "ADC", plan.adc.file, "--adc-device");
  // Every output channel any port of the interface uses, so the streams stay open for the whole run.
  for (const auto& [name, port] : plan.interface.ports)
    for (int c : port.device_channels)
      output_channels_ = std::max(output_channels_, static_cast<unsigned>(c) + 1);
  io::rtaudio::StreamSetup s;
  s.api = options_.api;
  s.output_pattern = interface_pattern_;
  s.input_pattern = adc_pattern_;
  s.output_channels = output_channels_;
  s.input_channels = 2;  // the bench records the amplifier's left and right on ADC channels 0 and 1
  s.sample_rate_hz = static_cast<unsigned>(plan.settings.sample_rate_hz);
  s.period_frames = options_.period_frames;
  s.separate_streams = options_.separate_streams;
  audio_ = std::make_unique<io::rtaudio::LiveAudio>(s);
  spdlog::info("live: {}", audio_->describe());
}

LiveEndpoint::~LiveEndpoint() = default;

std::string LiveEndpoint::describe() const {
  return audio_->describe();
}

void LiveEndpoint::configure(const plan::Fixture& fixture, const plan::Load& load) {
  (void)load;  // the operator (or a relay board) has connected it
  const auto p = plan_.interface.ports.find(fixture.source_port);
  if (p == plan_.interface.ports.end())
    throw ConfigError(fixture.file.string() + ": source_port '" + fixture.source_port +
                      "' is not a port of " + plan_.interface.file.string());
  port_ = &p->second;
}

void LiveEndpoint::check_devices_present() const {
  // JACK lists a client as a device only while it has ports: a device that vanished is gone from the list.
  for (const auto& api : io::rtaudio::list_audio_devices(audio_->api())) {
    for (const auto& [pattern, what] : {std::pair{interface_pattern_, std::string("the interface")},
                                        std::pair{adc_pattern_, std::string("the reference ADC")}}) {
      const std::regex re(pattern, std::regex::ECMAScript);
      bool found = false;
      std::string names;
      for (const auto& d : api.devices) {
        found = found || std::regex_search(d.name, re);
        names += (names.empty() ? "'" : ", '") + d.name + "'";
      }
      if (!found)
        throw HardwareError("audio device matching '" + pattern + "' (" + what + ") disappeared during " +
                            take_ + "; " + api.api + " now lists " +
                            (names.empty() ? std::string("no devices") : names) +
                            ": reconnect it and run again");
    }
  }
}

dsp::Frames LiveEndpoint::play_and_record(const dsp::Frames& stimulus) {
  if (port_ == nullptr) throw HardwareError("live endpoint used before configure(): a bench bug");
  dsp::Frames out = dsp::Frames::Zero(stimulus.rows(), output_channels_);
  for (std::size_t k = 0; k < port_->device_channels.size() && static_cast<Eigen::Index>(k) < stimulus.cols();
       ++k)
    out.col(port_->device_channels[k]) = stimulus.col(static_cast<Eigen::Index>(k));
  std::vector<std::string> retries;
  dsp::Frames in;
  const int attempts = std::max(1, options_.attempts);
  for (int attempt = 1; attempt <= attempts; ++attempt) {
    const io::rtaudio::TakeStatus st = audio_->play_and_record(out, in, options_.stall_timeout_s);
    if (!st.problem.empty() && st.frames_played < static_cast<std::uint64_t>(out.rows()) && !st.completed &&
        st.problem.rfind("frame count", 0) != 0) {
      check_devices_present();
      throw HardwareError("audio stopped during " + take_ + ": " + st.problem + " (" + audio_->describe() +
                          "): is the device unplugged or its server gone? The measurements so far are kept");
    }
    std::string why;
    if (st.input_overflow) why += "input overflow (xrun)";
    if (st.output_underflow) why += std::string(why.empty() ? "" : ", ") + "output underflow (xrun)";
    if (!st.problem.empty()) why += std::string(why.empty() ? "" : ", ") + st.problem;
    if (why.empty()) {
      // Pure digital zeros on every channel: no converter records that, so the device (for JACK, the
      // client whose ports we were connected to) may be gone. Listing devices only then: opening a JACK
      // client to list them reorders the server's graph, which can cost the next take an xrun.
      if (in.isZero(0.0)) check_devices_present();
      info_ = {attempt, retries, audio_->reports_xruns()};
      return in;
    }
    spdlog::warn("{}: attempt {} of {} spoiled: {}", take_, attempt, attempts, why);
    retries.push_back(why);
  }
  info_ = {attempts, retries, audio_->reports_xruns()};
  throw MeasurementError(
      take_ + ": every one of " + std::to_string(attempts) + " attempts was spoiled (" + retries.back() +
      "): raise the period (--period-frames, or the JACK server's -p) or take load off the machine");
}

}  // namespace bench::session
