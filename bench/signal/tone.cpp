#include "bench/signal/tone.hpp"

#include <algorithm>
#include <cmath>
#include <random>
#include <string>

#include "bench/core/error.hpp"
#include "bench/core/format.hpp"

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

namespace bench::stimulus {

TwinToneSpec make_twin_tone_spec(dsp::ImdStandard standard, const dsp::ImdTones& tones, double level_dbfs,
                                 double duration_s, double sample_rate_hz) {
  if (!(sample_rate_hz >= 1000 && sample_rate_hz <= 1e6))
    throw InputError("sample rate " + number_text(sample_rate_hz) +
                     " Hz is out of range: use 1000 to 1000000 Hz");
  dsp::validate_imd_tones(standard, tones, sample_rate_hz);
  if (!(level_dbfs <= 0))
    throw InputError("--level-dbfs " + number_text(level_dbfs) +
                     " is above full scale: the twin tone's peak is the sum of both, use 0 or less");
  if (!(level_dbfs >= -200))
    throw InputError("--level-dbfs " + number_text(level_dbfs) + ": use -200 to 0 dBFS");
  const double shortest = dsp::imd_min_record_s(standard, tones.f1_hz, tones.f2_hz);
  if (!(duration_s >= shortest && duration_s <= 3600))
    throw InputError("--duration " + number_text(duration_s) +
                     " s: " + std::string(dsp::to_string(standard)) + " at " + number_text(tones.f1_hz) +
                     " Hz and " + number_text(tones.f2_hz) + " Hz needs at least " + fixed(shortest, 3) +
                     " s to resolve its products (and at most 3600 s)");
  TwinToneSpec s;
  s.standard = standard, s.tones = tones, s.level_dbfs = level_dbfs, s.duration_s = duration_s;
  s.sample_rate_hz = sample_rate_hz;
  s.samples = static_cast<std::size_t>(std::llround(duration_s * sample_rate_hz));
  const double n = static_cast<double>(s.samples);
  const auto coherent = [&](double f) {
    return std::max(1.0, std::round(f * n / sample_rate_hz)) * sample_rate_hz / n;
  };
  s.actual_f1_hz = coherent(tones.f1_hz), s.actual_f2_hz = coherent(tones.f2_hz);
  const double peak = dsp::db_to_amplitude(level_dbfs);
  s.a2 = peak / (tones.ratio + 1);
  s.a1 = tones.ratio * s.a2;
  return s;
}

dsp::Signal generate_twin_tone(const TwinToneSpec& spec) {
  const double w1 = 2 * dsp::kPi * spec.actual_f1_hz / spec.sample_rate_hz;
  const double w2 = 2 * dsp::kPi * spec.actual_f2_hz / spec.sample_rate_hz;
  dsp::Signal x(static_cast<Eigen::Index>(spec.samples));
  for (Eigen::Index n = 0; n < x.size(); ++n) {
    const auto t = static_cast<double>(n);
    x[n] = spec.a1 * std::sin(w1 * t) + spec.a2 * std::sin(w2 * t);
  }
  return x;
}

}  // namespace bench::stimulus
