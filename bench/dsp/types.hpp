#pragma once

#include <Eigen/Dense>
#include <cmath>
#include <numbers>

namespace bench::dsp {

/// One channel of audio or any real sequence, in double precision.
using Signal = Eigen::VectorXd;
/// A complex spectrum.
using Spectrum = Eigen::VectorXcd;
/// Audio with frames in rows and channels in columns (each channel is contiguous).
using Frames = Eigen::MatrixXd;

inline constexpr double kPi = std::numbers::pi;

/// 20*log10 of an amplitude ratio; -inf dB for zero.
[[nodiscard]] inline double amplitude_db(double ratio) {
  return 20.0 * std::log10(ratio);
}
/// 10*log10 of a power ratio; -inf dB for zero.
[[nodiscard]] inline double power_db(double ratio) {
  return 10.0 * std::log10(ratio);
}
/// Amplitude ratio from dB.
[[nodiscard]] inline double db_to_amplitude(double db) {
  return std::pow(10.0, db / 20.0);
}

/// AES17 level: dBFS of a mean-square power, where 0 dBFS is a sine whose peaks reach full scale
/// (mean square 1/2). So a full-scale sine reads 0 dBFS and a full-scale square wave +3.01 dBFS.
[[nodiscard]] inline double power_to_dbfs(double mean_square) {
  return 10.0 * std::log10(2.0 * mean_square);
}

}  // namespace bench::dsp
