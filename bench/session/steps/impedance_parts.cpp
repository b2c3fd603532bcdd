#include "bench/session/steps/impedance_parts.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "bench/core/error.hpp"
#include "bench/core/format.hpp"
#include "bench/io/sidecar.hpp"

namespace bench::session::steps {
namespace {

using analysis::Complex;
using analysis::ComplexVector;

using plan::kBandHighHz;
using plan::kBandLowHz;
constexpr double kReferenceHz = 1000;

double degrees(Complex z) {
  return std::arg(z) * 180 / dsp::kPi;
}

ComplexVector to_complex(const analysis::FrequencyResponse& r) {
  ComplexVector v(static_cast<Eigen::Index>(r.frequency_hz.size()));
  for (std::size_t i = 0; i < r.frequency_hz.size(); ++i)
    v[static_cast<Eigen::Index>(i)] =
        std::polar(std::pow(10.0, r.magnitude_db[i] / 20), r.phase_deg[i] * dsp::kPi / 180);
  return v;
}

bool in_band(double f) {
  return f >= kBandLowHz && f <= kBandHighHz;
}

}  // namespace

Complex parallel_ohm(Complex a, Complex b) {
  if (!std::isfinite(std::abs(a))) return b;
  if (!std::isfinite(std::abs(b))) return a;
  return a * b / (a + b);
}

std::string ohm_text(double ohm) {
  if (!std::isfinite(ohm)) return "open";
  if (ohm >= 1000) return fixed(ohm / 1000, ohm >= 10000 ? 0 : 1) + " kohm";
  return fixed(ohm, ohm < 1 ? 3 : ohm < 10 ? 2 : 1) + " ohm";
}

ImpedanceSweeps::ImpedanceSweeps(const StepContext& cx) : cx_(cx) {
  const auto& s = cx.settings;
  const double fs = cx.fs();
  // The sweep runs on to 95 % of Nyquist (at most 40 kHz) with a 5 ms end fade, so no frequency up to
  // 20 kHz lies in the fade: there the sweep's energy falls, and noise in the responses (which enter the
  // least squares on both sides) biases |Z_out| low.
  const double f2_hz = plan::DurationLimits::impedance_sweep_f2_hz(s.sweep_f2_hz, fs);
  spec_ = stimulus::make_sweep_spec(s.sweep_f1_hz, f2_hz, s.impedance_sweep_duration_s, fs,
                                    s.sweep_level_dbfs, 0.005);
  sweep_ = stimulus::generate_sweep(spec_);
  body_.resize(sweep_.size(), 2);
  body_.col(0) = sweep_, body_.col(1) = sweep_;
  options_.f1_hz = spec_.f1_hz, options_.f2_hz = spec_.f2_hz, options_.rate_l_s = spec_.rate_l_s,
  options_.fade_s = spec_.fade_s;
}

ChannelResponses ImpedanceSweeps::take(const plan::Load& load, const std::string& purpose, bool port) {
  port ? cx_.takes.use_port_load(load) : cx_.takes.use_load(load);
  cx_.takes.progress(purpose + ": sweep into " + load.id);
  nlohmann::json info = io::sweep_sidecar(spec_, 2);
  info["purpose"] = purpose;
  info["driven_channel"] = "both";
  const dsp::Frames cap = cx_.takes.record(body_, (port ? "port_impedance_" : "impedance_") + load.id, info);
  if (!analyzer_) {
    dsp::Signal played = dsp::Signal::Zero(cap.rows());
    played.segment(cx_.takes.preroll_frames(), sweep_.size()) = sweep_;
    analyzer_.emplace(played, cx_.fs(), static_cast<std::size_t>(cap.rows()), options_);
  }
  ChannelResponses v;
  for (std::size_t i = 0; i < 2; ++i) {
    const auto col = cap.col(static_cast<Eigen::Index>(i));
    analysis::SweepResult r;
    if (!latency_[i]) {
      try {
        r = analyzer_->analyze(col);
      } catch (const MeasurementError& e) {
        throw MeasurementError(purpose + ": no sweep arrived on the " +
                               std::string(record::kChannelNames[i]) + " channel into " + load.id + " (" +
                               e.what() + "): check the connections before measuring an output impedance");
      }
      latency_[i] = r.latency_samples;
    } else {
      r = analyzer_->analyze_at(col, *latency_[i]);
    }
    if (axis_.empty()) axis_ = r.response.frequency_hz;
    v[i] = to_complex(r.response);
  }
  return v;
}

SolvedImpedance solve_impedance(const std::vector<double>& axis, const std::vector<plan::Load>& loads,
                                double adc_input_ohm, const std::vector<ChannelResponses>& responses) {
  SolvedImpedance out;
  const auto n = static_cast<Eigen::Index>(axis.size());
  for (std::size_t i = 0; i < 2; ++i) {
    std::vector<analysis::LoadedResponse> measured;
    for (std::size_t k = 0; k < loads.size(); ++k) {
      const plan::Load& l = loads[k];
      analysis::LoadedResponse r;
      r.load_impedance_ohm.resize(n);
      for (Eigen::Index j = 0; j < n; ++j)
        r.load_impedance_ohm[j] =
            parallel_ohm(l.impedance_at(axis[static_cast<std::size_t>(j)]), adc_input_ohm);
      r.response = responses[k][i];
      r.tolerance = l.kind == plan::Load::Kind::kResistor ? l.tolerance_percent / 100 : 0.0;
      measured.push_back(std::move(r));
    }
    analysis::OutputImpedance& z = out.z[i];
    z = analysis::solve_output_impedance(measured);
    const Complex z_1k = analysis::band_mean(axis, z.output_impedance_ohm, kReferenceHz, 3);
    record::ImpedanceCurve& c = out.curves[i];
    c.frequency_hz = axis;
    c.at_1khz_ohm = std::abs(z_1k);
    c.at_1khz_phase_deg = degrees(z_1k);
    c.at_1khz_uncertainty_ohm =
        analysis::band_mean(axis, z.uncertainty_ohm.cast<Complex>(), kReferenceHz, 3).real();
    c.band_min_ohm = std::numeric_limits<double>::infinity(), c.band_max_ohm = 0;
    for (std::size_t j = 0; j < axis.size(); ++j) {
      const Complex zj = z.output_impedance_ohm[static_cast<Eigen::Index>(j)];
      c.impedance_ohm.push_back(std::abs(zj));
      c.phase_deg.push_back(degrees(zj));
      c.uncertainty_ohm.push_back(z.uncertainty_ohm[static_cast<Eigen::Index>(j)]);
      if (in_band(axis[j]))
        c.band_min_ohm = std::min(c.band_min_ohm, c.impedance_ohm.back()),
        c.band_max_ohm = std::max(c.band_max_ohm, c.impedance_ohm.back());
    }
  }
  return out;
}

HeadphoneView headphone_view(const std::vector<double>& axis, const analysis::OutputImpedance& z,
                             const plan::Load& hp, double adc_input_ohm,
                             const ComplexVector& measured_voltage) {
  const auto n = static_cast<Eigen::Index>(axis.size());
  ComplexVector z_hp(n), z_connected(n);
  for (Eigen::Index j = 0; j < n; ++j) {
    z_hp[j] = hp.impedance_at(axis[static_cast<std::size_t>(j)]);
    z_connected[j] = parallel_ohm(z_hp[j], adc_input_ohm);
  }
  // The headphone's own view (the ADC is not there when someone listens) for the checks; the load as
  // connected (headphone parallel ADC input) for the comparison with the measured change.
  const analysis::LoadingPrediction p = analysis::predict_loading(axis, z.output_impedance_ohm, z_hp);
  const analysis::LoadingPrediction as_connected =
      analysis::predict_loading(axis, z.output_impedance_ohm, z_connected);
  const ComplexVector ratio = measured_voltage.cwiseQuotient(z.open_voltage);
  HeadphoneView v;
  record::HeadphoneChannel& c = v.channel;
  c.measured_change_db = analysis::change_db(axis, ratio, kReferenceHz);
  for (std::size_t j = 0; j < axis.size(); ++j) {
    if (!in_band(axis[j])) continue;
    c.agreement_db = std::max(c.agreement_db, std::abs(c.measured_change_db[j] - as_connected.change_db[j]));
    v.measured_lo_db = std::min(v.measured_lo_db, c.measured_change_db[j]),
    v.measured_hi_db = std::max(v.measured_hi_db, c.measured_change_db[j]);
    if (std::abs(p.change_db[j]) > std::abs(v.worst_change_db))
      v.worst_change_db = p.change_db[j], v.worst_frequency_hz = axis[j];
  }
  c.predicted_change_db = p.change_db;
  c.predicted_phase_deg = p.phase_deg;
  c.predicted_as_connected_change_db = as_connected.change_db;
  c.deviation_db = p.deviation_db;
  c.measured_deviation_db = v.measured_hi_db - v.measured_lo_db;
  c.damping_factor_1khz = p.damping_factor_at_reference;
  c.damping_factor_min = p.damping_factor_min;
  c.damping_factor_min_frequency_hz = p.damping_factor_min_hz;
  c.rule_of_eighths = p.rule_of_eighths;
  return v;
}

}  // namespace bench::session::steps
