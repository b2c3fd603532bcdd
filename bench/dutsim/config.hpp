#pragma once

// What bench-dutsim simulates: the sim::ChainConfig of one fixture and load of a plan, the JACK port
// layout of the interface it stands in for, and the size of the ADC clock model's slip. [main thread]

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "bench/plan/model.hpp"
#include "bench/sim/chain.hpp"

namespace bench::dutsim {

/// Longest take the clock model must run through without a slip, seconds (a take re-aligns the clock,
/// see SilenceDetector).
inline constexpr double kMaxTakeSeconds = 60;
/// Largest clock offset bench-dutsim accepts, ppm.
inline constexpr double kMaxClockOffsetPpm = 1000;

/// JACK input ports of the simulated interface: 1 + the largest device_channels index over all its
/// output ports (the interface's output channels; 0 for a profile without ports).
[[nodiscard]] int interface_channel_count(const plan::InterfaceProfile& interface);

/// Drift wrap of the ADC clock model: the smallest power of two, at least 1024, above the drift of
/// kMaxTakeSeconds at |offset_ppm| plus the resampler's kernel, so no slip happens within a take. Kept
/// small because a positive offset delays the output by slip + ClockResampler::kHalfTaps samples.
[[nodiscard]] std::size_t clock_slip_samples_for(double offset_ppm, double sample_rate_hz);

/// The chain of fixture_id (one of the plan's fixtures, by id) into load_id (one of the plan's loads;
/// empty: the plan's reference_load), at the plan's sample rate, with the ADC's clock offset replaced by
/// clock_offset_ppm when given. Throws bench::ConfigError naming the unknown fixture or load and the ids
/// that exist, or an offset beyond +-kMaxClockOffsetPpm.
[[nodiscard]] sim::ChainConfig chain_config_for(const plan::Plan& plan, const std::string& fixture_id,
                                                const std::string& load_id, std::uint64_t seed,
                                                std::optional<double> clock_offset_ppm);

}  // namespace bench::dutsim
