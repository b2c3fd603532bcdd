#pragma once

// The amplifier's output impedance against its load (a resistor or a headphone's impedance curve, in
// parallel with the reference ADC's input): v_load = v_amp * Zl / (Zl + Zout).

#include <complex>
#include <cstddef>
#include <optional>

#include "bench/dsp/types.hpp"
#include "bench/plan/model.hpp"
#include "bench/sim/fir.hpp"

namespace bench::sim {

/// The load's complex impedance at f: plan::Load::impedance_at. [any thread]
[[nodiscard]] std::complex<double> load_impedance(const plan::Load& load, double frequency_hz);

/// Two impedances in parallel, a*b/(a+b); an infinite one leaves the other. [any thread]
[[nodiscard]] std::complex<double> parallel(std::complex<double> a, std::complex<double> b);

/// Voltage divider z_load / (z_source + z_load): what a source with impedance z_source delivers into
/// z_load, re its open-circuit voltage. [any thread]
[[nodiscard]] std::complex<double> divider(std::complex<double> z_source, std::complex<double> z_load);

/// 20*log10 |divider(z_source, z_load)|, dB (negative: a loss). [any thread]
[[nodiscard]] double divider_db(std::complex<double> z_source, std::complex<double> z_load);

/// Size of the frequency-sampling design of the headphone FIR: 65536 points at 48 kHz and below (0.73 Hz
/// apart), scaled with the sample rate above (next power of two).
[[nodiscard]] std::size_t load_fir_design_size(double sample_rate_hz);

/// Shortest headphone FIR, taps.
inline constexpr std::size_t kMinLoadFirTaps = 1024;
/// Largest deviation of the headphone FIR's magnitude from |Zl/(Zl+Zout)| in 20 Hz..20 kHz, dB.
inline constexpr double kLoadFirToleranceDb = 0.005;

/// Directly computed head of the load FIR and the block of its first FFT level, samples.
inline constexpr std::size_t kLoadFirHead = 64;

/// What the amplifier drives and the transfer it causes. For a resistor or an open circuit (the ADC's
/// input alone; any real Zl) the transfer is a scalar. For a headphone curve it is a causal FIR designed by
/// frequency sampling of |H(f)| = |Zl/(Zl+Zout)| on load_fir_design_size() points, made minimum phase by the
/// real cepstrum (H is a minimum-phase function; sampling the complex H directly fails for inductive loads,
/// see load.cpp), h = irfft, truncated with a half-Hann taper over its last quarter to the shortest power of
/// two >= kMinLoadFirTaps taps whose magnitude stays within kLoadFirToleranceDb of |H| from 20 Hz to 20 kHz
/// (typical headphones: 4096 taps at 48 kHz; sharp resonances more, at most half the design size). The
/// phase is the minimum phase of the magnitude, within a few degrees of the curve's below 10 kHz.
class LoadModel {
 public:
  /// adc_input_impedance_ohm is in parallel with the load. [main thread] Throws bench::ConfigError for a
  /// resistor without a positive value, an empty or malformed curve, or a negative output impedance.
  LoadModel(const plan::Load& load, double adc_input_impedance_ohm, double amp_output_impedance_ohm,
            double sample_rate_hz);

  /// The impedance the amplifier drives at frequency_hz: load parallel ADC input. [any thread]
  [[nodiscard]] std::complex<double> impedance(double frequency_hz) const;
  /// Ideal transfer Zl/(Zl+Zout) at frequency_hz (whose magnitude the FIR follows). [any thread]
  [[nodiscard]] std::complex<double> response(double frequency_hz) const;
  /// True if the transfer is an FIR, false if it is the scalar gain(). [any thread]
  [[nodiscard]] bool frequency_dependent() const noexcept { return taps_.size() > 0; }
  /// The scalar transfer of a real load (1 if frequency_dependent()). [any thread]
  [[nodiscard]] double gain() const noexcept { return gain_; }
  /// The FIR taps (empty for a real load). [any thread]
  [[nodiscard]] const dsp::Signal& taps() const noexcept { return taps_; }

 private:
  void design_fir(double sample_rate_hz);  // taps_ from |response| by the real cepstrum

  plan::Load load_;
  double adc_input_impedance_ohm_ = 0;
  double amp_output_impedance_ohm_ = 0;
  double gain_ = 1;
  dsp::Signal taps_;
};

/// One channel of the load transfer, with its own state.
class LoadFilter {
 public:
  /// [main thread] Allocates the FIR's buffers.
  explicit LoadFilter(const LoadModel& model);
  /// v_load from v_amp for n samples; in and out may be the same array. [audio thread, real-time safe]
  void process(const double* v_amp, double* v_load, std::size_t n) noexcept;
  /// Clears the FIR's memory. [any thread, not concurrently with process()]
  void reset() noexcept;

 private:
  double gain_ = 1;
  std::optional<FirFilter> fir_;
};

}  // namespace bench::sim
