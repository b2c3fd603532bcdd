#pragma once

// The wire protocol of the common HID relay boards ("USBRelay1/2/4/8", V-USB firmware, shared id
// 16c0:05df). Pure functions, no I/O; HidRelayBoard sends what these build.
//
// All commands are 8-byte HID feature reports with report id 0, carried by control transfers on
// endpoint 0 to interface 0:
//   switch:  SET_REPORT  bmRequestType 0x21, bRequest 0x09, wValue 0x0300, wIndex 0, 8 bytes
//            {0xFF, N, 0...} relay N on, {0xFD, N, 0...} relay N off (N 1-based),
//            {0xFE, 0, 0...} all on,     {0xFC, 0, 0...} all off
//   state:   GET_REPORT  bmRequestType 0xA1, bRequest 0x01, wValue 0x0300, wIndex 0, 8 bytes back:
//            bytes 0..4 the board's 5-character id ("serial"), byte 5 zero, byte 7 the relay bitmask
//            (bit 0 = relay 1).
//
// Threads: all functions are pure and may be called from any thread.

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace bench::usb::relay {

inline constexpr std::uint16_t kVendorId = 0x16c0;
inline constexpr std::uint16_t kProductId = 0x05df;
inline constexpr std::string_view kProductPrefix = "USBRelay";
inline constexpr int kMaxRelays = 8;

inline constexpr std::uint8_t kRequestTypeOut = 0x21;  ///< host to device, class, interface
inline constexpr std::uint8_t kRequestTypeIn = 0xA1;   ///< device to host, class, interface
inline constexpr std::uint8_t kGetReport = 0x01;
inline constexpr std::uint8_t kSetReport = 0x09;
inline constexpr std::uint16_t kFeatureReport0 = 0x0300;  ///< wValue: report type feature (3), report id 0
inline constexpr std::uint16_t kInterface = 0;
inline constexpr std::size_t kReportSize = 8;

inline constexpr std::uint8_t kCmdOn = 0xFF;
inline constexpr std::uint8_t kCmdOff = 0xFD;
inline constexpr std::uint8_t kCmdAllOn = 0xFE;
inline constexpr std::uint8_t kCmdAllOff = 0xFC;

using Report = std::array<std::uint8_t, kReportSize>;

/// Relay count from the product string: "USBRelay8" -> 8. Anything that is not "USBRelay" followed by
/// a number 1..8 (and nothing else) -> nullopt.
[[nodiscard]] std::optional<int> relay_count_from_product(std::string_view product);

/// Whether a product string names a relay board ("USBRelay" prefix, whatever follows).
[[nodiscard]] bool is_relay_product(std::string_view product);

/// SET_REPORT payload switching one relay (1-based, 1..8). Throws bench::InputError for other numbers.
[[nodiscard]] Report switch_report(int relay, bool on);

/// SET_REPORT payload switching all relays.
[[nodiscard]] Report switch_all_report(bool on);

/// A parsed GET_REPORT answer.
struct State {
  std::string board_id;   ///< bytes 0..4 up to the first NUL ("serial" printed on the board by tools)
  std::uint8_t mask = 0;  ///< byte 7, bit k = relay k+1 on
};

/// Parses a GET_REPORT answer of exactly 8 bytes; throws bench::HardwareError for another length.
[[nodiscard]] State parse_state_report(std::span<const std::uint8_t> report);

/// Whether relay (1-based) is on in a state mask.
[[nodiscard]] bool relay_on(std::uint8_t mask, int relay);

/// The mask after switching one relay (1-based).
[[nodiscard]] std::uint8_t mask_after(std::uint8_t mask, int relay, bool on);

/// The mask after switching all relays of a board of `relays` relays.
[[nodiscard]] std::uint8_t mask_after_all(int relays, bool on);

}  // namespace bench::usb::relay
