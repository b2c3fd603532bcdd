#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "bench/dsp/types.hpp"

namespace bench::io {

/// Audio read from a file: frames in rows, channels in columns, full scale +-1.
struct Audio {
  dsp::Frames frames;
  double sample_rate_hz = 0;
  std::string format;  ///< e.g. "WAV float32", "WAV PCM24"
};

/// What a file's header says, checked as read_audio checks it (the claimed frames fit in its bytes).
struct AudioInfo {
  std::size_t frames = 0;
  int channels = 0;
  double sample_rate_hz = 0;
  std::string format;
};

/// Sample formats the bench writes.
enum class SampleFormat { kFloat32, kFloat64, kPcm24, kPcm16 };

/// Reads any format libsndfile knows. Throws bench::InputError naming the file and the fix when it is
/// missing, unreadable or not audio.
[[nodiscard]] Audio read_audio(const std::filesystem::path& path);

/// One channel (0-based) of an audio file, decoded block by block without keeping the others; the same
/// errors as read_audio, and std::out_of_range for a channel the file does not have.
[[nodiscard]] dsp::Signal read_audio_channel(const std::filesystem::path& path, int channel);

/// What one streaming pass over a file finds: for each channel the lowest channel identical to it
/// sample for sample (itself when none is), and the first channel holding a NaN or an infinity (-1 if
/// none). The same errors as read_audio.
struct ChannelSurvey {
  std::vector<int> first_equal;
  int non_finite_channel = -1;
};
[[nodiscard]] ChannelSurvey survey_channels(const std::filesystem::path& path);

/// The header of an audio file, without decoding its samples; the same errors as read_audio for a file
/// that is missing, unreadable, empty or claims more frames than it holds.
[[nodiscard]] AudioInfo probe_audio(const std::filesystem::path& path);

/// Writes a WAV file as write_text_atomic does (atomic_file.hpp: `.partial` beside it, then renamed; a
/// device or FIFO written straight; a symbolic link followed). Samples beyond +-1 are an error for PCM
/// formats (bench::InputError). A write that fails throws as io::throw_write_error says (exit 4 for no
/// space or permission, exit 2 for a path that is wrong), naming the file.
void write_wav(const std::filesystem::path& path, const dsp::Frames& frames, double sample_rate_hz,
               SampleFormat format = SampleFormat::kFloat32);

/// The smallest format that holds float32-valued samples exactly: kPcm24 when every sample is one of the
/// codes -2^23 .. 2^23 - 1 over 2^23 (what a 24-bit converter delivers; read back bit for bit), else
/// kFloat32.
[[nodiscard]] SampleFormat lossless_format(const dsp::Frames& frames);

/// Parses "float32", "float64", "pcm24" or "pcm16"; throws bench::InputError otherwise.
[[nodiscard]] SampleFormat parse_sample_format(const std::string& text);

}  // namespace bench::io
