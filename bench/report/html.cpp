#include "bench/report/html.hpp"

#include <cctype>
#include <cmath>
#include <string_view>
#include <vector>

#include "bench/plan/catalogue.hpp"
#include "bench/report/html_plots.hpp"
#include "bench/report/record_json.hpp"
#include "bench/report/text.hpp"
#include "bench/report/write_text.hpp"

namespace bench::report {
namespace {

using record::ConfigurationRecord;
using record::Outcome;
using record::RunRecord;

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

std::string badge(Outcome outcome, bool big = false) {
  return std::string("<span class=\"badge ") + record::to_string(outcome) + (big ? " big" : "") + "\">" +
         upper(outcome) + "</span>";
}

// An anchor unique within the page: the configuration's position plus its id, in [A-Za-z0-9_-].
std::string anchor(std::size_t index, const std::string& fixture_id) {
  std::string a = "cfg" + std::to_string(index + 1) + "-";
  for (const char c : fixture_id)
    a += std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' ? c : '-';
  return a;
}

// A check's words and unit come from the catalogue; a name outside it (a record made by hand) shows as it is.
std::string words_of(const record::Check& k) {
  const plan::CheckSpec* spec = plan::find_check(k.name);
  return spec ? std::string(spec->words) : k.name;
}

std::string unit_of(const record::Check& k) {
  const plan::CheckSpec* spec = plan::find_check(k.name);
  return spec ? std::string(spec->unit) : k.unit;
}

std::string check_line(const record::Check& k) {
  const std::string where = qualifiers(k);
  std::string s = "<b>" + escape_markup(words_of(k)) + "</b>";
  if (!where.empty()) s += " (" + escape_markup(where) + ")";
  // A value that could not be measured (NaN, or no word) is left out: the explanation says why.
  const double* number = std::get_if<double>(&k.value);
  if (std::holds_alternative<std::string>(k.value) || (number && !std::isnan(*number))) {
    s += " = " + escape_markup(value_text(k.value));
    const std::string unit = unit_of(k);
    if (!unit.empty() && number) s += " " + escape_markup(unit);
  }
  if (!k.explanation.empty()) s += ": " + escape_markup(k.explanation);
  if (k.outcome == Outcome::kError) s = "<span class=\"badge error\">ERROR</span> " + s;
  return s;
}

// Why a configuration is not PASS: the bench's own errors, each step's, then the failed and errored checks.
std::vector<std::string> reasons(const ConfigurationRecord& c) {
  std::vector<std::string> r;
  for (const auto& e : c.errors)
    r.push_back("<span class=\"badge error\">ERROR</span> the bench could not measure: " + escape_markup(e));
  for (const auto& s : c.steps)
    if (s.error)
      r.push_back("<span class=\"badge error\">ERROR</span> step " + escape_markup(s.id) +
                  " could not measure: " + escape_markup(*s.error));
  for (const auto& k : c.checks)
    if (k.outcome == Outcome::kFail || k.outcome == Outcome::kError) r.push_back(check_line(k));
  return r;
}

// A step's outcome: ERROR when it could not measure, else the worst of its checks (INFO when none is judged).
Outcome step_outcome(const ConfigurationRecord& c, const record::StepRecord& s) {
  if (s.error) return Outcome::kError;
  Outcome o = Outcome::kInfo;
  for (const auto& k : c.checks)
    if (k.step == s.id && k.outcome != Outcome::kInfo)
      o = o == Outcome::kInfo ? k.outcome : record::worst(o, k.outcome);
  return o;
}

std::string sequence_table(const ConfigurationRecord& c) {
  if (c.steps.empty()) return "<p class=\"sub\">No step ran.</p>";
  std::string o =
      "<table class=\"sequence\"><thead><tr><th>step</th><th>kind</th><th class=\"num\">audio (s)</th><th "
      "class=\"num\">takes</th>"
      "<th>outcome</th></tr></thead><tbody>";
  for (const auto& s : c.steps) {
    const Outcome outcome = step_outcome(c, s);
    o += std::string("<tr class=\"outcome-") + record::to_string(outcome) + "\"><td class=\"nowrap\">" +
         escape_markup(s.id) + "</td><td>" + escape_markup(s.kind) + "</td><td class=\"num\">" +
         fixed(s.audio_s, 1) + "</td><td class=\"num\">" + std::to_string(s.takes) + "</td><td>" +
         badge(outcome) + (s.error ? " " + escape_markup(*s.error) : std::string()) + "</td></tr>";
  }
  return o + "<tr><td>total</td><td></td><td class=\"num\">" + fixed(c.audio_s(), 1) +
         "</td><td></td><td></td></tr></tbody></table>";
}

std::string levels_table(const RunRecord& run, const ConfigurationRecord& c) {
  const record::LevelResult* level = c.result<record::LevelResult>();
  if (!level) return {};
  const double f = html_plots::settings_for<record::LevelResult>(run, c).tone_frequency_hz;
  std::string o =
      "<table class=\"levels\"><thead><tr><th>Level at " +
      (std::isfinite(f) ? fixed(f, 0) + " Hz" : std::string("the test tone")) + ", " +
      fixed(level->stimulus_dbfs, 1) +
      " dBFS</th><th class=\"num\">source, open circuit</th><th class=\"num\">expected across the load</th>"
      "<th class=\"num\">left</th><th class=\"num\">right</th></tr></thead><tbody><tr><td>level "
      "(dBV)</td><td class=\"num\">" +
      fixed(level->source_dbv, 2) + "</td><td class=\"num\">" + fixed(level->expected_dbv, 2) + "</td>";
  for (const double v : level->level_dbv) o += "<td class=\"num\">" + fixed(v, 2) + "</td>";
  return o + "</tr></tbody></table>";
}

std::string checks_table(const ConfigurationRecord& c) {
  std::string o =
      "<table class=\"checks\"><thead><tr><th>check</th><th>channel / load / "
      "level</th><th>value</th><th>unit</th><th>limit</th><th>outcome</th>"
      "<th>explanation</th></tr></thead><tbody>";
  for (const auto& k : c.checks) {
    const plan::CheckSpec* spec = plan::find_check(k.name);
    o += std::string("<tr class=\"outcome-") + record::to_string(k.outcome) + "\"><td class=\"nowrap\"" +
         (spec ? " title=\"" + escape_markup(spec->definition) + "\"" : std::string()) + ">" +
         escape_markup(words_of(k)) + "<div class=\"sub\">" + escape_markup(k.name) + "</div></td><td>" +
         escape_markup(qualifiers(k)) + "</td><td class=\"num\">" + escape_markup(value_text(k.value)) +
         "</td><td>" + escape_markup(unit_of(k)) + "</td><td class=\"nowrap\">" +
         escape_markup(limit_text(k.limit)) + "</td><td>" + badge(k.outcome) + "</td><td>" +
         escape_markup(k.explanation) + "</td></tr>";
  }
  return o + "</tbody></table>";
}

std::string fixture_line(const ConfigurationRecord& c) {
  const record::FixtureRecord& f = c.fixture;
  std::string s = escape_markup(f.source_port) + " (" + escape_markup(plan::to_string(f.source_connector)) +
                  ") → " + escape_markup(f.destination_input) + " (" +
                  escape_markup(plan::to_string(f.destination_connector)) + ")";
  s += f.balanced ? ", balanced" : ", unbalanced";
  if (std::isfinite(f.expected_level_change_db) && f.expected_level_change_db != 0)
    s += ", expected level change " + fixed(f.expected_level_change_db, 1) + " dB";
  if (!f.cable.empty()) s += "; cable: " + escape_markup(f.cable);
  std::string o = "<p class=\"meta\">" + s + "</p>";
  if (!f.instruction.empty()) o += "<p class=\"meta\">Set-up: " + escape_markup(f.instruction) + "</p>";
  return o;
}

std::string section(const RunRecord& run, const ConfigurationRecord& c, std::size_t index) {
  const std::string& id = c.fixture.id;
  const std::string a = anchor(index, id);
  std::string o = std::string("<section class=\"configuration outcome-") + record::to_string(c.outcome) +
                  "\" id=\"" + a + "\" data-fixture=\"" + escape_markup(id) + "\">";
  o += "<h2>" + badge(c.outcome) + " " + escape_markup(id) +
       (c.fixture.name.empty() ? "" : ": " + escape_markup(c.fixture.name)) + "</h2>";
  o += fixture_line(c);
  const auto why = reasons(c);
  if (!why.empty()) {
    const bool error = c.outcome == Outcome::kError;
    o += std::string("<div class=\"why") + (error ? " error" : "") + "\"><b>" +
         (error ? "Why ERROR" : "Why FAIL") + "</b><ul class=\"reasons\">";
    for (const auto& r : why) o += "<li>" + r + "</li>";
    o += "</ul></div>";
  }
  o += "<div class=\"plots\">";
  o += html_plots::frequency_response(c, a);
  o += html_plots::harmonics(c, a);
  o += html_plots::thd_n(run, c, a);
  o += html_plots::hum(c, a);
  o += html_plots::crosstalk(c, a);
  o += html_plots::phase(c, a);
  o += html_plots::imd(c, a);
  o += html_plots::impedance(c, a);
  o += "</div>";
  o += levels_table(run, c);
  o += "<h3>Sequence</h3>" + sequence_table(c);
  o += "<h3>Checks</h3>" + checks_table(c);
  if (!c.captures.empty())
    o += "<p class=\"sub\">" + std::to_string(c.captures.size()) +
         " captures (float WAV with JSON sidecars) under captures/" + escape_markup(id) + "/</p>";
  return o + "</section>";
}

std::string summary_table(const RunRecord& run) {
  std::string o =
      "<table class=\"summary\"><thead><tr><th>cable configuration</th><th>outcome</th><th>failed checks and "
      "why</th></tr></thead><tbody>";
  for (std::size_t i = 0; i < run.configurations.size(); ++i) {
    const ConfigurationRecord& c = run.configurations[i];
    o += std::string("<tr class=\"outcome-") + record::to_string(c.outcome) + "\"><td><a href=\"#" +
         anchor(i, c.fixture.id) + "\">" + escape_markup(c.fixture.id) + "</a>" +
         (c.fixture.name.empty() ? "" : "<div class=\"sub\">" + escape_markup(c.fixture.name) + "</div>") +
         "</td><td>" + badge(c.outcome) + "</td><td>";
    const auto why = reasons(c);
    if (why.empty()) {
      std::size_t passed = 0, info = 0;
      for (const auto& k : c.checks) (k.outcome == Outcome::kInfo ? info : passed)++;
      o += "all " + std::to_string(passed) + " checks pass" +
           (info ? " (" + std::to_string(info) + " recorded without a limit)" : "");
    } else {
      o += "<ul class=\"reasons\">";
      for (const auto& r : why) o += "<li>" + r + "</li>";
      o += "</ul>";
    }
    o += "</td></tr>";
  }
  return o + "</tbody></table>";
}

// The plan's sequence and the audio the run played.
std::string sequence_line(const RunRecord& run) {
  std::string steps;
  for (const auto& s : run.steps) steps += (steps.empty() ? "" : " → ") + escape_markup(s.id);
  double audio_s = 0;
  for (const auto& c : run.configurations) audio_s += c.audio_s();
  return "<p class=\"meta\">Sequence" +
         std::string(run.default_steps ? " (the default)" : " (the plan's [[steps]])") + ": " +
         (steps.empty() ? std::string("none") : steps) + "; " + fixed(audio_s, 1) + " s of audio in all.</p>";
}

std::string definitions(const RunRecord& run) {
  const plan::MeasurementSettings& s = run.settings;
  std::string o = "<details open><summary>Measurement settings and definitions</summary>";
  o += "<p class=\"meta\">Sample rate " + fixed(s.sample_rate_hz, 0) + " Hz; sweep " +
       fixed(s.sweep_f1_hz, 0) + " Hz to " + fixed(s.sweep_f2_hz, 0) + " Hz, " +
       fixed(s.sweep_duration_s, 1) + " s at " + fixed(s.sweep_level_dbfs, 1) + " dBFS; tone " +
       fixed(s.tone_frequency_hz, 0) + " Hz at " + fixed(s.test_level_dbfs, 1) + " dBFS; reference load " +
       escape_markup(s.reference_load) + "; ADC full scale " + fixed(run.adc_fullscale_vrms, 2) +
       " Vrms.</p>";
  if (!run.definitions.empty()) {
    o += "<dl class=\"definitions\">";
    for (const auto& [name, text] : run.definitions)
      o += "<dt>" + escape_markup(name) + "</dt><dd>" + escape_markup(text) + "</dd>";
    o += "</dl>";
  }
  return o + "</details>";
}

}  // namespace

std::string html_report(const RunRecord& run) {
  const std::string plan_id = run.plan.id.empty() ? std::string("plan") : run.plan.id;
  const auto counts = run.counts();
  std::string o;
  o.reserve(600000);
  o += "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" "
       "content=\"width=device-width, initial-scale=1\">";
  o += "<title>" + escape_markup(upper(run.outcome) + ": bench run " + plan_id) + "</title>";
  o += "<style>" + std::string(kCss) + "</style></head><body>";
  o += "<header><h1>" + badge(run.outcome, true) + " " + escape_markup(plan_id) +
       (run.plan.name.empty() ? "" : ": " + escape_markup(run.plan.name)) + "</h1>";
  o += "<p class=\"meta\">" + std::to_string(run.configurations.size()) +
       " cable configurations: " + std::to_string(counts[0]) + " pass, " + std::to_string(counts[1]) +
       " fail, " + std::to_string(counts[2]) + " error.</p>";
  std::string meta = "Created " + run.created_utc + " by bench " + run.bench_version + ", backend " +
                     run.backend + ", seed " + std::to_string(run.seed);
  std::string gear;
  for (const auto& [role, p] :
       {std::pair<const char*, const record::ProfileRef*>{"interface", &run.interface},
        {"amp", &run.amp},
        {"adc", &run.adc},
        {"limits", &run.limits}})
    if (!p->id.empty() || !p->name.empty())
      gear += std::string(gear.empty() ? "" : ", ") + role + " " + (p->name.empty() ? p->id : p->name);
  if (!gear.empty()) meta += ". " + gear;
  o += "<p class=\"meta\">" + escape_markup(meta) + ".</p>";
  o += sequence_line(run);
  if (run.aborted)
    o += "<p class=\"notice\"><b>The run stopped early:</b> " + escape_markup(*run.aborted) +
         ". Only the configurations measured so far are reported.</p>";
  if (run.in_progress)
    o += "<p class=\"notice\"><b>The run did not finish:</b> " + std::to_string(run.configurations.size()) +
         " of " + std::to_string(run.in_progress->configurations_planned) +
         " configurations were finished when this record was written (the bench was killed, the machine "
         "stopped, or the run is still going). Run the plan again for the others.</p>";
  if (run.reanalysis_of)
    o += "<p class=\"meta\">Re-analysis of " + escape_markup(run.reanalysis_of->run_dir) + ": " +
         std::to_string(run.reanalysis_of->identical_checks) + " of " +
         std::to_string(run.reanalysis_of->checks) + " checks identical.</p>";
  o += "<p class=\"meta\">PASS: within limits. FAIL: the device or cable is out of limits. ERROR: the bench "
       "could not measure (not the "
       "device's fault).</p></header>";
  o += "<h2>Summary</h2>" + summary_table(run);
  for (std::size_t i = 0; i < run.configurations.size(); ++i) o += section(run, run.configurations[i], i);
  o += "<footer>" + definitions(run) + "<p class=\"sub\">Derived from report.json (" +
       std::string(kReportSchema) + "); rebuild with <code>bench report RUN_DIR</code>.</p></footer>";
  o += "</body></html>\n";
  return o;
}

void write_html(const std::filesystem::path& dir, const RunRecord& run) {
  write_text_atomic(dir / "index.html", html_report(run));
}

}  // namespace bench::report
