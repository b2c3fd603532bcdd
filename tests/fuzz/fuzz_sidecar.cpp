// Fuzz target: a stimulus's JSON sidecar (bench::io::read_sweep_sidecar, "<wav>.json").

#include <cstddef>
#include <cstdint>

#include "bench/io/sidecar.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::filesystem::path file = bench::fuzz::scratch_root() / "fuzz.wav.json";
  bench::fuzz::write_input(file, data, size);
  (void)bench::fuzz::parses("bench::io::read_sweep_sidecar",
                            [&] { (void)bench::io::read_sweep_sidecar(file); });
  return 0;
}
