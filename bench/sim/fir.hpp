#pragma once

#include <cstddef>
#include <vector>

#include "bench/dsp/fft.hpp"
#include "bench/dsp/types.hpp"

namespace bench::sim {

/// Causal FIR filter for one channel with zero latency, for the audio thread. The first `head` taps are
/// applied directly, sample by sample; the rest by non-uniformly partitioned overlap-save FFT
/// convolution: level 1 has blocks of B = head samples and covers taps [B, 8B), level 2 blocks of 8B
/// covering [8B, 64B), and so on (at most 7 partitions per level). A level with blocks of B computes the
/// contribution of its taps to the next B outputs each time the input count reaches a multiple of B;
/// since its taps start at B, that needs only inputs already seen. Because the schedule depends only on
/// the absolute sample count, processing a signal in pieces of any size gives bit-identical output to
/// processing it whole. Every operation is linear with sign-symmetric rounding, so -x gives exactly -y.
/// All memory is allocated by the constructor.
class FirFilter {
 public:
  /// taps: the impulse response (at least one tap); head: directly computed taps and the first level's
  /// block size, a power of two >= 4. [any thread] Throws std::invalid_argument for an empty filter or a
  /// bad head size.
  FirFilter(const Eigen::Ref<const dsp::Signal>& taps, std::size_t head);

  /// Filters n samples of x into y; x and y may be the same array. [audio thread, real-time safe]
  void process(const double* x, double* y, std::size_t n) noexcept;

  /// Clears the filter's memory (as if it had only ever seen zeros). [any thread, not concurrently with
  /// process()]
  void reset() noexcept;

  /// Number of taps. [any thread]
  [[nodiscard]] std::size_t length() const noexcept { return length_; }

 private:
  // One uniformly partitioned overlap-save convolver for taps [block, block * (1 + partitions)).
  struct Level {
    Level(const Eigen::Ref<const dsp::Signal>& taps, std::size_t block, std::size_t end);
    void advance() noexcept;  // at every block boundary
    void reset() noexcept;

    std::size_t block = 0;
    std::size_t bins = 0;  // block + 1 bins of a 2*block real FFT
    std::size_t partitions = 0;
    dsp::FixedFft fft;
    std::vector<double> part_re, part_im;  // partitions x bins: spectra of taps [(i+1)B, (i+2)B)
    std::vector<double> frame;             // 2*block: [previous block | current block] of input
    std::vector<double> fdl_re, fdl_im;    // partitions x bins: spectra of past frames (ring)
    std::size_t fdl_pos = 0;               // slot of the newest frame spectrum
    std::vector<double> acc_re, acc_im, out;
    std::vector<double> tail;  // block: this level's contribution to the current block
    std::size_t fill = 0;      // samples of the current block seen so far
  };

  std::size_t length_ = 0;
  std::size_t head_ = 0;
  std::vector<double> head_reversed_;  // taps [0, head) in reverse order
  std::vector<double> history_;        // 2*head: each input written twice for a contiguous window
  std::size_t ring_ = 0;               // next write index into history_, < head_
  std::vector<Level> levels_;
};

}  // namespace bench::sim
