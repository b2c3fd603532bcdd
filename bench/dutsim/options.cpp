#include "bench/dutsim/options.hpp"

#include <CLI/CLI.hpp>
#include <cmath>
#include <string>

#include "bench/core/error.hpp"
#include "bench/dutsim/config.hpp"
#include "bench/sim/chain.hpp"

namespace bench::dutsim {

namespace {

// CLI11 2.1's Range, PositiveNumber and NonNegativeNumber let NaN through (every comparison with it is
// false), and "nan" reads as a double: without this, "--exit-after-s nan" parsed and never exited.
const CLI::Validator kNotNan(
    [](std::string& text) {
      double value = 0;
      return CLI::detail::lexical_cast(text, value) && std::isnan(value)
                 ? std::string("Value ").append(text).append(" is not a number")
                 : std::string();
    },
    "", "NOT_NAN");

}  // namespace

CommandLine parse_command_line(int argc, const char* const* argv) {
  CLI::App app{
      "bench-dutsim: the simulated device under test as a JACK client. Plays the interface's outputs, cable, "
      "headphone amplifier, load and reference ADC of one fixture of a plan in real time: JACK inputs "
      "in_1..in_K "
      "are the interface's output channels (K = 1 + its largest device channel), outputs out_1..out_2 the "
      "reference ADC's channels.",
      "bench-dutsim"};
  Options o;
  double clock_offset_ppm = 0;
  app.add_option("--plan", o.plan, "plan TOML file (profiles and fixtures are found above it)")
      ->required()
      ->check(CLI::ExistingFile);
  app.add_option("--fixture", o.fixture, "fixture id of the plan to simulate, e.g. line_trs_to_amp_trs")
      ->required();
  app.add_option("--load", o.load, "load id of the plan (default: the plan's settings.reference_load)");
  app.add_option("--name", o.name, "JACK client name (the bench sees a device of this name)")
      ->capture_default_str();
  app.add_option("--seed", o.seed, "noise seed (same seed, same noise)")->capture_default_str();
  auto* ppm =
      app.add_option("--clock-offset-ppm", clock_offset_ppm,
                     "reference ADC clock offset against the interface, ppm, |X| <= 1000 (default: the ADC "
                     "profile's clock_offset_ppm). Non-zero: the chain is reset after 50 ms of exact "
                     "silence on its inputs, like a bench re-aligning its two devices at every take")
          ->check(CLI::Range(-kMaxClockOffsetPpm, kMaxClockOffsetPpm))
          ->check(kNotNan);
  auto* every = app.add_option("--stall-every-s", o.faults.stall_every_s,
                               "fault: stall the audio callback every S seconds of processed audio")
                    ->check(CLI::PositiveNumber)
                    ->check(kNotNan);
  auto* stall =
      app.add_option("--stall-ms", o.faults.stall_ms, "fault: length of each stall, milliseconds (busy-wait)")
          ->check(CLI::PositiveNumber)
          ->check(kNotNan);
  every->needs(stall);
  stall->needs(every);
  auto* channel = app.add_option("--silence-channel", o.faults.silence_channel,
                                 "fault: output channel (0 = out_1, 1 = out_2) to zero")
                      ->check(CLI::Range(0, sim::Chain::kChannels - 1));
  auto* after = app.add_option("--silence-after-s", o.faults.silence_after_s,
                               "fault: zero --silence-channel from this many seconds of processed audio on")
                    ->check(CLI::NonNegativeNumber)
                    ->check(kNotNan);
  channel->needs(after);
  after->needs(channel);
  app.add_option(
         "--exit-after-s", o.faults.exit_after_s,
         "fault: exit (status 0, without closing the JACK client) after this many seconds of processed audio")
      ->check(CLI::PositiveNumber)
      ->check(kNotNan);
  app.add_option("--server", o.server, "JACK server name (default: $JACK_DEFAULT_SERVER, else \"default\")");
  app.footer(
      "Runs until SIGINT/SIGTERM (exit 0) or until the JACK server goes away (exit 3). Prints "
      "\"bench-dutsim: ready "
      "as CLIENT (K in, C out, RATE Hz, PERIOD frames)\" on stdout once active.\n"
      "Exit codes: 0 stopped by a signal (or --exit-after-s), 2 bad command line, plan, fixture or load, 3 "
      "JACK "
      "problem (no server, sample rate other than the plan's, period above 8192 frames, server gone), 70 "
      "internal "
      "error.");
  CommandLine result;
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForAllHelp&) {
    result.help = app.help("", CLI::AppFormatMode::All);
    return result;
  } catch (const CLI::ParseError& e) {
    // --help (and any other request CLI11 answers with success) prints the help; the rest is a usage error.
    if (e.get_exit_code() == 0) {
      result.help = app.help();
      return result;
    }
    throw InputError(std::string(e.what()) + " (see bench-dutsim --help)");
  }
  if (ppm->count() > 0) o.clock_offset_ppm = clock_offset_ppm;
  result.options = std::move(o);
  return result;
}

}  // namespace bench::dutsim
