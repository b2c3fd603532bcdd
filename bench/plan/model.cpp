#include "bench/plan/model.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

namespace bench::plan {

std::complex<double> Load::impedance_at(double frequency_hz) const {
  if (kind == Kind::kResistor) return {resistance_ohm, 0.0};
  if (kind == Kind::kOpen) return {std::numeric_limits<double>::infinity(), 0.0};
  if (impedance.empty()) return {nominal_ohm, 0.0};
  const auto polar_deg = [](double magnitude_ohm, double phase_deg) {
    return std::polar(magnitude_ohm, phase_deg * std::numbers::pi / 180.0);
  };
  // Held flat beyond the ends (this also covers f <= 0, where log frequency is undefined).
  if (!(frequency_hz > impedance.front().frequency_hz))
    return polar_deg(impedance.front().magnitude_ohm, impedance.front().phase_deg);
  if (frequency_hz >= impedance.back().frequency_hz)
    return polar_deg(impedance.back().magnitude_ohm, impedance.back().phase_deg);
  const auto upper = std::upper_bound(impedance.begin(), impedance.end(), frequency_hz,
                                      [](double f, const ImpedancePoint& p) { return f < p.frequency_hz; });
  const ImpedancePoint& b = *upper;
  const ImpedancePoint& a = *(upper - 1);
  const double t = std::log(frequency_hz / a.frequency_hz) / std::log(b.frequency_hz / a.frequency_hz);
  return polar_deg(a.magnitude_ohm + t * (b.magnitude_ohm - a.magnitude_ohm),
                   a.phase_deg + t * (b.phase_deg - a.phase_deg));
}

std::string to_string(Load::Kind k) {
  switch (k) {
    case Load::Kind::kResistor:
      return "resistor";
    case Load::Kind::kHeadphone:
      return "headphone";
    case Load::Kind::kOpen:
      return "open";
  }
  return "unknown";
}

std::string to_string(Connector c) {
  switch (c) {
    case Connector::kTrs:
      return "trs";
    case Connector::kXlr:
      return "xlr";
    case Connector::kTs:
      return "ts";
    case Connector::kRca:
      return "rca";
    case Connector::kStereoTrs:
      return "stereo_trs";
  }
  return "unknown";
}

}  // namespace bench::plan
