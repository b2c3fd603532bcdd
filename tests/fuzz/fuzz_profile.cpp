// Fuzz target: an interface, amp, ADC or load profile (bench::plan::load_interface, load_amp, load_adc,
// load_load; each loader gets every input). The file lies in the scratch root's profiles/loads/, so a
// headphone's impedance_file reaches the repository's .zma curves.

#include <cstddef>
#include <cstdint>

#include "bench/plan/load.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::filesystem::path file = bench::fuzz::scratch_root() / "profiles" / "loads" / "fuzz.toml";
  bench::fuzz::write_input(file, data, size);
  (void)bench::fuzz::parses("bench::plan::load_interface", [&] { (void)bench::plan::load_interface(file); });
  (void)bench::fuzz::parses("bench::plan::load_amp", [&] { (void)bench::plan::load_amp(file); });
  (void)bench::fuzz::parses("bench::plan::load_adc", [&] { (void)bench::plan::load_adc(file); });
  (void)bench::fuzz::parses("bench::plan::load_load", [&] { (void)bench::plan::load_load(file); });
  return 0;
}
