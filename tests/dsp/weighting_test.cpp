#include "bench/dsp/weighting.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "bench/core/error.hpp"

namespace bench::dsp {
namespace {

// IEC 61672-1:2013 Table 3, A-weighting at the exact base-ten frequencies 1000 * 10^(n/10), given to 0.1 dB.
TEST(AWeighting, MatchesIec61672Table) {
  struct Row {
    int n;
    double expected_db;
  };
  const Row table[] = {{-20, -70.4}, {-15, -39.4}, {-12, -26.2}, {-10, -19.1}, {-9, -16.1},
                       {-6, -8.6},   {-3, -3.2},   {0, 0.0},     {3, 1.2},     {6, 1.0},
                       {9, -1.1},    {12, -6.6},   {13, -9.3}};
  for (const Row r : table) {
    const double f = 1000.0 * std::pow(10.0, r.n / 10.0);
    EXPECT_NEAR(20 * std::log10(a_weighting_gain(f)), r.expected_db, 0.051) << f << " Hz";
  }
}

TEST(AWeighting, IsZeroDecibelsAtOneKilohertzToAThousandth) {
  EXPECT_NEAR(20 * std::log10(a_weighting_gain(1000.0)), 0.0, 0.001);
}

TEST(Weighting, ParsesNamesAndRefusesOthers) {
  EXPECT_EQ(parse_weighting("A"), Weighting::kA);
  EXPECT_EQ(parse_weighting("none"), Weighting::kNone);
  EXPECT_THROW((void)parse_weighting("C"), InputError);
  EXPECT_DOUBLE_EQ(weighting_power_gain(Weighting::kNone, 50.0), 1.0);
}

}  // namespace
}  // namespace bench::dsp
