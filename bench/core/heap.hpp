#pragma once

namespace bench {

/// Makes the process's large buffers cheap to touch: call once, first thing in main(), before any thread
/// starts.
///
/// An analysis allocates a few buffers of tens of megabytes (a 10 s, 192 kHz capture is 32 MB as
/// doubles, its FFT 31 MB, FFTW's twiddles for that size 37 MB). By default glibc maps each such block
/// afresh and unmaps it on free, so every use faults its pages in again, 4 KiB at a time: 63 000 faults
/// and 0.4 s of system time for `bench analyze sweep` of that capture, more than the arithmetic.
/// After this call every block comes from the heap, freed memory stays in the process for the next
/// block, and the first gigabyte of heap growth is backed by transparent huge pages where the kernel
/// offers them in "madvise" mode (2 MiB per fault). Measured on that capture: 63 000 faults to about
/// 1 000, 1.02 s to 0.34 s whole process, the same peak resident memory.
///
/// Only address space is reserved: memory is still committed page by page as it is touched. Without
/// glibc, or when the kernel refuses, the call changes nothing and the process runs as before.
void tune_heap_for_large_buffers() noexcept;

}  // namespace bench
