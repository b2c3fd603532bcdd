#include "bench/sim/chain.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <string>

#include "bench/core/error.hpp"

namespace bench::sim {
namespace {

const ChainConfig& validated(const ChainConfig& c) {
  if (!(c.sample_rate_hz > 0) || !std::isfinite(c.sample_rate_hz))
    throw ConfigError("sample_rate_hz must be > 0, got " + std::to_string(c.sample_rate_hz));
  if (c.source.channels < 1 || c.source.channels > Chain::kMaxSourceChannels)
    throw ConfigError("source port '" + c.source.name + "': channels must be 1 to " +
                      std::to_string(Chain::kMaxSourceChannels) + ", got " +
                      std::to_string(c.source.channels));
  if (c.fixture.wiring.size() > static_cast<std::size_t>(Chain::kChannels))
    throw ConfigError("fixture '" + c.fixture.id + "': wiring has " +
                      std::to_string(c.fixture.wiring.size()) + " entries, the amplifier has " +
                      std::to_string(Chain::kChannels) + " channels");
  if (c.fixture.ground_loop_hum_dbv && !(c.fixture.mains_hz > 0 && c.fixture.mains_hz < c.sample_rate_hz / 6))
    throw ConfigError("fixture '" + c.fixture.id + "': mains_hz must be > 0 and below fs/6 for hum, got " +
                      std::to_string(c.fixture.mains_hz));
  return c;
}

plan::ChannelWiring wiring_of(const plan::Fixture& fixture, int channel) {
  if (static_cast<std::size_t>(channel) < fixture.wiring.size())
    return fixture.wiring[static_cast<std::size_t>(channel)];
  plan::ChannelWiring straight;
  straight.source_channel = channel;
  return straight;
}

}  // namespace

Chain::Chain(const ChainConfig& config)
    : config_(validated(config)),
      load_model_(config.load, config.adc.input_impedance_ohm,
                  config.source_direct ? config.source.output_impedance_ohm : config.amp.output_impedance_ohm,
                  config.sample_rate_hz),
      adc_(config.adc, kChannels, config.sample_rate_hz, config.seed, config.clock_slip_samples),
      hum_on_(config.fixture.ground_loop_hum_dbv.has_value()),
      hum_(config.fixture.ground_loop_hum_dbv.value_or(-400), config.fixture.mains_hz,
           config.sample_rate_hz) {
  for (int c = 0; c < config.source.channels; ++c)
    sources_.emplace_back(config.source, config.fixture.source_gain_db, config.sample_rate_hz,
                          stream_seed(config.seed, kSourceNoiseStage, c));
  std::array<plan::ChannelWiring, kChannels> wiring;
  for (int d = 0; d < kChannels; ++d) {
    wiring[static_cast<std::size_t>(d)] = wiring_of(config.fixture, d);
    if (wiring[static_cast<std::size_t>(d)].source_channel >= config.source.channels &&
        config.fixture.wiring.empty())
      wiring[static_cast<std::size_t>(d)].source_channel = -1;  // mono port
  }
  for (int d = 0; d < kChannels; ++d) {
    const plan::ChannelWiring& w = wiring[static_cast<std::size_t>(d)];
    // Inputs fed from the same source channel (a Y-cable splitting one output) load it in parallel.
    const auto sharing = std::count_if(wiring.begin(), wiring.end(), [&](const plan::ChannelWiring& o) {
      return w.source_channel >= 0 && !w.shorted && o.source_channel == w.source_channel && !o.shorted;
    });
    cables_.emplace_back(w, config.source, config.amp_input, std::max(1, static_cast<int>(sharing)));
    amps_.emplace_back(config.amp, config.sample_rate_hz, stream_seed(config.seed, kAmpNoiseStage, d));
    loads_.emplace_back(load_model_);
  }
  scratch_.assign((sources_.size() + kChannels + 2) * kBlock, 0.0);
}

void Chain::process(const Eigen::Ref<const dsp::Frames>& in, Eigen::Ref<dsp::Frames> out) noexcept {
  const Eigen::Index frames = std::min(in.rows(), out.rows());
  const std::size_t n_sources = sources_.size();
  std::array<double*, kMaxSourceChannels> src{};
  std::array<const double*, kMaxSourceChannels> src_const{};
  std::array<double*, kChannels> dst{};
  for (std::size_t c = 0; c < n_sources; ++c) src_const[c] = src[c] = scratch_.data() + c * kBlock;
  for (std::size_t d = 0; d < kChannels; ++d) dst[d] = scratch_.data() + (n_sources + d) * kBlock;
  double* hum = scratch_.data() + (n_sources + kChannels) * kBlock;
  const double* silence = scratch_.data() + (n_sources + kChannels + 1) * kBlock;  // stays zero

  for (Eigen::Index start = 0; start < frames; start += static_cast<Eigen::Index>(kBlock)) {
    const auto n =
        static_cast<std::size_t>(std::min<Eigen::Index>(static_cast<Eigen::Index>(kBlock), frames - start));
    for (std::size_t c = 0; c < n_sources; ++c) {
      const double* x = static_cast<Eigen::Index>(c) < in.cols()
                            ? in.col(static_cast<Eigen::Index>(c)).data() + start
                            : silence;
      sources_[c].process(x, src[c], n);
    }
    if (hum_on_ && !config_.source_direct) hum_.process(hum, n);
    for (std::size_t d = 0; d < kChannels; ++d) {
      if (config_.source_direct) {
        const double* v = d < n_sources ? src_const[d] : silence;
        std::copy(v, v + n, dst[d]);
      } else {
        cables_[d].process(std::span<const double* const>(src_const.data(), n_sources),
                           hum_on_ ? hum : nullptr, dst[d], n);
        amps_[d].process(dst[d], n);
      }
      loads_[d].process(dst[d], dst[d], n);
    }
    adc_.process(std::span<double* const>(dst.data(), kChannels), n);
    for (Eigen::Index d = 0; d < out.cols(); ++d) {
      double* y = out.col(d).data() + start;
      if (d < kChannels) {
        std::copy(dst[static_cast<std::size_t>(d)], dst[static_cast<std::size_t>(d)] + n, y);
      } else {
        std::fill(y, y + n, 0.0);
      }
    }
  }
}

void Chain::reset() noexcept {
  for (SourceChannel& s : sources_) s.reset();
  for (AmpChannel& a : amps_) a.reset();
  for (LoadFilter& l : loads_) l.reset();
  adc_.reset();
  hum_.reset();
}

int Chain::source_of(int channel) const {
  if (channel < 0 || channel >= kChannels) return -1;
  if (config_.source_direct) return channel < source_channels() ? channel : -1;
  return cables_[static_cast<std::size_t>(channel)].source_channel();
}

std::complex<double> Chain::expected_response(double frequency_hz, int channel) const {
  if (channel < 0 || channel >= kChannels) return 0.0;
  const auto d = static_cast<std::size_t>(channel);
  const double source_gain =
      sources_.front().volts_per_full_scale() / (config_.source.fullscale_vrms * std::sqrt(2.0));
  if (config_.source_direct)
    return d < sources_.size() ? source_gain * load_model_.response(frequency_hz) : std::complex<double>(0.0);
  if (cables_[d].source_channel() < 0) return 0.0;
  return source_gain * cables_[d].gain() * amps_[d].response(frequency_hz) *
         load_model_.response(frequency_hz);
}

double Chain::expected_gain_db(double frequency_hz, int channel) const {
  const double magnitude = std::abs(expected_response(frequency_hz, channel));
  return magnitude > 0 ? dsp::amplitude_db(magnitude) : -std::numeric_limits<double>::infinity();
}

double Chain::expected_capture_gain_db(double frequency_hz, int channel) const {
  return expected_gain_db(frequency_hz, channel) +
         dsp::amplitude_db(config_.source.fullscale_vrms / config_.adc.fullscale_vrms);
}

}  // namespace bench::sim
