// Tier 2, fixtures that switch themselves: a fixture's [relays] table drives a (scripted) relay board
// from the sequencer: the exact relay switches for each load, the state recorded in the report, no
// operator prompt where the board does the work, a prompt where it cannot, and a board unplugged
// mid-run stopping the run as a broken bench (not a failed device).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "bench/io/relay/relay_board.hpp"
#include "session_test_support.hpp"

namespace bench::session::test {
namespace {

using Call = usb::ScriptedRelayBoard::Call;

// The impedance plan's first configuration with the reference load and one headphone, and a relay map:
// relay 3 selects the cable path; r300 is relay 2, r33 relay 1, the headphone relays 1 and 2, open none.
plan::Plan relay_plan() {
  plan::Plan p = cut_plan(base_plan("impedance"), {"line_trs_to_amp_trs"}, {"r300", "hp_dynamic_32"});
  p.settings.impedance_ports.clear();
  plan::RelaySetting relays;
  relays.path = {3};
  relays.loads = {{"open", {}}, {"r33", {1}}, {"r300", {2}}, {"hp_dynamic_32", {1, 2}}};
  relays.settling_s = 0;
  p.fixtures.front().relays = relays;
  return resequence(p);
}

struct Recorded {
  SessionResult result;
  std::vector<std::string> prompts;
};

Recorded run_with(const plan::Plan& p, usb::RelayBoard* board, bool prompts) {
  SimEndpoint endpoint(p, 3);
  RunOptions options;
  options.run_dir = fresh_dir("relays");
  options.write_captures = false;
  options.relay_board = board;
  options.operator_prompts = prompts;
  Recorded r;
  options.ask_operator = [&](const std::string& text) {
    r.prompts.push_back(text);
    return true;
  };
  r.result = Sequencer(p, endpoint, options).run();
  return r;
}

TEST(RelayFixture, TheBoardSwitchesEachLoadAndTheStateIsRecorded) {
  const plan::Plan p = relay_plan();
  usb::ScriptedRelayBoard board(4);
  const Recorded r = run_with(p, &board, true);
  ASSERT_EQ(r.result.configurations.size(), 1u);
  const auto& c = r.result.configurations.front();
  EXPECT_FALSE(r.result.aborted.has_value());
  // The order the sequencer uses the loads in: reference (r300) at the start; maximum output into r300,
  // then hp_dynamic_32; the reference for the noise; then the impedance loads open, r33, r300 and the
  // headphone. Each time only the relays that differ from {path 3} + the load's are switched.
  const std::vector<Call> expected = {
      {2, true},  {3, true},  // r300 + path
      {1, true},              // hp_dynamic_32 (1, 2)
      {1, false},             // r300 again
      {2, false},             // open: path only
      {1, true},              // r33
      {1, false}, {2, true},  // r300
      {1, true},              // hp_dynamic_32
  };
  EXPECT_EQ(board.calls(), expected);
  EXPECT_EQ(board.peek_state(), 0b0111);
  // No prompt at all: the board sets the cable path and every load the plan uses.
  EXPECT_TRUE(r.prompts.empty()) << r.prompts.front();
  // The report records every switch with the state the board reported; a load that is on already (r300
  // for the first maximum output) is not switched again.
  const auto& events = c.relays;
  ASSERT_EQ(events.size(), 7u);
  EXPECT_EQ(events[0].purpose, "load r300");
  EXPECT_EQ(events[0].relays_on, (std::vector<int>{2, 3}));
  EXPECT_EQ(events[0].state, 0b0110);
  EXPECT_EQ(events[3].purpose, "load open");
  EXPECT_EQ(events[3].state, 0b0100);
  EXPECT_EQ(events[6].purpose, "load hp_dynamic_32");
  EXPECT_EQ(events[6].state, 0b0111);
  EXPECT_TRUE(contains(events[0].board, "SCRPT")) << events[0].board;
  // Switching by relays measures the same chain: the impedance comes out as without a board.
  for (const char* side : {"left", "right"})
    if (const Check* k = one_check(c, "output_impedance_ohm", side)) {
      EXPECT_NEAR(value_of(*k), p.amp.output_impedance_ohm, 0.02 * p.amp.output_impedance_ohm);
    }
}

TEST(RelayFixture, WithoutABoardTheOperatorIsAskedForEachLoad) {
  const plan::Plan p = relay_plan();
  const Recorded r = run_with(p, nullptr, true);
  ASSERT_FALSE(r.prompts.empty());
  EXPECT_EQ(r.prompts.front(), p.fixtures.front().instruction);
  const std::vector<std::string> loads = {"hp_dynamic_32", "r300", "open", "r33", "r300", "hp_dynamic_32"};
  ASSERT_EQ(r.prompts.size(), 1 + loads.size());
  EXPECT_EQ(r.prompts[1],
            "Connect the load 'Dynamic headphone, 32 ohm class' (hp_dynamic_32) to the amplifier's output in "
            "place of 'r300'");
  EXPECT_EQ(r.prompts[3],
            "Disconnect the load 'r300' from the amplifier's output and leave it open (only the reference "
            "ADC on it)");
  EXPECT_EQ(r.prompts[4],
            "Connect the load '33 ohm resistor, 1 %' (r33) to the amplifier's output in place of 'open'");
  EXPECT_TRUE(r.result.configurations.front().relays.empty());
}

TEST(RelayFixture, ALoadTheBoardCannotSwitchIsPromptedAfterThePathIsSet) {
  plan::Plan p = relay_plan();
  p.fixtures.front().relays->loads.erase("r33");
  usb::ScriptedRelayBoard board(4);
  const Recorded r = run_with(p, &board, true);
  ASSERT_EQ(r.prompts.size(), 1u);
  EXPECT_EQ(r.prompts[0],
            "Connect the load '33 ohm resistor, 1 %' (r33) to the amplifier's output in place of 'open'");
}

TEST(RelayFixture, ABoardUnpluggedMidRunStopsTheRunAsAnError) {
  const plan::Plan p = relay_plan();
  usb::ScriptedRelayBoard board(4);
  // Five operations succeed (state, set 2, set 3, state at the start; state before the switch to the
  // headphone for maximum output), the sixth (switching relay 1 on) finds the board gone.
  board.unplug_after(5);
  const Recorded r = run_with(p, &board, false);
  ASSERT_TRUE(r.result.aborted.has_value());
  EXPECT_TRUE(contains(*r.result.aborted, "disappeared")) << *r.result.aborted;
  EXPECT_EQ(r.result.outcome, Outcome::kError);
  ASSERT_EQ(r.result.configurations.size(), 1u);
  EXPECT_EQ(r.result.configurations.front().outcome, Outcome::kError);
  // Nothing failed because of the board: every check made before it went is a device verdict.
  for (const auto& k : r.result.configurations.front().checks)
    EXPECT_NE(k.outcome, Outcome::kFail) << describe(k);
}

}  // namespace
}  // namespace bench::session::test
