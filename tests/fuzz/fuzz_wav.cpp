// Fuzz target: an audio file (bench::io::read_audio: WAV, and whatever else libsndfile recognises).

#include <cstddef>
#include <cstdint>

#include "bench/io/wav.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::filesystem::path file = bench::fuzz::scratch_root() / "fuzz.wav";
  bench::fuzz::write_input(file, data, size);
  (void)bench::fuzz::parses("bench::io::read_audio", [&] { (void)bench::io::read_audio(file); });
  return 0;
}
