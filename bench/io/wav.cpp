#include "bench/io/wav.hpp"

#include <sndfile.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <string_view>
#include <system_error>
#include <vector>

#include "bench/core/error.hpp"
#include "bench/io/atomic_file.hpp"

namespace bench::io {
namespace {

std::string describe(int format) {
  const int major = format & SF_FORMAT_TYPEMASK;
  const int sub = format & SF_FORMAT_SUBMASK;
  std::string container = major == SF_FORMAT_WAV     ? "WAV"
                          : major == SF_FORMAT_WAVEX ? "WAVEX"
                          : major == SF_FORMAT_RF64  ? "RF64"
                          : major == SF_FORMAT_FLAC  ? "FLAC"
                          : major == SF_FORMAT_AIFF  ? "AIFF"
                                                     : "audio";
  const char* s = sub == SF_FORMAT_FLOAT    ? "float32"
                  : sub == SF_FORMAT_DOUBLE ? "float64"
                  : sub == SF_FORMAT_PCM_24 ? "PCM24"
                  : sub == SF_FORMAT_PCM_16 ? "PCM16"
                  : sub == SF_FORMAT_PCM_32 ? "PCM32"
                                            : "other";
  return container + " " + s;
}

// A growable in-memory file for libsndfile's virtual I/O: the WAV is encoded here, then written out.
struct MemoryFile {
  std::vector<char> bytes;
  sf_count_t at = 0;
};

MemoryFile& mem_of(void* user) {
  return *static_cast<MemoryFile*>(user);
}

SF_VIRTUAL_IO memory_io() {
  SF_VIRTUAL_IO io{};
  io.get_filelen = [](void* u) -> sf_count_t { return static_cast<sf_count_t>(mem_of(u).bytes.size()); };
  io.seek = [](sf_count_t offset, int whence, void* u) -> sf_count_t {
    MemoryFile& m = mem_of(u);
    const sf_count_t base = whence == SEEK_CUR   ? m.at
                            : whence == SEEK_END ? static_cast<sf_count_t>(m.bytes.size())
                                                 : 0;
    m.at = std::max<sf_count_t>(0, base + offset);
    return m.at;
  };
  io.read = [](void* ptr, sf_count_t count, void* u) -> sf_count_t {
    MemoryFile& m = mem_of(u);
    const sf_count_t size = static_cast<sf_count_t>(m.bytes.size());
    const sf_count_t n = std::clamp<sf_count_t>(size - m.at, 0, count);
    if (n > 0) std::memcpy(ptr, m.bytes.data() + m.at, static_cast<std::size_t>(n));
    m.at += n;
    return n;
  };
  io.write = [](const void* ptr, sf_count_t count, void* u) -> sf_count_t {
    MemoryFile& m = mem_of(u);
    const auto end = static_cast<std::size_t>(m.at + count);
    if (end > m.bytes.size()) m.bytes.resize(end);
    std::memcpy(m.bytes.data() + m.at, ptr, static_cast<std::size_t>(count));
    m.at += count;
    return count;
  };
  io.tell = [](void* u) -> sf_count_t { return mem_of(u).at; };
  return io;
}

// The most frames a file of `bytes` bytes can hold in this format, or 0 when the format gives no bound
// (a codec with no floor on the bytes per frame). Uncompressed samples take their width; a FLAC frame
// holds at most 65535 samples per channel and costs at least 8 bytes (sync, header, CRC-8, one subframe
// header, CRC-16) even when every channel is a constant.
std::uint64_t frames_that_fit(std::uint64_t bytes, int format, int channels) {
  const int major = format & SF_FORMAT_TYPEMASK;
  const int sub = format & SF_FORMAT_SUBMASK;
  const auto ch = static_cast<std::uint64_t>(channels);
  if (major == SF_FORMAT_FLAC) return bytes / 8 * 65535 + 65535;
  std::uint64_t bits = 0;  // per sample
  switch (sub) {
    case SF_FORMAT_PCM_S8:
    case SF_FORMAT_PCM_U8:
    case SF_FORMAT_ULAW:
    case SF_FORMAT_ALAW:
      bits = 8;
      break;
    case SF_FORMAT_PCM_16:
      bits = 16;
      break;
    case SF_FORMAT_PCM_24:
      bits = 24;
      break;
    case SF_FORMAT_PCM_32:
    case SF_FORMAT_FLOAT:
      bits = 32;
      break;
    case SF_FORMAT_DOUBLE:
      bits = 64;
      break;
    case SF_FORMAT_IMA_ADPCM:
    case SF_FORMAT_MS_ADPCM:
      bits = 4;
      break;
    default:
      return 0;
  }
  return bytes * 8 / (bits * ch) + 1;
}

}  // namespace

namespace {

// An open file whose header is checked: the claimed frames fit in the file's bytes.
struct OpenFile {
  SNDFILE* file = nullptr;
  SF_INFO info{};
  bool bounded = false;  // uncompressed: the claimed frames were held to what the file's bytes hold
  OpenFile() = default;
  OpenFile(const OpenFile&) = delete;
  OpenFile& operator=(const OpenFile&) = delete;
  ~OpenFile() {
    if (file != nullptr) sf_close(file);
  }
};

void open_checked(const std::filesystem::path& path, OpenFile& f) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) throw InputError(path.string() + ": no such file: check the path");
  if (std::filesystem::is_directory(path, ec))
    throw InputError(path.string() + ": is a directory, not an audio file");
  f.file = sf_open(path.c_str(), SFM_READ, &f.info);
  if (f.file == nullptr)
    throw InputError(path.string() + ": not a readable audio file (" + sf_strerror(nullptr) +
                     "): give a WAV file");
  if (f.info.frames <= 0 || f.info.channels <= 0)
    throw InputError(path.string() + ": holds no audio frames: record again");
  // A header is only a claim: memory is sized by what the file can hold and what is really decoded, so
  // a damaged or hostile header costs neither gigabytes nor a bad_alloc.
  const std::uint64_t bytes = std::filesystem::file_size(path, ec);
  const auto claimed = static_cast<std::uint64_t>(f.info.frames);
  const std::uint64_t fit = ec ? 0 : frames_that_fit(bytes, f.info.format, f.info.channels);
  if (fit > 0 && claimed > fit)
    throw InputError(path.string() + ": the header claims " + std::to_string(claimed) +
                     " frames, more than its " + std::to_string(bytes) + " bytes can hold (at most " +
                     std::to_string(fit) + " frames): the file is damaged; copy or export it again");
  f.bounded = fit > 0 && (f.info.format & SF_FORMAT_TYPEMASK) != SF_FORMAT_FLAC;
}

}  // namespace

AudioInfo probe_audio(const std::filesystem::path& path) {
  OpenFile f;
  open_checked(path, f);
  AudioInfo i;
  i.frames = static_cast<std::size_t>(f.info.frames);
  i.channels = f.info.channels;
  i.sample_rate_hz = f.info.samplerate;
  i.format = describe(f.info.format);
  return i;
}

namespace {

// Calls each(block, first, rows) for every decoded block of interleaved frames (first: the index of
// its first frame); throws as read_audio does when the file holds fewer frames than its header claims.
// libsndfile reads float files as they are (no normalisation needed) and scales PCM to +-1.
template <typename F>
void for_each_block(const std::filesystem::path& path, OpenFile& f, F&& each) {
  sf_command(f.file, SFC_SET_SCALE_FLOAT_INT_READ, nullptr, SF_TRUE);
  const auto channels = static_cast<std::size_t>(f.info.channels);
  const auto claimed = static_cast<std::uint64_t>(f.info.frames);
  constexpr sf_count_t kBlockFrames = 16384;
  std::vector<double> block(static_cast<std::size_t>(kBlockFrames) * channels);
  std::uint64_t got = 0;
  while (got < claimed) {
    const sf_count_t want = std::min<sf_count_t>(kBlockFrames, static_cast<sf_count_t>(claimed - got));
    const sf_count_t read = sf_readf_double(f.file, block.data(), want);
    if (read <= 0) break;
    each(block.data(), got, static_cast<std::size_t>(read));
    got += static_cast<std::uint64_t>(read);
  }
  if (got != claimed)
    throw InputError(path.string() + ": truncated or damaged (the header claims " + std::to_string(claimed) +
                     " frames, the file holds " + std::to_string(got) + "): copy the file again");
}

}  // namespace

Audio read_audio(const std::filesystem::path& path) {
  OpenFile f;
  open_checked(path, f);
  const auto channels = static_cast<std::size_t>(f.info.channels);
  const auto claimed = static_cast<std::uint64_t>(f.info.frames);
  // Uncompressed, the header's frame count is held to the file's size: decoded block by block straight
  // into the matrix (frames in rows), with no interleaved copy of the whole file. A compressed file's
  // header bounds nothing useful (a FLAC byte can claim 8191 frames): the matrix then grows with what
  // is really decoded.
  Audio a;
  a.sample_rate_hz = f.info.samplerate;
  a.format = describe(f.info.format);
  const auto capacity = [&](std::uint64_t need) {
    if (static_cast<std::uint64_t>(a.frames.rows()) >= need) return;
    const std::uint64_t rows =
        f.bounded ? claimed
                  : std::min(claimed,
                             std::max<std::uint64_t>(need, 2 * static_cast<std::uint64_t>(a.frames.rows())));
    a.frames.conservativeResize(static_cast<Eigen::Index>(rows), f.info.channels);
  };
  for_each_block(path, f, [&](const double* block, std::uint64_t got, std::size_t rows) {
    capacity(got + rows);
    for (std::size_t c = 0; c < channels; ++c) {
      double* out = a.frames.col(static_cast<Eigen::Index>(c)).data() + got;
      for (std::size_t i = 0; i < rows; ++i) out[i] = block[i * channels + c];
    }
  });
  return a;
}

dsp::Signal read_audio_channel(const std::filesystem::path& path, int channel) {
  OpenFile f;
  open_checked(path, f);
  if (channel < 0 || channel >= f.info.channels)
    throw std::out_of_range(path.string() + ": no channel " + std::to_string(channel));
  const auto channels = static_cast<std::size_t>(f.info.channels);
  const auto c = static_cast<std::size_t>(channel);
  // Sized by the header only when it is held to the file's size (uncompressed), as read_audio does.
  std::vector<double> out;
  if (f.bounded) out.reserve(static_cast<std::size_t>(f.info.frames));
  for_each_block(path, f, [&](const double* block, std::uint64_t, std::size_t rows) {
    for (std::size_t i = 0; i < rows; ++i) out.push_back(block[i * channels + c]);
  });
  return Eigen::Map<const dsp::Signal>(out.data(), static_cast<Eigen::Index>(out.size()));
}

ChannelSurvey survey_channels(const std::filesystem::path& path) {
  OpenFile f;
  open_checked(path, f);
  const int channels = f.info.channels;
  ChannelSurvey s;
  // equal[c * channels + d]: channel c has matched channel d (d < c) so far.
  std::vector<char> equal(static_cast<std::size_t>(channels * channels), 1);
  for_each_block(path, f, [&](const double* block, std::uint64_t, std::size_t rows) {
    for (std::size_t i = 0; i < rows; ++i) {
      const double* frame = block + i * static_cast<std::size_t>(channels);
      for (int c = 0; c < channels; ++c) {
        if (s.non_finite_channel < 0 && !std::isfinite(frame[c])) s.non_finite_channel = c;
        for (int d = 0; d < c; ++d)
          if (frame[c] != frame[d]) equal[static_cast<std::size_t>(c * channels + d)] = 0;
      }
    }
  });
  s.first_equal.resize(static_cast<std::size_t>(channels));
  for (int c = 0; c < channels; ++c) {
    s.first_equal[static_cast<std::size_t>(c)] = c;
    for (int d = 0; d < c; ++d)
      if (equal[static_cast<std::size_t>(c * channels + d)] != 0) {
        s.first_equal[static_cast<std::size_t>(c)] = d;
        break;
      }
  }
  return s;
}

SampleFormat lossless_format(const dsp::Frames& frames) {
  constexpr double kCodes = 8388608.0;  // 2^23
  const double* x = frames.data();
  for (Eigen::Index i = 0; i < frames.size(); ++i) {
    const double q = x[i] * kCodes;
    if (!(q >= -kCodes && q <= kCodes - 1) || q != std::nearbyint(q)) return SampleFormat::kFloat32;
  }
  return SampleFormat::kPcm24;
}

void write_wav(const std::filesystem::path& path, const dsp::Frames& frames, double sample_rate_hz,
               SampleFormat format) {
  const int sub = format == SampleFormat::kFloat32   ? SF_FORMAT_FLOAT
                  : format == SampleFormat::kFloat64 ? SF_FORMAT_DOUBLE
                  : format == SampleFormat::kPcm24   ? SF_FORMAT_PCM_24
                                                     : SF_FORMAT_PCM_16;
  if ((format == SampleFormat::kPcm24 || format == SampleFormat::kPcm16) && frames.size() > 0 &&
      frames.cwiseAbs().maxCoeff() > 1.0)
    throw InputError(path.string() +
                     ": samples beyond full scale cannot be written as PCM: lower the level or use float32");
  SF_INFO info{};
  info.samplerate = static_cast<int>(std::lround(sample_rate_hz));
  info.channels = static_cast<int>(frames.cols());
  // RF64 switches to 64-bit sizes on its own when a file passes 4 GiB; below that it writes plain WAV.
  info.format = SF_FORMAT_WAV | sub;
  // Encoded in memory, then written as every output file is (atomic_file.hpp): a full disk, a device or
  // a symbolic link is handled in one place, with the system's reason in the message.
  MemoryFile mem;
  const std::size_t sample_bytes = format == SampleFormat::kFloat64 ? 8
                                   : format == SampleFormat::kPcm16 ? 2
                                   : format == SampleFormat::kPcm24 ? 3
                                                                    : 4;
  mem.bytes.reserve(static_cast<std::size_t>(frames.size()) * sample_bytes + 4096);  // samples + chunks
  SF_VIRTUAL_IO io = memory_io();
  SNDFILE* f = sf_open_virtual(&io, SFM_WRITE, &info, &mem);
  if (f == nullptr)
    throw InputError(path.string() + ": cannot encode as WAV (" + sf_strerror(nullptr) +
                     "): use another sample rate, channel count or format");
  // libsndfile scales doubles by 2^(b-1) - 1 when writing PCM but by 2^(b-1) when reading, a gain
  // error of one step; write exact integers instead so that PCM round-trips to the nearest step.
  const bool pcm = format == SampleFormat::kPcm24 || format == SampleFormat::kPcm16;
  const double steps = format == SampleFormat::kPcm24 ? 8388608.0 : 32768.0;
  if (pcm) sf_command(f, SFC_SET_NORM_DOUBLE, nullptr, SF_FALSE);
  std::vector<double> interleaved(static_cast<std::size_t>(frames.size()));
  for (Eigen::Index i = 0; i < frames.rows(); ++i)
    for (Eigen::Index c = 0; c < frames.cols(); ++c)
      interleaved[static_cast<std::size_t>(i * frames.cols() + c)] =
          pcm ? std::clamp(std::nearbyint(frames(i, c) * steps), -steps, steps - 1) : frames(i, c);
  const sf_count_t put = sf_writef_double(f, interleaved.data(), frames.rows());
  const int close_err = sf_close(f);
  if (put != frames.rows() || close_err != 0)
    throw InputError(path.string() + ": cannot encode as WAV (" + sf_error_number(close_err) +
                     "): use another sample rate, channel count or format");
  write_text_atomic(path, std::string_view(mem.bytes.data(), mem.bytes.size()));
}

SampleFormat parse_sample_format(const std::string& text) {
  if (text == "float32") return SampleFormat::kFloat32;
  if (text == "float64") return SampleFormat::kFloat64;
  if (text == "pcm24") return SampleFormat::kPcm24;
  if (text == "pcm16") return SampleFormat::kPcm16;
  throw InputError("unknown sample format '" + text + "': use float32, float64, pcm24 or pcm16");
}

}  // namespace bench::io
