#include "bench/io/rtaudio/rtaudio_api.hpp"

#include <alsa/asoundlib.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <cstdarg>
#include <cstdio>
#include <mutex>
#include <thread>

#include "bench/core/error.hpp"
#include "bench/io/rtaudio/audio_devices.hpp"

namespace bench::io::rtaudio {
namespace {

std::thread::id alsa_log_thread;
std::atomic<unsigned long> alsa_dropped{0};

// alsa-lib's error handler: a printf-style message with the place in alsa-lib it comes from.
void alsa_to_debug_log(const char* file, int line, const char* function, int err, const char* fmt, ...) {
  if (std::this_thread::get_id() != alsa_log_thread) {
    alsa_dropped.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  char text[512];
  va_list args;
  va_start(args, fmt);
  std::vsnprintf(text, sizeof text, fmt, args);
  va_end(args);
  spdlog::debug("alsa-lib {}:{} ({}): {}{}{}", file ? file : "?", line, function ? function : "?", text,
                err != 0 ? ": " : "", err != 0 ? snd_strerror(err) : "");
}

}  // namespace

void route_alsa_messages_to_debug_log() {
  static std::once_flag once;
  std::call_once(once, [] {
    alsa_log_thread = std::this_thread::get_id();
    snd_lib_error_set_handler(&alsa_to_debug_log);
  });
}

unsigned long alsa_messages_dropped() noexcept {
  return alsa_dropped.load(std::memory_order_relaxed);
}

RtAudio::Api api_by_name(const std::string& name) {
  const RtAudio::Api id = RtAudio::getCompiledApiByName(name);
  if (id == RtAudio::UNSPECIFIED || id == RtAudio::RTAUDIO_DUMMY) {
    std::string have;
    for (const auto& a : compiled_apis()) have += (have.empty() ? "" : ", ") + a;
    throw InputError("audio API '" + name + "' is not available in this RtAudio: use one of " + have);
  }
  return id;
}

std::string unavailable_reason(const std::string& api) {
  if (api == "jack")
    return "no JACK server is running (start one, e.g. `jackd -d alsa` or `jackd -d dummy`; "
           "JACK_DEFAULT_SERVER picks a named one)";
  if (api == "pulse") return "no PulseAudio server answered";
  if (api == "alsa") return "ALSA lists no sound cards";
  return "no devices";
}

std::vector<ProbedDevice> probe_devices(RtAudio& rt) {
  std::vector<ProbedDevice> devices;
  for (int attempt = 0; attempt < 10; ++attempt) {
    devices.clear();
    const unsigned n = rt.getDeviceCount();
    bool all_probed = true;
    for (unsigned i = 0; i < n; ++i) {
      RtAudio::DeviceInfo info = rt.getDeviceInfo(i);
      all_probed = all_probed && info.probed;
      devices.push_back(ProbedDevice{i, std::move(info)});
    }
    if (all_probed && rt.getDeviceCount() == n) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return devices;
}

}  // namespace bench::io::rtaudio
