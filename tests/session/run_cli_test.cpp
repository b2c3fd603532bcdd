// Tier 2, the `bench run` contract as a real process: exit codes, report.json's shape, the captures on
// disk, and the refusals (malformed plan, a run directory that already holds files).
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <limits>
#include <nlohmann/json.hpp>
#include <random>
#include <string>

#include "bench/io/wav.hpp"
#include "bench/plan/catalogue.hpp"
#include "bench/plan/load.hpp"
#include "bench/report/record_json.hpp"
#include "bench/report/schema.hpp"
#include "session_test_support.hpp"

namespace bench::session::test {
namespace {

using nlohmann::json;

struct Proc {
  int exit_code = -1;
  std::string out, err;
};

// Runs `bench <args>` with stdout and stderr into files of dir.
Proc bench(const std::string& args, const fs::path& dir) {
  const fs::path out = dir / "stdout.txt", err = dir / "stderr.txt";
  const std::string cmd = shell_quote(BENCH_BIN) + " " + args + " >" + shell_quote(out.string()) + " 2>" +
                          shell_quote(err.string()) + " </dev/null";
  const int status = std::system(cmd.c_str());
  Proc o;
  o.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  o.out = slurp_file(out);
  o.err = slurp_file(err);
  return o;
}

// The run's report.json as the record, after checking it against the shipped schema (read_record checks
// it too, and refuses it with one line; this says which place first).
record::RunRecord read_valid(const fs::path& run) {
  const auto errors = report::schema_errors(json::parse(slurp_file(run / "report.json")));
  EXPECT_TRUE(errors.empty()) << run << ": " << errors.front();
  return report::read_record(run);
}

// A fresh scratch directory per test.
fs::path scratch() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  return fresh_dir(std::string("cli.") + info->test_suite_name() + "." + info->name());
}

std::size_t lines(const std::string& s) {
  std::size_t n = 0;
  for (char c : s) n += c == '\n';
  return n + (!s.empty() && s.back() != '\n');
}

TEST(BenchRunCli, FaultsPlanExitsOneAndWritesACompleteReport) {
  const fs::path dir = scratch();
  const fs::path run = dir / "run";
  const Proc o =
      bench("run " + shell_quote(plan_file("faults").string()) + " --out " + shell_quote(run.string()), dir);
  EXPECT_EQ(o.exit_code, 1) << o.err;
  ASSERT_TRUE(fs::exists(run / "report.json")) << o.err;
  const record::RunRecord doc = read_valid(run);
  EXPECT_EQ(doc.outcome, record::Outcome::kFail);
  EXPECT_EQ(doc.configurations.size(), 6u);
  std::size_t captures = 0;
  for (const auto& c : doc.configurations) {
    SCOPED_TRACE(c.fixture.id);
    EXPECT_EQ(c.outcome,
              c.fixture.id == "line_trs_to_amp_trs" ? record::Outcome::kPass : record::Outcome::kFail);
    EXPECT_FALSE(c.checks.empty());
    // Every check names the step that made it, one of the plan's sequence, and carries the catalogue's unit.
    for (const auto& k : c.checks) {
      EXPECT_NE(c.step(k.step), nullptr) << describe(k);
      EXPECT_EQ(k.unit, plan::check(k.name).unit) << describe(k);
    }
    EXPECT_FALSE(c.captures.empty());
    for (const auto& cap : c.captures) {
      const fs::path wav = run / cap;
      ++captures;
      EXPECT_EQ(wav.extension(), ".wav") << wav;
      EXPECT_TRUE(fs::is_regular_file(wav)) << wav;
      EXPECT_GT(fs::exists(wav) ? fs::file_size(wav) : 0, 44u) << wav;
      const fs::path sidecar = wav.string() + ".json";
      ASSERT_TRUE(fs::is_regular_file(sidecar)) << sidecar;
      json side;
      EXPECT_NO_THROW(side = json::parse(slurp_file(sidecar))) << sidecar;
    }
  }
  EXPECT_GT(captures, 0u);

  // bench reanalyze recomputes every check from the kept captures: the same checks, bit for bit.
  const Proc re =
      bench("reanalyze " + shell_quote(run.string()) + " --out " + shell_quote((dir / "re").string()), dir);
  EXPECT_EQ(re.exit_code, 1) << re.err;
  ASSERT_TRUE(fs::exists(dir / "re" / "report.json")) << re.err;
  const record::RunRecord again = read_valid(dir / "re");
  ASSERT_EQ(again.configurations.size(), doc.configurations.size());
  for (std::size_t i = 0; i < doc.configurations.size(); ++i) {
    ASSERT_EQ(again.configurations[i].checks.size(), doc.configurations[i].checks.size()) << i;
    for (std::size_t k = 0; k < doc.configurations[i].checks.size(); ++k)
      EXPECT_TRUE(report::same_check(again.configurations[i].checks[k], doc.configurations[i].checks[k]))
          << describe(again.configurations[i].checks[k]) << "\n"
          << describe(doc.configurations[i].checks[k]);
  }
  ASSERT_TRUE(again.reanalysis_of.has_value());
  EXPECT_GT(again.reanalysis_of->checks, 0u);
  EXPECT_EQ(again.reanalysis_of->identical_checks, again.reanalysis_of->checks);

  // A capture gone: the bench cannot measure (exit 3), says which file, and keeps the partial report.
  const std::string lost = doc.configurations[2].captures[0];
  fs::remove(run / lost);
  const Proc broken =
      bench("reanalyze " + shell_quote(run.string()) + " --out " + shell_quote((dir / "re2").string()), dir);
  EXPECT_EQ(broken.exit_code, 3) << broken.err;
  EXPECT_NE(broken.err.find(fs::path(lost).filename().string()), std::string::npos) << broken.err;
  EXPECT_TRUE(fs::exists(dir / "re2" / "report.json"));
  fs::remove_all(dir);
}

// --keep-captures: "failed" removes the captures of every configuration that passed, and the record lists
// only what stays; reanalyze replays those configurations alone, bit for bit. "none" writes none.
TEST(BenchRunCli, KeepCapturesFailedKeepsOnlyTheFailedConfigurationsAndReanalyzeReplaysThem) {
  const fs::path dir = scratch();
  const std::string plan = shell_quote(plan_file("faults").string());
  const std::string fixtures = " --fixture line_trs_to_amp_trs --fixture faults/swapped_channels";
  const Proc o =
      bench("run " + plan + fixtures + " --step clock --step sweeps --keep-captures failed --out " +
                shell_quote((dir / "failed").string()),
            dir);
  EXPECT_EQ(o.exit_code, 1) << o.out << o.err;
  const record::RunRecord doc = read_valid(dir / "failed");
  ASSERT_EQ(doc.configurations.size(), 2u);
  EXPECT_EQ(doc.configurations[0].outcome, record::Outcome::kPass);
  EXPECT_TRUE(doc.configurations[0].captures.empty());
  EXPECT_FALSE(fs::exists(dir / "failed" / "captures" / "line_trs_to_amp_trs"));
  EXPECT_EQ(doc.configurations[1].outcome, record::Outcome::kFail);
  ASSERT_FALSE(doc.configurations[1].captures.empty());
  for (const auto& c : doc.configurations[1].captures) EXPECT_TRUE(fs::exists(dir / "failed" / c)) << c;
  const Proc re = bench(
      "reanalyze " + shell_quote((dir / "failed").string()) + " --out " + shell_quote((dir / "re").string()),
      dir);
  EXPECT_EQ(re.exit_code, 1) << re.out << re.err;
  const record::RunRecord again = read_valid(dir / "re");
  ASSERT_EQ(again.configurations.size(), 1u);
  EXPECT_EQ(again.configurations[0].fixture.id, "faults/swapped_channels");
  ASSERT_TRUE(again.reanalysis_of);
  EXPECT_EQ(again.reanalysis_of->identical_checks, again.reanalysis_of->checks);
  EXPECT_EQ(again.reanalysis_of->checks, doc.configurations[1].checks.size());
  // none: no capture on disk, none listed; reanalyze says so in one line.
  const Proc n = bench("run " + plan + fixtures + " --step clock --step sweeps --keep-captures none --out " +
                           shell_quote((dir / "none").string()),
                       dir);
  EXPECT_EQ(n.exit_code, 1) << n.err;
  EXPECT_FALSE(fs::exists(dir / "none" / "captures" / "line_trs_to_amp_trs"));
  EXPECT_FALSE(fs::exists(dir / "none" / "captures" / "faults"));
  for (const auto& c : read_valid(dir / "none").configurations) EXPECT_TRUE(c.captures.empty());
  fs::remove_all(dir);
}

TEST(BenchRunCli, DemoPlanExitsZero) {
  const fs::path dir = scratch();
  const fs::path run = dir / "run";
  const Proc o =
      bench("run " + shell_quote(plan_file("demo").string()) + " --out " + shell_quote(run.string()), dir);
  EXPECT_EQ(o.exit_code, 0) << o.out << o.err;
  ASSERT_TRUE(fs::exists(run / "report.json"));
  const record::RunRecord doc = read_valid(run);
  EXPECT_EQ(doc.outcome, record::Outcome::kPass);
  EXPECT_EQ(doc.counts()[0], 5u);
  // The reference ADC is a 24-bit converter (resolution_bits = 24): every capture is kept as PCM24, and
  // the whole run folder, every capture kept, stays within the 30 MB (10^6 bytes) of README's Test time.
  std::uintmax_t bytes = 0;
  for (const auto& e : fs::recursive_directory_iterator(run))
    if (e.is_regular_file()) bytes += e.file_size();
  EXPECT_LE(bytes, 30'000'000u);
  std::size_t captures = 0;
  for (const auto& c : doc.configurations)
    for (const auto& cap : c.captures) {
      ++captures;
      EXPECT_EQ(io::probe_audio(run / cap).format, "WAV PCM24") << cap;
    }
  EXPECT_GT(captures, 100u);
  fs::remove_all(dir);
}

// The 47 ohm amplifier end to end: exit 1 for the loading FAIL, the impedance in report.json, the
// .zma exports that the bench's own reader takes back.
TEST(BenchRunCli, HighImpedancePlanFailsAndExportsTheImpedance) {
  const fs::path dir = scratch();
  const fs::path run = dir / "run";
  const Proc o = bench(
      "run " + shell_quote(plan_file("impedance_high_z").string()) + " --out " + shell_quote(run.string()),
      dir);
  EXPECT_EQ(o.exit_code, 1) << o.out << o.err;
  EXPECT_NE(o.out.find("fail: loading_deviation_db left into hp_dynamic_32"), std::string::npos) << o.out;
  const record::RunRecord doc = read_valid(run);
  const auto* m = doc.configurations.at(0).result<record::ImpedanceResult>();
  ASSERT_NE(m, nullptr);
  EXPECT_NEAR(m->channels[0].at_1khz_ohm, 47.0, 0.02 * 47);
  const auto points = plan::read_zma(run / "exports" / "line_trs_to_amp_trs" / "left_output_impedance.zma");
  EXPECT_EQ(points.size(), m->channels[0].frequency_hz.size());
  EXPECT_TRUE(fs::exists(run / "captures" / "line_trs_to_amp_trs" / "impedance_r33.wav"));
  // The impedance takes are kept like every other: bench reanalyze gives the same checks, bit for bit.
  const Proc re =
      bench("reanalyze " + shell_quote(run.string()) + " --out " + shell_quote((dir / "re").string()), dir);
  EXPECT_EQ(re.exit_code, 1) << re.err;
  const record::RunRecord again = read_valid(dir / "re");
  ASSERT_TRUE(again.reanalysis_of.has_value());
  EXPECT_EQ(again.reanalysis_of->identical_checks, again.reanalysis_of->checks);
  EXPECT_EQ(again.reanalysis_of->checks, doc.configurations.at(0).checks.size());
  fs::remove_all(dir);
}

TEST(BenchRunCli, RelayBoardOnlyWithRealDevicesAndMissingBoardIsExitThree) {
  const fs::path dir = scratch();
  const Proc sim = bench("run " + shell_quote(plan_file("impedance").string()) + " --relay-board any --out " +
                             shell_quote((dir / "a").string()),
                         dir);
  EXPECT_EQ(sim.exit_code, 2) << sim.err;
  EXPECT_EQ(lines(sim.err), 1u) << sim.err;
  EXPECT_NE(sim.err.find("--backend rtaudio"), std::string::npos) << sim.err;
  // No board on this machine: the documented one-line HardwareError, before any run directory exists.
  const Proc live =
      bench("run " + shell_quote(plan_file("impedance").string()) +
                " --backend rtaudio --relay-board any --out " + shell_quote((dir / "b").string()),
            dir);
  EXPECT_EQ(live.exit_code, 3) << live.err;
  EXPECT_EQ(lines(live.err), 1u) << live.err;
  EXPECT_NE(live.err.find("no USB relay board"), std::string::npos) << live.err;
  EXPECT_FALSE(fs::exists(dir / "b"));
  fs::remove_all(dir);
}

TEST(BenchRunCli, MissingPlanExitsTwoWithOneStderrLine) {
  const fs::path dir = scratch();
  const Proc o = bench("run " + shell_quote((dir / "no_such_plan.toml").string()) + " --out " +
                           shell_quote((dir / "run").string()),
                       dir);
  EXPECT_EQ(o.exit_code, 2) << o.err;
  EXPECT_EQ(lines(o.err), 1u) << o.err;
  EXPECT_TRUE(contains(o.err, "no_such_plan.toml")) << o.err;
  EXPECT_FALSE(fs::exists(dir / "run" / "report.json"));
  fs::remove_all(dir);
}

TEST(BenchRunCli, MalformedPlanExitsTwoWithOneStderrLine) {
  const fs::path dir = scratch();
  const fs::path plan = dir / "broken.toml";
  std::ofstream(plan) << "[plan]\nname = \"broken\nfixtures = [\n";
  const Proc o =
      bench("run " + shell_quote(plan.string()) + " --out " + shell_quote((dir / "run").string()), dir);
  EXPECT_EQ(o.exit_code, 2) << o.err;
  EXPECT_EQ(lines(o.err), 1u) << o.err;
  EXPECT_TRUE(contains(o.err, "broken.toml")) << o.err;
  EXPECT_FALSE(fs::exists(dir / "run" / "report.json"));
  fs::remove_all(dir);
}

TEST(BenchRunCli, RunDirectoryThatHoldsFilesIsRefused) {
  const fs::path dir = scratch();
  const fs::path run = dir / "run";
  fs::create_directories(run);
  std::ofstream(run / "earlier.txt") << "an earlier run's file\n";
  const Proc o =
      bench("run " + shell_quote(plan_file("demo").string()) + " --out " + shell_quote(run.string()), dir);
  EXPECT_EQ(o.exit_code, 2) << o.err;
  EXPECT_EQ(lines(o.err), 1u) << o.err;
  EXPECT_TRUE(contains(o.err, "already holds files")) << o.err;
  EXPECT_FALSE(fs::exists(run / "report.json"));
  EXPECT_FALSE(fs::exists(run / "captures"));
  EXPECT_EQ(slurp_file(run / "earlier.txt"), "an earlier run's file\n");
  fs::remove_all(dir);
}

TEST(BenchRunCli, FixtureOptionMeasuresOnlyThatConfigurationAndReanalyzeFollows) {
  const fs::path dir = scratch();
  const fs::path run = dir / "run";
  // faults/inverted_right alone: the one configuration, failing on polarity only (the fixture's fault).
  const Proc o = bench("run " + shell_quote(plan_file("live").string()) +
                           " --fixture faults/inverted_right --out " + shell_quote(run.string()),
                       dir);
  EXPECT_EQ(o.exit_code, 1) << o.out << o.err;
  const record::RunRecord doc = read_valid(run);
  ASSERT_EQ(doc.configurations.size(), 1u);
  EXPECT_EQ(doc.configurations[0].fixture.id, "faults/inverted_right");
  EXPECT_EQ(doc.counts()[1], 1u);
  // Re-analysed from its captures: the same one configuration, not every fixture of the plan.
  const Proc r = bench(
      "reanalyze " + shell_quote(run.string()) + " --out " + shell_quote((dir / "again").string()), dir);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_TRUE(contains(r.out, "identical")) << r.out;
  const record::RunRecord redone = read_valid(dir / "again");
  EXPECT_EQ(redone.configurations.size(), 1u);
  ASSERT_TRUE(redone.reanalysis_of.has_value());
  EXPECT_EQ(redone.reanalysis_of->checks, redone.reanalysis_of->identical_checks);
  fs::remove_all(dir);
}

// --step runs part of the sequence, in the plan's order; reanalyze follows the same steps; a part that
// leaves out a step another one needs is a usage error naming the step to add.
TEST(BenchRunCli, StepOptionRunsThoseStepsAndReanalyzeFollows) {
  const fs::path dir = scratch();
  const fs::path run = dir / "run";
  const Proc o = bench("run " + shell_quote(plan_file("live").string()) +
                           " --fixture line_trs_to_amp_trs --step noise --step sweeps --out " +
                           shell_quote(run.string()),
                       dir);
  EXPECT_EQ(o.exit_code, 0) << o.out << o.err;
  EXPECT_TRUE(contains(o.out, "sequence: sweeps, noise")) << o.out;
  const record::RunRecord doc = read_valid(run);
  ASSERT_EQ(doc.steps.size(), 2u);
  EXPECT_EQ(doc.steps[0].id, "sweeps");
  EXPECT_EQ(doc.steps[1].id, "noise");
  ASSERT_EQ(doc.configurations.size(), 1u);
  const auto& c = doc.configurations[0];
  ASSERT_EQ(c.steps.size(), 2u);
  for (const auto& k : c.checks) EXPECT_TRUE(k.step == "sweeps" || k.step == "noise") << describe(k);
  EXPECT_EQ(c.steps[0].takes, 2u);  // one sweep per channel
  EXPECT_EQ(c.steps[1].takes, 1u);  // the silence
  const Proc r = bench(
      "reanalyze " + shell_quote(run.string()) + " --out " + shell_quote((dir / "again").string()), dir);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  const record::RunRecord redone = read_valid(dir / "again");
  ASSERT_EQ(redone.steps.size(), 2u);
  ASSERT_TRUE(redone.reanalysis_of.has_value());
  EXPECT_EQ(redone.reanalysis_of->checks, c.checks.size());
  EXPECT_EQ(redone.reanalysis_of->identical_checks, redone.reanalysis_of->checks);

  const Proc lacking = bench("run " + shell_quote(plan_file("live").string()) + " --step crosstalk --out " +
                                 shell_quote((dir / "b").string()),
                             dir);
  EXPECT_EQ(lacking.exit_code, 2) << lacking.err;
  EXPECT_EQ(lines(lacking.err), 1u) << lacking.err;
  EXPECT_TRUE(contains(lacking.err, "--step crosstalk")) << lacking.err;
  EXPECT_TRUE(contains(lacking.err, "add --step sweeps")) << lacking.err;
  EXPECT_FALSE(fs::exists(dir / "b"));
  fs::remove_all(dir);
}

// quick.toml shows its own sequence: in the console, in report.json and in index.html.
TEST(BenchRunCli, QuickPlanShowsItsOwnSequence) {
  const fs::path dir = scratch();
  const fs::path run = dir / "run";
  const Proc o =
      bench("run " + shell_quote(plan_file("quick").string()) + " --out " + shell_quote(run.string()), dir);
  EXPECT_EQ(o.exit_code, 0) << o.out << o.err;
  EXPECT_TRUE(contains(o.out, "sequence: clock, sweeps, thd_n (distortion), noise")) << o.out;
  const record::RunRecord doc = read_valid(run);
  EXPECT_FALSE(doc.default_steps);
  ASSERT_EQ(doc.steps.size(), 4u);
  EXPECT_EQ(doc.steps[2].id, "thd_n");
  EXPECT_EQ(doc.steps[2].kind, "distortion");
  EXPECT_EQ(doc.steps[2].limits_overridden, std::vector<std::string>{"thd_n_db"});
  const std::string html = slurp_file(run / "index.html");
  for (const char* id : {"clock", "sweeps", "thd_n", "noise"}) EXPECT_TRUE(contains(html, id)) << id;
  EXPECT_FALSE(contains(html, "max_output")) << "a step the plan does not run appears in its report";
  fs::remove_all(dir);
}

TEST(BenchRunCli, UnknownFixtureOptionIsAUsageErrorNamingTheChoices) {
  const fs::path dir = scratch();
  const Proc o = bench("run " + shell_quote(plan_file("live").string()) + " --fixture faults/nope --out " +
                           shell_quote((dir / "run").string()),
                       dir);
  EXPECT_EQ(o.exit_code, 2) << o.err;
  EXPECT_EQ(lines(o.err), 1u) << o.err;
  EXPECT_TRUE(contains(o.err, "--fixture faults/nope")) << o.err;
  EXPECT_TRUE(contains(o.err, "use one of line_trs_to_amp_trs, line_trs_to_amp_xlr")) << o.err;
  EXPECT_FALSE(fs::exists(dir / "run"));
  fs::remove_all(dir);
}

// A kept capture changed after the run: one configuration of the live plan run into dir/run, the take
// `take` edited by `edit`, and the run re-analysed into dir/re. Returns the re-analysis (its exit code).
Proc reanalyzed_after_edit(const fs::path& dir, const std::string& take,
                           const std::function<void(dsp::Frames&)>& edit) {
  const fs::path run = dir / "run";
  const Proc o = bench("run " + shell_quote(plan_file("live").string()) +
                           " --fixture line_trs_to_amp_trs --out " + shell_quote(run.string()),
                       dir);
  EXPECT_EQ(o.exit_code, 0) << o.out << o.err;
  const fs::path wav = run / "captures" / "line_trs_to_amp_trs" / take;
  io::Audio a = io::read_audio(wav);
  edit(a.frames);
  io::write_wav(wav, a.frames, a.sample_rate_hz);
  return bench("reanalyze " + shell_quote(run.string()) + " --out " + shell_quote((dir / "re").string()),
               dir);
}

// A driven channel that comes back as exact digital zeros (an unconnected JACK port, a dead ADC input) is
// the bench's fault: ERROR naming the ADC channel, never a PASS and never a device FAIL.
TEST(BenchRunCli, ADigitallySilentAdcChannelIsAnErrorNamingTheChannel) {
  const fs::path dir = scratch();
  const Proc re = reanalyzed_after_edit(dir, "sweep_left.wav", [](dsp::Frames& f) { f.col(0).setZero(); });
  EXPECT_EQ(re.exit_code, 3) << re.out << re.err;
  const record::RunRecord doc = read_valid(dir / "re");
  const auto& c = doc.configurations.at(0);
  EXPECT_EQ(c.outcome, record::Outcome::kError);
  const record::StepRecord* sweeps = c.step("sweeps");
  ASSERT_TRUE(sweeps && sweeps->error) << describe(c);
  EXPECT_TRUE(contains(*sweeps->error, "captures/line_trs_to_amp_trs/sweep_left.wav")) << *sweeps->error;
  EXPECT_TRUE(contains(*sweeps->error, "ADC channel 0 (left)")) << *sweeps->error;
  EXPECT_TRUE(contains(*sweeps->error, "digital silence")) << *sweeps->error;
  for (const char* name : {"channel_map", "polarity", "frequency_response_deviation_db"})
    for (const Check* k : checks_named(c, name))
      EXPECT_EQ(k->outcome, record::Outcome::kError) << describe(*k);
  for (const auto& k : c.checks) EXPECT_NE(k.outcome, record::Outcome::kFail) << describe(k);
  fs::remove_all(dir);
}

// A driven channel that comes back as noise without the sweep (the device or the cable lost the channel,
// the ADC is alive): a device FAIL of the left channel's map and response, never a PASS and not ERROR.
TEST(BenchRunCli, ALostChannelThatCarriesOnlyNoiseIsAFail) {
  const fs::path dir = scratch();
  const Proc re = reanalyzed_after_edit(dir, "sweep_left.wav", [](dsp::Frames& f) {
    std::mt19937 rng(7);
    std::normal_distribution<double> noise(0.0, 1e-4);  // -80 dBFS RMS: an ADC's own noise
    for (Eigen::Index i = 0; i < f.rows(); ++i) f(i, 0) = noise(rng);
  });
  EXPECT_EQ(re.exit_code, 1) << re.out << re.err;
  const record::RunRecord doc = read_valid(dir / "re");
  const auto& c = doc.configurations.at(0);
  EXPECT_EQ(c.outcome, record::Outcome::kFail) << describe(c);
  bool map_failed = false;
  for (const Check* k : checks_named(c, "channel_map")) map_failed |= k->outcome == record::Outcome::kFail;
  EXPECT_TRUE(map_failed) << describe(c);
  for (const char* name : {"channel_map", "polarity", "frequency_response_deviation_db"})
    for (const Check* k : checks_named(c, name))
      if (k->channel == "left") {
        EXPECT_NE(k->outcome, record::Outcome::kPass) << describe(*k);
      }
  fs::remove_all(dir);
}

// A NaN in a kept capture is a corrupt file: ERROR naming it, not "the channel carries no tone" (FAIL).
TEST(BenchRunCli, ANanInAKeptCaptureIsAnErrorNamingTheFile) {
  const fs::path dir = scratch();
  const Proc re = reanalyzed_after_edit(dir, "thd_6dbfs.wav", [](dsp::Frames& f) {
    f(f.rows() / 2, 0) = std::numeric_limits<double>::quiet_NaN();
  });
  EXPECT_EQ(re.exit_code, 3) << re.out << re.err;
  const record::RunRecord doc = read_valid(dir / "re");
  const auto& c = doc.configurations.at(0);
  const record::StepRecord* distortion = c.step("distortion");
  ASSERT_TRUE(distortion && distortion->error) << describe(c);
  EXPECT_TRUE(contains(*distortion->error, "captures/line_trs_to_amp_trs/thd_6dbfs.wav"))
      << *distortion->error;
  EXPECT_TRUE(contains(*distortion->error, "NaN")) << *distortion->error;
  for (const char* name : {"thd_db", "thd_n_db"})
    for (const Check* k : checks_named(c, name))
      EXPECT_EQ(k->outcome, record::Outcome::kError) << describe(*k);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace bench::session::test
