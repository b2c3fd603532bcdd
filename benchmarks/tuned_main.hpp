#pragma once
// The main() of the Google Benchmark programs: the bench's own main() tunes the heap first
// (bench/core/heap.hpp), and the figures here are for the same process setup.
#include <benchmark/benchmark.h>

#include "bench/core/heap.hpp"

int main(int argc, char** argv) {
  bench::tune_heap_for_large_buffers();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
