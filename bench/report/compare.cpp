#include "bench/report/compare.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <map>
#include <optional>
#include <set>
#include <utility>

#include "bench/core/error.hpp"
#include "bench/core/format.hpp"
#include "bench/core/version.hpp"
#include "bench/plan/catalogue.hpp"
#include "bench/report/text.hpp"

namespace bench::report {
namespace {

using nlohmann::json;

// Points of the frequency response compared as numbers (the plots show the whole curves).
constexpr double kResponsePoints[] = {20.0, 1000.0, 20000.0};

std::string difference_unit(const std::string& unit) {
  if (unit.rfind("dB", 0) == 0) return "dB";  // dBV, dBV(A), dB: a difference of levels is in dB
  return unit;
}

// One comparable item of a configuration: a check, or a point of the frequency response (no check of the
// catalogue: `spec` is null and nothing is better or worse).
struct Item {
  std::string key, name, words, qualifiers, unit;
  const plan::CheckSpec* spec = nullptr;
  json where = json::object();  // channel, load, level_dbfs, frequency_hz
  record::Value value;
  record::LimitRecord limit;
  bool at_least = false;  // a maximum output at the interface's full scale: the true value is higher
};

double number_of(const record::Value& v) {
  return std::holds_alternative<double>(v) ? std::get<double>(v) : std::nan("");
}

json value_json(const record::Value& v) {
  if (const double* x = std::get_if<double>(&v)) return std::isfinite(*x) ? json(*x) : json(nullptr);
  if (const std::string* w = std::get_if<std::string>(&v)) return *w;
  return nullptr;
}

bool measured(const record::Value& v) {
  if (const double* x = std::get_if<double>(&v)) return !std::isnan(*x);
  return std::holds_alternative<std::string>(v);
}

// The magnitude at `f` from a sweep channel, NaN when no point lies within 3 % of it.
double response_at(const record::SweepChannel& sweep, double f) {
  double best = std::nan(""), best_err = 0.03;
  for (std::size_t i = 0; i < std::min(sweep.frequency_hz.size(), sweep.magnitude_db.size()); ++i) {
    const double err = std::abs(std::log(sweep.frequency_hz[i] / f));
    if (err <= best_err) best_err = err, best = sweep.magnitude_db[i];
  }
  return best;
}

// A maximum output the interface's full scale cut short: the step result says so per load and channel, and
// the check's explanation starts with "at least".
bool at_full_scale(const record::ConfigurationRecord& c, const record::Check& k) {
  if (k.name != plan::check("max_output_vrms").name) return false;
  if (k.explanation.rfind("at least", 0) == 0) return true;
  const record::MaxOutputResult* max_output = c.result<record::MaxOutputResult>();
  const record::MaxOutputLoad* load = max_output && k.load ? max_output->load(*k.load) : nullptr;
  if (!load || !k.channel) return false;
  for (std::size_t ch = 0; ch < 2; ++ch)
    if (*k.channel == record::kChannelNames[ch]) return load->at_full_scale[ch];
  return false;
}

std::vector<Item> items_of(const record::ConfigurationRecord& configuration) {
  std::vector<Item> items;
  std::map<std::string, int> seen;
  for (const auto& k : configuration.checks) {
    Item it;
    it.name = k.name;
    it.spec = plan::find_check(k.name);
    it.words = it.spec ? std::string(it.spec->words) : k.name;
    it.unit = it.spec ? std::string(it.spec->unit) : k.unit;
    it.qualifiers = qualifiers(k);
    if (k.channel) it.where["channel"] = *k.channel;
    if (k.load) it.where["load"] = *k.load;
    if (k.level_dbfs && std::isfinite(*k.level_dbfs)) it.where["level_dbfs"] = *k.level_dbfs;
    it.value = k.value;
    it.limit = k.limit;
    it.at_least = at_full_scale(configuration, k);
    it.key = it.name + "|" + it.qualifiers;
    if (const int n = ++seen[it.key]; n > 1) it.key += "#" + std::to_string(n);
    items.push_back(std::move(it));
  }
  const record::SweepsResult* sweeps = configuration.result<record::SweepsResult>();
  for (std::size_t ch = 0; ch < 2; ++ch) {
    if (!sweeps || !sweeps->channels[ch]) continue;
    for (const double f : kResponsePoints) {
      const double mag = response_at(*sweeps->channels[ch], f);
      if (std::isnan(mag)) continue;
      Item it;
      it.name = "frequency_response_db";
      it.words = "response";
      it.unit = "dB";
      it.where = {{"channel", record::kChannelNames[ch]}, {"frequency_hz", f}};
      it.qualifiers = std::string(record::kChannelNames[ch]) + ", " +
                      (f >= 1000 ? fixed(f / 1000, 0) + " kHz" : fixed(f, 0) + " Hz");
      it.value = mag;
      it.key = it.name + "|" + it.qualifiers;
      items.push_back(std::move(it));
    }
  }
  return items;
}

std::string value_with_unit(const Item& item) {
  std::string s = value_text(item.value);
  if (std::holds_alternative<double>(item.value) && measured(item.value) && !item.unit.empty())
    s += " " + item.unit;
  return item.at_least && measured(item.value) ? "at least " + s : s;
}

// Whether side b is better (true) or worse (false) than side a, as the catalogue's direction of the check
// says; nothing when it says nothing (no such check, or equal by its measure).
std::optional<bool> verdict(const Item& a, const Item& b) {
  if (!a.spec) return std::nullopt;
  auto by = [](double da, double db) -> std::optional<bool> {
    if (!std::isfinite(da) || !std::isfinite(db) || da == db) return std::nullopt;
    return db < da;  // the smaller measure is better
  };
  const double va = number_of(a.value), vb = number_of(b.value);
  switch (a.spec->better) {
    case plan::Better::kLower:
      return by(va, vb);
    case plan::Better::kHigher:
      return by(-va, -vb);
    case plan::Better::kCloserToZero:
      return by(std::abs(va), std::abs(vb));
    case plan::Better::kCloserToExpected: {
      const double ea = number_of(a.limit.expected), eb = number_of(b.limit.expected);
      return by(std::abs(va - ea), std::abs(vb - eb));
    }
    case plan::Better::kMatch: {
      auto matches = [](const Item& i) {
        const std::string* word = std::get_if<std::string>(&i.value);
        const std::string* expected = std::get_if<std::string>(&i.limit.expected);
        return word && expected && *word == *expected;
      };
      if (matches(a) == matches(b)) return std::nullopt;
      return matches(b);
    }
  }
  return std::nullopt;
}

// One sentence: "<side b> against <side a>, <configuration>: THD+N (left, -6 dBFS) 9.00 dB higher, worse
// (-80.00 vs -89.00 dB)".
std::string sentence(const std::string& group, const CompareSide& a, const CompareSide& b, const Item& ia,
                     const Item& ib, const std::optional<double>& diff, const std::optional<bool>& better) {
  std::string s = b.label + " against " + a.label + (group.empty() ? "" : ", " + group) + ": " + ia.words;
  if (!ia.qualifiers.empty()) s += " (" + ia.qualifiers + ")";
  const std::string word = better ? (*better ? ", better" : ", worse") : "";
  if (!measured(ia.value) || !measured(ib.value)) {
    if (!measured(ia.value) && !measured(ib.value)) return s + " not measured on either side";
    return s + " not measured on " + (!measured(ia.value) ? a.label : b.label) + " (" + value_text(ia.value) +
           " vs " + value_text(ib.value) + ")";
  }
  if (diff) {
    const std::string unit = difference_unit(ia.unit);
    const int digits = unit == "Vrms" ? 3 : 2;
    if (std::abs(*diff) < 0.5 * std::pow(10.0, -digits))
      s += " the same";
    else
      s += " " + fixed(std::abs(*diff), digits) + (unit.empty() ? "" : " " + unit) +
           (*diff > 0 ? " higher" : " lower") + word;
    return s + " (" + value_with_unit(ib) + " vs " + value_with_unit(ia) + ")";
  }
  const bool same = value_text(ia.value) == value_text(ib.value);
  return s + (same ? " the same (" + value_text(ia.value) + ")"
                   : " differs" + word + ": " + value_text(ib.value) + " vs " + value_text(ia.value));
}

json side_json(const CompareSide& s) {
  json j = {{"run", s.run}, {"fixture", s.fixture}, {"label", s.label}};
  if (s.configuration) j["outcome"] = record::to_string(s.configuration->outcome);
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
  // Two configurations of one run are named by the sides' labels already.
  const std::string group = g.sides.size() == 2 && g.sides[0].fixture != g.sides[1].fixture ? "" : g.id;
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
        json u = {{"configuration", g.id},
                  {"name", it.name},
                  {"qualifiers", it.qualifiers},
                  {"present_in", present}};
        u.update(it.where);
        unmatched_checks.push_back(u);
        continue;
      }
      json c = {{"name", it.name}, {"qualifiers", it.qualifiers}, {"unit", it.unit}};
      c.update(it.where);
      json values = json::array(), diffs = json::array();
      for (const auto* f : found) values.push_back(value_json(f->value));
      const Item& base = *found[0];
      for (std::size_t o = 1; o < found.size(); ++o) {
        const Item& other = *found[o];
        std::optional<double> d;
        if (std::holds_alternative<double>(base.value) && std::holds_alternative<double>(other.value) &&
            measured(base.value) && measured(other.value))
          d = number_of(other.value) - number_of(base.value);
        const std::optional<bool> better =
            measured(base.value) && measured(other.value) ? verdict(base, other) : std::nullopt;
        json entry = {{"side", o},
                      {"against", 0},
                      {"difference", d ? json(*d) : json(nullptr)},
                      {"unit", difference_unit(it.unit)},
                      {"verdict", better ? json(*better ? "better" : "worse") : json(nullptr)},
                      {"sentence", sentence(group, g.sides[0], g.sides[o], base, other, d, better)}};
        if (!d) entry["same"] = value_json(base.value) == value_json(other.value);
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
  return {{"index", i},
          {"plan_id", r.record.plan.id},
          {"created_utc", r.record.created_utc},
          {"path", r.dir.string()}};
}

std::string run_label(const std::vector<CompareRun>& runs, std::size_t i) {
  std::string l = "run " + std::to_string(i + 1);
  if (!runs[i].record.plan.id.empty()) l += " (" + runs[i].record.plan.id + ")";
  return l;
}

Comparison finish(std::vector<CompareGroup> groups, json runs, std::string mode,
                  json unmatched_configurations) {
  Comparison c;
  json unmatched_checks = json::array();
  json configurations = json::array();
  for (const auto& g : groups) configurations.push_back(compare_group(g, unmatched_checks));
  c.doc = {
      {"schema", "bench.compare/1"},
      {"bench_version", kVersion},
      {"created_utc", utc_now()},
      {"mode", std::move(mode)},
      {"runs", std::move(runs)},
      {"configurations", std::move(configurations)},
      {"unmatched",
       {{"configurations", std::move(unmatched_configurations)}, {"checks", std::move(unmatched_checks)}}}};
  c.groups = std::move(groups);
  return c;
}

const record::ConfigurationRecord* find_configuration(const record::RunRecord& run,
                                                      const std::string& fixture) {
  for (const auto& c : run.configurations)
    if (c.fixture.id == fixture) return &c;
  return nullptr;
}

}  // namespace

Comparison compare_runs(const std::vector<CompareRun>& runs) {
  json runs_j = json::array();
  for (std::size_t i = 0; i < runs.size(); ++i) runs_j.push_back(run_json(runs[i], i));
  std::vector<std::string> order;
  std::map<std::string, std::vector<std::size_t>> present;
  for (std::size_t i = 0; i < runs.size(); ++i)
    for (const auto& c : runs[i].record.configurations) {
      auto& p = present[c.fixture.id];
      if (p.empty()) order.push_back(c.fixture.id);
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
    for (std::size_t i = 0; i < runs.size(); ++i)
      g.sides.push_back({i, id, run_label(runs, i), find_configuration(runs[i].record, id)});
    groups.push_back(std::move(g));
  }
  return finish(std::move(groups), std::move(runs_j), "runs", std::move(unmatched));
}

Comparison compare_configurations(const CompareRun& run, const std::string& a, const std::string& b) {
  CompareGroup g;
  g.id = a + " vs " + b;
  for (const auto& f : {a, b}) {
    const record::ConfigurationRecord* c = find_configuration(run.record, f);
    if (!c)
      throw InputError((run.dir / "report.json").string() + ": no configuration with fixture id '" + f +
                       "': pick two fixture ids of that run");
    g.sides.push_back({0, f, f, c});
  }
  json runs_j = json::array({run_json(run, 0)});
  std::vector<CompareGroup> groups;
  groups.push_back(std::move(g));
  return finish(std::move(groups), std::move(runs_j), "configurations", json::array());
}

}  // namespace bench::report
