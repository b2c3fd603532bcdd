// Output impedance, loading prediction and source loading against closed-form truth: synthetic
// responses V_L = V_open * Z_L / (Z_L + Z_out) from a known source, and the textbook formulas
// Z_out = R_L * (V_open / V_L - 1), H = Z_L / (Z_L + Z_out), 20*log10(Z_in / (Z_in + Z_s)).
#include "bench/analysis/impedance.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "bench/core/error.hpp"

namespace bench::analysis {
namespace {

constexpr double kOpen = std::numeric_limits<double>::infinity();
constexpr double kPi = 3.14159265358979323846;

Complex loaded(Complex v_open, Complex z_out, Complex z_load) {
  if (!std::isfinite(z_load.real())) return v_open;
  return v_open * z_load / (z_load + z_out);
}

struct ResistiveCase {
  double z_out_ohm;
  double load_ohm;  // the second load; the first is open
  double tolerance_ohm;
};

class ResistiveFromOpenAndOneLoad : public ::testing::TestWithParam<ResistiveCase> {};

// Two loads, open and R: the solve must be the textbook Z = R (V_open / V_L - 1), exactly.
TEST_P(ResistiveFromOpenAndOneLoad, IsTheTextbookFormula) {
  const auto c = GetParam();
  const Complex v_open(0.7, -0.2);
  const std::vector<Complex> z = {Complex(kOpen, 0), Complex(c.load_ohm, 0)};
  const std::vector<Complex> v = {loaded(v_open, c.z_out_ohm, z[0]), loaded(v_open, c.z_out_ohm, z[1])};
  const TheveninPoint p = solve_thevenin(z, v);
  const double textbook = (c.load_ohm * (v[0] / v[1] - 1.0)).real();
  EXPECT_NEAR(textbook, c.z_out_ohm, c.tolerance_ohm);
  EXPECT_NEAR(p.output_impedance_ohm.real(), c.z_out_ohm, c.tolerance_ohm);
  EXPECT_NEAR(p.output_impedance_ohm.imag(), 0.0, c.tolerance_ohm);
  EXPECT_NEAR(std::abs(p.open_voltage - v_open), 0.0, 1e-12);
}

INSTANTIATE_TEST_SUITE_P(Table, ResistiveFromOpenAndOneLoad,
                         ::testing::Values(ResistiveCase{0.1, 33, 1e-10}, ResistiveCase{2, 33, 1e-10},
                                           ResistiveCase{10, 300, 1e-9}, ResistiveCase{47, 33, 1e-9},
                                           ResistiveCase{100, 300, 1e-8}, ResistiveCase{430, 10000, 1e-7}));

struct InductiveCase {
  double frequency_hz;
  double magnitude_ohm;  // sqrt(R^2 + (2 pi f L)^2) for R = 1.5 ohm, L = 20 uH
  double phase_deg;      // atan(2 pi f L / R)
};

class InductiveOutput : public ::testing::TestWithParam<InductiveCase> {};

// R + L source, three loads (open, 33 ohm, 300 ohm) in parallel with a 100 kohm recorder input.
TEST_P(InductiveOutput, MagnitudeAndPhaseOfRPlusL) {
  const auto c = GetParam();
  const double r = 1.5, l = 20e-6;
  const Complex z_out(r, 2 * kPi * c.frequency_hz * l);
  const double adc = 1e5;
  const std::vector<Complex> z = {adc, 33.0 * adc / (33.0 + adc), 300.0 * adc / (300.0 + adc)};
  std::vector<Complex> v;
  for (const Complex zl : z) v.push_back(loaded({1.0, 0.3}, z_out, zl));
  const TheveninPoint p = solve_thevenin(z, v);
  EXPECT_NEAR(std::abs(p.output_impedance_ohm), c.magnitude_ohm, 1e-3);
  EXPECT_NEAR(std::arg(p.output_impedance_ohm) * 180 / kPi, c.phase_deg, 0.01);
  EXPECT_LT(p.residual, 1e-12);
}

INSTANTIATE_TEST_SUITE_P(Table, InductiveOutput,
                         ::testing::Values(InductiveCase{20, 1.5000, 0.0960},
                                           InductiveCase{1000, 1.50525, 4.7888},
                                           InductiveCase{10000, 1.95682, 39.9549},
                                           InductiveCase{20000, 2.92687, 59.1699}));

// Eight loads with noise on every response: the least-squares estimate lands within four standard
// deviations of the truth, the deviation from the textbook covariance of linear least squares,
// (A^H A)^-1 A^H D A (A^H A)^-1, where a response error e_k moves row k's residual by (1 + Z_out Y_k) e_k.
TEST(OutputImpedanceLeastSquares, NoisyResponsesLandWithinTheirStatisticalSpread) {
  const Complex z_out(4.7, 0.0), v_open(1.0, 0.0);
  const double sigma = 1e-4;
  const std::vector<double> loads = {kOpen, 8.0, 16.0, 33.0, 47.0, 68.0, 100.0, 300.0};
  const auto n = static_cast<Eigen::Index>(loads.size());
  Eigen::MatrixXcd a(n, 2);
  Eigen::VectorXd d(n);
  for (Eigen::Index k = 0; k < n; ++k) {
    const Complex y =
        std::isfinite(loads[static_cast<std::size_t>(k)]) ? 1.0 / loads[static_cast<std::size_t>(k)] : 0.0;
    const Complex v = loaded(v_open, z_out, loads[static_cast<std::size_t>(k)]);
    a(k, 0) = 1.0, a(k, 1) = -v * y;
    d[k] = sigma * sigma * std::norm(1.0 + z_out * y);
  }
  const Eigen::MatrixXcd inv = (a.adjoint() * a).inverse();
  const Eigen::MatrixXcd cov = inv * a.adjoint() * d.asDiagonal() * a * inv;
  const double sigma_z = std::sqrt(cov(1, 1).real());  // complex: split evenly between re and im
  std::mt19937_64 rng(5);
  std::normal_distribution<double> g(0, sigma / std::sqrt(2.0));
  for (int trial = 0; trial < 20; ++trial) {
    std::vector<Complex> z, v;
    for (const double r : loads) {
      z.emplace_back(r, 0.0);
      v.push_back(loaded(v_open, z_out, z.back()) + Complex(g(rng), g(rng)));
    }
    const TheveninPoint p = solve_thevenin(z, v);
    EXPECT_LT(std::abs(p.output_impedance_ohm - z_out), 4 * sigma_z) << "trial " << trial;
    // The residual is the noise relative to |V_open| = 1: of the order of sigma.
    EXPECT_GT(p.residual, 0.2 * sigma);
    EXPECT_LT(p.residual, 5 * sigma);
  }
}

struct ToleranceCase {
  double z_out_ohm, r1_ohm, t1, r2_ohm, t2;
};

class ToleranceBound : public ::testing::TestWithParam<ToleranceCase> {};

// With two resistors Z = (V2 - V1) / (a - b), a = V1/R1, b = V2/R2; scaling R1 by (1 + d) scales a by
// 1/(1 + d), so dZ/dd1 = Z a / (a - b) and dZ/dd2 = -Z b / (a - b): the worst case is
// |Z| (|a| t1 + |b| t2) / |a - b|. With R1 open (a = 0) it is |Z| t2: a 1 % resistor, 1 % of Z_out.
TEST_P(ToleranceBound, IsTheAnalyticWorstCase) {
  const auto c = GetParam();
  LoadedResponse one, two;
  const std::vector<double> f = {100, 1000};
  one.load_impedance_ohm = ComplexVector::Constant(2, Complex(c.r1_ohm, 0));
  two.load_impedance_ohm = ComplexVector::Constant(2, Complex(c.r2_ohm, 0));
  one.tolerance = c.t1, two.tolerance = c.t2;
  one.response = ComplexVector::Constant(2, loaded(1.0, c.z_out_ohm, c.r1_ohm));
  two.response = ComplexVector::Constant(2, loaded(1.0, c.z_out_ohm, c.r2_ohm));
  const OutputImpedance z = solve_output_impedance({one, two});
  const double v1 = loaded(1.0, c.z_out_ohm, c.r1_ohm).real(), v2 = loaded(1.0, c.z_out_ohm, c.r2_ohm).real();
  const double a = std::isfinite(c.r1_ohm) ? v1 / c.r1_ohm : 0.0, b = v2 / c.r2_ohm;
  const double expected = c.z_out_ohm * (std::abs(a) * c.t1 + std::abs(b) * c.t2) / std::abs(a - b);
  for (int i = 0; i < 2; ++i) {
    EXPECT_NEAR(z.output_impedance_ohm[i].real(), c.z_out_ohm, 1e-9 * c.z_out_ohm);
    EXPECT_NEAR(z.uncertainty_ohm[i], expected, 1e-6 * expected);
  }
}

INSTANTIATE_TEST_SUITE_P(Table, ToleranceBound,
                         ::testing::Values(ToleranceCase{2, kOpen, 0, 33, 0.01},       // 0.02 ohm
                                           ToleranceCase{47, kOpen, 0, 300, 0.05},     // 2.35 ohm
                                           ToleranceCase{2, 33, 0.01, 300, 0.01},      // two finite loads
                                           ToleranceCase{10, 33, 0.001, 300, 0.02}));  // unequal tolerances

TEST(OutputImpedanceErrors, LoadsThatCannotSeparateTheUnknownsAreAMeasurementError) {
  const std::vector<Complex> one = {Complex(33, 0)};
  EXPECT_THROW((void)solve_thevenin(one, std::vector<Complex>{0.9}), MeasurementError);
  const std::vector<Complex> same = {Complex(33, 0), Complex(33, 0)};
  EXPECT_THROW((void)solve_thevenin(same, std::vector<Complex>{0.9, 0.9}), MeasurementError);
  const std::vector<Complex> open = {Complex(kOpen, 0), Complex(kOpen, 0)};
  EXPECT_THROW((void)solve_thevenin(open, std::vector<Complex>{1.0, 1.0}), MeasurementError);
  const std::vector<Complex> two = {Complex(kOpen, 0), Complex(33, 0)};
  EXPECT_THROW((void)solve_thevenin(two, std::vector<Complex>{1.0, 0.0}), MeasurementError);
  EXPECT_THROW((void)solve_thevenin(two, std::vector<Complex>{1.0}), InputError);
}

// A four-point headphone-like curve (real, for hand arithmetic) against 2 ohm and 47 ohm.
struct LoadingCase {
  double z_out_ohm;
  double change_100hz_db;  // 20 log10((75/(75+Z)) / (30/(30+Z)))
  double deviation_db;     // peak-to-peak over 20 Hz..20 kHz
  double damping_1k;       // 30 / Z
  double damping_min;      // 30 / Z (the curve's minimum is 30 ohm)
  bool eighths;
};

class LoadingPredictionTable : public ::testing::TestWithParam<LoadingCase> {};

TEST_P(LoadingPredictionTable, ChangeDeviationDampingAndEighths) {
  const auto c = GetParam();
  const std::vector<double> f = {10, 20, 100, 1000, 10000, 20000, 40000};
  ComplexVector zl(7);
  zl << 200.0, 30.0, 75.0, 30.0, 33.0, 36.0, 500.0;  // 10 Hz and 40 kHz lie outside the band
  const ComplexVector zo = ComplexVector::Constant(7, Complex(c.z_out_ohm, 0));
  const LoadingPrediction p = predict_loading(f, zo, zl);
  EXPECT_NEAR(p.change_db[3], 0.0, 1e-12);
  EXPECT_NEAR(p.change_db[2], c.change_100hz_db, 1e-3);
  EXPECT_NEAR(p.deviation_db, c.deviation_db, 1e-3);
  EXPECT_NEAR(p.damping_factor_at_reference, c.damping_1k, 1e-9);
  EXPECT_NEAR(p.damping_factor_min, c.damping_min, 1e-9);
  EXPECT_EQ(p.rule_of_eighths, c.eighths);
}

INSTANTIATE_TEST_SUITE_P(Table, LoadingPredictionTable,
                         ::testing::Values(LoadingCase{2, 0.33199, 0.33199, 15, 15, true},
                                           LoadingCase{47, 3.96142, 3.96142, 30.0 / 47, 30.0 / 47, false},
                                           LoadingCase{3.75, 0.59926, 0.59926, 8, 8, true}));

TEST(LoadingPrediction, ReferenceIsInterpolatedInLogFrequencyAndPhaseFollowsTheLoad) {
  // Z_out = 10 ohm, Z_L = 10 ohm at 500 Hz and j*10 ohm at 2 kHz: H(1 kHz) halfway in log f between
  // 0.5 and j/(1+j) = 0.5 + 0.5j, i.e. 0.5 + 0.25j.
  const std::vector<double> f = {500, 2000};
  ComplexVector zl(2), zo(2);
  zl << Complex(10, 0), Complex(0, 10);
  zo << Complex(10, 0), Complex(10, 0);
  const LoadingPrediction p = predict_loading(f, zo, zl, 20, 20000, 1000);
  const Complex ref(0.5, 0.25);
  EXPECT_NEAR(p.change_db[0], 20 * std::log10(0.5 / std::abs(ref)), 1e-9);
  EXPECT_NEAR(p.phase_deg[1], (std::arg(Complex(0.5, 0.5)) - std::arg(ref)) * 180 / kPi, 1e-9);
}

TEST(LoadingPrediction, BadAxesAreInputErrors) {
  const ComplexVector two = ComplexVector::Constant(2, 1.0);
  EXPECT_THROW((void)predict_loading({1000, 500}, two, two), InputError);
  EXPECT_THROW((void)predict_loading({1000}, two, two), InputError);
  EXPECT_THROW((void)predict_loading({30000, 40000}, two, two), InputError);
}

struct SourceCase {
  double z_source_ohm, z_input_ohm;
  int inputs;
  double expected_db;
};

class SourceLoading : public ::testing::TestWithParam<SourceCase> {};

TEST_P(SourceLoading, IsTheDividerIntoTheParallelInputs) {
  const auto c = GetParam();
  EXPECT_NEAR(source_loading_db(c.z_source_ohm, c.z_input_ohm, c.inputs), c.expected_db, 1e-4);
}

INSTANTIATE_TEST_SUITE_P(Table, SourceLoading,
                         ::testing::Values(SourceCase{430, 20000, 1, -0.18477},  // 20 log10(20000/20430)
                                           SourceCase{215, 10000, 1, -0.18477},  // half of it, half the input
                                           SourceCase{10, 10000, 2, -0.01735},  // Y-cable: 10 ohm into 5 kohm
                                           SourceCase{100, 600, 2, -2.49877},   // 100 ohm into 300 ohm
                                           SourceCase{0, 10000, 1, 0.0}));

TEST(SourceLoading, NoInputIsAnInputError) {
  EXPECT_THROW((void)source_loading_db(10, 1e4, 0), InputError);
}

TEST(BandMean, AveragesTheThirdOctaveAroundTheCentre) {
  const std::vector<double> f = {700, 900, 1000, 1100, 1500};
  ComplexVector v(5);
  v << 100.0, 1.0, 2.0, 3.0, 100.0;  // 700 and 1500 Hz lie outside 891..1122 Hz
  EXPECT_NEAR(std::abs(band_mean(f, v, 1000) - Complex(2.0, 0)), 0.0, 1e-12);
  // No point in the band: the nearest one in log frequency (5 kHz is 2.3 octaves off, 100 Hz 3.3).
  EXPECT_NEAR(std::abs(band_mean({100, 5000}, v.head(2), 1000, 3) - Complex(1, 0)), 0.0, 1e-12);
}

}  // namespace
}  // namespace bench::analysis
