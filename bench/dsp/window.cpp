#include "bench/dsp/window.hpp"

#include <array>
#include <map>
#include <mutex>

namespace bench::dsp {
namespace {

template <std::size_t K>
Signal cosine_sum(std::size_t n, const std::array<double, K>& a) {
  Signal w(static_cast<Eigen::Index>(n));
  for (std::size_t i = 0; i < n; ++i) {
    const double phase = 2.0 * kPi * static_cast<double>(i) / static_cast<double>(n);
    double v = 0.0;
    double sign = 1.0;
    for (std::size_t k = 0; k < K; ++k, sign = -sign)
      v += sign * a[k] * std::cos(static_cast<double>(k) * phase);
    w[static_cast<Eigen::Index>(i)] = v;
  }
  return w;
}

// Cosines per point cost more than the FFT that follows; analyses reuse a few sizes, so the windows
// are kept, the last eight sizes of each kind.
template <std::size_t K>
std::shared_ptr<const Signal> cached_cosine_sum(std::size_t n, const std::array<double, K>& a) {
  static std::mutex mutex;
  static std::map<std::size_t, std::shared_ptr<const Signal>> cache;
  const std::lock_guard lock(mutex);
  auto it = cache.find(n);
  if (it == cache.end()) {
    if (cache.size() >= 8) cache.erase(cache.begin());
    it = cache.emplace(n, std::make_shared<const Signal>(cosine_sum<K>(n, a))).first;
  }
  return it->second;
}

constexpr std::array<double, 7> kBlackmanHarris7 = {0.27105140069342, 0.43329793923448, 0.21812299954311,
                                                    0.06592544638803, 0.01081174209837, 0.00077658482522,
                                                    0.00001388721735};

}  // namespace

Signal hann(std::size_t n) {
  return *cached_cosine_sum<2>(n, {0.5, 0.5});
}

Signal blackman_harris7(std::size_t n) {
  return *shared_blackman_harris7(n);
}

std::shared_ptr<const Signal> shared_blackman_harris7(std::size_t n) {
  return cached_cosine_sum<7>(n, kBlackmanHarris7);
}

Signal tukey(std::size_t n, std::size_t rise, std::size_t fall) {
  Signal w = Signal::Ones(static_cast<Eigen::Index>(n));
  for (std::size_t i = 0; i < rise && i < n; ++i)
    w[static_cast<Eigen::Index>(i)] =
        0.5 - 0.5 * std::cos(kPi * (static_cast<double>(i) + 0.5) / static_cast<double>(rise));
  for (std::size_t i = 0; i < fall && i < n; ++i)
    w[static_cast<Eigen::Index>(n - 1 - i)] *=
        0.5 - 0.5 * std::cos(kPi * (static_cast<double>(i) + 0.5) / static_cast<double>(fall));
  return w;
}

double enbw_bins(const Eigen::Ref<const Signal>& w) {
  const double s = w.sum();
  return static_cast<double>(w.size()) * w.squaredNorm() / (s * s);
}

}  // namespace bench::dsp
