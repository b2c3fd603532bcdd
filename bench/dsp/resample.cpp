#include "bench/dsp/resample.hpp"

#include <soxr.h>

#include <cmath>
#include <string>

#include "bench/core/error.hpp"

namespace bench::dsp {

Signal correct_clock_drift(const Eigen::Ref<const Signal>& y, double drift_ppm) {
  if (!std::isfinite(drift_ppm) || std::abs(drift_ppm) >= 1e5)
    throw InputError("clock drift " + std::to_string(drift_ppm) +
                     " ppm is out of range: it must be within +-100000 ppm");
  const auto n = static_cast<std::size_t>(y.size());
  Signal z = Signal::Zero(y.size());
  if (n == 0) return z;
  // z[m] = y(m / (1 + e)): y is read at spacing 1 / (1 + e), so the output rate is (1 + e) times the input's.
  const double ratio = 1 + drift_ppm * 1e-6;
  const soxr_io_spec_t io = soxr_io_spec(SOXR_FLOAT64_I, SOXR_FLOAT64_I);
  soxr_quality_spec_t q = soxr_quality_spec(SOXR_VHQ, SOXR_HI_PREC_CLOCK | SOXR_DOUBLE_PRECISION);
  q.passband_end = 0.95;
  const soxr_runtime_spec_t rt = soxr_runtime_spec(1);
  const auto out_len = static_cast<std::size_t>(std::ceil(static_cast<double>(n) * ratio)) + 16;
  Signal tmp(static_cast<Eigen::Index>(out_len));
  std::size_t done_in = 0, done_out = 0;
  const soxr_error_t e =
      soxr_oneshot(1.0, ratio, 1, y.data(), n, &done_in, tmp.data(), out_len, &done_out, &io, &q, &rt);
  if (e) throw Error(std::string("libsoxr could not resample a capture for clock drift correction: ") + e);
  const auto keep = static_cast<Eigen::Index>(std::min(done_out, n));
  z.head(keep) = tmp.head(keep);
  return z;
}

}  // namespace bench::dsp
