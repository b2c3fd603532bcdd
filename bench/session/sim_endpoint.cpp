#include "bench/session/sim_endpoint.hpp"

#include "bench/core/error.hpp"
#include "bench/sim/chain.hpp"

namespace bench::session {

SimEndpoint::SimEndpoint(const plan::Plan& plan, std::uint64_t seed) : plan_(plan), seed_(seed) {}

SimEndpoint::~SimEndpoint() = default;

void SimEndpoint::configure(const plan::Fixture& fixture, const plan::Load& load) {
  if (!plan_.interface.ports.count(fixture.source_port) || !plan_.amp.inputs.count(fixture.destination_input))
    throw ConfigError(fixture.file.string() + ": names a port or input the plan's profiles do not have");
  fixture_ = &fixture;
  load_ = &load;
  port_direct_ = false;
}

void SimEndpoint::configure_port(const plan::Fixture& fixture, const plan::Load& load) {
  configure(fixture, load);
  port_direct_ = true;
}

dsp::Frames SimEndpoint::play_and_record(const dsp::Frames& stimulus) {
  if (fixture_ == nullptr || load_ == nullptr)
    throw HardwareError("sim endpoint used before configure(): a bench bug");
  sim::ChainConfig c;
  c.source = plan_.interface.ports.at(fixture_->source_port);
  c.amp_input = plan_.amp.inputs.at(fixture_->destination_input);
  c.amp = plan_.amp;
  c.adc = plan_.adc;
  c.fixture = *fixture_;
  c.load = *load_;
  c.sample_rate_hz = plan_.settings.sample_rate_hz;
  c.source_direct = port_direct_;
  // Every take draws its own noise, and the same take of the same run always draws the same.
  c.seed = seed_ * 1000003u + take_++;
  sim::Chain chain(c);
  dsp::Frames out = dsp::Frames::Zero(stimulus.rows(), sim::Chain::kChannels);
  chain.process(stimulus, out);
  return out;
}

}  // namespace bench::session
