#pragma once

#include <cstddef>

#include "bench/dsp/types.hpp"

namespace bench::dsp {

/// Smallest size >= n whose only prime factors are 2, 3, 5 and 7 (fast for FFTW).
[[nodiscard]] std::size_t good_fft_size(std::size_t n);

/// Real-to-complex FFT of x zero-padded (or truncated) to n points; returns n/2+1 bins, unnormalised
/// (X[k] = sum x[i] exp(-2 pi j i k / n)). Plans are created once per size and cached; thread-safe.
/// [main thread or worker thread; never the audio thread: may allocate]
[[nodiscard]] Spectrum rfft(const Eigen::Ref<const Signal>& x, std::size_t n);

/// Inverse of rfft: n/2+1 bins to n real samples, normalised so irfft(rfft(x, n), n) == x.
[[nodiscard]] Signal irfft(const Eigen::Ref<const Spectrum>& bins, std::size_t n);

/// Circular filtering in one pass: irfft(rfft(x, n) .* response, n), where response holds n/2+1 bins.
/// Works in the cached plans' own buffers, so the only allocation is the result; for the multi-million
/// point deconvolutions this saves two spectrum-sized copies and their page faults.
[[nodiscard]] Signal fft_filter(const Eigen::Ref<const Signal>& x, const Eigen::Ref<const Spectrum>& response,
                                std::size_t n);

/// Number of FFTW plans currently cached (for tests of the cache).
[[nodiscard]] std::size_t cached_plan_count();

}  // namespace bench::dsp
