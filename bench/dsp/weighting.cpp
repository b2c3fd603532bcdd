#include "bench/dsp/weighting.hpp"

#include <cmath>

#include "bench/core/error.hpp"

namespace bench::dsp {

std::string to_string(Weighting w) {
  return w == Weighting::kA ? "A" : w == Weighting::kCcirRms ? "ccir-rms" : "none";
}

Weighting parse_weighting(std::string_view text) {
  if (text == "A" || text == "a") return Weighting::kA;
  if (text == "ccir-rms") return Weighting::kCcirRms;
  if (text == "none" || text.empty()) return Weighting::kNone;
  throw InputError("unknown weighting '" + std::string(text) + "': use A, ccir-rms or none");
}

double a_weighting_gain(double frequency_hz) {
  constexpr double f1 = 20.598997, f2 = 107.65265, f3 = 737.86223, f4 = 12194.217;
  const double f_sq = frequency_hz * frequency_hz;
  const double num = f4 * f4 * f_sq * f_sq;
  const double den =
      (f_sq + f1 * f1) * std::sqrt(f_sq + f2 * f2) * std::sqrt(f_sq + f3 * f3) * (f_sq + f4 * f4);
  return num / den * std::pow(10.0, 2.0 / 20.0);
}

double bs468_gain(double frequency_hz) {
  const double f = frequency_hz, f2 = f * f, f3 = f2 * f, f4 = f2 * f2, f5 = f4 * f, f6 = f4 * f2;
  const double h1 =
      -4.737338981378384e-24 * f6 + 2.043828333606125e-15 * f4 - 1.363894795463638e-7 * f2 + 1.0;
  const double h2 = 1.306612257412824e-19 * f5 - 2.118150887518656e-11 * f3 + 5.559488023498642e-4 * f;
  return 1.246332637532143e-4 * f / std::hypot(h1, h2);
}

namespace {
const double kBs468At2k = bs468_gain(2000.0);  // initialised before main(): no guard on use
}  // namespace

double ccir_rms_weighting_gain(double frequency_hz) {
  return bs468_gain(frequency_hz) / kBs468At2k;
}

double weighting_power_gain(Weighting w, double frequency_hz) {
  if (w == Weighting::kNone) return 1.0;
  const double g =
      w == Weighting::kA ? a_weighting_gain(frequency_hz) : ccir_rms_weighting_gain(frequency_hz);
  return g * g;
}

}  // namespace bench::dsp
