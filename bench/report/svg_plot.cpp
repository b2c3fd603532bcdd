#include "bench/report/svg_plot.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "bench/core/format.hpp"
#include "bench/report/text.hpp"

namespace bench::report::svg {
namespace {

constexpr double kLeft = 64, kRight = 16, kTop = 28, kBottom = 44;  // margins of the plot area, px
constexpr double kLegendRow = 18;

std::string px(double v) {
  return bench::fixed(v, 1);
}

struct Range {
  double lo = 0, hi = 1;
};

// A "nice" tick step (1, 2, 2.5 or 5 times a power of ten) giving about `target` intervals.
double nice_step(double span, int target) {
  const double raw = span / target;
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  const double norm = raw / mag;
  const double m = norm < 1.5 ? 1 : norm < 2.25 ? 2 : norm < 3.5 ? 2.5 : norm < 7.5 ? 5 : 10;
  return m * mag;
}

struct Mapper {
  Range r;
  bool log = false;
  double p0 = 0, p1 = 1;  // pixel positions of r.lo and r.hi
  [[nodiscard]] double operator()(double v) const {
    const double t = log ? (std::log10(v) - std::log10(r.lo)) / (std::log10(r.hi) - std::log10(r.lo))
                         : (v - r.lo) / (r.hi - r.lo);
    return p0 + t * (p1 - p0);
  }
  [[nodiscard]] bool inside(double v) const {
    if (log) return v >= r.lo * (1 - 1e-9) && v <= r.hi * (1 + 1e-9);
    const double eps = 1e-9 * (r.hi - r.lo);
    return v >= r.lo - eps && v <= r.hi + eps;
  }
};

struct Tick {
  double v;
  bool major;
  std::string label;
};

std::vector<Tick> log_ticks(Range r) {
  std::vector<Tick> t;
  const int d0 = static_cast<int>(std::floor(std::log10(r.lo))),
            d1 = static_cast<int>(std::ceil(std::log10(r.hi)));
  for (int d = d0; d <= d1; ++d)
    for (int m = 1; m <= 9; ++m) {
      const double v = m * std::pow(10.0, d);
      if (v < r.lo * (1 - 1e-9) || v > r.hi * (1 + 1e-9)) continue;
      const bool major = m == 1 || m == 2 || m == 5;
      t.push_back({v, major, major ? tick_label(v, v, true) : std::string()});
    }
  // The range's own ends are labelled too (20 Hz and 20 kHz on an audio axis).
  for (const double end : {r.lo, r.hi})
    if (std::none_of(t.begin(), t.end(), [&](const Tick& k) { return std::abs(k.v / end - 1) < 1e-9; }))
      t.push_back({end, true, tick_label(end, end, true)});
  return t;
}

std::vector<Tick> linear_ticks(Range r, double step) {
  std::vector<Tick> t;
  for (double v = std::ceil(r.lo / step - 1e-9) * step; v <= r.hi + step * 1e-9; v += step)
    t.push_back({std::abs(v) < step * 1e-9 ? 0.0 : v, true,
                 tick_label(std::abs(v) < step * 1e-9 ? 0.0 : v, step, false)});
  return t;
}

// Data extent of finite values; for a log axis only positive values count.
void extend(Range& r, bool& any, double v, bool log) {
  if (!std::isfinite(v) || (log && v <= 0)) return;
  if (!any) r = {v, v}, any = true;
  r.lo = std::min(r.lo, v), r.hi = std::max(r.hi, v);
}

Range x_range(const Plot& p, bool& any) {
  const bool log = p.x.scale == Scale::kLog;
  Range r;
  any = false;
  for (const auto& s : p.series)
    for (double v : s.x) extend(r, any, v, log);
  for (const auto& b : p.bands)
    for (double v : b.x) extend(r, any, v, log);
  if (p.x.min) r.lo = *p.x.min, any = true;
  if (p.x.max) r.hi = *p.x.max;
  if (!any) r = log ? Range{20, 20000} : Range{0, 1};
  return r;
}

// Rounds a data range out to whole ticks and returns the step.
double settle_linear(Range& r, const Axis& a, bool from_data) {
  if (!(r.hi > r.lo)) r.lo -= 0.5, r.hi += 0.5;
  if (r.hi - r.lo < a.min_span) {
    const double c = 0.5 * (r.lo + r.hi);
    r.lo = c - 0.5 * a.min_span, r.hi = c + 0.5 * a.min_span;
  }
  if (from_data) {
    const double pad = 0.04 * (r.hi - r.lo);
    if (!a.min) r.lo -= pad;
    if (!a.max) r.hi += pad;
  }
  const double step = nice_step(r.hi - r.lo, 6);
  if (!a.min) r.lo = std::floor(r.lo / step + 1e-9) * step;
  if (!a.max) r.hi = std::ceil(r.hi / step - 1e-9) * step;
  return step;
}

struct LegendItem {
  std::string name, color;
  bool dashed = false;
  enum Kind { kLine, kPoint, kBand } kind = kLine;
};

}  // namespace

std::string tick_label(double v, double step, bool si) {
  if (si && std::abs(v) >= 1000) {
    const double k = v / 1000;
    return bench::fixed(k, k == std::round(k) ? 0 : (k * 10 == std::round(k * 10) ? 1 : 2)) + "k";
  }
  int decimals = 0;
  if (si) {
    decimals = v == std::round(v) ? 0 : v * 10 == std::round(v * 10) ? 1 : 2;
  } else {
    for (double s = step; decimals < 6 && std::abs(s - std::round(s)) > 1e-9 * std::max(1.0, std::abs(s));
         s *= 10)
      ++decimals;
  }
  return fixed(v, decimals);
}

std::string render(const Plot& p) {
  const bool xlog = p.x.scale == Scale::kLog;
  const bool ylog = p.y.scale == Scale::kLog;
  bool any_x = false;
  Range xr = x_range(p, any_x);
  if (xlog && !(xr.hi > xr.lo)) xr.lo /= 2, xr.hi *= 2;
  double xstep = 1;
  if (!xlog) xstep = settle_linear(xr, p.x, false);
  Mapper xm{xr, xlog, kLeft, p.width - kRight};

  // y extent: finite values whose x lies inside the x range, the bands and the reference lines.
  Range yr;
  bool any_y = false;
  for (const auto& s : p.series)
    for (std::size_t i = 0; i < std::min(s.x.size(), s.y.size()); ++i)
      if (std::isfinite(s.x[i]) && xm.inside(s.x[i])) extend(yr, any_y, s.y[i], ylog);
  const bool any_data = any_y;
  for (const auto& b : p.bands)
    for (std::size_t i = 0; i < b.x.size() && i < b.low.size() && i < b.high.size(); ++i)
      if (xm.inside(b.x[i])) extend(yr, any_y, b.low[i], ylog), extend(yr, any_y, b.high[i], ylog);
  for (const auto& l : p.lines) extend(yr, any_y, l.y, ylog);
  if (p.y.min) yr.lo = *p.y.min, any_y = true;
  if (p.y.max) yr.hi = *p.y.max;
  if (!any_y) yr = ylog ? Range{1, 10} : Range{0, 1};
  double ystep = 1;
  if (ylog) {
    if (!(yr.hi > yr.lo)) yr.lo /= 2, yr.hi *= 2;
  } else {
    ystep = settle_linear(yr, p.y, true);
  }

  // Legend entries and their rows (laid out below the axis label, wrapping at the plot's width).
  std::vector<LegendItem> legend;
  for (const auto& b : p.bands)
    if (!b.name.empty()) legend.push_back({b.name, b.color, false, LegendItem::kBand});
  for (const auto& s : p.series)
    if (!s.name.empty())
      legend.push_back(
          {s.name, s.color, s.dashed, s.mark == Mark::kLine ? LegendItem::kLine : LegendItem::kPoint});
  for (const auto& l : p.lines)
    if (!l.name.empty()) legend.push_back({l.name, l.color, true, LegendItem::kLine});
  std::vector<std::pair<double, double>> legend_pos;
  double lx = kLeft, ly = 0;
  int rows = legend.empty() ? 0 : 1;
  for (const auto& item : legend) {
    const double w = 30 + 6.4 * static_cast<double>(item.name.size()) + 14;
    if (lx + w > p.width - kRight && lx > kLeft) lx = kLeft, ly += kLegendRow, ++rows;
    legend_pos.emplace_back(lx, ly);
    lx += w;
  }
  const double plot_bottom = p.height - kBottom;
  const double total_height = p.height + rows * kLegendRow + (rows ? 6 : 0);
  Mapper ym{yr, ylog, plot_bottom, kTop};

  std::string o;
  o.reserve(16384);
  const std::string id = escape_markup(p.id);
  o += "<svg id=\"" + id + "\" class=\"plot" + (p.css_class.empty() ? "" : " " + escape_markup(p.css_class)) +
       "\" viewBox=\"0 0 " + std::to_string(p.width) + " " + px(total_height) + "\" width=\"" +
       std::to_string(p.width) + "\" height=\"" + px(total_height) + "\" role=\"img\" aria-label=\"" +
       escape_markup(p.title) + "\">";
  o += "<title>" + escape_markup(p.title) + "</title>";
  o += "<defs><clipPath id=\"" + id + "-clip\"><rect x=\"" + px(kLeft) + "\" y=\"" + px(kTop) +
       "\" width=\"" + px(p.width - kLeft - kRight) + "\" height=\"" + px(plot_bottom - kTop) +
       "\"/></clipPath></defs>";
  o += "<text class=\"plot-title\" x=\"" + px(kLeft) + "\" y=\"18\">" + escape_markup(p.title) + "</text>";
  o += "<rect class=\"plot-area\" x=\"" + px(kLeft) + "\" y=\"" + px(kTop) + "\" width=\"" +
       px(p.width - kLeft - kRight) + "\" height=\"" + px(plot_bottom - kTop) + "\"/>";

  // Grid and ticks.
  const auto xticks = xlog ? log_ticks(xr) : linear_ticks(xr, xstep);
  const auto yticks = ylog ? log_ticks(yr) : linear_ticks(yr, ystep);
  o += "<g class=\"grid\">";
  for (const auto& t : xticks)
    o += "<line class=\"" + std::string(t.major ? "major" : "minor") + "\" x1=\"" + px(xm(t.v)) + "\" x2=\"" +
         px(xm(t.v)) + "\" y1=\"" + px(kTop) + "\" y2=\"" + px(plot_bottom) + "\"/>";
  for (const auto& t : yticks)
    o += "<line class=\"" + std::string(t.major ? "major" : "minor") + "\" x1=\"" + px(kLeft) + "\" x2=\"" +
         px(p.width - kRight) + "\" y1=\"" + px(ym(t.v)) + "\" y2=\"" + px(ym(t.v)) + "\"/>";
  o += "</g><g class=\"ticks\">";
  for (const auto& t : xticks)
    if (!t.label.empty())
      o += "<text x=\"" + px(xm(t.v)) + "\" y=\"" + px(plot_bottom + 14) + "\" text-anchor=\"middle\">" +
           escape_markup(t.label) + "</text>";
  for (const auto& t : yticks)
    if (!t.label.empty())
      o += "<text x=\"" + px(kLeft - 5) + "\" y=\"" + px(ym(t.v) + 4) + "\" text-anchor=\"end\">" +
           escape_markup(t.label) + "</text>";
  o += "</g>";
  o += "<text class=\"axis-label\" x=\"" + px(0.5 * (kLeft + p.width - kRight)) + "\" y=\"" +
       px(plot_bottom + 32) + "\" text-anchor=\"middle\">" + escape_markup(p.x.label) + "</text>";
  o += "<text class=\"axis-label\" transform=\"translate(14," + px(0.5 * (kTop + plot_bottom)) +
       ") rotate(-90)\" text-anchor=\"middle\">" + escape_markup(p.y.label) + "</text>";

  // Data, clipped to the plot area.
  o += "<g clip-path=\"url(#" + id + "-clip)\">";
  for (const auto& b : p.bands) {
    std::string upper, lower;
    for (std::size_t i = 0; i < b.x.size() && i < b.low.size() && i < b.high.size(); ++i) {
      if (!std::isfinite(b.x[i]) || !std::isfinite(b.low[i]) || !std::isfinite(b.high[i]) ||
          (xlog && b.x[i] <= 0))
        continue;
      upper += (upper.empty() ? "M" : " L") + px(xm(b.x[i])) + " " + px(ym(b.high[i]));
    }
    for (std::size_t k = std::min({b.x.size(), b.low.size(), b.high.size()}); k-- > 0;) {
      if (!std::isfinite(b.x[k]) || !std::isfinite(b.low[k]) || !std::isfinite(b.high[k]) ||
          (xlog && b.x[k] <= 0))
        continue;
      lower += " L" + px(xm(b.x[k])) + " " + px(ym(b.low[k]));
    }
    if (!upper.empty())
      o += "<path class=\"band\" d=\"" + upper + lower + " Z\" fill=\"" + escape_markup(b.color) +
           "\" fill-opacity=\"0.14\" stroke=\"" + escape_markup(b.color) +
           "\" stroke-opacity=\"0.5\" stroke-width=\"0.8\"/>";
  }
  for (const auto& l : p.lines)
    if (std::isfinite(l.y))
      o += "<line class=\"limit\" x1=\"" + px(kLeft) + "\" x2=\"" + px(p.width - kRight) + "\" y1=\"" +
           px(ym(l.y)) + "\" y2=\"" + px(ym(l.y)) + "\" stroke=\"" + escape_markup(l.color) +
           "\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/>";
  for (const auto& s : p.series) {
    const std::string color = escape_markup(s.color);
    const std::size_t n = std::min(s.x.size(), s.y.size());
    auto ok = [&](std::size_t i) {
      return std::isfinite(s.x[i]) && std::isfinite(s.y[i]) && (!xlog || s.x[i] > 0) && (!ylog || s.y[i] > 0);
    };
    if (s.mark == Mark::kLine) {
      std::string d;
      bool pen = false;
      for (std::size_t i = 0; i < n; ++i) {
        if (!ok(i)) {
          pen = false;
          continue;
        }
        d += (pen ? " L" : (d.empty() ? "M" : " M")) + px(xm(s.x[i])) + " " + px(ym(s.y[i]));
        pen = true;
      }
      if (!d.empty())
        o += "<path class=\"series\" d=\"" + d + "\" fill=\"none\" stroke=\"" + color +
             "\" stroke-width=\"1.6\"" + (s.dashed ? " stroke-dasharray=\"5 3\"" : "") + "/>";
    } else {
      o += "<g class=\"series\" fill=\"" + color + "\" stroke=\"" + color + "\">";
      for (std::size_t i = 0; i < n; ++i) {
        if (!ok(i)) continue;
        const double x = xm(s.x[i]) + s.offset_px, y = ym(s.y[i]);
        if (s.mark == Mark::kStems)
          o += "<line x1=\"" + px(x) + "\" x2=\"" + px(x) + "\" y1=\"" + px(plot_bottom) + "\" y2=\"" +
               px(y) + "\" stroke-width=\"2\"/>";
        o += "<circle cx=\"" + px(x) + "\" cy=\"" + px(y) + "\" r=\"3\"/>";
      }
      o += "</g>";
    }
  }
  o += "</g>";
  if (!any_data && !p.empty_note.empty())
    o += "<text class=\"empty-note\" x=\"" + px(0.5 * (kLeft + p.width - kRight)) + "\" y=\"" +
         px(0.5 * (kTop + plot_bottom)) + "\" text-anchor=\"middle\">" + escape_markup(p.empty_note) +
         "</text>";

  // Legend.
  if (!legend.empty()) {
    o += "<g class=\"legend\">";
    const double base = p.height + 4;
    for (std::size_t i = 0; i < legend.size(); ++i) {
      const auto& item = legend[i];
      const double x = legend_pos[i].first, y = base + legend_pos[i].second;
      const std::string color = escape_markup(item.color);
      if (item.kind == LegendItem::kBand)
        o += "<rect x=\"" + px(x) + "\" y=\"" + px(y - 5) + "\" width=\"24\" height=\"10\" fill=\"" + color +
             "\" fill-opacity=\"0.2\" stroke=\"" + color + "\" stroke-opacity=\"0.5\"/>";
      else if (item.kind == LegendItem::kLine)
        o += "<line x1=\"" + px(x) + "\" x2=\"" + px(x + 24) + "\" y1=\"" + px(y) + "\" y2=\"" + px(y) +
             "\" stroke=\"" + color + "\" stroke-width=\"2\"" +
             (item.dashed ? " stroke-dasharray=\"5 3\"" : "") + "/>";
      else
        o += "<circle cx=\"" + px(x + 12) + "\" cy=\"" + px(y) + "\" r=\"3.5\" fill=\"" + color + "\"/>";
      o += "<text x=\"" + px(x + 30) + "\" y=\"" + px(y + 4) + "\">" + escape_markup(item.name) + "</text>";
    }
    o += "</g>";
  }
  o += "</svg>";
  return o;
}

}  // namespace bench::report::svg
