#pragma once

#include <optional>
#include <string>
#include <vector>

namespace bench::report::svg {

enum class Scale { kLinear, kLog };

/// One axis. `label` names the quantity with its unit, e.g. "frequency (Hz)". Without `min`/`max` the
/// range follows the data (rounded out to whole ticks) and spans at least `min_span`.
struct Axis {
  std::string label;
  Scale scale = Scale::kLinear;
  std::optional<double> min, max;
  double min_span = 0;
};

enum class Mark { kLine, kPoints, kStems };

/// A data series. NaN values are gaps (a line breaks there). Stems rise from the bottom of the plot;
/// `offset_px` shifts stems or points sideways so two series at the same x stay apart.
struct Series {
  std::string name;
  std::vector<double> x, y;
  Mark mark = Mark::kLine;
  std::string color = "#1f77b4";
  bool dashed = false;
  double offset_px = 0;
};

/// A shaded band between `low` and `high` over `x` (a limit mask).
struct Band {
  std::string name;
  std::vector<double> x, low, high;
  std::string color = "#1f77b4";
};

/// A horizontal reference line at `y` (a limit), labelled in the legend.
struct RefLine {
  std::string name;
  double y = 0;
  std::string color = "#b91c1c";
};

/// A whole plot. `id` is the svg element's id; `css_class` is added to its class list after "plot".
/// `empty_note` is drawn in the middle when there is no finite data point at all.
struct Plot {
  std::string id, css_class, title;
  Axis x, y;
  std::vector<Band> bands;
  std::vector<Series> series;
  std::vector<RefLine> lines;
  std::string empty_note = "no data";
  int width = 640, height = 300;
};

/// Renders `plot` as one inline `<svg>` element (no xmlns, no external references; every text
/// escaped): axes with labelled ticks and units, log or linear x, a clipped plot area, the legend below.
[[nodiscard]] std::string render(const Plot& plot);

/// Tick label for a value: "20", "1k", "12.5k", "-0.5" (SI k for thousands when `si`).
[[nodiscard]] std::string tick_label(double v, double step, bool si);

}  // namespace bench::report::svg
