#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <span>
#include <vector>

#include "bench/core/error.hpp"
#include "bench/dutsim/config.hpp"
#include "bench/dutsim/processor.hpp"
#include "bench/plan/load.hpp"
#include "bench/sim/chain.hpp"

// Allocations through the global operator new of this test binary (alloc_count_test.cpp; not in the
// sanitizer build, where AddressSanitizer owns operator new).
#ifndef __SANITIZE_ADDRESS__
long allocations_so_far() noexcept;
#endif

namespace fs = std::filesystem;
using namespace bench;
using dutsim::FaultOptions;
using dutsim::FaultSchedule;
using dutsim::Processor;
using dutsim::SilenceDetector;

namespace {

// This file is tests/dutsim/dutsim_test.cpp.
fs::path repo_root() {
  return fs::path(__FILE__).parent_path().parent_path().parent_path();
}

const plan::Plan& demo_plan() {
  static const plan::Plan plan = plan::load_plan(repo_root() / "profiles" / "plans" / "demo.toml");
  return plan;
}

// frames x channels of a deterministic test signal (a sine per channel, different frequencies).
std::vector<std::vector<float>> tones(std::size_t frames, int channels, double level = 0.3) {
  std::vector<std::vector<float>> x(static_cast<std::size_t>(channels), std::vector<float>(frames));
  for (int c = 0; c < channels; ++c)
    for (std::size_t i = 0; i < frames; ++i)
      x[static_cast<std::size_t>(c)][i] = static_cast<float>(
          level * std::sin(2 * dsp::kPi * (440.0 + 110.0 * c) * static_cast<double>(i) / 48000));
  return x;
}

// Runs a Processor over ports (one vector per JACK input) in periods of `period` frames.
std::vector<std::vector<float>> run_processor(Processor& p, const std::vector<std::vector<float>>& ports,
                                              std::size_t period) {
  const std::size_t frames = ports.front().size();
  std::vector<std::vector<float>> out(static_cast<std::size_t>(p.output_ports()), std::vector<float>(frames));
  std::vector<const float*> in_ptr(ports.size());
  std::vector<float*> out_ptr(out.size());
  for (std::size_t start = 0; start < frames; start += period) {
    const std::size_t n = std::min(period, frames - start);
    for (std::size_t c = 0; c < ports.size(); ++c) in_ptr[c] = ports[c].data() + start;
    for (std::size_t c = 0; c < out.size(); ++c) out_ptr[c] = out[c].data() + start;
    EXPECT_TRUE(p.process(in_ptr, out_ptr, n));
  }
  return out;
}

// The independent truth: a fresh sim::Chain over the same (float) samples in one block, rounded to float.
std::vector<std::vector<float>> run_chain(const sim::ChainConfig& config,
                                          const std::vector<const std::vector<float>*>& sources,
                                          std::size_t first, std::size_t frames) {
  sim::Chain chain(config);
  dsp::Frames in(static_cast<Eigen::Index>(frames), static_cast<Eigen::Index>(sources.size()));
  for (std::size_t s = 0; s < sources.size(); ++s)
    for (std::size_t i = 0; i < frames; ++i)
      in(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(s)) = (*sources[s])[first + i];
  dsp::Frames out(static_cast<Eigen::Index>(frames), sim::Chain::kChannels);
  chain.process(in, out);
  std::vector<std::vector<float>> y(sim::Chain::kChannels, std::vector<float>(frames));
  for (int c = 0; c < sim::Chain::kChannels; ++c)
    for (std::size_t i = 0; i < frames; ++i)
      y[static_cast<std::size_t>(c)][i] = static_cast<float>(out(static_cast<Eigen::Index>(i), c));
  return y;
}

}  // namespace

TEST(DutsimConfig, InterfaceChannelsAreOnePastTheHighestDeviceChannel) {
  // scarlett_2i2.toml: line_out on 0, 1 and headphone_out on 2, 3.
  EXPECT_EQ(dutsim::interface_channel_count(demo_plan().interface), 4);
  plan::InterfaceProfile p;
  EXPECT_EQ(dutsim::interface_channel_count(p), 0);
  p.ports["a"].device_channels = {5};
  p.ports["b"].device_channels = {0, 1};
  EXPECT_EQ(dutsim::interface_channel_count(p), 6);
}

TEST(DutsimConfig, SlipCoversSixtySecondsOfDriftAsASmallPowerOfTwo) {
  EXPECT_EQ(dutsim::clock_slip_samples_for(0, 48000), 1024u);
  // 1000 ppm * 60 s * 48 kHz = 2880 samples of drift, + 64 kernel taps -> 4096.
  EXPECT_EQ(dutsim::clock_slip_samples_for(1000, 48000), 4096u);
  EXPECT_EQ(dutsim::clock_slip_samples_for(-1000, 48000), 4096u);
  // 1000 ppm * 60 s * 192 kHz = 11520 (+64) -> 16384.
  EXPECT_EQ(dutsim::clock_slip_samples_for(1000, 192000), 16384u);
  // 100 ppm at 48 kHz: 288 + 64 fits the minimum.
  EXPECT_EQ(dutsim::clock_slip_samples_for(100, 48000), 1024u);
}

TEST(DutsimConfig, BuildsTheFixtureIntoTheReferenceLoadByDefault) {
  const auto c = dutsim::chain_config_for(demo_plan(), "hp_to_amp_stereo", "", 7, std::nullopt);
  EXPECT_EQ(c.fixture.id, "hp_to_amp_stereo");
  EXPECT_EQ(c.source.name, "headphone_out");
  EXPECT_EQ(c.source.device_channels, (std::vector<int>{2, 3}));
  EXPECT_EQ(c.load.id, "r300");  // demo.toml: reference_load = "r300"
  EXPECT_EQ(c.sample_rate_hz, 48000);
  EXPECT_EQ(c.seed, 7u);
  EXPECT_EQ(c.adc.clock_offset_ppm, 0);
  const auto d = dutsim::chain_config_for(demo_plan(), "line_trs_to_amp_trs", "r32", 1, -250.0);
  EXPECT_EQ(d.load.id, "r32");
  EXPECT_EQ(d.adc.clock_offset_ppm, -250);
  EXPECT_EQ(d.clock_slip_samples, 1024u);
}

TEST(DutsimConfig, RejectsUnknownIdsAndOffsetsNamingTheChoices) {
  try {
    (void)dutsim::chain_config_for(demo_plan(), "nope", "", 1, std::nullopt);
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("line_trs_to_amp_trs"), std::string::npos) << e.what();
  }
  try {
    (void)dutsim::chain_config_for(demo_plan(), "line_trs_to_amp_trs", "r1", 1, std::nullopt);
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("hp_dynamic_32"), std::string::npos) << e.what();
  }
  EXPECT_THROW((void)dutsim::chain_config_for(demo_plan(), "line_trs_to_amp_trs", "", 1, 1000.5),
               ConfigError);
  EXPECT_NO_THROW((void)dutsim::chain_config_for(demo_plan(), "line_trs_to_amp_trs", "", 1, -1000.0));
}

TEST(SilenceDetector, FiresOnceAtTheFrameCompletingTheRunWhateverThePeriods) {
  // Two channels; silence needs both at 0. Frames 0-2 silent, 3 loud on channel 1 only, 4-12 silent,
  // 13 loud, 14-20 silent. Threshold 5: runs complete at frame 8 (4..8) and at frame 18 (14..18).
  std::vector<float> a(21, 0.0f), b(21, 0.0f);
  b[3] = 0.5f;
  a[13] = -1e-30f;
  for (std::size_t period : {1u, 2u, 3u, 7u, 21u}) {
    SilenceDetector d(5);
    std::vector<std::size_t> fired;
    for (std::size_t start = 0; start < a.size(); start += period) {
      const std::size_t n = std::min(period, a.size() - start);
      const float* ch[] = {a.data() + start, b.data() + start};
      for (std::ptrdiff_t k = 0; (k = d.scan(ch, static_cast<std::size_t>(k), n)) >= 0;)
        fired.push_back(start + static_cast<std::size_t>(k) - 1);
    }
    EXPECT_EQ(fired, (std::vector<std::size_t>{8, 18})) << "period " << period;
  }
}

TEST(FaultSchedule, StallsOnMultiplesOfTheIntervalAndSilencesFromItsTime) {
  FaultOptions o;
  o.stall_every_s = 1;
  o.stall_ms = 10;
  o.silence_channel = 1;
  o.silence_after_s = 0.5;
  o.exit_after_s = 2;
  const FaultSchedule s(o, 1000);     // 1 kHz: 1 s = 1000 frames
  EXPECT_FALSE(s.stall_in(0, 1000));  // frames 0..999: frame 0 is not a stall
  EXPECT_TRUE(s.stall_in(990, 20));   // holds frame 1000
  EXPECT_TRUE(s.stall_in(1000, 1));
  EXPECT_FALSE(s.stall_in(1001, 999));  // 1001..1999
  EXPECT_TRUE(s.stall_in(1999, 2));     // 2000
  EXPECT_DOUBLE_EQ(s.stall_seconds(), 0.010);
  EXPECT_EQ(s.silence_from(0, 32), 32u);
  EXPECT_EQ(s.silence_from(480, 32), 20u);  // frame 500
  EXPECT_EQ(s.silence_from(500, 32), 0u);
  EXPECT_EQ(s.silence_from(600, 32), 0u);
  EXPECT_FALSE(s.exit_due(1999));
  EXPECT_TRUE(s.exit_due(2000));
  const FaultSchedule none(FaultOptions{}, 48000);
  EXPECT_FALSE(none.stall_in(0, 1u << 20));
  EXPECT_EQ(none.silence_from(1u << 20, 64), 64u);
  EXPECT_FALSE(none.exit_due(1LL << 40));
}

// Found by fuzz_dutsim_options (tests/data/fuzz/dutsim_options/): a time shorter than half a frame
// rounded to 0 frames, which means "never" for a stall or an exit, and a time of more frames than an
// int64 holds converted to an unspecified value (on x86-64 the most negative one: silence from frame 0).
TEST(FaultSchedule, ATimeBelowOneFrameStillHappensAndOneBeyondEveryFrameNever) {
  FaultOptions tiny;
  tiny.stall_every_s = 1e-300;
  tiny.stall_ms = 1;
  tiny.exit_after_s = 1e-9;
  tiny.silence_channel = 0;
  tiny.silence_after_s = 1e-300;
  const FaultSchedule soon(tiny, 48000);
  EXPECT_TRUE(soon.stall_in(0, 2));  // every frame from frame 1 on
  EXPECT_TRUE(soon.stall_in(1, 1));
  EXPECT_FALSE(soon.exit_due(0));
  EXPECT_TRUE(soon.exit_due(1));
  EXPECT_EQ(soon.silence_from(0, 8), 0u);  // rounds to frame 0: silence from the start

  FaultOptions far;
  far.stall_every_s = 1e300;
  far.stall_ms = 1;
  far.exit_after_s = 1e300;
  far.silence_channel = 0;
  far.silence_after_s = 1e300;
  constexpr std::int64_t kLate = std::int64_t{1} << 62;
  for (const double seconds : {1e300, 1.5e14}) {  // beyond int64 frames; beyond kLate but inside int64
    far.stall_every_s = far.exit_after_s = far.silence_after_s = seconds;
    const FaultSchedule never(far, 48000);
    EXPECT_FALSE(never.stall_in(0, 1u << 20)) << seconds;
    EXPECT_FALSE(never.stall_in(kLate, 1u << 20)) << seconds;
    EXPECT_EQ(never.silence_from(0, 64), 64u) << seconds;
    EXPECT_EQ(never.silence_from(kLate, 64), 64u) << seconds;
    EXPECT_FALSE(never.exit_due(0)) << seconds;
    EXPECT_FALSE(never.exit_due(kLate)) << seconds;
  }
}

TEST(Processor, PlaysTheSourcePortsDeviceChannelsThroughTheChain) {
  // headphone_out is device channels 2, 3: in_3 and in_4 feed the chain, in_1 and in_2 must not matter.
  const auto config = dutsim::chain_config_for(demo_plan(), "hp_to_amp_stereo", "", 3, std::nullopt);
  Processor p(config, 4, FaultOptions{});
  auto ports = tones(4800, 4);
  const auto out = run_processor(p, ports, 256);
  const auto expected = run_chain(config, {&ports[2], &ports[3]}, 0, 4800);
  EXPECT_EQ(out, expected);
  EXPECT_EQ(p.frames_processed(), 4800);
  EXPECT_EQ(p.realignments(), 0);
}

TEST(Processor, ResetsTheClockAfterFiftyMillisecondsOfSilenceOnlyWithAClockOffset) {
  // Take 1: 0.1 s of tone; 0.1 s of silence; take 2: 0.1 s of tone. Reset at 50 ms into the silence.
  const std::size_t tone = 4800, gap = 4800, reset_at = tone + 2400;
  auto take = tones(tone, 2);
  std::vector<std::vector<float>> ports(2, std::vector<float>(tone + gap + tone, 0.0f));
  for (int c = 0; c < 2; ++c) {
    std::copy(take[c].begin(), take[c].end(), ports[c].begin());
    std::copy(take[c].begin(), take[c].end(), ports[c].begin() + tone + gap);
  }
  auto config = dutsim::chain_config_for(demo_plan(), "line_trs_to_amp_trs", "", 5, 300.0);
  Processor p(config, 2, FaultOptions{});
  const auto out = run_processor(p, ports, 333);
  EXPECT_EQ(p.realignments(), 1);
  const auto before = run_chain(config, {&ports[0], &ports[1]}, 0, reset_at);
  const auto after = run_chain(config, {&ports[0], &ports[1]}, reset_at, ports[0].size() - reset_at);
  for (int c = 0; c < 2; ++c) {
    EXPECT_TRUE(std::equal(before[c].begin(), before[c].end(), out[c].begin())) << "channel " << c;
    EXPECT_TRUE(std::equal(after[c].begin(), after[c].end(), out[c].begin() + reset_at)) << "channel " << c;
  }
  // Without a clock offset nothing resets: the output is one uninterrupted chain.
  config = dutsim::chain_config_for(demo_plan(), "line_trs_to_amp_trs", "", 5, 0.0);
  Processor q(config, 2, FaultOptions{});
  EXPECT_EQ(run_processor(q, ports, 333), run_chain(config, {&ports[0], &ports[1]}, 0, ports[0].size()));
  EXPECT_EQ(q.realignments(), 0);
}

TEST(Processor, SilencesTheChosenChannelFromItsTime) {
  const auto config = dutsim::chain_config_for(demo_plan(), "line_trs_to_amp_trs", "", 5, std::nullopt);
  FaultOptions f;
  f.silence_channel = 1;
  f.silence_after_s = 0.05;  // frame 2400
  Processor p(config, 4, f);
  auto ports = tones(4800, 4);
  const auto out = run_processor(p, ports, 500);
  const auto expected = run_chain(config, {&ports[0], &ports[1]}, 0, 4800);
  EXPECT_EQ(out[0], expected[0]);
  EXPECT_TRUE(std::equal(out[1].begin(), out[1].begin() + 2400, expected[1].begin()));
  EXPECT_TRUE(std::all_of(out[1].begin() + 2400, out[1].end(), [](float v) { return v == 0.0f; }));
  EXPECT_TRUE(std::any_of(expected[1].begin() + 2400, expected[1].end(), [](float v) { return v != 0.0f; }));
}

TEST(Processor, RefusesPeriodsAboveTheMaximumWithSilence) {
  const auto config = dutsim::chain_config_for(demo_plan(), "line_trs_to_amp_trs", "", 5, std::nullopt);
  Processor p(config, 2, FaultOptions{});
  const std::size_t n = Processor::kMaxFrames + 1;
  std::vector<float> in(n, 0.5f), out0(n, 1.0f), out1(n, 1.0f);
  const float* ins[] = {in.data(), in.data()};
  float* outs[] = {out0.data(), out1.data()};
  EXPECT_FALSE(p.process(ins, outs, n));
  EXPECT_TRUE(std::all_of(out0.begin(), out0.end(), [](float v) { return v == 0.0f; }));
  EXPECT_EQ(p.frames_processed(), 0);
}

TEST(Processor, RejectsADeviceChannelBeyondThePorts) {
  const auto config = dutsim::chain_config_for(demo_plan(), "hp_to_amp_stereo", "", 5, std::nullopt);
  EXPECT_THROW(Processor(config, 3, FaultOptions{}), ConfigError);
}

TEST(Processor, ResetsTwiceWhenOnePeriodHoldsTwoTakeStarts) {
  // tone 1000 | silence 3000 | tone 100 | silence 3000 | tone 1000, all in one 8100-frame period: the
  // runs of 2400 silent frames complete at frames 3400 and 6500 (0-based 3399 and 6499).
  auto t = tones(8100, 2);
  for (auto& ch : t) {
    std::fill(ch.begin() + 1000, ch.begin() + 4000, 0.0f);
    std::fill(ch.begin() + 4100, ch.begin() + 7100, 0.0f);
  }
  const auto config = dutsim::chain_config_for(demo_plan(), "line_trs_to_amp_trs", "", 9, -700.0);
  Processor p(config, 2, FaultOptions{});
  const auto out = run_processor(p, t, 8100);
  EXPECT_EQ(p.realignments(), 2);
  const std::size_t cuts[] = {0, 3400, 6500, 8100};
  for (int piece = 0; piece < 3; ++piece) {
    const auto expected = run_chain(config, {&t[0], &t[1]}, cuts[piece], cuts[piece + 1] - cuts[piece]);
    for (int c = 0; c < 2; ++c)
      EXPECT_TRUE(std::equal(expected[c].begin(), expected[c].end(), out[c].begin() + cuts[piece]))
          << "piece " << piece << " channel " << c;
  }
}

#ifndef __SANITIZE_ADDRESS__
TEST(Processor, AllocatesNothingPerPeriodEvenWhenItRealignsAndSilences) {
  for (const double ppm : {0.0, 250.0, -1000.0}) {
    const auto config = dutsim::chain_config_for(demo_plan(), "line_trs_to_amp_trs", "", 5, ppm);
    FaultOptions f;
    f.silence_channel = 0;
    f.silence_after_s = 0.01;
    Processor p(config, 4, f);
    auto ports = tones(Processor::kMaxFrames, 4);
    for (auto& ch : ports) std::fill(ch.begin() + 1000, ch.begin() + 5000, 0.0f);  // a take start
    std::vector<float> o0(Processor::kMaxFrames), o1(Processor::kMaxFrames);
    const float* ins[] = {ports[0].data(), ports[1].data(), ports[2].data(), ports[3].data()};
    float* outs[] = {o0.data(), o1.data()};
    const long before = allocations_so_far();
    for (std::size_t n : {Processor::kMaxFrames, std::size_t{64}, std::size_t{1}, Processor::kMaxFrames})
      EXPECT_TRUE(p.process(ins, outs, n));
    EXPECT_EQ(allocations_so_far() - before, 0) << ppm << " ppm";
    EXPECT_EQ(p.realignments(), ppm != 0 ? 2 : 0);  // the gap is in the first and the last period
  }
}
#endif
