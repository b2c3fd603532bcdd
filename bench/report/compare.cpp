#include "bench/report/compare.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <map>
#include <set>
#include <string_view>
#include <utility>

#include "bench/core/error.hpp"
#include "bench/core/version.hpp"
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

constexpr const char* kCompareColor[] = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf"};
constexpr const char* kChannels[] = {"left", "right"};
// Points of the frequency response compared as numbers (the plots show the whole curves).
constexpr double kResponsePoints[] = {20.0, 1000.0, 20000.0};

std::string color(std::size_t side) { return kCompareColor[side % std::size(kCompareColor)]; }

std::string utc_now() {
  const auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// Words for a check name, and whether a higher value is worse (+1), better (-1) or neither (0).
std::string words(const std::string& name) {
  static const std::map<std::string, std::string> w = {
      {"level_dbv", "level"}, {"gain_db", "gain"}, {"channel_map", "channel map"}, {"polarity", "polarity"},
      {"frequency_response_deviation_db", "frequency response deviation"}, {"frequency_response_db", "response"},
      {"thd_db", "THD"}, {"thd_n_db", "THD+N"}, {"noise_dbv_a", "A-weighted noise"}, {"snr_db", "SNR"}, {"hum_dbv", "hum"},
      {"crosstalk_db", "crosstalk"}, {"channel_balance_db", "channel balance"}, {"max_output_vrms", "maximum output"}};
  const auto it = w.find(name);
  return it == w.end() ? name : it->second;
}

int direction(const std::string& name) {
  static const std::set<std::string> worse = {"thd_db", "thd_n_db", "noise_dbv_a", "hum_dbv", "crosstalk_db",
                                              "frequency_response_deviation_db", "channel_balance_db"};
  if (worse.contains(name)) return 1;
  if (name == "snr_db" || name == "max_output_vrms") return -1;
  return 0;
}

std::string difference_unit(const std::string& unit) {
  if (unit.rfind("dB", 0) == 0) return "dB";  // dBV, dBV(A), dB: a difference of levels is in dB
  return unit;
}

// One comparable item of a configuration: a check, or a point of the frequency response.
struct Item {
  std::string key, name, qualifiers, unit;
  json where = json::object();  // channel, load, level_dbfs, frequency_hz as in the report
  json value;
};

// The magnitude at `f` from a sweep channel, NaN when no point lies within 3 % of it.
double response_at(const json& sweep_channel, double f) {
  const auto fr = numbers(sweep_channel, "frequency_hz");
  const auto mag = numbers(sweep_channel, "magnitude_db");
  double best = std::nan(""), best_err = 0.03;
  for (std::size_t i = 0; i < std::min(fr.size(), mag.size()); ++i) {
    const double err = std::abs(std::log(fr[i] / f));
    if (err <= best_err) best_err = err, best = mag[i];
  }
  return best;
}

std::vector<Item> items_of(const json& configuration) {
  std::vector<Item> items;
  std::map<std::string, int> seen;
  for (const auto& k : array(configuration, "checks")) {
    Item it;
    it.name = text(k, "name", "?");
    it.qualifiers = access::qualifiers(k);
    it.unit = text(k, "unit");
    for (const char* q : {"channel", "load", "level_dbfs"})
      if (const json* v = member(k, q); v && !v->is_null()) it.where[q] = *v;
    const json* v = member(k, "value");
    it.value = v ? *v : json(nullptr);
    it.key = it.name + "|" + it.qualifiers;
    if (const int n = ++seen[it.key]; n > 1) it.key += "#" + std::to_string(n);
    items.push_back(std::move(it));
  }
  const json* m = member(configuration, "measurements");
  const json* sweep = m ? member(*m, "sweep") : nullptr;
  for (const char* ch : kChannels) {
    const json* s = sweep ? member(*sweep, ch) : nullptr;
    if (!s) continue;
    for (const double f : kResponsePoints) {
      const double mag = response_at(*s, f);
      if (std::isnan(mag)) continue;
      Item it;
      it.name = "frequency_response_db";
      it.unit = "dB";
      it.where = {{"channel", ch}, {"frequency_hz", f}};
      it.qualifiers = std::string(ch) + ", " + (f >= 1000 ? fixed(f / 1000, 0) + " kHz" : fixed(f, 0) + " Hz");
      it.value = mag;
      it.key = it.name + "|" + it.qualifiers;
      items.push_back(std::move(it));
    }
  }
  return items;
}

std::string value_with_unit(const json& v, const std::string& unit) {
  std::string s = access::value_text(v);
  if (v.is_number() && !unit.empty()) s += " " + unit;
  return s;
}

// One sentence: "<side b> against <side a>, <configuration>: THD+N (left, -6 dBFS) 9.00 dB worse (-80.00 vs -89.00 dB)".
std::string sentence(const std::string& group, const CompareSide& a, const CompareSide& b, const Item& item, const json& va,
                     const json& vb, const json& diff) {
  std::string s = b.label + " against " + a.label + (group.empty() ? "" : ", " + group) + ": " + words(item.name);
  if (!item.qualifiers.empty()) s += " (" + item.qualifiers + ")";
  if (va.is_null() || vb.is_null()) {
    if (va.is_null() && vb.is_null()) return s + " not measured on either side";
    return s + " not measured on " + (va.is_null() ? a.label : b.label) + " (" + access::value_text(va) + " vs " + access::value_text(vb) + ")";
  }
  if (diff.is_number()) {
    const double d = diff.get<double>();
    const std::string unit = difference_unit(item.unit);
    const int digits = unit == "Vrms" ? 3 : 2;
    if (std::abs(d) < 0.5 * std::pow(10.0, -digits)) {
      s += " the same";
    } else {
      s += " " + fixed(std::abs(d), digits) + (unit.empty() ? "" : " " + unit) + (d > 0 ? " higher" : " lower");
      const int dir = direction(item.name);
      if (dir != 0) s += std::string(", ") + ((d > 0) == (dir > 0) ? "worse" : "better");
    }
    return s + " (" + value_with_unit(vb, item.unit) + " vs " + value_with_unit(va, item.unit) + ")";
  }
  return s + (va == vb ? " the same (" + access::value_text(va) + ")" : " differs: " + access::value_text(vb) + " vs " + access::value_text(va));
}

json side_json(const CompareSide& s) {
  json j = {{"run", s.run}, {"fixture", s.fixture}, {"label", s.label}};
  if (s.configuration) j["outcome"] = text(*s.configuration, "outcome");
  return j;
}

// Compares the items of every side of `g`; matched items go to the group's json, the rest to `unmatched`.
json compare_group(const CompareGroup& g, json& unmatched_checks) {
  std::vector<std::vector<Item>> per_side;
  std::vector<std::map<std::string, const Item*>> index;
  for (const auto& s : g.sides) per_side.push_back(items_of(*s.configuration));
  for (const auto& items : per_side) {
    std::map<std::string, const Item*> m;
    for (const auto& it : items) m[it.key] = &it;
    index.push_back(std::move(m));
  }
  json checks = json::array();
  std::set<std::string> done;
  for (std::size_t side = 0; side < per_side.size(); ++side) {
    for (const auto& it : per_side[side]) {
      if (!done.insert(it.key).second) continue;
      std::vector<const Item*> found;
      json present = json::array();
      for (std::size_t o = 0; o < index.size(); ++o) {
        const auto f = index[o].find(it.key);
        found.push_back(f == index[o].end() ? nullptr : f->second);
        if (found.back()) present.push_back(o);
      }
      if (present.size() != g.sides.size()) {
        json u = {{"configuration", g.id}, {"name", it.name}, {"qualifiers", it.qualifiers}, {"present_in", present}};
        u.update(it.where);
        unmatched_checks.push_back(u);
        continue;
      }
      json c = {{"name", it.name}, {"qualifiers", it.qualifiers}, {"unit", it.unit}};
      c.update(it.where);
      json values = json::array(), diffs = json::array();
      for (const auto* f : found) values.push_back(f->value);
      const json& base = found[0]->value;
      for (std::size_t o = 1; o < found.size(); ++o) {
        const json& v = found[o]->value;
        json d = nullptr;
        if (base.is_number() && v.is_number()) d = v.get<double>() - base.get<double>();
        json entry = {{"side", o}, {"against", 0}, {"difference", d}, {"unit", difference_unit(it.unit)},
                      {"sentence", sentence(g.sides.size() == 2 && g.sides[0].fixture != g.sides[1].fixture ? "" : g.id, g.sides[0], g.sides[o], it, base, v, d)}};
        if (!d.is_number()) entry["same"] = base == v;
        diffs.push_back(entry);
      }
      c["values"] = values;
      c["differences"] = diffs;
      checks.push_back(c);
    }
  }
  json sides = json::array();
  for (const auto& s : g.sides) sides.push_back(side_json(s));
  return {{"id", g.id}, {"sides", sides}, {"checks", checks}};
}

json run_json(const CompareRun& r, std::size_t i) {
  const json* plan = member(r.report, "plan");
  return {{"index", i}, {"plan_id", plan ? text(*plan, "id") : std::string()}, {"created_utc", text(r.report, "created_utc")},
          {"path", r.dir.string()}};
}

std::string run_label(const std::vector<CompareRun>& runs, std::size_t i) {
  const json* plan = member(runs[i].report, "plan");
  std::string l = "run " + std::to_string(i + 1);
  const std::string id = plan ? text(*plan, "id") : std::string();
  if (!id.empty()) l += " (" + id + ")";
  return l;
}

Comparison finish(std::vector<CompareGroup> groups, json runs, std::string mode, json unmatched_configurations) {
  Comparison c;
  json unmatched_checks = json::array();
  json configurations = json::array();
  for (const auto& g : groups) configurations.push_back(compare_group(g, unmatched_checks));
  c.doc = {{"schema", "bench.compare/1"}, {"bench_version", kVersion}, {"created_utc", utc_now()}, {"mode", std::move(mode)},
           {"runs", std::move(runs)}, {"configurations", std::move(configurations)},
           {"unmatched", {{"configurations", std::move(unmatched_configurations)}, {"checks", std::move(unmatched_checks)}}}};
  c.groups = std::move(groups);
  return c;
}

const json* find_configuration(const json& report, const std::string& fixture) {
  for (const auto& c : array(report, "configurations"))
    if (access::fixture_id(c) == fixture) return &c;
  return nullptr;
}

}  // namespace

Comparison compare_runs(const std::vector<CompareRun>& runs) {
  json runs_j = json::array();
  for (std::size_t i = 0; i < runs.size(); ++i) runs_j.push_back(run_json(runs[i], i));
  std::vector<std::string> order;
  std::map<std::string, std::vector<std::size_t>> present;
  for (std::size_t i = 0; i < runs.size(); ++i)
    for (const auto& c : array(runs[i].report, "configurations")) {
      const std::string id = access::fixture_id(c);
      auto& p = present[id];
      if (p.empty()) order.push_back(id);
      if (std::find(p.begin(), p.end(), i) == p.end()) p.push_back(i);
    }
  std::vector<CompareGroup> groups;
  json unmatched = json::array();
  for (const auto& id : order) {
    const auto& p = present[id];
    if (p.size() != runs.size()) {
      unmatched.push_back({{"fixture", id}, {"present_in", p}});
      continue;
    }
    CompareGroup g;
    g.id = id;
    for (std::size_t i = 0; i < runs.size(); ++i) g.sides.push_back({i, id, run_label(runs, i), find_configuration(runs[i].report, id)});
    groups.push_back(std::move(g));
  }
  return finish(std::move(groups), std::move(runs_j), "runs", std::move(unmatched));
}

Comparison compare_configurations(const CompareRun& run, const std::string& a, const std::string& b) {
  CompareGroup g;
  g.id = a + " vs " + b;
  for (const auto& f : {a, b}) {
    const json* c = find_configuration(run.report, f);
    if (!c) throw InputError((run.dir / "report.json").string() + ": no configuration with fixture id '" + f + "': pick two fixture ids of that run");
    g.sides.push_back({0, f, f, c});
  }
  json runs_j = json::array({run_json(run, 0)});
  std::vector<CompareGroup> groups;
  groups.push_back(std::move(g));
  return finish(std::move(groups), std::move(runs_j), "configurations", json::array());
}

namespace {

constexpr std::string_view kCompareCss = R"css(
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; color: #111827; margin: 0 auto; max-width: 1400px; padding: 16px 24px 48px; }
h1 { font-size: 22px; } h2 { font-size: 18px; margin-top: 28px; border-top: 4px solid #d1d5db; padding-top: 6px; } h3 { font-size: 15px; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 12px; }
th, td { border-bottom: 1px solid #e5e7eb; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f3f4f6; } td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.differs td { background: #fffbeb; }
.swatch { display: inline-block; width: 12px; height: 12px; border-radius: 2px; vertical-align: middle; margin-right: 4px; }
.plots { display: grid; grid-template-columns: repeat(auto-fill, minmax(520px, 1fr)); gap: 12px 20px; }
figure { margin: 0; } figcaption { font-size: 12px; color: #4b5563; }
svg.plot { width: 100%; height: auto; font-size: 11px; font-family: inherit; }
svg.plot .plot-area { fill: #fff; stroke: #9ca3af; }
svg.plot .grid line.major { stroke: #e5e7eb; } svg.plot .grid line.minor { stroke: #f3f4f6; }
svg.plot .ticks text, svg.plot .legend text { fill: #374151; }
svg.plot .axis-label { fill: #111827; font-size: 12px; } svg.plot .plot-title { font-weight: 600; font-size: 13px; }
svg.plot .empty-note { fill: #6b7280; font-size: 14px; }
@media print { section.configuration { break-before: page; } figure, tr { break-inside: avoid; } }
)css";

const json& measurements(const CompareSide& s) {
  static const json empty = json::object();
  const json* m = member(*s.configuration, "measurements");
  return m ? *m : empty;
}

const json* sub(const json& j, std::string_view a, std::string_view b = {}) {
  const json* x = member(j, a);
  return x && !b.empty() ? member(*x, b) : x;
}

std::string plot_id(std::size_t group, const char* kind) { return "cmp" + std::to_string(group + 1) + "-" + kind; }

svg::Axis log_axis(std::string label, double lo, double hi) {
  svg::Axis a;
  a.label = std::move(label);
  a.scale = svg::Scale::kLog;
  a.min = lo, a.max = hi;
  return a;
}

std::string compare_figure(const svg::Plot& p, const std::string& caption) {
  return "<figure>" + svg::render(p) + "<figcaption>" + escape_markup(caption) + "</figcaption></figure>\n";
}

std::string plots(const CompareGroup& g, std::size_t gi, const std::string& reference_load) {
  std::string out = "<div class=\"plots\">\n";
  svg::Plot fr;
  fr.id = plot_id(gi, "fr"), fr.css_class = "plot-fr", fr.title = "Frequency response";
  fr.x = log_axis("frequency (Hz)", 20, 20000);
  fr.y.label = "magnitude (dB)", fr.y.min_span = 6;
  svg::Plot hm;
  hm.id = plot_id(gi, "harmonics"), hm.css_class = "plot-harmonics", hm.title = "Harmonics H2 (solid) and H3 (dashed), left";
  hm.x = log_axis("frequency (Hz)", 20, 20000);
  hm.y.label = "level re fundamental (dB)", hm.y.min_span = 20;
  svg::Plot th;
  th.id = plot_id(gi, "thdn"), th.css_class = "plot-thdn", th.title = "THD+N against output level, left";
  th.x.label = "output level (dBV)", th.y.label = "THD+N (dB)", th.y.min_span = 20;
  svg::Plot lv;
  lv.id = plot_id(gi, "level"), lv.css_class = "plot-level", lv.title = "Output level against drive, left (" + reference_load + ")";
  lv.x.label = "stimulus (dBFS)", lv.y.label = "output (dBV)", lv.y.min_span = 10;
  svg::Plot mo;
  mo.id = plot_id(gi, "maxout"), mo.css_class = "plot-maxout", mo.title = "Maximum output against load, left";
  mo.x = log_axis("load (ohm)", 10, 1000);
  mo.x.min.reset(), mo.x.max.reset(), mo.x.min_span = 1;
  mo.y.label = "maximum output (Vrms)", mo.y.min = 0;
  svg::Plot hu;
  hu.id = plot_id(gi, "noise"), hu.css_class = "plot-noise", hu.title = "Hum lines and A-weighted noise (dashed), left";
  hu.x = log_axis("frequency (Hz)", 40, 400);
  hu.y.label = "level (dBV)", hu.y.min_span = 20;
  for (std::size_t si = 0; si < g.sides.size(); ++si) {
    const auto& s = g.sides[si];
    const json& m = measurements(s);
    const std::string col = color(si);
    for (std::size_t ch = 0; ch < 2; ++ch) {
      const json* sw = sub(m, "sweep", kChannels[ch]);
      if (!sw) continue;
      svg::Series r{s.label + " " + kChannels[ch], numbers(*sw, "frequency_hz"), numbers(*sw, "magnitude_db"), svg::Mark::kLine, col, ch == 1, 0};
      fr.series.push_back(std::move(r));
      if (ch != 0) continue;
      for (const auto& h : array(*sw, "harmonics")) {
        const double order = number(h, "order");
        if (order != 2 && order != 3) continue;
        hm.series.push_back({s.label + " H" + fixed(order, 0), numbers(h, "frequency_hz"), numbers(h, "level_db"), svg::Mark::kLine, col, order == 3, 0});
      }
    }
    svg::Series tp{s.label, {}, {}, svg::Mark::kPoints, col, false, 0};
    svg::Series ls{s.label, {}, {}, svg::Mark::kLine, col, false, 0};
    const json* mx = member(m, "max_output");
    if (mx && mx->is_object()) {
      std::vector<std::pair<double, double>> by_load;
      for (auto it = mx->begin(); it != mx->end(); ++it) {
        const auto v = numbers(*it, "max_output_vrms");
        by_load.emplace_back(number(*it, "nominal_ohm"), v.empty() ? std::nan("") : v[0]);
        if (it.key() != reference_load) continue;
        std::vector<std::pair<double, double>> steps;
        for (const auto& p : array(*it, "steps")) {
          if (text(p, "channel") != "left") continue;
          tp.x.push_back(number(p, "output_dbv")), tp.y.push_back(number(p, "thd_n_db"));
          steps.emplace_back(number(p, "stimulus_dbfs"), number(p, "output_dbv"));
        }
        std::sort(steps.begin(), steps.end());
        for (const auto& [x, y] : steps) ls.x.push_back(x), ls.y.push_back(y);
      }
      std::sort(by_load.begin(), by_load.end());
      svg::Series ms{s.label, {}, {}, svg::Mark::kLine, col, false, 0};
      for (const auto& [x, y] : by_load) ms.x.push_back(x), ms.y.push_back(y);
      svg::Series mp = ms;
      mp.mark = svg::Mark::kPoints, mp.name = s.label + " (points)";
      mo.series.push_back(std::move(ms));
      mo.series.push_back(std::move(mp));
    }
    for (const auto& p : array(m, "thd"))
      if (text(p, "channel") == "left") tp.x.push_back(number(p, "output_dbv")), tp.y.push_back(number(p, "thd_n_db"));
    th.series.push_back(std::move(tp));
    lv.series.push_back(std::move(ls));
    if (const json* n = sub(m, "noise", "left")) {
      svg::Series hs{s.label + " hum", {}, {}, svg::Mark::kStems, col, false, (static_cast<double>(si) - 0.5 * static_cast<double>(g.sides.size() - 1)) * 4};
      for (const auto& h : array(*n, "hum")) hs.x.push_back(number(h, "frequency_hz")), hs.y.push_back(number(h, "level_dbv"));
      hu.series.push_back(std::move(hs));
      const double na = number(*n, "noise_dbv_a");
      if (std::isfinite(na)) hu.series.push_back({s.label + " noise (A)", {40, 400}, {na, na}, svg::Mark::kLine, col, true, 0});
    }
  }
  out += compare_figure(fr, "Magnitude of each side, left solid, right dashed.");
  out += compare_figure(hm, "Harmonic levels from the sweep on the left channel.");
  out += compare_figure(th, "Maximum-output steps into " + reference_load + " and the plan's THD levels.");
  out += compare_figure(lv, "Output level at each maximum-output step into " + reference_load + ".");
  out += compare_figure(mo, "The highest clean output per load (THD+N under the plan's threshold).");
  out += compare_figure(hu, "Mains lines from the silence capture; the dashed line is the A-weighted noise.");
  // Output impedance and the headphones' view of it, where a side measured them.
  svg::Plot zo;
  zo.id = plot_id(gi, "impedance"), zo.css_class = "plot-impedance", zo.title = "Amplifier output impedance, left";
  zo.x = log_axis("frequency (Hz)", 20, 20000);
  zo.y.label = "|Z_out| (ohm)", zo.y.min = 0, zo.y.min_span = 1;
  svg::Plot hc;
  hc.id = plot_id(gi, "loading"), hc.css_class = "plot-loading", hc.title = "Predicted headphone response change, left";
  hc.x = log_axis("frequency (Hz)", 20, 20000);
  hc.y.label = "change re 1 kHz (dB)", hc.y.min_span = 1;
  for (std::size_t si = 0; si < g.sides.size(); ++si) {
    const json* z = sub(measurements(g.sides[si]), "impedance");
    const json* left = z ? sub(*z, "channels", "left") : nullptr;
    if (!left) continue;
    const std::string col = color(si);
    const auto f = numbers(*left, "frequency_hz");
    zo.series.push_back({g.sides[si].label, f, numbers(*left, "impedance_ohm"), svg::Mark::kLine, col, false, 0});
    const json* hps = member(*z, "headphones");
    bool dashed = false;
    if (hps && hps->is_object())
      for (auto it = hps->begin(); it != hps->end(); ++it, dashed = true)
        if (const json* hl = sub(*it, "channels", "left"))
          hc.series.push_back({g.sides[si].label + " " + it.key(), f, numbers(*hl, "predicted_change_db"), svg::Mark::kLine, col, dashed, 0});
  }
  if (!zo.series.empty()) {
    out += compare_figure(zo, "|Z_out| of each side from its sweeps into the impedance loads.");
    out += compare_figure(hc, "H = Z_hp/(Z_hp + Z_out) re 1 kHz per headphone of the plan (first solid, the others dashed).");
  }
  return out + "</div>\n";
}

}  // namespace

std::string compare_html(const Comparison& comparison, const std::vector<CompareRun>& runs) {
  const json& doc = comparison.doc;
  std::string h = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>bench compare</title>\n<style>";
  h += kCompareCss;
  h += "</style>\n</head>\n<body>\n<h1>Comparison of cable configurations</h1>\n";
  h += "<p>Written " + escape_markup(text(doc, "created_utc")) + " by bench " + escape_markup(text(doc, "bench_version")) +
       ". Differences are each side against the first.</p>\n<table class=\"runs\"><tr><th>run</th><th>plan</th><th>created (UTC)</th><th>path</th></tr>\n";
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const json& r = doc["runs"][i];
    h += "<tr><td>run " + std::to_string(i + 1) + "</td><td>" + escape_markup(text(r, "plan_id")) + "</td><td>" + escape_markup(text(r, "created_utc")) +
         "</td><td>" + escape_markup(text(r, "path")) + "</td></tr>\n";
  }
  h += "</table>\n";
  std::string reference_load;
  if (!runs.empty())
    if (const json* s = member(runs[0].report, "settings")) reference_load = text(*s, "reference_load");
  for (std::size_t gi = 0; gi < comparison.groups.size(); ++gi) {
    const auto& g = comparison.groups[gi];
    const json& cj = doc["configurations"][gi];
    h += "<section class=\"configuration\">\n<h2>" + escape_markup(g.id) + "</h2>\n<p>";
    for (std::size_t si = 0; si < g.sides.size(); ++si)
      h += "<span class=\"swatch\" style=\"background:" + color(si) + "\"></span>" + escape_markup(g.sides[si].label) + " (" +
           escape_markup(g.sides[si].fixture) + ", " + escape_markup(text(*g.sides[si].configuration, "outcome")) + ") &nbsp; ";
    h += "</p>\n" + plots(g, gi, reference_load);
    h += "<h3>Differences</h3>\n<table class=\"differences\"><tr><th>check</th><th>where</th>";
    for (const auto& s : g.sides) h += "<th>" + escape_markup(s.label) + "</th>";
    h += "<th>difference</th><th>in words</th></tr>\n";
    for (const auto& c : array(cj, "checks")) {
      const auto& diffs = array(c, "differences");
      bool differs = false;
      std::string dcell, scell;
      for (const auto& d : diffs) {
        const json* dv = member(d, "difference");
        if (dv && dv->is_number()) {
          differs = differs || std::abs(dv->get<double>()) >= 0.005;
          std::string number_text = fixed(dv->get<double>(), 2);
          if (dv->get<double>() >= 0) number_text.insert(0, 1, '+');
          number_text.append(" ").append(text(d, "unit"));
          if (!dcell.empty()) dcell.append("<br>");
          dcell.append(escape_markup(number_text));
        } else {
          differs = differs || !(member(d, "same") && member(d, "same")->is_boolean() && member(d, "same")->get<bool>());
          if (!dcell.empty()) dcell.append("<br>");
          dcell.append("&ndash;");
        }
        scell += (scell.empty() ? "" : "<br>") + escape_markup(text(d, "sentence"));
      }
      h += std::string("<tr") + (differs ? " class=\"differs\"" : "") + "><td>" + escape_markup(text(c, "name")) + "</td><td>" + escape_markup(text(c, "qualifiers")) + "</td>";
      for (const auto& v : array(c, "values")) h += "<td class=\"num\">" + escape_markup(value_with_unit(v, text(c, "unit"))) + "</td>";
      h += "<td class=\"num\">" + dcell + "</td><td>" + scell + "</td></tr>\n";
    }
    h += "</table>\n</section>\n";
  }
  const json& un = doc["unmatched"];
  h += "<h2>On one side only</h2>\n<ul class=\"unmatched\">\n";
  std::size_t n = 0;
  for (const auto& u : array(un, "configurations")) {
    std::string in;
    for (const auto& p : array(u, "present_in")) in += (in.empty() ? "run " : ", run ") + std::to_string(p.get<std::size_t>() + 1);
    h += "<li>configuration <b>" + escape_markup(text(u, "fixture")) + "</b>: only in " + escape_markup(in) + "</li>\n";
    ++n;
  }
  for (const auto& u : array(un, "checks")) {
    std::string in;
    for (const auto& p : array(u, "present_in")) in += (in.empty() ? "side " : ", side ") + std::to_string(p.get<std::size_t>() + 1);
    h += "<li>" + escape_markup(text(u, "configuration")) + ": check <b>" + escape_markup(text(u, "name")) + "</b>" +
         (text(u, "qualifiers").empty() ? "" : " (" + escape_markup(text(u, "qualifiers")) + ")") + ": only on " + escape_markup(in) + "</li>\n";
    ++n;
  }
  if (n == 0) h += "<li>nothing: every configuration and check is on every side</li>\n";
  return h + "</ul>\n</body>\n</html>\n";
}

std::vector<std::filesystem::path> write_compare(const std::filesystem::path& dir, const Comparison& comparison, const std::vector<CompareRun>& runs) {
  ensure_directory(dir);
  const auto json_path = dir / "compare.json", html_path = dir / "compare.html";
  write_text_atomic(json_path, comparison.doc.dump(2) + "\n");
  write_text_atomic(html_path, compare_html(comparison, runs));
  return {json_path, html_path};
}

}  // namespace bench::report
