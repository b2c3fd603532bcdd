// Where every output file goes (bench/io/atomic_file.hpp): a regular file is replaced whole by a rename, a
// symbolic link is written through (the link stays), a FIFO or character device is written straight into
// (never replaced by a regular file), and a write that fails for lack of space leaves what was there and
// is bench::OutputError (exit 4). Only FIFOs, links and files of a scratch folder are written, and
// /dev/full (whose writes fail by design); never /dev/null.
#include "bench/io/atomic_file.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "bench/core/error.hpp"

namespace fs = std::filesystem;

namespace {

fs::path atomic_scratch() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string name = std::string(info->test_suite_name()) + "." + info->name();
  for (char& c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_') c = '_';
  const fs::path dir = fs::path(BENCH_TEST_TMP) / "io" / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

std::string contents_of(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::string> entries_of(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

mode_t kind_of(const fs::path& p) {
  struct stat st {};
  EXPECT_EQ(::lstat(p.c_str(), &st), 0) << p;
  return st.st_mode & S_IFMT;
}

TEST(AtomicWrite, ReplacesARegularFileWholeAndLeavesNoPartialFile) {
  const fs::path dir = atomic_scratch();
  std::ofstream(dir / "a.json") << "old\n";
  bench::io::write_text_atomic(dir / "a.json", "new\n");
  EXPECT_EQ(contents_of(dir / "a.json"), "new\n");
  bench::io::write_text_atomic(dir / "b.json", "fresh\n", true);
  EXPECT_EQ(contents_of(dir / "b.json"), "fresh\n");
  EXPECT_EQ(entries_of(dir), (std::vector<std::string>{"a.json", "b.json"}));
}

TEST(AtomicWrite, WritesIntoAFifoAndLeavesItAFifo) {
  const fs::path dir = atomic_scratch();
  const fs::path fifo = dir / "out.fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  // A reader opened first (non-blocking), so the writer's open does not wait; the text fits the pipe.
  const int reader = ::open(fifo.c_str(), O_RDONLY | O_NONBLOCK);
  ASSERT_GE(reader, 0);
  ASSERT_TRUE(bench::io::write_target(fifo).straight);
  bench::io::write_text_atomic(fifo, "{\"a\": 1}\n");
  char buffer[64] = {};
  const ssize_t n = ::read(reader, buffer, sizeof buffer);
  ::close(reader);
  EXPECT_EQ(std::string(buffer, n > 0 ? static_cast<std::size_t>(n) : 0), "{\"a\": 1}\n");
  EXPECT_EQ(kind_of(fifo), S_IFIFO) << "the FIFO was replaced";
  EXPECT_EQ(entries_of(dir), std::vector<std::string>{"out.fifo"});
}

TEST(AtomicWrite, WritesThroughSymbolicLinksAndKeepsThem) {
  const fs::path dir = atomic_scratch();
  fs::create_directories(dir / "elsewhere");
  std::ofstream(dir / "elsewhere" / "real.json") << "old\n";
  fs::create_symlink(fs::path("elsewhere") / "real.json", dir / "relative.json");
  fs::create_symlink(dir / "relative.json", dir / "chain.json");  // a link to a link
  bench::io::write_text_atomic(dir / "chain.json", "through\n");
  EXPECT_EQ(kind_of(dir / "chain.json"), S_IFLNK);
  EXPECT_EQ(kind_of(dir / "relative.json"), S_IFLNK);
  EXPECT_EQ(contents_of(dir / "elsewhere" / "real.json"), "through\n");
  EXPECT_EQ(entries_of(dir / "elsewhere"), std::vector<std::string>{"real.json"});
  // A dangling link: the file it names is created, the link stays.
  fs::create_symlink(fs::path("elsewhere") / "new.json", dir / "dangling.json");
  bench::io::write_text_atomic(dir / "dangling.json", "made\n");
  EXPECT_EQ(kind_of(dir / "dangling.json"), S_IFLNK);
  EXPECT_EQ(contents_of(dir / "elsewhere" / "new.json"), "made\n");
}

TEST(AtomicWrite, DevStdoutAndCharacterDevicesAreWrittenStraight) {
  EXPECT_TRUE(bench::io::write_target("/dev/stdout").straight);
  EXPECT_TRUE(bench::io::write_target("/proc/self/fd/1").straight);
  EXPECT_TRUE(bench::io::write_target("/dev/full").straight);
  EXPECT_FALSE(bench::io::write_target(fs::path(BENCH_TEST_TMP) / "no_such_file.json").straight);
}

TEST(AtomicWrite, NoSpaceIsAnOutputErrorNamingTheFile) {
  // /dev/full: every write fails with ENOSPC. Written straight (checked above), so it stays the device.
  ASSERT_TRUE(bench::io::write_target("/dev/full").straight);
  try {
    bench::io::write_text_atomic("/dev/full", "x");
    ADD_FAILURE() << "no error";
  } catch (const bench::OutputError& e) {
    EXPECT_EQ(bench::exit_code_for(e), bench::ExitCode::kCannotWrite);
    EXPECT_NE(std::string(e.what()).find("/dev/full: cannot write (No space left on device): free space"),
              std::string::npos)
        << e.what();
  }
  EXPECT_EQ(kind_of("/dev/full"), S_IFCHR);
}

TEST(AtomicWrite, FileTooLargeLeavesTheEarlierFileWhole) {
  const fs::path dir = atomic_scratch();
  std::ofstream(dir / "report.json") << "the earlier record\n";
  // ulimit -f in this process: writes past 4096 bytes fail with EFBIG once SIGXFSZ is ignored.
  const auto old_handler = std::signal(SIGXFSZ, SIG_IGN);
  rlimit old_limit{};
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &old_limit), 0);
  rlimit small = old_limit;
  small.rlim_cur = 4096;
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &small), 0);
  std::string error;
  int code = 0;
  try {
    bench::io::write_text_atomic(dir / "report.json", std::string(100000, 'x'));
  } catch (const bench::Error& e) {
    error = e.what();
    code = static_cast<int>(bench::exit_code_for(e));
  }
  ::setrlimit(RLIMIT_FSIZE, &old_limit);
  std::signal(SIGXFSZ, old_handler);
  EXPECT_EQ(code, 4) << error;
  EXPECT_NE(error.find((dir / "report.json").string() + ": cannot write (File too large)"), std::string::npos)
      << error;
  EXPECT_EQ(contents_of(dir / "report.json"), "the earlier record\n");
  EXPECT_EQ(entries_of(dir), std::vector<std::string>{"report.json"});
}

TEST(AtomicWrite, PathUnderARegularFileIsAnInputError) {
  const fs::path dir = atomic_scratch();
  std::ofstream(dir / "file") << "x";
  try {
    bench::io::write_text_atomic(dir / "file" / "a.json", "x");
    ADD_FAILURE() << "no error";
  } catch (const bench::Error& e) {
    EXPECT_EQ(bench::exit_code_for(e), bench::ExitCode::kUsage) << e.what();
    EXPECT_NE(std::string(e.what()).find((dir / "file" / "a.json").string()), std::string::npos) << e.what();
  }
}

}  // namespace
