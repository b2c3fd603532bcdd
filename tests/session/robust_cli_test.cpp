// Nothing measured is lost: `bench run` stopped by SIGINT or SIGTERM finishes its take and writes its
// report (exit 3); after a SIGKILL the record written after each configuration is read by `bench report`
// and `bench reanalyze`; a file too large for `ulimit -f` is exit 4 with the record so far; an output that
// cannot be created is exit 2 naming it; a second run into a locked folder stops before measuring;
// `--json` into a FIFO, through a symbolic link or onto /dev/full; a capture whose header was changed is
// ERROR naming it in `bench reanalyze`. The bench runs as a real process (BENCH_BIN).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>

#include "bench/report/record_json.hpp"
#include "bench/report/schema.hpp"
#include "session_test_support.hpp"

namespace bench::session::test {
namespace {

struct Finished {
  int exit_code = -1;  ///< -1: killed by a signal
  std::string out, err;
};

// `bench <args>` as a shell command, its output into dir's files; `exec`: the shell becomes the bench.
std::string bench_command(const std::string& args, const fs::path& dir, bool exec = true) {
  return std::string(exec ? "exec " : "")
      .append(shell_quote(BENCH_BIN))
      .append(" ")
      .append(args)
      .append(" >")
      .append(shell_quote((dir / "stdout.txt").string()))
      .append(" 2>")
      .append(shell_quote((dir / "stderr.txt").string()))
      .append(" </dev/null");
}

Finished collect(int status, const fs::path& dir) {
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, slurp_file(dir / "stdout.txt"),
          slurp_file(dir / "stderr.txt")};
}

// Runs a shell command line (its output into dir's files) to the end.
Finished shell(const std::string& command, const fs::path& dir) {
  return collect(std::system(command.c_str()), dir);
}

Finished run_bench(const std::string& args, const fs::path& dir) {
  return shell(bench_command(args, dir), dir);
}

// Starts `bench <args>` (the shell execs it, so the pid is the bench's).
pid_t start_bench(const std::string& args, const fs::path& dir) {
  const std::string command = bench_command(args, dir);
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  return pid;
}

// Waits (up to `limit_s`) until `ready` holds; false when the time ran out.
template <class F>
bool wait_for(F ready, double limit_s) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(limit_s);
  while (std::chrono::steady_clock::now() < end) {
    if (ready()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

std::set<std::string> files_with_extension(const fs::path& dir, const std::string& extension) {
  std::set<std::string> found;
  if (!fs::exists(dir)) return found;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.path().extension() == extension) found.insert(fs::relative(e.path(), dir).generic_string());
  return found;
}

record::RunRecord valid_record(const fs::path& run) {
  const auto errors = report::schema_errors(nlohmann::json::parse(slurp_file(run / "report.json")));
  EXPECT_TRUE(errors.empty()) << run << ": " << (errors.empty() ? "" : errors.front());
  return report::read_record(run);
}

std::set<std::string> captures_of(const record::RunRecord& r) {
  std::set<std::string> s;
  for (const auto& c : r.configurations) s.insert(c.captures.begin(), c.captures.end());
  return s;
}

fs::path robust_scratch() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  return fresh_dir(std::string("robust.") + info->test_suite_name() + "." + info->name());
}

std::size_t line_count(const std::string& s) {
  std::size_t n = 0;
  for (char c : s) n += c == '\n';
  return n + (!s.empty() && s.back() != '\n');
}

class StopSignal : public ::testing::TestWithParam<int> {};

TEST_P(StopSignal, FinishesTheTakeWritesTheReportKeepsEveryCaptureAndExitsThree) {
  const int sig = GetParam();
  const fs::path dir = robust_scratch();
  const fs::path run = dir / "run";
  const pid_t pid = start_bench(
      "run " + shell_quote(plan_file("demo").string()) + " --out " + shell_quote(run.string()), dir);
  ASSERT_GT(pid, 0);
  // Signalled once its first captures are on disk, in the middle of the first configuration.
  const bool started =
      wait_for([&] { return files_with_extension(run / "captures", ".wav").size() >= 2; }, 60);
  ::kill(pid, sig);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_TRUE(started) << "the run wrote no captures within 60 s";
  const Finished o = collect(status, dir);
  EXPECT_EQ(o.exit_code, 3) << o.err;
  const std::string name = sig == SIGINT ? "SIGINT (Ctrl-C)" : "SIGTERM";
  EXPECT_TRUE(contains(o.err, "bench: error: run stopped by " + name + " before the")) << o.err;
  const record::RunRecord r = valid_record(run);
  ASSERT_TRUE(r.aborted.has_value());
  EXPECT_TRUE(contains(*r.aborted, "run stopped by " + name)) << *r.aborted;
  EXPECT_FALSE(r.in_progress.has_value());
  EXPECT_EQ(r.outcome, Outcome::kError);
  ASSERT_FALSE(r.configurations.empty());
  EXPECT_LT(r.configurations.size(), base_plan("demo").fixtures.size()) << "the run was not stopped";
  // Every capture on disk is in the record and every one the record names is on disk, with its sidecar.
  EXPECT_EQ(files_with_extension(run / "captures", ".wav").size(), captures_of(r).size());
  for (const auto& c : captures_of(r)) {
    EXPECT_TRUE(fs::exists(run / c)) << c;
    EXPECT_TRUE(fs::exists(run / (c + ".json"))) << c;
  }
  EXPECT_TRUE(files_with_extension(run, ".partial").empty());
  EXPECT_TRUE(contains(slurp_file(run / "index.html"), "The run stopped early"));
  EXPECT_TRUE(contains(slurp_file(run / "junit.xml"), "run stopped by " + name));
  fs::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(Signals, StopSignal, ::testing::Values(SIGINT, SIGTERM), [](const auto& param_info) {
  return std::string(param_info.param == SIGINT ? "Int" : "Term");
});

TEST(KilledRun, LeavesARecordOfTheFinishedConfigurationsThatReportAndReanalyzeRead) {
  const fs::path dir = robust_scratch();
  const fs::path run = dir / "run";
  const pid_t pid = start_bench(
      "run " + shell_quote(plan_file("demo").string()) + " --out " + shell_quote(run.string()), dir);
  ASSERT_GT(pid, 0);
  // Killed as soon as the first configuration's record is there: no handler runs, nothing is finished.
  const bool recorded = wait_for([&] { return fs::exists(run / "report.json"); }, 120);
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_TRUE(recorded) << "no report.json within 120 s";
  ASSERT_TRUE(WIFSIGNALED(status)) << "the run ended before it was killed";
  const record::RunRecord r = valid_record(run);
  ASSERT_TRUE(r.in_progress.has_value());
  const std::size_t planned = base_plan("demo").fixtures.size();
  EXPECT_EQ(r.in_progress->configurations_planned, planned);
  ASSERT_GE(r.configurations.size(), 1u);
  EXPECT_LT(r.configurations.size(), planned);
  EXPECT_EQ(r.outcome, Outcome::kError);
  for (const auto& c : captures_of(r)) EXPECT_TRUE(fs::exists(run / c)) << c;
  // bench report rebuilds the pages from it and says the run did not finish.
  const Finished rep = run_bench("report " + shell_quote(run.string()), dir);
  EXPECT_EQ(rep.exit_code, 0) << rep.err;
  EXPECT_TRUE(contains(slurp_file(run / "index.html"), "The run did not finish"));
  EXPECT_TRUE(contains(slurp_file(run / "junit.xml"), "run did not finish"));
  // bench reanalyze measures the recorded configurations again, every check identical.
  const Finished again = run_bench(
      "reanalyze " + shell_quote(run.string()) + " --out " + shell_quote((dir / "again").string()), dir);
  EXPECT_NE(again.exit_code, 2) << again.err;
  EXPECT_NE(again.exit_code, 70) << again.err;
  const record::RunRecord redone = valid_record(dir / "again");
  EXPECT_EQ(redone.configurations.size(), r.configurations.size());
  ASSERT_TRUE(redone.reanalysis_of.has_value());
  EXPECT_GT(redone.reanalysis_of->checks, 0u);
  EXPECT_EQ(redone.reanalysis_of->identical_checks, redone.reanalysis_of->checks);
  fs::remove_all(dir);
}

TEST(FullDisk, FileTooLargeIsExitFourWithTheCapturesAndTheRecordSoFar) {
  const fs::path dir = robust_scratch();
  const fs::path run = dir / "run";
  // ulimit -f 293 (300032 bytes): the quick plan's clock capture (about 250 kB) fits, its first sweep
  // capture (about 430 kB) does not. bash, whose ulimit counts 1024-byte blocks.
  const Finished o = shell(
      "bash -c " +
          shell_quote("ulimit -f 293 && " + bench_command("run " + shell_quote(plan_file("quick").string()) +
                                                              " --out " + shell_quote(run.string()),
                                                          dir)),
      dir);
  EXPECT_EQ(o.exit_code, 4) << o.err;
  const std::string sweep = (run / "captures" / "line_trs_to_amp_trs" / "sweep_left.wav").string();
  EXPECT_TRUE(contains(o.err, "bench: error: " + sweep + ": cannot write (File too large)")) << o.err;
  const record::RunRecord r = valid_record(run);
  ASSERT_TRUE(r.aborted.has_value());
  EXPECT_TRUE(contains(*r.aborted, "File too large")) << *r.aborted;
  EXPECT_TRUE(fs::exists(run / "captures" / "line_trs_to_amp_trs" / "clock.wav"));
  EXPECT_FALSE(fs::exists(sweep));
  EXPECT_TRUE(files_with_extension(run, ".partial").empty());
  fs::remove_all(dir);
}

TEST(OutputPath, ThatCannotBeCreatedIsExitTwoNamingIt) {
  const fs::path dir = robust_scratch();
  std::ofstream(dir / "a_file") << "x\n";
  const fs::path under_file = dir / "a_file" / "run";
  // A read-only place: a directory without write permission, or, for root (who may write into it
  // anyway), /sys (read-only sysfs).
  fs::path read_only = dir / "read_only" / "run";
  fs::create_directories(dir / "read_only");
  if (::geteuid() == 0) {
    std::printf("running as root: /sys stands for a read-only file system\n");
    read_only = "/sys/bench_robust_test/run";
  } else {
    fs::permissions(dir / "read_only", fs::perms::owner_read | fs::perms::owner_exec);
  }
  // A finished run to re-analyse into a place under a file.
  const fs::path prior = dir / "prior";
  ASSERT_EQ(
      run_bench("run " + shell_quote(plan_file("quick").string()) + " --out " + shell_quote(prior.string()),
                dir)
          .exit_code,
      0);
  const std::string quick = shell_quote(plan_file("quick").string());
  for (const auto& [args, path] : std::vector<std::pair<std::string, fs::path>>{
           {"run " + quick + " --out " + shell_quote(under_file.string()), under_file},
           {"run " + quick + " --out " + shell_quote(read_only.string()), read_only},
           {"reanalyze " + shell_quote(prior.string()) + " --out " +
                shell_quote((prior / "report.json" / "again").string()),
            prior / "report.json" / "again"},
           {"selftest --out " + shell_quote(under_file.string()), under_file}}) {
    const Finished o = run_bench(args, dir);
    EXPECT_EQ(o.exit_code, 2) << args << ": " << o.err;
    EXPECT_EQ(line_count(o.err), 1u) << args << ": " << o.err;
    EXPECT_TRUE(contains(o.err, "bench: error: " + path.string() + ": cannot create the output directory ("))
        << args << ": " << o.err;
  }
  fs::permissions(dir / "read_only", fs::perms::owner_all);
  fs::remove_all(dir);
}

TEST(RunLock, ASecondRunIntoAFolderBeingWrittenStopsBeforeMeasuring) {
  const fs::path dir = robust_scratch();
  const fs::path run = dir / "run";
  fs::create_directories(run);
  // This process stands for the first run: it holds the lock as a running bench does.
  const int fd = ::open((run / ".bench.lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::flock(fd, LOCK_EX | LOCK_NB), 0);
  const std::string args =
      "run " + shell_quote(plan_file("quick").string()) + " --out " + shell_quote(run.string());
  const Finished second = run_bench(args, dir);
  EXPECT_EQ(second.exit_code, 2) << second.err;
  EXPECT_EQ(line_count(second.err), 1u) << second.err;
  EXPECT_TRUE(contains(second.err, "bench: error: " + run.string() + ": another bench run is writing it"))
      << second.err;
  EXPECT_FALSE(fs::exists(run / "captures"));
  EXPECT_FALSE(fs::exists(run / "report.json"));
  // Once the first run is gone (the kernel releases its lock), the folder can be used.
  ::close(fd);
  const Finished after = run_bench(args, dir);
  EXPECT_EQ(after.exit_code, 0) << after.err;
  EXPECT_TRUE(fs::exists(run / "report.json"));
  fs::remove_all(dir);
}

TEST(JsonOutput, GoesIntoAFifoThroughASymlinkAndOntoDevFull) {
  const fs::path dir = robust_scratch();
  const fs::path tone = dir / "tone.wav";
  ASSERT_EQ(run_bench("generate sine --frequency 997 --level-dbfs -6 --duration 1 --rate 48000 --out " +
                          shell_quote(tone.string()),
                      dir)
                .exit_code,
            0);
  const std::string analyze = "analyze sine --capture " + shell_quote(tone.string()) + " --json ";
  // A FIFO: written into, still a FIFO afterwards.
  const fs::path fifo = dir / "result.fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const fs::path got = dir / "from_fifo.json";
  const Finished f = shell("cat " + shell_quote(fifo.string()) + " >" + shell_quote(got.string()) + " & " +
                               bench_command(analyze + shell_quote(fifo.string()), dir, false) + "; wait",
                           dir);
  EXPECT_EQ(f.exit_code, 0) << f.err;
  struct stat st {};
  ASSERT_EQ(::lstat(fifo.c_str(), &st), 0);
  EXPECT_TRUE(S_ISFIFO(st.st_mode)) << "the FIFO was replaced by a regular file";
  EXPECT_TRUE(nlohmann::json::accept(slurp_file(got))) << slurp_file(got);
  // A symbolic link: the file it names is written, the link stays.
  fs::create_directories(dir / "results");
  fs::create_symlink(fs::path("results") / "tone.json", dir / "latest.json");
  const Finished l = run_bench(analyze + shell_quote((dir / "latest.json").string()), dir);
  EXPECT_EQ(l.exit_code, 0) << l.err;
  EXPECT_TRUE(fs::is_symlink(dir / "latest.json"));
  EXPECT_TRUE(nlohmann::json::accept(slurp_file(dir / "results" / "tone.json")));
  // /dev/full: no space, exit 4 naming it; the device stays.
  const Finished full = run_bench(analyze + "/dev/full", dir);
  EXPECT_EQ(full.exit_code, 4) << full.err;
  EXPECT_EQ(line_count(full.err), 1u) << full.err;
  EXPECT_TRUE(contains(full.err, "bench: error: /dev/full: cannot write (No space left on device)"))
      << full.err;
  ASSERT_EQ(::lstat("/dev/full", &st), 0);
  EXPECT_TRUE(S_ISCHR(st.st_mode));
  fs::remove_all(dir);
}

// Rewrites the sample rate in the fmt chunk of a WAV written by the bench (fmt at byte 12: rate at 24,
// byte rate at 28, block align at 32), so that the file still reads, at another rate.
void rewrite_rate(const fs::path& wav, std::uint32_t rate) {
  std::fstream f(wav, std::ios::in | std::ios::out | std::ios::binary);
  char tag[4];
  f.seekg(12);
  f.read(tag, 4);
  ASSERT_EQ(std::string(tag, 4), "fmt ") << wav;
  std::uint16_t block_align = 0;
  f.seekg(32);
  f.read(reinterpret_cast<char*>(&block_align), 2);
  const std::uint32_t byte_rate = rate * block_align;
  f.seekp(24);
  f.write(reinterpret_cast<const char*>(&rate), 4);
  f.write(reinterpret_cast<const char*>(&byte_rate), 4);
}

TEST(Reanalyze, ACaptureWhoseHeaderChangedIsErrorNamingIt) {
  const fs::path dir = robust_scratch();
  const fs::path run = dir / "run";
  ASSERT_EQ(
      run_bench("run " + shell_quote(plan_file("quick").string()) + " --out " + shell_quote(run.string()),
                dir)
          .exit_code,
      0);
  const fs::path rate = run / "captures" / "line_trs_to_amp_trs" / "noise.wav";
  const fs::path channels = run / "captures" / "hp_to_amp_stereo" / "noise.wav";
  rewrite_rate(rate, 44100);
  // A mono file of the run's rate in place of the other configuration's noise capture.
  ASSERT_EQ(run_bench("generate silence --channels 1 --rate 48000 --duration 1 --out " +
                          shell_quote((dir / "mono.wav").string()),
                      dir)
                .exit_code,
            0);
  fs::copy_file(dir / "mono.wav", channels, fs::copy_options::overwrite_existing);
  const Finished o = run_bench(
      "reanalyze " + shell_quote(run.string()) + " --out " + shell_quote((dir / "again").string()), dir);
  EXPECT_EQ(o.exit_code, 3) << o.err;
  const record::RunRecord r = valid_record(dir / "again");
  ASSERT_EQ(r.configurations.size(), 2u) << "the run did not go on past the changed capture";
  const auto noise_error = [&](std::size_t i) {
    const auto* s = r.configurations[i].step("noise");
    return s != nullptr && s->error ? *s->error : std::string("(no error)");
  };
  EXPECT_TRUE(contains(noise_error(0), rate.string() + ": its header says 2 channels at 44100 Hz"))
      << noise_error(0);
  EXPECT_TRUE(contains(noise_error(1), channels.string() + ": its header says 1 channel at 48000 Hz"))
      << noise_error(1);
  ASSERT_TRUE(r.reanalysis_of.has_value());
  EXPECT_LT(r.reanalysis_of->identical_checks, r.reanalysis_of->checks);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace bench::session::test
