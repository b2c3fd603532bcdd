#include "bench/sim/fir.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

namespace bench::sim {
namespace {

dsp::Signal random_signal(Eigen::Index n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal;
  dsp::Signal x(n);
  for (Eigen::Index i = 0; i < n; ++i) x[i] = normal(rng);
  return x;
}

// Direct-form convolution is the truth.
dsp::Signal convolve(const dsp::Signal& h, const dsp::Signal& x) {
  dsp::Signal y = dsp::Signal::Zero(x.size());
  for (Eigen::Index n = 0; n < x.size(); ++n)
    for (Eigen::Index k = 0; k < std::min<Eigen::Index>(h.size(), n + 1); ++k) y[n] += h[k] * x[n - k];
  return y;
}

TEST(FirFilter, MatchesDirectConvolution) {
  struct Row {
    Eigen::Index taps;
    std::size_t block;
  };
  for (const Row r : {Row{1, 4}, Row{3, 8}, Row{8, 8}, Row{9, 8}, Row{100, 16}, Row{128, 128}, Row{129, 128},
                      Row{1000, 64}, Row{4096, 64}, Row{4096, 4}, Row{5000, 128}}) {
    const dsp::Signal h = random_signal(r.taps, 1) / std::sqrt(static_cast<double>(r.taps));
    const dsp::Signal x = random_signal(6000, 2);
    const dsp::Signal truth = convolve(h, x);
    FirFilter fir(h, r.block);
    dsp::Signal y(x.size());
    fir.process(x.data(), y.data(), static_cast<std::size_t>(x.size()));
    EXPECT_LT((y - truth).cwiseAbs().maxCoeff(), 1e-12) << "taps " << r.taps << " block " << r.block;
  }
}

TEST(FirFilter, BlockSizeDoesNotChangeABit) {
  // 1500 taps with a head of 16: three FFT levels (blocks of 16, 128, 1024).
  const dsp::Signal h = random_signal(1500, 5) * 0.02;
  const dsp::Signal x = random_signal(5000, 6);
  FirFilter whole(h, 16);
  dsp::Signal reference(x.size());
  whole.process(x.data(), reference.data(), static_cast<std::size_t>(x.size()));
  for (std::size_t block : {1u, 37u, 128u, 512u}) {
    FirFilter fir(h, 16);
    dsp::Signal y = x;  // in place
    for (std::size_t start = 0; start < static_cast<std::size_t>(x.size()); start += block) {
      const std::size_t n = std::min(block, static_cast<std::size_t>(x.size()) - start);
      fir.process(y.data() + start, y.data() + start, n);
    }
    EXPECT_TRUE(y == reference) << "block " << block;
  }
}

TEST(FirFilter, NegatedInputGivesExactlyNegatedOutputAndResetForgets) {
  const dsp::Signal h = random_signal(700, 7) * 0.05;
  const dsp::Signal x = random_signal(3000, 8);
  FirFilter fir(h, 64);
  dsp::Signal y(x.size()), y_neg(x.size()), y_again(x.size());
  const dsp::Signal neg = -x;
  fir.process(x.data(), y.data(), 3000);
  fir.reset();
  fir.process(neg.data(), y_neg.data(), 3000);
  EXPECT_TRUE(y_neg == -y);
  fir.reset();
  fir.process(x.data(), y_again.data(), 3000);
  EXPECT_TRUE(y_again == y);
}

}  // namespace
}  // namespace bench::sim
