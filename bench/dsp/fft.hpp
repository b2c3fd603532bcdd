#pragma once

#include <complex>
#include <cstddef>

#include "bench/dsp/types.hpp"

namespace bench::dsp {

/// Smallest size >= n whose only prime factors are 2, 3, 5 and 7 (fast for FFTW).
[[nodiscard]] std::size_t good_fft_size(std::size_t n);

/// For n >= kSquareFftMin, the smallest size >= n of the form 2 s^2 with s 7-smooth (a few percent above
/// good_fft_size(n)); below that, good_fft_size(n). Sizes 2 s^2 from kSquareFftMin on are transformed as
/// an s x s matrix (see fft.cpp): planned in milliseconds with tables of O(s) instead of FFTW's O(n)
/// twiddles (for 4.1 M points: 8 ms and 4 MB against 110 ms and 39 MB), executing as fast.
[[nodiscard]] std::size_t good_large_fft_size(std::size_t n);
inline constexpr std::size_t kSquareFftMin = std::size_t{1} << 20;

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

/// Exclusive use of the cached plans and buffer of one size, for long records transformed several times:
/// the caller works on the buffer directly (no result copies, no fresh multi-megabyte allocations and
/// their page faults). real() holds n samples and bins() the n/2+1 bins in the same memory (in place).
/// Holds the size's lock for its lifetime: while it lives, this thread must not call rfft, irfft or
/// fft_filter of the same size. [main thread or worker thread; never the audio thread]
class FftWorkspace {
 public:
  explicit FftWorkspace(std::size_t n);  ///< n >= 1; waits for other users of size n
  ~FftWorkspace();
  FftWorkspace(const FftWorkspace&) = delete;
  FftWorkspace& operator=(const FftWorkspace&) = delete;

  [[nodiscard]] std::size_t size() const noexcept;
  [[nodiscard]] double* real() noexcept;                ///< n samples
  [[nodiscard]] std::complex<double>* bins() noexcept;  ///< n/2+1 bins, the same memory as real()
  /// Copies x into real(), zero-padded (or truncated) to n samples.
  void load(const Eigen::Ref<const Signal>& x);
  /// real() to bins(), X[k] = sum x[i] exp(-2 pi j i k / n), unnormalised.
  void forward();
  /// bins() to real(), unnormalised: n times the inverse transform. The imaginary parts of bins 0 and
  /// n/2 are ignored.
  void inverse();

 private:
  void* plan_ = nullptr;
};

/// A fixed-size real FFT for the audio thread: the constructor plans (under the same lock as every other
/// FFTW planner call) and allocates; forward() and inverse() only execute the plans on the object's own
/// buffers, which FFTW allows from any thread without locking or allocating. One object per thread.
class FixedFft {
 public:
  /// n >= 2. [main thread] Throws std::invalid_argument or std::bad_alloc.
  explicit FixedFft(std::size_t n);
  ~FixedFft();
  FixedFft(const FixedFft&) = delete;
  FixedFft& operator=(const FixedFft&) = delete;
  FixedFft(FixedFft&& other) noexcept;
  FixedFft& operator=(FixedFft&&) = delete;

  [[nodiscard]] std::size_t size() const noexcept { return n_; }

  /// X[k] = sum_i x[i] exp(-2 pi j i k / n) for k = 0..n/2, unnormalised, split into re[] and im[]
  /// (n/2+1 each). [audio thread, real-time safe]
  void forward(const double* x, double* re, double* im) noexcept;

  /// Inverse of forward(), normalised by 1/n; the imaginary parts of bins 0 and n/2 are ignored.
  /// [audio thread, real-time safe]
  void inverse(const double* re, const double* im, double* x) noexcept;

 private:
  std::size_t n_ = 0;
  double* real_ = nullptr;
  void* bins_ = nullptr;     // fftw_complex[n/2+1]
  void* forward_ = nullptr;  // fftw_plan
  void* inverse_ = nullptr;  // fftw_plan
};

/// Number of FFTW plans currently cached (for tests of the cache).
[[nodiscard]] std::size_t cached_plan_count();

}  // namespace bench::dsp
