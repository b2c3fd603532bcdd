#pragma once

// Plays a stimulus and records the reference ADC through RtAudio: one duplex stream when the interface
// also records, two streams (two clients, two clocks) when a separate ADC records.

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "bench/dsp/types.hpp"

class RtAudio;

namespace bench::io::rtaudio {

/// Which devices and channels to open.
struct StreamSetup {
  std::string api;  ///< "jack", "alsa", "pulse"; empty: the first compiled API that has both devices
  std::string output_pattern;    ///< ECMAScript regex on the playing device's RtAudio name (the interface)
  std::string input_pattern;     ///< regex on the recording device's name (the reference ADC)
  unsigned output_channels = 2;  ///< channels opened on the playing device, starting at channel 0
  unsigned input_channels = 2;   ///< channels opened on the recording device, starting at channel 0
  unsigned sample_rate_hz = 48000;
  unsigned period_frames = 256;       ///< requested; the device may choose another (see period_frames())
  bool separate_streams = false;      ///< two streams even when one device plays and records
  std::string client_name = "bench";  ///< JACK client name (two streams: "<name>_out", "<name>_in")
};

/// How one take went.
struct TakeStatus {
  bool completed = false;         ///< every frame played and recorded
  bool input_overflow = false;    ///< the device dropped input (xrun) during the take
  bool output_underflow = false;  ///< the device ran out of output (xrun) during the take
  std::uint64_t frames_played = 0;
  std::uint64_t frames_recorded = 0;
  std::string problem;  ///< why the take is not usable, empty when it is
};

/// Open streams, started once and kept running: between takes they play silence. [main thread; the
/// audio callbacks only copy between preallocated buffers and update atomics]
class LiveAudio {
 public:
  /// Finds the devices, checks rate and channel counts, opens and starts the streams. Throws
  /// bench::HardwareError with one line naming the device and what was found instead (not found,
  /// rate refused, too few channels, open failed), bench::InputError for an unknown API.
  explicit LiveAudio(const StreamSetup& setup);
  ~LiveAudio();
  LiveAudio(const LiveAudio&) = delete;
  LiveAudio& operator=(const LiveAudio&) = delete;

  /// "rtaudio/jack: 'dutsim' plays 4 ch, 'dutsim' records 2 ch, 48000 Hz, 256-frame period, one duplex
  /// stream".
  [[nodiscard]] std::string describe() const;
  /// False for APIs that do not report xruns (PulseAudio): a clean take there proves less.
  [[nodiscard]] bool reports_xruns() const { return reports_xruns_; }
  [[nodiscard]] unsigned period_frames() const { return period_frames_; }
  [[nodiscard]] const std::string& api() const { return api_; }

  /// Plays `out` (frames x output_channels, full scale +-1) and records as many frames of every input
  /// channel into `in` (resized here). Returns when both are done, or with a problem: no audio for
  /// stall_timeout_s (device gone, server stopped) or the stream closed; after such a problem every
  /// later call returns the same problem. Never throws: the status says what happened (xruns, frame
  /// counts, problems).
  TakeStatus play_and_record(const dsp::Frames& out, dsp::Frames& in, double stall_timeout_s = 3.0);

  /// Shared between the callbacks and the main thread. Public only for the C callbacks.
  struct Shared;

 private:
  std::string api_, describe_;
  bool reports_xruns_ = true;
  bool broken_ = false;
  std::string broken_reason_;
  unsigned period_frames_ = 0;
  unsigned out_channels_ = 0, in_channels_ = 0;
  std::unique_ptr<Shared> shared_;
  std::unique_ptr<RtAudio> out_rt_, in_rt_;  // in_rt_ only with two streams
};

}  // namespace bench::io::rtaudio
