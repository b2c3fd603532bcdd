#pragma once

#include <cstdint>
#include <memory>

#include "bench/plan/model.hpp"
#include "bench/session/endpoint.hpp"

namespace bench::sim {
class Chain;
}

namespace bench::session {

/// The bench without hardware: every take runs through the physical models of the plan's interface
/// port, cable, amplifier, load and reference ADC (bench/sim). Deterministic for a given seed: take k
/// of a run always draws the same noise.
class SimEndpoint final : public Endpoint {
 public:
  SimEndpoint(const plan::Plan& plan, std::uint64_t seed);
  ~SimEndpoint() override;

  [[nodiscard]] std::string describe() const override { return "sim"; }
  void configure(const plan::Fixture& fixture, const plan::Load& load) override;
  /// The port alone into the load and the ADC (sim::ChainConfig::source_direct).
  void configure_port(const plan::Fixture& fixture, const plan::Load& load) override;
  [[nodiscard]] dsp::Frames play_and_record(const dsp::Frames& stimulus) override;

 private:
  const plan::Plan& plan_;
  std::uint64_t seed_;
  std::uint64_t take_ = 0;
  const plan::Fixture* fixture_ = nullptr;
  const plan::Load* load_ = nullptr;
  bool port_direct_ = false;
};

}  // namespace bench::session
