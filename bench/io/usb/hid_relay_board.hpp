#pragma once

// The real "USBRelayN" HID relay board through libusb (the RelayBoard interface: bench/io/relay/).

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "bench/io/relay/relay_board.hpp"

namespace bench::usb {

/// A real "USBRelayN" HID board (16c0:05df) driven through libusb control transfers (protocol in
/// relay_protocol.hpp). Opening detaches the kernel's usbhid driver from interface 0 for as long as the
/// board is open (libusb auto-detach) and claims the interface; the destructor releases it and lets the
/// kernel driver back.
class HidRelayBoard final : public RelayBoard {
 public:
  /// Opens the first board whose product string starts with "USBRelay" or, given `board_id`, the one
  /// whose 5-character id (bytes 0..4 of its state report) equals it. Throws bench::HardwareError:
  ///   not found:  "no USB relay board (16c0:05df USBRelayN) found: plug it in, or run without relays
  ///                and answer the prompts" (with the id when one was asked for)
  ///   no access:  "USB relay board 16c0:05df at bus B address A is not accessible: install
  ///                fixtures/udev/50-bench-relay.rules into /etc/udev/rules.d/ and replug it"
  ///   no USB:     "no USB relay board can be used: <why libusb cannot start> ..."
  [[nodiscard]] static std::unique_ptr<HidRelayBoard> open(
      const std::optional<std::string>& board_id = std::nullopt);

  ~HidRelayBoard() override;

  [[nodiscard]] std::string describe() const override;
  [[nodiscard]] int relays() const override { return relays_; }
  /// Sends the switch report, then reads the state back and checks the relay followed. A board that
  /// vanished (LIBUSB_ERROR_NO_DEVICE, LIBUSB_ERROR_IO, ...) gives "USB relay board disappeared while
  /// switching relay N: <libusb error>; check its cable, replug it and run again".
  void set(int relay, bool on) override;
  /// Switches every relay with one report (0xFE / 0xFC).
  void set_all(bool on);
  [[nodiscard]] std::uint8_t state() override;
  /// The board's 5-character id.
  [[nodiscard]] const std::string& board_id() const { return board_id_; }

  /// Control transfer timeout.
  static constexpr unsigned kTimeoutMs = 1000;

 private:
  struct Handle;
  HidRelayBoard(std::unique_ptr<Handle> handle, int relays, std::string product, std::string board_id);
  [[nodiscard]] std::uint8_t read_state(const std::string& doing);

  std::unique_ptr<Handle> handle_;
  int relays_;
  std::string product_;
  std::string board_id_;
};

}  // namespace bench::usb
