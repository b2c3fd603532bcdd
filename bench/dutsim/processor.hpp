#pragma once

// The JACK-free heart of bench-dutsim: one JACK period in, one out, through sim::Chain, with the clock
// re-alignment at take boundaries and the deliberate faults tests inject. Everything here but the
// constructors is real-time safe, so main.cpp's process callback only fetches port buffers and calls
// Processor::process().

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "bench/dsp/types.hpp"
#include "bench/sim/chain.hpp"

namespace bench::dutsim {

/// Finds where the inputs have been exactly 0 for threshold_frames consecutive frames (all channels at
/// once). Fires once per run of silence, at the frame that completes threshold_frames; a non-zero sample
/// in any channel starts the count again. State carries over between calls, so the result does not
/// depend on how the stream is cut into periods. [real-time safe]
class SilenceDetector {
 public:
  explicit SilenceDetector(std::int64_t threshold_frames) noexcept : threshold_(threshold_frames) {}
  /// Scans frames [first, n) of every channel and stops at the first frame that completes a run of
  /// threshold_frames silent frames: returns k in (first, n], the index just after that frame (scan on
  /// from k for more in the same period), or -1 after scanning them all.
  [[nodiscard]] std::ptrdiff_t scan(std::span<const float* const> channels, std::size_t first,
                                    std::size_t n) noexcept;
  /// Silent frames in the current run.
  [[nodiscard]] std::int64_t run() const noexcept { return run_; }

 private:
  std::int64_t threshold_;
  std::int64_t run_ = 0;
};

/// Deliberate faults, in seconds of processed audio (0 or a negative channel: off).
struct FaultOptions {
  double stall_every_s = 0;  ///< busy-wait stall_ms in the callback every stall_every_s
  double stall_ms = 0;
  int silence_channel = -1;    ///< output channel (0-based) forced to 0 ...
  double silence_after_s = 0;  ///< ... from this time on
  double exit_after_s = 0;     ///< the process exits after this much audio
};

/// When the faults of FaultOptions fall, in frames from the first processed frame. [real-time safe]
class FaultSchedule {
 public:
  FaultSchedule(const FaultOptions& options, double sample_rate_hz) noexcept;
  /// True when the period [start, start + n) contains a multiple k >= 1 of the stall interval.
  [[nodiscard]] bool stall_in(std::int64_t start, std::size_t n) const noexcept;
  /// Index within the period [start, start + n) from which the silenced channel is zeroed; n if none.
  [[nodiscard]] std::size_t silence_from(std::int64_t start, std::size_t n) const noexcept;
  /// True once processed frames reach the exit time.
  [[nodiscard]] bool exit_due(std::int64_t processed) const noexcept;
  [[nodiscard]] int silence_channel() const noexcept { return silence_channel_; }
  [[nodiscard]] double stall_seconds() const noexcept { return stall_s_; }

 private:
  std::int64_t stall_every_ = 0;  // frames; 0: never
  double stall_s_ = 0;
  int silence_channel_ = -1;
  std::int64_t silence_after_ = 0;  // frames
  std::int64_t exit_after_ = 0;     // frames; 0: never
};

/// One fixture's chain between the interface's output channels (input_ports JACK inputs; the fixture's
/// source port picks its device_channels, in order) and the ADC's channels (sim::Chain::kChannels
/// outputs).
/// Clock re-alignment: a bench that records with a second device re-aligns the two streams at the start
/// of every take, and every take starts with at least 0.1 s of digital silence. So when the ADC clock
/// offset is not 0 and the chain's inputs have been exactly 0 for kRealignSeconds, the chain is reset at
/// that frame (Chain::reset()): each take sees the clock (and filters and noise) start fresh, and the
/// drift within a take stays that of the take alone.
class Processor {
 public:
  /// Largest period, frames.
  static constexpr std::size_t kMaxFrames = 8192;
  /// Silence that re-aligns the clock, seconds.
  static constexpr double kRealignSeconds = 0.05;

  /// [main thread] Builds the chain and allocates every buffer. Throws bench::ConfigError when a source
  /// device channel is not below input_ports or the chain rejects its configuration.
  Processor(const sim::ChainConfig& config, int input_ports, const FaultOptions& faults);

  [[nodiscard]] int input_ports() const noexcept { return input_ports_; }
  [[nodiscard]] int output_ports() const noexcept { return sim::Chain::kChannels; }
  [[nodiscard]] const sim::Chain& chain() const noexcept { return chain_; }

  /// Processes one period: inputs has input_ports() buffers, outputs output_ports(), each of n frames.
  /// Returns false (outputs zeroed, nothing processed) when n > kMaxFrames. May busy-wait when a stall
  /// fault is due. [audio thread, real-time safe]
  bool process(std::span<const float* const> inputs, std::span<float* const> outputs, std::size_t n) noexcept;

  /// Frames processed so far. [any thread]
  [[nodiscard]] std::int64_t frames_processed() const noexcept {
    return processed_.load(std::memory_order_acquire);
  }
  /// Clock re-alignments (chain resets) so far. [any thread]
  [[nodiscard]] std::int64_t realignments() const noexcept {
    return realignments_.load(std::memory_order_relaxed);
  }
  /// Stalls injected so far. [any thread]
  [[nodiscard]] std::int64_t stalls() const noexcept { return stalls_.load(std::memory_order_relaxed); }
  /// True once --exit-after-s worth of audio was processed. [any thread]
  [[nodiscard]] bool exit_due() const noexcept { return schedule_.exit_due(frames_processed()); }

 private:
  void run_chain(Eigen::Index first, Eigen::Index count) noexcept;

  sim::Chain chain_;
  int input_ports_;
  std::vector<int> source_ports_;  // JACK input index of each chain input column
  bool realign_;
  SilenceDetector silence_;
  FaultSchedule schedule_;
  std::vector<const float*> sources_;  // this period's source buffers, source_ports_.size()
  dsp::Frames in_;                     // kMaxFrames x source channels
  dsp::Frames out_;                    // kMaxFrames x kChannels
  std::atomic<std::int64_t> processed_{0};
  std::atomic<std::int64_t> realignments_{0};
  std::atomic<std::int64_t> stalls_{0};
};

}  // namespace bench::dutsim
