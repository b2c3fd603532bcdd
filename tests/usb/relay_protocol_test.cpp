// The USBRelay HID protocol as bytes (no USB needed) and the scripted board used for dry runs.
#include "bench/io/relay/relay_protocol.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <vector>

#include "bench/core/error.hpp"
#include "bench/io/relay/relay_board.hpp"
#include "bench/io/usb/usb_device.hpp"

namespace relay = bench::usb::relay;
using bench::usb::ScriptedRelayBoard;

namespace {

TEST(RelayProtocol, RelayCountFromProductString) {
  EXPECT_EQ(relay::relay_count_from_product("USBRelay1"), 1);
  EXPECT_EQ(relay::relay_count_from_product("USBRelay2"), 2);
  EXPECT_EQ(relay::relay_count_from_product("USBRelay4"), 4);
  EXPECT_EQ(relay::relay_count_from_product("USBRelay8"), 8);
  EXPECT_EQ(relay::relay_count_from_product("USBRelay0"), std::nullopt);
  EXPECT_EQ(relay::relay_count_from_product("USBRelay9"), std::nullopt);
  EXPECT_EQ(relay::relay_count_from_product("USBRelay16"), std::nullopt);
  EXPECT_EQ(relay::relay_count_from_product("USBRelay"), std::nullopt);
  EXPECT_EQ(relay::relay_count_from_product("USBRelay2 "), std::nullopt);
  EXPECT_EQ(relay::relay_count_from_product("HIDRelay2"), std::nullopt);
  EXPECT_EQ(relay::relay_count_from_product("usbrelay2"), std::nullopt);
  EXPECT_TRUE(relay::is_relay_product("USBRelay2"));
  EXPECT_FALSE(relay::is_relay_product("Scarlett 2i2 USB"));
}

TEST(RelayProtocol, SwitchReportsAreEightBytesCommandThenRelay) {
  EXPECT_EQ(relay::switch_report(1, true), (relay::Report{0xFF, 1, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(relay::switch_report(2, false), (relay::Report{0xFD, 2, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(relay::switch_report(8, true), (relay::Report{0xFF, 8, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(relay::switch_all_report(true), (relay::Report{0xFE, 0, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(relay::switch_all_report(false), (relay::Report{0xFC, 0, 0, 0, 0, 0, 0, 0}));
  EXPECT_THROW((void)relay::switch_report(0, true), bench::InputError);
  EXPECT_THROW((void)relay::switch_report(9, true), bench::InputError);
}

TEST(RelayProtocol, ControlTransferSetup) {
  EXPECT_EQ(relay::kRequestTypeOut, 0x21);  // host to device, class, interface
  EXPECT_EQ(relay::kRequestTypeIn, 0xA1);
  EXPECT_EQ(relay::kSetReport, 0x09);
  EXPECT_EQ(relay::kGetReport, 0x01);
  EXPECT_EQ(relay::kFeatureReport0, 0x0300);  // feature report (3) << 8 | report id 0
  EXPECT_EQ(relay::kInterface, 0);
}

TEST(RelayProtocol, StateReportHoldsIdAndBitmask) {
  const std::array<std::uint8_t, 8> report{'A', 'B', 'C', 'D', 'E', 0, 0, 0x05};
  const auto state = relay::parse_state_report(report);
  EXPECT_EQ(state.board_id, "ABCDE");
  EXPECT_EQ(state.mask, 0x05);
  EXPECT_TRUE(relay::relay_on(state.mask, 1));
  EXPECT_FALSE(relay::relay_on(state.mask, 2));
  EXPECT_TRUE(relay::relay_on(state.mask, 3));
  EXPECT_FALSE(relay::relay_on(state.mask, 9));
  const std::array<std::uint8_t, 8> short_id{'A', 'B', 0, 0, 0, 0, 0, 0x80};
  EXPECT_EQ(relay::parse_state_report(short_id).board_id, "AB");
  EXPECT_TRUE(relay::relay_on(0x80, 8));
  const std::vector<std::uint8_t> seven(7, 0);
  EXPECT_THROW((void)relay::parse_state_report(seven), bench::HardwareError);
}

TEST(RelayProtocol, MaskArithmetic) {
  EXPECT_EQ(relay::mask_after(0x00, 1, true), 0x01);
  EXPECT_EQ(relay::mask_after(0x03, 2, false), 0x01);
  EXPECT_EQ(relay::mask_after(0x01, 8, true), 0x81);
  EXPECT_EQ(relay::mask_after(0x01, 9, true), 0x01);
  EXPECT_EQ(relay::mask_after_all(2, true), 0x03);
  EXPECT_EQ(relay::mask_after_all(8, true), 0xFF);
  EXPECT_EQ(relay::mask_after_all(4, false), 0x00);
}

TEST(UsbMatch, EveryIdTheProfileSetsMustBeEqual) {
  bench::usb::UsbDevice scarlett;
  scarlett.vendor_id = 0x1235;
  scarlett.product_id = 0x8210;
  EXPECT_TRUE(bench::usb::matches({"", 0x1235, 0x8210}, scarlett));
  EXPECT_TRUE(bench::usb::matches({"", 0x1235, std::nullopt}, scarlett));
  EXPECT_FALSE(bench::usb::matches({"", 0x1235, 0x8211}, scarlett));
  EXPECT_FALSE(bench::usb::matches({"", 0x16c0, 0x8210}, scarlett));
  EXPECT_FALSE(
      bench::usb::matches({"Scarlett", std::nullopt, std::nullopt}, scarlett));  // no USB identity given
  EXPECT_EQ(bench::usb::usb_id_string(0x16c0, 0x05df), "16c0:05df");
}

TEST(ScriptedRelayBoard, RecordsEverySwitchAndKeepsState) {
  ScriptedRelayBoard board(4, "TEST1");
  EXPECT_EQ(board.relays(), 4);
  EXPECT_EQ(board.describe(), "scripted USBRelay4 id TEST1");
  board.set(1, true);
  board.set(3, true);
  board.set(1, false);
  EXPECT_EQ(board.state(), 0x04);
  const std::vector<ScriptedRelayBoard::Call> expected = {{1, true}, {3, true}, {1, false}};
  EXPECT_EQ(board.calls(), expected);
  EXPECT_THROW(board.set(5, true), bench::InputError);
  EXPECT_THROW(ScriptedRelayBoard(9), bench::InputError);
}

TEST(ScriptedRelayBoard, UnplugAfterNOperations) {
  ScriptedRelayBoard board(2);
  board.unplug_after(2);
  board.set(1, true);
  EXPECT_EQ(board.state(), 0x01);
  try {
    board.set(2, true);
    FAIL() << "no error after unplugging";
  } catch (const bench::HardwareError& e) {
    EXPECT_EQ(std::string(e.what()).rfind("USB relay board disappeared while switching relay 2: ", 0), 0U)
        << e.what();
    EXPECT_EQ(e.exit_code(), bench::ExitCode::kCannotMeasure);
  }
  EXPECT_THROW((void)board.state(), bench::HardwareError);
  EXPECT_EQ(board.calls().size(), 1U);  // the failed switch is not recorded
  EXPECT_EQ(board.peek_state(), 0x01);
}

}  // namespace
