#pragma once

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

  /// The full regularised impulse response of a capture (length fft_size(); harmonic responses wrap
  /// to the end), band-limited below f1 by a causal 4th-order Butterworth high-pass at f1 / 2 (the
  /// responses in SweepResult have it divided out). For plots and tests.
  [[nodiscard]] dsp::Signal impulse_response(const Eigen::Ref<const dsp::Signal>& capture) const;

  [[nodiscard]] const SweepAnalysisOptions& options() const { return options_; }
  [[nodiscard]] std::size_t fft_size() const { return n_; }

 private:
  struct Window;
  // The capture's spectrum into ws, and its bins band_begin_.. into capture_band_.
  void load_capture(dsp::FftWorkspace& ws, const Eigen::Ref<const dsp::Signal>& capture) const;
  // From capture_band_: the regularised impulse response (detection: limited to f1..f2) in ws.real().
  void deconvolve(dsp::FftWorkspace& ws, bool detection) const;
  [[nodiscard]] std::vector<Window> windows(double latency, bool harmonics) const;
  void linear_and_harmonics(std::vector<Window> windows, SweepResult& r) const;

  SweepAnalysisOptions options_;
  double fs_;
  std::size_t stimulus_frames_;
  std::size_t capture_frames_;
  std::size_t n_;
  // The band-limited inverse of the stimulus spectrum is zero outside bins [band_begin_, band_begin_ +
  // inverse_.size()) (three octaves below f1 to half an octave above f2): only that stretch is kept, a
  // third of the spectrum for a 20 Hz - 20 kHz sweep at 192 kHz. The impulse response is its product with
  // low_edge_, the causal high-pass below f1 (see sweep_analysis.cpp), which the detection filter leaves
  // out: the peak it finds is the chain's, not moved by the high-pass's phase.
  Eigen::Index band_begin_ = 0;
  dsp::Spectrum inverse_;
  dsp::Spectrum low_edge_;
  // The detection filter (inverse_ limited to f1..f2) is inverse_ times a weight that is non-zero on
  // bins [detection_begin_, detection_end_) and exactly 1 on [ones_begin_, ones_end_) inside it; the
  // weights of the two tapers are kept, low then high.
  Eigen::Index detection_begin_ = 0, ones_begin_ = 0, ones_end_ = 0, detection_end_ = 0;
  std::vector<double> detection_taper_;
  // Scratch of analyze(): the capture's bins over inverse_'s stretch. Used only while holding the
  // FftWorkspace of size n_, which serialises callers.
  mutable dsp::Spectrum capture_band_;
};

}  // namespace bench::analysis
