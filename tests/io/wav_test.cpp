// WAV and sidecar I/O: round trips against the formats' quantisation steps, atomic writes, and the
// errors a user sees for files that are missing, malformed or not audio.
#include "bench/io/wav.hpp"

#include <gtest/gtest.h>
#include <sndfile.h>
#include <sys/resource.h>

#include <cctype>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <ostream>
#include <stdexcept>
#include <string>
#include <vector>

#include "bench/core/error.hpp"
#include "bench/io/sidecar.hpp"
#include "bench/signal/sweep.hpp"

namespace fs = std::filesystem;
using bench::InputError;
using bench::dsp::Frames;
using bench::io::SampleFormat;

namespace {

// A fresh, empty scratch directory per test (ctest may run tests in parallel processes).
fs::path scratch_dir() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string name = std::string(info->test_suite_name()) + "." + info->name();
  for (char& c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_') c = '_';
  const fs::path dir = fs::path(BENCH_TEST_TMP) / "io" / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

std::vector<std::string> names_in(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  return names;
}

// Expects `f` to throw bench::InputError whose message contains every needle.
template <class F>
void expect_input_error(F&& f, const std::vector<std::string>& needles) {
  try {
    f();
    ADD_FAILURE() << "no exception thrown";
  } catch (const InputError& e) {
    for (const auto& n : needles)
      EXPECT_NE(std::string(e.what()).find(n), std::string::npos) << e.what() << "\n  lacks: " << n;
  } catch (const std::exception& e) {
    ADD_FAILURE() << "threw a non-InputError: " << e.what();
  }
}

// Deterministic test signal inside [-peak, peak] with a distinct offset per channel so that a swap of
// channels shows; the extremes +-peak appear in every channel.
Frames test_frames(Eigen::Index rows, Eigen::Index cols, double peak) {
  Frames f(rows, cols);
  for (Eigen::Index c = 0; c < cols; ++c)
    for (Eigen::Index i = 0; i < rows; ++i)
      f(i, c) = peak * std::sin(0.0123 * static_cast<double>(i * (c + 1)) + 0.7 * static_cast<double>(c)) *
                (0.5 + 0.5 * static_cast<double>(c + 1) / static_cast<double>(cols));
  for (Eigen::Index c = 0; c < cols; ++c) {
    f(0, c) = peak;
    f(1, c) = -peak;
  }
  return f;
}

void put_u32(std::string& s, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) s.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}
void put_u16(std::string& s, std::uint16_t v) {
  s.push_back(static_cast<char>(v & 0xFF));
  s.push_back(static_cast<char>(v >> 8));
}

// A well-formed 16-bit PCM WAV header with an empty data chunk, written by hand.
void write_zero_frame_wav(const fs::path& path) {
  std::string s = "RIFF";
  put_u32(s, 36);
  s += "WAVEfmt ";
  put_u32(s, 16);
  put_u16(s, 1);      // PCM
  put_u16(s, 1);      // channels
  put_u32(s, 48000);  // rate
  put_u32(s, 96000);  // byte rate
  put_u16(s, 2);      // block align
  put_u16(s, 16);     // bits
  s += "data";
  put_u32(s, 0);
  std::ofstream(path, std::ios::binary) << s;
}

// ---------------------------------------------------------------------------------------------------
// Round trips

struct FormatCase {
  const char* name;
  SampleFormat format;
  double abs_tolerance;  ///< one quantisation step (PCM) or 0 plus relative rounding (float)
  double rel_tolerance;  ///< float rounding relative to the value
  const char* described;
};

std::ostream& operator<<(std::ostream& os, const FormatCase& c) {
  return os << c.name;
}

class WavRoundTrip : public ::testing::TestWithParam<FormatCase> {};

TEST_P(WavRoundTrip, SamplesChannelOrderAndRateSurviveWithinOneQuantisationStep) {
  const FormatCase& fc = GetParam();
  const fs::path dir = scratch_dir();
  const fs::path path = dir / "x.wav";
  const Frames in = test_frames(4096, 3, 1.0);
  bench::io::write_wav(path, in, 48000, fc.format);
  const auto a = bench::io::read_audio(path);
  ASSERT_EQ(a.frames.rows(), in.rows());
  ASSERT_EQ(a.frames.cols(), in.cols());
  EXPECT_EQ(a.sample_rate_hz, 48000.0);
  EXPECT_EQ(a.format, fc.described);
  double worst = 0;
  for (Eigen::Index c = 0; c < in.cols(); ++c)
    for (Eigen::Index i = 0; i < in.rows(); ++i) {
      const double err = std::abs(a.frames(i, c) - in(i, c));
      const double tol = fc.abs_tolerance + fc.rel_tolerance * std::abs(in(i, c));
      worst = std::max(worst, err / (tol > 0 ? tol : 1e-300));
      ASSERT_LE(err, tol) << "frame " << i << " channel " << c << " wrote " << in(i, c) << " read "
                          << a.frames(i, c);
    }
  SCOPED_TRACE(worst);
  // Channel order: each read channel is closer to its own source column than to any other column.
  for (Eigen::Index c = 0; c < in.cols(); ++c)
    for (Eigen::Index o = 0; o < in.cols(); ++o)
      if (o != c) {
        EXPECT_LT((a.frames.col(c) - in.col(c)).norm(), (a.frames.col(c) - in.col(o)).norm())
            << "channel " << c << " vs " << o;
      }
}

INSTANTIATE_TEST_SUITE_P(
    Formats, WavRoundTrip,
    ::testing::Values(FormatCase{"float32", SampleFormat::kFloat32, 0.0, std::ldexp(1.0, -24), "WAV float32"},
                      FormatCase{"float64", SampleFormat::kFloat64, 0.0, 0.0, "WAV float64"},
                      FormatCase{"pcm24", SampleFormat::kPcm24, std::ldexp(1.0, -23), 0.0, "WAV PCM24"},
                      FormatCase{"pcm16", SampleFormat::kPcm16, std::ldexp(1.0, -15), 0.0, "WAV PCM16"}),
    [](const auto& p) { return std::string(p.param.name); });

class WavSampleRate : public ::testing::TestWithParam<int> {};

TEST_P(WavSampleRate, RateIsPreserved) {
  const fs::path path = scratch_dir() / "r.wav";
  bench::io::write_wav(path, test_frames(256, 1, 0.5), GetParam(), SampleFormat::kPcm24);
  EXPECT_EQ(bench::io::read_audio(path).sample_rate_hz, static_cast<double>(GetParam()));
}

INSTANTIATE_TEST_SUITE_P(Rates, WavSampleRate,
                         ::testing::Values(8000, 44100, 48000, 88200, 96000, 192000, 384000));

TEST(WavFloat, Float32KeepsSamplesBeyondFullScale) {
  const fs::path path = scratch_dir() / "hot.wav";
  Frames in(4, 1);
  in << 1.5, -2.0, 0.25, 1.0;
  bench::io::write_wav(path, in, 48000, SampleFormat::kFloat32);
  const auto a = bench::io::read_audio(path);
  ASSERT_EQ(a.frames.rows(), 4);
  for (Eigen::Index i = 0; i < 4; ++i)
    EXPECT_EQ(a.frames(i, 0), in(i, 0));  // all exactly representable in float
}

TEST(WavPcm, FullScaleItselfIsWritable) {
  const fs::path path = scratch_dir() / "fs.wav";
  Frames in(2, 1);
  in << 1.0, -1.0;
  for (auto f : {SampleFormat::kPcm16, SampleFormat::kPcm24}) {
    bench::io::write_wav(path, in, 48000, f);
    const auto a = bench::io::read_audio(path);
    EXPECT_NEAR(a.frames(0, 0), 1.0, std::ldexp(1.0, -15));
    EXPECT_NEAR(a.frames(1, 0), -1.0, std::ldexp(1.0, -15));
  }
}

// A sample that lies exactly on the PCM grid (k / 2^(bits-1), the scale read_audio decodes with) has an
// exact integer code, so a correct writer reproduces it bit for bit.
struct GridCase {
  const char* name;
  SampleFormat format;
  int bits;
};

std::ostream& operator<<(std::ostream& os, const GridCase& c) {
  return os << c.name;
}

class WavPcmGrid : public ::testing::TestWithParam<GridCase> {};

TEST_P(WavPcmGrid, SamplesOnTheCodeGridRoundTripExactly) {
  const GridCase& g = GetParam();
  const double half = std::ldexp(1.0, g.bits - 1);
  const std::vector<double> codes = {-half, -half + 1,   -0.75 * half, -1,          0,       1,
                                     3,     0.25 * half, 0.5 * half,   0.75 * half, half - 1};
  Frames in(static_cast<Eigen::Index>(codes.size()), 1);
  for (std::size_t i = 0; i < codes.size(); ++i) in(static_cast<Eigen::Index>(i), 0) = codes[i] / half;
  const fs::path path = scratch_dir() / "grid.wav";
  bench::io::write_wav(path, in, 48000, g.format);
  const auto a = bench::io::read_audio(path);
  ASSERT_EQ(a.frames.rows(), in.rows());
  for (Eigen::Index i = 0; i < in.rows(); ++i)
    EXPECT_EQ(a.frames(i, 0) * half, in(i, 0) * half)
        << "code " << in(i, 0) * half << " came back as code " << a.frames(i, 0) * half;
}

INSTANTIATE_TEST_SUITE_P(Formats, WavPcmGrid,
                         ::testing::Values(GridCase{"pcm16", SampleFormat::kPcm16, 16},
                                           GridCase{"pcm24", SampleFormat::kPcm24, 24}),
                         [](const auto& p) { return std::string(p.param.name); });

struct OverCase {
  const char* name;
  SampleFormat format;
  double value;
};

std::ostream& operator<<(std::ostream& os, const OverCase& c) {
  return os << c.name << " " << c.value;
}

class WavPcmOverFullScale : public ::testing::TestWithParam<OverCase> {};

TEST_P(WavPcmOverFullScale, ThrowsInputErrorNamingFileAndWritesNothing) {
  const fs::path dir = scratch_dir();
  const fs::path path = dir / "over.wav";
  Frames in = test_frames(64, 2, 0.5);
  in(10, 1) = GetParam().value;
  expect_input_error([&] { bench::io::write_wav(path, in, 48000, GetParam().format); },
                     {path.string(), "full scale"});
  EXPECT_TRUE(names_in(dir).empty());
}

INSTANTIATE_TEST_SUITE_P(Cases, WavPcmOverFullScale,
                         ::testing::Values(OverCase{"pcm16_positive", SampleFormat::kPcm16, 1.0001},
                                           OverCase{"pcm16_negative", SampleFormat::kPcm16, -1.5},
                                           OverCase{"pcm24_positive", SampleFormat::kPcm24, 2.0},
                                           OverCase{"pcm24_negative", SampleFormat::kPcm24, -1.0000001}),
                         [](const auto& p) { return std::string(p.param.name); });

// ---------------------------------------------------------------------------------------------------
// Reading bad files

TEST(WavRead, MissingFileThrowsInputErrorNamingIt) {
  const fs::path path = scratch_dir() / "nope.wav";
  expect_input_error([&] { (void)bench::io::read_audio(path); }, {path.string()});
}

TEST(WavRead, DirectoryThrowsInputErrorNamingIt) {
  const fs::path path = scratch_dir() / "adir.wav";
  fs::create_directory(path);
  expect_input_error([&] { (void)bench::io::read_audio(path); }, {path.string()});
}

TEST(WavRead, TextFileNamedWavThrowsInputErrorNamingIt) {
  const fs::path path = scratch_dir() / "text.wav";
  std::ofstream(path) << "this is not audio, just some text that happens to be in a .wav file\n";
  expect_input_error([&] { (void)bench::io::read_audio(path); }, {path.string()});
}

TEST(WavRead, EmptyFileThrowsInputErrorNamingIt) {
  const fs::path path = scratch_dir() / "empty.wav";
  std::ofstream{path};
  expect_input_error([&] { (void)bench::io::read_audio(path); }, {path.string()});
}

TEST(WavRead, ZeroFrameWavThrowsInputErrorNamingIt) {
  const fs::path path = scratch_dir() / "zero.wav";
  write_zero_frame_wav(path);
  ASSERT_EQ(fs::file_size(path), 44u);
  expect_input_error([&] { (void)bench::io::read_audio(path); }, {path.string()});
}

TEST(WavRead, ZeroFrameWavWrittenByWriteWavThrowsOnRead) {
  const fs::path path = scratch_dir() / "zero2.wav";
  bench::io::write_wav(path, Frames(0, 2), 48000, SampleFormat::kFloat32);
  expect_input_error([&] { (void)bench::io::read_audio(path); }, {path.string()});
}

// ---------------------------------------------------------------------------------------------------
// Headers that claim more than the file holds

// A 16-bit FLAC of `frames` frames of a 997 Hz tone in `channels` channels, written with libsndfile.
fs::path write_flac(const fs::path& path, sf_count_t frames, int channels) {
  SF_INFO info{};
  info.samplerate = 48000;
  info.channels = channels;
  info.format = SF_FORMAT_FLAC | SF_FORMAT_PCM_16;
  SNDFILE* f = sf_open(path.c_str(), SFM_WRITE, &info);
  if (f == nullptr) throw std::runtime_error(sf_strerror(nullptr));
  std::vector<double> x(static_cast<std::size_t>(frames * channels));
  for (std::size_t i = 0; i < x.size(); ++i)
    x[i] = 0.5 * std::sin(2 * 3.14159265358979 * 997 *
                          static_cast<double>(i / static_cast<std::size_t>(channels)) / 48000);
  sf_writef_double(f, x.data(), frames);
  sf_close(f);
  return path;
}

// Overwrites the 36-bit total-samples field of the FLAC's STREAMINFO block (the first metadata block,
// after "fLaC" and its 4-byte block header: the low 4 bits of byte 21 and bytes 22 to 25).
void patch_flac_total_samples(const fs::path& path, std::uint64_t total) {
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  char head[26];
  f.read(head, sizeof head);
  ASSERT_EQ(std::string(head, 4), "fLaC");
  ASSERT_EQ(head[4] & 0x7f, 0);  // STREAMINFO
  head[21] = static_cast<char>((head[21] & 0xf0) | ((total >> 32) & 0x0f));
  for (int i = 0; i < 4; ++i) head[22 + i] = static_cast<char>((total >> (24 - 8 * i)) & 0xff);
  f.seekp(0);
  f.write(head, sizeof head);
}

long max_rss_kib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

TEST(FlacRead, AnIntactFlacReadsWhole) {
  const fs::path path = write_flac(scratch_dir() / "tone.flac", 48000, 2);
  const bench::io::Audio a = bench::io::read_audio(path);
  EXPECT_EQ(a.frames.rows(), 48000);
  EXPECT_EQ(a.frames.cols(), 2);
  EXPECT_NEAR(a.frames.col(0).cwiseAbs().maxCoeff(), 0.5, 1e-3);
}

// A FLAC of 1 s (about 100 KB) whose header claims 20 M frames: reading it must not reserve what the
// header claims (20 M frames of two channels are 320 MB of doubles), and it is refused as damaged.
TEST(FlacRead, AHeaderClaimingMoreFramesThanDecodeIsRefusedWithoutSizingMemoryByIt) {
  const fs::path path = write_flac(scratch_dir() / "claims.flac", 48000, 2);
  patch_flac_total_samples(path, 20'000'000);
  const long before = max_rss_kib();
  expect_input_error([&] { (void)bench::io::read_audio(path); }, {path.string(), "20000000", "48000"});
  EXPECT_LT(max_rss_kib() - before, 100 * 1024) << "peak resident memory grew by more than 100 MiB";
}

// A tiny FLAC whose header claims 2^36 - 1 frames (what no 100-byte file can hold: a FLAC frame of at
// most 65535 samples costs at least 8 bytes) is refused from its size alone, as a damaged file.
TEST(FlacRead, AHeaderClaimingMoreThanTheFileCanHoldIsRefusedNamingTheFile) {
  const fs::path path = write_flac(scratch_dir() / "tiny.flac", 16, 1);
  ASSERT_LT(fs::file_size(path), 1000u);
  patch_flac_total_samples(path, (std::uint64_t{1} << 36) - 1);
  expect_input_error([&] { (void)bench::io::read_audio(path); },
                     {path.string(), "68719476735", "can hold", "damaged"});
}

// ---------------------------------------------------------------------------------------------------
// The smallest lossless format

// Samples that are 24-bit codes (k / 2^23, k in -2^23 .. 2^23 - 1) go to PCM24 and read back bit for bit;
// one sample between codes, or +1 (2^23 is no code), keeps the file float32.
TEST(LosslessFormat, TwentyFourBitCodesArePcm24AndReadBackBitForBit) {
  Frames x(4096, 2);
  for (Eigen::Index i = 0; i < x.rows(); ++i) {
    x(i, 0) = std::ldexp(static_cast<double>((i * 2053) % 16777216 - 8388608), -23);
    x(i, 1) = std::ldexp(static_cast<double>(8388607 - i * 977), -23);
  }
  x(0, 0) = -1.0;
  ASSERT_EQ(bench::io::lossless_format(x), SampleFormat::kPcm24);
  const fs::path path = scratch_dir() / "codes.wav";
  bench::io::write_wav(path, x, 48000, bench::io::lossless_format(x));
  const bench::io::Audio back = bench::io::read_audio(path);
  EXPECT_EQ(back.format, "WAV PCM24");
  EXPECT_EQ(fs::file_size(path) - 44, static_cast<std::uintmax_t>(x.size()) * 3);
  EXPECT_TRUE((back.frames.array() == x.array()).all());

  Frames between = x;
  between(17, 1) = static_cast<double>(0.1f);
  EXPECT_EQ(bench::io::lossless_format(between), SampleFormat::kFloat32);
  Frames full = x;
  full(5, 0) = 1.0;
  EXPECT_EQ(bench::io::lossless_format(full), SampleFormat::kFloat32);
  Frames nan = x;
  nan(9, 0) = std::nan("");
  EXPECT_EQ(bench::io::lossless_format(nan), SampleFormat::kFloat32);
}

// ---------------------------------------------------------------------------------------------------
// One channel at a time

// Four channels written: 0 a ramp, 1 equal to 0, 2 different in one sample only, 3 equal to 2. One
// channel read alone is that column; the survey finds which equal an earlier one and where a NaN is.
TEST(ChannelRead, OneChannelAloneAndTheSurveyOfEqualChannelsAndNaN) {
  Frames x(50000, 4);
  for (Eigen::Index i = 0; i < x.rows(); ++i)
    x(i, 0) = x(i, 1) = static_cast<double>(i % 1000) / 1024.0 - 0.5;
  x.col(2) = x.col(0);
  x(31337, 2) = 0.125;
  x.col(3) = x.col(2);
  const fs::path path = scratch_dir() / "four.wav";
  bench::io::write_wav(path, x, 48000, SampleFormat::kFloat32);
  for (int c = 0; c < 4; ++c) {
    const bench::dsp::Signal one = bench::io::read_audio_channel(path, c);
    ASSERT_EQ(one.size(), x.rows());
    EXPECT_TRUE((one.array() == x.col(c).array()).all()) << c;
  }
  EXPECT_THROW((void)bench::io::read_audio_channel(path, 4), std::out_of_range);
  const bench::io::ChannelSurvey s = bench::io::survey_channels(path);
  EXPECT_EQ(s.first_equal, (std::vector<int>{0, 0, 2, 2}));
  EXPECT_EQ(s.non_finite_channel, -1);

  x(40000, 3) = std::nan("");
  bench::io::write_wav(path, x, 48000, SampleFormat::kFloat32);
  const bench::io::ChannelSurvey with_nan = bench::io::survey_channels(path);
  EXPECT_EQ(with_nan.non_finite_channel, 3);
  EXPECT_EQ(with_nan.first_equal, (std::vector<int>{0, 0, 2, 3}));
  const fs::path missing = scratch_dir() / "four-nope.wav";
  expect_input_error([&] { (void)bench::io::survey_channels(missing); }, {missing.string(), "no such file"});
  expect_input_error([&] { (void)bench::io::read_audio_channel(missing, 0); }, {missing.string()});
}

// ---------------------------------------------------------------------------------------------------
// The header alone

// What was written (1234 frames of 3 channels at 44.1 kHz, as PCM24) is what the header gives back,
// and the same bad files are refused with the same one-line errors as read_audio gives.
TEST(WavProbe, GivesTheWrittenFramesChannelsRateAndFormat) {
  const fs::path path = scratch_dir() / "probe.wav";
  bench::io::write_wav(path, Frames::Constant(1234, 3, 0.25), 44100, SampleFormat::kPcm24);
  const bench::io::AudioInfo i = bench::io::probe_audio(path);
  EXPECT_EQ(i.frames, 1234u);
  EXPECT_EQ(i.channels, 3);
  EXPECT_EQ(i.sample_rate_hz, 44100.0);
  EXPECT_EQ(i.format, "WAV PCM24");
}

TEST(WavProbe, MissingEmptyAndOversizedClaimsAreRefusedNamingTheFile) {
  const fs::path missing = scratch_dir() / "probe-nope.wav";
  expect_input_error([&] { (void)bench::io::probe_audio(missing); }, {missing.string(), "no such file"});
  const fs::path zero = scratch_dir() / "probe-zero.wav";
  write_zero_frame_wav(zero);
  expect_input_error([&] { (void)bench::io::probe_audio(zero); }, {zero.string(), "no audio frames"});
  const fs::path tiny = write_flac(scratch_dir() / "probe-tiny.flac", 16, 1);
  patch_flac_total_samples(tiny, (std::uint64_t{1} << 36) - 1);
  expect_input_error([&] { (void)bench::io::probe_audio(tiny); }, {tiny.string(), "68719476735", "damaged"});
}

// ---------------------------------------------------------------------------------------------------
// Atomic writes

TEST(WavWrite, LeavesOnlyTheFinishedFileBehind) {
  const fs::path dir = scratch_dir();
  for (auto f : {SampleFormat::kFloat32, SampleFormat::kFloat64, SampleFormat::kPcm24, SampleFormat::kPcm16})
    bench::io::write_wav(dir / "a.wav", test_frames(512, 2, 0.9), 48000, f);
  EXPECT_EQ(names_in(dir), std::vector<std::string>{"a.wav"});
}

TEST(WavWrite, OverwritesAnExistingFileCompletely) {
  const fs::path dir = scratch_dir();
  const fs::path path = dir / "a.wav";
  bench::io::write_wav(path, test_frames(5000, 2, 0.9), 48000);
  bench::io::write_wav(path, test_frames(300, 1, 0.9), 44100);
  const auto a = bench::io::read_audio(path);
  EXPECT_EQ(a.frames.rows(), 300);
  EXPECT_EQ(a.frames.cols(), 1);
  EXPECT_EQ(a.sample_rate_hz, 44100.0);
  EXPECT_EQ(names_in(dir), std::vector<std::string>{"a.wav"});
}

TEST(WavWrite, IntoMissingDirectoryThrowsAndCreatesNothing) {
  const fs::path dir = scratch_dir();
  const fs::path path = dir / "missing" / "a.wav";
  expect_input_error([&] { bench::io::write_wav(path, test_frames(64, 1, 0.5), 48000); }, {path.string()});
  EXPECT_TRUE(names_in(dir).empty());
}

TEST(WavWrite, OntoAnExistingDirectoryThrowsAndLeavesNoPartialFile) {
  const fs::path dir = scratch_dir();
  const fs::path path = dir / "taken.wav";
  fs::create_directory(path);
  expect_input_error([&] { bench::io::write_wav(path, test_frames(64, 1, 0.5), 48000); }, {path.string()});
  EXPECT_EQ(names_in(dir), std::vector<std::string>{"taken.wav"});
}

TEST(JsonWrite, IntoMissingDirectoryThrowsAndCreatesNothing) {
  const fs::path dir = scratch_dir();
  const fs::path path = dir / "missing" / "a.json";
  expect_input_error([&] { bench::io::write_json(path, {{"a", 1}}); }, {path.string()});
  EXPECT_TRUE(names_in(dir).empty());
}

TEST(JsonWrite, OntoAnExistingDirectoryThrowsAndLeavesNoPartialFile) {
  const fs::path dir = scratch_dir();
  const fs::path path = dir / "taken.json";
  fs::create_directory(path);
  expect_input_error([&] { bench::io::write_json(path, {{"a", 1}}); }, {path.string()});
  EXPECT_EQ(names_in(dir), std::vector<std::string>{"taken.json"});
}

// ---------------------------------------------------------------------------------------------------
// Sidecar

TEST(Sidecar, PathIsTheWavNamePlusJson) {
  EXPECT_EQ(bench::io::sidecar_path("/a/b/sweep.wav"), fs::path("/a/b/sweep.wav.json"));
}

struct SweepCase {
  double f1, f2, duration, rate, level, fade;
};

std::ostream& operator<<(std::ostream& os, const SweepCase& c) {
  return os << c.f1 << "-" << c.f2 << " Hz, " << c.duration << " s at " << c.rate << " Hz";
}

class SidecarRoundTrip : public ::testing::TestWithParam<SweepCase> {};

TEST_P(SidecarRoundTrip, ReadBackEqualsMakeSweepSpecFieldForField) {
  const SweepCase& c = GetParam();
  const auto spec = bench::stimulus::make_sweep_spec(c.f1, c.f2, c.duration, c.rate, c.level, c.fade);
  const fs::path dir = scratch_dir();
  const fs::path path = dir / "s.wav.json";
  bench::io::write_json(path, bench::io::sweep_sidecar(spec, 2));
  EXPECT_EQ(names_in(dir), std::vector<std::string>{"s.wav.json"});
  const auto back = bench::io::read_sweep_sidecar(path);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->f1_hz, spec.f1_hz);
  EXPECT_EQ(back->f2_hz, spec.f2_hz);
  EXPECT_EQ(back->sample_rate_hz, spec.sample_rate_hz);
  EXPECT_EQ(back->level_dbfs, spec.level_dbfs);
  EXPECT_EQ(back->fade_s, spec.fade_s);
  EXPECT_EQ(back->requested_duration_s, spec.requested_duration_s);
  EXPECT_EQ(back->rate_l_s, spec.rate_l_s);
  EXPECT_EQ(back->duration_s, spec.duration_s);
  EXPECT_EQ(back->samples, spec.samples);
  // The file itself carries the schema, kind and channel count.
  std::ifstream in(path);
  const auto doc = nlohmann::json::parse(in);
  EXPECT_EQ(doc.at("schema"), "bench.stimulus/1");
  EXPECT_EQ(doc.at("kind"), "sweep");
  EXPECT_EQ(doc.at("channels"), 2);
}

INSTANTIATE_TEST_SUITE_P(Specs, SidecarRoundTrip,
                         ::testing::Values(SweepCase{20, 20000, 10, 48000, -6, 0.02},
                                           SweepCase{10, 24000, 3.3, 48000, -12.5, 0},
                                           SweepCase{31.7, 16000.3, 1.234567, 44100, -0.1, 0.1},
                                           SweepCase{100, 40000, 0.5, 96000, 0, 0.01}));

TEST(Sidecar, MissingFileReadsAsNoSidecar) {
  EXPECT_FALSE(bench::io::read_sweep_sidecar(scratch_dir() / "none.wav.json").has_value());
}

nlohmann::json good_sidecar() {
  return bench::io::sweep_sidecar(bench::stimulus::make_sweep_spec(20, 20000, 1, 48000, -6, 0.02), 1);
}

struct BadSidecar {
  const char* name;
  std::string text;
  std::vector<std::string> needles;  ///< besides the file name
};

std::ostream& operator<<(std::ostream& os, const BadSidecar& c) {
  return os << c.name;
}

class SidecarMalformed : public ::testing::TestWithParam<BadSidecar> {};

TEST_P(SidecarMalformed, ThrowsInputErrorNamingFileAndKey) {
  const fs::path path = scratch_dir() / "s.wav.json";
  std::ofstream(path) << GetParam().text;
  std::vector<std::string> needles = GetParam().needles;
  needles.push_back(path.string());
  expect_input_error([&] { (void)bench::io::read_sweep_sidecar(path); }, needles);
}

std::string without(const char* key) {
  auto j = good_sidecar();
  j.erase(key);
  return j.dump();
}
std::string with(const char* key, const nlohmann::json& v) {
  auto j = good_sidecar();
  j[key] = v;
  return j.dump();
}

INSTANTIATE_TEST_SUITE_P(
    Cases, SidecarMalformed,
    ::testing::Values(BadSidecar{"truncated_json", good_sidecar().dump().substr(0, 40), {"JSON"}},
                      BadSidecar{"empty_file", "", {"JSON"}},
                      BadSidecar{"not_json", "f1=20 f2=20000\n", {"JSON"}},
                      BadSidecar{"missing_f1", without("f1_hz"), {"'f1_hz'"}},
                      BadSidecar{"missing_rate_l", without("rate_l_s"), {"'rate_l_s'"}},
                      BadSidecar{"missing_samples", without("samples"), {"'samples'"}},
                      BadSidecar{"f2_is_text", with("f2_hz", "20000"), {"'f2_hz'"}},
                      BadSidecar{"rate_is_null", with("sample_rate_hz", nullptr), {"'sample_rate_hz'"}},
                      BadSidecar{"kind_sine", with("kind", "sine"), {"sweep"}},
                      BadSidecar{"missing_kind", without("kind"), {"sweep"}},
                      BadSidecar{"wrong_schema", with("schema", "bench.stimulus/2"), {"bench.stimulus/1"}},
                      BadSidecar{"schema_is_number", with("schema", 1), {"schema"}},
                      BadSidecar{"kind_is_array", with("kind", nlohmann::json::array()), {"sweep"}},
                      BadSidecar{"top_level_array", "[1, 2, 3]", {}},
                      BadSidecar{"top_level_number", "42", {}}),
    [](const auto& p) { return std::string(p.param.name); });

}  // namespace
