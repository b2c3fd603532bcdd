#include <algorithm>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "bench/plan/catalogue.hpp"
#include "bench/plan/load.hpp"
#include "bench/plan/load_internal.hpp"

// Limits through the catalogue: [checks.<name>] of a limit set and [steps.limits.<name>] of a step name a
// check of plan::checks() and give its limit in the forms that check accepts.

namespace bench::plan {

namespace fs = std::filesystem;
using namespace detail;

namespace {

constexpr LimitForm kEveryLimitForm[] = {LimitForm::kMin, LimitForm::kMax, LimitForm::kTolerance,
                                         LimitForm::kExpected};

// "min or max", "tolerance": the forms the check accepts, as a fix words them.
std::string accepted_forms_text(const CheckSpec& spec) {
  std::vector<std::string> forms;
  for (LimitForm f : kEveryLimitForm)
    if (accepts(spec, f)) forms.emplace_back(to_string(f));
  std::string text;
  for (std::size_t i = 0; i < forms.size(); ++i)
    text += (i == 0 ? "" : i + 1 == forms.size() ? " or " : ", ") + forms[i];
  return text;
}

Keys accepted_form_keys(const CheckSpec& spec) {
  Keys keys;
  for (LimitForm f : kEveryLimitForm)
    if (accepts(spec, f)) keys.push_back(to_string(f));
  return keys;
}

// Why the check refuses a form (what), and what to write instead (fix). path: the check's table.
std::pair<std::string, std::string> form_refusal(const CheckSpec& spec, LimitForm form,
                                                 const std::string& path) {
  const std::string head = std::string(spec.name) + " takes no " + std::string(to_string(form));
  if (accepts(spec, LimitForm::kExpected))
    return {head + " (this check takes no numbers: its presence means it is checked)",
            "leave [" + path + "] empty, or give expected = \"...\" to check for another word"};
  const std::string use = "use " + accepted_forms_text(spec);
  if (form == LimitForm::kTolerance) return {head + " (it has no expectation to be a tolerance around)", use};
  if (form == LimitForm::kExpected) return {head + " (it is a number, not a word)", use};
  return {head + " (its limit is a tolerance around the profiles' expectation)", use};
}

// The catalogue's reason a check is recorded only ("recorded only: beyond settings.drift_tolerance_ppm every
// check is ERROR"), from its definition.
std::string recorded_only_reason(const CheckSpec& spec) {
  const auto at = spec.definition.find("recorded only");
  return at == std::string_view::npos ? "it is recorded only"
                                      : "it is " + std::string(spec.definition.substr(at));
}

// "steps of kind distortion": the kinds that make the check.
std::string makers_of(std::string_view check) {
  std::vector<std::string> kinds;
  for (const StepKindSpec& k : step_kinds())
    if (std::find(k.checks.begin(), k.checks.end(), check) != k.checks.end()) kinds.emplace_back(k.kind);
  return kinds.empty() ? "no step kind makes it" : "it is made by steps of kind " + join(kinds);
}

// The checks that may be named here: every check taking a limit, or those of the step's kind.
Keys limit_choices(const StepKindSpec* kind) {
  Keys choices;
  for (const CheckSpec& c : checks())
    if (c.limit_forms != 0 && (kind == nullptr || std::find(kind->checks.begin(), kind->checks.end(),
                                                            c.name) != kind->checks.end()))
      choices.push_back(c.name);
  return choices;
}

Limit read_one_limit(const Reader& r, const CheckSpec& spec) {
  Limit limit;
  if (accepts(spec, LimitForm::kMin)) limit.min = r.optional_number("min", closed(-1e6, 1e6));
  if (accepts(spec, LimitForm::kMax)) limit.max = r.optional_number("max", closed(-1e6, 1e6));
  if (accepts(spec, LimitForm::kTolerance)) limit.tolerance = r.optional_number("tolerance", closed(0, 1e6));
  if (accepts(spec, LimitForm::kExpected) && r.has("expected"))
    limit.expected = r.string_value(*r.find("expected"), "expected");
  // A word check is made when its table is there; a number needs something to be judged against.
  if (!accepts(spec, LimitForm::kExpected) && !limit.min && !limit.max && !limit.tolerance)
    fail(r.file(), r.line(), r.path(), "no limit given",
         "set " + accepted_forms_text(spec) + ", or remove the check");
  if (limit.min && limit.max && *limit.min > *limit.max)
    r.fail_at(r.find("min"), "min",
              "min = " + number_text(*limit.min) + " is above max = " + number_text(*limit.max),
              "make min <= max");
  return limit;
}

}  // namespace

namespace detail {

std::vector<LocatedLimit> read_limit_tables(const Reader& r, std::string_view key, const StepKindSpec* kind) {
  const Keys choices = limit_choices(kind);
  const auto allowed_for = [&](const std::string& name, const std::string& path, std::uint32_t line,
                               const toml::table& table) -> Keys {
    const CheckSpec* spec = find_check(name);
    const bool made =
        kind == nullptr || std::find(kind->checks.begin(), kind->checks.end(), name) != kind->checks.end();
    const std::string use = choices.empty() ? "remove it: steps of kind " + std::string(kind->kind) +
                                                  " make no check that takes a limit"
                                            : "use one of " + join(choices);
    if (spec == nullptr) fail(r.file(), line, path, "unknown check", suggestion(name, choices) + use);
    if (!made)
      fail(
          r.file(), line, path,
          "a step of kind " + in_quotes(kind->kind) + " does not make " + name + " (" + makers_of(name) + ")",
          choices.empty() ? use : "set limits here only for the checks it makes: " + use);
    if (spec->limit_forms == 0)
      fail(r.file(), line, path, name + " takes no limit (" + recorded_only_reason(*spec) + ")",
           "remove [" + path + "]");
    for (auto&& [form_key, node] : table)
      for (LimitForm form : kEveryLimitForm)
        if (form_key.str() == to_string(form) && !accepts(*spec, form)) {
          const auto [what, fix] = form_refusal(*spec, form, path);
          const std::uint32_t at =
              form_key.source().begin.line > 0 ? form_key.source().begin.line : line_of(node);
          fail(r.file(), at, path + "." + std::string(form_key.str()), what, fix);
        }
    return accepted_form_keys(*spec);
  };
  const std::string_view example = choices.empty() ? std::string_view("thd_db") : choices.front();
  std::vector<LocatedLimit> out;
  for (const auto& [name, table] : r.named_tables(key, kind == nullptr ? "thd_db" : example, allowed_for))
    out.push_back({name, read_one_limit(table, check(name)), table.line()});
  std::stable_sort(out.begin(), out.end(),
                   [](const LocatedLimit& a, const LocatedLimit& b) { return a.line < b.line; });
  return out;
}

}  // namespace detail

LimitSet load_limits(const fs::path& file) {
  const toml::table root = parse_toml(file);
  const Reader top(file, root, "", {"limits", "checks"});
  LimitSet set;
  set.id = file.stem().string();
  set.file = file;
  set.name = top.table("limits", {"name"}).string("name");
  // A check table present means the check is made.
  for (auto& l : read_limit_tables(top, "checks", nullptr)) set.limits.emplace(l.check, std::move(l.limit));
  return set;
}

}  // namespace bench::plan
