#pragma once

#include <filesystem>
#include <string>

#include "bench/dsp/types.hpp"

namespace bench::io {

/// Audio read from a file: frames in rows, channels in columns, full scale +-1.
struct Audio {
  dsp::Frames frames;
  double sample_rate_hz = 0;
  std::string format;  ///< e.g. "WAV float32", "WAV PCM24"
};

/// Sample formats the bench writes.
enum class SampleFormat { kFloat32, kFloat64, kPcm24, kPcm16 };

/// Reads any format libsndfile knows. Throws bench::InputError naming the file and the fix when it is
/// missing, unreadable or not audio.
[[nodiscard]] Audio read_audio(const std::filesystem::path& path);

/// Writes a WAV file as write_text_atomic does (atomic_file.hpp: `.partial` beside it, then renamed; a
/// device or FIFO written straight; a symbolic link followed). Samples beyond +-1 are an error for PCM
/// formats (bench::InputError). A write that fails throws as io::throw_write_error says (exit 4 for no
/// space or permission, exit 2 for a path that is wrong), naming the file.
void write_wav(const std::filesystem::path& path, const dsp::Frames& frames, double sample_rate_hz,
               SampleFormat format = SampleFormat::kFloat32);

/// Parses "float32", "float64", "pcm24" or "pcm16"; throws bench::InputError otherwise.
[[nodiscard]] SampleFormat parse_sample_format(const std::string& text);

}  // namespace bench::io
