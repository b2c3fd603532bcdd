// Load::impedance_at against curves whose interpolated values are known by construction, and the TOML
// spelling of connectors.
#include "bench/plan/model.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <numbers>
#include <utility>
#include <vector>

using bench::plan::Connector;
using bench::plan::ImpedancePoint;
using bench::plan::Load;

namespace {

Load headphone(std::vector<ImpedancePoint> curve) {
  Load load;
  load.kind = Load::Kind::kHeadphone;
  load.impedance = std::move(curve);
  return load;
}

TEST(PlanLoadImpedance, ResistorIsItsResistanceAtEveryFrequency) {
  Load load;
  load.kind = Load::Kind::kResistor;
  load.resistance_ohm = 32;
  for (double f : {1.0, 1000.0, 96000.0}) EXPECT_EQ(load.impedance_at(f), std::complex<double>(32, 0)) << f;
}

struct InterpolationCase {
  double frequency_hz;
  double magnitude_ohm;
  double phase_deg;
};

// Curve: 100 Hz 10 ohm 0 deg, 1 kHz 30 ohm 60 deg, 10 kHz 20 ohm -30 deg. Interpolation is linear in
// log frequency, so the geometric mean of two points gets the arithmetic mean of their values.
TEST(PlanLoadImpedance, InterpolatesMagnitudeAndPhaseOverLogFrequencyAndHoldsTheEnds) {
  const Load load = headphone({{100, 10, 0}, {1000, 30, 60}, {10000, 20, -30}});
  const InterpolationCase cases[] = {
      {100, 10, 0},                       // first point
      {1000, 30, 60},                     // a middle point
      {10000, 20, -30},                   // last point
      {std::sqrt(100.0 * 1000), 20, 30},  // log midpoint of the first segment
      {std::pow(10, 3.25), 27.5, 37.5},   // a quarter into the second segment
      {10, 10, 0},                        // below the curve: held
      {0, 10, 0},                         // zero frequency: held, no log of 0
      {50000, 20, -30},                   // above the curve: held
  };
  for (const auto& c : cases) {
    const std::complex<double> z = load.impedance_at(c.frequency_hz);
    EXPECT_NEAR(std::abs(z), c.magnitude_ohm, 1e-9) << c.frequency_hz;
    EXPECT_NEAR(std::arg(z) * 180 / std::numbers::pi, c.phase_deg, 1e-9) << c.frequency_hz;
  }
}

TEST(PlanConnectorSpelling, EveryConnectorHasItsTomlSpelling) {
  EXPECT_EQ(to_string(Connector::kTrs), "trs");
  EXPECT_EQ(to_string(Connector::kXlr), "xlr");
  EXPECT_EQ(to_string(Connector::kTs), "ts");
  EXPECT_EQ(to_string(Connector::kRca), "rca");
  EXPECT_EQ(to_string(Connector::kStereoTrs), "stereo_trs");
}

}  // namespace
