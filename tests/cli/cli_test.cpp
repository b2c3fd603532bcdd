// The `bench` command line, run as a real process: exit codes, the one-line error contract, the files
// `generate` writes and the numbers `analyze` reports, each checked against truth computed here.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <nlohmann/json.hpp>
#include <numbers>
#include <ostream>
#include <random>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr double kPi = std::numbers::pi;

// ---------------------------------------------------------------------------------------------------
// Scratch directories and running the binary

fs::path scratch_dir() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string name = std::string(info->test_suite_name()) + "." + info->name();
  for (char& c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_') c = '_';
  const fs::path dir = fs::path(BENCH_TEST_TMP) / "cli" / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) {
    if (c == '\'')
      q.append("'\\''");
    else
      q.push_back(c);
  }
  q.push_back('\'');
  return q;
}

struct Outcome {
  bool exited = false;  ///< false: killed by a signal
  int code = -1;
  int signal = 0;
  std::string out, err;
  std::string command;
};

std::ostream& operator<<(std::ostream& os, const Outcome& r) {
  return os << "command: " << r.command << "\nexit " << r.code << (r.exited ? "" : " (signal)")
            << "\nstdout: " << r.out.substr(0, 2000) << "\nstderr: " << r.err;
}

// Runs BENCH_BIN with args; stdout and stderr go to files in `dir`.
Outcome bench(const fs::path& dir, const std::vector<std::string>& args) {
  static int counter = 0;
  const int n = ++counter;
  const fs::path out = dir / ("run" + std::to_string(n) + ".stdout");
  const fs::path err = dir / ("run" + std::to_string(n) + ".stderr");
  std::string cmd = shell_quote(BENCH_BIN);
  for (const auto& a : args) {
    cmd.push_back(' ');
    cmd.append(shell_quote(a));
  }
  Outcome r;
  r.command = cmd;
  cmd.append(" >").append(shell_quote(out.string())).append(" 2>").append(shell_quote(err.string()));
  const int status = std::system(cmd.c_str());
  r.exited = WIFEXITED(status);
  r.code = r.exited ? WEXITSTATUS(status) : -1;
  r.signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
  r.out = slurp(out);
  r.err = slurp(err);
  return r;
}

// The error contract: the exit code, nothing on stdout, exactly one stderr line "bench: error: ..."
// naming every needle, and never a crash or an internal error.
void expect_error(const Outcome& r, int code, const std::vector<std::string>& needles) {
  ASSERT_TRUE(r.exited) << "killed by signal " << r.signal << "\n" << r;
  EXPECT_NE(r.code, 70) << r;
  EXPECT_NE(r.code, 0) << r;
  EXPECT_EQ(r.code, code) << r;
  EXPECT_TRUE(r.out.empty()) << r;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r;
  EXPECT_TRUE(!r.err.empty() && r.err.back() == '\n') << r;
  EXPECT_EQ(r.err.rfind("bench: error: ", 0), 0u) << r;
  for (const auto& n : needles)
    EXPECT_NE(r.err.find(n), std::string::npos) << "stderr lacks '" << n << "'\n" << r;
}

json parse_stdout(const Outcome& r) {
  EXPECT_TRUE(r.exited && r.code == 0) << r;
  EXPECT_EQ(r.err.find("error"), std::string::npos) << r;
  try {
    return json::parse(r.out);
  } catch (const json::exception& e) {
    ADD_FAILURE() << "stdout is not JSON: " << e.what() << "\n" << r;
    return json::object();
  }
}

json read_json(const fs::path& p) {
  std::ifstream in(p);
  return json::parse(in);
}

// ---------------------------------------------------------------------------------------------------
// A tiny IEEE-float WAV writer and reader, independent of the product (and of libsndfile).

void put_u32(std::string& s, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) s.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}
void put_u16(std::string& s, std::uint16_t v) {
  s.push_back(static_cast<char>(v & 0xFF));
  s.push_back(static_cast<char>(v >> 8));
}
std::uint32_t get_u32(const std::string& s, std::size_t at) {
  std::uint32_t v = 0;
  for (int i = 3; i >= 0; --i)
    v = (v << 8) | static_cast<unsigned char>(s.at(at + static_cast<std::size_t>(i)));
  return v;
}
std::uint16_t get_u16(const std::string& s, std::size_t at) {
  return static_cast<std::uint16_t>(static_cast<unsigned char>(s.at(at)) |
                                    (static_cast<unsigned char>(s.at(at + 1)) << 8));
}

using Channels = std::vector<std::vector<float>>;  // [channel][frame]

// RIFF/WAVE with a 16-byte fmt chunk, format tag 3 (IEEE float), 32 bits.
void write_float_wav(const fs::path& path, int rate, const Channels& ch) {
  const auto channels = static_cast<std::uint32_t>(ch.size());
  const auto frames = static_cast<std::uint32_t>(ch.empty() ? 0 : ch[0].size());
  const std::uint32_t data_bytes = frames * channels * 4;
  std::string s = "RIFF";
  put_u32(s, 36 + data_bytes);
  s += "WAVEfmt ";
  put_u32(s, 16);
  put_u16(s, 3);
  put_u16(s, static_cast<std::uint16_t>(channels));
  put_u32(s, static_cast<std::uint32_t>(rate));
  put_u32(s, static_cast<std::uint32_t>(rate) * channels * 4);
  put_u16(s, static_cast<std::uint16_t>(channels * 4));
  put_u16(s, 32);
  s += "data";
  put_u32(s, data_bytes);
  for (std::uint32_t i = 0; i < frames; ++i)
    for (std::uint32_t c = 0; c < channels; ++c) {
      std::uint32_t bits;
      std::memcpy(&bits, &ch[c][i], 4);
      put_u32(s, bits);
    }
  std::ofstream(path, std::ios::binary) << s;
}

struct FloatWav {
  int rate = 0;
  Channels ch;
  [[nodiscard]] std::size_t frames() const { return ch.empty() ? 0 : ch[0].size(); }
};

// Reads a 32-bit float WAV (tag 3, or WAVE_FORMAT_EXTENSIBLE with the float sub-format); walks every chunk.
FloatWav read_float_wav(const fs::path& path) {
  const std::string s = slurp(path);
  if (s.size() < 12 || s.compare(0, 4, "RIFF") != 0 || s.compare(8, 4, "WAVE") != 0)
    throw std::runtime_error(path.string() + ": not RIFF/WAVE");
  FloatWav w;
  int channels = 0, bits = 0, tag = 0;
  std::size_t at = 12;
  while (at + 8 <= s.size()) {
    const std::string id = s.substr(at, 4);
    const std::uint32_t size = get_u32(s, at + 4);
    const std::size_t body = at + 8;
    if (id == "fmt ") {
      tag = get_u16(s, body);
      channels = get_u16(s, body + 2);
      w.rate = static_cast<int>(get_u32(s, body + 4));
      bits = get_u16(s, body + 14);
      if (tag == 0xFFFE) tag = get_u16(s, body + 24);  // sub-format GUID starts with the tag
    } else if (id == "data") {
      if (tag != 3 || bits != 32 || channels < 1)
        throw std::runtime_error(path.string() + ": not 32-bit float");
      const std::size_t frames = size / (4u * static_cast<std::uint32_t>(channels));
      w.ch.assign(static_cast<std::size_t>(channels), std::vector<float>(frames));
      for (std::size_t i = 0; i < frames; ++i)
        for (std::size_t c = 0; c < static_cast<std::size_t>(channels); ++c) {
          const std::uint32_t u = get_u32(s, body + 4 * (i * static_cast<std::size_t>(channels) + c));
          std::memcpy(&w.ch[c][i], &u, 4);
        }
      return w;
    }
    at = body + size + (size & 1u);
  }
  throw std::runtime_error(path.string() + ": no data chunk");
}

// ---------------------------------------------------------------------------------------------------
// Stimuli and captures

// `bench generate sweep` of a short 20 Hz - 20 kHz sweep; fails the test if the command fails.
fs::path generate_sweep(const fs::path& dir, const std::string& name = "stim.wav", double f1 = 20,
                        double f2 = 20000, double duration = 1.0) {
  const fs::path out = dir / name;
  const Outcome r = bench(dir, {"generate", "sweep", "--f1", std::to_string(f1), "--f2", std::to_string(f2),
                                "--duration", std::to_string(duration), "--out", out.string()});
  EXPECT_EQ(r.code, 0) << r;
  return out;
}

// A copy of `stim` delayed by `delay` samples and scaled by `gain`, with `tail` extra zeros.
std::vector<float> delayed(const std::vector<float>& stim, std::size_t delay, double gain, std::size_t tail) {
  std::vector<float> y(stim.size() + delay + tail, 0.0f);
  for (std::size_t i = 0; i < stim.size(); ++i)
    y[i + delay] = static_cast<float>(gain * static_cast<double>(stim[i]));
  return y;
}

fs::path write_capture(const fs::path& dir, const std::string& name, int rate, const Channels& ch) {
  const fs::path p = dir / name;
  write_float_wav(p, rate, ch);
  return p;
}

std::vector<float> sine(std::size_t n, double freq, double amplitude, double rate) {
  std::vector<float> x(n);
  for (std::size_t i = 0; i < n; ++i)
    x[i] = static_cast<float>(amplitude * std::sin(2 * kPi * freq * static_cast<double>(i) / rate));
  return x;
}

fs::path repo_root() {
  return fs::path(__FILE__).parent_path().parent_path().parent_path();
}

std::string project_version() {
  const fs::path cmake = fs::path(__FILE__).parent_path().parent_path().parent_path() / "CMakeLists.txt";
  const std::string text = slurp(cmake);
  std::smatch m;
  if (!std::regex_search(text, m, std::regex(R"(project\(\s*bench\s+VERSION\s+([0-9]+\.[0-9]+\.[0-9]+))")))
    throw std::runtime_error("no project version in " + cmake.string());
  return m[1];
}

// Index of the grid point nearest `f` on a log scale.
std::size_t nearest(const json& freqs, double f) {
  std::size_t best = 0;
  for (std::size_t i = 0; i < freqs.size(); ++i)
    if (std::abs(std::log(freqs[i].get<double>() / f)) < std::abs(std::log(freqs[best].get<double>() / f)))
      best = i;
  return best;
}

// ---------------------------------------------------------------------------------------------------
// Top-level behaviour

TEST(CliTopLevel, VersionExitsZeroAndPrintsTheProjectVersion) {
  const Outcome r = bench(scratch_dir(), {"--version"});
  ASSERT_TRUE(r.exited);
  EXPECT_EQ(r.code, 0) << r;
  EXPECT_EQ(r.out, "bench " + project_version() + "\n") << r;
  EXPECT_TRUE(r.err.empty()) << r;
}

TEST(CliTopLevel, HelpExitsZeroAndListsTheSubcommandsAndExitCodes) {
  const Outcome r = bench(scratch_dir(), {"--help"});
  ASSERT_TRUE(r.exited);
  EXPECT_EQ(r.code, 0) << r;
  for (const char* word : {"generate", "analyze", "run", "selftest", "--version", "Exit codes"})
    EXPECT_NE(r.out.find(word), std::string::npos) << word << "\n" << r;
  EXPECT_TRUE(r.err.empty()) << r;
}

// `bench steps` is the catalogue in Markdown, and README's tables of steps, checks and settings are that
// output, verbatim, between its markers: the documentation cannot drift from the code.
TEST(CliSteps, ReadmeTablesAreTheOutput) {
  const Outcome r = bench(scratch_dir(), {"steps"});
  ASSERT_TRUE(r.exited);
  EXPECT_EQ(r.code, 0) << r;
  EXPECT_TRUE(r.err.empty()) << r;
  const fs::path readme = fs::path(__FILE__).parent_path().parent_path().parent_path() / "README.md";
  const std::string text = slurp(readme);
  const std::string begin = "<!-- bench steps: begin -->\n", end = "<!-- bench steps: end -->";
  const auto a = text.find(begin), b = text.find(end);
  ASSERT_NE(a, std::string::npos) << readme << " lacks the marker " << begin;
  ASSERT_NE(b, std::string::npos) << readme << " lacks the marker " << end;
  EXPECT_EQ(text.substr(a + begin.size(), b - a - begin.size()), r.out)
      << "README's step, check and setting tables differ from `bench steps`: paste its output between the "
         "markers";
}

// --json: every step kind, check and setting, with what a program needs (units, defaults, ranges, needs).
TEST(CliSteps, JsonListsEveryKindCheckAndSetting) {
  const json doc = parse_stdout(bench(scratch_dir(), {"steps", "--json"}));
  EXPECT_EQ(doc.at("schema"), "bench.steps/1");
  std::vector<std::string> kinds;
  for (const auto& k : doc.at("step_kinds")) kinds.push_back(k.at("kind"));
  EXPECT_EQ(kinds, (std::vector<std::string>{"clock", "sweeps", "phase", "crosstalk", "level", "distortion",
                                             "imd", "dynamic_range", "max_output", "noise", "impedance"}));
  bool crosstalk_needs_sweeps = false;
  for (const auto& k : doc.at("step_kinds"))
    if (k.at("kind") == "crosstalk")
      for (const auto& n : k.at("needs"))
        crosstalk_needs_sweeps =
            crosstalk_needs_sweeps || (n.at("kind") == "sweeps" && n.at("required") == true);
  EXPECT_TRUE(crosstalk_needs_sweeps);
  bool thd = false;
  for (const auto& c : doc.at("checks"))
    if (c.at("name") == "thd_n_db") {
      thd = true;
      EXPECT_EQ(c.at("unit"), "dB");
      EXPECT_EQ(c.at("better"), "lower is better");
      EXPECT_EQ(c.at("limit_forms"), json::array({"min", "max"}));
    }
  EXPECT_TRUE(thd);
  bool tone = false;
  for (const auto& st : doc.at("settings"))
    if (st.at("name") == "tone_duration_s") {
      tone = true;
      EXPECT_EQ(st.at("unit"), "s");
      EXPECT_EQ(st.at("default"), 1);
      EXPECT_EQ(st.at("max"), 600);
    }
  EXPECT_TRUE(tone);
}

TEST(CliTopLevel, SubcommandHelpExitsZero) {
  const fs::path dir = scratch_dir();
  const std::vector<std::pair<std::vector<std::string>, const char*>> cases = {
      {{"generate", "sweep", "--help"}, "--out"},
      {{"generate", "sine", "--help"}, "--coherent"},
      {{"analyze", "sweep", "--help"}, "--stimulus"},
      {{"analyze", "sine", "--help"}, "--fullscale-vrms"},
      {{"analyze", "noise", "--help"}, "--bandwidth"}};
  for (const auto& [args, option] : cases) {
    const Outcome r = bench(dir, args);
    EXPECT_EQ(r.code, 0) << r;
    EXPECT_NE(r.out.find(option), std::string::npos) << option << "\n" << r;
    EXPECT_TRUE(r.err.empty()) << r;
  }
}

struct UsageCase {
  const char* name;
  std::vector<std::string> args;
  std::vector<std::string> needles;
};
std::ostream& operator<<(std::ostream& os, const UsageCase& c) {
  return os << c.name;
}

class CliUsage : public ::testing::TestWithParam<UsageCase> {};

TEST_P(CliUsage, ExitsTwoWithOneErrorLine) {
  const fs::path dir = scratch_dir();
  std::vector<std::string> args = GetParam().args;
  for (auto& a : args) {
    if (a == "OUT") a = (dir / "x.wav").string();
    if (a == "PLAN") a = (repo_root() / "profiles" / "plans" / "demo.toml").string();
  }
  expect_error(bench(dir, args), 2, GetParam().needles);
  EXPECT_FALSE(fs::exists(dir / "x.wav"));
}

INSTANTIATE_TEST_SUITE_P(
    Cases, CliUsage,
    ::testing::Values(
        UsageCase{"no_subcommand", {}, {}}, UsageCase{"unknown_subcommand", {"frobnicate"}, {}},
        UsageCase{"unknown_generate_kind", {"generate", "square", "--out", "OUT"}, {}},
        UsageCase{"unknown_top_option", {"--frobnicate"}, {}},
        UsageCase{"unknown_option", {"generate", "sweep", "--bogus", "1", "--out", "OUT"}, {"--bogus"}},
        UsageCase{"missing_required_option", {"analyze", "sine"}, {"--capture"}},
        UsageCase{"missing_out", {"generate", "sine"}, {"--out"}},
        UsageCase{"non_numeric_rate", {"generate", "sweep", "--rate", "abc", "--out", "OUT"}, {"--rate"}},
        UsageCase{"unknown_format", {"generate", "sine", "--format", "pcm8", "--out", "OUT"}, {"pcm8"}},
        UsageCase{"zero_channels", {"generate", "sine", "--channels", "0", "--out", "OUT"}, {"--channels"}},
        UsageCase{"tone_above_nyquist",
                  {"generate", "sine", "--frequency", "30000", "--out", "OUT"},
                  {"--frequency"}},
        UsageCase{"sweep_f1_above_f2",
                  {"generate", "sweep", "--f1", "1000", "--f2", "500", "--out", "OUT"},
                  {"--f1"}},
        UsageCase{"sweep_f1_equals_f2",
                  {"generate", "sweep", "--f1", "1000", "--f2", "1000", "--out", "OUT"},
                  {"--f1"}},
        UsageCase{"sweep_f2_above_nyquist",
                  {"generate", "sweep", "--f2", "30000", "--out", "OUT"},
                  {"--f2", "Nyquist"}},
        UsageCase{"sweep_level_above_full_scale",
                  {"generate", "sweep", "--level-dbfs", "1", "--out", "OUT"},
                  {"--level-dbfs"}},
        UsageCase{"sine_level_minus_infinity",
                  {"generate", "sine", "--level-dbfs", "-inf", "--out", "OUT"},
                  {"--level-dbfs", "-200 to 0 dBFS"}},
        UsageCase{"sweep_level_minus_1000",
                  {"generate", "sweep", "--level-dbfs", "-1000", "--out", "OUT"},
                  {"--level-dbfs", "-200 to 0 dBFS"}},
        UsageCase{"rate_zero",
                  {"generate", "sweep", "--rate", "0", "--out", "OUT"},
                  {"--rate", "1000 to 1000000 Hz"}},
        UsageCase{"silence_rate_zero",
                  {"generate", "silence", "--rate", "0", "--out", "OUT"},
                  {"--rate", "1000 to 1000000 Hz"}},
        UsageCase{"duration_negative",
                  {"generate", "sine", "--duration", "-1", "--out", "OUT"},
                  {"--duration", "above 0 s"}},
        UsageCase{"run_seed_negative",
                  {"run", "PLAN", "--seed", "-1", "--out", "OUT"},
                  {"--seed", "0 to 18446744073709551615"}},
        UsageCase{"run_period_frames_zero",
                  {"run", "PLAN", "--period-frames", "0", "--out", "OUT"},
                  {"--period-frames", "16 to 8192"}},
        UsageCase{"run_attempts_zero",
                  {"run", "PLAN", "--attempts", "0", "--out", "OUT"},
                  {"--attempts", "1 to 20"}}),
    [](const auto& p) { return std::string(p.param.name); });

// ---------------------------------------------------------------------------------------------------
// generate

struct SweepGen {
  double f1, f2, duration;
  int rate;
  int channels;
};
std::ostream& operator<<(std::ostream& os, const SweepGen& c) {
  return os << c.f1 << "-" << c.f2 << " Hz " << c.duration << " s @" << c.rate << " x" << c.channels;
}

class CliGenerateSweep : public ::testing::TestWithParam<SweepGen> {};

TEST_P(CliGenerateSweep, WritesSynchronisedSweepWavAndSidecar) {
  const SweepGen& g = GetParam();
  const fs::path dir = scratch_dir();
  const fs::path wav = dir / "s.wav";
  const Outcome r =
      bench(dir, {"generate", "sweep", "--f1", std::to_string(g.f1), "--f2", std::to_string(g.f2),
                  "--duration", std::to_string(g.duration), "--rate", std::to_string(g.rate), "--channels",
                  std::to_string(g.channels), "--level-dbfs", "-6", "--out", wav.string()});
  ASSERT_EQ(r.code, 0) << r;
  EXPECT_TRUE(r.out.empty()) << r;  // stdout is reserved for results
  const json side = read_json(dir / "s.wav.json");
  EXPECT_EQ(side.at("schema"), "bench.stimulus/1");
  EXPECT_EQ(side.at("kind"), "sweep");
  EXPECT_EQ(side.at("f1_hz").get<double>(), g.f1);
  EXPECT_EQ(side.at("f2_hz").get<double>(), g.f2);
  EXPECT_EQ(side.at("sample_rate_hz").get<double>(), g.rate);
  EXPECT_EQ(side.at("channels").get<int>(), g.channels);

  // Novak's synchronisation condition: f1 * L is a whole number of cycles.
  const double l = side.at("rate_l_s").get<double>();
  const double cycles = g.f1 * l;
  EXPECT_GE(cycles, 1.0);
  EXPECT_NEAR(cycles, std::round(cycles), 1e-9 * cycles);
  // L is the synchronised rate nearest the requested duration: within half a cycle of f1.
  const double octave_log = std::log(g.f2 / g.f1);
  EXPECT_LE(std::abs(l * octave_log - g.duration), octave_log / (2 * g.f1) + 1e-12);
  EXPECT_NEAR(side.at("duration_s").get<double>(), l * octave_log, 1e-12);
  const auto samples = side.at("samples").get<std::size_t>();
  EXPECT_EQ(samples, static_cast<std::size_t>(std::ceil(l * octave_log * g.rate)));

  const FloatWav w = read_float_wav(wav);
  EXPECT_EQ(w.rate, g.rate);
  ASSERT_EQ(w.ch.size(), static_cast<std::size_t>(g.channels));
  EXPECT_EQ(w.frames(), samples);
  // The samples are the sweep sin(2 pi f1 L (exp(t/L) - 1)) at -6 dBFS (checked away from the fades).
  const double amplitude = std::pow(10.0, -6.0 / 20);
  double worst = 0;
  for (std::size_t n = 0; n < w.frames(); ++n) {
    const double t = static_cast<double>(n) / g.rate;
    if (t < 0.03 || t > l * octave_log - 0.03) continue;
    const double expected = amplitude * std::sin(2 * kPi * g.f1 * l * std::expm1(t / l));
    worst = std::max(worst, std::abs(w.ch[0][n] - expected));
  }
  EXPECT_LT(worst, 1e-6);
  for (std::size_t c = 1; c < w.ch.size(); ++c) EXPECT_EQ(w.ch[c], w.ch[0]) << "channel " << c;
  EXPECT_EQ(std::distance(fs::directory_iterator(dir), fs::directory_iterator()),
            4);  // wav, json, run stdout/stderr
}

INSTANTIATE_TEST_SUITE_P(Specs, CliGenerateSweep,
                         ::testing::Values(SweepGen{20, 20000, 1, 48000, 1},
                                           SweepGen{50, 10000, 0.5, 44100, 2},
                                           SweepGen{100, 24000, 1.5, 48000, 1},
                                           SweepGen{31.5, 16000, 0.7, 96000, 3},
                                           SweepGen{10, 20000, 1.9, 48000, 1}));

struct SineGen {
  double frequency, duration;
  int rate;
};
std::ostream& operator<<(std::ostream& os, const SineGen& c) {
  return os << c.frequency << " Hz " << c.duration << " s @" << c.rate;
}

class CliGenerateCoherentSine : public ::testing::TestWithParam<SineGen> {};

TEST_P(CliGenerateCoherentSine, FrequencyFitsAWholeNumberOfCyclesInTheRecord) {
  const SineGen& g = GetParam();
  const fs::path dir = scratch_dir();
  const fs::path wav = dir / "t.wav";
  const Outcome r = bench(dir, {"generate", "sine", "--coherent", "--frequency", std::to_string(g.frequency),
                                "--duration", std::to_string(g.duration), "--rate", std::to_string(g.rate),
                                "--level-dbfs", "-3", "--out", wav.string()});
  ASSERT_EQ(r.code, 0) << r;
  const json side = read_json(dir / "t.wav.json");
  EXPECT_EQ(side.at("schema"), "bench.stimulus/1");
  EXPECT_EQ(side.at("kind"), "sine");
  EXPECT_TRUE(side.at("coherent").get<bool>());
  const auto samples = side.at("samples").get<std::size_t>();
  EXPECT_EQ(samples, static_cast<std::size_t>(std::llround(g.duration * g.rate)));
  const double actual = side.at("actual_frequency_hz").get<double>();
  const double cycles = actual * static_cast<double>(samples) / g.rate;
  EXPECT_NEAR(cycles, std::round(cycles), 1e-9 * cycles);
  EXPECT_LE(std::abs(actual - g.frequency),
            g.rate / static_cast<double>(samples) / 2 + 1e-9);  // nearest whole cycle count

  const FloatWav w = read_float_wav(wav);
  ASSERT_EQ(w.frames(), samples);
  const double amplitude = std::pow(10.0, -3.0 / 20);
  double worst = 0;
  for (std::size_t n = 0; n < samples; ++n)
    worst = std::max(worst, std::abs(w.ch[0][n] - amplitude * std::sin(2 * kPi * actual *
                                                                       static_cast<double>(n) / g.rate)));
  EXPECT_LT(worst, 1e-6);
}

INSTANTIATE_TEST_SUITE_P(Specs, CliGenerateCoherentSine,
                         ::testing::Values(SineGen{997, 1, 48000}, SineGen{1000, 0.5, 44100},
                                           SineGen{12345.6, 0.3, 96000}, SineGen{20.3, 1.7, 48000},
                                           SineGen{19999, 0.25, 44100}));

TEST(CliGenerateSine, WithoutCoherentKeepsTheRequestedFrequency) {
  const fs::path dir = scratch_dir();
  ASSERT_EQ(bench(dir, {"generate", "sine", "--frequency", "997", "--duration", "0.5", "--out",
                        (dir / "t.wav").string()})
                .code,
            0);
  const json side = read_json(dir / "t.wav.json");
  EXPECT_EQ(side.at("actual_frequency_hz").get<double>(), 997.0);
  EXPECT_FALSE(side.at("coherent").get<bool>());
}

// ---------------------------------------------------------------------------------------------------
// analyze sweep

struct Chain {
  const char* name;
  std::size_t delay;
  double gain;
};
std::ostream& operator<<(std::ostream& os, const Chain& c) {
  return os << c.name;
}

void expect_flat_response(const json& ch, double gain, double delay) {
  EXPECT_NEAR(ch.at("latency_samples").get<double>(), delay, 0.1);
  EXPECT_EQ(ch.at("polarity"), gain < 0 ? "inverted" : "normal");
  const json& fr = ch.at("frequency_response");
  const json& f = fr.at("frequency_hz");
  const json& mag = fr.at("magnitude_db");
  ASSERT_EQ(f.size(), mag.size());
  ASSERT_FALSE(f.empty());
  for (double at : {100.0, 1000.0, 10000.0}) {
    const std::size_t i = nearest(f, at);
    EXPECT_LT(std::abs(std::log2(f[i].get<double>() / at)), 1.0 / 48) << at;
    ASSERT_TRUE(mag[i].is_number()) << at;
    EXPECT_NEAR(mag[i].get<double>(), 20 * std::log10(std::abs(gain)), 0.05) << "at " << f[i];
  }
}

void expect_log_axis(const json& f, double f1, double f2, int per_octave) {
  ASSERT_GE(f.size(), static_cast<std::size_t>(std::floor(per_octave * std::log2(f2 / f1))) + 1);
  EXPECT_NEAR(f.front().get<double>(), f1, 1e-9 * f1);
  EXPECT_NEAR(f.back().get<double>(), f2, 1e-9 * f2);
  for (std::size_t i = 1; i < f.size(); ++i) {
    EXPECT_GT(f[i].get<double>(), f[i - 1].get<double>()) << i;
    EXPECT_LE(f[i].get<double>() / f[i - 1].get<double>(), std::exp2(1.0 / per_octave) * (1 + 1e-9)) << i;
  }
}

class CliAnalyzeSweep : public ::testing::TestWithParam<Chain> {};

TEST_P(CliAnalyzeSweep, DelayGainAndPolarityOfAScaledDelayedCopyAreMeasured) {
  const Chain& c = GetParam();
  const fs::path dir = scratch_dir();
  const fs::path stim = generate_sweep(dir);
  const FloatWav s = read_float_wav(stim);
  const fs::path cap = write_capture(dir, "cap.wav", 48000, {delayed(s.ch[0], c.delay, c.gain, 9600)});
  const Outcome r = bench(dir, {"analyze", "sweep", "--stimulus", stim.string(), "--capture", cap.string()});
  const json doc = parse_stdout(r);
  EXPECT_EQ(doc.at("schema"), "bench.analysis/1");
  EXPECT_EQ(doc.at("kind"), "sweep");
  EXPECT_EQ(doc.at("sample_rate_hz").get<double>(), 48000.0);
  ASSERT_EQ(doc.at("channels").size(), 1u);
  EXPECT_EQ(doc["channels"][0].at("channel"), 0);
  expect_flat_response(doc["channels"][0], c.gain, static_cast<double>(c.delay));
  expect_log_axis(doc["channels"][0]["frequency_response"]["frequency_hz"], 20, 20000, 48);
}

INSTANTIATE_TEST_SUITE_P(Chains, CliAnalyzeSweep,
                         ::testing::Values(Chain{"delay100_gain_minus_half", 100, -0.5},
                                           Chain{"no_delay_unity", 0, 1.0},
                                           Chain{"delay2400_gain_0_1", 2400, 0.1},
                                           Chain{"delay37_gain_plus_1_5", 37, 1.5},
                                           Chain{"delay1_gain_minus_0_01", 1, -0.01}),
                         [](const auto& p) { return std::string(p.param.name); });

TEST(CliAnalyzeSweepChannels, EachCaptureChannelIsMeasuredAgainstTheMonoStimulusInOrder) {
  const fs::path dir = scratch_dir();
  const fs::path stim = generate_sweep(dir);
  const FloatWav s = read_float_wav(stim);
  const fs::path cap = write_capture(dir, "cap.wav", 48000,
                                     {delayed(s.ch[0], 100, -0.5, 9600), delayed(s.ch[0], 337, 0.25, 9363)});
  const json doc =
      parse_stdout(bench(dir, {"analyze", "sweep", "--stimulus", stim.string(), "--capture", cap.string()}));
  ASSERT_EQ(doc.at("channels").size(), 2u);
  EXPECT_EQ(doc["channels"][0].at("channel"), 0);
  EXPECT_EQ(doc["channels"][1].at("channel"), 1);
  expect_flat_response(doc["channels"][0], -0.5, 100);
  expect_flat_response(doc["channels"][1], 0.25, 337);
}

TEST(CliAnalyzeSweepOptions, PointsPerOctaveSetsTheAxisDensity) {
  const fs::path dir = scratch_dir();
  const fs::path stim = generate_sweep(dir);
  const fs::path cap =
      write_capture(dir, "cap.wav", 48000, {delayed(read_float_wav(stim).ch[0], 100, -0.5, 4800)});
  const json doc = parse_stdout(bench(dir, {"analyze", "sweep", "--stimulus", stim.string(), "--capture",
                                            cap.string(), "--points-per-octave", "96"}));
  expect_log_axis(doc["channels"][0]["frequency_response"]["frequency_hz"], 20, 20000, 96);
}

TEST(CliAnalyzeSweepOptions, JsonOptionWritesTheDocumentToAFileAndNothingToStdout) {
  const fs::path dir = scratch_dir();
  const fs::path stim = generate_sweep(dir);
  const fs::path cap =
      write_capture(dir, "cap.wav", 48000, {delayed(read_float_wav(stim).ch[0], 100, -0.5, 4800)});
  const fs::path out = dir / "result.json";
  const Outcome r = bench(dir, {"analyze", "sweep", "--stimulus", stim.string(), "--capture", cap.string(),
                                "--json", out.string()});
  ASSERT_EQ(r.code, 0) << r;
  EXPECT_TRUE(r.out.empty()) << r;
  const json doc = read_json(out);
  EXPECT_EQ(doc.at("schema"), "bench.analysis/1");
  expect_flat_response(doc["channels"][0], -0.5, 100);
  EXPECT_FALSE(fs::exists(dir / "result.json.partial"));
}

TEST(CliAnalyzeSweepSidecar, WithoutSidecarTheBandFromF1F2IsUsed) {
  const fs::path dir = scratch_dir();
  const fs::path stim = generate_sweep(dir);
  const fs::path bare = dir / "bare.wav";  // same samples, no bare.wav.json beside it
  fs::copy_file(stim, bare);
  const fs::path cap =
      write_capture(dir, "cap.wav", 48000, {delayed(read_float_wav(stim).ch[0], 100, -0.5, 9600)});
  const json doc = parse_stdout(bench(dir, {"analyze", "sweep", "--stimulus", bare.string(), "--capture",
                                            cap.string(), "--f1", "20", "--f2", "20000"}));
  EXPECT_EQ(doc.at("settings").at("f1_hz").get<double>(), 20.0);
  EXPECT_EQ(doc.at("settings").at("f2_hz").get<double>(), 20000.0);
  ASSERT_EQ(doc.at("channels").size(), 1u);
  expect_flat_response(doc["channels"][0], -0.5, 100);
  expect_log_axis(doc["channels"][0]["frequency_response"]["frequency_hz"], 20, 20000, 48);
}

// --fade beside a sidecar that says otherwise: the command line wins, with a warning naming both, as for
// --f1/--f2 (it used to be ignored without a word). The record's settings show the fade used.
TEST(CliAnalyzeSweepSidecar, AFadeThatDiffersFromTheSidecarIsUsedWithAWarning) {
  const fs::path dir = scratch_dir();
  const fs::path stim = generate_sweep(dir);  // its sidecar says fade_s 0.02 (bench generate's default)
  const fs::path cap =
      write_capture(dir, "cap.wav", 48000, {delayed(read_float_wav(stim).ch[0], 100, -0.5, 4800)});
  const Outcome r = bench(
      dir, {"analyze", "sweep", "--stimulus", stim.string(), "--capture", cap.string(), "--fade", "0.1"});
  ASSERT_EQ(r.code, 0) << r;
  EXPECT_NE(r.err.find("--fade 0.1 s differs from the sidecar"), std::string::npos) << r;
  EXPECT_NE(r.err.find("(0.02 s)"), std::string::npos) << r;
  const json doc = json::parse(r.out);
  EXPECT_EQ(doc.at("settings").at("fade_s").get<double>(), 0.1);
  // The same fade as the sidecar's is no news.
  const Outcome same = bench(
      dir, {"analyze", "sweep", "--stimulus", stim.string(), "--capture", cap.string(), "--fade", "0.02"});
  ASSERT_EQ(same.code, 0) << same;
  EXPECT_EQ(same.err.find("--fade"), std::string::npos) << same;
}

TEST(CliAnalyzeSweepSidecar, WithoutSidecarOrBandExitsTwoNamingTheSidecarAndOptions) {
  const fs::path dir = scratch_dir();
  const fs::path stim = generate_sweep(dir);
  const fs::path bare = dir / "bare.wav";
  fs::copy_file(stim, bare);
  const fs::path cap =
      write_capture(dir, "cap.wav", 48000, {delayed(read_float_wav(stim).ch[0], 100, -0.5, 4800)});
  expect_error(bench(dir, {"analyze", "sweep", "--stimulus", bare.string(), "--capture", cap.string()}), 2,
               {(dir / "bare.wav.json").string(), "--f1", "--f2"});
  expect_error(
      bench(dir, {"analyze", "sweep", "--stimulus", bare.string(), "--capture", cap.string(), "--f1", "20"}),
      2, {"--f1", "--f2"});
}

// ---------------------------------------------------------------------------------------------------
// analyze sine

class CliAnalyzeSine : public ::testing::TestWithParam<const char*> {};

TEST_P(CliAnalyzeSine, LevelAndFrequencyOfAGeneratedToneAreMeasured) {
  const fs::path dir = scratch_dir();
  const fs::path wav = dir / "tone.wav";
  ASSERT_EQ(bench(dir, {"generate", "sine", "--frequency", "997", "--level-dbfs", "-1", "--duration", "1",
                        "--format", GetParam(), "--out", wav.string()})
                .code,
            0);
  const json doc = parse_stdout(bench(dir, {"analyze", "sine", "--capture", wav.string()}));
  EXPECT_EQ(doc.at("schema"), "bench.analysis/1");
  EXPECT_EQ(doc.at("kind"), "sine");
  ASSERT_EQ(doc.at("channels").size(), 1u);
  const json& ch = doc["channels"][0];
  EXPECT_NEAR(ch.at("fundamental_dbfs").get<double>(), -1.0, 0.01);
  EXPECT_NEAR(ch.at("fundamental_hz").get<double>(), 997.0, 0.01);
  EXPECT_FALSE(ch.contains("fundamental_dbv"));  // volts only with --fullscale-vrms
}

INSTANTIATE_TEST_SUITE_P(Formats, CliAnalyzeSine, ::testing::Values("float32", "float64", "pcm24", "pcm16"));

TEST(CliAnalyzeSineVolts, FullscaleVrmsAddsDbvDbuAndVolts) {
  const fs::path dir = scratch_dir();
  const fs::path wav = dir / "tone.wav";
  ASSERT_EQ(bench(dir, {"generate", "sine", "--frequency", "997", "--level-dbfs", "-1", "--duration", "1",
                        "--out", wav.string()})
                .code,
            0);
  const json doc =
      parse_stdout(bench(dir, {"analyze", "sine", "--capture", wav.string(), "--fullscale-vrms", "2"}));
  const json& ch = doc.at("channels").at(0);
  const double dbv = -1 + 20 * std::log10(2.0);
  EXPECT_NEAR(ch.at("fundamental_dbv").get<double>(), dbv, 0.01);
  EXPECT_NEAR(ch.at("fundamental_vrms").get<double>(), 2 * std::pow(10.0, -1.0 / 20), 2 * 0.0012);  // 0.01 dB
  EXPECT_NEAR(ch.at("fundamental_dbu").get<double>(), dbv - 20 * std::log10(std::sqrt(0.6)),
              0.01);  // 0 dBu = sqrt(0.6) V
  EXPECT_EQ(doc.at("settings").at("fullscale_vrms").get<double>(), 2.0);
}

// analyze noise reads a lone 6.3 kHz tone at -40 dBFS through CCIR-RMS as BS.468-4's table says: +12.2 dB
// re 1 kHz, 5.63 dB less re 2 kHz; the volts follow --fullscale-vrms. analyze sine takes the weighting.
TEST(CliAnalyzeNoiseCcirRms, ALoneToneReadsTheTablesWeightAndItsVolts) {
  const fs::path dir = scratch_dir();
  const fs::path wav = dir / "tone63.wav";
  ASSERT_EQ(bench(dir, {"generate", "sine", "--frequency", "6300", "--level-dbfs", "-40", "--duration", "2",
                        "--out", wav.string()})
                .code,
            0);
  const json doc =
      parse_stdout(bench(dir, {"analyze", "noise", "--capture", wav.string(), "--fullscale-vrms", "2"}));
  const json& ch = doc.at("channels").at(0);
  const double expected = -40 + 12.2 - 5.63;
  EXPECT_NEAR(ch.at("noise_dbfs_ccir_rms").get<double>(), expected, 0.07);
  EXPECT_NEAR(ch.at("noise_ccir_rms_dbv").get<double>(), expected + 20 * std::log10(2.0), 0.07);
  const json sine =
      parse_stdout(bench(dir, {"analyze", "sine", "--capture", wav.string(), "--weighting", "ccir-rms"}));
  EXPECT_NE(sine.at("settings").at("weighting").get<std::string>().find("ccir-rms"), std::string::npos)
      << sine.at("settings");
}

// A tone as a recorder leaves it: 0.1 s of silence, 1 s of a -6 dBFS 997 Hz tone, 0.25 s of silence.
// Only the tone is measured (the whole record read THD+N 17 %); the span used is reported in seconds.
TEST(CliAnalyzeSineSpan, SilenceAroundTheToneIsLeftOutAndTheSpanReported) {
  const fs::path dir = scratch_dir();
  std::vector<float> y(4800, 0.0f);
  const std::vector<float> tone = sine(48000, 997, 0.5, 48000);
  y.insert(y.end(), tone.begin(), tone.end());
  y.resize(y.size() + 12000, 0.0f);
  const fs::path cap = write_capture(dir, "padded.wav", 48000, {y, y});
  const Outcome r = bench(dir, {"analyze", "sine", "--capture", cap.string()});
  const json doc = parse_stdout(r);
  ASSERT_EQ(doc.at("channels").size(), 2u);
  for (const json& ch : doc["channels"]) {
    EXPECT_LT(ch.at("thd_n_db").get<double>(), -130.0) << ch;  // a float32 sine: about -150 dB
    EXPECT_NEAR(ch.at("fundamental_dbfs").get<double>(), 20 * std::log10(0.5), 1e-3);
    EXPECT_NEAR(ch.at("span_start_s").get<double>(), 0.1, 0.005);
    EXPECT_NEAR(ch.at("span_end_s").get<double>(), 1.1, 0.005);
  }
  EXPECT_NE(r.err.find("padded.wav channel 0: steady tone from 0.100 s to 1.100 s"), std::string::npos) << r;
  // --channel picks one channel.
  const json one = parse_stdout(bench(dir, {"analyze", "sine", "--capture", cap.string(), "--channel", "1"}));
  ASSERT_EQ(one.at("channels").size(), 1u);
  EXPECT_EQ(one["channels"][0].at("channel"), 1);
}

// ---------------------------------------------------------------------------------------------------
// generate imd, analyze imd

// A SMPTE twin tone through y = x + a2 x^2 (float32, 0.1 s of silence before and after, as a recorder
// leaves it): the f2 +- f1 sidebands are a2*A1*A2 each, so imd = sqrt(2)*a2*A1; the tones are 4:1 with their
// sum at -6 dBFS. The steady stretch is found and reported.
TEST(CliAnalyzeImd, APolynomialsSidebandsAreReadFromAPaddedCapture) {
  const fs::path dir = scratch_dir();
  const double fs = 48000, a2 = 1e-3, peak = std::pow(10.0, -6.0 / 20);
  const double A1 = 0.8 * peak, A2 = 0.2 * peak;
  std::vector<float> y(4800, 0.0f);
  for (int n = 0; n < 48000; ++n) {
    const double t = n / fs;
    const double x =
        A1 * std::sin(2 * std::numbers::pi * 60 * t) + A2 * std::sin(2 * std::numbers::pi * 7000 * t);
    y.push_back(static_cast<float>(x + a2 * x * x));
  }
  y.resize(y.size() + 4800, 0.0f);
  const fs::path cap = write_capture(dir, "smpte.wav", 48000, {y});
  const Outcome r = bench(dir, {"analyze", "imd", "--capture", cap.string(), "--standard", "smpte"});
  const json doc = parse_stdout(r);
  EXPECT_EQ(doc.at("kind"), "imd");
  const json& ch = doc.at("channels").at(0);
  EXPECT_NEAR(ch.at("imd_db").get<double>(), 20 * std::log10(std::sqrt(2.0) * a2 * A1), 0.05) << ch;
  EXPECT_NEAR(ch.at("f1_dbfs").get<double>(), 20 * std::log10(A1), 0.01);
  EXPECT_NEAR(ch.at("f2_dbfs").get<double>(), 20 * std::log10(A2), 0.01);
  EXPECT_NEAR(ch.at("ratio").get<double>(), 4, 0.01);
  EXPECT_EQ(ch.at("products").size(), 10u);
  EXPECT_EQ(ch.at("products").at(0).at("name"), "f2-1f1");
  EXPECT_NEAR(ch.at("products").at(0).at("relative_db").get<double>(), 20 * std::log10(a2 * A1), 0.05);
  EXPECT_FALSE(ch.contains("dfd2_db")) << "SMPTE has no difference-frequency terms";
  EXPECT_NEAR(ch.at("span_start_s").get<double>(), 0.1, 0.03);
  EXPECT_NEAR(ch.at("span_end_s").get<double>(), 1.1, 0.03);
}

// ---------------------------------------------------------------------------------------------------
// analyze dynamic-range

// A -60 dBFS tone written as 24-bit PCM by bench generate: the residual is the rounding to 24 bits, white
// with a power of q^2/12 (q = 2^-23), so the unweighted dynamic range is the quantisation formula
// 6.02*24 + 1.76 dB plus the share of Nyquist outside 20 Hz..20 kHz, 10*log10(24000/19980).
TEST(CliAnalyzeDynamicRange, A24BitToneReadsTheQuantisationFloor) {
  const fs::path dir = scratch_dir();
  const fs::path wav = dir / "dr.wav";
  ASSERT_EQ(bench(dir, {"generate", "sine", "--level-dbfs", "-60", "--duration", "1", "--format", "pcm24",
                        "--out", wav.string()})
                .code,
            0);
  const json doc = parse_stdout(bench(dir, {"analyze", "dynamic-range", "--capture", wav.string()}));
  EXPECT_EQ(doc.at("kind"), "dynamic_range");
  const json& ch = doc.at("channels").at(0);
  const double expected = 20 * std::log10(std::pow(2.0, 24)) + 1.76 + 10 * std::log10(24000.0 / 19980);
  EXPECT_NEAR(ch.at("dynamic_range_db").get<double>(), expected, 0.3) << ch;
  EXPECT_NEAR(ch.at("tone_dbfs").get<double>(), -60, 0.01);
}

// White noise of known variance beside the tone, 0.2 s of silence around it (a recorder's): the steady
// stretch is found, and the A-weighted dynamic range is minus the noise integrated through IEC 61672-1's
// curve; --fullscale-vrms adds volts.
TEST(CliAnalyzeDynamicRange, WhiteNoiseBesideTheToneReadsTheAWeightingIntegral) {
  const fs::path dir = scratch_dir();
  const double fs = 48000, sigma = 2e-6, a = 1e-3;
  std::mt19937_64 rng(5);
  std::normal_distribution<double> g(0, sigma);
  std::vector<float> y;
  for (int n = 0; n < 9600; ++n) y.push_back(static_cast<float>(g(rng)));
  for (int n = 0; n < 48000; ++n)
    y.push_back(static_cast<float>(a * std::sin(2 * std::numbers::pi * 997 * n / fs) + g(rng)));
  for (int n = 0; n < 9600; ++n) y.push_back(static_cast<float>(g(rng)));
  const fs::path cap = write_capture(dir, "dr.wav", 48000, {y});
  const json doc = parse_stdout(
      bench(dir, {"analyze", "dynamic-range", "--capture", cap.string(), "--fullscale-vrms", "2"}));
  const json& ch = doc.at("channels").at(0);
  // IEC 61672-1's analytic A-weighting (its Annex E): R_A(f) with the +2.00 dB normalisation at 1 kHz.
  const auto a_power = [](double f) {
    const double f2 = f * f;
    const double ra = 12194.0 * 12194 * f2 * f2 /
                      ((f2 + 20.6 * 20.6) * std::sqrt((f2 + 107.7 * 107.7) * (f2 + 737.9 * 737.9)) *
                       (f2 + 12194.0 * 12194));
    return ra * ra * std::pow(10.0, 2.0 / 10);
  };
  double integral = 0;
  for (double f = 20; f <= 20000; f += 0.25) integral += a_power(f) * 0.25;
  EXPECT_NEAR(ch.at("dynamic_range_db_a").get<double>(),
              -10 * std::log10(2 * sigma * sigma * integral / (fs / 2)), 0.15)
      << ch;
  EXPECT_NEAR(ch.at("span_start_s").get<double>(), 0.2, 0.03);
  EXPECT_NEAR(ch.at("residual_a_dbv").get<double>(),
              ch.at("residual_dbfs_a").get<double>() + 20 * std::log10(2.0), 1e-9);
}

// bench generate imd writes the standard's tones at the asked peak with a sidecar saying so; analysed, a
// clean float32 twin tone has products only at the word length's floor.
TEST(CliGenerateImd, CcifTwinToneHasItsTonesAtHalfThePeakEach) {
  const fs::path dir = scratch_dir();
  const fs::path wav = dir / "ccif.wav";
  ASSERT_EQ(bench(dir, {"generate", "imd", "--standard", "ccif", "--level-dbfs", "-3", "--duration", "0.5",
                        "--out", wav.string()})
                .code,
            0);
  const json side = read_json(dir / "ccif.wav.json");
  EXPECT_EQ(side.at("kind"), "twin_tone");
  EXPECT_EQ(side.at("standard"), "ccif");
  EXPECT_NEAR(side.at("f1_level_dbfs").get<double>(), -3 + 20 * std::log10(0.5), 1e-9);
  const json doc =
      parse_stdout(bench(dir, {"analyze", "imd", "--capture", wav.string(), "--standard", "ccif"}));
  const json& ch = doc.at("channels").at(0);
  EXPECT_NEAR(ch.at("f1_dbfs").get<double>(), -3 + 20 * std::log10(0.5), 0.01);
  EXPECT_NEAR(ch.at("f2_dbfs").get<double>(), -3 + 20 * std::log10(0.5), 0.01);
  EXPECT_LT(ch.at("imd_db").get<double>(), -130);
  EXPECT_LT(ch.at("dfd2_db").get<double>(), -130);
}

// White noise 50 dB below the sweep (rms 3e-3 under a 0.35 rms sweep at -6 dBFS): the response is
// measurable, so it is measured (this was "no sweep found").
TEST(CliAnalyzeSweepNoise, ASweepFiftyDecibelsAboveWhiteNoiseIsMeasured) {
  const fs::path dir = scratch_dir();
  const fs::path stim = generate_sweep(dir);
  std::vector<float> y = delayed(read_float_wav(stim).ch[0], 100, 0.5, 4800);
  std::mt19937 rng(5);
  std::normal_distribution<float> g(0.0f, 3e-3f);
  for (float& v : y) v += g(rng);
  const fs::path cap = write_capture(dir, "noisy.wav", 48000, {y});
  const json doc =
      parse_stdout(bench(dir, {"analyze", "sweep", "--stimulus", stim.string(), "--capture", cap.string()}));
  const json& ch = doc.at("channels").at(0);
  EXPECT_NEAR(ch.at("latency_samples").get<double>(), 100, 1.0);
  const json& f = ch["frequency_response"]["frequency_hz"];
  const json& mag = ch["frequency_response"]["magnitude_db"];
  double sum = 0;
  int n = 0;
  for (std::size_t i = 0; i < f.size(); ++i)
    if (f[i].get<double>() >= 100 && f[i].get<double>() <= 10000) sum += mag[i].get<double>(), ++n;
  EXPECT_NEAR(sum / n, 20 * std::log10(0.5), 0.1);
}

// The bench's own two-channel captures: the sweep on channel 0, the undriven channel 1 only noise. The
// response of channel 0 is measured and channel 1 carries a note; --channel 1 alone is exit 3.
TEST(CliAnalyzeSweepChannels, AChannelWithoutTheSweepIsANoteNotAStop) {
  const fs::path dir = scratch_dir();
  const fs::path stim = generate_sweep(dir);
  const std::vector<float> y = delayed(read_float_wav(stim).ch[0], 100, -0.5, 4800);
  std::mt19937 rng(6);
  std::normal_distribution<float> g(0.0f, 1e-5f);
  std::vector<float> quiet(y.size());
  for (float& v : quiet) v = g(rng);
  for (const auto& [name, other] :
       {std::pair{"noise.wav", quiet}, {"zeros.wav", std::vector<float>(y.size())}}) {
    const fs::path cap = write_capture(dir, name, 48000, {y, other});
    const Outcome r =
        bench(dir, {"analyze", "sweep", "--stimulus", stim.string(), "--capture", cap.string()});
    const json doc = parse_stdout(r);
    ASSERT_EQ(doc.at("channels").size(), 2u) << name;
    expect_flat_response(doc["channels"][0], -0.5, 100);
    EXPECT_FALSE(doc["channels"][1].contains("frequency_response")) << name;
    EXPECT_EQ(doc["channels"][1].at("channel"), 1);
    EXPECT_NE(doc["channels"][1].at("note").get<std::string>().find("no sweep"), std::string::npos) << name;
    EXPECT_NE(r.err.find("channel 1"), std::string::npos) << r;
    const json first = parse_stdout(bench(
        dir, {"analyze", "sweep", "--stimulus", stim.string(), "--capture", cap.string(), "--channel", "0"}));
    ASSERT_EQ(first.at("channels").size(), 1u);
    expect_flat_response(first["channels"][0], -0.5, 100);
    expect_error(bench(dir, {"analyze", "sweep", "--stimulus", stim.string(), "--capture", cap.string(),
                             "--channel", "1"}),
                 3, {cap.string() + " channel 1", "no sweep"});
    expect_error(bench(dir, {"analyze", "sweep", "--stimulus", stim.string(), "--capture", cap.string(),
                             "--channel", "2"}),
                 2, {"--channel 2", cap.string(), "2 channels"});
  }
}

// ---------------------------------------------------------------------------------------------------
// Bad input: exit code, one error line naming the file or option, nothing on stdout, no crash

constexpr int kRate = 48000;

struct Files {
  fs::path dir, stim;  // a generated 1 s sweep with its sidecar
  std::vector<float> sweep;
};

Files sweep_files(const fs::path& dir) {
  Files f{dir, generate_sweep(dir), {}};
  f.sweep = read_float_wav(f.stim).ch[0];
  return f;
}

struct BadCase {
  const char* name;
  int code;
  // Prepares the files; returns the arguments and fills the needles the error line must contain.
  std::function<std::vector<std::string>(const fs::path& dir, std::vector<std::string>& needles)> setup;
};
std::ostream& operator<<(std::ostream& os, const BadCase& c) {
  return os << c.name;
}

class CliBadInput : public ::testing::TestWithParam<BadCase> {};

TEST_P(CliBadInput, ExitsWithItsCodeAndOneErrorLineNamingTheCulprit) {
  const fs::path dir = scratch_dir();
  std::vector<std::string> needles;
  const std::vector<std::string> args = GetParam().setup(dir, needles);
  expect_error(bench(dir, args), GetParam().code, needles);
}

std::vector<std::string> sweep_args(const fs::path& stim, const fs::path& cap) {
  return {"analyze", "sweep", "--stimulus", stim.string(), "--capture", cap.string()};
}

// A sweep capture (delay 100, gain -0.5) with `edit` applied; analysed against the generated stimulus.
BadCase sweep_capture_case(const char* name, int code, std::function<void(std::vector<float>&)> edit,
                           std::vector<std::string> extra_needles) {
  return {name, code, [edit, extra_needles](const fs::path& dir, std::vector<std::string>& needles) {
            const Files f = sweep_files(dir);
            std::vector<float> y = delayed(f.sweep, 100, -0.5, 4800);
            edit(y);
            const fs::path cap = write_capture(dir, "cap.wav", kRate, {y});
            needles = extra_needles;
            needles.push_back(cap.string());
            return sweep_args(f.stim, cap);
          }};
}

// A 0.5 s, -6 dBFS 997 Hz tone with `edit` applied, for `analyze <kind>`.
BadCase tone_capture_case(const char* name, const char* kind, int code,
                          std::function<void(std::vector<float>&)> edit,
                          std::vector<std::string> extra_needles) {
  return {name, code, [kind, edit, extra_needles](const fs::path& dir, std::vector<std::string>& needles) {
            std::vector<float> y = sine(kRate / 2, 997, 0.5, kRate);
            edit(y);
            const fs::path cap = write_capture(dir, "cap.wav", kRate, {y});
            needles = extra_needles;
            needles.push_back(cap.string());
            return std::vector<std::string>{"analyze", kind, "--capture", cap.string()};
          }};
}

// `analyze sine` of a good tone with extra options.
BadCase sine_option_case(const char* name, std::vector<std::string> options,
                         std::vector<std::string> expected) {
  return {name, 2, [options, expected](const fs::path& dir, std::vector<std::string>& needles) {
            const fs::path cap = write_capture(dir, "cap.wav", kRate, {sine(kRate / 2, 997, 0.5, kRate)});
            needles = expected;
            std::vector<std::string> args{"analyze", "sine", "--capture", cap.string()};
            args.insert(args.end(), options.begin(), options.end());
            return args;
          }};
}

// `analyze sweep` of a good capture with extra options.
BadCase sweep_option_case(const char* name, std::vector<std::string> options,
                          std::vector<std::string> expected) {
  return {name, 2, [options, expected](const fs::path& dir, std::vector<std::string>& needles) {
            const Files f = sweep_files(dir);
            const fs::path cap = write_capture(dir, "cap.wav", kRate, {delayed(f.sweep, 100, -0.5, 4800)});
            needles = expected;
            auto args = sweep_args(f.stim, cap);
            args.insert(args.end(), options.begin(), options.end());
            return args;
          }};
}

// `analyze sweep` against a copy of the stimulus without a sidecar, with the band given on the command line.
BadCase band_case(const char* name, const char* f1, const char* f2, std::vector<std::string> expected) {
  return {name, 2, [f1, f2, expected](const fs::path& dir, std::vector<std::string>& needles) {
            const Files f = sweep_files(dir);
            const fs::path bare = dir / "bare.wav";
            fs::copy_file(f.stim, bare);
            const fs::path cap = write_capture(dir, "cap.wav", kRate, {delayed(f.sweep, 100, -0.5, 4800)});
            needles = expected;
            auto args = sweep_args(bare, cap);
            args.insert(args.end(), {"--f1", f1, "--f2", f2});
            return args;
          }};
}

// The stimulus's sidecar replaced by `text`.
BadCase sidecar_case(const char* name, std::string text) {
  return {name, 2, [text](const fs::path& dir, std::vector<std::string>& needles) {
            const Files f = sweep_files(dir);
            std::ofstream(dir / "stim.wav.json", std::ios::trunc) << text;
            const fs::path cap = write_capture(dir, "cap.wav", kRate, {delayed(f.sweep, 100, -0.5, 4800)});
            needles = {(dir / "stim.wav.json").string()};
            return sweep_args(f.stim, cap);
          }};
}

auto set_at(std::size_t i, float v) {
  return [i, v](std::vector<float>& y) { y.at(i) = v; };
}

std::string sidecar_without(const char* key) {
  json j = {{"schema", "bench.stimulus/1"},
            {"kind", "sweep"},
            {"f1_hz", 20},
            {"f2_hz", 20000},
            {"sample_rate_hz", 48000},
            {"level_dbfs", -6},
            {"fade_s", 0.02},
            {"requested_duration_s", 1},
            {"rate_l_s", 0.15},
            {"duration_s", 1.0361632918473205},
            {"samples", 49736},
            {"channels", 1}};
  j.erase(key);
  return j.dump();
}

const float kNaN = std::numeric_limits<float>::quiet_NaN();
const float kInf = std::numeric_limits<float>::infinity();

INSTANTIATE_TEST_SUITE_P(
    Cases, CliBadInput,
    ::testing::Values(
        // Files that are missing or not audio.
        BadCase{
            "missing_capture_sine", 2,
            [](const fs::path& dir, std::vector<std::string>& n) {
              n = {(dir / "none.wav").string()};
              return std::vector<std::string>{"analyze", "sine", "--capture", (dir / "none.wav").string()};
            }},
        BadCase{
            "missing_capture_noise", 2,
            [](const fs::path& dir, std::vector<std::string>& n) {
              n = {(dir / "none.wav").string()};
              return std::vector<std::string>{"analyze", "noise", "--capture", (dir / "none.wav").string()};
            }},
        BadCase{"missing_stimulus_sweep", 2,
                [](const fs::path& dir, std::vector<std::string>& n) {
                  const fs::path cap = write_capture(dir, "cap.wav", kRate, {sine(kRate, 997, 0.5, kRate)});
                  n = {(dir / "none.wav").string()};
                  return sweep_args(dir / "none.wav", cap);
                }},
        BadCase{"missing_capture_sweep", 2,
                [](const fs::path& dir, std::vector<std::string>& n) {
                  const Files f = sweep_files(dir);
                  n = {(dir / "none.wav").string()};
                  return sweep_args(f.stim, dir / "none.wav");
                }},
        BadCase{
            "text_file_as_capture_sine", 2,
            [](const fs::path& dir, std::vector<std::string>& n) {
              std::ofstream(dir / "notes.wav") << "not audio\n";
              n = {(dir / "notes.wav").string()};
              return std::vector<std::string>{"analyze", "sine", "--capture", (dir / "notes.wav").string()};
            }},
        BadCase{"text_file_as_capture_sweep", 2,
                [](const fs::path& dir, std::vector<std::string>& n) {
                  const Files f = sweep_files(dir);
                  std::ofstream(dir / "notes.wav") << "RIFF but not really a wave file at all\n";
                  n = {(dir / "notes.wav").string()};
                  return sweep_args(f.stim, dir / "notes.wav");
                }},
        BadCase{"directory_as_capture", 2,
                [](const fs::path& dir, std::vector<std::string>& n) {
                  fs::create_directory(dir / "d.wav");
                  n = {(dir / "d.wav").string()};
                  return std::vector<std::string>{"analyze", "sine", "--capture", (dir / "d.wav").string()};
                }},
        BadCase{"generate_into_missing_directory", 2,
                [](const fs::path& dir, std::vector<std::string>& n) {
                  n = {(dir / "no" / "s.wav").string()};
                  return std::vector<std::string>{"generate", "sweep", "--duration",
                                                  "1",        "--out", (dir / "no" / "s.wav").string()};
                }},
        // Files that do not fit together.
        BadCase{"capture_at_another_rate", 2,
                [](const fs::path& dir, std::vector<std::string>& n) {
                  const Files f = sweep_files(dir);
                  const fs::path cap =
                      write_capture(dir, "cap.wav", 44100, {delayed(f.sweep, 100, -0.5, 4800)});
                  n = {cap.string(), f.stim.string(), "44100", "48000"};
                  return sweep_args(f.stim, cap);
                }},
        BadCase{"capture_shorter_than_stimulus", 2,
                [](const fs::path& dir, std::vector<std::string>& n) {
                  const Files f = sweep_files(dir);
                  std::vector<float> y = delayed(f.sweep, 0, -0.5, 0);
                  y.resize(y.size() - 1000);
                  const fs::path cap = write_capture(dir, "cap.wav", kRate, {y});
                  n = {cap.string(), "shorter"};
                  return sweep_args(f.stim, cap);
                }},
        // Captures the bench cannot measure from.
        sweep_capture_case("sweep_capture_clipped_positive", 3, set_at(20000, 1.0f), {"clipped"}),
        sweep_capture_case("sweep_capture_clipped_negative", 3, set_at(20000, -1.0f), {"clipped"}),
        sweep_capture_case("sweep_capture_silent", 3,
                           [](std::vector<float>& y) { std::fill(y.begin(), y.end(), 0.0f); }, {"silent"}),
        sweep_capture_case("sweep_capture_random_noise", 3,
                           [](std::vector<float>& y) {
                             std::mt19937 rng(7);
                             std::normal_distribution<float> g(0.0f, 0.1f);
                             for (float& v : y) v = g(rng);
                           },
                           {"no sweep"}),
        sweep_capture_case("sweep_capture_nan", 2, set_at(20000, kNaN), {"NaN"}),
        sweep_capture_case("sweep_capture_inf", 2, set_at(20000, kInf), {"NaN or infinite"}),
        sweep_capture_case("sweep_capture_minus_inf", 2, set_at(5, -kInf), {"NaN or infinite"}),
        BadCase{"sweep_second_channel_clipped", 3,
                [](const fs::path& dir, std::vector<std::string>& n) {
                  const Files f = sweep_files(dir);
                  std::vector<float> bad = delayed(f.sweep, 100, -0.5, 4800);
                  bad[3000] = -1.0f;
                  const fs::path cap =
                      write_capture(dir, "cap.wav", kRate, {delayed(f.sweep, 100, -0.5, 4800), bad});
                  n = {cap.string(), "channel 1", "clipped"};
                  return sweep_args(f.stim, cap);
                }},
        BadCase{"sweep_stimulus_nan", 2,
                [](const fs::path& dir, std::vector<std::string>& n) {
                  const Files f = sweep_files(dir);
                  std::vector<float> s = f.sweep;
                  s[1000] = kNaN;
                  const fs::path stim = write_capture(dir, "badstim.wav", kRate, {s});
                  const fs::path cap =
                      write_capture(dir, "cap.wav", kRate, {delayed(f.sweep, 100, -0.5, 4800)});
                  n = {stim.string(), "NaN"};
                  auto args = sweep_args(stim, cap);
                  args.insert(args.end(), {"--f1", "20", "--f2", "20000"});
                  return args;
                }},
        tone_capture_case("sine_capture_clipped_positive", "sine", 3, set_at(100, 1.0f), {"clipped"}),
        tone_capture_case("sine_capture_clipped_negative", "sine", 3, set_at(100, -1.0f), {"clipped"}),
        tone_capture_case("sine_capture_silent", "sine", 3,
                          [](std::vector<float>& y) { std::fill(y.begin(), y.end(), 0.0f); }, {"silent"}),
        tone_capture_case("sine_capture_nan", "sine", 2, set_at(100, kNaN), {"NaN"}),
        tone_capture_case("sine_capture_inf", "sine", 2, set_at(100, kInf), {"infinite"}),
        tone_capture_case("sine_no_steady_stretch", "sine", 3,
                          [](std::vector<float>& y) {
                            for (std::size_t i = 0; i < y.size(); ++i)
                              y[i] *= static_cast<float>(
                                  0.75 + 0.25 * std::sin(2 * kPi * 4 * static_cast<double>(i) / kRate));
                          },
                          {"channel 0", "no steady tone", "at least 0.050 s"}),
        tone_capture_case("noise_capture_nan", "noise", 2, set_at(100, kNaN), {"NaN"}),
        tone_capture_case("noise_capture_clipped", "noise", 3, set_at(100, -1.0f), {"clipped"}),
        // Bad sweep bands.
        band_case("f1_equals_f2", "1000", "1000", {"--f1", "--f2"}),
        band_case("f1_above_f2", "2000", "1000", {"--f1", "--f2"}),
        band_case("f1_zero", "0", "1000", {"--f1"}),
        band_case("f2_above_nyquist", "20", "30000", {"--f2", "Nyquist"}),
        // Bad sidecars beside the stimulus.
        sidecar_case("sidecar_bad_json", "{\"schema\": \"bench.stimulus/1\", "),
        sidecar_case("sidecar_missing_rate_l", sidecar_without("rate_l_s")),
        sidecar_case("sidecar_wrong_kind", R"({"schema": "bench.stimulus/1", "kind": "sine"})"),
        sidecar_case("sidecar_not_an_object", "[20, 20000]"),
        // Bad analysis options.
        sine_option_case("bandwidth_not_numbers", {"--bandwidth", "abc"}, {"--bandwidth", "abc"}),
        sine_option_case("bandwidth_dash", {"--bandwidth", "20-20000"}, {"--bandwidth"}),
        sine_option_case("bandwidth_missing_high", {"--bandwidth", "20:"}, {"--bandwidth"}),
        sine_option_case("bandwidth_missing_low", {"--bandwidth", ":20000"}, {"--bandwidth"}),
        sine_option_case("bandwidth_trailing_junk", {"--bandwidth", "20:20k0"}, {"--bandwidth"}),
        sine_option_case("bandwidth_three_fields", {"--bandwidth", "20:20000:30000"}, {"--bandwidth"}),
        sine_option_case("bandwidth_reversed", {"--bandwidth", "20000:20"}, {"--bandwidth"}),
        sine_option_case("bandwidth_above_nyquist", {"--bandwidth", "20:30k"}, {"--bandwidth", "Nyquist"}),
        sine_option_case("weighting_b", {"--weighting", "B"}, {"weighting", "'B'"}),
        sine_option_case("mains_55", {"--mains", "55"}, {"--mains"}),
        sine_option_case("fullscale_vrms_negative", {"--fullscale-vrms", "-1"}, {"--fullscale-vrms"}),
        sine_option_case("frequency_above_nyquist", {"--frequency", "25000"}, {"--frequency"}),
        sine_option_case("frequency_negative", {"--frequency", "-997"}, {"--frequency", "above 0 Hz"}),
        sine_option_case("sine_max_harmonic_1", {"--max-harmonic", "1"}, {"--max-harmonic", "2 to 50"}),
        sine_option_case("sine_channel_negative", {"--channel", "-1"}, {"--channel", "0 to 1023"}),
        sine_option_case("sine_channel_beyond_the_file", {"--channel", "1"}, {"--channel 1", "1 channel"}),
        sine_option_case("bandwidth_negative_low", {"--bandwidth", "-20:20000"},
                         {"--bandwidth", "0 Hz or more"}),
        sine_option_case("bandwidth_nan", {"--bandwidth", "20:nan"}, {"--bandwidth"}),
        sine_option_case("fullscale_vrms_zero", {"--fullscale-vrms", "0"}, {"--fullscale-vrms", "above 0"}),
        sweep_option_case("smoothing_negative", {"--smoothing", "-3"}, {"--smoothing", "0 to 96"}),
        sweep_option_case("sweep_f1_negative_beside_a_sidecar", {"--f1", "-20"}, {"--f1", "above 0 Hz"}),
        sweep_option_case("sweep_fade_negative", {"--fade", "-1"}, {"--fade", "0 to 600 s"}),
        sweep_option_case("points_per_octave_zero", {"--points-per-octave", "0"},
                          {"--points-per-octave", "1 to 1000"}),
        sweep_option_case("sweep_max_harmonic_12", {"--max-harmonic", "12"}, {"--max-harmonic", "1 to 9"}),
        sweep_option_case("sweep_channel_fraction", {"--channel", "1.5"}, {"--channel", "whole number"})),
    [](const auto& p) { return std::string(p.param.name); });

}  // namespace
