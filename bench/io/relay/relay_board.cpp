#include "bench/io/relay/relay_board.hpp"

#include <utility>

#include "bench/core/error.hpp"
#include "bench/io/relay/relay_protocol.hpp"

namespace bench::usb {

RelayBoard::~RelayBoard() = default;

// ---------------------------------------------------------------------------------------------------
// ScriptedRelayBoard

ScriptedRelayBoard::ScriptedRelayBoard(int relays, std::string id) : relays_(relays), id_(std::move(id)) {
  if (relays < 1 || relays > relay::kMaxRelays) {
    throw InputError("a relay board has 1 to 8 relays, not " + std::to_string(relays));
  }
}

std::string ScriptedRelayBoard::describe() const {
  return "scripted USBRelay" + std::to_string(relays_) + " id " + id_;
}

void ScriptedRelayBoard::count_operation(const std::string& what) {
  if (!remaining_) return;
  if (*remaining_ <= 0) {
    throw HardwareError(
        "USB relay board disappeared while " + what +
        ": LIBUSB_ERROR_NO_DEVICE (scripted unplug); check its cable, replug it and run again");
  }
  --*remaining_;
}

void ScriptedRelayBoard::set(int relay, bool on) {
  if (relay < 1 || relay > relays_) {
    throw InputError("relay " + std::to_string(relay) + " does not exist on " + describe() +
                     " (relays 1 to " + std::to_string(relays_) + ")");
  }
  count_operation("switching relay " + std::to_string(relay));
  mask_ = relay::mask_after(mask_, relay, on);
  calls_.push_back({relay, on});
}

std::uint8_t ScriptedRelayBoard::state() {
  count_operation("reading its state");
  return mask_;
}

}  // namespace bench::usb
