#pragma once

#include <cstddef>
#include <memory>

#include "bench/dsp/types.hpp"

namespace bench::dsp {

/// Periodic Hann window of n points.
[[nodiscard]] Signal hann(std::size_t n);

/// Periodic 7-term Blackman-Harris window (H. H. Albrecht, 2001): sidelobes below -180 dB, main lobe
/// +-7 bins. Used where tones far above the noise must not leak into it.
[[nodiscard]] Signal blackman_harris7(std::size_t n);

/// The same window, shared from the cache without copying it (a 2^20-point window is 8 MiB).
[[nodiscard]] std::shared_ptr<const Signal> shared_blackman_harris7(std::size_t n);

/// Flat window of n points whose first `rise` and last `fall` points are half-cosine tapers.
[[nodiscard]] Signal tukey(std::size_t n, std::size_t rise, std::size_t fall);

/// Equivalent noise bandwidth of a window in bins: n * sum(w^2) / (sum w)^2.
[[nodiscard]] double enbw_bins(const Eigen::Ref<const Signal>& w);

}  // namespace bench::dsp
