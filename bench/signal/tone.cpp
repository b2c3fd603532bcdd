#include "bench/signal/tone.hpp"

#include <cmath>
#include <random>
#include <string>

#include "bench/core/error.hpp"

namespace bench::stimulus {

ToneSpec make_tone_spec(double frequency_hz, double level_dbfs, double duration_s, double sample_rate_hz,
                        bool coherent) {
  if (!(sample_rate_hz >= 1000 && sample_rate_hz <= 1e6))
    throw InputError("sample rate " + std::to_string(sample_rate_hz) +
                     " Hz is out of range: use 1000 to 1000000 Hz");
  if (!(frequency_hz > 0 && frequency_hz < sample_rate_hz / 2))
    throw InputError("--frequency " + std::to_string(frequency_hz) +
                     " Hz must be above 0 and below Nyquist (" + std::to_string(sample_rate_hz / 2) + " Hz)");
  if (!(duration_s > 0 && duration_s <= 3600))
    throw InputError("--duration " + std::to_string(duration_s) +
                     " s is out of range: use more than 0 and at most 3600 s");
  if (!(level_dbfs <= 0))
    throw InputError("--level-dbfs " + std::to_string(level_dbfs) + " is above full scale: use 0 or less");
  ToneSpec s{frequency_hz, level_dbfs, duration_s, sample_rate_hz, coherent, frequency_hz, 0};
  s.samples = static_cast<std::size_t>(std::llround(duration_s * sample_rate_hz));
  if (coherent) {
    const double n = static_cast<double>(s.samples);
    double cycles = std::round(frequency_hz * n / sample_rate_hz);
    if (cycles < 1) cycles = 1;
    s.actual_frequency_hz = cycles * sample_rate_hz / n;
  }
  return s;
}

dsp::Signal generate_tone(const ToneSpec& spec) {
  const double amplitude = dsp::db_to_amplitude(spec.level_dbfs);
  const double w = 2 * dsp::kPi * spec.actual_frequency_hz / spec.sample_rate_hz;
  dsp::Signal x(static_cast<Eigen::Index>(spec.samples));
  for (Eigen::Index n = 0; n < x.size(); ++n) x[n] = amplitude * std::sin(w * static_cast<double>(n));
  return x;
}

dsp::Signal quantize_tpdf(const Eigen::Ref<const dsp::Signal>& x, int bits, std::uint64_t seed) {
  const double steps = std::ldexp(1.0, bits - 1);  // LSB = 1/steps
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(-0.5, 0.5);
  dsp::Signal y(x.size());
  for (Eigen::Index n = 0; n < x.size(); ++n) {
    const double dither = u(rng) + u(rng);  // triangular, +-1 LSB
    const double q = std::round(x[n] * steps + dither);
    y[n] = std::clamp(q, -steps, steps - 1) / steps;
  }
  return y;
}

}  // namespace bench::stimulus
