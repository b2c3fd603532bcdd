#include "bench/signal/sweep.hpp"

#include <cmath>
#include <string>

#include "bench/core/error.hpp"

namespace bench::stimulus {
namespace {

std::string num(double v) {
  std::string s = std::to_string(v);
  s.erase(s.find_last_not_of('0') + 1);
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

}  // namespace

SweepSpec make_sweep_spec(double f1_hz, double f2_hz, double duration_s, double sample_rate_hz,
                          double level_dbfs, double fade_s) {
  if (!(sample_rate_hz >= 1000 && sample_rate_hz <= 1e6))
    throw InputError("sample rate " + num(sample_rate_hz) + " Hz is out of range: use 1000 to 1000000 Hz");
  if (!(f1_hz > 0)) throw InputError("--f1 " + num(f1_hz) + " Hz must be above 0 Hz");
  if (!(f1_hz < f2_hz))
    throw InputError("--f1 " + num(f1_hz) + " Hz must be below --f2 " + num(f2_hz) + " Hz");
  if (f2_hz > sample_rate_hz / 2)
    throw InputError("--f2 " + num(f2_hz) + " Hz is above Nyquist (" + num(sample_rate_hz / 2) +
                     " Hz): lower --f2 or raise --rate");
  if (!(duration_s > 0 && duration_s <= 600))
    throw InputError("--duration " + num(duration_s) +
                     " s is out of range: use more than 0 and at most 600 s");
  if (!(level_dbfs <= 0))
    throw InputError("--level-dbfs " + num(level_dbfs) + " is above full scale: use 0 or less");
  if (!(fade_s >= 0 && 2 * fade_s < duration_s))
    throw InputError("--fade " + num(fade_s) + " s must be at least 0 and less than half the duration");
  SweepSpec s;
  s.f1_hz = f1_hz;
  s.f2_hz = f2_hz;
  s.sample_rate_hz = sample_rate_hz;
  s.level_dbfs = level_dbfs;
  s.fade_s = fade_s;
  s.requested_duration_s = duration_s;
  const double cycles = std::round(f1_hz * duration_s / std::log(f2_hz / f1_hz));
  if (cycles < 1)
    throw InputError("sweep of " + num(duration_s) + " s from " + num(f1_hz) +
                     " Hz is too short to synchronise: use at least " + num(std::log(f2_hz / f1_hz) / f1_hz) +
                     " s");
  s.rate_l_s = cycles / f1_hz;
  s.duration_s = s.rate_l_s * std::log(f2_hz / f1_hz);
  s.samples = static_cast<std::size_t>(std::ceil(s.duration_s * sample_rate_hz));
  return s;
}

double sweep_value(const SweepSpec& spec, double t_s) {
  if (t_s < 0 || t_s > spec.duration_s) return 0.0;
  const double amplitude = dsp::db_to_amplitude(spec.level_dbfs);
  double v =
      amplitude * std::sin(2 * dsp::kPi * spec.f1_hz * spec.rate_l_s * std::expm1(t_s / spec.rate_l_s));
  if (spec.fade_s > 0) {
    if (t_s < spec.fade_s) v *= 0.5 - 0.5 * std::cos(dsp::kPi * t_s / spec.fade_s);
    const double to_end = spec.duration_s - t_s;
    if (to_end < spec.fade_s) v *= 0.5 - 0.5 * std::cos(dsp::kPi * to_end / spec.fade_s);
  }
  return v;
}

dsp::Signal generate_sweep(const SweepSpec& spec) {
  dsp::Signal x(static_cast<Eigen::Index>(spec.samples));
  for (Eigen::Index n = 0; n < x.size(); ++n)
    x[n] = sweep_value(spec, static_cast<double>(n) / spec.sample_rate_hz);
  return x;
}

double estimate_rate_l(const Eigen::Ref<const dsp::Signal>& sweep, double sample_rate_hz, double f1_hz,
                       double f2_hz) {
  const double peak = sweep.cwiseAbs().maxCoeff();
  // Digital silence around the sweep is exact zeros or near them; the fades start and end the sweep
  // itself far above 1e-10 of its peak within a sample or two.
  const double threshold = peak * 1e-10;
  Eigen::Index first = 0, last = sweep.size() - 1;
  while (first < last && std::abs(sweep[first]) <= threshold) ++first;
  while (last > first && std::abs(sweep[last]) <= threshold) --last;
  const double active_s = static_cast<double>(last - first + 1) / sample_rate_hz;
  return active_s / std::log(f2_hz / f1_hz);
}

}  // namespace bench::stimulus
