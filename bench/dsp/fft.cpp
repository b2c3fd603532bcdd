#include "bench/dsp/fft.hpp"

#include <fftw3.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <utility>
#include <vector>

namespace bench::dsp {
namespace {

// One cached size with its own aligned buffer. Callers copy into the buffer, execute and copy out,
// so a plan never sees foreign alignment and inputs can be zero-padded for free.
// The transforms run in place: one buffer of n/2+1 bins holds the n real samples too, so a filter runs
// r2c, multiply and c2r without copying the spectrum out, and a multi-million point size costs one
// buffer instead of two (in-place plans also execute faster here: 70 ms against 100 ms at 3.95 M).
// Each direction is planned on first use: most sizes are only ever transformed forward.
// A real FFT of n = 2 s^2 points as an s x s matrix, for large n. FFTW's own plan for a multi-million
// point size computes and keeps a twiddle per point (110 ms and 39 MB for 4.1 M points, every process);
// here FFTW only plans batches of s-point transforms, and the twiddles between them come from tables of
// s and 2 s entries (products of two exact table values, rounding near 1e-16).
//
// Forward: the n reals are read as N = s^2 complex z[j] = x[2j] + i x[2j+1]; Z = DFT_N(z) by the four
// steps (Bailey 1990) with j = s j1 + j2, k = k1 + s k2: s-point DFTs down the columns (over j1), the
// twiddle W_N^(j2 k1), s-point DFTs along the rows (over j2), an in-place transpose to natural order.
// Then X[k] = E[k] + W_n^k O[k] with E[k] = (Z[k] + conj Z[N-k]) / 2 and O[k] = -i (Z[k] - conj Z[N-k])
// / 2, for k and N - k together (X[N-k] = conj(E[k] - W_n^k O[k])). Inverse: the same in reverse, with
// 2 Z[k] = (X[k] + conj X[N-k]) + i conj(W_n^k) (X[k] - conj X[N-k]), so that the unnormalised inverse
// DFT_N gives n x as FFTW's c2r does.
class SquareFft {
 public:
  SquareFft(std::size_t s, double* buffer) : s_(s), n_(2 * s * s) {
    const int ns = static_cast<int>(s);
    auto* b = reinterpret_cast<fftw_complex*>(buffer);
    const unsigned flags = FFTW_ESTIMATE | FFTW_DESTROY_INPUT;
    columns_[0] = fftw_plan_many_dft(1, &ns, ns, b, nullptr, ns, 1, b, nullptr, ns, 1, FFTW_FORWARD, flags);
    rows_[0] = fftw_plan_many_dft(1, &ns, ns, b, nullptr, 1, ns, b, nullptr, 1, ns, FFTW_FORWARD, flags);
    columns_[1] = fftw_plan_many_dft(1, &ns, ns, b, nullptr, ns, 1, b, nullptr, ns, 1, FFTW_BACKWARD, flags);
    rows_[1] = fftw_plan_many_dft(1, &ns, ns, b, nullptr, 1, ns, b, nullptr, 1, ns, FFTW_BACKWARD, flags);
    for (fftw_plan p : {columns_[0], rows_[0], columns_[1], rows_[1]})
      if (p == nullptr) throw std::runtime_error("FFTW could not plan an FFT");
    const double tau = 2 * 3.14159265358979323846;
    const auto nn = static_cast<double>(s * s);
    w_s_.resize(2 * s), w_big_.resize(2 * s), w_n_.resize(4 * s);
    for (std::size_t h = 0; h < s; ++h) {
      const double a = -tau * static_cast<double>(h) / static_cast<double>(s);
      const double b2 = -tau * static_cast<double>(h) / nn;
      w_s_[2 * h] = std::cos(a), w_s_[2 * h + 1] = std::sin(a);        // W_s^h
      w_big_[2 * h] = std::cos(b2), w_big_[2 * h + 1] = std::sin(b2);  // W_N^h
    }
    for (std::size_t l = 0; l < 2 * s; ++l) {
      const double a = -tau * static_cast<double>(l) / static_cast<double>(n_);
      w_n_[2 * l] = std::cos(a), w_n_[2 * l + 1] = std::sin(a);  // W_n^l
    }
  }
  SquareFft(const SquareFft&) = delete;
  SquareFft& operator=(const SquareFft&) = delete;
  ~SquareFft() {
    for (fftw_plan p : {columns_[0], rows_[0], columns_[1], rows_[1]})
      if (p != nullptr) fftw_destroy_plan(p);
  }

  void forward(double* v) {
    complex_dft(v, 0);
    const std::size_t nn = s_ * s_;
    v[2 * nn] = v[0], v[2 * nn + 1] = v[1];  // Z[N] = Z[0]
    for_each_pair(v, [](double* zk, double* zm, double wr, double wi, bool) {
      const double kr = zk[0], ki = zk[1], mr = zm[0], mi = zm[1];
      const double er = 0.5 * (kr + mr), ei = 0.5 * (ki - mi);    // E[k]
      const double orr = 0.5 * (ki + mi), oi = -0.5 * (kr - mr);  // O[k]
      const double tr = wr * orr - wi * oi, ti = wr * oi + wi * orr;
      zk[0] = er + tr, zk[1] = ei + ti;
      zm[0] = er - tr, zm[1] = ti - ei;
    });
  }

  void inverse(double* v) {
    const std::size_t nn = s_ * s_;
    v[1] = 0, v[2 * nn + 1] = 0;  // the imaginary parts of bins 0 and n/2 are ignored
    for_each_pair(v, [](double* xk, double* xm, double wr, double wi, bool m_below_n) {
      const double kr = xk[0], ki = xk[1], mr = xm[0], mi = xm[1];
      const double pr = kr + mr, pi = ki - mi;                      // X[k] + conj X[N-k]
      const double qr = kr - mr, qi = ki + mi;                      // X[k] - conj X[N-k]
      const double ur = wi * qr - wr * qi, ui = wr * qr + wi * qi;  // i conj(W_n^k) (X[k] - conj X[N-k])
      xk[0] = pr + ur, xk[1] = pi + ui;
      if (m_below_n) xm[0] = pr - ur, xm[1] = ui - pi;
    });
    complex_dft(v, 1);
  }

 private:
  // Calls f(&v[2k], &v[2m], Re W_n^k, Im W_n^k, m < N) for k = 0..N/2 and m = N - k.
  template <typename F>
  void for_each_pair(double* v, F&& f) const {
    const std::size_t nn = s_ * s_;
    std::size_t hi = 0, lo = 0;  // k = hi * 2s + lo
    for (std::size_t k = 0; k <= nn / 2; ++k, ++lo) {
      if (lo == 2 * s_) lo = 0, ++hi;
      double wr = 0, wi = 0;
      twiddle_n(hi, lo, wr, wi);
      f(v + 2 * k, v + 2 * (nn - k), wr, wi, nn - k < nn);
    }
  }

  // W_n^k for k = hi * 2s + lo: W_s^hi * W_n^lo.
  void twiddle_n(std::size_t hi, std::size_t lo, double& wr, double& wi) const {
    const double ar = w_s_[2 * hi], ai = w_s_[2 * hi + 1], dr = w_n_[2 * lo], di = w_n_[2 * lo + 1];
    wr = ar * dr - ai * di, wi = ar * di + ai * dr;
  }

  // In-place DFT_N of the N complex values at v (direction 0 forward, 1 inverse, unnormalised).
  void complex_dft(double* v, int direction) {
    auto* b = reinterpret_cast<fftw_complex*>(v);
    fftw_execute_dft(columns_[direction], b, b);
    const double sign = direction == 0 ? 1.0 : -1.0;
    for (std::size_t k1 = 1; k1 < s_; ++k1) {
      double* row = v + 2 * k1 * s_;
      std::size_t hi = 0, lo = 0;  // j2 * k1 = hi * s + lo < N
      for (std::size_t j2 = 1; j2 < s_; ++j2) {
        lo += k1;
        if (lo >= s_) lo -= s_, ++hi;
        const double ar = w_s_[2 * hi], ai = w_s_[2 * hi + 1], br = w_big_[2 * lo], bi = w_big_[2 * lo + 1];
        const double wr = ar * br - ai * bi, wi = sign * (ar * bi + ai * br);
        const double zr = row[2 * j2], zi = row[2 * j2 + 1];
        row[2 * j2] = zr * wr - zi * wi, row[2 * j2 + 1] = zr * wi + zi * wr;
      }
    }
    fftw_execute_dft(rows_[direction], b, b);
    transpose(v);
  }

  void transpose(double* v) const {
    constexpr std::size_t kTile = 32;
    auto swap = [v, this](std::size_t i, std::size_t j) {
      std::swap(v[2 * (i * s_ + j)], v[2 * (j * s_ + i)]);
      std::swap(v[2 * (i * s_ + j) + 1], v[2 * (j * s_ + i) + 1]);
    };
    for (std::size_t ib = 0; ib < s_; ib += kTile)
      for (std::size_t jb = ib; jb < s_; jb += kTile) {
        const std::size_t ie = std::min(s_, ib + kTile), je = std::min(s_, jb + kTile);
        for (std::size_t i = ib; i < ie; ++i)
          for (std::size_t j = ib == jb ? i + 1 : jb; j < je; ++j) swap(i, j);
      }
  }

  std::size_t s_, n_;
  fftw_plan columns_[2] = {nullptr, nullptr}, rows_[2] = {nullptr, nullptr};
  std::vector<double> w_s_, w_big_, w_n_;  // W_s^h, W_N^h (h < s), W_n^l (l < 2s), interleaved re, im
};

// s when n = 2 s^2 with n >= kSquareFftMin, else 0.
std::size_t square_side(std::size_t n) {
  if (n < kSquareFftMin || n % 2 != 0) return 0;
  auto s = static_cast<std::size_t>(std::llround(std::sqrt(static_cast<double>(n / 2))));
  return 2 * s * s == n ? s : 0;
}

struct Plan {
  std::size_t n = 0;
  double* real = nullptr;
  fftw_complex* cplx = nullptr;  // the same memory as real
  fftw_plan forward = nullptr;
  fftw_plan inverse = nullptr;
  std::unique_ptr<SquareFft> square;  // for n = 2 s^2 >= kSquareFftMin: both directions
  std::mutex use;                     // one caller at a time per size: the buffer is shared

  explicit Plan(std::size_t size) : n(size) {
    if (n > static_cast<std::size_t>(std::numeric_limits<int>::max() - 2))
      throw std::invalid_argument("FFT size too large");
    real = fftw_alloc_real(2 * (n / 2 + 1));
    if (real == nullptr) throw std::bad_alloc();
    cplx = reinterpret_cast<fftw_complex*>(real);
  }
  Plan(const Plan&) = delete;
  Plan& operator=(const Plan&) = delete;
  ~Plan() {
    if (forward != nullptr) fftw_destroy_plan(forward);
    if (inverse != nullptr) fftw_destroy_plan(inverse);
    fftw_free(real);
  }

  // [holding `use`] ESTIMATE: planning a multi-million-point MEASURE plan costs minutes, more than it
  // saves here. ESTIMATE planning leaves the buffer's contents alone.
  void run_forward();
  void run_inverse();
  SquareFft*
  square_fft();  // the matrix transform for n = 2 s^2 >= kSquareFftMin (made on first use), else null

  void load_real(const Eigen::Ref<const Signal>& x) {
    const std::size_t copy = std::min<std::size_t>(n, static_cast<std::size_t>(x.size()));
    std::memcpy(real, x.data(), copy * sizeof(double));
    std::fill(real + copy, real + n, 0.0);
  }
  Signal scaled_real() const {
    Signal out(static_cast<Eigen::Index>(n));
    const double scale = 1.0 / static_cast<double>(n);
    for (std::size_t i = 0; i < n; ++i) out[static_cast<Eigen::Index>(i)] = real[i] * scale;
    return out;
  }
};

std::mutex g_cache_mutex;  // FFTW's planner is not thread-safe; it also guards the map

std::map<std::size_t, std::unique_ptr<Plan>>& cache() {
  static std::map<std::size_t, std::unique_ptr<Plan>> plans;
  return plans;
}

Plan& plan_for(std::size_t n) {
  const std::lock_guard lock(g_cache_mutex);
  auto& slot = cache()[n];
  if (!slot) slot = std::make_unique<Plan>(n);
  return *slot;
}

SquareFft* Plan::square_fft() {
  const std::size_t side = square_side(n);
  if (side == 0) return nullptr;
  if (!square) {
    const std::lock_guard lock(g_cache_mutex);
    square = std::make_unique<SquareFft>(side, real);
  }
  return square.get();
}

void Plan::run_forward() {
  if (SquareFft* sq = square_fft()) {
    sq->forward(real);
    return;
  }
  if (forward == nullptr) {
    const std::lock_guard lock(g_cache_mutex);
    forward = fftw_plan_dft_r2c_1d(static_cast<int>(n), real, cplx, FFTW_ESTIMATE | FFTW_DESTROY_INPUT);
    if (forward == nullptr) throw std::runtime_error("FFTW could not plan an FFT");
  }
  fftw_execute(forward);
}

void Plan::run_inverse() {
  if (SquareFft* sq = square_fft()) {
    sq->inverse(real);
    return;
  }
  if (inverse == nullptr) {
    const std::lock_guard lock(g_cache_mutex);
    inverse = fftw_plan_dft_c2r_1d(static_cast<int>(n), cplx, real, FFTW_ESTIMATE | FFTW_DESTROY_INPUT);
    if (inverse == nullptr) throw std::runtime_error("FFTW could not plan an FFT");
  }
  fftw_execute(inverse);
}

}  // namespace

std::size_t good_fft_size(std::size_t n) {
  if (n <= 1) return 1;
  for (std::size_t m = n;; ++m) {
    std::size_t r = m;
    for (std::size_t p : {2u, 3u, 5u, 7u})
      while (r % p == 0) r /= p;
    if (r == 1) return m;
  }
}

std::size_t good_large_fft_size(std::size_t n) {
  if (n < kSquareFftMin) return good_fft_size(n);
  auto s = static_cast<std::size_t>(std::ceil(std::sqrt(static_cast<double>(n) / 2)));
  while (2 * s * s < n) ++s;
  const std::size_t side = good_fft_size(s);
  return 2 * side * side;
}

Spectrum rfft(const Eigen::Ref<const Signal>& x, std::size_t n) {
  if (n == 0) throw std::invalid_argument("rfft: size 0");
  Plan& p = plan_for(n);
  const std::lock_guard lock(p.use);
  p.load_real(x);
  p.run_forward();
  Spectrum out(static_cast<Eigen::Index>(n / 2 + 1));
  std::memcpy(static_cast<void*>(out.data()), p.cplx, (n / 2 + 1) * sizeof(fftw_complex));
  return out;
}

Signal irfft(const Eigen::Ref<const Spectrum>& bins, std::size_t n) {
  if (n == 0 || static_cast<std::size_t>(bins.size()) != n / 2 + 1)
    throw std::invalid_argument("irfft: need n/2+1 bins");
  Plan& p = plan_for(n);
  const std::lock_guard lock(p.use);
  std::memcpy(static_cast<void*>(p.cplx), bins.data(), (n / 2 + 1) * sizeof(fftw_complex));
  p.run_inverse();
  return p.scaled_real();
}

Signal fft_filter(const Eigen::Ref<const Signal>& x, const Eigen::Ref<const Spectrum>& response,
                  std::size_t n) {
  if (n == 0 || static_cast<std::size_t>(response.size()) != n / 2 + 1)
    throw std::invalid_argument("fft_filter: need n/2+1 response bins");
  Plan& p = plan_for(n);
  const std::lock_guard lock(p.use);
  p.load_real(x);
  p.run_forward();
  auto* bins = reinterpret_cast<std::complex<double>*>(p.cplx);  // fftw_complex is layout-compatible
  for (std::size_t k = 0; k < n / 2 + 1; ++k) bins[k] *= response[static_cast<Eigen::Index>(k)];
  p.run_inverse();
  return p.scaled_real();
}

FftWorkspace::FftWorkspace(std::size_t n) {
  if (n == 0) throw std::invalid_argument("FftWorkspace: size 0");
  Plan& p = plan_for(n);
  p.use.lock();
  plan_ = &p;
}

FftWorkspace::~FftWorkspace() {
  static_cast<Plan*>(plan_)->use.unlock();
}

std::size_t FftWorkspace::size() const noexcept {
  return static_cast<const Plan*>(plan_)->n;
}

double* FftWorkspace::real() noexcept {
  return static_cast<Plan*>(plan_)->real;
}

std::complex<double>* FftWorkspace::bins() noexcept {
  return reinterpret_cast<std::complex<double>*>(static_cast<Plan*>(plan_)->cplx);
}

void FftWorkspace::load(const Eigen::Ref<const Signal>& x) {
  static_cast<Plan*>(plan_)->load_real(x);
}

void FftWorkspace::forward() {
  static_cast<Plan*>(plan_)->run_forward();
}

void FftWorkspace::inverse() {
  static_cast<Plan*>(plan_)->run_inverse();
}

FixedFft::FixedFft(std::size_t n) : n_(n) {
  if (n < 2) throw std::invalid_argument("FixedFft: size below 2");
  real_ = fftw_alloc_real(n);
  auto* bins = fftw_alloc_complex(n / 2 + 1);
  bins_ = bins;
  if (real_ == nullptr || bins == nullptr) throw std::bad_alloc();
  const std::lock_guard lock(g_cache_mutex);
  const int ni = static_cast<int>(n);
  forward_ = fftw_plan_dft_r2c_1d(ni, real_, bins, FFTW_ESTIMATE | FFTW_DESTROY_INPUT);
  inverse_ = fftw_plan_dft_c2r_1d(ni, bins, real_, FFTW_ESTIMATE | FFTW_DESTROY_INPUT);
  if (forward_ == nullptr || inverse_ == nullptr) throw std::runtime_error("FFTW could not plan an FFT");
}

FixedFft::FixedFft(FixedFft&& other) noexcept
    : n_(other.n_),
      real_(other.real_),
      bins_(other.bins_),
      forward_(other.forward_),
      inverse_(other.inverse_) {
  other.real_ = nullptr, other.bins_ = nullptr, other.forward_ = nullptr, other.inverse_ = nullptr;
}

FixedFft::~FixedFft() {
  const std::lock_guard lock(g_cache_mutex);  // plan destruction touches the planner's tables too
  if (forward_ != nullptr) fftw_destroy_plan(static_cast<fftw_plan>(forward_));
  if (inverse_ != nullptr) fftw_destroy_plan(static_cast<fftw_plan>(inverse_));
  fftw_free(real_);
  fftw_free(bins_);
}

void FixedFft::forward(const double* x, double* re, double* im) noexcept {
  std::memcpy(real_, x, n_ * sizeof(double));
  fftw_execute(static_cast<fftw_plan>(forward_));
  const auto* b = static_cast<const fftw_complex*>(bins_);
  for (std::size_t k = 0; k <= n_ / 2; ++k) re[k] = b[k][0], im[k] = b[k][1];
}

void FixedFft::inverse(const double* re, const double* im, double* x) noexcept {
  auto* b = static_cast<fftw_complex*>(bins_);
  for (std::size_t k = 0; k <= n_ / 2; ++k) b[k][0] = re[k], b[k][1] = im[k];
  b[0][1] = 0;
  if (n_ % 2 == 0) b[n_ / 2][1] = 0;
  fftw_execute(static_cast<fftw_plan>(inverse_));
  const double scale = 1.0 / static_cast<double>(n_);
  for (std::size_t i = 0; i < n_; ++i) x[i] = real_[i] * scale;
}

std::size_t cached_plan_count() {
  const std::lock_guard lock(g_cache_mutex);
  return cache().size();
}

}  // namespace bench::dsp
