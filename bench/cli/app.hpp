#pragma once

#include <filesystem>
#include <string>

namespace CLI {
class App;
class Validator;
}  // namespace CLI

namespace bench::cli {

/// Parses the command line, runs the chosen subcommand and maps every error to one stderr line and a
/// documented exit code (README). [main thread]
int run(int argc, char** argv);

/// Creates the output directory `dir` (and its parents) that `option` ("--out") named, or checks the one
/// that is there. Throws bench::InputError (exit 2), one line naming `dir` with the system's reason, when
/// it cannot be created or is not a directory (read-only file system, a file in the way, no permission).
void create_output_dir(const std::filesystem::path& dir, const char* option);

/// Subcommand registration; each adds its options and a callback to `app`.
void add_generate(CLI::App& app);
void add_analyze(CLI::App& app);
void add_selftest(CLI::App& app);
/// `bench run`: sets exit_code to 0 (all pass), 1 (a check failed) or 3 (the bench could not measure).
void add_run(CLI::App& app, int& exit_code);
/// `bench reanalyze`: exit codes as bench run.
void add_reanalyze(CLI::App& app, int& exit_code);
/// `bench report RUN_DIR`: rebuilds index.html, junit.xml and exports/ from RUN_DIR/report.json.
void add_report(CLI::App& app);
/// `bench compare RUN_A RUN_B [...] | RUN --configurations FIX_A FIX_B`: compare.json and compare.html.
void add_compare(CLI::App& app);
/// `bench devices [--json]`: RtAudio APIs and devices and USB devices, each marked with the profiles it
/// matches; exit 0 also with no audio server or no USB bus (it says so).
void add_devices(CLI::App& app);
/// `bench steps [--json]`: the catalogue of step kinds, checks and settings.
void add_steps(CLI::App& app);

/// An option check: the number given lies in [lo, hi] (NaN never does). On failure CLI11 prints
/// "--option: X is out of range: use LO to HI UNIT" and bench exits 2. A value that is not a number is
/// left to the option's own conversion error.
[[nodiscard]] CLI::Validator in_range(double lo, double hi, const std::string& unit);

/// An option check: the number given is above lo ("--option: X must be above LO UNIT").
[[nodiscard]] CLI::Validator above(double lo, const std::string& unit);

/// An option check for unsigned integers: refuses a leading minus sign, which CLI11 would otherwise wrap
/// around (-1 read as 18446744073709551615), and anything above hi.
[[nodiscard]] CLI::Validator whole_number(unsigned long long hi);

}  // namespace bench::cli
