#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "bench/plan/model.hpp"
#include "bench/record/record.hpp"
#include "bench/session/endpoint.hpp"

namespace bench {
namespace usb {
class RelayBoard;
}
}  // namespace bench

namespace bench::session {

/// Where a run stands, for progress lines.
struct Progress {
  std::size_t configuration = 0;  ///< 1-based
  std::size_t configurations = 0;
  std::string fixture_id;
  std::size_t step = 0;  ///< 1-based position of the step in the plan's sequence
  std::size_t steps = 0;
  std::string step_id;  ///< the step's id ("sweeps", "thd_low", ...)
  std::string what;     ///< "sweep on the left channel", "THD+N at -1 dBFS", ...
  double elapsed_s = 0;
  double remaining_s = -1;  ///< estimate; negative until one configuration is done
};

struct RunOptions {
  std::filesystem::path run_dir;  ///< captures go to run_dir/captures/<fixture>/
  bool write_captures = true;     ///< false when replaying kept captures (bench reanalyze)
  /// Which configurations keep their captures on disk (bench run --keep-captures): every one, only those
  /// that did not pass (a passing one's captures/<fixture>/ is removed once it is judged), or none (none
  /// is written). A configuration's record lists only captures that stay.
  enum class KeepCaptures { kAll, kFailed, kNone };
  KeepCaptures keep_captures = KeepCaptures::kAll;
  bool operator_prompts = false;  ///< ask the operator to set each fixture up (real hardware)
  std::function<void(const Progress&)> on_progress;
  std::function<bool(const std::string& instruction)> ask_operator;  ///< returns false to abort
  /// Switches loads and cable paths where a fixture's [relays] says how (nullptr: no board; the operator
  /// is asked instead). Used from the thread running the plan only; it must outlive the run.
  usb::RelayBoard* relay_board = nullptr;
  /// Set by the caller's SIGINT/SIGTERM handler to the signal's number (0: run on). The sequencer looks at
  /// it before each configuration and step, Takes::record before each take: the take playing is finished
  /// and kept, the run stops as it does for a device that is gone (what was measured is reported).
  /// nullptr: never stopped. It must outlive the run.
  const std::atomic<int>* stop_signal = nullptr;
  /// Called after each configuration is finished, with every configuration finished so far, so that the
  /// record on disk is brought up to date (a kill or a power cut then loses only the configuration being
  /// measured). A bench::OutputError it throws stops the run like a capture that cannot be written.
  std::function<void(const std::vector<record::ConfigurationRecord>&)> on_configuration;
};

/// Why the run stops when `options.stop_signal` is set ("run stopped by SIGINT (Ctrl-C)"), else nullopt.
/// [any thread]
[[nodiscard]] std::optional<std::string> stop_requested(const RunOptions& options);

/// All configurations of a plan, measured and judged.
struct SessionResult {
  std::vector<record::ConfigurationRecord> configurations;
  record::Outcome outcome = record::Outcome::kPass;
  std::optional<std::string> aborted;  ///< why the run stopped early (device gone, operator), if it did
  /// The run stopped because an output file could not be written (no space, no permission): exit 4.
  bool output_failed = false;
};

/// Runs every cable configuration of a plan: sets the fixture up, runs the plan's steps in order (each a
/// function of bench/session/steps/ that gets the earlier results it declares), keeps every capture, and
/// judges against the step's limits. A step the bench cannot make (clipping, no signal) makes its checks
/// ERROR and the run goes on; so do the steps that need its result. A configuration error inside one
/// configuration makes it ERROR and the run goes on with the next; a device that is gone stops the run
/// (what was measured is kept); so do a stop request (RunOptions::stop_signal) and a capture or record that
/// cannot be written (bench::OutputError). [main thread]
class Sequencer {
 public:
  Sequencer(const plan::Plan& plan, Endpoint& endpoint, RunOptions options);
  [[nodiscard]] SessionResult run();

 private:
  const plan::Plan& plan_;
  Endpoint& endpoint_;
  RunOptions options_;
};

}  // namespace bench::session
