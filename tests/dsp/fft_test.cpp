#include "bench/dsp/fft.hpp"

#include <gtest/gtest.h>

#include <random>

namespace bench::dsp {
namespace {

TEST(GoodFftSize, ReturnsSmallestSevenSmoothSizeNotBelowRequest) {
  struct Row {
    std::size_t n, expected;
  };
  for (const Row r :
       {Row{1, 1}, Row{11, 12}, Row{13, 14}, Row{97, 98}, Row{1000, 1000}, Row{1001, 1008}, Row{4097, 4116}})
    EXPECT_EQ(good_fft_size(r.n), r.expected) << r.n;
}

TEST(Rfft, CosineAtBinKGivesHalfNAtThatBin) {
  const std::size_t n = 720;
  for (int k : {1, 17, 359}) {
    Signal x(static_cast<Eigen::Index>(n));
    for (Eigen::Index i = 0; i < x.size(); ++i)
      x[i] = std::cos(2 * kPi * k * static_cast<double>(i) / static_cast<double>(n));
    const Spectrum s = rfft(x, n);
    ASSERT_EQ(s.size(), static_cast<Eigen::Index>(n / 2 + 1));
    for (Eigen::Index b = 0; b < s.size(); ++b)
      EXPECT_NEAR(std::abs(s[b]), b == k ? n / 2.0 : 0.0, 1e-9) << "k=" << k << " bin " << b;
  }
}

TEST(Rfft, InverseRestoresSignalAndZeroPadsShortInput) {
  std::mt19937_64 rng(7);
  std::normal_distribution<double> g;
  Signal x(1000);
  for (auto& v : x) v = g(rng);
  const Signal back = irfft(rfft(x, 1536), 1536);
  EXPECT_LT((back.head(1000) - x).cwiseAbs().maxCoeff(), 1e-12);
  EXPECT_LT(back.tail(536).cwiseAbs().maxCoeff(), 1e-12);
}

TEST(FftFilter, EqualsMultiplyingSpectraAndCircularConvolution) {
  // Circular convolution with a 3-tap kernel, computed directly.
  const std::size_t n = 96;
  Signal x(static_cast<Eigen::Index>(n)), k = Signal::Zero(static_cast<Eigen::Index>(n));
  for (Eigen::Index i = 0; i < x.size(); ++i)
    x[i] = std::sin(0.3 * static_cast<double>(i)) + 0.01 * static_cast<double>(i);
  k[0] = 0.5, k[1] = -0.25, k[95] = 0.125;
  const Signal y = fft_filter(x, rfft(k, n), n);
  for (Eigen::Index i = 0; i < x.size(); ++i) {
    const double direct = 0.5 * x[i] - 0.25 * x[(i + 95) % 96] + 0.125 * x[(i + 1) % 96];
    ASSERT_NEAR(y[i], direct, 1e-12) << i;
  }
}

TEST(Rfft, PlansAreCachedPerSizeAndDirection) {
  const Signal x = Signal::Ones(64);
  (void)irfft(rfft(x, 4410), 4410);
  const std::size_t after_first = cached_plan_count();
  for (int i = 0; i < 5; ++i) (void)irfft(rfft(x, 4410), 4410);
  EXPECT_EQ(cached_plan_count(), after_first);
}

}  // namespace
}  // namespace bench::dsp
