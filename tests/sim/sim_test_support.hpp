#pragma once

// Helpers shared by the sim tests: a noiseless, linear chain configuration and measurements that do not
// use the model (coherent single-bin DFT, RMS).

#include <cmath>
#include <complex>

#include "bench/dsp/types.hpp"
#include "bench/sim/chain.hpp"

namespace bench::sim::testing {

inline constexpr double kFs = 48000;
inline constexpr double kOff = -400;  // noise and distortion off

/// A straight balanced chain with every noise and distortion off, a 32 ohm resistor load and a huge rail.
inline ChainConfig quiet_config() {
  ChainConfig c;
  c.sample_rate_hz = kFs;
  c.seed = 11;
  c.source.name = "line_out";
  c.source.balanced = true;
  c.source.channels = 2;
  c.source.fullscale_vrms = 1.0;
  c.source.output_impedance_ohm = 0;
  c.source.noise_dbv = kOff;
  c.source.distortion = {kOff, kOff};
  c.amp_input.name = "balanced_trs";
  c.amp_input.balanced = true;
  c.amp_input.input_impedance_ohm = 10000;
  c.amp.id = "amp";
  c.amp.gain_db = 0;
  c.amp.highpass_hz = 5;
  c.amp.lowpass_hz = 80000;
  c.amp.output_impedance_ohm = 0;
  c.amp.rail_vpeak = 1e4;
  c.amp.noise_dbv = kOff;
  c.amp.distortion = {kOff, kOff};
  c.adc.id = "adc";
  c.adc.fullscale_vrms = 10;
  c.adc.input_impedance_ohm = 1e15;
  c.adc.noise_dbfs = kOff;
  c.adc.distortion = {kOff, kOff};
  c.adc.clock_offset_ppm = 0;
  c.fixture.id = "straight";
  c.fixture.wiring = {plan::ChannelWiring{0, false, false}, plan::ChannelWiring{1, false, false}};
  c.load.id = "r32";
  c.load.kind = plan::Load::Kind::kResistor;
  c.load.resistance_ohm = 32;
  c.load.nominal_ohm = 32;
  return c;
}

/// frames x 2 of sines: channel c at frequency_hz[c] (0: silence), level_dbfs (peak re full scale).
inline dsp::Frames sines(Eigen::Index frames, double level_dbfs, double f0_hz, double f1_hz,
                         double fs = kFs) {
  dsp::Frames x = dsp::Frames::Zero(frames, 2);
  const double a = std::pow(10.0, level_dbfs / 20.0);
  for (Eigen::Index i = 0; i < frames; ++i) {
    const auto t = static_cast<double>(i) / fs;
    if (f0_hz > 0) x(i, 0) = a * std::sin(2 * dsp::kPi * f0_hz * t);
    if (f1_hz > 0) x(i, 1) = a * std::sin(2 * dsp::kPi * f1_hz * t);
  }
  return x;
}

/// Peak amplitude of the component at frequency_hz in x[start, start+length), by a single-bin DFT
/// (exact when the window holds whole cycles).
inline double tone_amplitude(const Eigen::Ref<const dsp::Signal>& x, double frequency_hz, Eigen::Index start,
                             Eigen::Index length, double fs = kFs) {
  std::complex<double> sum = 0;
  for (Eigen::Index i = 0; i < length; ++i)
    sum += x[start + i] * std::polar(1.0, -2 * dsp::kPi * frequency_hz * static_cast<double>(i) / fs);
  return 2.0 * std::abs(sum) / static_cast<double>(length);
}

/// Runs a fresh chain on x in one block.
inline dsp::Frames run(const ChainConfig& config, const dsp::Frames& x) {
  Chain chain(config);
  dsp::Frames y(x.rows(), 2);
  chain.process(x, y);
  return y;
}

/// Capture gain in dB (capture amplitude re stimulus amplitude, both in full-scale units) of a sine at
/// frequency_hz and level_dbfs on channel 0, measured over one second after one second of settling.
inline double measured_gain_db(const ChainConfig& config, double frequency_hz, double level_dbfs = -20,
                               int channel = 0) {
  const auto n = static_cast<Eigen::Index>(2 * config.sample_rate_hz);
  const dsp::Frames x = sines(n, level_dbfs, frequency_hz, frequency_hz, config.sample_rate_hz);
  const dsp::Frames y = run(config, x);
  const auto second = static_cast<Eigen::Index>(config.sample_rate_hz);
  return dsp::amplitude_db(
      tone_amplitude(y.col(channel), frequency_hz, second, second, config.sample_rate_hz) /
      std::pow(10.0, level_dbfs / 20.0));
}

/// 20*log10 of a ratio of full-scale volts: what source full scale maps to in ADC full scale.
inline double full_scale_ratio_db(const ChainConfig& c) {
  return dsp::amplitude_db(c.source.fullscale_vrms / c.adc.fullscale_vrms);
}

}  // namespace bench::sim::testing
