#pragma once

// Relay boards that switch the bench's cabling (fixtures) without a person at the patch bay: the
// interface the sequencer drives and a scripted board for tests and dry runs (no libusb here; the real
// HID board is bench/io/usb/hid_relay_board.hpp).
//
// Threads: a RelayBoard is not thread-safe. One thread owns it (the session thread that runs the
// plan) and makes every call; it may be created on one thread and handed to another, but never used
// from two at once. Nothing here is called from the audio callback: a relay switch is a USB control
// transfer that takes milliseconds.
//
// Errors: every failure is a bench::HardwareError (exit code 3, "cannot measure") whose message is
// one line naming the board and the fix.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace bench::usb {

/// A board of 1..8 relays, numbered from 1.
class RelayBoard {
 public:
  RelayBoard() = default;
  RelayBoard(const RelayBoard&) = delete;
  RelayBoard& operator=(const RelayBoard&) = delete;
  virtual ~RelayBoard();

  /// One line for logs and reports, e.g. "USBRelay2 id ABCDE at bus 001 address 005".
  [[nodiscard]] virtual std::string describe() const = 0;
  /// Number of relays (1..8).
  [[nodiscard]] virtual int relays() const = 0;
  /// Switches relay `relay` (1..relays()) on or off. Throws bench::InputError for a relay number out of
  /// range, bench::HardwareError when the board does not do it.
  virtual void set(int relay, bool on) = 0;
  /// Current relay bitmask as the board reports it (bit 0 = relay 1).
  [[nodiscard]] virtual std::uint8_t state() = 0;
};

/// A board in memory, for tests and dry runs: records every set() and keeps the state. It can be told
/// to behave as if unplugged after a number of operations (set() and state() both count).
class ScriptedRelayBoard final : public RelayBoard {
 public:
  struct Call {
    int relay = 0;
    bool on = false;
    bool operator==(const Call&) const = default;
  };

  explicit ScriptedRelayBoard(int relays = 2, std::string id = "SCRPT");

  [[nodiscard]] std::string describe() const override;
  [[nodiscard]] int relays() const override { return relays_; }
  void set(int relay, bool on) override;
  [[nodiscard]] std::uint8_t state() override;

  /// Every successful set(), in order.
  [[nodiscard]] const std::vector<Call>& calls() const { return calls_; }
  /// The state without counting an operation.
  [[nodiscard]] std::uint8_t peek_state() const { return mask_; }
  /// After `operations` more successful operations, every further one throws the HardwareError a
  /// real board gives when it disappears. 0: the next one already fails.
  void unplug_after(int operations) { remaining_ = operations; }

 private:
  void count_operation(const std::string& what);

  int relays_;
  std::string id_;
  std::uint8_t mask_ = 0;
  std::vector<Call> calls_;
  std::optional<int> remaining_;
};

}  // namespace bench::usb
