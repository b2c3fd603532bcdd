#pragma once

// Shared helpers of the plan tests: the repository's own profiles, scratch directories and error checks.

#include <gtest/gtest.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "bench/core/error.hpp"

namespace bench::plan::test {

/// The repository root: this file is tests/plan/test_support.hpp.
inline std::filesystem::path repo_root() {
  return std::filesystem::path(__FILE__).parent_path().parent_path().parent_path();
}

/// A fresh, empty scratch directory per test (ctest may run tests in parallel processes).
inline std::filesystem::path scratch_dir() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string name = std::string(info->test_suite_name()) + "." + info->name();
  for (char& c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_') c = '_';
  const std::filesystem::path dir = std::filesystem::path(BENCH_TEST_TMP) / "plan" / name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

/// Writes text to dir/relative, creating directories on the way; returns the full path.
inline std::filesystem::path write_file(const std::filesystem::path& dir,
                                        const std::filesystem::path& relative, const std::string& text) {
  const std::filesystem::path path = dir / relative;
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

/// Copies the repository's profiles/ and fixtures/ into dir, so that a test can add or replace files.
inline void copy_bench_tree(const std::filesystem::path& dir) {
  for (const char* sub : {"profiles", "fixtures"})
    std::filesystem::copy(repo_root() / sub, dir / sub, std::filesystem::copy_options::recursive);
}

/// Marks an edit whose `from` text is missing from its base, so the test can fail on it.
inline constexpr const char* kEditNotFound = "EDIT NOT FOUND";

/// base with the first `from` replaced by `to`; kEditNotFound and `from` if `from` is not there.
inline std::string edit(const std::string& base, const std::string& from, const std::string& to) {
  const auto at = base.find(from);
  if (at == std::string::npos) return std::string(kEditNotFound) + ": " + from;
  return base.substr(0, at) + to + base.substr(at + from.size());
}

/// A valid plan against the repository's profiles and fixtures: the base that plan test rows edit. Its
/// [settings] table is on line 11 and reference_load on line 12.
inline constexpr const char* kBasePlan = R"(
[plan]
name = "Test plan"
interface = "scarlett_2i2"
amp = "desktop_amp"
adc = "reference_adc"
limits = "qa_default"
loads = ["r32", "r300"]
fixtures = ["line_trs_to_amp_trs"]

[settings]
reference_load = "r300"
)";

/// Writes text as dir/profiles/plans/<stem>.toml beside a copy of the repository's profiles and fixtures
/// (copied once per dir) and returns the plan's path.
inline std::filesystem::path write_plan(const std::filesystem::path& dir, const std::string& stem,
                                        const std::string& text) {
  if (!std::filesystem::exists(dir / "profiles")) copy_bench_tree(dir);
  return write_file(dir, std::filesystem::path("profiles/plans") / (stem + ".toml"), text);
}

/// Runs f and expects a bench::ConfigError whose one-line message contains every needle.
template <class F>
void expect_config_error(F&& f, const std::vector<std::string>& needles) {
  try {
    f();
    ADD_FAILURE() << "no exception thrown";
  } catch (const ConfigError& e) {
    const std::string message = e.what();
    EXPECT_EQ(message.find('\n'), std::string::npos) << "message is not one line: " << message;
    for (const auto& n : needles)
      EXPECT_NE(message.find(n), std::string::npos) << message << "\n  lacks: " << n;
  } catch (const std::exception& e) {
    ADD_FAILURE() << "threw a non-ConfigError: " << e.what();
  }
}

}  // namespace bench::plan::test
