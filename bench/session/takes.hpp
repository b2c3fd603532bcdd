#pragma once

// What every step of one cable configuration shares: the fixture's set-up (which load is on the
// amplifier's output, the relay board, the operator's prompts) and the way a take is played, kept and
// handed to analysis (pre- and post-roll, the capture as float WAV with its sidecar, the clipping and NaN
// checks, the clock-drift correction). It holds no measurement results: a step reads earlier results only
// through its StepContext (steps/step.hpp).

#include <cstddef>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "bench/core/error.hpp"
#include "bench/dsp/types.hpp"
#include "bench/plan/model.hpp"
#include "bench/record/record.hpp"
#include "bench/session/endpoint.hpp"
#include "bench/session/sequencer.hpp"

namespace bench::session {

/// The operator declined a set-up prompt, or a stop was asked for (RunOptions::stop_signal): the run stops
/// like it does for a device that is gone.
struct OperatorStop : HardwareError {
  using HardwareError::HardwareError;
};

/// Below this drift the two clocks are the same for every measurement the bench makes (a 10 s capture
/// slips 0.005 samples), so captures are analysed as recorded, bit for bit.
inline constexpr double kDriftCorrectionPpm = 0.1;

/// One configuration's takes. [main thread: the thread running the plan]
class Takes {
 public:
  /// `out` receives the captures, retried takes and relay switches; it must outlive this object.
  Takes(const plan::Plan& plan, const plan::Fixture& fixture, Endpoint& endpoint, const RunOptions& options,
        record::ConfigurationRecord& out, std::function<void(const std::string&)> progress);

  /// Starts a step: its pre- and post-roll, its take-name prefix ("" for a step whose id is its kind, else
  /// "<id>_"), and the clock drift its captures are corrected by (nullopt: none; the clock step's result
  /// decides, from kDriftCorrectionPpm up). Resets the step's audio count.
  void begin_step(const plan::Step& step, std::optional<double> drift_ppm);
  /// Seconds of audio and takes played since begin_step (every attempt of a retried take counts).
  [[nodiscard]] double step_audio_s() const { return audio_s_; }
  [[nodiscard]] std::size_t step_takes() const { return takes_; }

  /// Plays `body` (frames x 2 source channels) with the step's pre- and post-roll, keeps the capture as
  /// take `name` (captures/<fixture>/<prefix><name>.wav and its bench.capture/1 sidecar, `stimulus`
  /// describing it) and returns it as analysed: float32 as kept, on the interface's clock. Throws
  /// bench::MeasurementError for a clipped capture or one holding NaN, HardwareError from the endpoint.
  [[nodiscard]] dsp::Frames record(const dsp::Frames& body, const std::string& name, nlohmann::json stimulus);
  /// Frames of pre-roll in front of the body in every capture of the current step.
  [[nodiscard]] Eigen::Index preroll_frames() const { return pre_; }
  [[nodiscard]] Eigen::Index postroll_frames() const { return post_; }

  /// Puts `load` on the amplifier's output: the relay board switches it where the fixture maps it, else
  /// the operator is asked (real gear, prompts on) when another load is connected; nothing happens when
  /// it is on already. Throws OperatorStop when the operator stops, HardwareError from the board.
  void use_load(const plan::Load& load);
  /// Connects `load` straight across the fixture's source port and the reference ADC (no cable or amp).
  void use_port_load(const plan::Load& load);
  /// The plan's load of that id (a settings.reference_load is one of them: the loader checks it).
  [[nodiscard]] const plan::Load& load(const std::string& id) const;

  /// Progress text for what starts now.
  void progress(const std::string& what) const {
    if (progress_) progress_(what);
  }

 private:
  void switch_relays(const std::string& purpose, const std::vector<int>& load_relays);

  const plan::Plan& plan_;
  const plan::Fixture& fx_;
  Endpoint& ep_;
  const RunOptions& options_;
  record::ConfigurationRecord& out_;
  std::function<void(const std::string&)> progress_;
  double fs_;
  std::filesystem::path capture_dir_;
  Eigen::Index pre_ = 0, post_ = 0;
  std::string prefix_;
  std::optional<double> drift_ppm_;
  double audio_s_ = 0;
  std::size_t takes_ = 0;
  std::string capture_load_;     // the load id the captures are taken into (sidecar "load")
  std::string connected_load_;   // what the operator was last asked to connect ("" before the first)
  bool relay_path_set_ = false;  // the relay board has set this fixture's cable path
};

}  // namespace bench::session
