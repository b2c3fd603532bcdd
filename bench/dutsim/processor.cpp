#include "bench/dutsim/processor.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <string>

#include "bench/core/error.hpp"

namespace bench::dutsim {

std::ptrdiff_t SilenceDetector::scan(std::span<const float* const> channels, std::size_t first,
                                     std::size_t n) noexcept {
  for (std::size_t i = first; i < n; ++i) {
    bool silent = true;
    for (const float* ch : channels) silent = silent && ch[i] == 0.0f;
    run_ = silent ? run_ + 1 : 0;
    // run_ passes threshold_ exactly once per run of silence.
    if (run_ == threshold_) return static_cast<std::ptrdiff_t>(i + 1);
  }
  return -1;
}

namespace {

constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::max();

// A fault time in frames, the nearest to seconds but at least at_least (a positive time must not round to
// 0, which means "never" for a stall or an exit); kNever when it lies beyond every frame an int64 counts
// (llround of such a product is unspecified: the most negative int64 on x86-64). 0 for 0 or below.
std::int64_t to_frames(double seconds, double sample_rate_hz, std::int64_t at_least) {
  if (!(seconds > 0)) return 0;
  const double frames = std::round(seconds * sample_rate_hz);
  if (!(frames < 0x1p63)) return kNever;
  return std::max(at_least, static_cast<std::int64_t>(frames));
}

}  // namespace

FaultSchedule::FaultSchedule(const FaultOptions& options, double sample_rate_hz) noexcept
    : stall_every_(options.stall_ms > 0 ? to_frames(options.stall_every_s, sample_rate_hz, 1) : 0),
      stall_s_(options.stall_ms / 1000.0),
      silence_channel_(options.silence_channel),
      silence_after_(to_frames(options.silence_after_s, sample_rate_hz, 0)),
      exit_after_(to_frames(options.exit_after_s, sample_rate_hz, 1)) {}

bool FaultSchedule::stall_in(std::int64_t start, std::size_t n) const noexcept {
  if (stall_every_ <= 0 || n == 0) return false;
  const std::int64_t last = start + static_cast<std::int64_t>(n) - 1;
  // A multiple k >= 1 of stall_every_ within [start, last]: the first at or after start is at most the
  // last at or before last (divisions only, so an interval near kNever cannot overflow).
  const std::int64_t first_multiple =
      std::max<std::int64_t>(1, start / stall_every_ + (start % stall_every_ != 0 ? 1 : 0));
  return first_multiple <= last / stall_every_;
}

std::size_t FaultSchedule::silence_from(std::int64_t start, std::size_t n) const noexcept {
  if (silence_channel_ < 0) return n;
  if (silence_after_ <= start) return 0;
  const std::int64_t offset = silence_after_ - start;
  return offset >= static_cast<std::int64_t>(n) ? n : static_cast<std::size_t>(offset);
}

bool FaultSchedule::exit_due(std::int64_t processed) const noexcept {
  return exit_after_ > 0 && processed >= exit_after_;
}

Processor::Processor(const sim::ChainConfig& config, int input_ports, const FaultOptions& faults)
    : chain_(config),
      input_ports_(input_ports),
      source_ports_(config.source.device_channels),
      realign_(config.adc.clock_offset_ppm != 0),
      silence_(static_cast<std::int64_t>(std::llround(kRealignSeconds * config.sample_rate_hz))),
      schedule_(faults, config.sample_rate_hz),
      sources_(config.source.device_channels.size(), nullptr),
      in_(dsp::Frames::Zero(kMaxFrames, static_cast<Eigen::Index>(config.source.device_channels.size()))),
      out_(dsp::Frames::Zero(kMaxFrames, sim::Chain::kChannels)) {
  if (static_cast<int>(source_ports_.size()) != chain_.source_channels())
    throw ConfigError("source port '" + config.source.name + "': device_channels has " +
                      std::to_string(source_ports_.size()) + " entries for " +
                      std::to_string(chain_.source_channels()) + " channels");
  for (int p : source_ports_)
    if (p < 0 || p >= input_ports)
      throw ConfigError("source port '" + config.source.name + "': device channel " + std::to_string(p) +
                        " is not one of the " + std::to_string(input_ports) + " interface channels");
  if (faults.silence_channel >= sim::Chain::kChannels)
    throw ConfigError("--silence-channel must be 0 to " + std::to_string(sim::Chain::kChannels - 1) +
                      ", got " + std::to_string(faults.silence_channel));
}

void Processor::run_chain(Eigen::Index first, Eigen::Index count) noexcept {
  if (count <= 0) return;
  chain_.process(in_.middleRows(first, count), out_.middleRows(first, count));
}

bool Processor::process(std::span<const float* const> inputs, std::span<float* const> outputs,
                        std::size_t n) noexcept {
  if (n > kMaxFrames) {
    for (float* out : outputs) std::fill(out, out + n, 0.0f);
    return false;
  }
  const std::int64_t start = processed_.load(std::memory_order_relaxed);
  const auto frames = static_cast<Eigen::Index>(n);
  for (std::size_t s = 0; s < source_ports_.size(); ++s) {
    const auto port = static_cast<std::size_t>(source_ports_[s]);
    sources_[s] = port < inputs.size() ? inputs[port] : nullptr;
    double* column = in_.col(static_cast<Eigen::Index>(s)).data();
    if (sources_[s] == nullptr) {
      std::fill(column, column + n, 0.0);
      continue;
    }
    for (std::size_t i = 0; i < n; ++i) column[i] = static_cast<double>(sources_[s][i]);
  }
  // A missing input buffer (never from JACK) counts as silence: the detector only sees real buffers.
  std::size_t present = 0;
  for (const float* p : sources_)
    if (p != nullptr) sources_[present++] = p;
  Eigen::Index done = 0;
  if (realign_) {
    const std::span<const float* const> present_sources(sources_.data(), present);
    for (std::ptrdiff_t at = 0;
         (at = silence_.scan(present_sources, static_cast<std::size_t>(done), n)) >= 0;) {
      // A take's leading silence is long enough: reset exactly at the frame that completes it.
      run_chain(done, at - done);
      chain_.reset();
      realignments_.fetch_add(1, std::memory_order_relaxed);
      done = at;
    }
  }
  run_chain(done, frames - done);
  const std::size_t silence_from = schedule_.silence_from(start, n);
  for (std::size_t c = 0; c < outputs.size(); ++c) {
    if (outputs[c] == nullptr) continue;
    const double* column =
        out_.col(static_cast<Eigen::Index>(std::min<std::size_t>(c, sim::Chain::kChannels - 1))).data();
    const bool silenced = static_cast<int>(c) == schedule_.silence_channel();
    for (std::size_t i = 0; i < n; ++i)
      outputs[c][i] = (silenced && i >= silence_from) || c >= sim::Chain::kChannels
                          ? 0.0f
                          : static_cast<float>(column[i]);
  }
  if (schedule_.stall_in(start, n)) {
    // Deliberate fault (--stall-every-s): hold the audio thread past its deadline so the server sees an
    // xrun. Busy-waiting on a clock is the point here; a real callback never waits.
    stalls_.fetch_add(1, std::memory_order_relaxed);
    const auto until =
        std::chrono::steady_clock::now() + std::chrono::duration<double>(schedule_.stall_seconds());
    while (std::chrono::steady_clock::now() < until) {
    }
  }
  processed_.store(start + static_cast<std::int64_t>(n), std::memory_order_release);
  return true;
}

}  // namespace bench::dutsim
