#pragma once

// What the fuzz targets of tests/fuzz/ share: the repository, a scratch bench root per process and the
// one way an input becomes a file. Each target is one file, fuzz_<name>.cpp, defining
// LLVMFuzzerTestOneInput and running each parser through parses(): bench::Error and its subclasses are
// the parsers' expected answer to a bad input, anything else that escapes (std::bad_alloc,
// std::logic_error, nlohmann's or toml++'s exceptions) aborts like a crash, a sanitizer report or a leak:
// each is a bug. Built with libFuzzer in the fuzz tree
// (-DBENCH_FUZZ=ON) and, in every other tree, into fuzz_regression, which runs the regression inputs of
// tests/data/fuzz/ once (fuzz_regression.cpp). [one thread: the fuzzer's]

#include <cstddef>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <string>
#include <string_view>
#include <typeinfo>

#include "bench/core/error.hpp"

namespace bench::fuzz {

/// The repository's root (the source tree this was built from).
[[nodiscard]] const std::filesystem::path& repo_root();

/// This process's bench root: a copy of the repository's profiles/ and fixtures/ made on first use, under
/// /dev/shm when there is one (a tmpfs: the targets write their input there for every run), else under the
/// temporary directory; removed at exit, and a dead process's copy is removed by the next one. Inputs are
/// written into it, so load_plan follows a plan's references to the repository's own profiles.
[[nodiscard]] const std::filesystem::path& scratch_root();

/// Writes the input to file (replacing it) and returns file. Aborts when it cannot be written: a broken
/// harness must not look like a clean run.
const std::filesystem::path& write_input(const std::filesystem::path& file, const std::uint8_t* data,
                                         std::size_t size);

/// Aborts with "fuzz: <what>" on stderr: an input broke a property the target checks beyond "no crash"
/// (e.g. that a record read back is written and read again unchanged). libFuzzer saves the input.
[[noreturn]] void violated(std::string_view what);

/// Runs parse() (the parser called `what` on the input) under the parsers' contract: true when it returned
/// a value, false when it threw bench::Error (its own input error); any other exception aborts with
/// "fuzz: <what> threw <type>: <message>", which libFuzzer reports as a crash and saves the input.
template <class Parse>
bool parses(std::string_view what, Parse&& parse) {
  try {
    parse();
    return true;
  } catch (const bench::Error&) {
    return false;
  } catch (const std::exception& e) {
    violated(std::string(what)
                 .append(" threw ")
                 .append(typeid(e).name())
                 .append(", not bench::Error: ")
                 .append(e.what()));
  } catch (...) {
    violated(std::string(what).append(" threw something that is not a std::exception"));
  }
}

}  // namespace bench::fuzz
