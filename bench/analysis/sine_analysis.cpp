#include "bench/analysis/sine_analysis.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <tuple>
#include <vector>

#include "bench/analysis/power_spectrum.hpp"
#include "bench/core/error.hpp"
#include "bench/core/format.hpp"
#include "bench/dsp/fft.hpp"
#include "bench/dsp/window.hpp"

namespace bench::analysis {
namespace {

using dsp::kPi;

constexpr int kLanes = 8;  // samples in flight: independent phasors and partial sums, one vector each

// Calls f(i, t, cos(w*t), sin(w*t), lane) with t = i - centre for i in [begin, end), where lane =
// (i - begin) % kLanes within each block. kLanes phasors, one per lane, each rotate by kLanes * w and
// are re-synchronised with exact sin/cos every kBlock samples (512 rotations), so rounding stays near
// 1e-14 at any length. A caller that sums into lane-indexed arrays keeps kLanes independent chains,
// which the compiler runs as vectors; one phasor recurrence alone waits on its own latency.
template <typename F>
void for_each_phase(Eigen::Index begin, Eigen::Index end, double w, double centre, F&& f) {
  constexpr Eigen::Index kBlock = 512 * kLanes;
  const double cw = std::cos(w * kLanes), sw = std::sin(w * kLanes);
  double c[kLanes], s[kLanes], t[kLanes];  // t: i - centre, exact (centre is a multiple of 1/2)
  for (Eigen::Index b = begin; b < end; b += kBlock) {
    for (int l = 0; l < kLanes; ++l) {
      t[l] = static_cast<double>(b + l) - centre;
      c[l] = std::cos(w * t[l]), s[l] = std::sin(w * t[l]);
    }
    const Eigen::Index stop = std::min(end, b + kBlock);
    Eigen::Index i = b;
    for (; i + kLanes <= stop; i += kLanes) {
      for (int l = 0; l < kLanes; ++l) f(i + l, t[l], c[l], s[l], l);
      for (int l = 0; l < kLanes; ++l) {
        const double cn = c[l] * cw - s[l] * sw;
        s[l] = s[l] * cw + c[l] * sw;
        c[l] = cn;
        t[l] += kLanes;
      }
    }
    for (int l = 0; i < stop; ++i, ++l) f(i, t[l], c[l], s[l], l);
  }
}

// kLanes partial sums, added up at the end.
struct LaneSum {
  double v[kLanes] = {};
  [[nodiscard]] double total() const {
    double t = 0;
    for (const double x : v) t += x;
    return t;
  }
};

struct Params {
  double a = 0, b = 0, dc = 0, w = 0;  // x ~ a cos(w t) + b sin(w t) + dc, t = i - centre
};

// Linear three-parameter fit at fixed w over [begin, end).
Params fit3(const Eigen::Ref<const dsp::Signal>& x, Eigen::Index begin, Eigen::Index end, double w,
            double centre) {
  LaneSum cc, cs, c1, ss, s1, xc, xs, x1;
  const double* const xd = x.data();
  for_each_phase(begin, end, w, centre, [&](Eigen::Index i, double, double c, double s, int l) {
    const double v = xd[i];
    cc.v[l] += c * c, cs.v[l] += c * s, c1.v[l] += c, ss.v[l] += s * s, s1.v[l] += s;
    xc.v[l] += v * c, xs.v[l] += v * s, x1.v[l] += v;
  });
  Eigen::Matrix3d m;
  m << cc.total(), cs.total(), c1.total(), cs.total(), ss.total(), s1.total(), c1.total(), s1.total(),
      static_cast<double>(end - begin);
  const Eigen::Vector3d sol = m.ldlt().solve(Eigen::Vector3d(xc.total(), xs.total(), x1.total()));
  return Params{sol[0], sol[1], sol[2], w};
}

// One Gauss-Newton step of the four-parameter fit over [begin, end); returns the frequency change.
double gauss_newton_step(const Eigen::Ref<const dsp::Signal>& x, Eigen::Index begin, Eigen::Index end,
                         double centre, Params& p) {
  Eigen::Matrix4d m = Eigen::Matrix4d::Zero();
  Eigen::Vector4d rhs = Eigen::Vector4d::Zero();
  LaneSum cc, cs, c1, cd, ss, s1, sd, d1, dd, xc, xs, x1, xd;
  const double* const data = x.data();
  const double pa = p.a, pb = p.b;
  for_each_phase(begin, end, p.w, centre, [&](Eigen::Index i, double t, double c, double s, int l) {
    const double d = t * (pb * c - pa * s);  // d(model)/dw
    const double v = data[i];
    cc.v[l] += c * c, cs.v[l] += c * s, c1.v[l] += c, cd.v[l] += c * d;
    ss.v[l] += s * s, s1.v[l] += s, sd.v[l] += s * d;
    d1.v[l] += d, dd.v[l] += d * d;
    xc.v[l] += v * c, xs.v[l] += v * s, x1.v[l] += v, xd.v[l] += v * d;
  });
  m << cc.total(), cs.total(), c1.total(), cd.total(), cs.total(), ss.total(), s1.total(), sd.total(),
      c1.total(), s1.total(), static_cast<double>(end - begin), d1.total(), cd.total(), sd.total(),
      d1.total(), dd.total();
  // Solve for [a, b, dc, delta_w] of the model linearised around the current w.
  rhs << xc.total(), xs.total(), x1.total(), xd.total();
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

// The steady-span search works on windows of `window` frames moved in steps of `hop` (window / 4):
// window k covers [k * hop, k * hop + window).
struct SteadyGrid {
  Eigen::Index window = 0, hop = 0, count = 0;
  [[nodiscard]] Eigen::Index begin(Eigen::Index k) const { return k * hop; }
  [[nodiscard]] Eigen::Index end(Eigen::Index k) const { return k * hop + window; }
};

// Sum of v(i) over each window, built from per-hop block sums so that no long running sum loses the
// small values behind large ones (a residual of 1e-8 beside a silence that leaves A^2).
template <typename F>
std::vector<double> steady_window_sums(const SteadyGrid& g, Eigen::Index n, F&& v) {
  const Eigen::Index blocks = n / g.hop;
  std::vector<double> block(static_cast<std::size_t>(blocks), 0.0);
  for (Eigen::Index b = 0; b < blocks; ++b) {
    double s = 0;
    for (Eigen::Index i = b * g.hop; i < (b + 1) * g.hop; ++i) s += v(i);
    block[static_cast<std::size_t>(b)] = s;
  }
  std::vector<double> sums(static_cast<std::size_t>(g.count), 0.0);
  const Eigen::Index per_window = g.window / g.hop;
  for (Eigen::Index k = 0; k < g.count; ++k)
    for (Eigen::Index b = k; b < k + per_window; ++b)
      sums[static_cast<std::size_t>(k)] += block[static_cast<std::size_t>(b)];
  return sums;
}

// What remains of r over [begin, end) once that stretch's own sine at w (and its DC) is removed: the
// noise and distortion of the stretch, whatever its own level and phase.
double steady_local_residual_power(const dsp::Signal& r, Eigen::Index begin, Eigen::Index end, double w) {
  const auto centre = static_cast<double>(begin);
  const Params p = fit3(r, begin, end, w, centre);
  LaneSum sum;
  for_each_phase(begin, end, w, centre, [&](Eigen::Index i, double, double c, double s, int l) {
    const double d = r[i] - p.a * c - p.b * s - p.dc;
    sum.v[l] += d * d;
  });
  return sum.total();
}

double steady_median(std::vector<double> v) {
  if (v.empty()) return 0;
  const auto mid = v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2);
  std::nth_element(v.begin(), mid, v.end());
  return *mid;
}

// The longest run of consecutive windows with keep[k]; {first, last} window, or {-1, -2} if none.
std::pair<Eigen::Index, Eigen::Index> steady_longest_run(const std::vector<bool>& keep) {
  std::pair<Eigen::Index, Eigen::Index> best{-1, -2};
  Eigen::Index start = -1;
  for (Eigen::Index k = 0; k <= static_cast<Eigen::Index>(keep.size()); ++k) {
    const bool in = k < static_cast<Eigen::Index>(keep.size()) && keep[static_cast<std::size_t>(k)];
    if (in && start < 0) start = k;
    if (!in && start >= 0) {
      if (k - 1 - start > best.second - best.first) best = {start, k - 1};
      start = -1;
    }
  }
  return best;
}

// A harmonic within 1 ppm of the band's upper edge counts as inside (H2 of 10 kHz in a 20 kHz band, read
// as 10000.00001 Hz).
constexpr double kEdge = 1e-6;

// The joint fit of SineAnalysisOptions::fit_harmonics: x ~ sum over orders h (1 = the fundamental) of
// a_h cos(h w t) + b_h sin(h w t), plus c_0 P0(u) + ... + c_3 P3(u) with u = t / half-length in [-1, 1].
struct HarmonicFit {
  double frequency_hz = 0;         // refined with the harmonics
  std::vector<int> orders;         // 1, then the harmonics fitted
  std::vector<double> amplitudes;  // peak, per order
  dsp::Signal noise;               // x minus everything fitted  // x minus the fundamental and the trend
};

HarmonicFit fit_harmonics(const Eigen::Ref<const dsp::Signal>& x, double fs, double f0, int max_harmonic,
                          double band_hi_hz) {
  HarmonicFit out;
  out.orders.push_back(1);
  for (int h = 2; h <= max_harmonic; ++h)
    if (h * f0 <= band_hi_hz * (1 + kEdge) && h * f0 < fs / 2) out.orders.push_back(h);
  const Eigen::Index n = x.size();
  const auto sines = static_cast<Eigen::Index>(2 * out.orders.size());
  const Eigen::Index m = sines + 4;  // + P0..P3
  // The last column is d(model)/dw for the Gauss-Newton steps: the sine fit's frequency is pulled by the
  // harmonics it does not model (2.8e-5 relative at 20 Hz over three periods with H2 at -54 dB), and the
  // fundamental at that frequency leaves t*cos(w t) behind, which reads as a 0.06 dB error in H2.
  Eigen::MatrixXd a(n, m + 1);
  const double centre = static_cast<double>(n - 1) / 2, half = std::max(1.0, centre);
  for (Eigen::Index i = 0; i < n; ++i) {
    const double u = (static_cast<double>(i) - centre) / half;
    a(i, sines) = 1, a(i, sines + 1) = u, a(i, sines + 2) = 0.5 * (3 * u * u - 1),
         a(i, sines + 3) = 0.5 * u * (5 * u * u - 3);
  }
  double w = 2 * kPi * f0 / fs;
  Eigen::VectorXd c;
  const auto fill = [&](double wf) {
    for (std::size_t k = 0; k < out.orders.size(); ++k)
      for_each_phase(0, n, wf * out.orders[k], centre,
                     [&](Eigen::Index i, double, double co, double si, int) {
                       a(i, static_cast<Eigen::Index>(2 * k)) = co;
                       a(i, static_cast<Eigen::Index>(2 * k + 1)) = si;
                     });
  };
  // Normal equations: over a few periods the columns are far from parallel (sines of distinct orders,
  // Legendre polynomials), so the Gram matrix is well conditioned.
  const auto linear = [&] {
    const auto lin = a.leftCols(m);
    c = (lin.transpose() * lin).ldlt().solve(lin.transpose() * x);
  };
  fill(w);
  linear();
  for (int iteration = 0; iteration < 6; ++iteration) {
    for (Eigen::Index i = 0; i < n; ++i) {
      const double t = static_cast<double>(i) - centre;
      double d = 0;
      for (std::size_t k = 0; k < out.orders.size(); ++k) {
        const auto col = static_cast<Eigen::Index>(2 * k);
        // d/dw [a cos(h w t) + b sin(h w t)] = h t (b cos(h w t) - a sin(h w t))
        d += out.orders[k] * t * (c[col + 1] * a(i, col) - c[col] * a(i, col + 1));
      }
      a(i, m) = d;
    }
    const Eigen::VectorXd step = (a.transpose() * a).ldlt().solve(a.transpose() * x);
    w += step[m];
    fill(w);
    linear();
    if (std::abs(step[m]) * static_cast<double>(n) < 1e-9) break;
  }
  out.frequency_hz = w * fs / (2 * kPi);
  for (std::size_t k = 0; k < out.orders.size(); ++k)
    out.amplitudes.push_back(
        std::hypot(c[static_cast<Eigen::Index>(2 * k)], c[static_cast<Eigen::Index>(2 * k + 1)]));
  out.noise = x - a.leftCols(m) * c;
  return out;
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
  double step = 0;
  while (true) {
    auto [b, e] = range(len);
    if (len == n) {
      // The stretches before leave the frequency close: a full pass until the phase drift across the
      // record is negligible (quadratic convergence: one or two passes).
      step = gauss_newton_step(x, b, e, centre, p);
      for (int i = 0; i < 7 && std::abs(step) * static_cast<double>(n) > 1e-9; ++i)
        step = gauss_newton_step(x, b, e, centre, p);
      break;
    }
    // Two steps per stretch, the second only while the first still moved the phase across the stretch by
    // a microradian: a stretch only hands its frequency on to a longer one, which converges on its own.
    for (int i = 0; i < 2; ++i) {
      step = gauss_newton_step(x, b, e, centre, p);
      if (std::abs(step) * static_cast<double>(e - b) < 1e-6) break;
    }
    len = std::min<Eigen::Index>(n, len * 8);
  }
  // The last step's amplitudes were solved at the frequency before it; a step that moved the phase
  // across the record by less than 1e-9 rad changes them by less than 1e-9 relative, else one linear
  // fit at the final frequency.
  if (std::abs(step) * static_cast<double>(n) > 1e-9) p = fit3(x, 0, n, p.w, centre);
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
  const double* const in = x.data();
  double* const out = r.data();
  const double amplitude = fit.amplitude, dc = fit.dc;
  for_each_phase(0, x.size(), w, centre,
                 [&](Eigen::Index i, double, double, double s, int) { out[i] = in[i] - amplitude * s - dc; });
  return r;
}

std::vector<HumLine> hum_lines(const PowerSpectrum& spectrum, const LineReader* exact, double mains_hz,
                               double band_hi_hz, double* chosen_mains_hz) {
  const auto frequencies_of = [&](double mains) {
    std::vector<double> f;
    for (int k = 1; k <= 5 && k * mains <= band_hi_hz; ++k) f.push_back(k * mains);
    return f;
  };
  // 50 or 60 Hz: whichever carries more power in its lines' lobes (a choice, not a reading, so the
  // spectrum's lobe sums suffice); then the chosen lines are read exactly.
  double mains = mains_hz;
  if (mains == 0) {
    const auto lobes = [&](double m) {
      double sum = 0;
      for (const double f : frequencies_of(m)) sum += spectrum.tone_power(f);
      return sum;
    };
    mains = lobes(60) > lobes(50) ? 60 : 50;
  }
  if (chosen_mains_hz) *chosen_mains_hz = mains;
  const std::vector<double> frequencies = frequencies_of(mains);
  std::vector<HumLine> lines;
  if (exact) {
    const std::vector<double> amplitudes = exact->amplitudes(frequencies);
    for (std::size_t i = 0; i < frequencies.size(); ++i)
      lines.push_back({frequencies[i], dsp::amplitude_db(amplitudes[i])});
  } else {
    for (const double f : frequencies) lines.push_back({f, dsp::power_to_dbfs(spectrum.tone_power(f))});
  }
  return lines;
}

SineResult analyze_sine(const Eigen::Ref<const dsp::Signal>& capture, double fs,
                        const SineAnalysisOptions& o) {
  validate(o, fs);
  if (capture.size() < static_cast<Eigen::Index>(0.05 * fs))
    throw MeasurementError("the tone capture lasts " +
                           std::to_string(static_cast<double>(capture.size()) / fs) +
                           " s: record at least 0.05 s (1 s or more for noise figures)");
  SineFit fit = fit_sine(capture, fs, initial_frequency(capture, fs, o));
  std::optional<HarmonicFit> joint;
  if (o.fit_harmonics) {
    joint = fit_harmonics(capture, fs, fit.frequency_hz, o.max_harmonic, o.band_hi_hz);
    fit.amplitude = joint->amplitudes[0];
    fit.frequency_hz = joint->frequency_hz;
  }
  // With the joint fit the spectrum is of the noise alone and the harmonics count by their fitted
  // amplitudes, so that no part of a harmonic's window lobe falls outside the band (H2 of 20 Hz spreads
  // from 13 to 67 Hz in a 150 ms record; H2 of 10 kHz lies on the 20 kHz edge).
  const dsp::Signal residual = joint ? joint->noise : subtract_fit(capture, fs, fit);
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
    if (joint ? order > static_cast<int>(joint->orders.size()) : f > o.band_hi_hz || f >= fs / 2) break;
    // The joint fit's amplitude where there is one (a sine's mean square is A^2 / 2).
    const double p = joint ? std::pow(joint->amplitudes[static_cast<std::size_t>(order - 1)], 2) / 2
                           : spectrum.tone_power(f);
    harmonic_power += p;
    r.harmonics.push_back({order, f, dsp::power_db(p / fundamental_power), dsp::power_to_dbfs(p)});
    skip.emplace_back(f - half, f + half);
  }
  r.hum = hum_lines(spectrum, nullptr, o.mains_hz, o.band_hi_hz, &r.mains_hz);
  for (const auto& h : r.hum) skip.emplace_back(h.frequency_hz - half, h.frequency_hz + half);

  double residual_band = spectrum.band_power(o.band_lo_hz, o.band_hi_hz, o.weighting).first;
  if (joint)
    for (const auto& h : r.harmonics)
      if (h.frequency_hz >= o.band_lo_hz)
        residual_band +=
            std::pow(10.0, h.level_dbfs / 10) / 2 * dsp::weighting_power_gain(o.weighting, h.frequency_hz);
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

SteadySpan find_steady_tone(const Eigen::Ref<const dsp::Signal>& x, double fs, const SineAnalysisOptions& o,
                            double min_span_s) {
  validate(o, fs);
  const Eigen::Index n = x.size();
  auto seconds = [&](Eigen::Index frames) { return static_cast<double>(frames) / fs; };
  // 20 ms, and at least four periods of the expected tone, so that the residual's RMS (hum, harmonics)
  // hardly depends on where a window starts.
  double window_s = 0.02;
  if (o.frequency_hz) window_s = std::max(window_s, 4 / *o.frequency_hz);
  SteadyGrid g;
  g.hop = std::max<Eigen::Index>(4, static_cast<Eigen::Index>(std::llround(window_s * fs / 4)));
  g.window = 4 * g.hop;
  if (n < 4 * g.window) return SteadySpan{0, n, o.frequency_hz.value_or(0)};
  g.count = (n - g.window) / g.hop + 1;

  // Seed: the longest run of windows whose RMS (median over 9 windows, so a click does not count)
  // reaches half the loudest.
  const auto sum = steady_window_sums(g, n, [&](Eigen::Index i) { return x[i]; });
  const auto sum_sq = steady_window_sums(g, n, [&](Eigen::Index i) { return x[i] * x[i]; });
  const auto w = static_cast<double>(g.window);
  std::vector<double> rms(static_cast<std::size_t>(g.count)), smooth(rms.size());
  for (std::size_t k = 0; k < rms.size(); ++k)
    rms[k] = std::sqrt(std::max(0.0, sum_sq[k] / w - (sum[k] / w) * (sum[k] / w)));
  for (std::size_t k = 0; k < rms.size(); ++k) {
    const std::size_t a = k < 4 ? 0 : k - 4, b = std::min(rms.size(), k + 5);
    smooth[k] = steady_median(std::vector<double>(rms.begin() + static_cast<std::ptrdiff_t>(a),
                                                  rms.begin() + static_cast<std::ptrdiff_t>(b)));
  }
  const double loudest = *std::max_element(smooth.begin(), smooth.end());
  std::vector<bool> keep(smooth.size());
  for (std::size_t k = 0; k < smooth.size(); ++k) keep[k] = smooth[k] >= 0.5 * loudest && loudest > 0;
  auto [first, last] = steady_longest_run(keep);
  if (first < 0) return SteadySpan{0, n, o.frequency_hz.value_or(0)};  // digital silence: nothing to judge

  SteadySpan span{g.begin(first), g.end(last), 0};
  double frequency = 0;
  // Two passes, each repeated until the stretch holds still. The first compares each window's residual
  // (the record minus one sine fitted on the stretch) with the median residual of the stretch's windows:
  // it drops silence and fades even while the fit is still pulled by them. The second is strict: a
  // window is steady when the one sine leaves no more there than the window's own sine would (the tone
  // keeps its level and phase) and that is no more than is typical of the stretch (no click, burst or
  // settling transient): within 1.5 times the median of the windows' own residual RMS.
  for (int pass = 0; pass < 2; ++pass) {
    for (int iteration = 0; iteration < 10; ++iteration) {
      const auto seg = x.segment(span.begin_frame, span.end_frame - span.begin_frame);
      SineFit fit = fit_sine(seg, fs, frequency > 0 ? frequency : initial_frequency(seg, fs, o));
      frequency = fit.frequency_hz;
      // The fit's phase is relative to the stretch's first frame; refer it to the record's.
      fit.phase_rad -= 2 * kPi * fit.frequency_hz / fs * static_cast<double>(span.begin_frame);
      const dsp::Signal r = subtract_fit(x, fs, fit);
      const auto power = steady_window_sums(g, n, [&](Eigen::Index i) { return r[i] * r[i]; });
      const double wr = 2 * kPi * fit.frequency_hz / fs;
      std::vector<double> inside;
      for (Eigen::Index k = 0; k < g.count; ++k)
        if (g.begin(k) >= span.begin_frame && g.end(k) <= span.end_frame)
          inside.push_back(pass == 0 ? power[static_cast<std::size_t>(k)]
                                     : steady_local_residual_power(r, g.begin(k), g.end(k), wr));
      // A floor of -240 dB re the tone keeps an exact synthetic sine from having no tolerance at all.
      const double floor = std::max(steady_median(inside), 1e-24 * fit.amplitude * fit.amplitude * w);
      for (Eigen::Index k = 0; k < g.count; ++k)
        keep[static_cast<std::size_t>(k)] = power[static_cast<std::size_t>(k)] <= 2.25 * floor;
      std::tie(first, last) = steady_longest_run(keep);
      const SteadySpan next = first < 0 ? SteadySpan{} : SteadySpan{g.begin(first), g.end(last), frequency};
      const bool same = next.begin_frame == span.begin_frame && next.end_frame == span.end_frame;
      span = next;
      if (same || first < 0) break;
    }
    if (first < 0) break;
  }
  span.frequency_hz = frequency;
  if (seconds(span.end_frame - span.begin_frame) < min_span_s)
    throw MeasurementError(
        std::string("no steady tone: the longest stretch where the tone holds its level lasts ")
            .append(fixed(seconds(span.end_frame - span.begin_frame), 3))
            .append(" s (from ")
            .append(fixed(seconds(span.begin_frame), 3))
            .append(" s to ")
            .append(fixed(seconds(span.end_frame), 3))
            .append(" s), at least ")
            .append(fixed(min_span_s, 3))
            .append(" s are needed: record a steady tone (no level steps, fades or dropouts)"));
  return span;
}

}  // namespace bench::analysis
