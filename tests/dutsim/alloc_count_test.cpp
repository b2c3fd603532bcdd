// Counts every allocation through the global operator new of dutsim_tests, so a test can check that
// Processor::process() allocates nothing. In its own translation unit so GCC does not inline the
// replaced operators into the tests' containers (it then warns of a new/free mismatch). AddressSanitizer
// replaces operator new itself, so the sanitizer build leaves this out, as tests/sim/chain_test.cpp does.
#ifndef __SANITIZE_ADDRESS__
#include <atomic>
#include <cstdlib>
#include <new>

namespace {
std::atomic<long> g_allocations{0};
}  // namespace

long allocations_so_far() noexcept {
  return g_allocations.load();
}

void* operator new(std::size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}
#endif
