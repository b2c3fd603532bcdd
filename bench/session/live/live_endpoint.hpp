#pragma once

#include <memory>
#include <optional>
#include <string>

#include "bench/plan/model.hpp"
#include "bench/session/endpoint.hpp"

namespace bench::io::rtaudio {
class LiveAudio;
}

namespace bench::session {

/// How to reach the real devices.
struct LiveOptions {
  std::string api;  ///< "jack", "alsa", "pulse"; empty: the first API that has both devices
  std::optional<std::string>
      interface_device;  ///< regex on the RtAudio device name; default: the interface profile's
  std::optional<std::string> adc_device;  ///< regex; default: the ADC profile's rtaudio_name_pattern
  bool separate_streams = false;          ///< two streams even when one device plays and records
  unsigned period_frames = 256;           ///< requested period (JACK: the server decides)
  int attempts = 3;                       ///< tries per take when xruns spoil it
  double stall_timeout_s = 3;             ///< no audio callback for this long: the device is gone
};

/// The bench on real gear through RtAudio: the interface's port under test plays, the reference ADC
/// records (one duplex stream, or two streams on two devices). A take spoiled by an xrun or frames
/// that do not add up is played again, up to LiveOptions::attempts times, then it is an ERROR with the
/// reason; a device that stops or disappears is a bench::HardwareError (the run stops, what was
/// measured stays).
class LiveEndpoint final : public Endpoint {
 public:
  /// Opens the devices of the plan's interface and ADC profiles. [main thread] Throws
  /// bench::HardwareError (device not found, rate refused, too few channels) or bench::ConfigError
  /// (a profile without rtaudio_name_pattern and no override).
  LiveEndpoint(const plan::Plan& plan, LiveOptions options);
  ~LiveEndpoint() override;

  [[nodiscard]] std::string describe() const override;
  void configure(const plan::Fixture& fixture, const plan::Load& load) override;
  void set_take(const std::string& take) override { take_ = take; }
  [[nodiscard]] dsp::Frames play_and_record(const dsp::Frames& stimulus) override;
  [[nodiscard]] TakeInfo take_info() const override { return info_; }

 private:
  void check_devices_present() const;

  const plan::Plan& plan_;
  LiveOptions options_;
  std::string interface_pattern_, adc_pattern_;
  std::unique_ptr<io::rtaudio::LiveAudio> audio_;
  unsigned output_channels_ = 0;
  const plan::SourcePort* port_ = nullptr;
  std::string take_;
  TakeInfo info_;
};

}  // namespace bench::session
