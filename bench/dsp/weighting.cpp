#include "bench/dsp/weighting.hpp"

#include <cmath>

#include "bench/core/error.hpp"

namespace bench::dsp {

std::string to_string(Weighting w) {
  return w == Weighting::kA ? "A" : "none";
}

Weighting parse_weighting(std::string_view text) {
  if (text == "A" || text == "a") return Weighting::kA;
  if (text == "none" || text.empty()) return Weighting::kNone;
  throw InputError("unknown weighting '" + std::string(text) + "': use A or none");
}

double a_weighting_gain(double frequency_hz) {
  constexpr double f1 = 20.598997, f2 = 107.65265, f3 = 737.86223, f4 = 12194.217;
  const double f_sq = frequency_hz * frequency_hz;
  const double num = f4 * f4 * f_sq * f_sq;
  const double den =
      (f_sq + f1 * f1) * std::sqrt(f_sq + f2 * f2) * std::sqrt(f_sq + f3 * f3) * (f_sq + f4 * f4);
  return num / den * std::pow(10.0, 2.0 / 20.0);
}

double weighting_power_gain(Weighting w, double frequency_hz) {
  if (w == Weighting::kNone) return 1.0;
  const double g = a_weighting_gain(frequency_hz);
  return g * g;
}

}  // namespace bench::dsp
