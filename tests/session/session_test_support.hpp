#pragma once

// Shared helpers of the whole-bench tests: the repository's plans, cut down to the configurations and
// loads a test needs, run once per process through the Sim endpoint and the Sequencer, and lookups of
// checks in the result.
//
// ctest runs every test in its own process (gtest_discover_tests), so a run is made lazily, the first
// time a test in this process asks for it, and shared by every later test of the same process (the whole
// binary run directly shares every run). Plans are cut to the fixtures a test inspects so that each test
// process stays short.

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <vector>

#include "bench/plan/load.hpp"
#include "bench/plan/model.hpp"
#include "bench/plan/steps.hpp"
#include "bench/record/record.hpp"
#include "bench/session/sequencer.hpp"
#include "bench/session/sim_endpoint.hpp"

namespace bench::session::test {

namespace fs = std::filesystem;
using record::Check;
using record::ConfigurationRecord;
using record::Outcome;

/// The repository root: this file is tests/session/session_test_support.hpp.
/// The whole file, bytes as they are.
inline std::string slurp_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// `s` as one shell word, in single quotes.
inline std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) {
    if (c == '\'')
      q.append("'\\''");
    else
      q.push_back(c);
  }
  return q + "'";
}

inline fs::path repo_root() {
  return fs::path(__FILE__).parent_path().parent_path().parent_path();
}

inline fs::path plan_file(const std::string& name) {
  return repo_root() / "profiles" / "plans" / (name + ".toml");
}

/// 20*log10(z_load / (z_load + z_source)).
inline double divider_db(double z_source_ohm, double z_load_ohm) {
  return 20.0 * std::log10(z_load_ohm / (z_load_ohm + z_source_ohm));
}

inline double parallel_ohm(double a, double b) {
  return a * b / (a + b);
}

/// A fresh directory under BENCH_TEST_TMP/session, unique per process (ctest may run tests in parallel).
inline fs::path fresh_dir(const std::string& name) {
  std::string clean = name;
  for (char& c : clean)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-') c = '_';
  const fs::path dir = fs::path(BENCH_TEST_TMP) / "session" / (clean + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

/// The plan `name` (profiles/plans/<name>.toml) as loaded, loaded once per process.
inline const plan::Plan& base_plan(const std::string& name) {
  static std::map<std::string, std::unique_ptr<plan::Plan>> cache;
  auto& slot = cache[name];
  if (!slot) {
    slot = std::make_unique<plan::Plan>(plan::load_plan(plan_file(name)));
    // The tests built on the demo plan are about the cable checks: the output impedance measurement it
    // also asks for has its own tests (impedance_measurement_test.cpp, on the impedance plans, which keep
    // theirs), and run_cli_test.cpp runs the whole demo as shipped.
    if (name == "demo") {
      slot->settings.impedance_loads.clear();
      slot->settings.impedance_ports.clear();
      slot->impedance_loads.clear();
      slot->steps = plan::default_sequence(*slot);
    }
  }
  return *slot;
}

/// A copy of a plan holding only the named fixtures (in that order) and loads (plan order). Fails the
/// test (and returns the copy unchanged) if a name is not in the plan.
inline plan::Plan cut_plan(const plan::Plan& full, const std::vector<std::string>& fixtures,
                           const std::vector<std::string>& loads) {
  plan::Plan p = full;
  p.fixtures.clear();
  for (const auto& id : fixtures) {
    bool found = false;
    for (const auto& f : full.fixtures)
      if (f.id == id) p.fixtures.push_back(f), found = true;
    EXPECT_TRUE(found) << "fixture " << id << " is not in " << full.file;
  }
  p.loads.clear();
  for (const auto& l : full.loads)
    for (const auto& id : loads)
      if (l.id == id) p.loads.push_back(l);
  EXPECT_EQ(p.loads.size(), loads.size()) << "a load is not in " << full.file;
  return p;
}

/// Rebuilds the plan's sequence from its (edited) settings: the default sequence, or only the steps of
/// the given kinds. Tests that change settings or loads of a loaded plan call it, since each step carries
/// its own copy of the settings.
inline plan::Plan& resequence(plan::Plan& p, const std::vector<std::string>& kinds = {}) {
  p.steps = plan::default_sequence(p);
  if (!kinds.empty())
    std::erase_if(p.steps, [&](const plan::Step& s) {
      return std::find(kinds.begin(), kinds.end(), s.kind) == kinds.end();
    });
  return p;
}

/// A plan and what the bench made of it.
struct BenchRun {
  plan::Plan plan;
  SessionResult result;

  /// The result of one configuration; fails the test and returns an empty one if it is missing.
  [[nodiscard]] const ConfigurationRecord& config(const std::string& fixture_id) const {
    for (const auto& c : result.configurations)
      if (c.fixture.id == fixture_id) return c;
    ADD_FAILURE() << "no configuration " << fixture_id << " in the result";
    static const ConfigurationRecord empty;
    return empty;
  }
  [[nodiscard]] const plan::Fixture& fixture(const std::string& fixture_id) const {
    for (const auto& f : plan.fixtures)
      if (f.id == fixture_id) return f;
    throw std::runtime_error("no fixture " + fixture_id + " in the plan");
  }
  [[nodiscard]] const plan::Load& load(const std::string& id) const {
    for (const auto& l : plan.loads)
      if (l.id == id) return l;
    throw std::runtime_error("no load " + id + " in the plan");
  }
};

/// Runs a plan through the Sim endpoint and the Sequencer, captures into run_dir.
inline SessionResult run_session(const plan::Plan& p, std::uint64_t seed, const fs::path& run_dir) {
  SimEndpoint endpoint(p, seed);
  RunOptions options;
  options.run_dir = run_dir;
  return Sequencer(p, endpoint, options).run();
}

/// Runs `p` once per process under `key` and keeps the result; the captures are removed afterwards (the
/// in-process tests read the SessionResult, not the files).
inline const BenchRun& cached_run(const std::string& key, const std::function<plan::Plan()>& make,
                                  std::uint64_t seed = 1) {
  static std::map<std::string, std::unique_ptr<BenchRun>> cache;
  auto& slot = cache[key];
  if (!slot) {
    auto run = std::make_unique<BenchRun>();
    run->plan = make();
    const fs::path dir = fresh_dir(key);
    run->result = run_session(run->plan, seed, dir);
    fs::remove_all(dir);
    slot = std::move(run);
  }
  return *slot;
}

/// One fixture of a shipped plan, with only the given loads (the reference load must be among them).
inline const BenchRun& single_fixture_run(const std::string& plan_name, const std::string& fixture_id,
                                          const std::vector<std::string>& loads = {"r300"}) {
  std::string key = plan_name + "." + fixture_id;
  for (const auto& l : loads) key += "." + l;
  return cached_run(key, [&] { return cut_plan(base_plan(plan_name), {fixture_id}, loads); });
}

/// Every check named `name` (and on `channel`, and into `load`, when given).
inline std::vector<const Check*> checks_named(const ConfigurationRecord& c, const std::string& name,
                                              const std::optional<std::string>& channel = std::nullopt,
                                              const std::optional<std::string>& load = std::nullopt) {
  std::vector<const Check*> out;
  for (const auto& k : c.checks)
    if (k.name == name && (!channel || k.channel == channel) && (!load || k.load == load)) out.push_back(&k);
  return out;
}

/// The one check named `name` (on `channel`, into `load`); fails the test and returns nullptr otherwise.
inline const Check* one_check(const ConfigurationRecord& c, const std::string& name,
                              const std::optional<std::string>& channel = std::nullopt,
                              const std::optional<std::string>& load = std::nullopt) {
  const auto all = checks_named(c, name, channel, load);
  if (all.size() != 1) {
    ADD_FAILURE() << c.fixture.id << ": expected exactly one check " << name
                  << (channel ? " on " + *channel : std::string())
                  << (load ? " into " + *load : std::string()) << ", found " << all.size();
    return nullptr;
  }
  return all.front();
}

/// A check's value as text: the number, the word, or "null".
inline std::string text_of(const record::Value& v) {
  if (const auto* d = std::get_if<double>(&v)) return std::to_string(*d);
  if (const auto* w = std::get_if<std::string>(&v)) return *w;
  return "null";
}

/// The numeric value of a check; NaN (and a test failure) when it is not a number.
inline double value_of(const Check& k) {
  if (!std::holds_alternative<double>(k.value)) {
    ADD_FAILURE() << k.name << (k.channel ? " on " + *k.channel : std::string())
                  << " has no numeric value: " << text_of(k.value) << " (" << k.explanation << ")";
    return std::nan("");
  }
  return std::get<double>(k.value);
}

inline std::string describe(const Check& k) {
  std::string s = k.name;
  if (k.channel) s += " [" + *k.channel + "]";
  if (k.load) s += " into " + *k.load;
  if (k.level_dbfs) s += " at " + std::to_string(*k.level_dbfs) + " dBFS";
  return s + " = " + text_of(k.value) + " " + k.unit + ": " + to_string(k.outcome) + ": " + k.explanation;
}

/// Every check of a configuration, one a line, for failure messages.
inline std::string describe(const ConfigurationRecord& c) {
  std::string s = c.fixture.id + ": " + to_string(c.outcome) + "\n";
  for (const auto& e : c.all_errors()) s += "  error: " + e + "\n";
  for (const auto& k : c.checks) s += "  " + describe(k) + "\n";
  return s;
}

inline bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

}  // namespace bench::session::test

namespace bench::record {
/// Readable outcomes in assertion messages.
inline void PrintTo(Outcome o, std::ostream* os) {
  *os << to_string(o);
}
}  // namespace bench::record
