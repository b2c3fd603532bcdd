#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "bench/plan/model.hpp"
#include "bench/session/endpoint.hpp"
#include "bench/session/result.hpp"

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
  std::string step;               ///< "sweep, left channel", "THD+N at -1 dBFS", ...
  double elapsed_s = 0;
  double remaining_s = -1;        ///< estimate; negative until one configuration is done
};

struct RunOptions {
  std::filesystem::path run_dir;         ///< captures go to run_dir/captures/<fixture>/
  bool write_captures = true;            ///< false when replaying kept captures (bench reanalyze)
  bool operator_prompts = false;         ///< ask the operator to set each fixture up (real hardware)
  std::function<void(const Progress&)> on_progress;
  std::function<bool(const std::string& instruction)> ask_operator;  ///< returns false to abort
  /// Switches loads and cable paths where a fixture's [relays] says how (nullptr: no board; the operator
  /// is asked instead). Used from the thread running the plan only; it must outlive the run.
  usb::RelayBoard* relay_board = nullptr;
};

/// All configurations of a plan, measured and judged.
struct SessionResult {
  std::vector<ConfigurationResult> configurations;
  Outcome outcome = Outcome::kPass;
  std::optional<std::string> aborted;  ///< why the run stopped early (device gone, operator), if it did
};

/// Runs every cable configuration of a plan: set the fixture up, measure (channel map and polarity,
/// frequency response and harmonics, level and gain, THD+N at the plan's levels, noise and hum,
/// crosstalk, channel balance, maximum output into each load), keep every capture, judge against the
/// limits. A measurement the bench cannot make (clipping, no signal) makes its checks ERROR and the
/// run goes on with the next configuration. [main thread]
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
