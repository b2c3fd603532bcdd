#pragma once

#include <filesystem>
#include <string>

#include "bench/session/endpoint.hpp"

namespace bench::session {

/// Plays nothing: hands back the captures a run kept (RUN_DIR/captures/<take>.wav), so the sequencer
/// re-measures and re-judges them exactly as the run did (bench reanalyze). Every capture must be at
/// `sample_rate_hz` with `channels` channels (the plan's rate and reference ADC).
class ReplayEndpoint final : public Endpoint {
 public:
  ReplayEndpoint(std::filesystem::path run_dir, double sample_rate_hz, int channels)
      : run_dir_(std::move(run_dir)), sample_rate_hz_(sample_rate_hz), channels_(channels) {}

  [[nodiscard]] std::string describe() const override { return "replay"; }
  void configure(const plan::Fixture&, const plan::Load&) override {}
  void set_take(const std::string& take) override { take_ = take; }
  /// Throws bench::HardwareError naming the capture when it is missing or does not fit the stimulus
  /// (the plan or its profiles changed since the run); bench::MeasurementError naming it when its header
  /// says another sample rate or channel count (the file was changed: that step is ERROR, the run goes
  /// on).
  [[nodiscard]] dsp::Frames play_and_record(const dsp::Frames& stimulus) override;

 private:
  std::filesystem::path run_dir_;
  double sample_rate_hz_;
  int channels_;
  std::string take_;
};

}  // namespace bench::session
