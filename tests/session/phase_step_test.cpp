// The phase step through the whole Sim chain, against the model's own small-signal transfer
// (sim::Chain::expected_response: the amplifier's Butterworth corners, the cable, the loading): the
// interchannel phase is arg(H_left / H_right), and each channel's group delay is -d arg(H)/d omega, both
// computed from the model's parameters, not from the bench's analysis. The group delay is compared as its
// change from 1 kHz, since the bench removes the impulse's peak delay, which the model does not know.
#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <numbers>

#include "bench/sim/chain.hpp"
#include "session_test_support.hpp"

namespace bench::session::test {
namespace {

sim::Chain truth_of(const BenchRun& run, const std::string& fixture_id) {
  sim::ChainConfig cc;
  const plan::Fixture& fx = run.fixture(fixture_id);
  cc.source = run.plan.interface.ports.at(fx.source_port);
  cc.amp_input = run.plan.amp.inputs.at(fx.destination_input);
  cc.amp = run.plan.amp, cc.adc = run.plan.adc, cc.fixture = fx;
  cc.load = run.load("r300");
  cc.sample_rate_hz = run.plan.settings.sample_rate_hz;
  return sim::Chain(cc);
}

double truth_group_delay_ms(const sim::Chain& chain, double f, int channel) {
  const double df = f * 1e-4;
  const double dphi =
      std::arg(chain.expected_response(f + df, channel) / chain.expected_response(f - df, channel));
  return -dphi / (2 * std::numbers::pi * 2 * df) * 1000;
}

const BenchRun& phase_run(const std::string& plan_name, const std::string& fixture) {
  return cached_run("phase_" + fixture, [&] {
    plan::Plan p = cut_plan(base_plan(plan_name), {fixture}, {"r300"});
    return resequence(p, {"clock", "sweeps", "phase"});
  });
}

std::size_t nearest(const std::vector<double>& f, double target) {
  std::size_t best = 0;
  for (std::size_t i = 0; i < f.size(); ++i)
    if (std::abs(std::log(f[i] / target)) < std::abs(std::log(f[best] / target))) best = i;
  return best;
}

TEST(PhaseStep, InterchannelPhaseAndGroupDelayAreTheModelsOwn) {
  const BenchRun& run = phase_run("demo", "line_trs_to_amp_trs");
  const auto& c = run.config("line_trs_to_amp_trs");
  const auto* ph = c.result<record::PhaseResult>();
  ASSERT_NE(ph, nullptr) << describe(c);
  ASSERT_EQ(ph->interchannel_phase_deg.size(), ph->frequency_hz.size());
  const sim::Chain truth = truth_of(run, "line_trs_to_amp_trs");
  const std::size_t k1 = nearest(ph->frequency_hz, 1000);
  double worst_phase = 0, worst_gd = 0;
  for (std::size_t i = 0; i < ph->frequency_hz.size(); ++i) {
    const double f = ph->frequency_hz[i];
    if (f < 40 || f > 20000) continue;
    const double expected =
        std::arg(truth.expected_response(f, 0) / truth.expected_response(f, 1)) * 180 / std::numbers::pi;
    worst_phase = std::max(worst_phase, std::abs(ph->interchannel_phase_deg[i] - expected));
    for (int ch = 0; ch < 2; ++ch) {
      const double measured = ph->group_delay_ms[ch][i] - ph->group_delay_ms[ch][k1];
      const double model = truth_group_delay_ms(truth, f, ch) - truth_group_delay_ms(truth, 1000, ch);
      worst_gd = std::max(worst_gd, std::abs(measured - model));
    }
  }
  EXPECT_LT(worst_phase, 0.1) << "degrees";
  EXPECT_LT(worst_gd, 0.01) << "ms";
  // The amplifier's 3 Hz high-pass delays 40 Hz by about 0.4 ms more than 1 kHz: the comparison is not
  // between two flat curves.
  EXPECT_GT(truth_group_delay_ms(truth, 40, 0) - truth_group_delay_ms(truth, 1000, 0), 0.3);
  const Check* k = one_check(c, "interchannel_phase_deg");
  ASSERT_NE(k, nullptr);
  EXPECT_EQ(k->outcome, Outcome::kPass) << describe(*k);
}

TEST(PhaseStep, AnInvertedChannelIsHalfATurnAndFails) {
  const BenchRun& run = phase_run("faults", "faults/inverted_right");
  const auto& c = run.config("faults/inverted_right");
  const auto* ph = c.result<record::PhaseResult>();
  ASSERT_NE(ph, nullptr) << describe(c);
  const std::size_t k1 = nearest(ph->frequency_hz, 1000);
  EXPECT_NEAR(std::abs(ph->interchannel_phase_deg[k1]), 180, 0.5);
  const Check* k = one_check(c, "interchannel_phase_deg");
  ASSERT_NE(k, nullptr);
  EXPECT_EQ(k->outcome, Outcome::kFail) << describe(*k);
  EXPECT_TRUE(contains(k->explanation, "inverted")) << describe(*k);
}

}  // namespace
}  // namespace bench::session::test
