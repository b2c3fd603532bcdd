#pragma once

// Internal to bench/io/rtaudio: API names.

#include <RtAudio.h>

#include <string>
#include <vector>

namespace bench::io::rtaudio {

/// RtAudio's API for a short name ("jack", "alsa", "pulse"). Throws bench::InputError naming the
/// compiled APIs when the name is not one of them.
[[nodiscard]] RtAudio::Api api_by_name(const std::string& name);

/// Why an API shows no devices, in words an operator can act on.
[[nodiscard]] std::string unavailable_reason(const std::string& api);

/// Sends alsa-lib's own messages (a dozen "ALSA lib confmisc.c:855:(parse_card) cannot find card '0'"
/// lines on stderr on a machine without sound cards, printed while RtAudio probes) to the debug log
/// (`bench -v`), where the one line the bench prints about the API is what an operator reads. Installed
/// once; the thread that installed it logs them, and a message from any other thread (the audio thread
/// of RtAudio's ALSA API) is only counted, since the audio thread never logs. [main thread]
void route_alsa_messages_to_debug_log();

/// The alsa-lib messages dropped so far because they came from another thread than the main one.
[[nodiscard]] unsigned long alsa_messages_dropped() noexcept;

/// One device as RtAudio probed it, with its index within the API.
struct ProbedDevice {
  unsigned index = 0;
  RtAudio::DeviceInfo info;
};

/// Every device of `rt`, read so that a device list changing meanwhile is not misread: RtAudio's JACK
/// API lists the clients anew in every getDeviceInfo(i), so a client that comes or goes between two calls
/// shifts the indices (a device then reads as another one, or as not probed). The list is read again
/// until the count is the same before and after and every device was probed, at most 10 times in about
/// 0.5 s; the last reading is returned either way. [main thread] May throw RtAudioError.
[[nodiscard]] std::vector<ProbedDevice> probe_devices(RtAudio& rt);

}  // namespace bench::io::rtaudio
