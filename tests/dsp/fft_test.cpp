#include "bench/dsp/fft.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <complex>
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

TEST(GoodLargeFftSize, BelowTheSquareRangeIsGoodFftSizeAboveItTwiceASmoothSquare) {
  for (const std::size_t n : {1u, 4097u, 1048575u}) EXPECT_EQ(good_large_fft_size(n), good_fft_size(n)) << n;
  struct Row {
    std::size_t n, expected;  // 2 s^2 for the smallest 7-smooth s with 2 s^2 >= n
  };
  for (const Row r : {Row{1048576, 1062882},   // s = 729 = 3^6 (724.08 needed; 725-728 are not 7-smooth)
                      Row{2097152, 2097152},   // s = 1024
                      Row{3936600, 4147200}})  // s = 1440 = 2^5 3^2 5 (1402.98 needed)
    EXPECT_EQ(good_large_fft_size(r.n), r.expected) << r.n;
}

// n = 2 * 768^2 = 1179648 is transformed as a 768 x 768 matrix (fft.cpp): checked against the DFT's
// definition. A unit impulse at p has X[k] = exp(-2 pi i p k / n) at every bin, which pins every
// column of the transform (it is linear); a cosine at bin k has n/2 there and nothing elsewhere.
TEST(Rfft, TwiceASquareSizeMatchesTheDefinitionAtEveryBin) {
  const std::size_t n = 2 * 768 * 768;
  for (const Eigen::Index p :
       {Eigen::Index{0}, Eigen::Index{1}, Eigen::Index{12345}, Eigen::Index{1179647}}) {
    Signal x = Signal::Zero(static_cast<Eigen::Index>(n));
    x[p] = 1;
    const Spectrum X = rfft(x, n);
    ASSERT_EQ(X.size(), static_cast<Eigen::Index>(n / 2 + 1));
    double worst = 0;
    for (Eigen::Index k = 0; k < X.size(); ++k) {
      const double phase =
          -2 * kPi * static_cast<double>((p * k) % static_cast<Eigen::Index>(n)) / static_cast<double>(n);
      worst = std::max(worst, std::abs(X[k] - std::polar(1.0, phase)));
    }
    EXPECT_LT(worst, 1e-12) << "impulse at " << p;
  }
  for (const Eigen::Index k :
       {Eigen::Index{1}, Eigen::Index{768}, Eigen::Index{294912}, Eigen::Index{589823}}) {
    Signal x(static_cast<Eigen::Index>(n));
    for (Eigen::Index i = 0; i < x.size(); ++i)
      x[i] = std::cos(2 * kPi * static_cast<double>((i * k) % static_cast<Eigen::Index>(n)) /
                      static_cast<double>(n));
    const Spectrum X = rfft(x, n);
    double off = 0;
    for (Eigen::Index b = 0; b < X.size(); ++b)
      if (b != k) off = std::max(off, std::abs(X[b]));
    EXPECT_NEAR(X[k].real(), n / 2.0, 1e-6) << "k=" << k;
    EXPECT_NEAR(X[k].imag(), 0.0, 1e-6) << "k=" << k;
    EXPECT_LT(off, 1e-6) << "k=" << k;
  }
}

// The inverse of one bin c at 0 < k < n/2 is 2 Re(c exp(2 pi i k t / n)) (n times the normalised inverse
// for irfft's 1/n: 2 Re(...) / n); the imaginary parts of bins 0 and n/2 are ignored; random data comes
// back from the round trip.
TEST(Rfft, TwiceASquareSizeInvertsOneBinAndRoundTrips) {
  const std::size_t n = 2 * 768 * 768;
  const Eigen::Index bins = static_cast<Eigen::Index>(n / 2 + 1);
  const std::complex<double> c(0.75, -0.5);
  for (const Eigen::Index k : {Eigen::Index{3}, Eigen::Index{200001}}) {
    Spectrum X = Spectrum::Zero(bins);
    X[k] = c;
    X[0] = {2.0, 5.0};          // the 5 is ignored
    X[bins - 1] = {-1.0, 7.0};  // so is the 7
    const Signal x = irfft(X, n);
    double worst = 0;
    for (Eigen::Index t = 0; t < x.size(); ++t) {
      const double phase =
          2 * kPi * static_cast<double>((k * t) % static_cast<Eigen::Index>(n)) / static_cast<double>(n);
      const double expected = (2 * (c * std::polar(1.0, phase)).real() + 2.0 + (t % 2 == 0 ? -1.0 : 1.0)) /
                              static_cast<double>(n);
      worst = std::max(worst, std::abs(x[t] - expected));
    }
    EXPECT_LT(worst * static_cast<double>(n), 1e-9) << "k=" << k;
  }
  std::mt19937_64 rng(11);
  std::normal_distribution<double> g;
  Signal x(static_cast<Eigen::Index>(n));
  for (auto& v : x) v = g(rng);
  EXPECT_LT((irfft(rfft(x, n), n) - x).cwiseAbs().maxCoeff(), 1e-12);
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
