// Google Benchmark cases for the measurement engine (bench::analysis).
//
//   BM_SweepAnalysis_10s_192k_2ch  SweepAnalyzer construction + analyze() of two channels of a 10 s,
//                                  192 kHz sweep capture; target at most 150 ms. Also reports the peak
//                                  resident memory (ru_maxrss) of one such analysis, measured in a
//                                  forked child so earlier work in this process cannot hide it.
//   BM_SineThdN_1M                 analyze_sine on 1,048,576 samples of a non-coherent 997 Hz tone at
//                                  48 kHz with small harmonics and noise; target at most 15 ms.
//   BM_Imd/smpte_1s, ccif_1s        analyze_imd on 1 s of a 48 kHz twin tone (SMPTE, CCIF) through a static
//                                  polynomial with noise, as the imd step reads one; no target (a step's
//                                  read is one FFT of the analysed stretch).
//   BM_SineJointFit/20, /1000      analyze_sine with fit_harmonics (the sine fit, then fundamental, harmonics
//                                  in the 20 kHz band and a cubic trend in one least-squares fit, refined in
//                                  frequency) on one stretch of a stepped tone as THD against frequency
//                                  reads it: 150 ms at 20 Hz (9 harmonics), 50 ms at 1 kHz (19); no target
//                                  (a curve of 31 frequencies reads 31 such stretches per channel).
//   BM_DynamicRange_1s             analyze_dynamic_range on 1 s of a 48 kHz -60 dBFS 997 Hz tone with
//                                  white noise; no target (one sine fit and one FFT).
//
// Targets are reported (label and target_ms counter), not enforced.
#include <benchmark/benchmark.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <numbers>
#include <optional>
#include <random>

#include "bench/analysis/dynamic_range.hpp"
#include "bench/analysis/imd_analysis.hpp"
#include "bench/analysis/sine_analysis.hpp"
#include "bench/analysis/sweep_analysis.hpp"
#include "bench/dsp/types.hpp"
#include "bench/signal/sweep.hpp"
#include "bench/signal/tone.hpp"

namespace {

using bench::dsp::kPi;
using bench::dsp::Signal;

constexpr double kSweepTargetMs = 150;
constexpr double kSineTargetMs = 15;

// --- sweep ------------------------------------------------------------------------------------------

struct SweepCase {
  bench::stimulus::SweepSpec spec;
  Signal stimulus;
  bench::dsp::Frames capture;  // two channels: stimulus delayed by ~100 samples, plus 0.5 s of tail
  bench::analysis::SweepAnalysisOptions options;
};

const SweepCase& sweep_case() {
  static const SweepCase c = [] {
    SweepCase s;
    s.spec = bench::stimulus::make_sweep_spec(20, 20000, 10, 192000, -6, 0.02);
    s.stimulus = bench::stimulus::generate_sweep(s.spec);
    const auto frames = s.stimulus.size() + static_cast<Eigen::Index>(0.5 * s.spec.sample_rate_hz);
    s.capture = bench::dsp::Frames::Zero(frames, 2);
    std::mt19937_64 rng(1);
    std::normal_distribution<double> noise(0.0, 1e-5);  // about -100 dBFS
    constexpr Eigen::Index kDelay = 100;
    for (Eigen::Index i = 0; i < s.stimulus.size(); ++i) {
      const double v = s.stimulus[i];
      s.capture(i + kDelay, 0) = 0.5 * v + 0.002 * v * v;  // left: -6 dB, a little second harmonic
      s.capture(i + kDelay + 3, 1) = -0.7 * v;             // right: inverted, 3 samples later
    }
    for (Eigen::Index i = 0; i < frames; ++i) s.capture(i, 0) += noise(rng), s.capture(i, 1) += noise(rng);
    s.options.f1_hz = s.spec.f1_hz;
    s.options.f2_hz = s.spec.f2_hz;
    s.options.rate_l_s = s.spec.rate_l_s;
    return s;
  }();
  return c;
}

// Constructs the analyser once and analyses both channels: the work of `bench analyze sweep` minus I/O.
double run_sweep_analysis(const SweepCase& c) {
  const bench::analysis::SweepAnalyzer analyzer(c.stimulus, c.spec.sample_rate_hz,
                                                static_cast<std::size_t>(c.capture.rows()), c.options);
  double latency = 0;
  for (Eigen::Index ch = 0; ch < c.capture.cols(); ++ch) {
    const bench::analysis::SweepResult r = analyzer.analyze(c.capture.col(ch));
    benchmark::DoNotOptimize(r.response.magnitude_db.data());
    latency += r.latency_samples;
  }
  return latency;
}

double maxrss_mib(const rusage& u) {
  return static_cast<double>(u.ru_maxrss) / 1024.0;
}  // KiB on Linux

struct PeakRss {
  double process_mib = 0;  // the child's whole-process peak RSS (inputs, libraries, analysis)
  double growth_mib = 0;   // peak RSS growth across one analysis
};

// One sweep analysis in a forked child, which starts with the parent's current resident set as its
// high-water mark, so ru_maxrss growth there is the analysis's own peak, whatever ran before in this
// process. The child reports through a pipe and leaves with _exit (no stdio flush, no destructors).
std::optional<PeakRss> measure_sweep_peak_rss(const SweepCase& c) {
  std::array<int, 2> fds{};
  if (pipe(fds.data()) != 0) return std::nullopt;
  std::fflush(nullptr);
  const pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]), close(fds[1]);
    return std::nullopt;
  }
  if (pid == 0) {
    close(fds[0]);
    rusage before{}, after{};
    getrusage(RUSAGE_SELF, &before);
    double growth = -1;
    try {
      benchmark::DoNotOptimize(run_sweep_analysis(c));
      getrusage(RUSAGE_SELF, &after);
      growth = maxrss_mib(after) - maxrss_mib(before);
    } catch (...) {
    }
    const bool ok = write(fds[1], &growth, sizeof growth) == static_cast<ssize_t>(sizeof growth);
    _exit(ok && growth >= 0 ? 0 : 1);
  }
  close(fds[1]);
  double growth = -1;
  const bool got = read(fds[0], &growth, sizeof growth) == static_cast<ssize_t>(sizeof growth);
  close(fds[0]);
  int status = 0;
  rusage child{};
  if (wait4(pid, &status, 0, &child) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0 || !got)
    return std::nullopt;
  return PeakRss{maxrss_mib(child), growth};
}

void BM_SweepAnalysis_10s_192k_2ch(benchmark::State& state) {
  const SweepCase& c = sweep_case();
  // Measured once, before this process has planned the FFT sizes, so planning buffers count too.
  static const std::optional<PeakRss> rss = measure_sweep_peak_rss(c);
  if (!rss) {
    state.SkipWithError("peak RSS measurement in a child process failed");
    return;
  }
  // One untimed run first: FFTW plans for these sizes are created and cached, as in a long-lived
  // process; the whole-process cost of the CLI is what benchmarks/compare_numpy.py measures.
  static const double warm_up = run_sweep_analysis(c);
  double latency = warm_up;
  for (auto _ : state) latency = run_sweep_analysis(c);
  state.counters["target_ms"] = kSweepTargetMs;
  state.counters["peak_rss_MiB"] = rss->process_mib;
  state.counters["peak_rss_growth_MiB"] = rss->growth_mib;
  state.counters["latency_sum"] = latency;  // 100 + 103 samples expected
  state.counters["frames"] = static_cast<double>(c.capture.rows());
  state.SetLabel("target <= 150 ms; FFT plans warm; peak RSS of one cold analysis in a forked child");
}
BENCHMARK(BM_SweepAnalysis_10s_192k_2ch)->Unit(benchmark::kMillisecond)->UseRealTime();

// --- sine -------------------------------------------------------------------------------------------

const Signal& sine_capture() {
  static const Signal x = [] {
    constexpr Eigen::Index kSamples = 1 << 20;
    constexpr double kFs = 48000, kF = 997;  // 997 Hz is not coherent with 2^20 samples at 48 kHz
    const double a = std::pow(10.0, -1.0 / 20);
    std::mt19937_64 rng(2);
    std::normal_distribution<double> noise(0.0, 3e-6);  // about -107 dBFS
    Signal s(kSamples);
    for (Eigen::Index i = 0; i < kSamples; ++i) {
      const double t = static_cast<double>(i) / kFs;
      s[i] = a * std::sin(2 * kPi * kF * t + 0.3) + a * 1e-5 * std::sin(2 * 2 * kPi * kF * t)  // H2 -100 dB
             + a * 3e-6 * std::sin(3 * 2 * kPi * kF * t + 1.0)                                 // H3 -110 dB
             + 1e-4 + noise(rng);
    }
    return s;
  }();
  return x;
}

void BM_SineThdN_1M(benchmark::State& state) {
  const Signal& x = sine_capture();
  bench::analysis::SineAnalysisOptions o;
  o.frequency_hz = 997;
  static const double warm_up = bench::analysis::analyze_sine(x, 48000, o).thd_n_db;  // FFT plans cached
  double thd_n_db = warm_up;
  for (auto _ : state) {
    const bench::analysis::SineResult r = bench::analysis::analyze_sine(x, 48000, o);
    benchmark::DoNotOptimize(r.harmonics.data());
    thd_n_db = r.thd_n_db;
  }
  state.counters["target_ms"] = kSineTargetMs;
  state.counters["thd_n_db"] = thd_n_db;
  state.SetLabel("target <= 15 ms");
}
BENCHMARK(BM_SineThdN_1M)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_SineJointFit(benchmark::State& state) {
  const double f = static_cast<double>(state.range(0));
  const auto n = static_cast<Eigen::Index>(std::max(0.05, 3 / f) * 48000);
  Signal x(n);
  std::mt19937 rng(11);
  std::normal_distribution<double> noise(0, 1e-5);
  for (Eigen::Index i = 0; i < n; ++i) {
    const double th = 2 * kPi * f * static_cast<double>(i) / 48000 + 0.3;
    x[i] = 0.5 * std::sin(th) + 5e-5 * std::sin(2 * th) + 2e-5 * std::sin(3 * th + 1) + noise(rng);
  }
  bench::analysis::SineAnalysisOptions o;
  o.frequency_hz = f;
  o.fit_harmonics = true;
  double thd_db = 0;
  for (auto _ : state) {
    const bench::analysis::SineResult r = bench::analysis::analyze_sine(x, 48000, o);
    benchmark::DoNotOptimize(r.harmonics.data());
    thd_db = r.thd_db;
  }
  state.counters["thd_db"] = thd_db;
  state.counters["samples"] = static_cast<double>(n);
}
BENCHMARK(BM_SineJointFit)->Arg(20)->Arg(1000)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_Imd(benchmark::State& state, bench::dsp::ImdStandard standard) {
  const auto spec =
      bench::stimulus::make_twin_tone_spec(standard, bench::dsp::imd_defaults(standard), -6, 1, 48000);
  Signal x = bench::stimulus::generate_twin_tone(spec);
  std::mt19937_64 rng(3);
  std::normal_distribution<double> noise(0, 1e-6);
  for (auto& v : x) v = v + 1e-3 * v * v + 1e-3 * v * v * v + noise(rng);
  bench::analysis::ImdAnalysisOptions o;
  o.standard = standard;
  double imd_db = bench::analysis::analyze_imd(x, 48000, o).imd_db;  // FFT plans cached
  for (auto _ : state) {
    const bench::analysis::ImdResult r = bench::analysis::analyze_imd(x, 48000, o);
    benchmark::DoNotOptimize(r.products.data());
    imd_db = r.imd_db;
  }
  state.counters["imd_db"] = imd_db;
}
BENCHMARK_CAPTURE(BM_Imd, smpte_1s, bench::dsp::ImdStandard::kSmpte)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_Imd, ccif_1s, bench::dsp::ImdStandard::kCcif)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

void BM_DynamicRange_1s(benchmark::State& state) {
  const double fs = 48000;
  Signal x(48000);
  std::mt19937_64 rng(4);
  std::normal_distribution<double> noise(0, 1e-6);
  for (Eigen::Index i = 0; i < x.size(); ++i)
    x[i] = 1e-3 * std::sin(2 * std::numbers::pi * 997 * static_cast<double>(i) / fs) + noise(rng);
  double dr_a = bench::analysis::analyze_dynamic_range(x, fs, {}).dynamic_range_db_a;  // FFT plans cached
  for (auto _ : state) {
    const bench::analysis::DynamicRangeResult r = bench::analysis::analyze_dynamic_range(x, fs, {});
    benchmark::DoNotOptimize(r.residual_dbfs);
    dr_a = r.dynamic_range_db_a;
  }
  state.counters["dynamic_range_db_a"] = dr_a;
}
BENCHMARK(BM_DynamicRange_1s)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

#include "tuned_main.hpp"
