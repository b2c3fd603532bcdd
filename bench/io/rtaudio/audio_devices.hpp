#pragma once

// What RtAudio sees: its compiled APIs and each API's devices. bench/io/rtaudio is the only code that
// includes RtAudio.

#include <optional>
#include <string>
#include <vector>

namespace bench::io::rtaudio {

/// One device of one API, as RtAudio probes it.
struct AudioDevice {
  unsigned index = 0;            ///< RtAudio's device index within its API (changes as devices come and go)
  std::string name;              ///< RtAudio's name (for JACK: the client name, e.g. "system", "dutsim")
  unsigned output_channels = 0;  ///< channels it can play
  unsigned input_channels = 0;   ///< channels it can record
  unsigned duplex_channels = 0;
  std::vector<unsigned> sample_rates_hz;  ///< rates it accepts (JACK: the server's one rate)
  unsigned preferred_sample_rate_hz = 0;
  bool default_output = false, default_input = false;
};

/// The devices of one RtAudio API, or why there are none.
struct ApiDevices {
  std::string api;           ///< short name: "alsa", "pulse", "jack"
  std::string display_name;  ///< e.g. "Jack"
  std::vector<AudioDevice> devices;
  std::optional<std::string> unavailable;  ///< e.g. "no JACK server is running"
};

/// Short names of the APIs this RtAudio was built with, in RtAudio's order of preference. [any thread]
[[nodiscard]] std::vector<std::string> compiled_apis();

/// Every device of `api` (one of compiled_apis()), or of every compiled API when empty. Never throws for
/// an API without a server or devices: that API's `unavailable` says so. [main thread]
/// Throws bench::InputError for an API name that is not compiled in, naming the ones that are.
[[nodiscard]] std::vector<ApiDevices> list_audio_devices(const std::string& api = "");

}  // namespace bench::io::rtaudio
