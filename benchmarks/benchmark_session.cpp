// Google Benchmark case for the simulated bench session (issue: the whole demo session, simulated at
// 48 kHz, costs at most 5 % of the stimulus time it represents).
//
//   BM_DemoSession  Sequencer::run() of profiles/plans/demo.toml through the Sim endpoint, writing its
//                   captures to a scratch directory. Counters: stimulus_s (audio time played, summed over
//                   every take), cost_percent (wall time / stimulus time), target 5 %.
//   BM_GaussianNoise  GaussianNoise::next() (the simulator's white noise, bench/sim/noise.hpp), 2^20
//                   samples per iteration. Counter: per_sample (time per sample).
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>

#include "bench/plan/load.hpp"
#include "bench/session/sequencer.hpp"
#include "bench/session/sim_endpoint.hpp"
#include "bench/sim/noise.hpp"

namespace {

// Counts the audio the session plays, to express its cost as a fraction of real time.
class CountingEndpoint final : public bench::session::Endpoint {
 public:
  explicit CountingEndpoint(bench::session::Endpoint& inner) : inner_(inner) {}
  [[nodiscard]] std::string describe() const override { return inner_.describe(); }
  void configure(const bench::plan::Fixture& f, const bench::plan::Load& l) override {
    inner_.configure(f, l);
  }
  [[nodiscard]] bench::dsp::Frames play_and_record(const bench::dsp::Frames& stimulus) override {
    frames_ += static_cast<double>(stimulus.rows());
    return inner_.play_and_record(stimulus);
  }
  double frames_ = 0;

 private:
  bench::session::Endpoint& inner_;
};

void BM_DemoSession(benchmark::State& state) {
  const std::filesystem::path root = std::filesystem::path(__FILE__).parent_path().parent_path();
  const bench::plan::Plan plan = bench::plan::load_plan(root / "profiles" / "plans" / "demo.toml");
  const std::filesystem::path scratch = std::filesystem::temp_directory_path() / "bench-benchmark-session";
  double stimulus_s = 0, wall_s = 0;
  for (auto _ : state) {
    std::filesystem::remove_all(scratch);
    bench::session::SimEndpoint sim(plan, 1);
    CountingEndpoint endpoint(sim);
    bench::session::RunOptions options;
    options.run_dir = scratch;
    const auto t0 = std::chrono::steady_clock::now();
    auto result = bench::session::Sequencer(plan, endpoint, options).run();
    wall_s += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    benchmark::DoNotOptimize(result);
    stimulus_s += endpoint.frames_ / plan.settings.sample_rate_hz;
  }
  std::filesystem::remove_all(scratch);
  state.counters["stimulus_s"] = stimulus_s / static_cast<double>(state.iterations());
  state.counters["cost_percent"] = 100.0 * wall_s / stimulus_s;
  state.counters["target_percent"] = 5.0;
  state.SetLabel("target <= 5 % of the stimulus time (>= 20x real time)");
}
BENCHMARK(BM_DemoSession)
    ->Unit(benchmark::kSecond)
    ->UseRealTime()
    ->Iterations(1);  // one session is 6 s; use --benchmark_repetitions for spread

void BM_GaussianNoise(benchmark::State& state) {
  constexpr int kSamples = 1 << 20;
  bench::sim::GaussianNoise noise(1.0, bench::sim::stream_seed(1, bench::sim::kAdcNoiseStage, 0));
  for (auto _ : state) {
    double sum = 0;
    for (int i = 0; i < kSamples; ++i) sum += noise.next();
    benchmark::DoNotOptimize(sum);
  }
  const double samples = static_cast<double>(state.iterations()) * kSamples;
  state.SetItemsProcessed(static_cast<std::int64_t>(samples));
  // Inverted rate: seconds per sample, printed with its SI prefix (e.g. 15.2ns).
  state.counters["per_sample"] =
      benchmark::Counter(samples, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_GaussianNoise)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

#include "tuned_main.hpp"
