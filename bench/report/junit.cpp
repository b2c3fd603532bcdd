#include "bench/report/junit.hpp"

#include <cmath>
#include <map>
#include <vector>

#include "bench/plan/catalogue.hpp"
#include "bench/report/text.hpp"
#include "bench/report/write_text.hpp"

namespace bench::report {
namespace {

struct Case {
  std::string name, classname;
  enum Kind { kPass, kFailure, kError } kind = kPass;
  std::string message, type, details, system_out;
};

struct Suite {
  std::string name;
  std::vector<Case> cases;
  [[nodiscard]] std::size_t count(Case::Kind k) const {
    std::size_t n = 0;
    for (const auto& c : cases) n += c.kind == k;
    return n;
  }
};

std::string counts(std::size_t tests, std::size_t failures, std::size_t errors) {
  return " tests=\"" + std::to_string(tests) + "\" failures=\"" + std::to_string(failures) + "\" errors=\"" +
         std::to_string(errors) + "\"";
}

// The value and limit of a check in one line, for the failure's body and the log of CI tools.
std::string details(const record::Check& k) {
  const plan::CheckSpec* spec = plan::find_check(k.name);
  const std::string unit = spec ? std::string(spec->unit) : k.unit;
  const bool number = std::holds_alternative<double>(k.value) && !std::isnan(std::get<double>(k.value));
  std::string s = "value " + value_text(k.value, 4);
  if (!unit.empty() && number) s += " " + unit;
  s += "; limit " + limit_text(k.limit);
  if (!unit.empty() && !k.limit.empty() && std::holds_alternative<std::monostate>(k.limit.expected))
    s += " " + unit;
  return s;
}

std::vector<Suite> suites(const record::RunRecord& run) {
  const std::string plan_id = run.plan.id.empty() ? "plan" : run.plan.id;
  std::vector<Suite> out;
  for (const auto& c : run.configurations) {
    Suite s;
    s.name = c.fixture.id;
    const std::string classname = plan_id + "." + s.name;
    std::map<std::string, int> seen;
    auto unique = [&](std::string name) {
      const int n = ++seen[name];
      return n == 1 ? name : name + " #" + std::to_string(n);
    };
    for (const auto& e : c.errors)
      s.cases.push_back({unique("bench error"), classname, Case::kError, e, "measurement", "", ""});
    for (const auto& step : c.steps)
      if (step.error)
        s.cases.push_back(
            {unique("step " + step.id), classname, Case::kError, *step.error, "measurement", "", ""});
    for (const auto& k : c.checks) {
      const std::string where = qualifiers(k);
      Case t;
      t.name = unique(k.name + (where.empty() ? "" : " [" + where + "]"));
      t.classname = classname;
      t.message = k.explanation;
      t.details = details(k);
      if (k.outcome == record::Outcome::kFail) {
        t.kind = Case::kFailure, t.type = "limit";
      } else if (k.outcome == record::Outcome::kError) {
        t.kind = Case::kError, t.type = "measurement";
      } else if (k.outcome == record::Outcome::kInfo) {
        t.system_out = "recorded without a limit: " + t.details + (t.message.empty() ? "" : ": " + t.message);
      }
      s.cases.push_back(std::move(t));
    }
    out.push_back(std::move(s));
  }
  if (run.aborted || run.in_progress) {
    Suite s;
    s.name = "run";
    if (run.aborted)
      s.cases.push_back(
          {"run stopped early", plan_id + ".run", Case::kError, *run.aborted, "aborted", "", ""});
    if (run.in_progress)
      s.cases.push_back({"run did not finish", plan_id + ".run", Case::kError,
                         std::to_string(run.configurations.size()) + " of " +
                             std::to_string(run.in_progress->configurations_planned) +
                             " configurations finished when the record was written",
                         "in_progress", "", ""});
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace

std::string junit_xml(const record::RunRecord& run) {
  const std::string plan_id = run.plan.id.empty() ? "plan" : run.plan.id;
  const auto all = suites(run);
  std::size_t tests = 0, failures = 0, errors = 0;
  for (const auto& s : all)
    tests += s.cases.size(), failures += s.count(Case::kFailure), errors += s.count(Case::kError);
  std::string o = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  o += "<testsuites name=\"" + escape_markup(plan_id) + "\"" + counts(tests, failures, errors) + ">\n";
  for (const auto& s : all) {
    o += "  <testsuite name=\"" + escape_markup(s.name) + "\"" +
         counts(s.cases.size(), s.count(Case::kFailure), s.count(Case::kError)) + " skipped=\"0\">\n";
    for (const auto& t : s.cases) {
      o += "    <testcase name=\"" + escape_markup(t.name) + "\" classname=\"" + escape_markup(t.classname) +
           "\"";
      if (t.kind == Case::kPass && t.system_out.empty()) {
        o += "/>\n";
        continue;
      }
      o += ">";
      if (t.kind != Case::kPass) {
        const char* tag = t.kind == Case::kFailure ? "failure" : "error";
        o += std::string("<") + tag + " message=\"" + escape_markup(t.message) + "\" type=\"" +
             escape_markup(t.type) + "\">" + escape_markup(t.details) + "</" + tag + ">";
      }
      if (!t.system_out.empty()) o += "<system-out>" + escape_markup(t.system_out) + "</system-out>";
      o += "</testcase>\n";
    }
    o += "  </testsuite>\n";
  }
  o += "</testsuites>\n";
  return o;
}

void write_junit(const std::filesystem::path& dir, const record::RunRecord& run) {
  write_text_atomic(dir / "junit.xml", junit_xml(run));
}

}  // namespace bench::report
