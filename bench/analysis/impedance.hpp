#pragma once

// Output impedance from responses into known loads, and what an output impedance does to a load:
// pure functions on Eigen vectors and complex numbers, no I/O. Impedances are complex ohms at each
// frequency; an open circuit is an infinite impedance (std::numeric_limits<double>::infinity()).

#include <complex>
#include <span>
#include <vector>

#include "bench/dsp/types.hpp"

namespace bench::analysis {

using Complex = std::complex<double>;
/// Complex values, one per frequency.
using ComplexVector = Eigen::VectorXcd;

/// One source measured into one known load.
struct LoadedResponse {
  /// The load's impedance at each frequency, ohm (all of it: a resistor in parallel with the recorder's
  /// input is that parallel value); infinite for an open circuit.
  ComplexVector load_impedance_ohm;
  /// The voltage measured across the load at each frequency, in any unit common to all loads (volts,
  /// or a transfer function from one stimulus).
  ComplexVector response;
  /// Relative tolerance of the load's impedance (1 % -> 0.01); 0 for an exact or open load.
  double tolerance = 0;
};

/// The Thevenin source found at one frequency.
struct TheveninPoint {
  Complex output_impedance_ohm;
  Complex open_voltage;  ///< in the unit of the responses
  double residual = 0;   ///< RMS of the fit's residuals re |open_voltage| (0 with two loads)
};

/// Solves V_L = V_open * Z_L / (Z_L + Z_out) for V_open and Z_out at one frequency, from n >= 2 loads
/// by complex least squares. Multiplied out with the admittance Y_L = 1/Z_L (0 for an open circuit):
///   V_open - Z_out * (V_L * Y_L) = V_L,
/// one row [1, -V_L*Y_L] per load, linear in the unknowns [V_open, Z_out]; every row's residual is a
/// voltage error, so no load dominates by its size. Solved by column-pivoting Householder QR.
/// Throws bench::MeasurementError when the loads cannot separate the two unknowns (fewer than two, all
/// open, or all the same load: the 2x2 normal matrix is singular) or a response is zero or not finite.
/// [any thread, allocates: not for the audio callback]
[[nodiscard]] TheveninPoint solve_thevenin(std::span<const Complex> load_impedance_ohm,
                                           std::span<const Complex> response);

/// Output impedance against frequency with its uncertainty from the loads' tolerances.
struct OutputImpedance {
  ComplexVector output_impedance_ohm;  ///< per frequency
  ComplexVector open_voltage;          ///< per frequency, in the unit of the responses
  /// Worst-case bound of |dZ_out| when every load may be off its value by up to its tolerance:
  /// sum over loads of |dZ_out/d(delta_k)| * tolerance_k, where Z_L,k -> Z_L,k * (1 + delta_k); the
  /// derivative by central differences (delta = +-1e-6) of the whole solve. Ohm, per frequency.
  dsp::Signal uncertainty_ohm;
  dsp::Signal residual;  ///< per frequency, see TheveninPoint::residual
};

/// solve_thevenin at every frequency (all loads must have as many frequencies as the first), plus the
/// tolerance bound. Throws bench::MeasurementError (see solve_thevenin) or bench::InputError for
/// vectors of different lengths. [any thread, allocates]
[[nodiscard]] OutputImpedance solve_output_impedance(const std::vector<LoadedResponse>& loads);

/// The response change a load sees from a source impedance: H(f) = Z_load / (Z_load + Z_out),
/// normalised to its value at the reference frequency (1 kHz).
struct LoadingPrediction {
  std::vector<double> change_db;  ///< 20*log10 |H(f) / H(f_ref)| per frequency
  std::vector<double> phase_deg;  ///< arg(H(f) / H(f_ref)), degrees
  /// Peak-to-peak of change_db over the band (max - min), dB.
  double deviation_db = 0;
  double damping_factor_at_reference = 0;  ///< |Z_load(f_ref)| / |Z_out(f_ref)| (infinite for Z_out 0)
  double damping_factor_min = 0;           ///< min over the band of |Z_load(f)| / |Z_out(f)|
  double damping_factor_min_hz = 0;        ///< where that minimum is
  /// The rule of eighths: |Z_out(f)| <= |Z_load(f)| / 8 at every frequency of the band, i.e.
  /// damping_factor_min >= 8.
  bool rule_of_eighths = false;
};

/// Predicts the loading of `load_impedance_ohm` by `output_impedance_ohm` on the ascending axis
/// `frequency_hz` (all three of one length). Values at the reference frequency are interpolated
/// linearly in log frequency between the neighbouring points (held at the ends). The band is
/// band_low_hz..band_high_hz, clipped to the axis. Throws bench::InputError for lengths that differ,
/// an empty band or a non-ascending axis. [any thread, allocates]
[[nodiscard]] LoadingPrediction predict_loading(const std::vector<double>& frequency_hz,
                                                const ComplexVector& output_impedance_ohm,
                                                const ComplexVector& load_impedance_ohm,
                                                double band_low_hz = 20, double band_high_hz = 20000,
                                                double reference_hz = 1000);

/// 20*log10 |h(f) / h(reference_hz)| per frequency of the ascending axis, h at the reference
/// interpolated linearly in log frequency between its neighbours (held at the ends). Throws
/// bench::InputError for lengths that differ or an empty axis. [any thread, allocates]
[[nodiscard]] std::vector<double> change_db(const std::vector<double>& frequency_hz, const ComplexVector& h,
                                            double reference_hz = 1000);

/// Level change in dB of a source with impedance source_impedance_ohm driving `parallel_inputs` equal
/// inputs of input_impedance_ohm each (2 for a Y-cable feeding two inputs from one output):
/// 20*log10 |Z_in/n / (Z_in/n + Z_s)|, negative for a loss. Throws bench::InputError for
/// parallel_inputs < 1. [any thread]
[[nodiscard]] double source_loading_db(Complex source_impedance_ohm, Complex input_impedance_ohm,
                                       int parallel_inputs = 1);

/// The complex mean of values over the points of `frequency_hz` within a 1/bands_per_octave octave
/// centred on centre_hz (at least the point nearest to it). For a figure "at 1 kHz" that averages the
/// noise of neighbouring points. Throws bench::InputError for an empty axis or lengths that differ.
/// [any thread]
[[nodiscard]] Complex band_mean(const std::vector<double>& frequency_hz, const ComplexVector& values,
                                double centre_hz, double bands_per_octave = 3);

}  // namespace bench::analysis
