#include "bench/analysis/imd_analysis.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "bench/core/error.hpp"
#include "bench/signal/tone.hpp"

namespace bench::analysis {
namespace {

using dsp::ImdStandard;

ImdAnalysisOptions opts(ImdStandard standard, std::optional<double> f1_hz = {},
                        std::optional<double> f2_hz = {}) {
  ImdAnalysisOptions o;
  o.standard = standard, o.f1_hz = f1_hz, o.f2_hz = f2_hz;
  return o;
}

// y = x + a2 x^2 + a3 x^3, the static polynomial whose products are known in closed form.
dsp::Signal polynomial(const dsp::Signal& x, double a2, double a3) {
  return (x.array() + a2 * x.array().square() + a3 * x.array().cube()).matrix();
}

const ImdProduct& product(const ImdResult& r, const std::string& name) {
  for (const auto& p : r.products)
    if (p.name == name) return p;
  throw std::logic_error("no product " + name);
}

// SMPTE through the polynomial: the f2 +- f1 sidebands are a2*A1*A2, the f2 +- 2f1 ones 3/4*a3*A1^2*A2,
// and the f2 tone moves to A2 + a3*(3/2*A1^2*A2 + 3/4*A2^3); no other product of order up to 3 falls on
// f2 +- n*f1.
TEST(ImdAnalysis, SmpteThroughAPolynomialReadsTheAnalyticSidebands) {
  struct Row {
    double fs, level_dbfs, a2, a3;
  };
  for (const Row row : {Row{48000, -6, 1e-3, 0}, Row{48000, -6, 0, 2e-3}, Row{96000, -1, 3e-4, -5e-4},
                        Row{44100, -20, 1e-2, 1e-2}}) {
    const auto spec = stimulus::make_twin_tone_spec(
        ImdStandard::kSmpte, dsp::imd_defaults(ImdStandard::kSmpte), row.level_dbfs, 1, row.fs);
    const double A1 = spec.a1, A2 = spec.a2;
    const ImdResult r = analyze_imd(polynomial(stimulus::generate_twin_tone(spec), row.a2, row.a3), row.fs,
                                    opts(ImdStandard::kSmpte));
    const double f2_amp = A2 + row.a3 * (1.5 * A1 * A1 * A2 + 0.75 * A2 * A2 * A2);
    const double s1 = std::abs(row.a2) * A1 * A2, s2 = 0.75 * std::abs(row.a3) * A1 * A1 * A2;
    const double expected = std::sqrt(2 * s1 * s1 + 2 * s2 * s2) / f2_amp;
    SCOPED_TRACE(testing::Message() << "fs " << row.fs << " level " << row.level_dbfs << " a2 " << row.a2
                                    << " a3 " << row.a3);
    EXPECT_NEAR(r.imd_db, 20 * std::log10(expected), 0.01);
    EXPECT_NEAR(r.imd_percent, 100 * expected, 100 * expected * 0.002);
    EXPECT_NEAR(r.f2_dbfs, 20 * std::log10(f2_amp), 1e-4);
    EXPECT_NEAR(r.ratio, (A1 + row.a3 * (0.75 * A1 * A1 * A1 + 1.5 * A1 * A2 * A2)) / f2_amp, 1e-4);
    EXPECT_NEAR(r.f1_hz, spec.actual_f1_hz, 1e-6);
    EXPECT_NEAR(r.f2_hz, spec.actual_f2_hz, 1e-6);
    ASSERT_EQ(r.products.size(), 10U);
    for (const char* side : {"-", "+"}) {
      if (s1 > 0) {
        EXPECT_NEAR(product(r, std::string("f2") + side + "1f1").relative_db, 20 * std::log10(s1 / f2_amp),
                    0.01);
      }
      if (s2 > 0) {
        EXPECT_NEAR(product(r, std::string("f2") + side + "2f1").relative_db, 20 * std::log10(s2 / f2_amp),
                    0.01);
      }
      for (int n = 3; n <= 5; ++n)
        EXPECT_LT(product(r, std::string("f2") + side + std::to_string(n) + "f1").relative_db, -140);
    }
    EXPECT_FALSE(r.dfd2_db.has_value());
  }
}

// CCIF at 1:1 through the polynomial: f2 - f1 is a2*A^2, 2f1 - f2 and 2f2 - f1 are each 3/4*a3*A^3, and each
// tone moves to A + 9/4*a3*A^3; dfd2 and dfd3 are those over the sum of the two tones.
TEST(ImdAnalysis, CcifThroughAPolynomialReadsTheAnalyticDifferenceFrequencies) {
  struct Row {
    double fs, level_dbfs, a2, a3;
  };
  for (const Row row : {Row{48000, -6, 1e-3, 0}, Row{48000, -6, 0, 2e-3}, Row{96000, -3, 3e-4, -5e-4},
                        Row{44100, -12, 1e-2, 1e-2}}) {
    const auto spec = stimulus::make_twin_tone_spec(ImdStandard::kCcif, dsp::imd_defaults(ImdStandard::kCcif),
                                                    row.level_dbfs, 0.5, row.fs);
    const double A = spec.a1;
    ASSERT_DOUBLE_EQ(spec.a1, spec.a2);
    const ImdResult r = analyze_imd(polynomial(stimulus::generate_twin_tone(spec), row.a2, row.a3), row.fs,
                                    opts(ImdStandard::kCcif));
    const double tone = A + 2.25 * row.a3 * A * A * A, reference = 2 * tone;
    const double d2 = std::abs(row.a2) * A * A, d3 = 0.75 * std::abs(row.a3) * A * A * A;
    SCOPED_TRACE(testing::Message() << "fs " << row.fs << " level " << row.level_dbfs << " a2 " << row.a2
                                    << " a3 " << row.a3);
    ASSERT_TRUE(r.dfd2_db && r.dfd3_db);
    if (d2 > 0)
      EXPECT_NEAR(*r.dfd2_db, 20 * std::log10(d2 / reference), 0.01);
    else
      EXPECT_LT(*r.dfd2_db, -140);
    if (d3 > 0) {
      EXPECT_NEAR(*r.dfd3_db, 20 * std::log10(2 * d3 / reference), 0.01);
      EXPECT_NEAR(product(r, "2f1-f2").relative_db, 20 * std::log10(d3 / reference), 0.01);
      EXPECT_NEAR(product(r, "2f2-f1").relative_db, 20 * std::log10(d3 / reference), 0.01);
    } else {
      EXPECT_LT(*r.dfd3_db, -140);
    }
    EXPECT_NEAR(r.imd_db, 20 * std::log10(std::hypot(d2, 2 * d3) / reference), 0.01);
    EXPECT_NEAR(r.reference_dbfs, 20 * std::log10(reference), 1e-4);
    EXPECT_NEAR(r.ratio, 1, 1e-6);
    EXPECT_NEAR(product(r, "f2-f1").frequency_hz, 1000, 0.01);
  }
}

// A recorder whose clock runs 200 ppm fast sees every line 200 ppm low: the tones are found where they are
// and the products placed from them, so the reading does not change.
TEST(ImdAnalysis, AClockOffsetMovesTheProductsWithTheTones) {
  const double fs = 48000, scale = 1 / 1.0002, a2 = 1e-3, a3 = 1e-3;
  for (const ImdStandard standard : {ImdStandard::kSmpte, ImdStandard::kCcif}) {
    const dsp::ImdTones nominal = dsp::imd_defaults(standard);
    dsp::ImdTones played = nominal;
    played.f1_hz *= scale, played.f2_hz *= scale;
    auto spec = stimulus::make_twin_tone_spec(standard, played, -6, 1, fs);
    spec.actual_f1_hz = played.f1_hz, spec.actual_f2_hz = played.f2_hz;  // not on the record's bins
    const dsp::Signal y = polynomial(stimulus::generate_twin_tone(spec), a2, a3);
    const ImdResult off = analyze_imd(y, fs, opts(standard));
    const ImdResult exact = analyze_imd(y, fs, opts(standard, played.f1_hz, played.f2_hz));
    SCOPED_TRACE(std::string(dsp::to_string(standard)));
    EXPECT_NEAR(off.f2_hz, played.f2_hz, 1e-3 * played.f2_hz * 1e-3);
    EXPECT_NEAR(off.imd_db, exact.imd_db, 0.01);
  }
}

TEST(ImdAnalysis, NoTwinToneShortRecordsAndProductsBeyondNyquistAreRefusedByName) {
  const double fs = 48000;
  std::mt19937_64 rng(5);
  std::normal_distribution<double> g(0, 1e-4);
  dsp::Signal noise(48000);
  for (auto& v : noise) v = g(rng);
  try {
    (void)analyze_imd(noise, fs, opts(ImdStandard::kSmpte));
    FAIL() << "noise alone was read as a twin tone";
  } catch (const MeasurementError& e) {
    EXPECT_NE(std::string(e.what()).find("no smpte f1 tone at 60 Hz"), std::string::npos) << e.what();
  }
  // The CCIF twin tone read as SMPTE: no 60 Hz tone.
  const auto ccif =
      stimulus::make_twin_tone_spec(ImdStandard::kCcif, dsp::imd_defaults(ImdStandard::kCcif), -6, 1, fs);
  EXPECT_THROW((void)analyze_imd(stimulus::generate_twin_tone(ccif), fs, opts(ImdStandard::kSmpte)),
               MeasurementError);
  // SMPTE resolves sidebands 60 Hz apart: 17 bins of 1/T need 0.283 s.
  const auto smpte =
      stimulus::make_twin_tone_spec(ImdStandard::kSmpte, dsp::imd_defaults(ImdStandard::kSmpte), -6, 1, fs);
  const dsp::Signal x = stimulus::generate_twin_tone(smpte);
  try {
    (void)analyze_imd(x.head(12000), fs, opts(ImdStandard::kSmpte));
    FAIL() << "0.25 s of SMPTE was analysed";
  } catch (const MeasurementError& e) {
    EXPECT_NE(std::string(e.what()).find("needs 0.283 s"), std::string::npos) << e.what();
  }
  EXPECT_NO_THROW((void)analyze_imd(x.head(13600), fs, opts(ImdStandard::kSmpte)));
  // CCIF at 32 kHz: 2f2 - f1 = 21 kHz is beyond Nyquist.
  EXPECT_THROW((void)analyze_imd(x, 32000, opts(ImdStandard::kCcif)), InputError);
  EXPECT_THROW((void)stimulus::make_twin_tone_spec(ImdStandard::kSmpte, {60, 7000, 4}, -6, 0.2, fs),
               InputError);
  EXPECT_THROW((void)stimulus::make_twin_tone_spec(ImdStandard::kSmpte, {60, 7000, 4}, 0.5, 1, fs),
               InputError);
  EXPECT_THROW((void)stimulus::make_twin_tone_spec(ImdStandard::kSmpte, {2000, 7000, 4}, -6, 1, fs),
               InputError);
  EXPECT_THROW((void)dsp::parse_imd_standard("din"), InputError);
}

}  // namespace
}  // namespace bench::analysis
