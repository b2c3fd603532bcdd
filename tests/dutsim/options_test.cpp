// bench-dutsim's command line (bench/dutsim/options.cpp), parsed without a JACK server: what main.cpp
// runs with, and the one error type (bench::InputError, exit 2) for everything it refuses.

#include "bench/dutsim/options.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <initializer_list>
#include <string>
#include <vector>

#include "bench/core/error.hpp"

namespace {

// This file is tests/dutsim/options_test.cpp.
std::string options_test_demo_plan() {
  return (std::filesystem::path(__FILE__).parent_path().parent_path().parent_path() / "profiles" / "plans" /
          "demo.toml")
      .string();
}

bench::dutsim::CommandLine parse_dutsim_args(std::initializer_list<std::string> args) {
  std::vector<std::string> all{"bench-dutsim"};
  all.insert(all.end(), args.begin(), args.end());
  std::vector<const char*> argv;
  for (const std::string& a : all) argv.push_back(a.c_str());
  return bench::dutsim::parse_command_line(static_cast<int>(argv.size()), argv.data());
}

// The message of the InputError parse_dutsim_args throws; fails the test when it throws nothing.
std::string dutsim_args_error(std::initializer_list<std::string> args) {
  try {
    (void)parse_dutsim_args(args);
  } catch (const bench::InputError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no InputError";
  return "";
}

}  // namespace

TEST(DutsimOptions, ReadsEveryOptionAsGiven) {
  const auto line = parse_dutsim_args({"--plan",
                                       options_test_demo_plan(),
                                       "--fixture",
                                       "hp_to_amp_rca_y",
                                       "--load",
                                       "r32",
                                       "--name",
                                       "dutsim2",
                                       "--seed",
                                       "7",
                                       "--clock-offset-ppm",
                                       "-150",
                                       "--stall-every-s",
                                       "5",
                                       "--stall-ms",
                                       "80",
                                       "--silence-channel",
                                       "1",
                                       "--silence-after-s",
                                       "0.5",
                                       "--exit-after-s",
                                       "2",
                                       "--server",
                                       "test"});
  ASSERT_TRUE(line.options.has_value());
  const bench::dutsim::Options& o = *line.options;
  EXPECT_EQ(o.plan, options_test_demo_plan());
  EXPECT_EQ(o.fixture, "hp_to_amp_rca_y");
  EXPECT_EQ(o.load, "r32");
  EXPECT_EQ(o.name, "dutsim2");
  EXPECT_EQ(o.server, "test");
  EXPECT_EQ(o.seed, 7u);
  ASSERT_TRUE(o.clock_offset_ppm.has_value());
  EXPECT_EQ(*o.clock_offset_ppm, -150);
  EXPECT_EQ(o.faults.stall_every_s, 5);
  EXPECT_EQ(o.faults.stall_ms, 80);
  EXPECT_EQ(o.faults.silence_channel, 1);
  EXPECT_EQ(o.faults.silence_after_s, 0.5);
  EXPECT_EQ(o.faults.exit_after_s, 2);
}

TEST(DutsimOptions, LeavesTheDefaultsWhenOnlyPlanAndFixtureAreGiven) {
  const auto line =
      parse_dutsim_args({"--plan", options_test_demo_plan(), "--fixture", "line_trs_to_amp_trs"});
  ASSERT_TRUE(line.options.has_value());
  EXPECT_EQ(line.options->name, "dutsim");
  EXPECT_EQ(line.options->seed, 1u);
  EXPECT_TRUE(line.options->load.empty());
  EXPECT_FALSE(line.options->clock_offset_ppm.has_value());  // the ADC profile's offset, not 0
  EXPECT_TRUE(line.help.empty());
}

TEST(DutsimOptions, AnswersHelpWithTheTextAndNoOptions) {
  for (const char* help : {"--help", "-h"}) {
    const auto line = parse_dutsim_args({help});
    EXPECT_FALSE(line.options.has_value()) << help;
    EXPECT_NE(line.help.find("--stall-every-s"), std::string::npos) << help;
  }
}

TEST(DutsimOptions, RefusesBadCommandLinesWithAnInputErrorPointingAtHelp) {
  const std::string plan = options_test_demo_plan();
  for (const std::string& message :
       {dutsim_args_error({"--fixture", "x"}),                               // no --plan
        dutsim_args_error({"--plan", plan}),                                 // no --fixture
        dutsim_args_error({"--plan", plan + ".missing", "--fixture", "x"}),  // not a file
        dutsim_args_error({"--plan", plan, "--fixture", "x", "--bogus"}),    // unknown option
        dutsim_args_error({"--plan", plan, "--fixture", "x", "--clock-offset-ppm", "1001"}),
        dutsim_args_error({"--plan", plan, "--fixture", "x", "--stall-ms", "80"}),  // without its partner
        dutsim_args_error(
            {"--plan", plan, "--fixture", "x", "--silence-channel", "2", "--silence-after-s", "1"}),
        dutsim_args_error({"--plan", plan, "--fixture", "x", "--exit-after-s", "0"})})
    EXPECT_NE(message.find("(see bench-dutsim --help)"), std::string::npos) << message;
}

// Found by fuzz_dutsim_options: CLI11 2.1's ranges let NaN through (every comparison with it is false), so
// "--exit-after-s nan" parsed and the fault never happened, and "--clock-offset-ppm nan" was "within"
// +-1000 ppm.
TEST(DutsimOptions, RefusesNanForEveryNumber) {
  const std::string plan = options_test_demo_plan();
  for (const auto& message :
       {dutsim_args_error({"--plan", plan, "--fixture", "x", "--clock-offset-ppm", "nan"}),
        dutsim_args_error({"--plan", plan, "--fixture", "x", "--stall-every-s", "nan", "--stall-ms", "80"}),
        dutsim_args_error({"--plan", plan, "--fixture", "x", "--stall-every-s", "5", "--stall-ms", "-nan"}),
        dutsim_args_error(
            {"--plan", plan, "--fixture", "x", "--silence-channel", "1", "--silence-after-s", "NAN"}),
        dutsim_args_error({"--plan", plan, "--fixture", "x", "--exit-after-s", "nan(1)"})})
    EXPECT_NE(message.find("not a number (see bench-dutsim --help)"), std::string::npos) << message;
}
