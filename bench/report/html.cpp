#include "bench/report/html.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <string_view>
#include <utility>
#include <vector>

#include "bench/report/report_access.hpp"
#include "bench/report/svg_plot.hpp"
#include "bench/report/write_text.hpp"

namespace bench::report {
namespace {

using access::array;
using access::escape_markup;
using access::fixed;
using access::member;
using access::number;
using access::numbers;
using access::text;
using nlohmann::json;

constexpr const char* kSides[] = {"left", "right"};
constexpr const char* kSideColor[] = {"#1f77b4", "#d97706"};
constexpr const char* kOrderColor[] = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd"};  // H2..H5

// The page's whole style: no external fonts, a print layout with one configuration per page.
constexpr std::string_view kCss = R"css(
:root { --pass: #15803d; --fail: #b91c1c; --error: #a16207; --info: #475569; --line: #e5e7eb; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: #111827;
       margin: 0 auto; max-width: 1400px; padding: 16px 24px 48px; }
h1 { font-size: 22px; margin: 8px 0 4px; } h2 { font-size: 18px; margin: 24px 0 8px; } h3 { font-size: 15px; margin: 18px 0 6px; }
.meta { color: #4b5563; margin: 2px 0; }
.badge { display: inline-block; min-width: 52px; text-align: center; padding: 1px 8px; border-radius: 4px; font-weight: 700;
         font-size: 12px; letter-spacing: .05em; color: #fff; background: var(--info); vertical-align: middle; }
.badge.pass { background: var(--pass); } .badge.fail { background: var(--fail); } .badge.error { background: var(--error); }
.badge.big { font-size: 16px; padding: 3px 14px; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 12px; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f3f4f6; font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.nowrap { white-space: nowrap; }
tr.outcome-fail td { background: #fef2f2; } tr.outcome-error td { background: #fefce8; }
table.summary td:first-child { width: 30%; }
ul.reasons { margin: 0; padding-left: 18px; } ul.reasons li { margin: 1px 0; }
.sub { color: #4b5563; font-size: 12px; }
.notice { border-left: 4px solid var(--error); background: #fefce8; padding: 6px 10px; margin: 8px 0; }
section.configuration { border-top: 4px solid #d1d5db; margin-top: 36px; padding-top: 4px; }
section.configuration.outcome-pass { border-top-color: var(--pass); }
section.configuration.outcome-fail { border-top-color: var(--fail); }
section.configuration.outcome-error { border-top-color: var(--error); }
.why { border-left: 4px solid var(--fail); background: #fef2f2; padding: 6px 10px; margin: 8px 0; }
.why.error { border-left-color: var(--error); background: #fefce8; }
.plots { display: grid; grid-template-columns: repeat(auto-fill, minmax(520px, 1fr)); gap: 12px 20px; }
figure { margin: 0; }
figcaption { font-size: 12px; color: #4b5563; margin-top: 2px; }
svg.plot { width: 100%; height: auto; font-size: 11px; font-family: inherit; }
svg.plot .plot-area { fill: #fff; stroke: #9ca3af; }
svg.plot .grid line.major { stroke: #e5e7eb; } svg.plot .grid line.minor { stroke: #f3f4f6; }
svg.plot .ticks text, svg.plot .legend text { fill: #374151; }
svg.plot .axis-label { fill: #111827; font-size: 12px; }
svg.plot .plot-title { font-weight: 600; font-size: 13px; fill: #111827; }
svg.plot .empty-note { fill: #6b7280; font-size: 14px; }
details { margin: 12px 0; } dl.definitions dt { font-weight: 600; } dl.definitions dd { margin: 0 0 6px 16px; }
a { color: #1d4ed8; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  section.configuration { break-before: page; }
  figure, tr, .why { break-inside: avoid; }
  .plots { grid-template-columns: 1fr 1fr; gap: 8px; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  a { color: inherit; text-decoration: none; }
  details > * { display: block; }
}
)css";

std::string outcome_of(const json& j) {
  const std::string o = text(j, "outcome", "error");
  return o == "pass" || o == "fail" || o == "error" || o == "info" ? o : "error";
}

std::string badge(const std::string& outcome, bool big = false) {
  std::string upper = outcome;
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return "<span class=\"badge " + outcome + (big ? " big" : "") + "\">" + escape_markup(upper) + "</span>";
}

// An anchor unique within the page: the configuration's position plus its id, in [A-Za-z0-9_-].
std::string anchor(std::size_t index, const std::string& fixture_id) {
  std::string a = "cfg" + std::to_string(index + 1) + "-";
  for (const char c : fixture_id) a += std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' ? c : '-';
  return a;
}

std::string check_line(const json& k) {
  const std::string where = access::qualifiers(k);
  const json* value = member(k, "value");
  std::string s = "<b>" + escape_markup(text(k, "name", "?")) + "</b>";
  if (!where.empty()) s += " (" + escape_markup(where) + ")";
  if (value && !value->is_null()) {
    s += " = " + escape_markup(access::value_text(*value));
    const std::string unit = text(k, "unit");
    if (!unit.empty() && value->is_number()) s += " " + escape_markup(unit);
  }
  const std::string why = text(k, "explanation");
  if (!why.empty()) s += ": " + escape_markup(why);
  if (outcome_of(k) == "error") s = "<span class=\"badge error\">ERROR</span> " + s;
  return s;
}

// The failed and errored checks of a configuration, with the bench's own errors first.
std::vector<std::string> reasons(const json& c) {
  std::vector<std::string> r;
  for (const auto& e : array(c, "errors"))
    r.push_back("<span class=\"badge error\">ERROR</span> the bench could not measure: " + escape_markup(e.is_string() ? e.get<std::string>() : e.dump()));
  for (const auto& k : array(c, "checks")) {
    const std::string o = outcome_of(k);
    if (o == "fail" || o == "error") r.push_back(check_line(k));
  }
  return r;
}

// The largest "max" limit of a check name in a configuration, NaN when there is none.
double max_limit(const json& c, std::string_view name) {
  double best = std::nan("");
  for (const auto& k : array(c, "checks")) {
    if (text(k, "name") != name) continue;
    const json* l = member(k, "limit");
    const double m = l ? number(*l, "max") : std::nan("");
    if (std::isfinite(m) && !(m <= best)) best = m;
  }
  return best;
}

svg::Axis frequency_axis() {
  svg::Axis a;
  a.label = "frequency (Hz)";
  a.scale = svg::Scale::kLog;
  a.min = 20, a.max = 20000;
  return a;
}

// The value of a log-spaced curve at the point nearest 1 kHz (as the sequencer judges the deviation).
double level_at_1k(const std::vector<double>& f, const std::vector<double>& m) {
  double best = 1e300, v = std::nan("");
  for (std::size_t i = 0; i < f.size() && i < m.size(); ++i)
    if (f[i] > 0 && std::isfinite(m[i]) && std::abs(std::log(f[i] / 1000)) < best) best = std::abs(std::log(f[i] / 1000)), v = m[i];
  return v;
}

std::string sweep_name(const json& sweep_side, const std::string& side) {
  const std::string arrived = text(sweep_side, "arrived_on", side);
  return arrived == side ? side : side + " (arrives on " + arrived + ")";
}

std::string figure(const svg::Plot& p, const std::string& caption) {
  return "<figure>" + svg::render(p) + "<figcaption>" + escape_markup(caption) + "</figcaption></figure>";
}

std::string frequency_response_plot(const json& c, const std::string& id) {
  svg::Plot p;
  p.id = "plot-" + id + "-fr", p.css_class = "plot-fr", p.title = "Frequency response";
  p.x = frequency_axis();
  p.y.label = "gain (dB)";
  p.y.min_span = 3;
  p.empty_note = "no frequency response: the sweep did not arrive";
  const json* m = member(c, "measurements");
  const json* sweep = m ? member(*m, "sweep") : nullptr;
  const double mask = max_limit(c, "frequency_response_deviation_db");
  for (std::size_t s = 0; s < 2; ++s) {
    const json* side = sweep ? member(*sweep, kSides[s]) : nullptr;
    if (!side) continue;
    svg::Series line;
    line.name = sweep_name(*side, kSides[s]);
    line.x = numbers(*side, "frequency_hz"), line.y = numbers(*side, "magnitude_db");
    line.color = kSideColor[s];
    line.dashed = s == 1;  // two equal channels stay visible
    if (std::isfinite(mask)) {
      const double at_1k = level_at_1k(line.x, line.y);
      if (std::isfinite(at_1k))
        p.bands.push_back({std::string(kSides[s]) + " limit: ±" + fixed(mask, 2) + " dB re 1 kHz", {20, 20000}, {at_1k - mask, at_1k - mask},
                           {at_1k + mask, at_1k + mask}, kSideColor[s]});
    }
    p.series.push_back(std::move(line));
  }
  return figure(p, std::isfinite(mask) ? "Gain capture/stimulus per driven channel; the band is the limit of frequency_response_deviation_db around "
                                         "the level at 1 kHz."
                                       : "Gain capture/stimulus per driven channel (no frequency-response limit in the limit set).");
}

std::string harmonics_plot(const json& c, const std::string& id) {
  svg::Plot p;
  p.id = "plot-" + id + "-harmonics", p.css_class = "plot-harmonics", p.title = "Harmonic distortion (swept)";
  p.x = frequency_axis();
  p.x.label = "excitation frequency (Hz)";
  p.y.label = "level re fundamental (dB)";
  p.y.min_span = 20;
  p.empty_note = "no harmonics measured";
  const json* m = member(c, "measurements");
  const json* sweep = m ? member(*m, "sweep") : nullptr;
  for (std::size_t s = 0; s < 2; ++s) {
    const json* side = sweep ? member(*sweep, kSides[s]) : nullptr;
    if (!side) continue;
    for (const auto& h : array(*side, "harmonics")) {
      const double order = number(h, "order");
      if (!(order >= 2 && order <= 5)) continue;
      svg::Series line;
      line.name = std::string(kSides[s]) + " H" + std::to_string(static_cast<int>(order));
      line.x = numbers(h, "frequency_hz"), line.y = numbers(h, "level_db");
      line.color = kOrderColor[static_cast<int>(order) - 2];
      line.dashed = s == 1;
      p.series.push_back(std::move(line));
    }
  }
  return figure(p, "|H_n(n f)| / |H_1(f)| from the synchronized sweep, on the excitation-frequency axis; right channel dashed.");
}

std::string thdn_plot(const json& report, const json& c, const std::string& id) {
  svg::Plot p;
  const json* settings = member(report, "settings");
  std::string load = settings ? text(*settings, "reference_load") : std::string();
  const json* m = member(c, "measurements");
  const json* max_output = m ? member(*m, "max_output") : nullptr;
  if (max_output && max_output->is_object() && !member(*max_output, load) && !max_output->empty()) load = max_output->begin().key();
  p.id = "plot-" + id + "-thdn", p.css_class = "plot-thdn";
  p.title = "THD+N against output level" + (load.empty() ? std::string() : " into " + load);
  p.x.label = "output level (dBV)";
  p.y.label = "THD+N (dB)";
  p.y.min_span = 20;
  p.empty_note = "no THD+N measured";
  const json* steps_of = max_output ? member(*max_output, load) : nullptr;
  for (std::size_t s = 0; s < 2; ++s) {
    std::vector<std::pair<double, double>> pts;
    if (steps_of)
      for (const auto& st : array(*steps_of, "steps"))
        if (text(st, "channel") == kSides[s]) pts.emplace_back(number(st, "output_dbv"), number(st, "thd_n_db"));
    std::sort(pts.begin(), pts.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    svg::Series line;
    line.name = std::string(kSides[s]) + " level steps";
    line.color = kSideColor[s];
    line.dashed = s == 1;
    for (const auto& [x, y] : pts) line.x.push_back(x), line.y.push_back(y);
    if (!line.x.empty()) p.series.push_back(std::move(line));
  }
  for (std::size_t s = 0; s < 2; ++s) {
    svg::Series pts;
    pts.name = std::string(kSides[s]) + " at the THD levels";
    pts.mark = svg::Mark::kPoints;
    pts.color = kSideColor[s];
    pts.offset_px = s == 0 ? -2 : 2;
    if (m)
      for (const auto& t : array(*m, "thd"))
        if (text(t, "channel") == kSides[s]) pts.x.push_back(number(t, "output_dbv")), pts.y.push_back(number(t, "thd_n_db"));
    if (!pts.x.empty()) p.series.push_back(std::move(pts));
  }
  const json* mo = settings ? member(*settings, "max_output") : nullptr;
  const double percent = mo ? number(*mo, "thd_n_percent") : std::nan("");
  if (percent > 0) p.lines.push_back({"max-output threshold " + fixed(percent, percent < 1 ? 2 : 1) + " %", 20 * std::log10(percent / 100), "#6b7280"});
  const double limit = max_limit(c, "thd_n_db");
  if (std::isfinite(limit)) p.lines.push_back({"thd_n_db limit", limit, "#b91c1c"});
  return figure(p, "THD+N (AES17, 20 Hz to 20 kHz) at each step of the maximum-output search and at the plan's THD levels (tone at the test "
                   "frequency).");
}

std::string hum_plot(const json& c, const std::string& id) {
  svg::Plot p;
  p.id = "plot-" + id + "-hum", p.css_class = "plot-hum";
  const json* m = member(c, "measurements");
  const json* noise = m ? member(*m, "noise") : nullptr;
  double mains = std::nan(""), top_hz = 0;
  for (std::size_t s = 0; s < 2; ++s)
    if (const json* side = noise ? member(*noise, kSides[s]) : nullptr) {
      if (!std::isfinite(mains)) mains = number(*side, "mains_hz");
      svg::Series stems;
      stems.name = std::string(kSides[s]) + " (A-weighted noise " + fixed(number(*side, "noise_dbv_a"), 1) + " dBV)";
      stems.mark = svg::Mark::kStems;
      stems.color = kSideColor[s];
      stems.offset_px = s == 0 ? -3 : 3;
      for (const auto& h : array(*side, "hum")) stems.x.push_back(number(h, "frequency_hz")), stems.y.push_back(number(h, "level_dbv"));
      for (double f : stems.x)
        if (std::isfinite(f)) top_hz = std::max(top_hz, f);
      p.series.push_back(std::move(stems));
    }
  p.title = "Hum lines with silence at the interface" + (std::isfinite(mains) ? " (mains " + fixed(mains, 0) + " Hz)" : std::string());
  p.x.label = "frequency (Hz)";
  p.x.min = 0;
  // Half a line spacing of room after the last line, so its stem does not sit on the frame.
  if (top_hz > 0) p.x.max = top_hz + (std::isfinite(mains) && mains > 0 ? 0.5 * mains : 0.1 * top_hz);
  p.y.label = "level (dBV)";
  p.y.min_span = 20;
  p.empty_note = "no noise measurement";
  const double limit = max_limit(c, "hum_dbv");
  if (std::isfinite(limit)) p.lines.push_back({"hum_dbv limit", limit, "#b91c1c"});
  return figure(p, "Mains and its harmonics, each as a sine level across the load.");
}

std::string crosstalk_plot(const json& c, const std::string& id) {
  svg::Plot p;
  p.id = "plot-" + id + "-crosstalk", p.css_class = "plot-crosstalk", p.title = "Crosstalk";
  p.x = frequency_axis();
  p.y.label = "crosstalk (dB)";
  p.y.min_span = 20;
  p.empty_note = "no crosstalk measured";
  const json* m = member(c, "measurements");
  const json* sweep = m ? member(*m, "sweep") : nullptr;
  const json* tones = m ? member(*m, "crosstalk") : nullptr;
  for (std::size_t s = 0; s < 2; ++s) {
    const std::string path = std::string(kSides[s]) + "→" + kSides[1 - s];
    if (const json* side = sweep ? member(*sweep, kSides[s]) : nullptr) {
      svg::Series line;
      line.name = path + " swept";
      line.x = numbers(*side, "frequency_hz"), line.y = numbers(*side, "crosstalk_db");
      line.color = kSideColor[s];
      line.dashed = s == 1;
      if (!line.y.empty()) p.series.push_back(std::move(line));
    }
    svg::Series pts;
    pts.name = path + " tones";
    pts.mark = svg::Mark::kPoints;
    pts.color = kSideColor[s];
    if (tones)
      for (const auto& t : array(*tones, kSides[s])) pts.x.push_back(number(t, "frequency_hz")), pts.y.push_back(number(t, "crosstalk_db"));
    if (!pts.x.empty()) p.series.push_back(std::move(pts));
  }
  const double limit = max_limit(c, "crosstalk_db");
  if (std::isfinite(limit)) p.lines.push_back({"crosstalk_db limit", limit, "#b91c1c"});
  return figure(p, "20 log10(V undriven / V driven). The swept curve is noise-limited where the sweep is weak; the check uses the steady tones.");
}

// |Z_out| against frequency, and the predicted (and measured) response change into each headphone:
// only for configurations that measured the output impedance.
std::string impedance_plots(const json& c, const std::string& id) {
  const json* m = member(c, "measurements");
  const json* z = m ? member(*m, "impedance") : nullptr;
  if (!z) return {};
  const json* channels = member(*z, "channels");
  svg::Plot p;
  p.id = "plot-" + id + "-impedance", p.css_class = "plot-impedance", p.title = "Output impedance of the amplifier";
  p.x = frequency_axis();
  p.y.label = "|Z_out| (ohm)";
  p.y.min = 0;
  p.y.min_span = 1;
  p.empty_note = "no output impedance measured";
  std::vector<double> axis;
  for (std::size_t s = 0; s < 2; ++s) {
    const json* side = channels ? member(*channels, kSides[s]) : nullptr;
    if (!side) continue;
    svg::Series line;
    const json* at = member(*side, "at_1khz");
    line.name = std::string(kSides[s]) + (at ? " (" + fixed(number(*at, "impedance_ohm"), 3) + " ohm at 1 kHz)" : std::string());
    line.x = numbers(*side, "frequency_hz"), line.y = numbers(*side, "impedance_ohm");
    if (axis.empty()) axis = line.x;
    line.color = kSideColor[s];
    line.dashed = s == 1;
    p.series.push_back(std::move(line));
  }
  const double limit = max_limit(c, "output_impedance_ohm");
  if (std::isfinite(limit)) p.lines.push_back({"output_impedance_ohm limit", limit, "#b91c1c"});
  std::string o = figure(p, "|Z_out| solved per frequency from sweeps into the plan's impedance loads (each in parallel with the reference ADC's "
                            "input); right channel dashed.");

  svg::Plot h;
  h.id = "plot-" + id + "-loading", h.css_class = "plot-loading", h.title = "Headphone response change from the output impedance";
  h.x = frequency_axis();
  h.y.label = "change re 1 kHz (dB)";
  h.y.min_span = 1;
  h.empty_note = "no headphone in the plan";
  const json* headphones = member(*z, "headphones");
  std::size_t colour = 0;
  if (headphones && headphones->is_object())
    for (const auto& [hp_id, hp] : headphones->items()) {
      const json* per = member(hp, "channels");
      const json* left = per ? member(*per, "left") : nullptr;
      if (!left) continue;
      const std::string color = kOrderColor[colour++ % 4];
      svg::Series predicted;
      predicted.name = hp_id + " predicted (" + fixed(number(*left, "deviation_db"), 2) + " dB p-p)";
      predicted.x = axis, predicted.y = numbers(*left, "predicted_change_db");
      predicted.color = color;
      svg::Series measured;
      measured.name = hp_id + " measured";
      measured.x = axis, measured.y = numbers(*left, "measured_change_db");
      measured.color = color;
      measured.dashed = true;
      h.series.push_back(std::move(predicted));
      if (!measured.y.empty()) h.series.push_back(std::move(measured));
    }
  const double deviation = max_limit(c, "loading_deviation_db");
  o += figure(h, "Left channel: H = Z_hp/(Z_hp + Z_out) re 1 kHz from the solved Z_out and each headphone's curve (solid), and the response "
                 "measured into it re the open-circuit voltage (dashed)." +
                     (std::isfinite(deviation) ? " The loading_deviation_db limit is " + fixed(deviation, 2) + " dB peak to peak from 20 Hz to 20 kHz."
                                               : std::string()));
  return o;
}

std::string levels_table(const json& report, const json& c) {
  const json* m = member(c, "measurements");
  const json* level = m ? member(*m, "level") : nullptr;
  if (!level) return {};
  const json* settings = member(report, "settings");
  const json* tone = settings ? member(*settings, "tone") : nullptr;
  const double f = tone ? number(*tone, "frequency_hz") : std::nan("");
  const auto measured = numbers(*level, "level_dbv");
  std::string o = "<table class=\"levels\"><thead><tr><th>Level at " + (std::isfinite(f) ? fixed(f, 0) + " Hz" : std::string("the test tone")) + ", " +
                  fixed(number(*level, "stimulus_dbfs"), 1) +
                  " dBFS</th><th class=\"num\">source, open circuit</th><th class=\"num\">expected across the load</th>"
                  "<th class=\"num\">left</th><th class=\"num\">right</th></tr></thead><tbody><tr><td>level (dBV)</td><td class=\"num\">" +
                  fixed(number(*level, "source_dbv"), 2) + "</td><td class=\"num\">" + fixed(number(*level, "expected_dbv"), 2) + "</td>";
  for (std::size_t s = 0; s < 2; ++s) o += "<td class=\"num\">" + fixed(s < measured.size() ? measured[s] : std::nan(""), 2) + "</td>";
  o += "</tr></tbody></table>";
  return o;
}

std::string checks_table(const json& c) {
  std::string o =
      "<table class=\"checks\"><thead><tr><th>check</th><th>channel / load / level</th><th>value</th><th>unit</th><th>limit</th><th>outcome</th>"
      "<th>explanation</th></tr></thead><tbody>";
  for (const auto& k : array(c, "checks")) {
    const std::string outcome = outcome_of(k);
    const json* value = member(k, "value");
    const json* limit = member(k, "limit");
    o += "<tr class=\"outcome-" + outcome + "\"><td class=\"nowrap\">" + escape_markup(text(k, "name", "?")) + "</td><td>" +
         escape_markup(access::qualifiers(k)) + "</td><td class=\"num\">" + escape_markup(value ? access::value_text(*value) : "n/a") + "</td><td>" +
         escape_markup(text(k, "unit")) + "</td><td class=\"nowrap\">" + escape_markup(limit ? access::limit_text(*limit) : "no limit") + "</td><td>" +
         badge(outcome) + "</td><td>" + escape_markup(text(k, "explanation")) + "</td></tr>";
  }
  return o + "</tbody></table>";
}

std::string fixture_line(const json& c) {
  const json* f = member(c, "fixture");
  if (!f || !f->is_object()) return {};
  std::string s = escape_markup(text(*f, "source_port")) + " (" + escape_markup(text(*f, "source_connector")) + ") → " +
                  escape_markup(text(*f, "destination_input")) + " (" + escape_markup(text(*f, "destination_connector")) + ")";
  const json* balanced = member(*f, "balanced");
  if (balanced && balanced->is_boolean()) s += *balanced ? ", balanced" : ", unbalanced";
  const double change = number(*f, "expected_level_change_db");
  if (std::isfinite(change) && change != 0) s += ", expected level change " + fixed(change, 1) + " dB";
  const std::string cable = text(*f, "cable");
  if (!cable.empty()) s += "; cable: " + escape_markup(cable);
  std::string o = "<p class=\"meta\">" + s + "</p>";
  const std::string instruction = text(*f, "instruction");
  if (!instruction.empty()) o += "<p class=\"meta\">Set-up: " + escape_markup(instruction) + "</p>";
  return o;
}

std::string section(const json& report, const json& c, std::size_t index) {
  const std::string id = access::fixture_id(c), name = access::fixture_name(c), outcome = outcome_of(c);
  const std::string a = anchor(index, id);
  std::string o = "<section class=\"configuration outcome-" + outcome + "\" id=\"" + a + "\" data-fixture=\"" + escape_markup(id) + "\">";
  o += "<h2>" + badge(outcome) + " " + escape_markup(id) + (name.empty() ? "" : ": " + escape_markup(name)) + "</h2>";
  o += fixture_line(c);
  const auto why = reasons(c);
  if (!why.empty()) {
    o += std::string("<div class=\"why") + (outcome == "error" ? " error" : "") + "\"><b>" + (outcome == "error" ? "Why ERROR" : "Why FAIL") +
         "</b><ul class=\"reasons\">";
    for (const auto& r : why) o += "<li>" + r + "</li>";
    o += "</ul></div>";
  }
  o += "<div class=\"plots\">";
  o += frequency_response_plot(c, a);
  o += harmonics_plot(c, a);
  o += thdn_plot(report, c, a);
  o += hum_plot(c, a);
  o += crosstalk_plot(c, a);
  o += impedance_plots(c, a);
  o += "</div>";
  o += levels_table(report, c);
  o += "<h3>Checks</h3>" + checks_table(c);
  const auto& captures = array(c, "captures");
  if (!captures.empty())
    o += "<p class=\"sub\">" + std::to_string(captures.size()) + " captures (float WAV with JSON sidecars) under captures/" + escape_markup(id) + "/</p>";
  return o + "</section>";
}

std::string summary_table(const json& configurations) {
  std::string o = "<table class=\"summary\"><thead><tr><th>cable configuration</th><th>outcome</th><th>failed checks and why</th></tr></thead><tbody>";
  for (std::size_t i = 0; i < configurations.size(); ++i) {
    const json& c = configurations[i];
    const std::string id = access::fixture_id(c), name = access::fixture_name(c), outcome = outcome_of(c);
    o += "<tr class=\"outcome-" + outcome + "\"><td><a href=\"#" + anchor(i, id) + "\">" + escape_markup(id) + "</a>" +
         (name.empty() ? "" : "<div class=\"sub\">" + escape_markup(name) + "</div>") + "</td><td>" + badge(outcome) + "</td><td>";
    const auto why = reasons(c);
    if (why.empty()) {
      std::size_t passed = 0, info = 0;
      for (const auto& k : array(c, "checks")) (outcome_of(k) == "info" ? info : passed)++;
      o += "all " + std::to_string(passed) + " checks pass" + (info ? " (" + std::to_string(info) + " recorded without a limit)" : "");
    } else {
      o += "<ul class=\"reasons\">";
      for (const auto& r : why) o += "<li>" + r + "</li>";
      o += "</ul>";
    }
    o += "</td></tr>";
  }
  return o + "</tbody></table>";
}

std::string definitions(const json& report) {
  const json* settings = member(report, "settings");
  const json* defs = settings ? member(*settings, "definitions") : nullptr;
  std::string o = "<details open><summary>Measurement settings and definitions</summary>";
  if (settings) {
    const json* sweep = member(*settings, "sweep");
    const json* tone = member(*settings, "tone");
    o += "<p class=\"meta\">Sample rate " + fixed(number(*settings, "sample_rate_hz"), 0) + " Hz; sweep " +
         (sweep ? fixed(number(*sweep, "f1_hz"), 0) + " Hz to " + fixed(number(*sweep, "f2_hz"), 0) + " Hz, " + fixed(number(*sweep, "duration_s"), 1) +
                      " s at " + fixed(number(*sweep, "level_dbfs"), 1) + " dBFS"
                : std::string("n/a")) +
         "; tone " + (tone ? fixed(number(*tone, "frequency_hz"), 0) + " Hz" : std::string("n/a")) + " at " +
         fixed(number(*settings, "test_level_dbfs"), 1) + " dBFS; reference load " + escape_markup(text(*settings, "reference_load")) +
         "; ADC full scale " + fixed(number(*settings, "adc_fullscale_vrms"), 2) + " Vrms.</p>";
  }
  if (defs && defs->is_object()) {
    o += "<dl class=\"definitions\">";
    for (const auto& [key, value] : defs->items())
      o += "<dt>" + escape_markup(key) + "</dt><dd>" + escape_markup(value.is_string() ? value.get<std::string>() : value.dump()) + "</dd>";
    o += "</dl>";
  }
  return o + "</details>";
}

}  // namespace

std::string html_report(const json& report) {
  const json* plan = member(report, "plan");
  const std::string plan_id = plan ? text(*plan, "id", "plan") : "plan", plan_name = plan ? text(*plan, "name") : std::string();
  const std::string outcome = outcome_of(report);
  const json& configurations = array(report, "configurations");
  std::size_t counts[3] = {0, 0, 0};
  for (const auto& c : configurations) {
    const std::string o = outcome_of(c);
    ++counts[o == "pass" ? 0 : o == "fail" ? 1 : 2];
  }
  std::string o;
  o.reserve(600000);
  o += "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">";
  o += "<title>" + escape_markup(std::string(outcome == "pass" ? "PASS" : outcome == "fail" ? "FAIL" : "ERROR") + ": bench run " + plan_id) + "</title>";
  o += "<style>" + std::string(kCss) + "</style></head><body>";
  o += "<header><h1>" + badge(outcome, true) + " " + escape_markup(plan_id) + (plan_name.empty() ? "" : ": " + escape_markup(plan_name)) + "</h1>";
  o += "<p class=\"meta\">" + std::to_string(configurations.size()) + " cable configurations: " + std::to_string(counts[0]) + " pass, " +
       std::to_string(counts[1]) + " fail, " + std::to_string(counts[2]) + " error.</p>";
  std::string meta = "Created " + text(report, "created_utc", "?") + " by bench " + text(report, "bench_version", "?") + ", backend " +
                     text(report, "backend", "?");
  if (const json* seed = member(report, "seed"); seed && seed->is_number()) meta += ", seed " + seed->dump();
  if (const json* profiles = member(report, "profiles")) {
    std::string gear;
    for (const char* role : {"interface", "amp", "adc", "limits"})
      if (const json* p = member(*profiles, role)) gear += std::string(gear.empty() ? "" : ", ") + role + " " + text(*p, "name", text(*p, "id"));
    if (!gear.empty()) meta += ". " + gear;
  }
  o += "<p class=\"meta\">" + escape_markup(meta) + ".</p>";
  if (const json* aborted = member(report, "aborted"); aborted && aborted->is_string())
    o += "<p class=\"notice\"><b>The run stopped early:</b> " + escape_markup(aborted->get<std::string>()) +
         ". Only the configurations measured so far are reported.</p>";
  o += "<p class=\"meta\">PASS: within limits. FAIL: the device or cable is out of limits. ERROR: the bench could not measure (not the "
       "device's fault).</p></header>";
  o += "<h2>Summary</h2>" + summary_table(configurations);
  for (std::size_t i = 0; i < configurations.size(); ++i) o += section(report, configurations[i], i);
  o += "<footer>" + definitions(report) + "<p class=\"sub\">Derived from report.json (" + escape_markup(text(report, "schema", "?")) +
       "); rebuild with <code>bench report RUN_DIR</code>.</p></footer>";
  o += "</body></html>\n";
  return o;
}

void write_html(const std::filesystem::path& dir, const json& report) { write_text_atomic(dir / "index.html", html_report(report)); }

}  // namespace bench::report
