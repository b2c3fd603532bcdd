#pragma once

// The parts of the impedance step (impedance.cpp): one sweep take into a load, the output impedance
// solved from one take per load, and what it does to a headphone. [main thread]

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "bench/analysis/impedance.hpp"
#include "bench/analysis/sweep_analysis.hpp"
#include "bench/session/steps/step.hpp"
#include "bench/signal/sweep.hpp"

namespace bench::session::steps {

/// Two impedances in parallel; an infinite one (open) leaves the other.
[[nodiscard]] analysis::Complex parallel_ohm(analysis::Complex a, analysis::Complex b);

/// "47.0 ohm", "0.100 ohm", "10 kohm", "open".
[[nodiscard]] std::string ohm_text(double ohm);

/// Both channels of one sweep take, as complex responses on the sweep's frequency axis.
using ChannelResponses = std::array<analysis::ComplexVector, 2>;

/// The impedance step's sweep (both channels at once) and the analysis of its takes on one latency per
/// path (the first take's), so every take's phase refers to the same instant.
class ImpedanceSweeps {
 public:
  explicit ImpedanceSweeps(const StepContext& cx);
  /// Puts `load` on (the amplifier's output, or with `port` the source port alone), plays the sweep as
  /// take "impedance_<load>" ("port_impedance_<load>") and returns each channel's response. Throws
  /// bench::MeasurementError when no sweep arrives on a channel.
  [[nodiscard]] ChannelResponses take(const plan::Load& load, const std::string& purpose, bool port);
  /// A new path (the port alone): its own latency.
  void new_path() { latency_ = {}; }
  [[nodiscard]] const std::vector<double>& axis() const { return axis_; }
  [[nodiscard]] const stimulus::SweepSpec& spec() const { return spec_; }

 private:
  const StepContext& cx_;
  stimulus::SweepSpec spec_;
  dsp::Signal sweep_;
  dsp::Frames body_;
  analysis::SweepAnalysisOptions options_;
  std::optional<analysis::SweepAnalyzer> analyzer_;
  std::array<std::optional<double>, 2> latency_;
  std::vector<double> axis_;
};

/// Z_out per channel from one take per impedance load, each load in parallel with the ADC's input.
struct SolvedImpedance {
  std::array<analysis::OutputImpedance, 2> z;
  std::array<record::ImpedanceCurve, 2> curves;
};
[[nodiscard]] SolvedImpedance solve_impedance(const std::vector<double>& axis,
                                              const std::vector<plan::Load>& loads, double adc_input_ohm,
                                              const std::vector<ChannelResponses>& responses);

/// One channel of a headphone's loading: the prediction from Z_out (the headphone alone, as a listener
/// has it), the change measured into it (`measured`: the take into the headphone re the open voltage)
/// beside the prediction for the load as connected (headphone parallel the ADC's input).
struct HeadphoneView {
  record::HeadphoneChannel channel;
  double worst_change_db = 0, worst_frequency_hz = 1000;  ///< largest predicted change in the band, re 1 kHz
  double measured_lo_db = 0, measured_hi_db = 0;
};
[[nodiscard]] HeadphoneView headphone_view(const std::vector<double>& axis,
                                           const analysis::OutputImpedance& z, const plan::Load& headphone,
                                           double adc_input_ohm, const analysis::ComplexVector& measured);

}  // namespace bench::session::steps
