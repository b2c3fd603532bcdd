// compare.html of `bench compare` (compare.hpp): overlays from each side's step results and the
// differences of compare.json.
#include <algorithm>
#include <cmath>
#include <string_view>
#include <utility>

#include "bench/report/compare.hpp"
#include "bench/report/svg_plot.hpp"
#include "bench/report/text.hpp"
#include "bench/report/write_text.hpp"

namespace bench::report {
namespace {

using nlohmann::json;

constexpr const char* kCompareColor[] = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd",
                                         "#ff7f0e", "#8c564b", "#e377c2", "#17becf"};

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

std::string side_color(std::size_t side) {
  return kCompareColor[side % std::size(kCompareColor)];
}

std::string plot_id(std::size_t group, const char* kind) {
  return "cmp" + std::to_string(group + 1) + "-" + kind;
}

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
  hm.id = plot_id(gi, "harmonics"), hm.css_class = "plot-harmonics",
  hm.title = "Harmonics H2 (solid) and H3 (dashed), left";
  hm.x = log_axis("frequency (Hz)", 20, 20000);
  hm.y.label = "level re fundamental (dB)", hm.y.min_span = 20;
  svg::Plot th;
  th.id = plot_id(gi, "thdn"), th.css_class = "plot-thdn", th.title = "THD+N against output level, left";
  th.x.label = "output level (dBV)", th.y.label = "THD+N (dB)", th.y.min_span = 20;
  svg::Plot lv;
  lv.id = plot_id(gi, "level"), lv.css_class = "plot-level",
  lv.title = "Output level against drive, left (" + reference_load + ")";
  lv.x.label = "stimulus (dBFS)", lv.y.label = "output (dBV)", lv.y.min_span = 10;
  svg::Plot mo;
  mo.id = plot_id(gi, "maxout"), mo.css_class = "plot-maxout", mo.title = "Maximum output against load, left";
  mo.x = log_axis("load (ohm)", 10, 1000);
  mo.x.min.reset(), mo.x.max.reset(), mo.x.min_span = 1;
  mo.y.label = "maximum output (Vrms)", mo.y.min = 0;
  svg::Plot hu;
  hu.id = plot_id(gi, "noise"), hu.css_class = "plot-noise",
  hu.title = "Hum lines and A-weighted noise (dashed), left";
  hu.x = log_axis("frequency (Hz)", 40, 400);
  hu.y.label = "level (dBV)", hu.y.min_span = 20;
  for (std::size_t si = 0; si < g.sides.size(); ++si) {
    const auto& s = g.sides[si];
    const record::ConfigurationRecord& c = *s.configuration;
    const std::string col = side_color(si);
    if (const record::SweepsResult* sweeps = c.result<record::SweepsResult>())
      for (std::size_t ch = 0; ch < 2; ++ch) {
        if (!sweeps->channels[ch]) continue;
        const record::SweepChannel& sw = *sweeps->channels[ch];
        fr.series.push_back({s.label + " " + record::kChannelNames[ch], sw.frequency_hz, sw.magnitude_db,
                             svg::Mark::kLine, col, ch == 1, 0});
        if (ch != 0) continue;
        for (const auto& h : sw.harmonics)
          if (h.order == 2 || h.order == 3)
            hm.series.push_back({s.label + " H" + std::to_string(h.order), h.frequency_hz, h.level_db,
                                 svg::Mark::kLine, col, h.order == 3, 0});
      }
    svg::Series tp{s.label, {}, {}, svg::Mark::kPoints, col, false, 0};
    svg::Series ls{s.label, {}, {}, svg::Mark::kLine, col, false, 0};
    if (const record::MaxOutputResult* mx = c.result<record::MaxOutputResult>()) {
      std::vector<std::pair<double, double>> by_load;
      for (const auto& load : mx->loads) {
        by_load.emplace_back(load.nominal_ohm, load.max_output_vrms[0]);
        if (load.load != reference_load) continue;
        std::vector<std::pair<double, double>> steps;
        for (const auto& p : load.steps) {
          if (p.channel != 0) continue;
          tp.x.push_back(p.output_dbv), tp.y.push_back(p.thd_n_db);
          steps.emplace_back(p.stimulus_dbfs, p.output_dbv);
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
    if (const record::DistortionResult* d = c.result<record::DistortionResult>())
      for (const auto& p : d->points)
        if (p.channel == 0) tp.x.push_back(p.output_dbv), tp.y.push_back(p.thd_n_db);
    th.series.push_back(std::move(tp));
    lv.series.push_back(std::move(ls));
    if (const record::NoiseResult* n = c.result<record::NoiseResult>(); n && n->channels[0]) {
      const record::NoiseChannel& left = *n->channels[0];
      svg::Series hs{s.label + " hum",
                     {},
                     {},
                     svg::Mark::kStems,
                     col,
                     false,
                     (static_cast<double>(si) - 0.5 * static_cast<double>(g.sides.size() - 1)) * 4};
      for (const auto& h : left.hum) hs.x.push_back(h.frequency_hz), hs.y.push_back(h.level_dbv);
      hu.series.push_back(std::move(hs));
      if (std::isfinite(left.noise_dbv_a))
        hu.series.push_back({s.label + " noise (A)",
                             {40, 400},
                             {left.noise_dbv_a, left.noise_dbv_a},
                             svg::Mark::kLine,
                             col,
                             true,
                             0});
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
  zo.id = plot_id(gi, "impedance"), zo.css_class = "plot-impedance",
  zo.title = "Amplifier output impedance, left";
  zo.x = log_axis("frequency (Hz)", 20, 20000);
  zo.y.label = "|Z_out| (ohm)", zo.y.min = 0, zo.y.min_span = 1;
  svg::Plot hc;
  hc.id = plot_id(gi, "loading"), hc.css_class = "plot-loading",
  hc.title = "Predicted headphone response change, left";
  hc.x = log_axis("frequency (Hz)", 20, 20000);
  hc.y.label = "change re 1 kHz (dB)", hc.y.min_span = 1;
  for (std::size_t si = 0; si < g.sides.size(); ++si) {
    const record::ImpedanceResult* z = g.sides[si].configuration->result<record::ImpedanceResult>();
    if (!z) continue;
    const std::string col = side_color(si);
    const record::ImpedanceCurve& left = z->channels[0];
    zo.series.push_back(
        {g.sides[si].label, left.frequency_hz, left.impedance_ohm, svg::Mark::kLine, col, false, 0});
    bool dashed = false;
    for (const auto& hp : z->headphones) {
      hc.series.push_back({g.sides[si].label + " " + hp.load, left.frequency_hz,
                           hp.channels[0].predicted_change_db, svg::Mark::kLine, col, dashed, 0});
      dashed = true;
    }
  }
  if (!zo.series.empty()) {
    out += compare_figure(zo, "|Z_out| of each side from its sweeps into the impedance loads.");
    out += compare_figure(
        hc, "H = Z_hp/(Z_hp + Z_out) re 1 kHz per headphone of the plan (first solid, the others dashed).");
  }
  return out + "</div>\n";
}

std::string text_of(const json& j, const char* key) {
  return j.contains(key) && j.at(key).is_string() ? j.at(key).get<std::string>() : std::string();
}

std::string compared_value(const json& v, const std::string& unit) {
  if (v.is_null()) return "n/a";
  if (v.is_string()) return v.get<std::string>();
  std::string s = figure_text(v.get<double>());
  return unit.empty() ? s : s + " " + unit;
}

}  // namespace

std::string compare_html(const Comparison& comparison, const std::vector<CompareRun>& runs) {
  const json& doc = comparison.doc;
  std::string h =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>bench "
      "compare</title>\n<style>";
  h += kCompareCss;
  h += "</style>\n</head>\n<body>\n<h1>Comparison of cable configurations</h1>\n";
  h += "<p>Written " + escape_markup(text_of(doc, "created_utc")) + " by bench " +
       escape_markup(text_of(doc, "bench_version")) +
       ". Differences are each side against the first.</p>\n<table "
       "class=\"runs\"><tr><th>run</th><th>plan</th><th>created (UTC)</th><th>path</th></tr>\n";
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const json& r = doc.at("runs").at(i);
    h += "<tr><td>run " + std::to_string(i + 1) + "</td><td>" + escape_markup(text_of(r, "plan_id")) +
         "</td><td>" + escape_markup(text_of(r, "created_utc")) + "</td><td>" +
         escape_markup(text_of(r, "path")) + "</td></tr>\n";
  }
  h += "</table>\n";
  const std::string reference_load = runs.empty() ? std::string() : runs[0].record.settings.reference_load;
  for (std::size_t gi = 0; gi < comparison.groups.size(); ++gi) {
    const auto& g = comparison.groups[gi];
    const json& cj = doc.at("configurations").at(gi);
    h += "<section class=\"configuration\">\n<h2>" + escape_markup(g.id) + "</h2>\n<p>";
    for (std::size_t si = 0; si < g.sides.size(); ++si)
      h += "<span class=\"swatch\" style=\"background:" + side_color(si) + "\"></span>" +
           escape_markup(g.sides[si].label) + " (" + escape_markup(g.sides[si].fixture) + ", " +
           record::to_string(g.sides[si].configuration->outcome) + ") &nbsp; ";
    h += "</p>\n" + plots(g, gi, reference_load);
    h += "<h3>Differences</h3>\n<table class=\"differences\"><tr><th>check</th><th>where</th>";
    for (const auto& s : g.sides) h += "<th>" + escape_markup(s.label) + "</th>";
    h += "<th>difference</th><th>in words</th></tr>\n";
    for (const auto& c : cj.at("checks")) {
      bool differs = false;
      std::string dcell, scell;
      for (const auto& d : c.at("differences")) {
        const json& dv = d.at("difference");
        if (!dcell.empty()) dcell.append("<br>");
        if (dv.is_number()) {
          differs = differs || std::abs(dv.get<double>()) >= 0.005;
          std::string number = fixed(dv.get<double>(), 2);
          if (dv.get<double>() >= 0) number.insert(0, 1, '+');
          number.append(" ").append(text_of(d, "unit"));
          dcell.append(escape_markup(number));
        } else {
          differs = differs || !(d.contains("same") && d.at("same").is_boolean() && d.at("same").get<bool>());
          dcell.append("&ndash;");
        }
        scell += (scell.empty() ? "" : "<br>") + escape_markup(text_of(d, "sentence"));
      }
      h += std::string("<tr") + (differs ? " class=\"differs\"" : "") + "><td>" +
           escape_markup(text_of(c, "name")) + "</td><td>" + escape_markup(text_of(c, "qualifiers")) +
           "</td>";
      for (const auto& v : c.at("values"))
        h += "<td class=\"num\">" + escape_markup(compared_value(v, text_of(c, "unit"))) + "</td>";
      h += "<td class=\"num\">" + dcell + "</td><td>" + scell + "</td></tr>\n";
    }
    h += "</table>\n</section>\n";
  }
  const json& un = doc.at("unmatched");
  h += "<h2>On one side only</h2>\n<ul class=\"unmatched\">\n";
  std::size_t n = 0;
  for (const auto& u : un.at("configurations")) {
    std::string in;
    for (const auto& p : u.at("present_in"))
      in += (in.empty() ? "run " : ", run ") + std::to_string(p.get<std::size_t>() + 1);
    h += "<li>configuration <b>" + escape_markup(text_of(u, "fixture")) + "</b>: only in " +
         escape_markup(in) + "</li>\n";
    ++n;
  }
  for (const auto& u : un.at("checks")) {
    std::string in;
    for (const auto& p : u.at("present_in"))
      in += (in.empty() ? "side " : ", side ") + std::to_string(p.get<std::size_t>() + 1);
    const std::string q = text_of(u, "qualifiers");
    h += "<li>" + escape_markup(text_of(u, "configuration")) + ": check <b>" +
         escape_markup(text_of(u, "name")) + "</b>" + (q.empty() ? "" : " (" + escape_markup(q) + ")") +
         ": only on " + escape_markup(in) + "</li>\n";
    ++n;
  }
  if (n == 0) h += "<li>nothing: every configuration and check is on every side</li>\n";
  return h + "</ul>\n</body>\n</html>\n";
}

std::vector<std::filesystem::path> write_compare(const std::filesystem::path& dir,
                                                 const Comparison& comparison,
                                                 const std::vector<CompareRun>& runs) {
  ensure_directory(dir);
  const auto json_path = dir / "compare.json", html_path = dir / "compare.html";
  write_text_atomic(json_path, comparison.doc.dump(2) + "\n");
  write_text_atomic(html_path, compare_html(comparison, runs));
  return {json_path, html_path};
}

}  // namespace bench::report
