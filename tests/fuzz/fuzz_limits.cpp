// Fuzz target: a limit set (bench::plan::load_limits), in the scratch root's profiles/limits/.

#include <cstddef>
#include <cstdint>

#include "bench/plan/load.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::filesystem::path file = bench::fuzz::scratch_root() / "profiles" / "limits" / "fuzz.toml";
  bench::fuzz::write_input(file, data, size);
  (void)bench::fuzz::parses("bench::plan::load_limits", [&] { (void)bench::plan::load_limits(file); });
  return 0;
}
