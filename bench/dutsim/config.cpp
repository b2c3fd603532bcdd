#include "bench/dutsim/config.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "bench/core/error.hpp"
#include "bench/sim/adc.hpp"

namespace bench::dutsim {
namespace {

template <typename T>
std::string ids_of(const std::vector<T>& items) {
  std::string s;
  for (const T& item : items) s += (s.empty() ? "" : ", ") + item.id;
  return s;
}

}  // namespace

int interface_channel_count(const plan::InterfaceProfile& interface) {
  int highest = -1;
  for (const auto& [name, port] : interface.ports)
    for (int ch : port.device_channels) highest = std::max(highest, ch);
  return highest + 1;
}

std::size_t clock_slip_samples_for(double offset_ppm, double sample_rate_hz) {
  const double drift = std::abs(offset_ppm) * 1e-6 * kMaxTakeSeconds * sample_rate_hz;
  const double needed = drift + 2 * sim::ClockResampler::kHalfTaps;
  std::size_t slip = 1024;
  while (static_cast<double>(slip) <= needed) slip *= 2;
  return slip;
}

sim::ChainConfig chain_config_for(const plan::Plan& plan, const std::string& fixture_id,
                                  const std::string& load_id, std::uint64_t seed,
                                  std::optional<double> clock_offset_ppm) {
  const auto fixture = std::find_if(plan.fixtures.begin(), plan.fixtures.end(),
                                    [&](const plan::Fixture& f) { return f.id == fixture_id; });
  if (fixture == plan.fixtures.end())
    throw ConfigError(plan.file.string() + ": has no fixture '" + fixture_id + "': use one of " +
                      ids_of(plan.fixtures));
  const std::string wanted_load = load_id.empty() ? plan.settings.reference_load : load_id;
  const auto load = std::find_if(plan.loads.begin(), plan.loads.end(),
                                 [&](const plan::Load& l) { return l.id == wanted_load; });
  if (load == plan.loads.end())
    throw ConfigError(plan.file.string() + ": has no load '" + wanted_load + "': use one of " +
                      ids_of(plan.loads));
  if (!plan.interface.ports.count(fixture->source_port) || !plan.amp.inputs.count(fixture->destination_input))
    throw ConfigError(fixture->file.string() + ": names a port or input the plan's profiles do not have");
  sim::ChainConfig c;
  c.source = plan.interface.ports.at(fixture->source_port);
  c.amp_input = plan.amp.inputs.at(fixture->destination_input);
  c.amp = plan.amp;
  c.adc = plan.adc;
  if (clock_offset_ppm) {
    if (!(std::abs(*clock_offset_ppm) <= kMaxClockOffsetPpm))
      throw ConfigError("--clock-offset-ppm must be within +-" +
                        std::to_string(static_cast<int>(kMaxClockOffsetPpm)) + " ppm, got " +
                        std::to_string(*clock_offset_ppm));
    c.adc.clock_offset_ppm = *clock_offset_ppm;
  }
  c.fixture = *fixture;
  c.load = *load;
  c.sample_rate_hz = plan.settings.sample_rate_hz;
  c.seed = seed;
  c.clock_slip_samples = clock_slip_samples_for(c.adc.clock_offset_ppm, c.sample_rate_hz);
  return c;
}

}  // namespace bench::dutsim
