#include "bench/sim/fir.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace bench::sim {
namespace {

std::size_t checked_head(std::size_t head) {
  if (head < 4 || (head & (head - 1)) != 0)
    throw std::invalid_argument("FirFilter: head must be a power of two >= 4, got " + std::to_string(head));
  return head;
}

constexpr std::size_t kLevelGrowth = 8;  // each level's block is 8 times the previous one's

}  // namespace

FirFilter::Level::Level(const Eigen::Ref<const dsp::Signal>& taps, std::size_t block_size, std::size_t end)
    : block(block_size),
      bins(block_size + 1),
      partitions((end - block_size + block_size - 1) / block_size),
      fft(2 * block_size) {
  part_re.assign(partitions * bins, 0.0);
  part_im.assign(partitions * bins, 0.0);
  std::vector<double> padded(2 * block, 0.0);
  for (std::size_t i = 0; i < partitions; ++i) {
    std::fill(padded.begin(), padded.end(), 0.0);
    for (std::size_t k = 0; k < block; ++k) {
      const std::size_t t = (i + 1) * block + k;
      if (t < end) padded[k] = taps[static_cast<Eigen::Index>(t)];
    }
    // The inverse FFT's 1/(2B) is inside FixedFft::inverse, so the spectra are stored as they are.
    fft.forward(padded.data(), part_re.data() + i * bins, part_im.data() + i * bins);
  }
  frame.assign(2 * block, 0.0);
  fdl_re.assign(partitions * bins, 0.0);
  fdl_im.assign(partitions * bins, 0.0);
  acc_re.assign(bins, 0.0);
  acc_im.assign(bins, 0.0);
  out.assign(2 * block, 0.0);
  tail.assign(block, 0.0);
}

void FirFilter::Level::reset() noexcept {
  std::fill(frame.begin(), frame.end(), 0.0);
  std::fill(fdl_re.begin(), fdl_re.end(), 0.0);
  std::fill(fdl_im.begin(), fdl_im.end(), 0.0);
  std::fill(tail.begin(), tail.end(), 0.0);
  fdl_pos = 0;
  fill = 0;
}

void FirFilter::Level::advance() noexcept {
  // The frame holds inputs [(m-2)B, mB); its spectrum becomes the newest entry of the delay line.
  // Output block m gets sum_i S_{m-1-i} G_i, whose last B samples of the circular convolution are exact.
  fdl_pos = fdl_pos + 1 == partitions ? 0 : fdl_pos + 1;
  fft.forward(frame.data(), fdl_re.data() + fdl_pos * bins, fdl_im.data() + fdl_pos * bins);
  std::fill(acc_re.begin(), acc_re.end(), 0.0);
  std::fill(acc_im.begin(), acc_im.end(), 0.0);
  std::size_t slot = fdl_pos;
  double* ar = acc_re.data();
  double* ai = acc_im.data();
  for (std::size_t i = 0; i < partitions; ++i) {
    const double* sr = fdl_re.data() + slot * bins;
    const double* si = fdl_im.data() + slot * bins;
    const double* gr = part_re.data() + i * bins;
    const double* gi = part_im.data() + i * bins;
    for (std::size_t k = 0; k < bins; ++k) {
      ar[k] += sr[k] * gr[k] - si[k] * gi[k];
      ai[k] += sr[k] * gi[k] + si[k] * gr[k];
    }
    slot = slot == 0 ? partitions - 1 : slot - 1;
  }
  fft.inverse(acc_re.data(), acc_im.data(), out.data());
  std::copy(out.begin() + static_cast<std::ptrdiff_t>(block), out.end(), tail.begin());
  std::copy(frame.begin() + static_cast<std::ptrdiff_t>(block), frame.end(), frame.begin());
}

FirFilter::FirFilter(const Eigen::Ref<const dsp::Signal>& taps, std::size_t head)
    : length_(static_cast<std::size_t>(taps.size())), head_(checked_head(head)) {
  if (taps.size() == 0) throw std::invalid_argument("FirFilter: no taps");
  head_reversed_.assign(head_, 0.0);
  for (std::size_t k = 0; k < std::min(head_, length_); ++k)
    head_reversed_[head_ - 1 - k] = taps[static_cast<Eigen::Index>(k)];
  history_.assign(2 * head_, 0.0);
  for (std::size_t block = head_; block < length_; block *= kLevelGrowth)
    levels_.emplace_back(taps, block, std::min(length_, block * kLevelGrowth));
}

void FirFilter::reset() noexcept {
  std::fill(history_.begin(), history_.end(), 0.0);
  ring_ = 0;
  for (Level& level : levels_) level.reset();
}

void FirFilter::process(const double* x, double* y, std::size_t n) noexcept {
  const Eigen::Map<const Eigen::VectorXd> head(head_reversed_.data(), static_cast<Eigen::Index>(head_));
  const auto head_size = static_cast<Eigen::Index>(head_);
  for (std::size_t i = 0; i < n; ++i) {
    const double in = x[i];
    history_[ring_] = in;
    history_[ring_ + head_] = in;
    // history_[ring_+1 .. ring_+head_] now holds the last head_ inputs, oldest first.
    double out = head.dot(Eigen::Map<const Eigen::VectorXd>(history_.data() + ring_ + 1, head_size));
    ring_ = ring_ + 1 == head_ ? 0 : ring_ + 1;
    for (Level& level : levels_) {
      out += level.tail[level.fill];
      level.frame[level.block + level.fill] = in;
      if (++level.fill == level.block) {
        level.fill = 0;
        level.advance();
      }
    }
    y[i] = out;
  }
}

}  // namespace bench::sim
