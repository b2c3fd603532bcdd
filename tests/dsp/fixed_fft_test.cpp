#include <gtest/gtest.h>

#include <complex>
#include <random>
#include <stdexcept>
#include <vector>

#include "bench/dsp/fft.hpp"

namespace bench::dsp {
namespace {

// A direct O(n^2) DFT is the independent truth.
TEST(FixedFft, MatchesTheDirectDftAndRoundTrips) {
  std::mt19937_64 rng(3);
  std::normal_distribution<double> normal;
  for (std::size_t n : {4u, 6u, 16u, 100u, 1024u, 2048u}) {
    dsp::Signal x(static_cast<Eigen::Index>(n));
    for (Eigen::Index i = 0; i < x.size(); ++i) x[i] = normal(rng);
    dsp::Spectrum truth(static_cast<Eigen::Index>(n / 2 + 1));
    for (std::size_t k = 0; k <= n / 2; ++k) {
      std::complex<double> acc = 0;
      for (std::size_t i = 0; i < n; ++i)
        acc += x[static_cast<Eigen::Index>(i)] *
               std::polar(1.0, -2 * kPi * static_cast<double>((i * k) % n) / static_cast<double>(n));
      truth[static_cast<Eigen::Index>(k)] = acc;
    }
    FixedFft fft(n);
    std::vector<double> re(n / 2 + 1), im(n / 2 + 1), back(n);
    fft.forward(x.data(), re.data(), im.data());
    const double tolerance = 1e-13 * static_cast<double>(n);
    for (std::size_t k = 0; k <= n / 2; ++k) {
      EXPECT_NEAR(re[k], truth[static_cast<Eigen::Index>(k)].real(), tolerance) << "n=" << n << " bin " << k;
      EXPECT_NEAR(im[k], truth[static_cast<Eigen::Index>(k)].imag(), tolerance) << "n=" << n << " bin " << k;
    }
    fft.inverse(re.data(), im.data(), back.data());
    for (std::size_t i = 0; i < n; ++i)
      EXPECT_NEAR(back[i], x[static_cast<Eigen::Index>(i)], 1e-14 * static_cast<double>(n));
  }
}

TEST(FixedFft, NegatedInputGivesExactlyNegatedSpectrum) {
  std::mt19937_64 rng(4);
  std::uniform_real_distribution<double> u(-1, 1);
  const std::size_t n = 256;
  std::vector<double> x(n), neg(n), re(n / 2 + 1), im(n / 2 + 1), re_n(n / 2 + 1), im_n(n / 2 + 1);
  for (std::size_t i = 0; i < n; ++i) neg[i] = -(x[i] = u(rng));
  FixedFft fft(n);
  fft.forward(x.data(), re.data(), im.data());
  fft.forward(neg.data(), re_n.data(), im_n.data());
  for (std::size_t k = 0; k <= n / 2; ++k) {
    EXPECT_EQ(re_n[k], -re[k]);
    EXPECT_EQ(im_n[k], -im[k]);
  }
}

TEST(FixedFft, RejectsSizesBelowTwo) {
  for (std::size_t n : {0u, 1u}) EXPECT_THROW(FixedFft{n}, std::invalid_argument) << n;
}

}  // namespace
}  // namespace bench::dsp
