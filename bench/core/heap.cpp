#include "bench/core/heap.hpp"

#include <cstdint>
#include <cstdlib>

#if defined(__GLIBC__)
#include <malloc.h>
#include <sys/mman.h>
#include <unistd.h>
#endif

namespace bench {

void tune_heap_for_large_buffers() noexcept {
#if defined(__GLIBC__)
  constexpr int kReserve = 1 << 30;  // bytes of heap address space marked for huge pages
  constexpr std::uintptr_t kPage = 4096;
  // No block is mmap'ed on its own (each would fault in afresh and be unmapped on free), freed memory is
  // never returned to the kernel, and the next heap growth reserves kReserve beyond the request.
  if (mallopt(M_MMAP_MAX, 0) == 0 || mallopt(M_TRIM_THRESHOLD, 0x7fffffff) == 0 ||
      mallopt(M_TOP_PAD, kReserve) == 0)
    return;
  void* const before = sbrk(0);
  // Larger than any top chunk left by static initialisation, so the heap grows now, by kReserve.
  void* volatile probe = std::malloc(4u << 20);  // volatile: the compiler may not drop the pair
  void* const after = sbrk(0);
  std::free(probe);
  if (before == reinterpret_cast<void*>(-1) || after == reinterpret_cast<void*>(-1) || after <= before)
    return;
  const auto begin = (reinterpret_cast<std::uintptr_t>(before) + kPage - 1) & ~(kPage - 1);
  const auto end = reinterpret_cast<std::uintptr_t>(after) & ~(kPage - 1);
  if (end > begin) (void)madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
  // Later growth (past the first gigabyte) adds the usual 128 KiB, not another gigabyte.
  (void)mallopt(M_TOP_PAD, 128 * 1024);
#endif
}

}  // namespace bench
