#include "bench/io/rtaudio/audio_devices.hpp"

#include <RtAudio.h>

#include <exception>

#include "bench/core/error.hpp"
#include "bench/io/rtaudio/rtaudio_api.hpp"

namespace bench::io::rtaudio {

std::vector<std::string> compiled_apis() {
  std::vector<RtAudio::Api> apis;
  RtAudio::getCompiledApi(apis);
  std::vector<std::string> out;
  for (auto a : apis)
    if (a != RtAudio::RTAUDIO_DUMMY) out.push_back(RtAudio::getApiName(a));
  return out;
}

std::vector<ApiDevices> list_audio_devices(const std::string& api) {
  std::vector<std::string> names = api.empty() ? compiled_apis() : std::vector<std::string>{api};
  route_alsa_messages_to_debug_log();
  std::vector<ApiDevices> out;
  for (const auto& name : names) {
    const RtAudio::Api id = api_by_name(name);  // throws InputError for an unknown name
    ApiDevices d;
    d.api = name;
    d.display_name = RtAudio::getApiDisplayName(id);
    try {
      RtAudio rt(id);
      rt.showWarnings(false);
      for (const auto& [i, info] : probe_devices(rt)) {
        if (!info.probed) continue;
        AudioDevice a;
        a.index = i;
        a.name = info.name;
        a.output_channels = info.outputChannels;
        a.input_channels = info.inputChannels;
        a.duplex_channels = info.duplexChannels;
        a.sample_rates_hz = info.sampleRates;
        a.preferred_sample_rate_hz = info.preferredSampleRate;
        a.default_output = info.isDefaultOutput;
        a.default_input = info.isDefaultInput;
        d.devices.push_back(std::move(a));
      }
      if (d.devices.empty()) d.unavailable = unavailable_reason(name);
    } catch (const std::exception& e) {
      d.unavailable = std::string("RtAudio could not query it: ") + e.what();
    }
    out.push_back(std::move(d));
  }
  return out;
}

}  // namespace bench::io::rtaudio
