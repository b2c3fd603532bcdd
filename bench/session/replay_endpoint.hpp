#pragma once

#include <filesystem>
#include <string>

#include "bench/session/endpoint.hpp"

namespace bench::session {

/// Plays nothing: hands back the captures a run kept (RUN_DIR/captures/<take>.wav), so the sequencer
/// re-measures and re-judges them exactly as the run did (bench reanalyze).
class ReplayEndpoint final : public Endpoint {
 public:
  explicit ReplayEndpoint(std::filesystem::path run_dir) : run_dir_(std::move(run_dir)) {}

  [[nodiscard]] std::string describe() const override { return "replay"; }
  void configure(const plan::Fixture&, const plan::Load&) override {}
  void set_take(const std::string& take) override { take_ = take; }
  /// Throws bench::HardwareError naming the capture when it is missing or does not fit the stimulus
  /// (the plan or its profiles changed since the run).
  [[nodiscard]] dsp::Frames play_and_record(const dsp::Frames& stimulus) override;

 private:
  std::filesystem::path run_dir_;
  std::string take_;
};

}  // namespace bench::session
