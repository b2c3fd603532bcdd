#pragma once

#include <stdexcept>
#include <string>

namespace bench {

/// Process exit codes, documented in README. Mapped from exceptions in one place (exit_code_for).
enum class ExitCode : int {
  kOk = 0,
  kCheckFailed = 1,    ///< a measured value is out of its limit (a FAIL, not an error)
  kUsage = 2,          ///< bad command line, missing or malformed input file, bad configuration
  kCannotMeasure = 3,  ///< the measurement is impossible or invalid (no signal, clipped capture, device gone)
  kCannotWrite = 4,    ///< an output file could not be written (no space, no permission, read-only)
  kInternal = 70,      ///< a bug: an unexpected exception escaped
};

/// Base of every error the bench reports. The message is one line that names the thing and the fix.
class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
  /// The exit code this error maps to.
  [[nodiscard]] virtual ExitCode exit_code() const noexcept { return ExitCode::kUsage; }
};

/// Bad input: a file that is missing or malformed, an argument out of range, a configuration mistake.
class InputError : public Error {
 public:
  using Error::Error;
};

/// Bad profile, fixture or plan.
class ConfigError : public Error {
 public:
  using Error::Error;
};

/// The measurement cannot be made or would be invalid: no signal, clipping, capture too short.
class MeasurementError : public Error {
 public:
  using Error::Error;
  [[nodiscard]] ExitCode exit_code() const noexcept override { return ExitCode::kCannotMeasure; }
};

/// A hardware boundary failed: device missing, disappeared, refused a setting.
class HardwareError : public Error {
 public:
  using Error::Error;
  [[nodiscard]] ExitCode exit_code() const noexcept override { return ExitCode::kCannotMeasure; }
};

/// An output file could not be written or put in place: no space left, no permission, a read-only file
/// system, a file too large. What was written before stays as it was.
class OutputError : public Error {
 public:
  using Error::Error;
  [[nodiscard]] ExitCode exit_code() const noexcept override { return ExitCode::kCannotWrite; }
};

/// Exit code of any exception: bench errors map to their own code, anything else is internal.
[[nodiscard]] ExitCode exit_code_for(const std::exception& e) noexcept;

}  // namespace bench
