// `bench generate` into something that is not a regular file: the WAV goes in, and no sidecar is made
// beside it (a `<device>.json` would be a stray regular file, in /dev for `--out /dev/stdout`).
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace bench_generate_target {

namespace fs = std::filesystem;

TEST(CliGenerateTarget, IntoAFifoWritesTheWavThroughItAndNoSidecarBesideIt) {
  const fs::path dir = fs::path(BENCH_TEST_TMP) / "generate_target" / "fifo";
  fs::remove_all(dir);
  fs::create_directories(dir);
  const fs::path fifo = dir / "pipe.wav";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  // The reader: cat copies what comes through the FIFO into a file.
  const std::string cmd = "cd '" + dir.string() + "' && (cat pipe.wav > got.wav &) && '" + BENCH_BIN +
                          "' generate sine --duration 0.5 --out pipe.wav 2> stderr.txt";
  const int status = std::system(cmd.c_str());
  ASSERT_TRUE(WIFEXITED(status));
  std::ifstream err_in(dir / "stderr.txt");
  std::stringstream err;
  err << err_in.rdbuf();
  EXPECT_EQ(WEXITSTATUS(status), 0) << err.str();
  EXPECT_TRUE(fs::is_fifo(fifo)) << "the FIFO was replaced";
  EXPECT_FALSE(fs::exists(dir / "pipe.wav.json")) << "a sidecar beside a FIFO";
  EXPECT_NE(err.str().find("no sidecar"), std::string::npos) << err.str();
  // 0.5 s at 48000 Hz of float32 mono came through: 24000 frames of 4 bytes behind the header.
  for (int i = 0; i < 50 && (!fs::exists(dir / "got.wav") || fs::file_size(dir / "got.wav") < 96000); ++i)
    std::system("sleep 0.1");
  ASSERT_TRUE(fs::exists(dir / "got.wav"));
  EXPECT_GE(fs::file_size(dir / "got.wav"), 96000u);
  EXPECT_LT(fs::file_size(dir / "got.wav"), 96000u + 200u);
  fs::remove_all(dir);
}

}  // namespace bench_generate_target
