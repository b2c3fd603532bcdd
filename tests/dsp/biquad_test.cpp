#include "bench/dsp/biquad.hpp"

#include <gtest/gtest.h>

namespace bench::dsp {
namespace {

// The cookbook filters' defining properties: gain at the centre, unity far away.
TEST(Biquad, CookbookDesignsHaveTheirDefiningGains) {
  const double fs = 48000;
  EXPECT_NEAR(20 * std::log10(std::abs(Biquad::peaking(fs, 1000, 2, 6).response(fs, 1000))), 6.0, 1e-9);
  EXPECT_NEAR(std::abs(Biquad::peaking(fs, 1000, 2, 6).response(fs, 20)), 1.0, 1e-3);
  EXPECT_NEAR(std::abs(Biquad::band_pass(fs, 1000, 2).response(fs, 1000)), 1.0, 1e-9);
  EXPECT_NEAR(20 * std::log10(std::abs(Biquad::low_pass(fs, 5000, M_SQRT1_2).response(fs, 5000))), -3.0103,
              1e-3);
  EXPECT_NEAR(20 * std::log10(std::abs(Biquad::high_pass(fs, 50, M_SQRT1_2).response(fs, 50))), -3.0103,
              1e-3);
}

TEST(Biquad, FilterImpulseResponseMatchesCoefficients) {
  const Biquad b = Biquad::band_pass(48000, 3000, 1);
  Signal d = Signal::Zero(8);
  d[0] = 1;
  const Signal h = b.filter(d);
  EXPECT_DOUBLE_EQ(h[0], b.b0);
  EXPECT_DOUBLE_EQ(h[1], b.b1 - b.a1 * h[0]);
  EXPECT_DOUBLE_EQ(h[2], b.b2 - b.a1 * h[1] - b.a2 * h[0]);
}

}  // namespace
}  // namespace bench::dsp
