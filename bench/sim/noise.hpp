#pragma once

// Building blocks shared by every stage of the physical model: the "off" convention, white Gaussian
// noise with its level given in the audio band, and the static polynomial nonlinearity.

#include <array>
#include <bit>
#include <cstdint>

#include "bench/plan/model.hpp"

namespace bench::sim {

/// Levels (noise in dBV or dBFS, harmonic levels in dB) at or below this value switch the effect off
/// entirely, so tests can run a noiseless, perfectly linear chain (-400 is the usual spelling).
inline constexpr double kOffLevelDb = -300;

/// Stage numbers for stream_seed(): every stage and channel draws from its own stream.
inline constexpr int kSourceNoiseStage = 1;
inline constexpr int kAmpNoiseStage = 2;
inline constexpr int kAdcNoiseStage = 3;

/// Lower and upper edge of the band in which noise levels are specified (AES17 unweighted), Hz.
inline constexpr double kNoiseBandLowHz = 20;
inline constexpr double kNoiseBandHighHz = 20000;

/// Standard deviation of white noise whose power between 20 Hz and 20 kHz is band_power (units^2):
/// sigma^2 = band_power * (fs/2) / (20000 - 20). If fs/2 is below 20 kHz the band ends at fs/2.
/// [any thread]
[[nodiscard]] double white_noise_sigma(double band_power, double sample_rate_hz);

/// Seed of the independent noise stream of one stage and channel, derived from the chain's seed by
/// SplitMix64 mixing (so neighbouring seeds give unrelated streams). [any thread]
[[nodiscard]] std::uint64_t stream_seed(std::uint64_t chain_seed, int stage, int channel);

/// One step of SplitMix64 (Steele, Lea & Flood 2014): adds the golden-ratio increment to state and
/// returns the mixed value. Used to spread one 64-bit seed over a larger generator state.
/// [any thread, real-time safe]
[[nodiscard]] constexpr std::uint64_t splitmix64_next(std::uint64_t& state) noexcept {
  state += 0x9E3779B97F4A7C15ULL;
  std::uint64_t z = state;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

/// xoshiro256++ 1.0 (Blackman & Vigna, "Scrambled linear pseudorandom number generators", 2021): 256
/// bits of state, period 2^256 - 1, 64-bit outputs. A UniformRandomBitGenerator. [any thread; one
/// object is not shared between threads]
class Xoshiro256pp {
 public:
  using result_type = std::uint64_t;
  using State = std::array<std::uint64_t, 4>;

  /// The four state words are the first four SplitMix64 outputs from seed (never all zero).
  explicit constexpr Xoshiro256pp(std::uint64_t seed) noexcept {
    for (std::uint64_t& w : s_) w = splitmix64_next(seed);
  }
  /// A given state, as the reference implementation takes it (tests); it must not be all zero.
  [[nodiscard]] static constexpr Xoshiro256pp from_state(const State& s) noexcept { return Xoshiro256pp(s); }

  [[nodiscard]] static constexpr result_type min() noexcept { return 0; }
  [[nodiscard]] static constexpr result_type max() noexcept { return ~result_type{0}; }
  /// Next output. [real-time safe]
  constexpr result_type operator()() noexcept {
    const std::uint64_t result = std::rotl(s_[0] + s_[3], 23) + s_[0];
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = std::rotl(s_[3], 45);
    return result;
  }

 private:
  explicit constexpr Xoshiro256pp(const State& s) noexcept : s_(s) {}
  State s_{};
};

/// White Gaussian noise from its own xoshiro256++ generator (seeded from the 64-bit seed through
/// SplitMix64); the same seed gives the same samples bit for bit, on every standard library. The normal
/// deviates come from the ziggurat method (Marsaglia & Tsang 2000) with 256 layers; each candidate
/// takes its layer and a symmetric uniform from independent bits of one 64-bit output (as Doornik 2005
/// recommends), and the tail beyond r = 3.654 is sampled exactly by Marsaglia's method. 98.5 % of
/// candidates cost one generator output, a multiply and a compare, against a log and a sqrt per pair
/// in the polar method used before. The layer tables are constants computed at compile time
/// (noise.cpp): nothing is computed, allocated or locked on first use. A sigma of 0 makes next() return
/// exactly 0 without drawing.
class GaussianNoise {
 public:
  /// sigma in the caller's units; seed from stream_seed(). [any thread]
  GaussianNoise(double sigma, std::uint64_t seed);

  /// True when sigma > 0. [any thread, real-time safe]
  [[nodiscard]] bool enabled() const noexcept { return sigma_ > 0; }
  /// Standard deviation of the samples. [any thread]
  [[nodiscard]] double sigma() const noexcept { return sigma_; }
  /// Next sample. [audio thread, real-time safe: no allocation, lock, log or throw; the draw repeats
  /// only after a rejection, 1.007 candidates per sample on average]
  [[nodiscard]] double next() noexcept {
    if (!(sigma_ > 0)) return 0.0;
    return sigma_ * standard_normal();
  }
  /// Restarts the stream from its seed. [any thread, not concurrently with next()]
  void reset() noexcept;

 private:
  double standard_normal() noexcept;  // one N(0, 1) deviate (ziggurat)

  double sigma_ = 0;
  std::uint64_t seed_ = 0;
  Xoshiro256pp engine_;
};

/// The ziggurat's geometry, exposed for tests: layer edges x_0 > x_1 = r > ... > x_256 = 0 and
/// f_i = exp(-x_i^2 / 2) (f_0 = 0: the base layer reaches down to the axis). Layer i >= 1 is the box
/// [0, x_i] x [f_i, f_{i+1}], layer 0 the box [0, r] x [0, f(r)] plus the tail beyond r, each of area
/// kArea; x_0 = kArea / f(r). r and kArea solve those equations with x_256 = 0 (to 20 digits, in
/// arbitrary precision; Marsaglia & Tsang give r = 3.6541528853610088, v = 4.92867323399e-3); the
/// tests check kArea against erfc and the areas against exp. [any thread, real-time safe]
namespace ziggurat {
inline constexpr int kLayers = 256;
inline constexpr double kR = 3.6541528853610087716;        ///< edge of the tail
inline constexpr double kArea = 4.9286732339746553474e-3;  ///< area of each layer
[[nodiscard]] double edge(int i) noexcept;                 ///< x_i, i in [0, kLayers]
[[nodiscard]] double height(int i) noexcept;               ///< f_i, i in [0, kLayers]
}  // namespace ziggurat

/// Static nonlinearity y = x + a2 x^2 + a3 x^3 (x normalised to the stage's full scale); a2 = 2*10^(h2/20),
/// a3 = 4*10^(h3/20) so a full-scale sine shows the profile's harmonic levels (to first order).
/// Harmonic levels at or below kOffLevelDb give a coefficient of exactly 0.
struct Polynomial {
  double a2 = 0;  ///< coefficient of x^2
  double a3 = 0;  ///< coefficient of x^3

  /// Coefficients from a profile's harmonic levels. [any thread]
  [[nodiscard]] static Polynomial from(const plan::Distortion& d);
  /// True if both coefficients are 0 (then apply() is the identity). [any thread, real-time safe]
  [[nodiscard]] bool is_linear() const noexcept { return a2 == 0 && a3 == 0; }
  /// y = x + a2 x^2 + a3 x^3. [any thread, real-time safe]
  [[nodiscard]] double apply(double x) const noexcept { return x + x * x * (a2 + a3 * x); }
};

}  // namespace bench::sim
