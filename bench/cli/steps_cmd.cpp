// `bench steps [--json]`: the catalogue (bench/plan/catalogue.hpp) for people and programs: every step
// kind with its settings, needs and checks; every check with its unit, limit forms, better direction and
// definition; every setting with its unit, default and allowed range. The text is Markdown: README's
// tables of steps, checks and settings are this output.

#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "bench/cli/app.hpp"
#include "bench/plan/catalogue.hpp"

namespace bench::cli {
namespace {

using nlohmann::json;

std::string code(std::string_view s) {
  return "`" + std::string(s) + "`";
}

// A Markdown table cell: '|' would end the cell.
std::string cell(std::string_view s) {
  std::string out;
  for (const char c : s) {
    if (c == '|') out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

template <class Items, class F>
std::string joined(const Items& items, F&& each, const char* empty = "none") {
  std::string s;
  for (const auto& item : items) s += (s.empty() ? "" : ", ") + each(item);
  return s.empty() ? std::string(empty) : s;
}

std::vector<plan::LimitForm> forms_of(const plan::CheckSpec& c) {
  std::vector<plan::LimitForm> v;
  for (auto f : {plan::LimitForm::kMin, plan::LimitForm::kMax, plan::LimitForm::kTolerance,
                 plan::LimitForm::kExpected})
    if (plan::accepts(c, f)) v.push_back(f);
  return v;
}

std::string markdown() {
  std::string o =
      "### Step kinds\n\n| kind | what it measures | settings it reads | needs | checks "
      "|\n|---|---|---|---|---|\n";
  for (const auto& k : plan::step_kinds()) {
    o += "| " + code(k.kind) + " | " + cell(k.description) + " | " + joined(k.settings, code) + " | " +
         joined(k.needs,
                [](const plan::Need& n) {
                  return code(n.kind) + (n.required ? " (required: " : " (if there: ") + cell(n.what) + ")";
                }) +
         " | " + joined(k.checks, code) + " |\n";
  }
  o += "\n### Checks\n\n| check | unit | limit forms | better | given | definition "
       "|\n|---|---|---|---|---|---|\n";
  for (const auto& c : plan::checks()) {
    o += "| " + code(c.name) + " | " + (c.unit.empty() ? std::string("word") : std::string(c.unit)) + " | " +
         joined(
             forms_of(c), [](plan::LimitForm f) { return code(plan::to_string(f)); }, "none: recorded only") +
         " | " + std::string(plan::to_string(c.better)) + " | " + cell(c.where) + " | " + cell(c.definition) +
         " |\n";
  }
  o += "\n### Settings\n\n| setting | unit | default | allowed | in a step | meaning "
       "|\n|---|---|---|---|---|---|\n";
  for (const auto& s : plan::settings()) {
    const std::string range = plan::range_text(s);
    o += "| " + code(s.name) + " | " + (s.unit.empty() ? std::string("ids") : std::string(s.unit)) + " | " +
         code(plan::default_text(s)) + " | " + (range.empty() ? std::string("see meaning") : range) + " | " +
         (s.per_step ? "yes" : "no: plan-wide") + " | " + cell(s.description) + " |\n";
  }
  return o;
}

json catalogue_json() {
  json kinds = json::array(), checks = json::array(), settings = json::array();
  for (const auto& k : plan::step_kinds()) {
    json needs = json::array();
    for (const auto& n : k.needs)
      needs.push_back({{"kind", n.kind}, {"required", n.required}, {"what", n.what}});
    kinds.push_back({{"kind", k.kind},
                     {"description", k.description},
                     {"settings", k.settings},
                     {"needs", needs},
                     {"checks", k.checks}});
  }
  for (const auto& c : plan::checks()) {
    json forms = json::array();
    for (auto f : forms_of(c)) forms.push_back(plan::to_string(f));
    checks.push_back({{"name", c.name},
                      {"unit", c.unit},
                      {"limit_forms", forms},
                      {"better", plan::to_string(c.better)},
                      {"where", c.where},
                      {"definition", c.definition},
                      {"words", c.words}});
  }
  for (const auto& s : plan::settings()) {
    json j = {{"name", s.name},
              {"unit", s.unit},
              {"default", json::parse(plan::default_text(s))},
              {"per_step", s.per_step},
              {"description", s.description}};
    if (!plan::range_text(s).empty())
      j.update({{"min", s.min}, {"max", s.max}, {"min_open", s.min_open}, {"max_open", s.max_open}});
    settings.push_back(j);
  }
  return {{"schema", "bench.steps/1"}, {"step_kinds", kinds}, {"checks", checks}, {"settings", settings}};
}

}  // namespace

void add_steps(CLI::App& app) {
  auto as_json = std::make_shared<bool>(false);
  auto* s = app.add_subcommand("steps",
                               "every step kind a plan's [[steps]] may use, with its settings, needs and "
                               "checks; every check and setting");
  s->add_flag("--json", *as_json, "print \"schema\": \"bench.steps/1\" JSON instead of Markdown tables");
  s->callback([as_json] {
    const std::string out = *as_json ? catalogue_json().dump(2) + "\n" : markdown();
    std::fputs(out.c_str(), stdout);
  });
}

}  // namespace bench::cli
