#pragma once

#include <optional>
#include <vector>

#include "bench/dsp/types.hpp"
#include "bench/dsp/weighting.hpp"

namespace bench::analysis {

/// Settings of a steady-sine analysis (AES17); recorded with every result.
struct SineAnalysisOptions {
  std::optional<double> frequency_hz;  ///< expected tone (searched within +-5 %); none: the strongest tone
  double band_lo_hz = 20;              ///< measurement band: brick-wall in the frequency domain
  double band_hi_hz = 20000;           ///< AES17 standard 20 kHz; 22400 and 80000 are the usual options
  dsp::Weighting weighting = dsp::Weighting::kNone;  ///< applies to THD+N and noise, not to THD
  int max_harmonic = 10;                             ///< THD uses H2..max_harmonic inside the band
  double mains_hz = 0;                               ///< 50 or 60; 0 picks whichever carries more hum
  /// For short stretches of a stepped tone (THD against frequency and level): after the sine fit, one
  /// least-squares fit of the fundamental, its harmonics H2..max_harmonic inside the band (within 1 ppm of
  /// its edge) and below Nyquist (each a cosine and a sine) and a cubic trend (Legendre P0..P3 over the
  /// record), refined in frequency by Gauss-Newton. THD and the harmonics come from the fitted amplitudes;
  /// THD+N is those harmonics plus the band power of what the fit leaves, so no part of a harmonic's window
  /// lobe falls outside the band; noise is what the fit leaves. The trend takes the slow settling a
  /// high-pass leaves after a change of frequency or level, and what lies below about 1.5 / record length
  /// (30 Hz for 50 ms: below the band for records of 75 ms and longer).
  bool fit_harmonics = false;
};

/// A harmonic of the fundamental.
struct HarmonicLevel {
  int order = 2;
  double frequency_hz = 0;
  double level_db = 0;    ///< relative to the fundamental
  double level_dbfs = 0;  ///< absolute, 0 dBFS = full-scale sine
};

/// A mains hum line.
struct HumLine {
  double frequency_hz = 0;
  double level_dbfs = 0;
};

/// Everything one capture channel yields under a steady sine.
struct SineResult {
  double fundamental_hz = 0;
  double fundamental_dbfs = 0;  ///< peak level re full scale (AES17)
  double dc_offset_fs = 0;      ///< DC in full-scale units
  double thd_db = 0;            ///< sqrt(sum V_n^2) / V_1, n = 2..max_harmonic inside the band
  double thd_percent = 0;
  double thd_n_db = 0;  ///< RMS of everything but the fundamental in band / RMS of the band signal
  double thd_n_percent = 0;
  double sinad_db = 0;    ///< -thd_n_db
  double noise_dbfs = 0;  ///< residual without harmonics and hum lines, in band, weighted as asked
  double mains_hz = 0;
  std::vector<HarmonicLevel> harmonics;
  std::vector<HumLine> hum;
};

/// Measures a steady tone: four-parameter least-squares sine fit (IEEE 1241) removes the fundamental
/// and DC, so the result does not depend on the tone being coherent with the record; the residual's
/// 7-term Blackman-Harris power spectrum (noise bandwidth corrected) gives THD+N, harmonics, hum and
/// noise. [main thread] Throws bench::MeasurementError when there is no tone to measure.
[[nodiscard]] SineResult analyze_sine(const Eigen::Ref<const dsp::Signal>& capture, double sample_rate_hz,
                                      const SineAnalysisOptions& options);

/// The stretch of a capture where its tone holds steady: [begin_frame, end_frame).
struct SteadySpan {
  Eigen::Index begin_frame = 0;
  Eigen::Index end_frame = 0;
  double frequency_hz = 0;  ///< the tone the span was judged on
};

/// Finds the longest stretch of `capture` where one tone holds steady, leaving out silence, fades,
/// level steps and the settling after them: a sine (IEEE 1241 fit on the stretch found so far) is
/// subtracted from the whole record, and a 20 ms window (longer for tones below 200 Hz, moved in steps
/// of a quarter window) is steady where the residual's RMS stays within 1.5 times (3.5 dB) its median
/// over the stretch; repeated until the stretch no longer changes. Seeded by the longest run of windows
/// whose (median-filtered) RMS reaches half the loudest. A record too short for four windows is taken
/// whole. [main thread] Throws bench::MeasurementError when the longest steady stretch is shorter than
/// min_span_s, naming where it lies.
[[nodiscard]] SteadySpan find_steady_tone(const Eigen::Ref<const dsp::Signal>& capture, double sample_rate_hz,
                                          const SineAnalysisOptions& options, double min_span_s = 0.05);

/// Result of the least-squares fit: x[n] ~ amplitude * sin(2 pi f n / fs + phase) + dc.
struct SineFit {
  double frequency_hz = 0;
  double amplitude = 0;
  double phase_rad = 0;
  double dc = 0;
};

/// Four-parameter least-squares sine fit (IEEE 1241), starting from initial_frequency_hz.
[[nodiscard]] SineFit fit_sine(const Eigen::Ref<const dsp::Signal>& x, double sample_rate_hz,
                               double initial_frequency_hz);

/// x minus the fitted sine and DC.
[[nodiscard]] dsp::Signal subtract_fit(const Eigen::Ref<const dsp::Signal>& x, double sample_rate_hz,
                                       const SineFit& fit);

/// Validates the options against the sample rate; throws bench::InputError naming the option.
void validate(const SineAnalysisOptions& options, double sample_rate_hz);

/// The hum lines of a residual (mains and its harmonics up to the fifth, inside the band). With `exact`
/// (the noise analysis: hum is what it reads) each line is read by the windowed DFT at exactly its
/// nominal frequency, so a line near the noise floor reads the noise of 2.6 bins; without it (beside a
/// tone, where the lines are reported but judged by no check) each is the power within +-8 bins of
/// `spectrum`, which costs nothing more. With mains_hz 0, 50 or 60 Hz is picked by the power in its lines'
/// lobes.
class PowerSpectrum;
class LineReader;
[[nodiscard]] std::vector<HumLine> hum_lines(const PowerSpectrum& spectrum, const LineReader* exact,
                                             double mains_hz, double band_hi_hz, double* chosen_mains_hz);

}  // namespace bench::analysis
