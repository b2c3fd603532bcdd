// The published catalogue of bad input: README's table "What the bench does with bad input" is this table.
// Every case runs the `bench` program in a scratch folder holding a copy of the repository's profiles/ and
// fixtures/, with the broken thing made there, and asserts the error contract: its documented exit code,
// exactly one line "bench: error: ..." on stderr (with -q), naming what each case says it must name
// (the file, the option, the fix: written here from the input, not taken from the program's output), and
// never a crash. README's row of each case must show the same command, exit code and message line, so the
// table cannot drift from what the bench does; a row for no case, or fewer than 40 rows, fails too.
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
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace bench_bad_input {

namespace fs = std::filesystem;

const fs::path kRepo = fs::path(__FILE__).parent_path().parent_path().parent_path();

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_text(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary | std::ios::trunc) << text;
}

// Replaces the one occurrence of `from` in the file (the case fails if there is none).
void edit_text(const fs::path& p, const std::string& from, const std::string& to) {
  std::string s = read_text(p);
  const auto at = s.find(from);
  ASSERT_NE(at, std::string::npos) << p << " lacks " << from;
  s.replace(at, from.size(), to);
  write_text(p, s);
}

std::string shell_word(const std::string& s) {
  if (!s.empty() &&
      s.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:=") ==
          std::string::npos)
    return s;
  std::string q = "'";
  for (char c : s) q.append(c == '\'' ? "'\\''" : std::string(1, c));
  return q.append("'");
}

struct Ran {
  int code = -1;
  bool exited = false;
  std::string out, err;
};

// `bench ARGS` run in `dir`, its output in files there.
Ran run_bench(const fs::path& dir, const std::vector<std::string>& args, const std::string& prefix = "") {
  std::string cmd = "cd " + shell_word(dir.string()) + " && " + prefix + shell_word(BENCH_BIN);
  for (const auto& a : args) cmd.append(" ").append(shell_word(a));
  cmd.append(" >stdout.txt 2>stderr.txt </dev/null");
  const int status = std::system(cmd.c_str());
  Ran r;
  r.exited = WIFEXITED(status);
  r.code = r.exited ? WEXITSTATUS(status) : -1;
  r.out = read_text(dir / "stdout.txt");
  r.err = read_text(dir / "stderr.txt");
  return r;
}

// A set-up step that must work (generating a file, making a good run to break).
void must(const fs::path& dir, const std::vector<std::string>& args) {
  const Ran r = run_bench(dir, args);
  ASSERT_EQ(r.code, 0) << "set-up failed: bench " << ::testing::PrintToString(args) << "\n" << r.err;
}

// A float32 WAV of `channels` interleaved channels (what the bench writes), written here so a case can
// put values into it that no generator makes (NaN, exact zeros on one channel).
void write_float_wav(const fs::path& p, int rate, int channels, const std::vector<float>& interleaved) {
  auto u32 = [](std::string& s, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) s.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
  };
  auto u16 = [](std::string& s, std::uint16_t v) {
    s.push_back(static_cast<char>(v & 0xFF));
    s.push_back(static_cast<char>(v >> 8));
  };
  const auto data_bytes = static_cast<std::uint32_t>(interleaved.size() * 4);
  std::string s = "RIFF";
  u32(s, 36 + data_bytes);
  s.append("WAVEfmt ");
  u32(s, 16);
  u16(s, 3);  // IEEE float
  u16(s, static_cast<std::uint16_t>(channels));
  u32(s, static_cast<std::uint32_t>(rate));
  u32(s, static_cast<std::uint32_t>(rate * channels * 4));
  u16(s, static_cast<std::uint16_t>(channels * 4));
  u16(s, 32);
  s.append("data");
  u32(s, data_bytes);
  const auto* bytes = reinterpret_cast<const char*>(interleaved.data());
  s.append(bytes, data_bytes);
  write_text(p, s);
}

// The samples of a capture the bench wrote (float32, or PCM24 from a 24-bit converter; its chunks walked:
// fmt, fact, PEAK, data), edited by `edit(frame, channel, value)` and written back in place as float32,
// the format that can hold whatever the edit puts in (a NaN).
void edit_capture(const fs::path& p, const std::function<float(std::size_t, int, float)>& edit) {
  const std::string s = read_text(p);
  ASSERT_EQ(s.compare(0, 4, "RIFF"), 0) << p;
  int channels = 0, rate = 0, bits = 0;
  std::size_t at = 12;
  while (at + 8 <= s.size()) {
    std::uint32_t size = 0;
    std::memcpy(&size, s.data() + at + 4, 4);
    const std::string id = s.substr(at, 4);
    if (id == "fmt ") {
      std::uint16_t format = 0, ch = 0, b = 0;
      std::uint32_t r = 0;
      std::memcpy(&format, s.data() + at + 8, 2);
      std::memcpy(&ch, s.data() + at + 10, 2);
      std::memcpy(&r, s.data() + at + 12, 4);
      std::memcpy(&b, s.data() + at + 22, 2);
      ASSERT_TRUE((format == 3 && b == 32) || (format == 1 && b == 24)) << p << ": neither float32 nor PCM24";
      channels = ch, rate = static_cast<int>(r), bits = b;
    } else if (id == "data") {
      ASSERT_GT(channels, 0) << p;
      const std::size_t width = static_cast<std::size_t>(bits) / 8;
      const std::size_t n = size / width;
      std::vector<float> samples(n);
      for (std::size_t i = 0; i < n; ++i) {
        const char* at_sample = s.data() + at + 8 + width * i;
        float v = 0;
        if (bits == 32) {
          std::memcpy(&v, at_sample, 4);
        } else {  // 24-bit two's complement, little-endian: code / 2^23
          std::uint32_t u = 0;
          std::memcpy(&u, at_sample, 3);
          const std::int32_t code = static_cast<std::int32_t>(u << 8) / 256;
          v = static_cast<float>(code) / 8388608.0f;
        }
        samples[i] = edit(i / static_cast<std::size_t>(channels),
                          static_cast<int>(i % static_cast<std::size_t>(channels)), v);
      }
      write_float_wav(p, rate, channels, samples);
      return;
    }
    at += 8 + size + (size & 1);
  }
  FAIL() << p << " has no data chunk";
}

// The sample rate in a WAV's fmt chunk (and the byte rate that follows from it) set to `rate`: a header
// edited after the run, the samples left as they were.
void patch_rate(const fs::path& p, std::uint32_t rate) {
  std::string s = read_text(p);
  std::size_t at = 12;
  while (at + 8 <= s.size() && s.compare(at, 4, "fmt ") != 0) {
    std::uint32_t size = 0;
    std::memcpy(&size, s.data() + at + 4, 4);
    at += 8 + size + (size & 1);
  }
  ASSERT_LT(at + 24, s.size()) << p << " has no fmt chunk";
  std::uint16_t channels = 0, bits = 0;
  std::memcpy(&channels, s.data() + at + 10, 2);
  std::memcpy(&bits, s.data() + at + 22, 2);
  const std::uint32_t byte_rate = rate * channels * (bits / 8u);
  std::memcpy(s.data() + at + 12, &rate, 4);
  std::memcpy(s.data() + at + 16, &byte_rate, 4);
  write_text(p, s);
}

// ---------------------------------------------------------------------------------------------------
// The cases

struct Case {
  const char* input;  ///< README's first column: what is wrong, in the words of the person who has it
  int code;           ///< the documented exit code
  std::vector<std::string> args;                    ///< `bench ARGS` (in the scratch folder; -q is added)
  std::vector<std::string> needles;                 ///< what the error line must name
  std::function<void(const fs::path&)> setup = {};  ///< makes the broken thing in the scratch folder
  bool exact = true;  ///< false: the message depends on the machine (README shows the one seen here)
  /// true: a configuration is ERROR and the run goes on; the line is the console summary's (stdout)
  /// "error: ..." under that configuration, and stderr stays empty with -q.
  bool summary = false;
  /// Shell words before the program: `ulimit -f N && `, `flock FILE ` (README shows them too).
  std::string prefix = "";
};

void PrintTo(const Case& c, std::ostream* os) {
  *os << c.input;
}

const std::string kQuick = "profiles/plans/quick.toml";
const std::string kLine = "line_trs_to_amp_trs";
const std::string kCaptures = "run/captures/line_trs_to_amp_trs/";

// A good one-configuration run of the quick plan in run/, to break afterwards.
void good_run(const fs::path& dir) {
  must(dir, {"-q", "run", kQuick, "--fixture", kLine, "--out", "run"});
}

// A plan file beside the shipped ones: quick.toml with `from` replaced by `to`.
std::function<void(const fs::path&)> quick_plan_with(const std::string& from, const std::string& to) {
  return [from, to](const fs::path& dir) {
    fs::copy_file(dir / kQuick, dir / "profiles/plans/broken.toml");
    edit_text(dir / "profiles/plans/broken.toml", from, to);
  };
}

std::function<void(const fs::path&)> quick_plan_steps(const std::string& steps) {
  return [steps](const fs::path& dir) {
    std::string text = read_text(dir / kQuick);
    text = text.substr(0, text.find("\n[[steps]]") + 1) + steps;  // its own steps replaced by `steps`
    write_text(dir / "profiles/plans/broken.toml", text);
  };
}

void sweep_and(const fs::path& dir, const std::vector<std::string>& capture_args) {
  must(dir, {"generate", "sweep", "--duration", "1", "--out", "stim.wav"});
  if (!capture_args.empty()) must(dir, capture_args);
}

std::vector<Case> cases() {
  constexpr float nan = std::numeric_limits<float>::quiet_NaN();
  return {
      // The command line.
      {"an unknown command", 2, {"frobnicate"}, {"frobnicate: not a bench command", "generate, analyze"}},
      {"no command", 2, {}, {"a command is required", "run"}},
      {"an unknown option", 2, {"run", kQuick, "--frobnicate"}, {"--frobnicate"}},
      {"a backend that does not exist",
       2,
       {"run", kQuick, "--backend", "asio"},
       {"--backend asio", "sim", "rtaudio"}},
      {"--attempts 0", 2, {"run", kQuick, "--attempts", "0"}, {"--attempts", "1 to 20"}},
      {"a --profiles folder that does not exist",
       2,
       {"devices", "--profiles", "nowhere"},
       {"--profiles nowhere", "no such folder", "interfaces/"}},
      // Stimuli and captures for `bench generate` and `bench analyze`.
      {"an output folder that does not exist",
       2,
       {"generate", "sine", "--out", "no/tone.wav"},
       {"no/tone.wav"}},
      {"a sweep whose f1 is above f2",
       2,
       {"generate", "sweep", "--f1", "1000", "--f2", "500", "--out", "s.wav"},
       {"--f1"}},
      {"a sweep above Nyquist",
       2,
       {"generate", "sweep", "--f2", "30000", "--out", "s.wav"},
       {"--f2", "Nyquist"}},
      {"a capture that does not exist", 2, {"analyze", "sine", "--capture", "none.wav"}, {"none.wav"}},
      {"a text file named .wav",
       2,
       {"analyze", "sine", "--capture", "notes.wav"},
       {"notes.wav"},
       [](const fs::path& dir) { write_text(dir / "notes.wav", "not audio\n"); }},
      {"an IMD analysis of a capture without the twin tone",
       3,
       {"analyze", "imd", "--capture", "tone.wav", "--standard", "smpte"},
       {"tone.wav channel 0", "no smpte f2 tone at 7000 Hz", "play the smpte twin tone"},
       [](const fs::path& dir) {
         must(dir, {"generate", "sine", "--frequency", "60", "--duration", "1", "--out", "tone.wav"});
       }},
      {"a dynamic-range capture whose tone is not at -60 dBFS",
       3,
       {"analyze", "dynamic-range", "--capture", "loud.wav"},
       {"loud.wav channel 0", "the tone is at -50.0 dBFS, 10.0 dB from the -60 dBFS"},
       [](const fs::path& dir) {
         must(dir, {"generate", "sine", "--level-dbfs", "-50", "--duration", "1", "--out", "loud.wav"});
       }},
      {"a CCIF twin tone beyond Nyquist",
       2,
       {"generate", "imd", "--standard", "ccif", "--rate", "32000", "--out", "c.wav"},
       {"2f1-f2 at 18000 Hz", "0.98 of Nyquist at 32000 Hz"}},
      {"a folder given as the capture",
       2,
       {"analyze", "noise", "--capture", "d.wav"},
       {"d.wav"},
       [](const fs::path& dir) { fs::create_directory(dir / "d.wav"); }},
      {"a capture at another rate than the stimulus",
       2,
       {"analyze", "sweep", "--stimulus", "stim.wav", "--capture", "cap.wav"},
       {"cap.wav", "44100", "48000"},
       [](const fs::path& dir) {
         sweep_and(dir, {"generate", "sweep", "--duration", "1", "--rate", "44100", "--out", "cap.wav"});
       }},
      {"a capture shorter than the stimulus",
       2,
       {"analyze", "sweep", "--stimulus", "stim.wav", "--capture", "cap.wav"},
       {"cap.wav", "shorter"},
       [](const fs::path& dir) {
         sweep_and(dir, {"generate", "sine", "--duration", "0.5", "--out", "cap.wav"});
       }},
      {"a NaN in a capture",
       2,
       {"analyze", "sine", "--capture", "cap.wav"},
       {"cap.wav", "NaN"},
       [](const fs::path& dir) {
         std::vector<float> y(48000, 0.25f);
         y[1000] = nan;
         write_float_wav(dir / "cap.wav", 48000, 1, y);
       }},
      {"a clipped capture",
       3,
       {"analyze", "sine", "--capture", "cap.wav"},
       {"cap.wav", "clipped"},
       [](const fs::path& dir) {
         must(dir, {"generate", "sine", "--level-dbfs", "0", "--out", "cap.wav"});
       }},
      {"a silent capture",
       3,
       {"analyze", "sine", "--capture", "cap.wav"},
       {"cap.wav", "silent"},
       [](const fs::path& dir) {
         must(dir, {"generate", "silence", "--duration", "1", "--out", "cap.wav"});
       }},
      {"a stimulus sidecar that is not JSON",
       2,
       {"analyze", "sweep", "--stimulus", "stim.wav", "--capture", "stim.wav"},
       {"stim.wav.json"},
       [](const fs::path& dir) {
         sweep_and(dir, {});
         write_text(dir / "stim.wav.json", "{\"schema\": \"bench.stimulus/1\", ");
       }},
      {"a stimulus without its sidecar and no band",
       2,
       {"analyze", "sweep", "--stimulus", "bare.wav", "--capture", "bare.wav"},
       {"bare.wav.json", "--f1"},
       [](const fs::path& dir) {
         sweep_and(dir, {});
         fs::copy_file(dir / "stim.wav", dir / "bare.wav");
       }},
      {"a bandwidth high to low",
       2,
       {"analyze", "noise", "--capture", "cap.wav", "--bandwidth", "20000:20"},
       {"--bandwidth"},
       [](const fs::path& dir) {
         must(dir, {"generate", "silence", "--duration", "1", "--out", "cap.wav"});
       }},
      {"a weighting the bench does not have",
       2,
       {"analyze", "sine", "--capture", "cap.wav", "--weighting", "B"},
       {"weighting", "'B'"},
       [](const fs::path& dir) {
         must(dir, {"generate", "sine", "--out", "cap.wav"});
       }},
      {"--smoothing below 0",
       2,
       {"analyze", "sweep", "--stimulus", "stim.wav", "--capture", "stim.wav", "--smoothing", "-3"},
       {"--smoothing", "0 to 96"},
       [](const fs::path& dir) { sweep_and(dir, {}); }},
      {"--channel beyond a one-channel capture",
       2,
       {"analyze", "sine", "--capture", "cap.wav", "--channel", "1"},
       {"--channel 1", "cap.wav", "1 channel"},
       [](const fs::path& dir) {
         must(dir, {"generate", "sine", "--out", "cap.wav"});
       }},
      {"a tone that never holds steady (4 Hz tremolo)",
       3,
       {"analyze", "sine", "--capture", "cap.wav"},
       {"cap.wav", "no steady tone", "0.050 s"},
       [](const fs::path& dir) {
         std::vector<float> y(48000);
         for (std::size_t i = 0; i < y.size(); ++i) {
           const double t = static_cast<double>(i) / 48000;
           y[i] = static_cast<float>(0.5 * (0.75 + 0.25 * std::sin(2 * M_PI * 4 * t)) *
                                     std::sin(2 * M_PI * 997 * t));
         }
         write_float_wav(dir / "cap.wav", 48000, 1, y);
       }},
      {"sweep analysis of a capture that holds only a tone",
       3,
       {"analyze", "sweep", "--stimulus", "stim.wav", "--capture", "cap.wav"},
       {"cap.wav", "no sweep"},
       [](const fs::path& dir) {
         sweep_and(dir, {"generate", "sine", "--duration", "2", "--out", "cap.wav"});
       }},
      {"a negative --seed", 2, {"run", kQuick, "--seed", "-1"}, {"--seed", "0 to 18446744073709551615"}},
      {"--period-frames 0", 2, {"run", kQuick, "--period-frames", "0"}, {"--period-frames", "16 to 8192"}},
      // Plans, profiles, fixtures, limits.
      {"a plan that does not exist",
       2,
       {"run", "profiles/plans/nope.toml"},
       {"profiles/plans/nope.toml", "not found"}},
      {"a plan that is not TOML",
       2,
       {"run", "profiles/plans/broken.toml"},
       {"broken.toml:1"},
       [](const fs::path& dir) { write_text(dir / "profiles/plans/broken.toml", "[plan\nname = 1\n"); }},
      {"a misspelt setting",
       2,
       {"run", "profiles/plans/broken.toml"},
       {"broken.toml:", "tone_duraton_s", "tone_duration_s"},
       quick_plan_with("tone_duration_s", "tone_duraton_s")},
      {"a profile that does not exist",
       2,
       {"run", "profiles/plans/broken.toml"},
       {"broken.toml:", "scarlet_2i2"},
       quick_plan_with("\"scarlett_2i2\"", "\"scarlet_2i2\"")},
      {"a tone too short to measure",
       2,
       {"run", "profiles/plans/broken.toml"},
       {"broken.toml:", "tone_duration_s"},
       quick_plan_with("tone_duration_s = 0.5", "tone_duration_s = 0.15")},
      {"a maximum-output search the bench does not have",
       2,
       {"run", "profiles/plans/broken.toml"},
       {"broken.toml:", "max_output_search", "\"bursts\"", "\"stepped\""},
       quick_plan_with("tone_duration_s = 0.5", "tone_duration_s = 0.5\nmax_output_search = \"ramp\"")},
      {"an unknown step kind",
       2,
       {"run", "profiles/plans/broken.toml"},
       {"broken.toml:", "\"thd_n\""},
       quick_plan_steps("[[steps]]\nkind = \"sweeps\"\n[[steps]]\nkind = \"thd_n\"\n")},
      {"a step before the step it needs",
       2,
       {"run", "profiles/plans/broken.toml"},
       {"broken.toml:", "crosstalk", "sweeps"},
       quick_plan_steps("[[steps]]\nkind = \"crosstalk\"\n")},
      {"a step kind twice without ids",
       2,
       {"run", "profiles/plans/broken.toml"},
       {"broken.toml:", "id"},
       quick_plan_steps(
           "[[steps]]\nkind = \"sweeps\"\n[[steps]]\nkind = \"noise\"\n[[steps]]\nkind = \"noise\"\n")},
      {"a limit with a key limits do not have",
       2,
       {"run", kQuick},
       {"qa_default.toml:", "tolerance"},
       [](const fs::path& dir) {
         edit_text(dir / "profiles/limits/qa_default.toml", "[checks.thd_db]\nmax = -70",
                   "[checks.thd_db]\ntolerance = 1");
       }},
      {"--fixture that is not in the plan",
       2,
       {"run", kQuick, "--fixture", "nope"},
       {"--fixture nope", kLine}},
      {"--step that is not in the plan", 2, {"run", kQuick, "--step", "nope"}, {"--step nope", "thd_n"}},
      {"a headphone curve (.zma) that does not cover 20 Hz to 20 kHz",
       2,
       {"run", "profiles/plans/impedance.toml"},
       {"hp_dynamic_32.zma", "760 Hz to 880 Hz", "20 Hz to 20000 Hz"},
       [](const fs::path& dir) {
         write_text(dir / "profiles/loads/hp_dynamic_32.zma", "760 30 0\n800 31 2\n880 32 4\n");
       }},
      {"a .zma saved as UTF-16",
       2,
       {"run", "profiles/plans/impedance.toml"},
       {"hp_dynamic_32.zma:1", "UTF-16"},
       [](const fs::path& dir) {
         write_text(dir / "profiles/loads/hp_dynamic_32.zma", std::string("\xFF\xFE"
                                                                          "1\0"
                                                                          "0\0",
                                                                          6));
       }},
      {"a live run whose ADC profile has no rtaudio_name_pattern",
       2,
       {"run", kQuick, "--backend", "rtaudio", "--api", "jack", "--yes"},
       {"reference_adc.toml", "rtaudio_name_pattern", "--adc-device"}},
      {"a relay board asked for where there is none",
       3,
       {"run", kQuick, "--backend", "rtaudio", "--relay-board", "any", "--yes"},
       {"relay board"},
       {},
       false},
      // Runs, reports, re-analysis.
      {"a run folder without report.json",
       2,
       {"report", "empty"},
       {"empty/report.json", "bench run"},
       [](const fs::path& dir) { fs::create_directory(dir / "empty"); }},
      {"a report.json that is not JSON",
       2,
       {"report", "run"},
       {"run/report.json"},
       [](const fs::path& dir) {
         good_run(dir);
         write_text(dir / "run/report.json", "{\"schema\": ");
       }},
      {"a report.json of the old schema bench.report/1",
       2,
       {"report", "run"},
       {"run/report.json", "bench.report/1", "bench reanalyze"},
       [](const fs::path& dir) {
         good_run(dir);
         edit_text(dir / "run/report.json", "\"bench.report/2\"", "\"bench.report/1\"");
       }},
      {"a report.json edited out of its schema",
       2,
       {"report", "run"},
       {"run/report.json", "outcome"},
       [](const fs::path& dir) {
         good_run(dir);
         edit_text(dir / "run/report.json", "\"outcome\":\"pass\"", "\"outcome\":\"maybe\"");
       }},
      {"re-analysis of a folder that does not exist", 2, {"reanalyze", "nowhere"}, {"nowhere"}},
      {"re-analysis of a run that kept no captures",
       2,
       {"reanalyze", "run", "--out", "re"},
       {"run", "nothing to re-analyse", "--keep-captures all"},
       [](const fs::path& dir) {
         must(dir, {"-q", "run", kQuick, "--fixture", kLine, "--out", "run", "--keep-captures", "none"});
       }},
      {"re-analysis with a kept capture deleted",
       3,
       {"reanalyze", "run", "--out", "re"},
       {kCaptures + "noise.wav", "missing", "re/report.json"},
       [](const fs::path& dir) {
         good_run(dir);
         fs::remove(dir / (kCaptures + "noise.wav"));
       }},
      {"re-analysis of a dead ADC channel (exact digital zeros)",
       3,
       {"reanalyze", "run", "--out", "re"},
       {"captures/line_trs_to_amp_trs/sweep_left.wav", "ADC channel 0 (left)", "digital silence"},
       [](const fs::path& dir) {
         good_run(dir);
         edit_capture(dir / (kCaptures + "sweep_left.wav"),
                      [](std::size_t, int ch, float v) { return ch == 0 ? 0.0f : v; });
       },
       true,
       true},
      {"re-analysis of a capture with a NaN in it",
       3,
       {"reanalyze", "run", "--out", "re"},
       {"captures/line_trs_to_amp_trs/noise.wav", "NaN"},
       [](const fs::path& dir) {
         good_run(dir);
         edit_capture(dir / (kCaptures + "noise.wav"),
                      [](std::size_t i, int ch, float v) { return i == 100 && ch == 1 ? nan : v; });
       },
       true,
       true},
      {"a capture whose header now says another sample rate",
       3,
       {"reanalyze", "run", "--out", "re"},
       {"captures/line_trs_to_amp_trs/noise.wav", "44100 Hz", "48000 Hz", "changed since the run"},
       [](const fs::path& dir) {
         good_run(dir);
         patch_rate(dir / (kCaptures + "noise.wav"), 44100);
       },
       true,
       true},
      {"an output folder under a regular file",
       2,
       {"run", kQuick, "--out", "README.md/run"},
       {"README.md/run", "cannot create the output directory"},
       [](const fs::path& dir) { write_text(dir / "README.md", "a file\n"); }},
      {"selftest into a folder under a regular file",
       2,
       {"selftest", "--out", "README.md/selftest"},
       {"README.md/selftest", "cannot create the output directory"},
       [](const fs::path& dir) { write_text(dir / "README.md", "a file\n"); }},
      {"re-analysis into a folder under a regular file",
       2,
       {"reanalyze", "run", "--out", "run/report.json/again"},
       {"run/report.json/again", "cannot create the output directory"},
       [](const fs::path& dir) { good_run(dir); }},
      {"a disk that fills during the run (here: the file-size limit)",
       4,
       {"run", kQuick, "--out", "run"},
       {"captures/line_trs_to_amp_trs/", "File too large", "run/report.json"},
       {},
       true,
       false,
       "ulimit -f 293 && "},
      {"a second run into a folder another run is writing",
       2,
       {"run", kQuick, "--out", "run"},
       {"run: another bench run is writing it", "run/.bench.lock", "another --out"},
       [](const fs::path& dir) { fs::create_directories(dir / "run"); },
       true,
       false,
       "flock run/.bench.lock "},
      {"compare with one run",
       2,
       {"compare", "run"},
       {"compare", "two run directories"},
       [](const fs::path& dir) { good_run(dir); }},
      {"compare with a run that does not exist",
       2,
       {"compare", "run", "nowhere"},
       {"nowhere/report.json"},
       [](const fs::path& dir) { good_run(dir); }},
  };
}

// ---------------------------------------------------------------------------------------------------
// README's table

std::string command_text(const Case& c) {
  std::string s = c.prefix + "bench";
  for (const auto& a : c.args) s.append(" ").append(shell_word(a));
  return s;
}

std::string cell(std::string s) {  // a Markdown table cell: | escaped
  std::string out;
  for (char ch : s) out.append(ch == '|' ? "\\|" : std::string(1, ch));
  return out;
}

std::string row(const Case& c, const std::string& message) {
  return "| " + cell(c.input) + " | `" + command_text(c) + "` | " + std::to_string(c.code) + " | " +
         cell(message) + " |";
}

const char* const kBegin = "<!-- bad input: begin -->";
const char* const kEnd = "<!-- bad input: end -->";

// README's rows, by their first cell (the input).
std::map<std::string, std::string> readme_rows() {
  const std::string text = read_text(kRepo / "README.md");
  const auto a = text.find(kBegin), b = text.find(kEnd);
  std::map<std::string, std::string> rows;
  if (a == std::string::npos || b == std::string::npos) return rows;
  std::istringstream lines(text.substr(a, b - a));
  for (std::string line; std::getline(lines, line);) {
    if (!line.starts_with("| ") || line.starts_with("| input ") || line.starts_with("| ---")) continue;
    const auto end = line.find(" | ", 2);
    rows[line.substr(2, end - 2)] = line;
  }
  return rows;
}

class BadInputCatalogue : public ::testing::TestWithParam<Case> {};

TEST_P(BadInputCatalogue, ExitsWithItsCodeAndOneLineNamingTheThingAndTheFix) {
  const Case& c = GetParam();
  const fs::path dir = fs::path(BENCH_TEST_TMP) / "bad_input" /
                       ::testing::UnitTest::GetInstance()->current_test_info()->name();
  fs::remove_all(dir);
  fs::create_directories(dir);
  for (const char* tree : {"profiles", "fixtures"})
    fs::copy(kRepo / tree, dir / tree, fs::copy_options::recursive);
  if (c.setup) c.setup(dir);
  if (::testing::Test::HasFatalFailure()) return;
  std::vector<std::string> args = c.args;
  if (!args.empty()) args.insert(args.begin(), "-q");
  const Ran r = run_bench(dir, args, c.prefix);
  const std::string shown =
      "bench " + ::testing::PrintToString(c.args) + "\nexit " + std::to_string(r.code) + "\nstderr: " + r.err;
  ASSERT_TRUE(r.exited) << shown;
  EXPECT_EQ(r.code, c.code) << shown;
  std::string line;
  if (c.summary) {
    // The configuration's error, in the summary under its line; nothing on stderr with -q.
    EXPECT_EQ(r.err, "") << shown;
    std::istringstream summary(r.out);
    for (std::string l; line.empty() && std::getline(summary, l);)
      if (const auto at = l.find_first_not_of(' '); at != std::string::npos && l.compare(at, 5, "error") == 0)
        line = l.substr(at);
    ASSERT_FALSE(line.empty()) << "no error line in the summary\n" << r.out;
  } else {
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << shown;
    ASSERT_TRUE(r.err.starts_with("bench: error: ")) << shown;
    line = r.err.substr(0, r.err.find('\n'));
  }
  for (const auto& n : c.needles)
    EXPECT_NE(line.find(n), std::string::npos) << "lacks '" << n << "'\n" << shown;
  // README shows the line as it reads in the folder the command runs in.
  std::string message = line;
  for (std::string prefix = (fs::weakly_canonical(dir) / "").string();
       message.find(prefix) != std::string::npos;)
    message.erase(message.find(prefix), prefix.size());
  const auto rows = readme_rows();
  const auto it = rows.find(cell(c.input));
  const std::string expected = row(c, message);
  ASSERT_NE(it, rows.end()) << "README's table \"What the bench does with bad input\" lacks the row\n"
                            << expected;
  if (c.exact) {
    EXPECT_EQ(it->second, expected) << "README's row differs from what the bench does: replace it with\n"
                                    << expected;
  } else {
    EXPECT_TRUE(it->second.starts_with(row(c, "").substr(0, row(c, "").size() - 2)))
        << "README's row differs in input, command or exit code:\n"
        << it->second << "\nshould start\n"
        << expected;
  }
  fs::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(Table, BadInputCatalogue, ::testing::ValuesIn(cases()), [](const auto& p) {
  std::string name;
  for (const char* ch = p.param.input; *ch; ++ch)
    name.push_back(std::isalnum(static_cast<unsigned char>(*ch)) ? *ch : '_');
  return name;
});

// Every README row is a case, and the table is the catalogue the issue asked for: at least 40 rows.
TEST(BadInputCatalogueReadme, EveryRowIsACaseAndThereAreAtLeastForty) {
  const auto rows = readme_rows();
  ASSERT_FALSE(rows.empty()) << "README lacks the table between " << kBegin << " and " << kEnd;
  std::set<std::string> inputs;
  for (const auto& c : cases()) inputs.insert(cell(c.input));
  for (const auto& [input, line] : rows)
    EXPECT_TRUE(inputs.count(input)) << "a README row for no case: " << line;
  EXPECT_EQ(inputs.size(), cases().size()) << "two cases with the same input text";
  EXPECT_GE(rows.size(), 40u);
}

}  // namespace bench_bad_input
