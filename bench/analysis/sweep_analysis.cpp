#include "bench/analysis/sweep_analysis.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <complex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "bench/core/error.hpp"
#include "bench/dsp/fft.hpp"
#include "bench/dsp/interpolate.hpp"
#include "bench/dsp/window.hpp"
#include "bench/signal/sweep.hpp"

namespace bench::analysis {
namespace {

using dsp::kPi;

// The inverse filter's band limit is the product of two parts. Below f1 a causal high-pass
// (low_edge_response): a zero-phase taper there rings as much before the impulse response's peak as after
// it, and the window before the peak is short (half-way to H2, L*ln2/2: 91 ms for a 2 s sweep from
// 10 Hz), so cutting that ringing bent 20..40 Hz by 0.06 dB (0.35 dB with a 1 s sweep). A causal edge
// rings only after the peak, where the window is long, and is divided out of the response exactly.
// Beside it a zero-phase weight (band_weight) that only ends the spectrum: 0 from f1 / 8 down, where the
// high-pass has already cut the inverse of the (silent) stimulus by 48 dB, and the half-octave taper
// above f2 (or Nyquist), whose ringing at the top of the band lasts a fraction of a millisecond.
constexpr int kLowEdgeOrder = 4;
constexpr double kLowEdgeCorner = 0.5;        // x f1
constexpr double kLowEdgeStopFactor = 0.125;  // x f1: the zero-phase weight is 0 at and below it

// Butterworth high-pass of order kLowEdgeOrder at kLowEdgeCorner * f1, analogue prototype evaluated at f:
// s^4 / (s^4 + a s^3 + b s^2 + a s + 1), s = j f / fc, a = 2.6131, b = 3.4142 (the 4th-order Butterworth
// polynomial). 0.017 dB down at f1, 24 dB per octave below the corner; its impulse response is causal and
// rings for about 0.1 s at f1 = 10 Hz. In real arithmetic, one division: it is evaluated for every bin of
// every deconvolution instead of being stored (a 9 MB array for a 10 s sweep at 192 kHz).
static_assert(kLowEdgeOrder == 4, "low_edge_response is written out for order 4");
std::complex<double> low_edge_response(double f, double f1) {
  constexpr double a = 2.6131259297527530557;  // 2 (cos(pi/8) + cos(3 pi/8))
  constexpr double b = 3.4142135623730950488;  // 2 + sqrt(2)
  const double u = f / (kLowEdgeCorner * f1), u2 = u * u, u4 = u2 * u2;
  // D(j u) = u^4 - b u^2 + 1 + j (a u - a u^3); H = u^4 / D = u^4 conj(D) / |D|^2.
  const double re = u4 - b * u2 + 1, im = a * u * (1 - u2);
  const double scale = u4 / (re * re + im * im);
  return {re * scale, -im * scale};
}

// The zero-phase part of the inverse filter's weight at f: 1 from twice the stop frequency up to f2, raised
// cosines (on a log frequency scale) down to 0 at kLowEdgeStopFactor * f1 and half an octave above f2 (or
// at Nyquist). Smooth edges keep the band-limited impulse response compact, so it does not ring into the
// harmonic windows.
double band_weight(double f, double f1, double f2, double nyquist) {
  const double lo = kLowEdgeStopFactor * f1;
  if (f >= 2 * lo && f <= f2) return 1.0;
  if (f < 2 * lo) {
    if (f <= lo) return 0.0;
    const double u = std::log2(f / lo);  // 0..1 across the octave
    return 0.5 - 0.5 * std::cos(kPi * u);
  }
  const double top = std::min(f2 * std::sqrt(2.0), nyquist);
  if (top <= f2) return 1.0;
  if (f >= top) return 0.0;
  const double u = std::log2(f / f2) / std::log2(top / f2);
  return 0.5 + 0.5 * std::cos(kPi * u);
}

// Weight of the detection filter at f: the sweep's own band only, with raised-cosine tapers (log
// frequency) a sixth of an octave wide inside its edges. Outside f1..f2 the stimulus carries (almost) no
// energy and its inverse amplifies whatever the capture holds there by up to 140 dB: judged with it, a
// sweep 54 dB above white noise looked like no sweep at all.
double detection_weight(double f, double f1, double f2) {
  if (f <= f1 || f >= f2) return 0.0;
  const double edge = std::min(1.0 / 6, std::log2(f2 / f1) / 4);  // octaves
  const double flat = std::exp2(edge);  // without a logarithm per bin across the flat middle
  if (f >= f1 * flat && f <= f2 / flat) return 1.0;
  const double u = std::min(std::log2(f / f1), std::log2(f2 / f)) / edge;
  return u >= 1 ? 1.0 : 0.5 - 0.5 * std::cos(kPi * u);
}

// Zero-padding of the windowed responses before their FFT: bins close enough that linear interpolation
// of the (phase-referenced, hence smooth) spectrum stays far inside 0.01 dB.
constexpr double kSegmentPadding = 3.0;

// A windowed stretch of the circular impulse response and its spectrum, with the time reference moved
// to `reference` (fractional index) so the phase between bins is smooth enough to interpolate.
struct Segment {
  dsp::Spectrum bins;
  double bin_hz = 0;

  [[nodiscard]] std::complex<double> at(double f) const { return dsp::interpolate_bins(bins, bin_hz, f); }
};

// The windowed samples of a segment, gathered from the circular response while it is at hand (into
// samples, samples[0] being h[start], unwrapped); the transform comes later (transform_segment), once the
// response's FFT workspace is released.
dsp::Signal gather_segment(const Eigen::Ref<const dsp::Signal>& h, double reference, Eigen::Index before,
                           Eigen::Index after, double taper_fraction, Eigen::Index& start) {
  const auto n = h.size();
  const auto centre = static_cast<Eigen::Index>(std::llround(reference));
  const Eigen::Index len = before + after;
  const dsp::Signal w = dsp::tukey(static_cast<std::size_t>(len),
                                   static_cast<std::size_t>(taper_fraction * static_cast<double>(before)),
                                   static_cast<std::size_t>(taper_fraction * static_cast<double>(after)));
  dsp::Signal samples(len);
  start = centre - before;
  for (Eigen::Index m = 0; m < len; ++m) {
    Eigen::Index idx = (start + m) % n;
    if (idx < 0) idx += n;
    samples[m] = h[idx] * w[m];
  }
  return samples;
}

Segment transform_segment(const dsp::Signal& samples, Eigen::Index start, double reference, double fs) {
  const auto len = samples.size();
  const std::size_t size =
      std::bit_ceil(static_cast<std::size_t>(kSegmentPadding * static_cast<double>(len)));
  Segment s;
  s.bins = dsp::rfft(samples, size);
  s.bin_hz = fs / static_cast<double>(size);
  // Move the time reference from seg[0] to `reference`: multiply bin k by exp(-j 2 pi k offset / size),
  // by a rotating phasor re-synchronised every 1024 bins (sincos per bin costs more than the FFT).
  const double offset = static_cast<double>(start) - reference;
  const double step = -2.0 * kPi * offset / static_cast<double>(size);
  const std::complex<double> rotate = std::polar(1.0, step);
  for (Eigen::Index b = 0; b < s.bins.size(); b += 1024) {
    std::complex<double> phasor = std::polar(1.0, step * static_cast<double>(b));
    const Eigen::Index stop = std::min<Eigen::Index>(s.bins.size(), b + 1024);
    for (Eigen::Index k = b; k < stop; ++k, phasor *= rotate) s.bins[k] *= phasor;
  }
  return s;
}

}  // namespace

// A stretch of the impulse response to window: the linear response (order 1) or a harmonic's.
struct SweepAnalyzer::Window {
  int order = 1;
  double centre = 0;
  Eigen::Index before = 0, after = 0;
  double taper = 0;
  dsp::Signal samples;  // gathered from the response
  Eigen::Index start = 0;
};

SweepAnalyzer::SweepAnalyzer(const Eigen::Ref<const dsp::Signal>& stimulus, double sample_rate_hz,
                             std::size_t capture_frames, SweepAnalysisOptions options)
    : options_(options),
      fs_(sample_rate_hz),
      stimulus_frames_(static_cast<std::size_t>(stimulus.size())),
      capture_frames_(capture_frames) {
  const double nyquist = fs_ / 2;
  if (!(options_.f1_hz > 0 && options_.f1_hz < options_.f2_hz))
    throw InputError("sweep band " + std::to_string(options_.f1_hz) + " to " +
                     std::to_string(options_.f2_hz) + " Hz is empty: --f1 must be above 0 and below --f2");
  if (options_.f2_hz > nyquist)
    throw InputError("--f2 " + std::to_string(options_.f2_hz) + " Hz is above Nyquist (" +
                     std::to_string(nyquist) + " Hz) of the " + std::to_string(fs_) + " Hz files");
  if (stimulus_frames_ < 64)
    throw InputError("the stimulus has only " + std::to_string(stimulus_frames_) +
                     " frames: use a real sweep");
  if (capture_frames_ < stimulus_frames_)
    throw InputError("the capture (" + std::to_string(capture_frames_) +
                     " frames) is shorter than the stimulus (" + std::to_string(stimulus_frames_) +
                     " frames): record the whole sweep plus the latency");
  if (options_.max_harmonic < 1 || options_.max_harmonic > 9)
    throw InputError("highest harmonic " + std::to_string(options_.max_harmonic) +
                     " is out of range: use 1 to 9");
  if (!(options_.fade_s >= 0)) throw InputError("the sweep's fade must be 0 s or more");
  if (options_.points_per_octave < 1 || options_.points_per_octave > 1000)
    throw InputError("points per octave must be 1 to 1000");
  if (options_.rate_l_s <= 0)
    options_.rate_l_s = stimulus::estimate_rate_l(stimulus, fs_, options_.f1_hz, options_.f2_hz);

  // Zero-padding to stimulus + capture length: every delay from -stimulus (a harmonic of the sweep's
  // start, or anything the capture holds before the sweep arrives) to +capture then has a place of its
  // own in the circular result. Padding only to the capture's length was tried: content after the sweep
  // (a DC step, a long tail) then wraps onto the linear response and spoils it by tens of dB.
  // Above a million points the size is twice a smooth square (dsp::good_large_fft_size, a few percent
  // larger): planned in milliseconds with small tables instead of FFTW's per-point twiddles.
  n_ = dsp::good_large_fft_size(stimulus_frames_ + capture_frames_);
  const auto bins = static_cast<Eigen::Index>(n_ / 2 + 1);
  const auto bin_of = [&](double f) { return f * static_cast<double>(n_) / fs_; };
  // band_weight is 0 at and below kLowEdgeStopFactor * f1 and, when its upper taper fits below Nyquist, from
  // there on: the stretch kept reaches a bin beyond both.
  const double top = std::min(options_.f2_hz * std::sqrt(2.0), nyquist);
  band_begin_ = std::clamp<Eigen::Index>(
      static_cast<Eigen::Index>(std::floor(bin_of(kLowEdgeStopFactor * options_.f1_hz))) - 1, 0, bins);
  const Eigen::Index band_end =
      top <= options_.f2_hz ? bins
                            : std::clamp<Eigen::Index>(static_cast<Eigen::Index>(std::ceil(bin_of(top))) + 2,
                                                       band_begin_, bins);
  band_end_ = band_end;
  // The responses' size: bin band_end_ and all above it are zero, so any m with m / 2 >= band_end_
  // samples the band-limited periodic response exactly; 3 f2 at least keeps the detection response's
  // peak well inside the reach of the windowed-sinc interpolation that refines it.
  const auto need = std::max<std::size_t>(2 * static_cast<std::size_t>(band_end_),
                                          static_cast<std::size_t>(std::ceil(3.0 * bin_of(options_.f2_hz))));
  m_ = std::min(n_, dsp::good_large_fft_size(need));
  dsp::FftWorkspace ws(n_);
  ws.load(stimulus);
  ws.forward();
  const std::complex<double>* x = ws.bins();
  double max_power = 0;
  for (Eigen::Index k = band_begin_; k < band_end; ++k) {
    const double f = static_cast<double>(k) * fs_ / static_cast<double>(n_);
    if (f >= options_.f1_hz && f <= options_.f2_hz) max_power = std::max(max_power, std::norm(x[k]));
  }
  if (max_power == 0)
    throw MeasurementError("the stimulus has no energy between --f1 and --f2: check the sweep band");
  inverse_.resize(band_end - band_begin_);
  std::vector<double> detection(static_cast<std::size_t>(inverse_.size()));
  const double floor = 1e-14 * max_power;  // guards only against exact zeros; in band |X|^2 is far above it
  for (Eigen::Index k = band_begin_; k < band_end; ++k) {
    const double f = static_cast<double>(k) * fs_ / static_cast<double>(n_);
    const double w = band_weight(f, options_.f1_hz, options_.f2_hz, nyquist);
    inverse_[k - band_begin_] =
        w == 0 ? std::complex<double>(0) : w * std::conj(x[k]) / (std::norm(x[k]) + floor);
    detection[static_cast<std::size_t>(k - band_begin_)] =
        detection_weight(f, options_.f1_hz, options_.f2_hz);
  }
  // The detection weight: non-zero on one stretch (f1..f2), exactly 1 in its middle.
  const auto at = [&](Eigen::Index k) { return detection[static_cast<std::size_t>(k - band_begin_)]; };
  detection_begin_ = band_begin_;
  while (detection_begin_ < band_end && at(detection_begin_) == 0) ++detection_begin_;
  detection_end_ = band_end;
  while (detection_end_ > detection_begin_ && at(detection_end_ - 1) == 0) --detection_end_;
  ones_begin_ = detection_begin_;
  while (ones_begin_ < detection_end_ && at(ones_begin_) != 1.0) ++ones_begin_;
  ones_end_ = ones_begin_;
  while (ones_end_ < detection_end_ && at(ones_end_) == 1.0) ++ones_end_;
  for (Eigen::Index k = detection_begin_; k < detection_end_; ++k)
    if (k < ones_begin_ || k >= ones_end_) detection_taper_.push_back(at(k));
}

void SweepAnalyzer::load_capture(dsp::FftWorkspace& ws, const Eigen::Ref<const dsp::Signal>& capture) const {
  if (static_cast<std::size_t>(capture.size()) != capture_frames_)
    throw InputError("capture length changed between channels");
  ws.load(capture);
  ws.forward();
}

void SweepAnalyzer::deconvolve(const std::complex<double>* band, dsp::FftWorkspace& out,
                               bool detection) const {
  std::complex<double>* bins = out.bins();
  const std::size_t size = out.size();
  const Eigen::Index b = band_begin_;
  // Every bin outside the one written below is zero (band_end_ <= size / 2 + 1 by the choice of m_).
  const Eigen::Index written_begin = detection ? detection_begin_ : b;
  const Eigen::Index written_end = detection ? detection_end_ : band_end_;
  std::fill(bins, bins + written_begin, std::complex<double>(0));
  std::fill(bins + written_end, bins + size / 2 + 1, std::complex<double>(0));
  if (detection) {
    // The same products as with a stored detection filter dw * inverse_ (1 * v == v exactly).
    std::size_t taper = 0;
    for (Eigen::Index k = detection_begin_; k < detection_end_; ++k) {
      if (k >= ones_begin_ && k < ones_end_) {
        bins[k] = band[k - b] * inverse_[k - b];
      } else {
        const std::complex<double> filter = detection_taper_[taper++] * inverse_[k - b];
        bins[k] = band[k - b] * filter;
      }
    }
  } else {
    const double bin_hz = fs_ / static_cast<double>(n_);
    for (Eigen::Index i = 0; i < inverse_.size(); ++i)
      bins[b + i] =
          band[i] * (inverse_[i] * low_edge_response(static_cast<double>(b + i) * bin_hz, options_.f1_hz));
  }
  out.inverse();
  double* real = out.real();
  // 1 / size, not 1 / n_: at the lower rate each sample stands for n_ / size of the capture's, so the
  // response keeps its gain (sum of h) and its spectrum reads the same at every frequency.
  const double scale = 1.0 / static_cast<double>(size);
  for (std::size_t i = 0; i < size; ++i) real[i] = real[i] * scale;
}

dsp::Signal SweepAnalyzer::impulse_response(const Eigen::Ref<const dsp::Signal>& capture) const {
  dsp::FftWorkspace ws(n_);
  load_capture(ws, capture);
  const dsp::Spectrum band = Eigen::Map<const dsp::Spectrum>(ws.bins() + band_begin_, inverse_.size());
  deconvolve(band.data(), ws, false);
  return Eigen::Map<const dsp::Signal>(ws.real(), static_cast<Eigen::Index>(n_));
}

SweepResult SweepAnalyzer::analyze(const Eigen::Ref<const dsp::Signal>& capture) const {
  std::optional<dsp::FftWorkspace> ws(std::in_place, n_);
  load_capture(*ws, capture);
  return analyze_loaded(ws, nullptr);
}

SweepResult SweepAnalyzer::analyze_at(const Eigen::Ref<const dsp::Signal>& capture,
                                      double latency_samples) const {
  std::optional<dsp::FftWorkspace> ws(std::in_place, n_);
  load_capture(*ws, capture);
  const double latency = latency_samples * static_cast<double>(m_) / static_cast<double>(n_);
  return analyze_loaded(ws, &latency);
}

SweepResult SweepAnalyzer::analyze_loaded(std::optional<dsp::FftWorkspace>& capture_ws,
                                          const double* known_latency) const {
  // The responses are worked out in the cached FFT buffer of size m_, one after the other, from the one
  // transform of the capture in capture_ws: no multi-megabyte result arrays, no page faults for fresh ones.
  // When m_ == n_ both are the same buffer, and the capture's band is copied out first.
  dsp::Spectrum copy;
  std::optional<dsp::FftWorkspace> own;
  dsp::FftWorkspace* ws = &*capture_ws;
  const std::complex<double>* band = capture_ws->bins() + band_begin_;
  if (m_ == n_) {
    copy = Eigen::Map<const dsp::Spectrum>(band, inverse_.size());
    band = copy.data();
  } else {
    own.emplace(m_);  // always locked after the size-n_ workspace: no lock-order inversion
    ws = &*own;
  }
  const auto m = static_cast<Eigen::Index>(m_);
  const double rate = response_rate_hz();
  const double to_capture_samples = static_cast<double>(n_) / static_cast<double>(m_);
  const double l_samples = options_.rate_l_s * rate;
  const int top = options_.max_harmonic;
  SweepResult r;
  double latency = 0;  // in samples of the response rate
  if (known_latency != nullptr) {
    latency = *known_latency;
    deconvolve(band, *ws, false);
    r.inverted = dsp::sinc_interpolate(Eigen::Map<const dsp::Signal>(ws->real(), m), latency) < 0;
  } else {
    // The sweep is looked for, and judged, in its own band (see detection_weight): the same response
    // limited to f1..f2, where the capture's noise is weighed only where the stimulus has energy.
    deconvolve(band, *ws, true);
    const Eigen::Map<const dsp::Signal> d(ws->real(), m);
    // The linear response lies at a delay between 0 and the capture's spare length; harmonics sit before it.
    const auto reach = std::min<Eigen::Index>(
        m, static_cast<Eigen::Index>(std::ceil(static_cast<double>(capture_frames_) / to_capture_samples)));
    Eigen::Index detected_index = 0;
    d.head(reach).cwiseAbs().maxCoeff(&detected_index);
    const dsp::Peak detected = dsp::refine_peak(d, detected_index);
    latency = detected.position;
    r.inverted = detected.value < 0;

    // Noise floor: the middle of the stretch between the linear response's tail and the furthest harmonic.
    const double harmonic_reach = l_samples * std::log(static_cast<double>(top) + 1.0);
    const double empty_start = latency + std::max(l_samples * std::log(2.0), 0.1 * rate);
    const double empty_end = latency + static_cast<double>(m) - harmonic_reach;
    if (empty_end - empty_start > 64) {
      const double quarter = (empty_end - empty_start) / 4;
      const auto a = static_cast<Eigen::Index>(empty_start + quarter);
      const auto len = static_cast<Eigen::Index>(2 * quarter);
      double sum = 0;  // over (a + i) % m, i < len, in that order; in two runs without the modulo
      const Eigen::Index first = a % m;
      const Eigen::Index run = std::min(len, m - first);
      for (Eigen::Index i = first; i < first + run; ++i) sum += d[i] * d[i];
      for (Eigen::Index i = 0; i < len - run; ++i) sum += d[i] * d[i];
      const double rms = std::sqrt(sum / static_cast<double>(len));
      r.peak_to_noise_db = rms > 0 ? dsp::amplitude_db(std::abs(detected.value) / rms) : 400.0;
    } else {
      r.peak_to_noise_db = 400.0;
    }
    if (r.peak_to_noise_db < 30.0)
      throw MeasurementError("no sweep found in the capture: its impulse response peaks only " +
                             std::to_string(static_cast<int>(r.peak_to_noise_db)) +
                             " dB above the noise; check the cabling, the channel and the output level");
    deconvolve(band, *ws, false);
  }
  r.latency_samples = latency * to_capture_samples;
  const Eigen::Map<const dsp::Signal> h(ws->real(), m);
  std::vector<Window> stretches = windows(latency, known_latency == nullptr);
  for (Window& w : stretches) w.samples = gather_segment(h, w.centre, w.before, w.after, w.taper, w.start);
  ws = nullptr;
  own.reset();  // the segments' own FFTs may have size m_ or n_ too
  capture_ws.reset();
  copy.resize(0);
  linear_and_harmonics(std::move(stretches), r);
  return r;
}

std::vector<SweepAnalyzer::Window> SweepAnalyzer::windows(double latency, bool harmonics) const {
  const auto n = static_cast<Eigen::Index>(m_);  // period and rate of the response the windows cut
  const double rate = response_rate_hz();
  const double l_samples = options_.rate_l_s * rate;
  const int top = options_.max_harmonic;
  const double harmonic_reach = l_samples * std::log(static_cast<double>(top) + 1.0);
  std::vector<Window> out;
  // Linear response: up to half-way to the second harmonic before the peak; after it, at least 100 ms and
  // eight periods of f1, which hold the causal low edge's ringing and the chain's own low end (a coupling
  // high-pass at 3 Hz read 20..40 Hz 0.002 dB off its truth with four periods, 0.0002 dB with eight).
  const double gap = l_samples * std::log(2.0);
  const auto before = std::max<Eigen::Index>(16, static_cast<Eigen::Index>(gap / 2));
  const double room_after = static_cast<double>(n) - harmonic_reach - 2.0 * static_cast<double>(before);
  const auto after = std::max<Eigen::Index>(
      16, static_cast<Eigen::Index>(
              std::min(std::max({gap / 2, 0.1 * rate, 8.0 / options_.f1_hz * rate}), room_after)));
  out.push_back(Window{1, latency, before, after, 0.25, {}, 0});
  if (!harmonics) return out;
  // Harmonic n's response lies L*ln(n) before the linear one; its window reaches half-way to each neighbour.
  // An order whose lowest frequency already lies beyond valid_top (see linear_and_harmonics) ends the list.
  const double valid_top =
      std::min(options_.f2_hz * std::exp(-options_.fade_s / options_.rate_l_s), 0.95 * fs_ / 2);
  for (int order = 2; order <= top; ++order) {
    const double centre = latency - l_samples * std::log(static_cast<double>(order));
    const auto left = static_cast<Eigen::Index>(l_samples * std::log((order + 1.0) / order) / 2);
    const auto right = static_cast<Eigen::Index>(l_samples * std::log(order / (order - 1.0)) / 2);
    if (left < 8 || right < 8) break;  // sweep too short to separate this order
    if (order * options_.f1_hz >= valid_top) break;
    out.push_back(Window{order, centre, left, right, 0.5, {}, 0});
  }
  return out;
}

void SweepAnalyzer::linear_and_harmonics(std::vector<Window> stretches, SweepResult& r) const {
  const Segment linear = transform_segment(stretches.front().samples, stretches.front().start,
                                           stretches.front().centre, response_rate_hz());
  const auto grid = dsp::log_frequency_grid(options_.f1_hz, options_.f2_hz, options_.points_per_octave);
  std::vector<double> linear_magnitude(grid.size());
  r.response.frequency_hz = grid;
  r.response.magnitude_db.resize(grid.size());
  r.response.phase_deg.resize(grid.size());
  for (std::size_t i = 0; i < grid.size(); ++i) {
    const std::complex<double> v = linear.at(grid[i]) / low_edge_response(grid[i], options_.f1_hz);
    linear_magnitude[i] = std::abs(v);
    r.response.magnitude_db[i] = dsp::amplitude_db(std::abs(v));
    r.response.phase_deg[i] = std::arg(v) * 180.0 / kPi;
  }
  r.response.magnitude_db = dsp::smooth_octave_db(grid, r.response.magnitude_db, options_.smoothing_fraction);

  // Harmonics are listed only where order * f < valid_top: above, they fall outside the sweep or into its
  // end fade.
  const double valid_top =
      std::min(options_.f2_hz * std::exp(-options_.fade_s / options_.rate_l_s), 0.95 * fs_ / 2);
  for (std::size_t s = 1; s < stretches.size(); ++s) {
    const int order = stretches[s].order;
    const Segment seg =
        transform_segment(stretches[s].samples, stretches[s].start, stretches[s].centre, response_rate_hz());
    stretches[s].samples.resize(0);
    HarmonicResponse hr;
    hr.order = order;
    for (std::size_t i = 0; i < grid.size(); ++i) {
      const double fh = order * grid[i];
      if (fh >= valid_top) break;
      hr.frequency_hz.push_back(grid[i]);
      hr.level_db.push_back(dsp::amplitude_db(std::abs(seg.at(fh) / low_edge_response(fh, options_.f1_hz)) /
                                              linear_magnitude[i]));
    }
    if (hr.frequency_hz.empty()) break;
    hr.level_db = dsp::smooth_octave_db(hr.frequency_hz, hr.level_db, options_.smoothing_fraction);
    r.harmonics.push_back(std::move(hr));
  }
}

}  // namespace bench::analysis
