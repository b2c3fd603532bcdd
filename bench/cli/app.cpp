#include "bench/cli/app.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <exception>
#include <optional>
#include <string>

#include "bench/core/error.hpp"
#include "bench/core/format.hpp"
#include "bench/core/version.hpp"

namespace bench::cli {
namespace {

void print_error(const std::string& message) {
  std::fprintf(stderr, "bench: error: %s\n", message.c_str());
}

// The commands, "generate, analyze, ...", in the order --help lists them.
std::string command_list(CLI::App& app) {
  std::string names;
  for (const CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; }))
    names.append(names.empty() ? "" : ", ").append(sub->get_name());
  return names;
}

// CLI11 answers an unknown command with "A subcommand is required": name it and list the real ones. The
// command is the first argument that is not one of the global flags.
void reject_unknown_command(CLI::App& app, int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "-v" || arg == "--verbose" || arg == "-q" || arg == "--quiet") continue;
    if (arg.starts_with("-")) return;  // --help, --version, or a bad option CLI11 names itself
    for (const CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; }))
      if (sub->get_name() == arg) return;
    throw CLI::ParseError(
        std::string(arg).append(": not a bench command; the commands are ").append(command_list(app)),
        static_cast<int>(ExitCode::kUsage));
  }
  throw CLI::ParseError(std::string("a command is required, one of ").append(command_list(app)),
                        static_cast<int>(ExitCode::kUsage));
}

// The option's text as a number; nullopt when it is not one (the option's conversion says so then).
std::optional<double> as_number(const std::string& text) {
  try {
    std::size_t used = 0;
    const double v = std::stod(text, &used);
    if (used == text.size()) return v;
  } catch (const std::exception&) {
  }
  return std::nullopt;
}

std::string with_unit(double v, const std::string& unit) {
  return unit.empty() ? number_text(v) : number_text(v) + " " + unit;
}

}  // namespace

void create_output_dir(const std::filesystem::path& dir, const char* option) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (!ec && std::filesystem::is_directory(dir, ec)) return;
  const std::string why = ec ? ec.message() : std::string("a file of that name is in the way");
  throw InputError(dir.string() + ": cannot create the output directory (" + why + "): give " + option +
                   " a directory that can be written");
}

CLI::Validator in_range(double lo, double hi, const std::string& unit) {
  return CLI::Validator(
      [lo, hi, unit](std::string& text) {
        const auto v = as_number(text);
        if (!v || (*v >= lo && *v <= hi)) return std::string();
        return text + " is out of range: use " + number_text(lo) + " to " + with_unit(hi, unit);
      },
      number_text(lo) + " to " + with_unit(hi, unit));
}

CLI::Validator above(double lo, const std::string& unit) {
  return CLI::Validator(
      [lo, unit](std::string& text) {
        const auto v = as_number(text);
        if (!v || *v > lo) return std::string();
        return text + " must be above " + with_unit(lo, unit);
      },
      "above " + with_unit(lo, unit));
}

CLI::Validator whole_number(unsigned long long hi) {
  return CLI::Validator(
      [hi](std::string& text) {
        const auto v = as_number(text);
        if (!v) return std::string();
        if (text.find_first_of("-.eE") != std::string::npos || *v > static_cast<double>(hi))
          return text + " is out of range: use a whole number from 0 to " + std::to_string(hi);
        return std::string();
      },
      "0 to " + std::to_string(hi));
}

int run(int argc, char** argv) {
  // Past `ulimit -f` a write fails with EFBIG (an error with its own exit code, 4) instead of the
  // default SIGXFSZ killing the bench with nothing reported.
  std::signal(SIGXFSZ, SIG_IGN);
  CLI::App app{
      "bench: headphone-chain audio test bench (stimulus generation, sweep, THD+N and noise analysis)",
      "bench"};
  app.set_version_flag("--version", std::string("bench ") + kVersion);
  app.require_subcommand(1);
  bool verbose = false, quiet = false;
  app.add_flag("-v,--verbose", verbose, "log details (debug level)");
  app.add_flag("-q,--quiet", quiet, "log errors only");
  app.footer(
      "Exit codes: 0 ok, 1 a check failed, 2 usage or input error, 3 measurement impossible or run stopped "
      "early, 4 an output file could not be written (no space, no permission).");
  app.parse_complete_callback([&] {
    // Logs go to stderr so stdout carries only results (JSON) and can be piped.
    auto logger = spdlog::stderr_color_mt("bench");
    logger->set_pattern("%^%l%$: %v");
    logger->set_level(quiet ? spdlog::level::err : verbose ? spdlog::level::debug : spdlog::level::info);
    spdlog::set_default_logger(logger);
  });
  add_generate(app);
  add_analyze(app);
  add_selftest(app);
  int exit_code = 0;
  add_run(app, exit_code);
  add_reanalyze(app, exit_code);
  add_report(app);
  add_compare(app);
  add_devices(app);
  add_steps(app);
  try {
    reject_unknown_command(app, argc, argv);
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
    print_error(std::string(e.what()) + " (see bench --help)");
    return static_cast<int>(ExitCode::kUsage);
  } catch (const std::exception& e) {
    const ExitCode code = exit_code_for(e);
    print_error(code == ExitCode::kInternal
                    ? std::string("internal error: ") + e.what() + ": please report it with the command line"
                    : e.what());
    return static_cast<int>(code);
  }
  return exit_code;
}

}  // namespace bench::cli
