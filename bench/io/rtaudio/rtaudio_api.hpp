#pragma once

// Internal to bench/io/rtaudio: API names.

#include <RtAudio.h>

#include <string>

namespace bench::io::rtaudio {

/// RtAudio's API for a short name ("jack", "alsa", "pulse"). Throws bench::InputError naming the
/// compiled APIs when the name is not one of them.
[[nodiscard]] RtAudio::Api api_by_name(const std::string& name);

/// Why an API shows no devices, in words an operator can act on.
[[nodiscard]] std::string unavailable_reason(const std::string& api);

}  // namespace bench::io::rtaudio
