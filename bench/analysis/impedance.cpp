#include "bench/analysis/impedance.hpp"

#include <Eigen/QR>
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "bench/core/error.hpp"

namespace bench::analysis {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kPerturbation = 1e-6;  // relative step of the tolerance derivative

bool finite(Complex z) {
  return std::isfinite(z.real()) && std::isfinite(z.imag());
}

Complex admittance(Complex z) {
  if (!finite(z)) return 0.0;  // open circuit
  return 1.0 / z;
}

Complex divider(Complex z_out, Complex z_load) {
  if (!finite(z_load)) return 1.0;
  return z_load / (z_load + z_out);
}

// Index of the first point at or above f in an ascending axis, clipped to [1, size-1] for interpolation.
Complex at_log_frequency(const std::vector<double>& f, const ComplexVector& v, double at_hz) {
  if (at_hz <= f.front()) return v[0];
  if (at_hz >= f.back()) return v[static_cast<Eigen::Index>(f.size() - 1)];
  const auto upper = std::upper_bound(f.begin(), f.end(), at_hz);
  const auto i = static_cast<Eigen::Index>(upper - f.begin());
  const double t = std::log(at_hz / f[static_cast<std::size_t>(i - 1)]) /
                   std::log(f[static_cast<std::size_t>(i)] / f[static_cast<std::size_t>(i - 1)]);
  return v[i - 1] + t * (v[i] - v[i - 1]);
}

}  // namespace

TheveninPoint solve_thevenin(std::span<const Complex> load_impedance_ohm, std::span<const Complex> response) {
  const std::size_t n = load_impedance_ohm.size();
  if (response.size() != n)
    throw InputError("output impedance: " + std::to_string(n) + " load impedances but " +
                     std::to_string(response.size()) + " responses: give one response per load");
  if (n < 2)
    throw MeasurementError("output impedance needs responses into at least two different loads, got " +
                           std::to_string(n) + ": add a load to settings.impedance_loads");
  Eigen::MatrixXcd a(static_cast<Eigen::Index>(n), 2);
  ComplexVector b(static_cast<Eigen::Index>(n));
  for (std::size_t k = 0; k < n; ++k) {
    const Complex v = response[k];
    if (!finite(v) || v == 0.0)
      throw MeasurementError("output impedance: the response into load " + std::to_string(k + 1) +
                             " is zero or not finite: no signal reached the recorder");
    const auto i = static_cast<Eigen::Index>(k);
    a(i, 0) = 1.0;
    a(i, 1) = -v * admittance(load_impedance_ohm[k]);
    b[i] = v;
  }
  // Column 1 in ohm^-1 times volts: scale it to the size of column 0 so the rank test is fair.
  const double column_scale = std::max(a.col(1).cwiseAbs().maxCoeff(), 1e-300);
  Eigen::MatrixXcd scaled = a;
  scaled.col(1) /= column_scale;
  Eigen::ColPivHouseholderQR<Eigen::MatrixXcd> qr(scaled);
  qr.setThreshold(1e-10);
  if (qr.rank() < 2 || a.col(1).cwiseAbs().maxCoeff() == 0)
    throw MeasurementError(
        "output impedance: the loads do not separate the output impedance from the open-circuit voltage (all "
        "open, or all the same impedance): use loads of clearly different impedance, e.g. open and 33 ohm");
  Eigen::Vector2cd x = qr.solve(b);
  x[1] /= column_scale;
  TheveninPoint p;
  p.open_voltage = x[0];
  p.output_impedance_ohm = x[1];
  const ComplexVector r = a * x - b;
  p.residual =
      n > 2 ? std::sqrt(r.squaredNorm() / static_cast<double>(n)) / std::max(std::abs(x[0]), 1e-300) : 0.0;
  return p;
}

OutputImpedance solve_output_impedance(const std::vector<LoadedResponse>& loads) {
  if (loads.empty())
    throw MeasurementError(
        "output impedance: no loads measured: list at least two in settings.impedance_loads");
  const Eigen::Index frequencies = loads.front().response.size();
  for (const auto& l : loads)
    if (l.response.size() != frequencies || l.load_impedance_ohm.size() != frequencies)
      throw InputError("output impedance: every load needs a response and an impedance at each of the " +
                       std::to_string(frequencies) + " frequencies");
  OutputImpedance out;
  out.output_impedance_ohm.resize(frequencies);
  out.open_voltage.resize(frequencies);
  out.uncertainty_ohm = dsp::Signal::Zero(frequencies);
  out.residual.resize(frequencies);
  std::vector<Complex> z(loads.size()), v(loads.size());
  for (Eigen::Index i = 0; i < frequencies; ++i) {
    for (std::size_t k = 0; k < loads.size(); ++k) {
      z[k] = loads[k].load_impedance_ohm[i];
      v[k] = loads[k].response[i];
    }
    const TheveninPoint p = solve_thevenin(z, v);
    out.output_impedance_ohm[i] = p.output_impedance_ohm;
    out.open_voltage[i] = p.open_voltage;
    out.residual[i] = p.residual;
    double bound = 0;
    for (std::size_t k = 0; k < loads.size(); ++k) {
      if (!(loads[k].tolerance > 0) || !finite(z[k])) continue;
      const Complex nominal = z[k];
      z[k] = nominal * (1 + kPerturbation);
      const Complex up = solve_thevenin(z, v).output_impedance_ohm;
      z[k] = nominal * (1 - kPerturbation);
      const Complex down = solve_thevenin(z, v).output_impedance_ohm;
      z[k] = nominal;
      bound += std::abs((up - down) / (2 * kPerturbation)) * loads[k].tolerance;
    }
    out.uncertainty_ohm[i] = bound;
  }
  return out;
}

LoadingPrediction predict_loading(const std::vector<double>& frequency_hz,
                                  const ComplexVector& output_impedance_ohm,
                                  const ComplexVector& load_impedance_ohm, double band_low_hz,
                                  double band_high_hz, double reference_hz) {
  const auto n = static_cast<Eigen::Index>(frequency_hz.size());
  if (n == 0 || output_impedance_ohm.size() != n || load_impedance_ohm.size() != n)
    throw InputError(
        "loading prediction: the frequency axis, output impedance and load impedance need the same, "
        "non-zero length");
  for (std::size_t i = 1; i < frequency_hz.size(); ++i)
    if (!(frequency_hz[i] > frequency_hz[i - 1]) || !(frequency_hz[0] > 0))
      throw InputError("loading prediction: frequencies must be positive and ascending");
  ComplexVector h(n);
  for (Eigen::Index i = 0; i < n; ++i) h[i] = divider(output_impedance_ohm[i], load_impedance_ohm[i]);
  const Complex h_ref = at_log_frequency(frequency_hz, h, reference_hz);
  LoadingPrediction p;
  p.change_db.resize(frequency_hz.size());
  p.phase_deg.resize(frequency_hz.size());
  double lo = kInf, hi = -kInf;
  p.damping_factor_min = kInf;
  for (Eigen::Index i = 0; i < n; ++i) {
    const std::size_t j = static_cast<std::size_t>(i);
    const Complex ratio = h[i] / h_ref;
    p.change_db[j] = 20 * std::log10(std::abs(ratio));
    p.phase_deg[j] = std::arg(ratio) * 180 / dsp::kPi;
    const double f = frequency_hz[j];
    if (f < band_low_hz || f > band_high_hz) continue;
    lo = std::min(lo, p.change_db[j]);
    hi = std::max(hi, p.change_db[j]);
    const double z_out = std::abs(output_impedance_ohm[i]);
    const double df = z_out > 0 ? std::abs(load_impedance_ohm[i]) / z_out : kInf;
    if (df < p.damping_factor_min) p.damping_factor_min = df, p.damping_factor_min_hz = f;
  }
  if (!(hi >= lo))
    throw InputError("loading prediction: no frequency of the axis lies in the band " +
                     std::to_string(band_low_hz) + " Hz to " + std::to_string(band_high_hz) + " Hz");
  p.deviation_db = hi - lo;
  const double z_out_ref = std::abs(at_log_frequency(frequency_hz, output_impedance_ohm, reference_hz));
  const double z_load_ref = std::abs(at_log_frequency(frequency_hz, load_impedance_ohm, reference_hz));
  p.damping_factor_at_reference = z_out_ref > 0 ? z_load_ref / z_out_ref : kInf;
  p.rule_of_eighths = p.damping_factor_min >= 8;
  return p;
}

std::vector<double> change_db(const std::vector<double>& frequency_hz, const ComplexVector& h,
                              double reference_hz) {
  if (frequency_hz.empty() || h.size() != static_cast<Eigen::Index>(frequency_hz.size()))
    throw InputError("response change: the frequency axis and the response need the same, non-zero length");
  const Complex ref = at_log_frequency(frequency_hz, h, reference_hz);
  std::vector<double> out(frequency_hz.size());
  for (std::size_t i = 0; i < out.size(); ++i)
    out[i] = 20 * std::log10(std::abs(h[static_cast<Eigen::Index>(i)] / ref));
  return out;
}

double source_loading_db(Complex source_impedance_ohm, Complex input_impedance_ohm, int parallel_inputs) {
  if (parallel_inputs < 1)
    throw InputError("source loading: " + std::to_string(parallel_inputs) +
                     " inputs in parallel: a source drives at least one input");
  const Complex z_in = input_impedance_ohm / static_cast<double>(parallel_inputs);
  return 20 * std::log10(std::abs(divider(source_impedance_ohm, z_in)));
}

Complex band_mean(const std::vector<double>& frequency_hz, const ComplexVector& values, double centre_hz,
                  double bands_per_octave) {
  if (frequency_hz.empty() || values.size() != static_cast<Eigen::Index>(frequency_hz.size()))
    throw InputError("band mean: the frequency axis and the values need the same, non-zero length");
  const double half = std::pow(2.0, 0.5 / bands_per_octave);
  Complex sum = 0.0;
  int count = 0;
  std::size_t nearest = 0;
  for (std::size_t i = 0; i < frequency_hz.size(); ++i) {
    if (std::abs(std::log(frequency_hz[i] / centre_hz)) <
        std::abs(std::log(frequency_hz[nearest] / centre_hz)))
      nearest = i;
    if (frequency_hz[i] >= centre_hz / half && frequency_hz[i] <= centre_hz * half)
      sum += values[static_cast<Eigen::Index>(i)], ++count;
  }
  return count > 0 ? sum / static_cast<double>(count) : values[static_cast<Eigen::Index>(nearest)];
}

}  // namespace bench::analysis
