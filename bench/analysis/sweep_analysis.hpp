#pragma once

#include <optional>
#include <vector>

#include "bench/dsp/types.hpp"

namespace bench::dsp {
class FftWorkspace;
}

namespace bench::analysis {

/// Settings of a sweep analysis; recorded with every result.
struct SweepAnalysisOptions {
  double f1_hz = 20;
  double f2_hz = 20000;
  double rate_l_s = 0;            ///< Novak's L of the stimulus (0: estimate from the stimulus)
  int points_per_octave = 48;     ///< density of the output frequency axis
  double smoothing_fraction = 0;  ///< 1/N-octave smoothing of magnitudes (0 = none, 3 = 1/3 octave)
  int max_harmonic = 9;           ///< highest harmonic order separated (2..9)
  double fade_s = 0;  ///< the stimulus's end fade; harmonics are not read where it bends the level
};

/// Absolute gain capture/stimulus: 0 dB is unity. Phase in degrees with the latency removed.
struct FrequencyResponse {
  std::vector<double> frequency_hz;
  std::vector<double> magnitude_db;
  std::vector<double> phase_deg;
};

/// Level of harmonic `order` relative to the fundamental, on the excitation-frequency axis. Listed only
/// where order * f < min(f2 * exp(-fade_s / L), 0.95 * fs / 2): above, the harmonic falls outside the
/// sweep or inside its end fade, where the stimulus no longer drives it at full level.
struct HarmonicResponse {
  int order = 2;
  std::vector<double> frequency_hz;
  std::vector<double> level_db;
};

/// Everything one capture channel yields.
struct SweepResult {
  double latency_samples = 0;   ///< delay of the impulse response's peak, sub-sample resolution
  bool inverted = false;        ///< the impulse response's peak is negative
  double peak_to_noise_db = 0;  ///< impulse peak over the noise in the empty part of the response, both
                                ///< within the sweep's band f1..f2 (where the stimulus has energy)
  FrequencyResponse response;
  std::vector<HarmonicResponse> harmonics;
};

/// Deconvolves captures against one synchronized exponential sweep (Novak et al. 2015): regularised
/// spectral division with zero-padding against time aliasing, then windowing of the linear and the
/// harmonic impulse responses. Construct once per stimulus and capture length; analyse each channel.
/// [main thread] Throws bench::InputError for inconsistent inputs, bench::MeasurementError when no
/// sweep is found in the capture.
class SweepAnalyzer {
 public:
  SweepAnalyzer(const Eigen::Ref<const dsp::Signal>& stimulus, double sample_rate_hz,
                std::size_t capture_frames, SweepAnalysisOptions options);

  [[nodiscard]] SweepResult analyze(const Eigen::Ref<const dsp::Signal>& capture) const;

  /// Analyses a capture whose latency is already known (e.g. the undriven channel of a crosstalk
  /// measurement, from the driven one): no peak search and no "no sweep found" refusal, so a response
  /// buried in noise is still read. Harmonics are not separated.
  [[nodiscard]] SweepResult analyze_at(const Eigen::Ref<const dsp::Signal>& capture,
                                       double latency_samples) const;

  /// The full regularised impulse response of a capture (length fft_size(), at the capture's rate;
  /// harmonic responses wrap to the end), band-limited below f1 by a causal 4th-order Butterworth
  /// high-pass at f1 / 2 (the responses in SweepResult have it divided out). For plots and tests.
  [[nodiscard]] dsp::Signal impulse_response(const Eigen::Ref<const dsp::Signal>& capture) const;

  [[nodiscard]] const SweepAnalysisOptions& options() const { return options_; }
  [[nodiscard]] std::size_t fft_size() const { return n_; }
  /// Length of the impulse responses analyze() works on: fft_size() when the inverse filter reaches
  /// Nyquist, fewer when its band ends lower (a 20 kHz sweep at 192 kHz: 0.31 of it), the same
  /// band-limited periodic response sampled at response_rate_hz() instead of the capture's rate.
  [[nodiscard]] std::size_t response_size() const { return m_; }
  [[nodiscard]] double response_rate_hz() const {
    return fs_ * static_cast<double>(m_) / static_cast<double>(n_);
  }

 private:
  struct Window;
  // The capture's spectrum into ws (size n_).
  void load_capture(dsp::FftWorkspace& ws, const Eigen::Ref<const dsp::Signal>& capture) const;
  // From the capture's bins band_begin_..band_end_ (band[0] is bin band_begin_): the regularised impulse
  // response (detection: limited to f1..f2) in out.real(), out.size() samples spanning the period n_ / fs_
  // seconds. band must not point into out.
  void deconvolve(const std::complex<double>* band, dsp::FftWorkspace& out, bool detection) const;
  [[nodiscard]] std::vector<Window> windows(double latency, bool harmonics) const;
  void linear_and_harmonics(std::vector<Window> windows, SweepResult& r) const;
  // analyze() and analyze_at() from the capture's transform: latency in samples of the response rate.
  // Releases ws (size n_) before the segments are transformed.
  [[nodiscard]] SweepResult analyze_loaded(std::optional<dsp::FftWorkspace>& ws,
                                           const double* known_latency) const;

  SweepAnalysisOptions options_;
  double fs_;
  std::size_t stimulus_frames_;
  std::size_t capture_frames_;
  std::size_t n_;
  // The inverse filter is zero from bin band_end_ on; responses are transformed back at size m_ <= n_ with
  // m_ / 2 >= band_end_, which samples the same band-limited response exactly (at fs_ * m_ / n_), and at
  // least 3 f2 (the detection response is then oversampled at least as much as a 20 kHz sweep at 60 kHz,
  // for its sub-sample peak).
  std::size_t m_;
  // The band-limited inverse of the stimulus spectrum is zero outside bins [band_begin_, band_end_) (three
  // octaves below f1 to half an octave above f2): only that stretch is kept, a third of the spectrum for a
  // 20 Hz - 20 kHz sweep at 192 kHz. The impulse response is its product with the causal high-pass below
  // f1 (low_edge_response in sweep_analysis.cpp, evaluated per bin), which the detection filter leaves
  // out: the peak it finds is the chain's, not moved by the high-pass's phase.
  Eigen::Index band_begin_ = 0, band_end_ = 0;
  dsp::Spectrum inverse_;
  // The detection filter (inverse_ limited to f1..f2) is inverse_ times a weight that is non-zero on
  // bins [detection_begin_, detection_end_) and exactly 1 on [ones_begin_, ones_end_) inside it; the
  // weights of the two tapers are kept, low then high.
  Eigen::Index detection_begin_ = 0, ones_begin_ = 0, ones_end_ = 0, detection_end_ = 0;
  std::vector<double> detection_taper_;
};

}  // namespace bench::analysis
