#include "bench/sim/load.hpp"

#include <algorithm>
#include <cmath>
#include <deque>
#include <limits>
#include <mutex>
#include <string>
#include <vector>

#include "bench/core/error.hpp"
#include "bench/dsp/fft.hpp"
#include "bench/sim/noise.hpp"

namespace bench::sim {

std::complex<double> load_impedance(const plan::Load& load, double frequency_hz) {
  return load.impedance_at(frequency_hz);
}

std::complex<double> parallel(std::complex<double> a, std::complex<double> b) {
  if (!std::isfinite(std::abs(a))) return b;
  if (!std::isfinite(std::abs(b))) return a;
  const std::complex<double> sum = a + b;
  if (sum == 0.0) return 0.0;
  return a * b / sum;
}

std::complex<double> divider(std::complex<double> z_source, std::complex<double> z_load) {
  if (!std::isfinite(std::abs(z_load))) return 1.0;
  const std::complex<double> sum = z_source + z_load;
  if (sum == 0.0) return 0.0;
  return z_load / sum;
}

double divider_db(std::complex<double> z_source, std::complex<double> z_load) {
  return dsp::amplitude_db(std::abs(divider(z_source, z_load)));
}

std::size_t load_fir_design_size(double sample_rate_hz) {
  std::size_t n = 65536;
  while (static_cast<double>(n) < 65536.0 * sample_rate_hz / 48000.0) n *= 2;
  return n;
}

namespace {

void validate(const plan::Load& load, double adc_input_impedance_ohm, double amp_output_impedance_ohm) {
  const std::string what = "load '" + load.id + "'";
  if (load.kind == plan::Load::Kind::kResistor) {
    if (!(load_impedance(load, 1000).real() > 0))
      throw ConfigError(what + ": a resistor needs resistance_ohm > 0");
  } else if (load.kind == plan::Load::Kind::kHeadphone) {
    if (load.impedance.empty()) throw ConfigError(what + ": the headphone impedance curve is empty");
    double previous_hz = 0;
    for (const plan::ImpedancePoint& p : load.impedance) {
      if (!(p.frequency_hz > previous_hz) || !(p.magnitude_ohm > 0) || !std::isfinite(p.phase_deg))
        throw ConfigError(
            what + ": impedance points need ascending positive frequencies and positive magnitudes (at " +
            std::to_string(p.frequency_hz) + " Hz)");
      previous_hz = p.frequency_hz;
    }
  }
  if (!(adc_input_impedance_ohm > 0))
    throw ConfigError("ADC input_impedance_ohm must be > 0, got " + std::to_string(adc_input_impedance_ohm));
  if (!(amp_output_impedance_ohm >= 0) || !std::isfinite(amp_output_impedance_ohm))
    throw ConfigError("amplifier output_impedance_ohm must be >= 0, got " +
                      std::to_string(amp_output_impedance_ohm));
}

// Designed FIRs by what determines them (the curve, both impedances and the rate): a session builds a
// chain per take, and the same headphone into the same amplifier was designed again each time, a tenth
// of a simulated demo run. The few most recent designs are kept; a hit returns the same taps bit for bit.
struct FirDesign {
  std::vector<plan::ImpedancePoint> curve;
  double adc_ohm = 0, amp_ohm = 0, rate_hz = 0;
  dsp::Signal taps;
};
constexpr std::size_t kFirDesignsKept = 8;
std::mutex g_fir_designs_mutex;
std::deque<FirDesign>& fir_designs() {
  static std::deque<FirDesign> designs;
  return designs;
}
bool same_curve(const std::vector<plan::ImpedancePoint>& a, const std::vector<plan::ImpedancePoint>& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](const auto& x, const auto& y) {
    return x.frequency_hz == y.frequency_hz && x.magnitude_ohm == y.magnitude_ohm &&
           x.phase_deg == y.phase_deg;
  });
}

}  // namespace

LoadModel::LoadModel(const plan::Load& load, double adc_input_impedance_ohm, double amp_output_impedance_ohm,
                     double sample_rate_hz)
    : load_(load),
      adc_input_impedance_ohm_(adc_input_impedance_ohm),
      amp_output_impedance_ohm_(amp_output_impedance_ohm) {
  validate(load, adc_input_impedance_ohm, amp_output_impedance_ohm);
  if (amp_output_impedance_ohm == 0) return;  // an ideal source: v_load = v_amp exactly
  if (load.kind != plan::Load::Kind::kHeadphone) {
    // A resistor or an open circuit (the ADC's input alone): a real load, a scalar divider.
    const double z_load_ohm = impedance(1000).real();
    gain_ = z_load_ohm / (z_load_ohm + amp_output_impedance_ohm);
    return;
  }
  // Minimum-phase design from |H| by the real cepstrum. Sampling the complex H directly and keeping the
  // causal half does not work for real headphones: the voice coil's inductance leaves H with a phase
  // that does not return to 0 at fs/2, the imaginary part jumps there, and the inverse FFT puts a slowly
  // decaying (-1)^n/n tail at negative times whose truncation costs ~0.15 dB across the whole band. A
  // passive impedance and H = Zl/(Zl+Zout) are minimum-phase functions, so the minimum-phase filter with
  // the same magnitude is the causal response; its phase follows the curve's in band.
  {
    const std::lock_guard lock(g_fir_designs_mutex);
    for (const FirDesign& d : fir_designs())
      if (d.adc_ohm == adc_input_impedance_ohm && d.amp_ohm == amp_output_impedance_ohm &&
          d.rate_hz == sample_rate_hz && same_curve(d.curve, load.impedance)) {
        taps_ = d.taps;
        return;
      }
  }
  design_fir(sample_rate_hz);
  const std::lock_guard lock(g_fir_designs_mutex);
  auto& designs = fir_designs();
  designs.push_back(
      {load.impedance, adc_input_impedance_ohm, amp_output_impedance_ohm, sample_rate_hz, taps_});
  if (designs.size() > kFirDesignsKept) designs.pop_front();
}

void LoadModel::design_fir(double sample_rate_hz) {
  const std::size_t n = load_fir_design_size(sample_rate_hz);
  const auto bins = static_cast<Eigen::Index>(n / 2 + 1);
  dsp::Spectrum log_magnitude(bins);
  for (Eigen::Index k = 0; k < bins; ++k) {
    const double magnitude =
        std::abs(response(static_cast<double>(k) * sample_rate_hz / static_cast<double>(n)));
    log_magnitude[k] = std::log(std::max(magnitude, 1e-12));
  }
  dsp::Signal cepstrum = dsp::irfft(log_magnitude, n);
  // Fold the real cepstrum onto positive quefrencies: c[0], 2c[1..n/2-1], c[n/2], zeros.
  for (std::size_t i = 1; i < n / 2; ++i) cepstrum[static_cast<Eigen::Index>(i)] *= 2.0;
  cepstrum.tail(static_cast<Eigen::Index>(n / 2 - 1)).setZero();
  const dsp::Spectrum folded = dsp::rfft(cepstrum, n);
  const dsp::Spectrum minimum_phase = folded.array().exp();
  const dsp::Signal h = dsp::irfft(minimum_phase, n);
  // Length: the shortest power of two (>= kMinLoadFirTaps) whose tapered response stays within
  // kLoadFirToleranceDb of |H| from 20 Hz to 20 kHz (checked on the design grid). Sharp resonances ring
  // longer and get longer filters.
  const double band_high_hz = std::min(kNoiseBandHighHz, 0.45 * sample_rate_hz);
  const double bin_hz = sample_rate_hz / static_cast<double>(n);
  const auto first_bin = static_cast<Eigen::Index>(std::ceil(kNoiseBandLowHz / bin_hz));
  const auto last_bin = static_cast<Eigen::Index>(std::floor(band_high_hz / bin_hz));
  const double tolerance = std::pow(10.0, kLoadFirToleranceDb / 20.0) - 1.0;
  for (auto kept = static_cast<Eigen::Index>(kMinLoadFirTaps);; kept *= 2) {
    const Eigen::Index taper = kept / 4;
    taps_ = h.head(kept);
    for (Eigen::Index j = 0; j < taper; ++j)
      taps_[kept - taper + j] *=
          0.5 * (1.0 + std::cos(dsp::kPi * static_cast<double>(j + 1) / static_cast<double>(taper + 1)));
    if (kept >= static_cast<Eigen::Index>(n / 2)) break;
    const dsp::Spectrum achieved = dsp::rfft(taps_, n);
    double worst = 0;
    for (Eigen::Index k = first_bin; k <= last_bin; ++k)
      worst = std::max(
          worst, std::abs(std::abs(achieved[k]) - std::abs(minimum_phase[k])) / std::abs(minimum_phase[k]));
    if (worst <= tolerance) break;
  }
}

std::complex<double> LoadModel::impedance(double frequency_hz) const {
  return parallel(load_impedance(load_, frequency_hz), {adc_input_impedance_ohm_, 0.0});
}

std::complex<double> LoadModel::response(double frequency_hz) const {
  return divider({amp_output_impedance_ohm_, 0.0}, impedance(frequency_hz));
}

LoadFilter::LoadFilter(const LoadModel& model) : gain_(model.gain()) {
  if (model.frequency_dependent()) fir_.emplace(model.taps(), kLoadFirHead);
}

void LoadFilter::process(const double* v_amp, double* v_load, std::size_t n) noexcept {
  if (fir_) {
    fir_->process(v_amp, v_load, n);
    return;
  }
  for (std::size_t i = 0; i < n; ++i) v_load[i] = gain_ * v_amp[i];
}

void LoadFilter::reset() noexcept {
  if (fir_) fir_->reset();
}

}  // namespace bench::sim
