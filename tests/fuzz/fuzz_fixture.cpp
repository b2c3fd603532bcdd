// Fuzz target: a cable configuration (bench::plan::load_fixture), in the scratch root's fixtures/.

#include <cstddef>
#include <cstdint>

#include "bench/plan/load.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::filesystem::path file = bench::fuzz::scratch_root() / "fixtures" / "fuzz.toml";
  bench::fuzz::write_input(file, data, size);
  (void)bench::fuzz::parses("bench::plan::load_fixture", [&] { (void)bench::plan::load_fixture(file); });
  return 0;
}
