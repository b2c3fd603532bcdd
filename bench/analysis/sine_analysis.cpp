#include "bench/analysis/sine_analysis.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "bench/analysis/power_spectrum.hpp"
#include "bench/core/error.hpp"
#include "bench/core/format.hpp"
#include "bench/dsp/fft.hpp"
#include "bench/dsp/window.hpp"

namespace bench::analysis {
namespace {

using dsp::kPi;

// Calls f(i, cos(w*(i - centre)), sin(w*(i - centre))) for i in [begin, end). A rotating phasor is
// re-synchronised with exact sin/cos every 512 samples, so rounding stays near 1e-14 at any length.
template <typename F>
void for_each_phase(Eigen::Index begin, Eigen::Index end, double w, double centre, F&& f) {
  constexpr Eigen::Index kBlock = 512;
  const double cw = std::cos(w), sw = std::sin(w);
  for (Eigen::Index b = begin; b < end; b += kBlock) {
    const double theta = w * (static_cast<double>(b) - centre);
    double c = std::cos(theta), s = std::sin(theta);
    const Eigen::Index stop = std::min(end, b + kBlock);
    for (Eigen::Index i = b; i < stop; ++i) {
      f(i, c, s);
      const double cn = c * cw - s * sw;
      s = s * cw + c * sw;
      c = cn;
    }
  }
}

struct Params {
  double a = 0, b = 0, dc = 0, w = 0;  // x ~ a cos(w t) + b sin(w t) + dc, t = i - centre
};

// Linear three-parameter fit at fixed w over [begin, end).
Params fit3(const Eigen::Ref<const dsp::Signal>& x, Eigen::Index begin, Eigen::Index end, double w,
            double centre) {
  double cc = 0, cs = 0, c1 = 0, ss = 0, s1 = 0, xc = 0, xs = 0, x1 = 0;
  for_each_phase(begin, end, w, centre, [&](Eigen::Index i, double c, double s) {
    cc += c * c, cs += c * s, c1 += c, ss += s * s, s1 += s;
    xc += x[i] * c, xs += x[i] * s, x1 += x[i];
  });
  Eigen::Matrix3d m;
  m << cc, cs, c1, cs, ss, s1, c1, s1, static_cast<double>(end - begin);
  const Eigen::Vector3d sol = m.ldlt().solve(Eigen::Vector3d(xc, xs, x1));
  return Params{sol[0], sol[1], sol[2], w};
}

// One Gauss-Newton step of the four-parameter fit over [begin, end); returns the frequency change.
double gauss_newton_step(const Eigen::Ref<const dsp::Signal>& x, Eigen::Index begin, Eigen::Index end,
                         double centre, Params& p) {
  Eigen::Matrix4d m = Eigen::Matrix4d::Zero();
  Eigen::Vector4d rhs = Eigen::Vector4d::Zero();
  double cc = 0, cs = 0, c1 = 0, cd = 0, ss = 0, s1 = 0, sd = 0, d1 = 0, dd = 0, xc = 0, xs = 0, x1 = 0,
         xd = 0;
  for_each_phase(begin, end, p.w, centre, [&](Eigen::Index i, double c, double s) {
    const double t = static_cast<double>(i) - centre;
    const double d = t * (p.b * c - p.a * s);  // d(model)/dw
    const double v = x[i];
    cc += c * c, cs += c * s, c1 += c, cd += c * d;
    ss += s * s, s1 += s, sd += s * d;
    d1 += d, dd += d * d;
    xc += v * c, xs += v * s, x1 += v, xd += v * d;
  });
  m << cc, cs, c1, cd, cs, ss, s1, sd, c1, s1, static_cast<double>(end - begin), d1, cd, sd, d1, dd;
  // Solve for [a, b, dc, delta_w] of the model linearised around the current w.
  rhs << xc, xs, x1, xd;
  const Eigen::Vector4d sol = m.ldlt().solve(rhs);
  p.a = sol[0], p.b = sol[1], p.dc = sol[2];
  const double step = sol[3];
  p.w += step;
  return step;
}

double initial_frequency(const Eigen::Ref<const dsp::Signal>& x, double fs, const SineAnalysisOptions& o) {
  const Eigen::Index len = std::min<Eigen::Index>(x.size(), 1 << 16);
  const Eigen::Index start = (x.size() - len) / 2;
  const dsp::Signal w = dsp::hann(static_cast<std::size_t>(len));
  const dsp::Signal seg =
      (x.segment(start, len).array() - x.segment(start, len).mean()).matrix().cwiseProduct(w);
  const dsp::Spectrum spec = dsp::rfft(seg, static_cast<std::size_t>(len));
  const double bin = fs / static_cast<double>(len);
  double lo = 2 * bin, hi = fs / 2 - 2 * bin;
  if (o.frequency_hz) lo = std::max(lo, *o.frequency_hz * 0.95), hi = std::min(hi, *o.frequency_hz * 1.05);
  auto k_lo = static_cast<Eigen::Index>(std::ceil(lo / bin));
  auto k_hi = static_cast<Eigen::Index>(std::floor(hi / bin));
  if (k_hi <= k_lo) {  // a very short record: trust the expected frequency
    if (o.frequency_hz) return *o.frequency_hz;
    throw MeasurementError("the capture is too short to find a tone: record at least 0.1 s");
  }
  Eigen::Index best = k_lo;
  for (Eigen::Index k = k_lo; k <= k_hi; ++k)
    if (std::norm(spec[k]) > std::norm(spec[best])) best = k;
  if (best <= 0 || best >= spec.size() - 1) return static_cast<double>(best) * bin;
  // Gaussian (log-parabolic) interpolation of the Hann main lobe.
  const double a = std::log(std::abs(spec[best - 1]) + 1e-300), b = std::log(std::abs(spec[best]) + 1e-300),
               c = std::log(std::abs(spec[best + 1]) + 1e-300);
  const double den = a - 2 * b + c;
  const double delta = den == 0 ? 0 : 0.5 * (a - c) / den;
  return (static_cast<double>(best) + std::clamp(delta, -0.5, 0.5)) * bin;
}

}  // namespace

void validate(const SineAnalysisOptions& o, double fs) {
  if (!(o.band_lo_hz >= 0 && o.band_lo_hz < o.band_hi_hz))
    throw InputError("--bandwidth " + number_text(o.band_lo_hz) + ":" + number_text(o.band_hi_hz) +
                     " is empty: give LOW:HIGH in Hz with LOW below HIGH");
  if (o.band_hi_hz > fs / 2)
    throw InputError("--bandwidth upper edge " + number_text(o.band_hi_hz) + " Hz is above Nyquist (" +
                     number_text(fs / 2) +
                     " Hz): use a higher sample rate or a narrower band (e.g. 20:20000)");
  if (o.frequency_hz && !(*o.frequency_hz > 0 && *o.frequency_hz < fs / 2))
    throw InputError("--frequency " + number_text(*o.frequency_hz) + " Hz must be above 0 and below Nyquist");
  if (o.mains_hz != 0 && o.mains_hz != 50 && o.mains_hz != 60)
    throw InputError("--mains " + number_text(o.mains_hz) + " Hz: use 50, 60 or auto");
  if (o.max_harmonic < 2 || o.max_harmonic > 50) throw InputError("highest harmonic must be 2 to 50");
}

SineFit fit_sine(const Eigen::Ref<const dsp::Signal>& x, double fs, double initial_frequency_hz) {
  const Eigen::Index n = x.size();
  const double centre = static_cast<double>(n - 1) / 2;
  const double w0 = 2 * kPi * initial_frequency_hz / fs;
  // Refine on growing centred stretches first: the frequency error shrinks with each step, and a full
  // pass costs the most. Then iterate on the whole record until the phase drift across it is negligible.
  Eigen::Index len = std::min<Eigen::Index>(n, 1 << 15);
  auto range = [&](Eigen::Index l) { return std::pair{(n - l) / 2, (n - l) / 2 + l}; };
  auto [b0, e0] = range(len);
  Params p = fit3(x, b0, e0, w0, centre);
  while (true) {
    auto [b, e] = range(len);
    double step = 0;
    for (int i = 0; i < 2; ++i) step = gauss_newton_step(x, b, e, centre, p);
    if (len == n) {
      for (int i = 0; i < 6 && std::abs(step) * static_cast<double>(n) > 1e-9; ++i)
        step = gauss_newton_step(x, b, e, centre, p);
      break;
    }
    len = std::min<Eigen::Index>(n, len * 8);
  }
  p = fit3(x, 0, n, p.w, centre);
  SineFit f;
  f.frequency_hz = p.w * fs / (2 * kPi);
  f.amplitude = std::hypot(p.a, p.b);
  // a cos(w t) + b sin(w t) = A sin(w t + atan2(a, b)), with t = i - centre.
  f.phase_rad = std::remainder(std::atan2(p.a, p.b) - std::fmod(p.w * centre, 2 * kPi), 2 * kPi);
  f.dc = p.dc;
  return f;
}

dsp::Signal subtract_fit(const Eigen::Ref<const dsp::Signal>& x, double fs, const SineFit& fit) {
  const double w = 2 * kPi * fit.frequency_hz / fs;
  dsp::Signal r(x.size());
  // Evaluate sin(w i + phase) as the rotating phasor sin(w (i - c)) with c = -phase / w.
  const double centre = -fit.phase_rad / w;
  for_each_phase(0, x.size(), w, centre,
                 [&](Eigen::Index i, double, double s) { r[i] = x[i] - fit.amplitude * s - fit.dc; });
  return r;
}

std::vector<HumLine> hum_lines(const PowerSpectrum& spectrum, double mains_hz, double band_hi_hz,
                               double* chosen_mains_hz) {
  auto lines_for = [&](double mains) {
    std::vector<HumLine> lines;
    for (int k = 1; k <= 5 && k * mains <= band_hi_hz; ++k)
      lines.push_back({k * mains, dsp::power_to_dbfs(spectrum.tone_power(k * mains))});
    return lines;
  };
  auto total = [](const std::vector<HumLine>& lines) {
    double s = 0;
    for (const auto& l : lines) s += std::pow(10.0, l.level_dbfs / 10);
    return s;
  };
  double mains = mains_hz;
  if (mains == 0) mains = total(lines_for(60)) > total(lines_for(50)) ? 60 : 50;
  if (chosen_mains_hz) *chosen_mains_hz = mains;
  return lines_for(mains);
}

SineResult analyze_sine(const Eigen::Ref<const dsp::Signal>& capture, double fs,
                        const SineAnalysisOptions& o) {
  validate(o, fs);
  if (capture.size() < static_cast<Eigen::Index>(0.05 * fs))
    throw MeasurementError("the tone capture lasts " +
                           std::to_string(static_cast<double>(capture.size()) / fs) +
                           " s: record at least 0.05 s (1 s or more for noise figures)");
  const SineFit fit = fit_sine(capture, fs, initial_frequency(capture, fs, o));
  const dsp::Signal residual = subtract_fit(capture, fs, fit);
  const PowerSpectrum spectrum(residual, fs);

  SineResult r;
  r.fundamental_hz = fit.frequency_hz;
  r.fundamental_dbfs = dsp::amplitude_db(fit.amplitude);
  r.dc_offset_fs = fit.dc;
  const double fundamental_power = fit.amplitude * fit.amplitude / 2;
  const double residual_ms = residual.squaredNorm() / static_cast<double>(residual.size());
  if (!(fundamental_power > 2 * residual_ms) || r.fundamental_dbfs < -160)
    throw MeasurementError("no tone found in the capture (the strongest tone at " +
                           std::to_string(fit.frequency_hz) +
                           " Hz is not above the rest): check the cabling, the channel and the output level");

  std::vector<std::pair<double, double>> skip;
  const double half = PowerSpectrum::tone_half_width_bins() * spectrum.bin_hz();
  double harmonic_power = 0;
  for (int order = 2; order <= o.max_harmonic; ++order) {
    const double f = order * fit.frequency_hz;
    if (f > o.band_hi_hz || f >= fs / 2) break;
    const double p = spectrum.tone_power(f);
    harmonic_power += p;
    r.harmonics.push_back({order, f, dsp::power_db(p / fundamental_power), dsp::power_to_dbfs(p)});
    skip.emplace_back(f - half, f + half);
  }
  r.hum = hum_lines(spectrum, o.mains_hz, o.band_hi_hz, &r.mains_hz);
  for (const auto& h : r.hum) skip.emplace_back(h.frequency_hz - half, h.frequency_hz + half);

  const double residual_band = spectrum.band_power(o.band_lo_hz, o.band_hi_hz, o.weighting).first;
  const bool in_band = fit.frequency_hz >= o.band_lo_hz && fit.frequency_hz <= o.band_hi_hz;
  const double signal_band =
      (in_band ? fundamental_power * dsp::weighting_power_gain(o.weighting, fit.frequency_hz) : 0.0) +
      residual_band;
  const double thd_n = std::sqrt(residual_band / signal_band);
  r.thd_n_db = dsp::amplitude_db(thd_n);
  r.thd_n_percent = 100 * thd_n;
  r.sinad_db = -r.thd_n_db;
  const double thd = std::sqrt(harmonic_power / fundamental_power);
  r.thd_db = dsp::amplitude_db(thd);
  r.thd_percent = 100 * thd;
  const auto [noise, kept] = spectrum.band_power(o.band_lo_hz, o.band_hi_hz, o.weighting, skip);
  r.noise_dbfs = dsp::power_to_dbfs(kept > 0 ? noise / kept : 0.0);
  return r;
}

}  // namespace bench::analysis
