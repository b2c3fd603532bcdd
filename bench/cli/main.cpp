#include "bench/cli/app.hpp"
#include "bench/core/heap.hpp"

int main(int argc, char** argv) {
  bench::tune_heap_for_large_buffers();
  return bench::cli::run(argc, argv);
}
