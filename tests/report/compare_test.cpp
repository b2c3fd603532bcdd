// bench/report/compare on run records read back from report.json: a made-up pair with a known difference
// and one-sided items, better and worse for every check of the catalogue by its direction (lower, higher,
// closer to each side's expectation, closer to zero, the expected word), "at least" for a maximum output
// at the interface's full scale, and the impedance overlays only where measured. (The demo run against
// itself and `bench compare` on the command line: report_cli_test.cpp.)
#include "bench/report/compare.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "bench/core/error.hpp"
#include "report_test_support.hpp"

namespace bench::report::test {
namespace {

const json* find_compared(const json& configuration, const std::string& name, const std::string& channel,
                          const std::string& load = "") {
  for (const auto& c : configuration["checks"])
    if (c["name"] == name && c.value("channel", "") == channel && c.value("load", "") == load) return &c;
  return nullptr;
}

const json& group_of(const Comparison& c, const std::string& id) {
  for (const auto& g : c.doc["configurations"])
    if (g["id"] == id) return g;
  static const json none = json::object();
  ADD_FAILURE() << "no configuration " << id;
  return none;
}

record::RunRecord run_of(std::vector<record::ConfigurationRecord> configurations) {
  record::RunRecord r;
  r.bench_version = "0.2.0";
  r.created_utc = "2024-01-01T00:00:00Z";
  r.backend = "sim";
  r.plan = {"made_up", "Made up", "made_up.toml"};
  r.settings.reference_load = "r300";
  r.configurations = std::move(configurations);
  return r;
}

record::ConfigurationRecord configuration(const std::string& id, std::vector<record::Check> checks) {
  record::ConfigurationRecord c;
  c.fixture = fixture_record(id, id);
  c.checks = std::move(checks);
  return c;
}

record::RunRecord made_up(double thd_n, bool with_level, bool with_snr, bool with_extra_fixture) {
  std::vector<record::Check> checks = {
      make_check("thd_n_db", "distortion", thd_n, limit_max(-65), Outcome::kPass, "", "left", "", -6.0)};
  if (with_level)
    checks.push_back(
        make_check("level_dbv", "level", 1.0, limit_tolerance(1.0, 1.0), Outcome::kPass, "", "left"));
  if (with_snr)
    checks.push_back(make_check("snr_db", "noise", 100.0, limit_min(95), Outcome::kPass, "", "left"));
  std::vector<record::ConfigurationRecord> cfgs = {configuration("shared", checks)};
  if (with_extra_fixture) cfgs.push_back(configuration("only_here", {}));
  return run_of(std::move(cfgs));
}

/// Both runs written to `dir`/a and `dir`/b with the real writer and read back.
std::vector<CompareRun> two_runs(const fs::path& dir, const record::RunRecord& a,
                                 const record::RunRecord& b) {
  write_report(dir / "a", a);
  write_report(dir / "b", b);
  return {{dir / "a", read_record(dir / "a")}, {dir / "b", read_record(dir / "b")}};
}

TEST(Compare, AKnownDifferenceAndOneSidedItems) {
  const fs::path dir = scratch();
  const auto runs = two_runs(dir, made_up(-80.0, true, false, true), made_up(-71.5, false, true, false));
  const Comparison c = compare_runs(runs);
  ASSERT_EQ(c.doc["configurations"].size(), 1u);
  const json* k = find_compared(c.doc["configurations"][0], "thd_n_db", "left");
  ASSERT_NE(k, nullptr);
  EXPECT_DOUBLE_EQ((*k)["differences"][0]["difference"].get<double>(), 8.5);
  EXPECT_EQ((*k)["differences"][0]["verdict"], "worse");
  EXPECT_EQ((*k)["differences"][0]["sentence"],
            "run 2 (made_up) against run 1 (made_up), shared: THD+N (left, -6 dBFS) 8.50 dB higher, worse "
            "(-71.50 dB vs -80.00 dB)");
  EXPECT_EQ((*k)["unit"], "dB");
  const json& uc = c.doc["unmatched"]["configurations"];
  ASSERT_EQ(uc.size(), 1u);
  EXPECT_EQ(uc[0]["fixture"], "only_here");
  EXPECT_EQ(uc[0]["present_in"], json::array({0}));
  const json& uk = c.doc["unmatched"]["checks"];
  ASSERT_EQ(uk.size(), 2u);
  EXPECT_EQ(uk[0]["name"], "level_dbv");
  EXPECT_EQ(uk[0]["present_in"], json::array({0}));
  EXPECT_EQ(uk[1]["name"], "snr_db");
  EXPECT_EQ(uk[1]["present_in"], json::array({1}));
  const std::string html = compare_html(c, runs);
  EXPECT_NE(html.find("only_here"), std::string::npos);
  EXPECT_NE(html.find("8.50 dB higher, worse"), std::string::npos);
}

TEST(Compare, AnUnknownFixtureIsOneLineNamingTheRun) {
  const fs::path dir = scratch();
  const auto runs = two_runs(dir, made_up(-80.0, true, false, true), made_up(-71.5, false, true, false));
  try {
    (void)compare_configurations(runs[0], "shared", "nope");
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()),
              (dir / "a" / "report.json").string() +
                  ": no configuration with fixture id 'nope': pick two fixture ids of that run");
  }
  const Comparison two = compare_configurations(runs[0], "shared", "only_here");
  EXPECT_EQ(two.doc["mode"], "configurations");
  EXPECT_EQ(two.doc["unmatched"]["checks"].size(), 2u);  // "only_here" has no checks
}

// Hand-derived: for each check, side a and side b, and what b is against a.
struct Case {
  const char* name;
  const char* channel;
  const char* load;
  record::Value a, b;
  record::LimitRecord limit_a, limit_b;
  const char* verdict;   // "better", "worse"
  const char* sentence;  // the words after "<fixture>: "
};

TEST(Compare, BetterOrWorseByEachChecksDirection) {
  const Case cases[] = {
      // lower is better: 47 ohm against 2 ohm
      {"output_impedance_ohm", "left", "", 2.0, 47.0, limit_max(5), limit_max(5), "worse",
       "output impedance (left) 45.00 ohm higher, worse (47.00 ohm vs 2.00 ohm)"},
      {"output_impedance_ohm", "right", "", 2.0, 0.5, limit_max(5), limit_max(5), "better",
       "output impedance (right) 1.50 ohm lower, better (0.50 ohm vs 2.00 ohm)"},
      // higher is better
      {"damping_factor", "left", "hp_a", 16.0, 0.68, limit_min(8), limit_min(8), "worse",
       "damping factor (left, hp_a) 15.32 ohm/ohm lower, worse (0.68 ohm/ohm vs 16.00 ohm/ohm)"},
      {"damping_factor", "right", "hp_a", 1.5, 3.0, limit_min(8), limit_min(8), "better",
       "damping factor (right, hp_a) 1.50 ohm/ohm higher, better (3.00 ohm/ohm vs 1.50 ohm/ohm)"},
      // closer to zero is better: -2 is nearer 0 than 5 though lower, -4 farther than -1 though lower too
      {"clock_drift_ppm",
       "left",
       "",
       5.0,
       -2.0,
       {},
       {},
       "better",
       "clock drift (left) 7.00 ppm lower, better (-2.00 ppm vs 5.00 ppm)"},
      {"clock_drift_ppm",
       "right",
       "",
       -1.0,
       -4.0,
       {},
       {},
       "worse",
       "clock drift (right) 3.00 ppm lower, worse (-4.00 ppm vs -1.00 ppm)"},
      // closer to each side's own expectation is better: 3.3 of 3.4 expected beats 9.0 of 9.56, though 5.7 dB
      // lower
      {"level_dbv", "left", "", 9.0, 3.3, limit_tolerance(9.56, 1), limit_tolerance(3.4, 1), "better",
       "level (left) 5.70 dB lower, better (3.30 dBV vs 9.00 dBV)"},
      {"level_dbv", "right", "", 9.5, 9.9, limit_tolerance(9.56, 1), limit_tolerance(9.56, 1), "worse",
       "level (right) 0.40 dB higher, worse (9.90 dBV vs 9.50 dBV)"},
      // the expected word is better than any other
      {"channel_map", "", "", std::string("L->R, R->L"), std::string("L->L, R->R"), limit_word("L->L, R->R"),
       limit_word("L->L, R->R"), "better", "channel map differs, better: L->L, R->R vs L->R, R->L"},
      {"polarity", "left", "", std::string("normal"), std::string("inverted"), limit_word("normal"),
       limit_word("normal"), "worse", "polarity (left) differs, worse: inverted vs normal"},
  };
  std::vector<record::Check> a, b;
  for (const auto& c : cases) {
    a.push_back(make_check(c.name, "x", c.a, c.limit_a, Outcome::kPass, "", c.channel, c.load));
    b.push_back(make_check(c.name, "x", c.b, c.limit_b, Outcome::kPass, "", c.channel, c.load));
  }
  const fs::path dir = scratch();
  const auto runs = two_runs(dir, run_of({configuration("chain", a)}), run_of({configuration("chain", b)}));
  const Comparison cmp = compare_runs(runs);
  const json& g = group_of(cmp, "chain");
  for (const auto& c : cases) {
    const json* k = find_compared(g, c.name, c.channel, c.load);
    ASSERT_NE(k, nullptr) << c.name << " " << c.channel;
    const json& d = (*k)["differences"][0];
    EXPECT_EQ(d["verdict"], c.verdict) << c.name << " " << c.channel;
    EXPECT_EQ(d["sentence"], std::string("run 2 (made_up) against run 1 (made_up), chain: ") + c.sentence)
        << c.name << " " << c.channel;
  }
}

TEST(Compare, EveryCheckOfTheCatalogueIsBetterOrWorse) {
  // Two different values of each check: whichever way, a sentence says better or worse (no check is
  // left without a direction, as impedance and clock drift once were).
  std::vector<record::Check> a, b;
  for (const auto& spec : plan::checks()) {
    const std::string name(spec.name);
    if (spec.better == plan::Better::kMatch) {
      a.push_back(make_check(name, "x", std::string("expected"), limit_word("expected"), Outcome::kPass, ""));
      b.push_back(make_check(name, "x", std::string("other"), limit_word("expected"), Outcome::kFail, ""));
    } else {
      a.push_back(make_check(name, "x", 1.0, limit_tolerance(0.0, 5), Outcome::kPass, ""));
      b.push_back(make_check(name, "x", 2.0, limit_tolerance(0.0, 5), Outcome::kPass, ""));
    }
  }
  const fs::path dir = scratch();
  const auto runs = two_runs(dir, run_of({configuration("chain", a)}), run_of({configuration("chain", b)}));
  const Comparison cmp = compare_runs(runs);
  const json& g = group_of(cmp, "chain");
  ASSERT_EQ(g["checks"].size(), plan::checks().size());
  for (const auto& k : g["checks"]) {
    const plan::CheckSpec& spec = plan::check(k["name"].get<std::string>());
    const json& d = k["differences"][0];
    const bool higher_is_better = spec.better == plan::Better::kHigher;
    EXPECT_EQ(d["verdict"], higher_is_better ? "better" : "worse") << spec.name << ": " << d["sentence"];
    EXPECT_NE(d["sentence"].get<std::string>().find(std::string(spec.words)), std::string::npos)
        << d["sentence"];
    EXPECT_EQ(k["unit"], spec.unit) << spec.name;
  }
}

TEST(Compare, AMaximumOutputAtTheInterfacesFullScaleIsAtLeast) {
  auto side = [](double left_vrms, bool at_full_scale, const std::string& why) {
    record::ConfigurationRecord c =
        configuration("chain", {make_check("max_output_vrms", "max_output", left_vrms, limit_min(1),
                                           Outcome::kPass, why, "left", "r300"),
                                make_check("max_output_vrms", "max_output", 7.0, limit_min(1), Outcome::kPass,
                                           "", "right", "r300")});
    record::MaxOutputResult m;
    record::MaxOutputLoad load;
    load.load = "r300", load.nominal_ohm = 300, load.max_output_vrms = {left_vrms, 7.0},
    load.at_full_scale = {at_full_scale, false};
    m.loads.push_back(load);
    c.steps.push_back(step_record("max_output", m, 27, 20));
    return c;
  };
  const fs::path dir = scratch();
  // The step result says so (at_full_scale), or the check's explanation does.
  for (const bool by_result : {true, false}) {
    const record::ConfigurationRecord b =
        by_result
            ? side(1.7, true, "1.70 Vrms into 300 ohm")
            : side(1.7, false, "at least 1.70 Vrms into 300 ohm: the interface's full scale came first");
    const auto runs = two_runs(dir / (by_result ? "result" : "words"),
                               run_of({side(8.361, false, "8.36 Vrms")}), run_of({b}));
    const Comparison cmp = compare_runs(runs);
    const json& g = group_of(cmp, "chain");
    const json* k = find_compared(g, "max_output_vrms", "left", "r300");
    ASSERT_NE(k, nullptr);
    EXPECT_EQ((*k)["differences"][0]["sentence"],
              "run 2 (made_up) against run 1 (made_up), chain: maximum output (left, r300) 6.661 Vrms lower, "
              "worse (at least 1.70 Vrms vs 8.36 Vrms)");
    EXPECT_EQ((*k)["differences"][0]["unit"], "Vrms");
    const json* right = find_compared(g, "max_output_vrms", "right", "r300");
    EXPECT_NE(
        (*right)["differences"][0]["sentence"].get<std::string>().find("the same (7.00 Vrms vs 7.00 Vrms)"),
        std::string::npos)
        << (*right)["differences"][0]["sentence"];
  }
}

TEST(Compare, NotMeasuredOnOneSideSaysWhere) {
  const fs::path dir = scratch();
  const auto runs = two_runs(
      dir,
      run_of({configuration(
          "chain", {make_check("noise_dbv_a", "noise", -97.0, limit_max(-90), Outcome::kPass, "", "left")})}),
      run_of({configuration(
          "chain", {make_check("noise_dbv_a", "noise", record::Value{}, {}, Outcome::kError, "", "left")})}));
  const Comparison cmp = compare_runs(runs);
  const json* k = find_compared(group_of(cmp, "chain"), "noise_dbv_a", "left");
  ASSERT_NE(k, nullptr);
  EXPECT_TRUE((*k)["values"][1].is_null());
  EXPECT_TRUE((*k)["differences"][0]["verdict"].is_null());
  EXPECT_EQ((*k)["differences"][0]["sentence"],
            "run 2 (made_up) against run 1 (made_up), chain: A-weighted noise (left) not measured on run 2 "
            "(made_up) (-97.00 vs n/a)");
}

// The frequency response at 20 Hz, 1 kHz and 20 kHz is compared too, from the sweeps step's result.
TEST(Compare, ResponsePointsComeFromTheSweeps) {
  const fs::path dir = scratch();
  record::RunRecord a = sample_record(), b = sample_record();
  std::get<record::SweepsResult>(*b.configurations[0].steps[1].result).channels[0] =
      sweep_channel(0, log_axis(), -5.0);
  const auto runs = two_runs(dir, a, b);
  const Comparison cmp = compare_runs(runs);
  const json& g = group_of(cmp, "good");
  std::size_t points = 0;
  for (const auto& k : g["checks"])
    if (k["name"] == "frequency_response_db") {
      ++points;
      const double d = k["differences"][0]["difference"].get<double>();
      EXPECT_NEAR(d, k["channel"] == "left" ? 1.0 : 0.0, 1e-12) << k.dump();
      EXPECT_TRUE(k["differences"][0]["verdict"].is_null()) << "a response point is neither better nor worse";
    }
  EXPECT_EQ(points, 6u);
}

// The impedance overlays join compare.html only where a side measured the output impedance.
TEST(Compare, ImpedanceOverlaysOnlyWhereMeasured) {
  const fs::path dir = scratch();
  record::RunRecord a = made_up(-80.0, true, false, false);
  a.configurations[0].steps.push_back(step_record("impedance", impedance_result(log_axis()), 8.5, 8));
  auto runs = two_runs(dir, a, made_up(-75.0, true, false, false));
  const std::string with = compare_html(compare_runs(runs), runs);
  EXPECT_EQ(count(with, "class=\"plot plot-impedance\""), 1u);
  EXPECT_EQ(count(with, "class=\"plot plot-loading\""), 1u);
  EXPECT_NE(with.find("|Z_out| (ohm)"), std::string::npos);
  EXPECT_NE(with.find(" hp_a"), std::string::npos);  // the headphone's predicted change, labelled by side
  runs = two_runs(dir, made_up(-80.0, true, false, false), made_up(-75.0, true, false, false));
  EXPECT_EQ(compare_html(compare_runs(runs), runs).find("plot-impedance"), std::string::npos);
}

TEST(Compare, HtmlIsSelfContainedWithSixOverlaysPerConfiguration) {
  const fs::path dir = scratch();
  const auto runs = two_runs(dir, sample_record(), full_record());
  const Comparison c = compare_runs(runs);
  const std::string html = compare_html(c, runs);
  for (const char* external : {"http:", "https:", "src=", "href=", "<script", "@import"})
    EXPECT_EQ(html.find(external), std::string::npos) << external;
  EXPECT_EQ(count(html, "url("), count(html, "url(#"));
  EXPECT_EQ(count(html, "<svg"),
            6 * c.groups.size() + 2);  // "good" of the full record measured the impedance
  const auto written_files = write_compare(dir / "out", c, runs);
  ASSERT_EQ(written_files.size(), 2u);
  EXPECT_EQ(json::parse(slurp(dir / "out" / "compare.json"))["schema"], "bench.compare/1");
  EXPECT_EQ(slurp(dir / "out" / "compare.html"), html);
}

}  // namespace
}  // namespace bench::report::test
