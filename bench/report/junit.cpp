#include "bench/report/junit.hpp"

#include <map>
#include <vector>

#include "bench/report/report_access.hpp"
#include "bench/report/write_text.hpp"

namespace bench::report {
namespace {

using access::array;
using access::escape_markup;
using access::member;
using access::text;
using nlohmann::json;

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
  return " tests=\"" + std::to_string(tests) + "\" failures=\"" + std::to_string(failures) + "\" errors=\"" + std::to_string(errors) + "\"";
}

// The value and limit of a check in one line, for the failure's body and the log of CI tools.
std::string details(const json& k) {
  const json* value = member(k, "value");
  const json* limit = member(k, "limit");
  std::string unit = text(k, "unit");
  std::string s = "value " + (value ? access::value_text(*value, 4) : std::string("n/a"));
  if (!unit.empty() && value && value->is_number()) s += " " + unit;
  s += "; limit " + (limit ? access::limit_text(*limit) : std::string("no limit"));
  if (!unit.empty() && limit && limit->is_object() && !member(*limit, "expected")) s += " " + unit;
  return s;
}

std::vector<Suite> suites(const json& report) {
  const json* plan = member(report, "plan");
  const std::string plan_id = plan ? text(*plan, "id", "plan") : "plan";
  std::vector<Suite> out;
  for (const auto& c : array(report, "configurations")) {
    Suite s;
    s.name = access::fixture_id(c);
    const std::string classname = plan_id + "." + s.name;
    std::map<std::string, int> seen;
    auto unique = [&](std::string name) {
      const int n = ++seen[name];
      return n == 1 ? name : name + " #" + std::to_string(n);
    };
    for (const auto& e : array(c, "errors"))
      s.cases.push_back({unique("bench error"), classname, Case::kError, e.is_string() ? e.get<std::string>() : e.dump(), "measurement", "", ""});
    for (const auto& k : array(c, "checks")) {
      const std::string where = access::qualifiers(k);
      Case t;
      t.name = unique(text(k, "name", "check") + (where.empty() ? "" : " [" + where + "]"));
      t.classname = classname;
      t.message = text(k, "explanation");
      t.details = details(k);
      const std::string outcome = text(k, "outcome", "error");
      if (outcome == "fail") {
        t.kind = Case::kFailure, t.type = "limit";
      } else if (outcome == "error" || (outcome != "pass" && outcome != "info")) {
        t.kind = Case::kError, t.type = "measurement";
      } else if (outcome == "info") {
        t.system_out = "recorded without a limit: " + t.details + (t.message.empty() ? "" : ": " + t.message);
      }
      s.cases.push_back(std::move(t));
    }
    out.push_back(std::move(s));
  }
  if (const json* aborted = member(report, "aborted"); aborted && aborted->is_string()) {
    Suite s;
    s.name = "run";
    s.cases.push_back({"run stopped early", plan_id + ".run", Case::kError, aborted->get<std::string>(), "aborted", "", ""});
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace

std::string junit_xml(const json& report) {
  const json* plan = member(report, "plan");
  const std::string plan_id = plan ? text(*plan, "id", "plan") : "plan";
  const auto all = suites(report);
  std::size_t tests = 0, failures = 0, errors = 0;
  for (const auto& s : all) tests += s.cases.size(), failures += s.count(Case::kFailure), errors += s.count(Case::kError);
  std::string o = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  o += "<testsuites name=\"" + escape_markup(plan_id) + "\"" + counts(tests, failures, errors) + ">\n";
  for (const auto& s : all) {
    o += "  <testsuite name=\"" + escape_markup(s.name) + "\"" + counts(s.cases.size(), s.count(Case::kFailure), s.count(Case::kError)) +
         " skipped=\"0\">\n";
    for (const auto& t : s.cases) {
      o += "    <testcase name=\"" + escape_markup(t.name) + "\" classname=\"" + escape_markup(t.classname) + "\"";
      if (t.kind == Case::kPass && t.system_out.empty()) {
        o += "/>\n";
        continue;
      }
      o += ">";
      if (t.kind != Case::kPass) {
        const char* tag = t.kind == Case::kFailure ? "failure" : "error";
        o += std::string("<") + tag + " message=\"" + escape_markup(t.message) + "\" type=\"" + escape_markup(t.type) + "\">" +
             escape_markup(t.details) + "</" + tag + ">";
      }
      if (!t.system_out.empty()) o += "<system-out>" + escape_markup(t.system_out) + "</system-out>";
      o += "</testcase>\n";
    }
    o += "  </testsuite>\n";
  }
  o += "</testsuites>\n";
  return o;
}

void write_junit(const std::filesystem::path& dir, const json& report) { write_text_atomic(dir / "junit.xml", junit_xml(report)); }

}  // namespace bench::report
