#pragma once

// bench-dutsim's command line: what main.cpp runs with, parsed here so that tests and the fuzz target
// (tests/fuzz/fuzz_dutsim_options.cpp) reach the same parser without a JACK server. [main thread]

#include <cstdint>
#include <optional>
#include <string>

#include "bench/dutsim/processor.hpp"

namespace bench::dutsim {

/// The options of one bench-dutsim run.
struct Options {
  std::string plan;             ///< --plan: the plan TOML file (an existing file)
  std::string fixture;          ///< --fixture: a fixture id of the plan
  std::string load;             ///< --load: a load id of the plan; empty: the plan's reference_load
  std::string name = "dutsim";  ///< --name: the JACK client name
  std::string server;           ///< --server; empty: $JACK_DEFAULT_SERVER, else "default"
  std::uint64_t seed = 1;       ///< --seed: the noise seed
  std::optional<double> clock_offset_ppm;  ///< --clock-offset-ppm, when given (|X| <= kMaxClockOffsetPpm)
  FaultOptions faults;                     ///< --stall-*, --silence-*, --exit-after-s
};

/// What a command line asks for: options to run with, or a help text to print before exiting with 0.
struct CommandLine {
  std::optional<Options> options;  ///< empty when help was asked for
  std::string help;                ///< the help text, when asked for
};

/// Parses bench-dutsim's command line (argv[0] is the program name). Throws bench::InputError "<what is
/// wrong> (see bench-dutsim --help)" for an unknown option, a missing or malformed value, a value out of
/// range, a --plan that is not an existing file, or an option without its partner (--stall-every-s with
/// --stall-ms, --silence-channel with --silence-after-s). [main thread]
[[nodiscard]] CommandLine parse_command_line(int argc, const char* const* argv);

}  // namespace bench::dutsim
