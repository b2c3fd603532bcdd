// fuzz_make_seeds OUT: the seed corpora and dictionaries of the fuzz targets, made at seed time from the
// repository's own files and the bench's own writers, so that nothing large is committed and nothing
// drifts from the code:
//   OUT/seeds/<target>/  plan, profile, fixture, limits: the repository's TOML files; zma: its curves and a
//                        short one; wav: small files from io::write_wav (each sample format, mono and
//                        stereo) and from libsndfile (WAVEX, RF64, AIFF); sidecar: io::sweep_sidecar and
//                        tone_sidecar through io::write_json; report: report.json of the report tests'
//                        records through report::write_record, and a bench.report/1 document;
//                        dutsim_options: command lines from README, NUL-separated
//   OUT/<target>.dict    libFuzzer dictionaries: the catalogue's settings, checks and step kinds and every
//                        key, table and string of the repository's TOML; report.json's keys and words
//                        from its schema; chunk ids of audio files; bench-dutsim's options from its help
// Run by ./bench.sh fuzz. Throws (and exits 1) when a file cannot be read or written.

#include <sndfile.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "bench/dutsim/options.hpp"
#include "bench/io/sidecar.hpp"
#include "bench/io/wav.hpp"
#include "bench/plan/catalogue.hpp"
#include "bench/report/record_json.hpp"
#include "bench/signal/sweep.hpp"
#include "bench/signal/tone.hpp"
#include "report/report_test_support.hpp"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const fs::path kRepo = BENCH_SOURCE_DIR;

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + p.string());
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void spit(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream out(p, std::ios::binary);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + p.string());
}

// Every file under dir (recursively) whose name ends in suffix, in name order.
std::vector<fs::path> files_under(const fs::path& dir, const std::string& suffix) {
  std::vector<fs::path> found;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file() && e.path().string().ends_with(suffix)) found.push_back(e.path());
  std::sort(found.begin(), found.end());
  return found;
}

// A seed named after where it came from: profiles/loads/r32.toml -> profiles_loads_r32.toml.
void copy_seed(const fs::path& from, const fs::path& seeds) {
  std::string name = fs::relative(from, kRepo).generic_string();
  std::replace(name.begin(), name.end(), '/', '_');
  spit(seeds / name, slurp(from));
}

// A libFuzzer dictionary entry: the token in double quotes, with quotes, backslashes and bytes outside
// printable ASCII escaped as \xNN.
std::string dict_entry(const std::string& token) {
  std::string out = "\"";
  for (const unsigned char c : token) {
    if (c == '"' || c == '\\' || c < 0x20 || c >= 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02X", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

void write_dict(const fs::path& file, const std::set<std::string>& tokens) {
  std::string text;
  for (const auto& t : tokens)
    if (!t.empty()) text += dict_entry(t) + "\n";
  spit(file, text);
}

// ---- TOML: plan, profile, fixture, limits ----

std::set<std::string> toml_tokens() {
  std::set<std::string> t = {"[[",
                             "]]",
                             "[",
                             "]",
                             "=",
                             "\"\"\"",
                             "'''",
                             "true",
                             "false",
                             "inf",
                             "-inf",
                             "nan",
                             "1e308",
                             "-1e308",
                             "0x7fffffffffffffff",
                             "-9223372036854775808",
                             "1979-05-27T07:32:00Z",
                             "{}",
                             "[]",
                             "\n[settings]\n",
                             "\n[[steps]]\n",
                             "\n[[wiring]]\n"};
  for (const auto& c : bench::plan::checks()) t.insert(std::string(c.name));
  for (const auto& s : bench::plan::settings()) t.insert(std::string(s.name));
  for (const auto& k : bench::plan::step_kinds()) t.insert("\"" + std::string(k.kind) + "\"");
  for (const char* form : {"min", "max", "tolerance", "expected", "limits", "kind", "id"}) t.insert(form);
  // Every key, table header and quoted string of the repository's TOML files.
  const std::regex key(R"(^\s*([A-Za-z0-9_.\-]+)\s*=)"), table(R"(^\s*\[\[?\s*([^\]]+?)\s*\]\]?)"),
      quoted("\"([^\"\\n]*)\"");
  for (const char* dir : {"profiles", "fixtures"})
    for (const auto& file : files_under(kRepo / dir, ".toml")) {
      std::istringstream in(slurp(file));
      for (std::string line; std::getline(in, line);) {
        if (line.find_first_not_of(" \t") != std::string::npos && line[line.find_first_not_of(" \t")] == '#')
          continue;
        std::smatch m;
        if (std::regex_search(line, m, key)) t.insert(m[1]);
        if (std::regex_search(line, m, table)) t.insert("[" + m[1].str() + "]");
        for (auto it = std::sregex_iterator(line.begin(), line.end(), quoted); it != std::sregex_iterator();
             ++it)
          t.insert("\"" + (*it)[1].str() + "\"");
      }
    }
  return t;
}

void toml_seeds(const fs::path& out) {
  for (const auto& f : files_under(kRepo / "profiles" / "plans", ".toml"))
    copy_seed(f, out / "seeds" / "plan");
  for (const char* sub : {"interfaces", "amps", "adcs", "loads"})
    for (const auto& f : files_under(kRepo / "profiles" / sub, ".toml"))
      copy_seed(f, out / "seeds" / "profile");
  for (const auto& f : files_under(kRepo / "fixtures", ".toml")) copy_seed(f, out / "seeds" / "fixture");
  for (const auto& f : files_under(kRepo / "profiles" / "limits", ".toml"))
    copy_seed(f, out / "seeds" / "limits");
  const std::set<std::string> tokens = toml_tokens();
  for (const char* target : {"plan", "profile", "fixture", "limits"})
    write_dict(out / (std::string(target) + ".dict"), tokens);
}

// ---- .zma ----

void zma_seeds(const fs::path& out) {
  const auto curves = files_under(kRepo / "profiles" / "loads", ".zma");
  for (const auto& f : curves) copy_seed(f, out / "seeds" / "zma");
  // A short curve: the first lines of the first one, so that most mutations land on numbers.
  std::istringstream in(slurp(curves.front()));
  std::string shorter;
  int lines = 0;
  for (std::string line; lines < 12 && std::getline(in, line); ++lines) shorter += line + "\n";
  spit(out / "seeds" / "zma" / "short.zma", shorter);
  write_dict(out / "zma.dict", {"*", "#", ";", ",", "\t", "\r\n", "+", "-", "e-3", "1e308", "-180", "180",
                                "180.0000001", "nan", "inf", "0", "-0", "0x1p-1074"});
}

// ---- audio ----

bench::dsp::Frames tone_frames(Eigen::Index frames, Eigen::Index channels) {
  bench::dsp::Frames x(frames, channels);
  for (Eigen::Index c = 0; c < channels; ++c)
    for (Eigen::Index i = 0; i < frames; ++i)
      x(i, c) = 0.5 * std::sin(2 * 3.141592653589793 * (1000.0 + 500.0 * static_cast<double>(c)) *
                               static_cast<double>(i) / 48000);
  return x;
}

// A file libsndfile writes in a container write_wav does not use.
void sndfile_seed(const fs::path& file, int format, const bench::dsp::Frames& x) {
  SF_INFO info{};
  info.samplerate = 48000;
  info.channels = static_cast<int>(x.cols());
  info.format = format;
  SNDFILE* f = sf_open(file.c_str(), SFM_WRITE, &info);
  if (f == nullptr) throw std::runtime_error("libsndfile cannot write " + file.string());
  std::vector<double> interleaved;
  for (Eigen::Index i = 0; i < x.rows(); ++i)
    for (Eigen::Index c = 0; c < x.cols(); ++c) interleaved.push_back(x(i, c));
  sf_writef_double(f, interleaved.data(), x.rows());
  sf_close(f);
}

void audio_seeds(const fs::path& out) {
  using bench::io::SampleFormat;
  const fs::path wav = out / "seeds" / "wav";
  fs::create_directories(wav);
  const auto stereo = tone_frames(64, 2);
  bench::io::write_wav(wav / "float32.wav", stereo, 48000, SampleFormat::kFloat32);
  bench::io::write_wav(wav / "float64.wav", stereo, 48000, SampleFormat::kFloat64);
  bench::io::write_wav(wav / "pcm24.wav", stereo, 96000, SampleFormat::kPcm24);
  bench::io::write_wav(wav / "pcm16.wav", stereo, 44100, SampleFormat::kPcm16);
  bench::io::write_wav(wav / "mono_pcm16.wav", tone_frames(16, 1), 48000, SampleFormat::kPcm16);
  sndfile_seed(wav / "wavex_float.wav", SF_FORMAT_WAVEX | SF_FORMAT_FLOAT, stereo);
  sndfile_seed(wav / "rf64_pcm24.wav", SF_FORMAT_RF64 | SF_FORMAT_PCM_24, stereo);
  sndfile_seed(wav / "aiff_pcm16.aiff", SF_FORMAT_AIFF | SF_FORMAT_PCM_16, stereo);
  write_dict(out / "wav.dict", {"RIFF",
                                "RIFX",
                                "RF64",
                                "WAVE",
                                "fmt ",
                                "data",
                                "fact",
                                "LIST",
                                "INFO",
                                "PEAK",
                                "ds64",
                                "cue ",
                                "bext",
                                "JUNK",
                                "FORM",
                                "AIFF",
                                "AIFC",
                                "COMM",
                                "SSND",
                                std::string("\x01\x00", 2),
                                std::string("\x03\x00", 2),
                                std::string("\xfe\xff", 2),
                                std::string("\xff\xff\xff\xff", 4),
                                std::string("\x00\x00\x00\x80", 4),
                                std::string("\x80\xbb\x00\x00", 4)});

  const fs::path sidecar = out / "seeds" / "sidecar";
  fs::create_directories(sidecar);
  const auto sweep = bench::stimulus::make_sweep_spec(20, 20000, 1, 48000, -6, 0.02);
  bench::io::write_json(sidecar / "sweep.wav.json", bench::io::sweep_sidecar(sweep, 2));
  bench::io::write_json(
      sidecar / "sweep_mono.wav.json",
      bench::io::sweep_sidecar(bench::stimulus::make_sweep_spec(10, 24000, 0.5, 96000, -1, 0), 1));
  bench::io::write_json(sidecar / "tone.wav.json",
                        bench::io::tone_sidecar(bench::stimulus::make_tone_spec(997, -1, 1, 48000, true), 2));
  std::set<std::string> keys = {"{",         "}",       "[",     "]",  ":",    ",",   "null",
                                "true",      "false",   "1e308", "-0", "1e12", "0.5", "\"bench.stimulus/1\"",
                                "\"sweep\"", "\"sine\""};
  const json sweep_json = bench::io::sweep_sidecar(sweep, 2);  // items() must not outlive its document
  for (const auto& [key, value] : sweep_json.items()) keys.insert("\"" + key + "\"");
  write_dict(out / "sidecar.dict", keys);
}

// ---- report.json ----

// Every property name, enum word and constant of the schema, quoted as JSON writes them.
void schema_words(const json& node, std::set<std::string>& words) {
  if (node.is_object()) {
    for (const auto& [key, value] : node.items()) {
      if (key == "properties" && value.is_object())
        for (const auto& [name, sub] : value.items()) words.insert("\"" + name + "\"");
      if ((key == "enum" || key == "const") && (value.is_array() || value.is_string()))
        for (const auto& w : value.is_array() ? value : json::array({value}))
          if (w.is_string()) words.insert("\"" + w.get<std::string>() + "\"");
      schema_words(value, words);
    }
  } else if (node.is_array()) {
    for (const auto& v : node) schema_words(v, words);
  }
}

void report_seeds(const fs::path& out) {
  const fs::path seeds = out / "seeds" / "report";
  const fs::path run = out / "report-run";
  fs::create_directories(run);
  const std::vector<std::pair<std::string, bench::record::RunRecord>> records = {
      {"sample", bench::report::test::sample_record()}, {"full", bench::report::test::full_record()}};
  for (const auto& [name, record] : records) {
    bench::report::write_record(run, record);
    spit(seeds / (name + ".json"), slurp(run / "report.json"));
  }
  fs::remove_all(run);
  // A bench.report/1 record as bench 0.1 wrote it, cut down to what read_prior_run reads.
  const json first = {
      {"schema", "bench.report/1"},
      {"plan", {{"id", "demo"}, {"file", "profiles/plans/demo.toml"}}},
      {"seed", 42},
      {"configurations",
       json::array({{{"fixture", {{"id", "line_trs_to_amp_trs"}}},
                     {"checks", json::array({{{"name", "level_dbv"},
                                              {"value", 9.56},
                                              {"unit", "dBV"},
                                              {"limit", {{"expected", 9.56}, {"tolerance", 1.0}}},
                                              {"outcome", "pass"},
                                              {"explanation", "as expected"},
                                              {"channel", "left"}}})}},
                    {{"fixture", "hp_to_amp_stereo"}, {"checks", json::array()}}})}};
  spit(seeds / "first_layout.json", first.dump(2));
  std::set<std::string> words = {"{",
                                 "}",
                                 "[",
                                 "]",
                                 ":",
                                 ",",
                                 "null",
                                 "true",
                                 "false",
                                 "1e308",
                                 "-0",
                                 "0",
                                 "\"bench.report/1\"",
                                 "\"bench.report/2\""};
  schema_words(json::parse(slurp(kRepo / "bench" / "report" / "schema" / "bench.report.schema.json")), words);
  for (const auto& c : bench::plan::checks()) words.insert("\"" + std::string(c.name) + "\"");
  for (const auto& k : bench::plan::step_kinds()) words.insert("\"" + std::string(k.kind) + "\"");
  write_dict(out / "report.dict", words);
}

// ---- bench-dutsim's command line ----

void dutsim_seeds(const fs::path& out) {
  const fs::path seeds = out / "seeds" / "dutsim_options";
  const std::vector<std::vector<std::string>> lines = {
      {"--plan", "profiles/plans/demo.toml", "--fixture", "line_trs_to_amp_trs"},
      {"--plan", "profiles/plans/demo.toml", "--fixture", "hp_to_amp_rca_y", "--load", "r32", "--name",
       "dutsim2", "--seed", "7", "--clock-offset-ppm", "150"},
      {"--plan", "profiles/plans/live.toml", "--fixture", "faults/inverted_right", "--stall-every-s", "5",
       "--stall-ms", "80"},
      {"--plan", "profiles/plans/live.toml", "--fixture", "line_trs_to_amp_xlr", "--silence-channel", "1",
       "--silence-after-s", "0.5", "--clock-offset-ppm", "-150"},
      {"--plan", "profiles/plans/quick.toml", "--fixture", "hp_to_amp_stereo", "--exit-after-s", "2",
       "--server", "test"},
      {"--help"},
  };
  for (std::size_t i = 0; i < lines.size(); ++i) {
    std::string text;
    for (const auto& arg : lines[i]) text += arg + std::string(1, '\0');
    spit(seeds / ("args" + std::to_string(i)), text);
  }
  const char* argv[] = {"bench-dutsim", "--help"};
  const std::string help = bench::dutsim::parse_command_line(2, argv).help;
  std::set<std::string> words = {
      std::string(1, '\0'),   "nan",        "inf", "-inf", "1e308", "-1", "0", "0.5", "1e-9",
      "18446744073709551616", "--help-all", "="};
  const std::regex option("--[a-z][a-z-]*");
  for (auto it = std::sregex_iterator(help.begin(), help.end(), option); it != std::sregex_iterator(); ++it)
    words.insert(it->str());
  for (const auto& f : files_under(kRepo / "profiles" / "plans", ".toml"))
    words.insert(fs::relative(f, kRepo).generic_string());
  for (const auto& f : files_under(kRepo / "fixtures", ".toml")) {
    const std::string id = fs::relative(f, kRepo / "fixtures").generic_string();
    words.insert(id.substr(0, id.size() - 5));
  }
  for (const auto& f : files_under(kRepo / "profiles" / "loads", ".toml")) words.insert(f.stem().string());
  write_dict(out / "dutsim_options.dict", words);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: fuzz_make_seeds OUT_DIR\n");
    return 2;
  }
  try {
    const fs::path out = argv[1];
    fs::remove_all(out / "seeds");
    toml_seeds(out);
    zma_seeds(out);
    audio_seeds(out);
    report_seeds(out);
    dutsim_seeds(out);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "fuzz_make_seeds: %s\n", e.what());
    return 1;
  }
  return 0;
}
