#pragma once

#include <string>

#include "bench/dsp/types.hpp"

namespace bench::analysis {

/// Peak magnitude at or above which a capture counts as clipped (full scale less 0.01 dB).
inline constexpr double kClipThreshold = 0.99885;

/// Refuses a capture channel the bench cannot measure from, naming `what` (e.g. "capture.wav channel 1"):
/// NaN or infinite samples (bench::InputError), clipping at full scale or no signal at all
/// (bench::MeasurementError). `silence_ok` allows an all-zero record (noise measurements).
void check_capture(const Eigen::Ref<const dsp::Signal>& x, const std::string& what, bool silence_ok = false);

}  // namespace bench::analysis
