// Test time: the seconds of audio a configuration costs, and the fast maximum-output search against the
// stepped one it replaced (issue: "Test time on real gear").
//
// The truth for the searches is the stepped search itself (the bench's first method, kept as
// max_output_search = "stepped") and the amplifier model's rail: both searches run through the same Sim
// chain, so the noise aside they read the same THD+N curve, and each must find the same level to within
// 0.1 dB. The truth for the audio seconds is the kept captures on disk: their frames over the sample rate
// add up to what the record says was played.
#include <sndfile.h>

#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "bench/sim/chain.hpp"
#include "session/session_test_support.hpp"

namespace bench::session::test {
namespace {

// One plan's configurations run through clock, sweeps and max_output with the given search.
const BenchRun& search_run(const std::string& plan_name, const std::string& search,
                           const std::vector<std::string>& fixtures = {}) {
  return cached_run("search." + plan_name + "." + search, [&] {
    plan::Plan p = fixtures.empty()
                       ? base_plan(plan_name)
                       : cut_plan(base_plan(plan_name), fixtures, {"r32", "r300", "hp_dynamic_32"});
    p.settings.max_output_search = search;
    return resequence(p, {"clock", "sweeps", "max_output"});
  });
}

double max_output_audio_s(const ConfigurationRecord& c) {
  for (const auto& s : c.steps)
    if (s.kind == "max_output") return s.audio_s;
  ADD_FAILURE() << c.fixture.id << " has no max_output step";
  return 0;
}

const record::MaxOutputResult* max_output_of(const ConfigurationRecord& c) {
  for (const auto& s : c.steps)
    if (s.kind == "max_output") return s.get<record::MaxOutputResult>();
  return nullptr;
}

void expect_searches_agree(const std::string& plan_name, const std::vector<std::string>& fixtures = {}) {
  const BenchRun& fast = search_run(plan_name, "bursts", fixtures);
  const BenchRun& stepped = search_run(plan_name, "stepped", fixtures);
  ASSERT_EQ(fast.result.configurations.size(), stepped.result.configurations.size());
  for (std::size_t i = 0; i < fast.result.configurations.size(); ++i) {
    const ConfigurationRecord& f = fast.result.configurations[i];
    const ConfigurationRecord& s = stepped.result.configurations[i];
    SCOPED_TRACE(f.fixture.id);
    const auto* rf = max_output_of(f);
    const auto* rs = max_output_of(s);
    ASSERT_TRUE(rf && rs) << describe(f) << describe(s);
    ASSERT_EQ(rf->loads.size(), rs->loads.size());
    for (std::size_t l = 0; l < rf->loads.size(); ++l) {
      const auto& a = rf->loads[l];
      const auto& b = rs->loads[l];
      for (std::size_t ch = 0; ch < 2; ++ch) {
        SCOPED_TRACE(a.load + " " + record::kChannelNames[ch]);
        EXPECT_EQ(a.at_full_scale[ch], b.at_full_scale[ch]);
        EXPECT_EQ(std::isnan(a.max_output_vrms[ch]), std::isnan(b.max_output_vrms[ch]))
            << "one search found a clean level, the other none";
        if (std::isnan(a.max_output_vrms[ch]) || std::isnan(b.max_output_vrms[ch])) continue;
        EXPECT_NEAR(20 * std::log10(a.max_output_vrms[ch] / b.max_output_vrms[ch]), 0.0, 0.1)
            << "bursts " << a.max_output_vrms[ch] << " Vrms, stepped " << b.max_output_vrms[ch] << " Vrms";
      }
    }
    // The point of it: a small part of the audio. Stepped spends 0.7 s per level (about 130 takes into
    // three loads); bursts at most a tenth of that.
    EXPECT_LT(max_output_audio_s(f), 0.1 * max_output_audio_s(s))
        << "bursts " << max_output_audio_s(f) << " s, stepped " << max_output_audio_s(s) << " s";
  }
}

TEST(MaxOutputSearch, BurstsFindTheSteppedLevelWithinATenthOfADecibelInEveryDemoConfiguration) {
  expect_searches_agree("demo");
}

// The faults that move the maximum output: a mono plug shorting a channel (no clean level on it), a gain
// stage that is not neutral, hum that fills the low levels (which must not count as the threshold).
TEST(MaxOutputSearch, BurstsFindTheSteppedLevelWithinATenthOfADecibelWithTheFaultsThatMoveIt) {
  expect_searches_agree(
      "faults", {"faults/mono_ts_shorted_right", "faults/gain_not_neutral", "faults/ground_loop_hum"});
}

// The model's truth: into 300 ohm the amp's soft clipping (rail 12 Vpeak, linear to 0.9 of it) puts
// 1 % THD+N between 0.9 and 1 times the rail's RMS across the load's divider.
TEST(MaxOutputSearch, BurstsLandBetweenTheRailsKneeAndTheRail) {
  const BenchRun& fast = search_run("demo", "bursts");
  const auto& c = fast.config("line_trs_to_amp_trs");
  const double r = parallel_ohm(300, 100000);
  const double divider = r / (r + 2);
  for (const auto& side : {"left", "right"}) {
    const Check* k = one_check(c, "max_output_vrms", side, "r300");
    ASSERT_NE(k, nullptr);
    EXPECT_GT(value_of(*k), 0.9 * 12 / std::sqrt(2.0) * divider) << describe(*k);
    EXPECT_LT(value_of(*k), 12 / std::sqrt(2.0) * divider) << describe(*k);
  }
}

// The demo's sweeps as shipped (their length, pre- and post-roll) against the Sim chain's own small-signal
// response (sim::Chain::expected_capture_gain_db: source, cable, amplifier filters, load divider, ADC full
// scale), in every demo configuration into the reference load: the shortened sweeps must read it within
// 0.01 dB from 20 Hz to 20 kHz, the bound the issue sets against the former 4 s sweeps.
TEST(TestTime, TheDemoSweepsReadTheSimChainsResponseWithinTenMillidecibels) {
  const BenchRun& run = cached_run("demo_sweeps_as_shipped", [] {
    plan::Plan p = cut_plan(plan::load_plan(plan_file("demo")),
                            {"line_trs_to_amp_trs", "line_trs_to_amp_xlr", "line_trs_to_amp_rca",
                             "hp_to_amp_rca_y", "hp_to_amp_stereo"},
                            {"r300"});
    std::erase_if(p.steps, [](const plan::Step& s) { return s.kind != "clock" && s.kind != "sweeps"; });
    return p;
  });
  for (const auto& c : run.result.configurations) {
    SCOPED_TRACE(c.fixture.id);
    const record::SweepsResult* sweeps = nullptr;
    for (const auto& s : c.steps)
      if (s.kind == "sweeps") sweeps = s.get<record::SweepsResult>();
    ASSERT_NE(sweeps, nullptr) << describe(c);
    // The record keeps every harmonic the analysis separates, H2..H9, each only where n f lies inside
    // the sweep and below 0.95 of Nyquist.
    const double f2 = run.plan.settings.sweep_f2_hz, nyquist = run.plan.settings.sample_rate_hz / 2;
    for (const auto& side : sweeps->channels) {
      ASSERT_TRUE(side);
      ASSERT_EQ(side->harmonics.size(), 8u);
      for (std::size_t i = 0; i < side->harmonics.size(); ++i) {
        const auto& h = side->harmonics[i];
        EXPECT_EQ(h.order, static_cast<int>(i) + 2);
        ASSERT_FALSE(h.frequency_hz.empty()) << "H" << h.order;
        EXPECT_LE(h.order * h.frequency_hz.back(), std::min(f2, 0.95 * nyquist)) << "H" << h.order;
      }
    }
    sim::ChainConfig cc;
    const plan::Fixture& fx = run.fixture(c.fixture.id);
    cc.source = run.plan.interface.ports.at(fx.source_port);
    cc.amp_input = run.plan.amp.inputs.at(fx.destination_input);
    cc.amp = run.plan.amp, cc.adc = run.plan.adc, cc.fixture = fx;
    cc.load = run.plan.loads.front();
    cc.sample_rate_hz = run.plan.settings.sample_rate_hz;
    const sim::Chain truth(cc);
    for (std::size_t ch = 0; ch < 2; ++ch) {
      ASSERT_TRUE(sweeps->channels[ch].has_value()) << record::kChannelNames[ch];
      const auto& r = *sweeps->channels[ch];
      double worst = 0, worst_f = 0;
      for (std::size_t i = 0; i < r.frequency_hz.size(); ++i) {
        const double f = r.frequency_hz[i];
        if (f < 20 || f > 20000) continue;
        const double e = r.magnitude_db[i] - truth.expected_capture_gain_db(f, r.arrived_on);
        if (std::abs(e) > std::abs(worst)) worst = e, worst_f = f;
      }
      EXPECT_LE(std::abs(worst), 0.01)
          << record::kChannelNames[ch] << ": " << worst << " dB at " << worst_f << " Hz";
    }
  }
}

// The shipped demo plan (impedance included) into all three loads: what one configuration costs in audio,
// counted from the captures on disk.
TEST(TestTime, ADemoConfigurationPlaysAtMostFifteenSecondsOfAudioAsItsCapturesShow) {
  const plan::Plan full = plan::load_plan(plan_file("demo"));
  for (const std::string fixture : {"line_trs_to_amp_trs", "hp_to_amp_stereo"}) {
    SCOPED_TRACE(fixture);
    const plan::Plan p = cut_plan(full, {fixture}, {"r32", "r300", "hp_dynamic_32"});
    const fs::path dir = fresh_dir("test_time_" + fixture);
    const SessionResult result = run_session(p, 1, dir);
    ASSERT_EQ(result.configurations.size(), 1u);
    const ConfigurationRecord& c = result.configurations.front();
    EXPECT_EQ(c.outcome, Outcome::kPass) << describe(c);
    double recorded_s = 0;
    std::size_t takes = 0;
    for (const auto& s : c.steps) recorded_s += s.audio_s, takes += s.takes;
    double on_disk_s = 0;
    for (const auto& rel : c.captures) {
      SF_INFO info{};
      SNDFILE* f = sf_open((dir / rel).c_str(), SFM_READ, &info);
      ASSERT_NE(f, nullptr) << rel;
      sf_close(f);
      on_disk_s += static_cast<double>(info.frames) / info.samplerate;
    }
    EXPECT_EQ(c.captures.size(), takes);
    EXPECT_NEAR(on_disk_s, recorded_s, 1e-6);
    // 119 s before the maximum output searched in bursts, the sweeps kept their low end when short and
    // the takes were cut to what each measurement needs (see README, Test time).
    EXPECT_LE(on_disk_s, 15.0);
    fs::remove_all(dir);
  }
}

}  // namespace
}  // namespace bench::session::test
