#include "bench/analysis/capture_check.hpp"

#include <cmath>

#include "bench/core/error.hpp"

namespace bench::analysis {

void check_capture(const Eigen::Ref<const dsp::Signal>& x, const std::string& what, bool silence_ok) {
  if (x.size() == 0) throw InputError(what + " is empty: capture at least one second");
  Eigen::Index clipped = 0;
  double peak = 0;
  for (Eigen::Index i = 0; i < x.size(); ++i) {
    const double v = x[i];
    if (!std::isfinite(v))
      throw InputError(what + " has a NaN or infinite sample at frame " + std::to_string(i) +
                       ": the file is corrupt, record it again");
    const double a = std::abs(v);
    peak = std::max(peak, a);
    if (a >= kClipThreshold) ++clipped;
  }
  if (clipped > 0)
    throw MeasurementError(
        what + " is clipped (" + std::to_string(clipped) +
        " samples at full scale): lower the output level or the ADC gain and measure again");
  if (peak == 0.0 && !silence_ok)
    throw MeasurementError(
        what + " is silent (all samples zero): check the cabling, the channel map and the output level");
}

}  // namespace bench::analysis
