#include "bench/dsp/window.hpp"

#include <gtest/gtest.h>

#include "bench/dsp/fft.hpp"

namespace bench::dsp {
namespace {

TEST(Window, EquivalentNoiseBandwidthMatchesTheory) {
  EXPECT_NEAR(enbw_bins(hann(4096)), 1.5, 1e-9);  // Harris 1978
  EXPECT_NEAR(enbw_bins(Signal::Ones(4096)), 1.0, 1e-12);
}

TEST(Window, BlackmanHarris7SidelobesAreBelowMinus170DecibelsBeyondItsMainLobe) {
  const std::size_t n = 1024, pad = 16;  // 16x zero padding resolves the sidelobes
  const Signal w = blackman_harris7(n);
  const Spectrum s = rfft(w, n * pad);
  const double peak = std::abs(s[0]);
  for (Eigen::Index k = static_cast<Eigen::Index>(8 * pad); k < s.size(); ++k)
    ASSERT_LT(20 * std::log10(std::abs(s[k]) / peak + 1e-300), -170.0)
        << "bin " << static_cast<double>(k) / pad;
}

TEST(Window, TukeyIsFlatBetweenItsTapers) {
  const Signal w = tukey(100, 10, 20);
  EXPECT_LT(w[0], 0.05);
  EXPECT_LT(w[99], 0.05);
  for (int i = 10; i < 80; ++i) EXPECT_DOUBLE_EQ(w[i], 1.0);
}

}  // namespace
}  // namespace bench::dsp
