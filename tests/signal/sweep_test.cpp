#include "bench/signal/sweep.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "bench/core/error.hpp"

namespace bench::stimulus {
namespace {

TEST(SweepSpec, RoundsLSoThatF1TimesLIsAWholeNumber) {
  struct Row {
    double f1, f2, duration, rate;
  };
  for (const Row r : {Row{20, 20000, 10, 48000}, Row{10, 22000, 3.3, 44100}, Row{50, 80000, 1, 192000}}) {
    const SweepSpec s = make_sweep_spec(r.f1, r.f2, r.duration, r.rate, -6, 0.01);
    const double cycles = r.f1 * s.rate_l_s;
    EXPECT_NEAR(cycles, std::round(cycles), 1e-9);
    EXPECT_NEAR(s.duration_s, s.rate_l_s * std::log(r.f2 / r.f1), 1e-12);
    EXPECT_NEAR(s.duration_s, r.duration,
                r.duration * 0.5 / cycles + 1e-9);  // rounding moves T by at most half a cycle of L
    EXPECT_EQ(s.samples, static_cast<std::size_t>(std::ceil(s.duration_s * r.rate)));
  }
}

// The synchronisation property (Novak 2015): sin(n*phi(t)) == sin(phi(t + L*ln n)) for whole n,
// which is what lets harmonic responses be read at fixed delays.
TEST(Sweep, HarmonicPhasesAreSynchronised) {
  const SweepSpec s = make_sweep_spec(20, 20000, 5, 48000, 0, 0);
  auto phi = [&](double t) {
    return 2 * std::numbers::pi * s.f1_hz * s.rate_l_s * std::expm1(t / s.rate_l_s);
  };
  for (int n : {2, 3, 5, 9})
    for (double t : {0.0, 0.37, 1.5, 2.9}) {
      const double shifted = t + s.rate_l_s * std::log(static_cast<double>(n));
      if (shifted > s.duration_s) continue;
      EXPECT_NEAR(std::sin(n * phi(t)), sweep_value(s, shifted), 1e-6) << "n=" << n << " t=" << t;
    }
}

TEST(Sweep, SamplesFollowTheFormulaWithLevelAndFades) {
  const SweepSpec s = make_sweep_spec(20, 20000, 2, 48000, -6, 0.02);
  const dsp::Signal x = generate_sweep(s);
  const double a = std::pow(10.0, -6.0 / 20);
  EXPECT_EQ(x[0], 0.0);
  EXPECT_NEAR(x.cwiseAbs().maxCoeff(), a, 1e-3 * a);
  const double t = 1.0;
  const double expected =
      a * std::sin(2 * std::numbers::pi * 20 * s.rate_l_s * (std::exp(t / s.rate_l_s) - 1));
  EXPECT_NEAR(x[48000], expected, 1e-9);
}

TEST(Sweep, EstimatedLMatchesTheTrueLWithinASample) {
  const SweepSpec s = make_sweep_spec(20, 20000, 4, 48000, -6, 0.02);
  const double l = estimate_rate_l(generate_sweep(s), 48000, 20, 20000);
  EXPECT_NEAR(l * std::log(1000.0), s.duration_s, 2.0 / 48000);  // within two samples
}

TEST(SweepSpec, RefusesBadParameters) {
  EXPECT_THROW((void)make_sweep_spec(1000, 100, 1, 48000, -6, 0), InputError);
  EXPECT_THROW((void)make_sweep_spec(20, 30000, 1, 48000, -6, 0), InputError);
  EXPECT_THROW((void)make_sweep_spec(20, 20000, -1, 48000, -6, 0), InputError);
  EXPECT_THROW((void)make_sweep_spec(20, 20000, 1, 48000, 3, 0), InputError);
  EXPECT_THROW((void)make_sweep_spec(20, 20000, 1, 48000, -6, 0.6), InputError);
  EXPECT_THROW((void)make_sweep_spec(0, 20000, 1, 48000, -6, 0), InputError);
}

}  // namespace
}  // namespace bench::stimulus
