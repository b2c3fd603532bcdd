#include "bench/io/usb/hid_relay_board.hpp"

#include <libusb.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <system_error>
#include <utility>

#include "bench/core/error.hpp"
#include "bench/io/relay/relay_protocol.hpp"
#include "bench/io/usb/libusb_util.hpp"

namespace bench::usb {

// ---------------------------------------------------------------------------------------------------
// HidRelayBoard

struct HidRelayBoard::Handle {
  Context ctx;
  libusb_device_handle* h = nullptr;
  bool claimed = false;
  int bus = 0;
  int address = 0;

  Handle() = default;
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle() { close(); }
  void close() {
    if (h == nullptr) return;
    if (claimed) libusb_release_interface(h, relay::kInterface);  // auto-detach gives the kernel driver back
    libusb_close(h);
    h = nullptr;
    claimed = false;
  }
};

namespace {

const char* const kNotFound =
    "no USB relay board (16c0:05df USBRelayN) found: plug it in, or run without relays and answer the "
    "prompts";

std::string access_message(int bus, int address) {
  std::array<char, 64> where{};
  std::snprintf(where.data(), where.size(), "at bus %03d address %03d", bus, address);
  return std::string("USB relay board 16c0:05df ") + where.data() +
         " is not accessible: install fixtures/udev/50-bench-relay.rules into /etc/udev/rules.d/ and replug "
         "it";
}

// GET_REPORT into `out`; the libusb result (bytes or error).
int get_state_report(libusb_device_handle* h, relay::Report& out) {
  return libusb_control_transfer(h, relay::kRequestTypeIn, relay::kGetReport, relay::kFeatureReport0,
                                 relay::kInterface, out.data(), static_cast<std::uint16_t>(out.size()),
                                 HidRelayBoard::kTimeoutMs);
}

int send_report(libusb_device_handle* h, relay::Report report) {
  return libusb_control_transfer(h, relay::kRequestTypeOut, relay::kSetReport, relay::kFeatureReport0,
                                 relay::kInterface, report.data(), static_cast<std::uint16_t>(report.size()),
                                 HidRelayBoard::kTimeoutMs);
}

std::string transfer_error(int rc) {
  if (rc < 0) return libusb_error_text(rc);
  return "short transfer (" + std::to_string(rc) + " of 8 bytes)";
}

}  // namespace

std::unique_ptr<HidRelayBoard> HidRelayBoard::open(const std::optional<std::string>& board_id) {
  const std::string wanted = board_id ? " with id " + *board_id : "";
  std::error_code ec;
  if (!std::filesystem::exists("/dev/bus/usb", ec)) {
    throw HardwareError(
        "no USB relay board can be used: /dev/bus/usb does not exist (no USB here): run on the bench "
        "machine, "
        "or run without relays and answer the prompts");
  }
  auto handle = std::make_unique<Handle>();
  if (const int rc = handle->ctx.init(); rc != 0) {
    throw HardwareError("no USB relay board can be used: libusb cannot start: " + libusb_error_text(rc) +
                        ": run without relays and answer the prompts");
  }
  libusb_device** list = nullptr;
  const ssize_t count = libusb_get_device_list(handle->ctx.get(), &list);
  if (count < 0) {
    throw HardwareError("no USB relay board can be used: libusb cannot list devices: " +
                        libusb_error_text(static_cast<int>(count)) +
                        ": run without relays and answer the prompts");
  }
  const std::unique_ptr<libusb_device*, void (*)(libusb_device**)> guard(
      list, [](libusb_device** l) { libusb_free_device_list(l, 1); });

  std::optional<std::string> access_error;  // the first board we were not allowed to open
  std::optional<std::string> other_error;   // the first board that failed otherwise
  for (ssize_t i = 0; i < count; ++i) {
    libusb_device* dev = list[i];
    libusb_device_descriptor desc{};
    if (libusb_get_device_descriptor(dev, &desc) != 0) continue;
    if (desc.idVendor != relay::kVendorId || desc.idProduct != relay::kProductId) continue;
    const int bus = libusb_get_bus_number(dev);
    const int address = libusb_get_device_address(dev);

    libusb_device_handle* h = nullptr;
    if (const int rc = libusb_open(dev, &h); rc != 0) {
      if (rc == LIBUSB_ERROR_ACCESS) {
        if (!access_error) access_error = access_message(bus, address);
      } else if (!other_error) {
        other_error = "USB relay board 16c0:05df at " + usbfs_node(bus, address) +
                      " cannot be opened: " + libusb_error_text(rc) + ": replug it and run again";
      }
      continue;
    }
    handle->h = h;
    handle->bus = bus;
    handle->address = address;

    // 16c0:05df is V-USB's shared HID id: only a "USBRelayN" product string makes it a relay board.
    std::array<unsigned char, 128> product_buf{};
    const int n = libusb_get_string_descriptor_ascii(h, desc.iProduct, product_buf.data(),
                                                     static_cast<int>(product_buf.size()));
    const std::string product =
        n > 0 ? std::string(reinterpret_cast<const char*>(product_buf.data()), static_cast<std::size_t>(n))
              : std::string();
    const std::optional<int> relays = relay::relay_count_from_product(product);
    if (!relays) {
      handle->close();
      if (n < 0 && !other_error) {
        other_error = "USB device 16c0:05df at " + usbfs_node(bus, address) +
                      " does not tell its product string (" + libusb_error_text(n) +
                      "), so it cannot be recognised as a relay board: replug it and run again";
      }
      continue;
    }

    libusb_set_auto_detach_kernel_driver(h, 1);  // LIBUSB_ERROR_NOT_SUPPORTED off Linux: then claiming tells
    if (const int rc = libusb_claim_interface(h, relay::kInterface); rc != 0) {
      handle->close();
      if (rc == LIBUSB_ERROR_ACCESS) {
        if (!access_error) access_error = access_message(bus, address);
      } else if (!other_error) {
        other_error =
            "USB relay board " + product + " at " + usbfs_node(bus, address) +
            " cannot be claimed: " + libusb_error_text(rc) +
            (rc == LIBUSB_ERROR_BUSY ? ": another program (usbrelay, a second bench) holds it; close it"
                                     : ": replug it and run again");
      }
      continue;
    }
    handle->claimed = true;

    relay::Report report{};
    const int rc = get_state_report(h, report);
    if (rc != static_cast<int>(report.size())) {
      handle->close();
      if (!other_error) {
        other_error = "USB relay board " + product + " at " + usbfs_node(bus, address) +
                      " does not answer its state report: " + transfer_error(rc) +
                      ": replug it and run again";
      }
      continue;
    }
    const relay::State state = relay::parse_state_report(report);
    if (board_id && state.board_id != *board_id) {
      handle->close();
      continue;
    }
    return std::unique_ptr<HidRelayBoard>(
        new HidRelayBoard(std::move(handle), *relays, product, state.board_id));
  }
  if (access_error) throw HardwareError(*access_error);
  if (other_error) throw HardwareError(*other_error);
  if (board_id) {
    throw HardwareError("no USB relay board (16c0:05df USBRelayN) with id " + *board_id +
                        " found: plug it in, or run without relays and answer the prompts");
  }
  throw HardwareError(kNotFound);
}

HidRelayBoard::HidRelayBoard(std::unique_ptr<Handle> handle, int relays, std::string product,
                             std::string board_id)
    : handle_(std::move(handle)),
      relays_(relays),
      product_(std::move(product)),
      board_id_(std::move(board_id)) {}

HidRelayBoard::~HidRelayBoard() = default;

std::string HidRelayBoard::describe() const {
  std::array<char, 48> where{};
  std::snprintf(where.data(), where.size(), " at bus %03d address %03d", handle_->bus, handle_->address);
  return product_ + " id " + board_id_ + where.data();
}

std::uint8_t HidRelayBoard::read_state(const std::string& doing) {
  relay::Report report{};
  const int rc = get_state_report(handle_->h, report);
  if (rc != static_cast<int>(report.size())) {
    throw HardwareError("USB relay board disappeared while " + doing + ": " + transfer_error(rc) +
                        "; check its cable, replug it and run again");
  }
  return relay::parse_state_report(report).mask;
}

void HidRelayBoard::set(int relay, bool on) {
  if (relay < 1 || relay > relays_) {
    throw InputError("relay " + std::to_string(relay) + " does not exist on " + describe() +
                     " (relays 1 to " + std::to_string(relays_) + ")");
  }
  const std::string doing = "switching relay " + std::to_string(relay);
  const int rc = send_report(handle_->h, relay::switch_report(relay, on));
  if (rc != static_cast<int>(relay::kReportSize)) {
    throw HardwareError("USB relay board disappeared while " + doing + ": " + transfer_error(rc) +
                        "; check its cable, replug it and run again");
  }
  const std::uint8_t mask = read_state(doing);
  if (relay::relay_on(mask, relay) != on) {
    std::array<char, 8> hex{};
    std::snprintf(hex.data(), hex.size(), "0x%02x", mask);
    throw HardwareError(describe() + " did not switch relay " + std::to_string(relay) +
                        (on ? " on" : " off") + " (state reads " + hex.data() +
                        "): replug it; if it persists the board is faulty");
  }
}

void HidRelayBoard::set_all(bool on) {
  const std::string doing = std::string("switching all relays ") + (on ? "on" : "off");
  const int rc = send_report(handle_->h, relay::switch_all_report(on));
  if (rc != static_cast<int>(relay::kReportSize)) {
    throw HardwareError("USB relay board disappeared while " + doing + ": " + transfer_error(rc) +
                        "; check its cable, replug it and run again");
  }
  const std::uint8_t mask = read_state(doing);
  const std::uint8_t want = relay::mask_after_all(relays_, on);
  if ((mask & relay::mask_after_all(relays_, true)) != want) {
    throw HardwareError(describe() + " did not switch all relays " + (on ? "on" : "off") +
                        ": replug it; if it persists the board is faulty");
  }
}

std::uint8_t HidRelayBoard::state() {
  return read_state("reading its state");
}

}  // namespace bench::usb
