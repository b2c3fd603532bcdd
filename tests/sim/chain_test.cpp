#include "bench/sim/chain.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <new>

#include "bench/core/error.hpp"
#include "sim/sim_test_support.hpp"

// Counts every allocation through the global operator new of this test binary, so a test can check that
// process() allocates nothing. AddressSanitizer replaces operator new itself (and GCC 12 then warns of a
// new/free mismatch), so the sanitizer build leaves this test out; the Release ctest run, which CI also
// runs, has it.
#ifndef __SANITIZE_ADDRESS__
namespace {
std::atomic<long> g_allocations{0};
}  // namespace

void* operator new(std::size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}
#endif

namespace bench::sim {
namespace {

using testing::quiet_config;

// Output level in dBFS = 20 log10(fullscale_vrms * 10^(level/20) * gains / ADC fullscale_vrms), gains being
// volume, source gain, input loading, amplifier gain and output loading, by hand.
TEST(Chain, CaptureLevelFollowsTheGainsAtOneKilohertz) {
  struct Row {
    double level_dbfs, volume_db, source_gain_db, amp_gain_db, source_fs_vrms, adc_fs_vrms;
  };
  for (const Row r : {Row{-20, 0, 0, 0, 1, 10}, Row{-10, -6, 0, 12, 1.228, 10}, Row{-40, 0, 10, 20, 3.5, 2},
                      Row{-3, -20, -3, 6, 0.775, 5}}) {
    ChainConfig c = quiet_config();
    c.source.volume_db = r.volume_db;
    c.fixture.source_gain_db = r.source_gain_db;
    c.amp.gain_db = r.amp_gain_db;
    c.source.fullscale_vrms = r.source_fs_vrms;
    c.adc.fullscale_vrms = r.adc_fs_vrms;
    c.source.output_impedance_ohm = 100;
    c.amp_input.input_impedance_ohm = 10000;
    c.amp.output_impedance_ohm = 2;
    c.load.resistance_ohm = 300;
    c.adc.input_impedance_ohm = 100000;
    const double z_load = 300.0 * 100000 / 100300;
    const double vrms = r.source_fs_vrms *
                        std::pow(10.0, (r.level_dbfs + r.volume_db + r.source_gain_db + r.amp_gain_db) / 20) *
                        (10000.0 / 10100) * (z_load / (z_load + 2));
    const double expected_dbfs = 20 * std::log10(vrms / r.adc_fs_vrms);
    const double measured_dbfs = r.level_dbfs + testing::measured_gain_db(c, 1000, r.level_dbfs);
    EXPECT_NEAR(measured_dbfs, expected_dbfs, 0.01)
        << r.level_dbfs << " dBFS, amp " << r.amp_gain_db << " dB";
    const Chain chain(c);
    EXPECT_NEAR(r.level_dbfs + chain.expected_capture_gain_db(1000, 0), expected_dbfs, 1e-3);
    EXPECT_NEAR(chain.expected_capture_gain_db(1000, 1), chain.expected_capture_gain_db(1000, 0), 1e-12);
  }
}

// source_direct: the port straight into the load and the ADC, by hand: full scale * 10^((level +
// volume)/20) * Zl/(Zl + Z_port), with the amplifier's gain, wiring and hum out of the path.
TEST(Chain, SourceDirectIsThePortIntoTheLoad) {
  for (const double z_port : {0.5, 10.0, 47.0, 430.0}) {
    ChainConfig c = quiet_config();
    c.source_direct = true;
    c.source.fullscale_vrms = 1.7;
    c.source.volume_db = -6;
    c.source.output_impedance_ohm = z_port;
    c.amp.gain_db = 20;                                         // not in the path
    c.amp.output_impedance_ohm = 1000;                          // not in the path
    c.fixture.wiring = {{1, false, false}, {0, false, false}};  // not in the path either
    c.fixture.ground_loop_hum_dbv = -20;
    c.load.resistance_ohm = 32;
    c.adc.input_impedance_ohm = 100000;
    c.adc.fullscale_vrms = 10;
    const double z_load = 32.0 * 100000 / 100032;
    const double expected_dbfs =
        20 * std::log10(1.7 * std::pow(10.0, (-20 - 6) / 20.0) * z_load / (z_load + z_port) / 10);
    EXPECT_NEAR(-20 + testing::measured_gain_db(c, 1000, -20), expected_dbfs, 0.01) << z_port;
    const Chain chain(c);
    EXPECT_NEAR(-20 + chain.expected_capture_gain_db(1000, 0), expected_dbfs, 1e-6) << z_port;
    EXPECT_EQ(chain.source_of(0), 0);
    EXPECT_EQ(chain.source_of(1), 1);
  }
}

TEST(Chain, ExpectedResponseCarriesTheWiring) {
  ChainConfig c = quiet_config();
  c.fixture.wiring = {plan::ChannelWiring{1, true, false}, plan::ChannelWiring{0, false, true}};
  const Chain chain(c);
  EXPECT_EQ(chain.source_of(0), 1);
  EXPECT_EQ(chain.source_of(1), -1);
  EXPECT_LT(chain.expected_response(1000, 0).real(), 0);
  EXPECT_EQ(chain.expected_response(1000, 1), std::complex<double>(0));
  EXPECT_EQ(chain.expected_gain_db(1000, 1), -std::numeric_limits<double>::infinity());
}

// Everything on: noise in every stage, hum, distortion, a headphone FIR and a clock offset.
ChainConfig busy_config(std::uint64_t seed) {
  ChainConfig c = quiet_config();
  c.seed = seed;
  c.source.noise_dbv = -100;
  c.source.distortion = {-80, -90};
  c.source.output_impedance_ohm = 50;
  c.amp.noise_dbv = -105;
  c.amp.distortion = {-70, -75};
  c.amp.rail_vpeak = 8;
  c.amp.gain_db = 10;
  c.amp.output_impedance_ohm = 4.7;
  c.adc.noise_dbfs = -110;
  c.adc.distortion = {-100, -105};
  c.adc.clock_offset_ppm = 42;
  c.fixture.ground_loop_hum_dbv = -70;
  c.load.kind = plan::Load::Kind::kHeadphone;
  c.load.impedance = {{10, 40, 10}, {90, 90, 0}, {300, 40, -20}, {1000, 33, 2}, {20000, 45, 40}};
  return c;
}

dsp::Frames run_in_blocks(Chain& chain, const dsp::Frames& x, Eigen::Index block) {
  dsp::Frames y(x.rows(), 2);
  for (Eigen::Index start = 0; start < x.rows(); start += block) {
    const Eigen::Index n = std::min(block, x.rows() - start);
    chain.process(x.middleRows(start, n), y.middleRows(start, n));
  }
  return y;
}

TEST(Chain, BlockSizeDoesNotChangeABit) {
  const dsp::Frames x = testing::sines(20000, -12, 441, 1003);
  Chain whole(busy_config(5));
  const dsp::Frames reference = run_in_blocks(whole, x, x.rows());
  for (Eigen::Index block : {1, 37, 512}) {
    Chain chain(busy_config(5));
    EXPECT_TRUE(run_in_blocks(chain, x, block) == reference) << "block " << block;
  }
}

TEST(Chain, SameSeedSameOutputDifferentSeedDifferentNoiseAndResetRestarts) {
  const dsp::Frames x = testing::sines(8000, -12, 441, 1003);
  Chain a(busy_config(5)), b(busy_config(5)), c(busy_config(6));
  const dsp::Frames ya = run_in_blocks(a, x, 8000);
  EXPECT_TRUE(run_in_blocks(b, x, 8000) == ya);
  const dsp::Frames yc = run_in_blocks(c, x, 8000);
  EXPECT_FALSE(yc == ya);
  // Different noise, same signal: the difference is noise-sized.
  EXPECT_LT((yc - ya).cwiseAbs().maxCoeff(), 1e-3);
  a.reset();
  EXPECT_TRUE(run_in_blocks(a, x, 333) == ya);
}

#ifndef __SANITIZE_ADDRESS__
TEST(Chain, ProcessNeverAllocates) {
  const dsp::Frames x = testing::sines(6000, -12, 441, 1003);
  dsp::Frames y(x.rows(), 2);
  for (double ppm : {0.0, -42.0}) {
    ChainConfig c = busy_config(3);
    c.adc.clock_offset_ppm = ppm;
    Chain chain(c);
    const long before = g_allocations.load();
    for (Eigen::Index block : {1, 37, 512, 6000}) {
      for (Eigen::Index start = 0; start < x.rows(); start += block) {
        const Eigen::Index n = std::min(block, x.rows() - start);
        chain.process(x.middleRows(start, n), y.middleRows(start, n));
      }
      chain.reset();
    }
    EXPECT_EQ(g_allocations.load() - before, 0) << ppm << " ppm";
  }
}
#endif

TEST(Chain, BadConfigurationsAreConfigErrors) {
  ChainConfig c = quiet_config();
  c.sample_rate_hz = 0;
  EXPECT_THROW(Chain{c}, ConfigError);
  c = quiet_config();
  c.fixture.wiring.push_back({});
  EXPECT_THROW(Chain{c}, ConfigError);
  c = quiet_config();
  c.source.fullscale_vrms = 0;
  EXPECT_THROW(Chain{c}, ConfigError);
  c = quiet_config();
  c.amp_input.input_impedance_ohm = 0;
  EXPECT_THROW(Chain{c}, ConfigError);
}

// Timing printout only (the target is 50x real time for two channels at 48 kHz); no assertion.
TEST(Chain, SpeedPrintout) {
  for (double ppm : {0.0, 42.0}) {
    ChainConfig c = busy_config(1);
    c.adc.clock_offset_ppm = ppm;
    Chain chain(c);
    const Eigen::Index seconds = 10;
    const dsp::Frames x = testing::sines(seconds * 48000, -12, 441, 1003);
    dsp::Frames y(x.rows(), 2);
    const auto start = std::chrono::steady_clock::now();
    for (Eigen::Index i = 0; i < x.rows(); i += 512) {
      const Eigen::Index n = std::min<Eigen::Index>(512, x.rows() - i);
      chain.process(x.middleRows(i, n), y.middleRows(i, n));
    }
    const double elapsed_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::cout << "[ speed    ] headphone FIR, noise, hum, distortion, clock offset " << ppm
              << " ppm: " << static_cast<double>(seconds) / elapsed_s << "x real time (2 ch, 48 kHz)\n";
  }
}

}  // namespace
}  // namespace bench::sim
