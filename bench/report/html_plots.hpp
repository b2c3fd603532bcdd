#pragma once

// The plots of index.html (html.cpp), each drawn from a configuration's step results: one
// `<figure><svg class="plot plot-KIND">` per call, an empty plot that says so where the result is missing.

#include <string>
#include <string_view>

#include "bench/record/record.hpp"
#include "bench/report/svg_plot.hpp"

namespace bench::report::html_plots {

/// `<figure>` with the plot and its caption.
[[nodiscard]] std::string figure(const svg::Plot& p, const std::string& caption);
/// The largest `max` limit among the configuration's checks of that name (a catalogue name), NaN when none.
[[nodiscard]] double max_limit(const record::ConfigurationRecord& c, std::string_view check_name);
/// The settings of the step that produced the configuration's result of kind R: the planned step of that
/// id, else the run's settings.
template <class R>
[[nodiscard]] const plan::MeasurementSettings& settings_for(const record::RunRecord& run,
                                                            const record::ConfigurationRecord& c) {
  for (const auto& s : c.steps)
    if (s.get<R>())
      for (const auto& planned : run.steps)
        if (planned.id == s.id) return planned.settings;
  return run.settings;
}

/// Frequency response (plot-fr), harmonics (plot-harmonics), THD+N against level (plot-thdn), hum
/// (plot-hum) and crosstalk (plot-crosstalk); `id` is the configuration's anchor.
[[nodiscard]] std::string frequency_response(const record::ConfigurationRecord& c, const std::string& id);
[[nodiscard]] std::string harmonics(const record::ConfigurationRecord& c, const std::string& id);
[[nodiscard]] std::string thd_n(const record::RunRecord& run, const record::ConfigurationRecord& c,
                                const std::string& id);
[[nodiscard]] std::string hum(const record::ConfigurationRecord& c, const std::string& id);
[[nodiscard]] std::string crosstalk(const record::ConfigurationRecord& c, const std::string& id);
/// Interchannel phase (plot-phase) and each channel's group delay (plot-group-delay); "" without a phase
/// result.
[[nodiscard]] std::string phase(const record::ConfigurationRecord& c, const std::string& id);
/// The products of every twin-tone take (plot-imd); "" without an imd result.
[[nodiscard]] std::string imd(const record::ConfigurationRecord& c, const std::string& id);
/// |Z_out| (plot-impedance) and the headphones' response change (plot-loading); "" without an impedance
/// result.
[[nodiscard]] std::string impedance(const record::ConfigurationRecord& c, const std::string& id);

}  // namespace bench::report::html_plots
