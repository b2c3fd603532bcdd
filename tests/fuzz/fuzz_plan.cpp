// Fuzz target: a plan file (bench::plan::load_plan) in a scratch copy of the repository's profiles/ and
// fixtures/, so that a mutated plan reaches the profiles, fixtures, loads and limits it names and the
// cross-validation of all of them; then select_steps (bench run --step) with each step alone and all.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "bench/plan/load.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::filesystem::path file = bench::fuzz::scratch_root() / "profiles" / "plans" / "fuzz.toml";
  bench::fuzz::write_input(file, data, size);
  bench::plan::Plan plan;
  if (!bench::fuzz::parses("bench::plan::load_plan",
                           [&] { plan = bench::plan::load_plan(file, bench::fuzz::scratch_root()); }))
    return 0;
  std::vector<std::string> ids;
  for (const auto& step : plan.steps) ids.push_back(step.id);
  for (const std::string& id : ids) {
    bench::plan::Plan one = plan;
    (void)bench::fuzz::parses("bench::plan::select_steps", [&] { bench::plan::select_steps(one, {id}); });
  }
  (void)bench::fuzz::parses("bench::plan::select_steps", [&] { bench::plan::select_steps(plan, ids); });
  return 0;
}
