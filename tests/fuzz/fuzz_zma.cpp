// Fuzz target: an impedance curve in .zma text (bench::plan::read_zma).

#include <cstddef>
#include <cstdint>

#include "bench/plan/load.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::filesystem::path file = bench::fuzz::scratch_root() / "fuzz.zma";
  bench::fuzz::write_input(file, data, size);
  (void)bench::fuzz::parses("bench::plan::read_zma", [&] { (void)bench::plan::read_zma(file); });
  return 0;
}
