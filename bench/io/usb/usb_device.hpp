#pragma once

// USB identity of the gear on the bench, read through libusb. Only the .cpp files of this directory
// include libusb.h; everything here is plain values.
//
// Threads: every function may be called from any thread; each call uses its own libusb context and
// shares no state with other calls.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "bench/plan/model.hpp"

namespace bench::usb {

/// One USB device as the bus sees it. Ids always come from the device descriptor (no need to open the
/// device); the strings need the device opened, which a missing udev rule can forbid.
struct UsbDevice {
  int bus = 0;      ///< bus number, as in /dev/bus/usb/BBB
  int address = 0;  ///< device address on that bus, as in /dev/bus/usb/BBB/AAA
  std::uint16_t vendor_id = 0;
  std::uint16_t product_id = 0;
  std::string manufacturer;  ///< iManufacturer string; empty if the device has none or it was unreadable
  std::string product;       ///< iProduct string
  std::string serial;        ///< iSerialNumber string
  /// Why the strings could not be read (e.g. "cannot open: LIBUSB_ERROR_ACCESS (...)"); empty when
  /// they were read (a device without a string simply leaves that string empty).
  std::optional<std::string> strings_unavailable;
};

/// The result of scanning the buses.
struct UsbScan {
  std::vector<UsbDevice> devices;  ///< in libusb's order
  /// Set when there is no USB at all here (libusb cannot start, no /dev/bus/usb): say why. The list is
  /// then empty. Never set because of one device.
  std::optional<std::string> unavailable;
};

/// Lists every USB device. Never throws for one device: a device that cannot be opened keeps its ids
/// and says why in strings_unavailable. Throws only std::bad_alloc.
[[nodiscard]] UsbScan list_usb_devices();

/// Whether a profile's USB identity matches a device: every id the profile sets must be equal; a
/// profile without any USB id matches nothing (it does not say how to recognise the device on USB).
[[nodiscard]] bool matches(const plan::DeviceMatch& match, const UsbDevice& device);

/// "1235:8210" (lowercase hex, four digits each).
[[nodiscard]] std::string usb_id_string(std::uint16_t vendor_id, std::uint16_t product_id);

/// One line for people: "bus 001 address 004 1235:8210 Focusrite Scarlett 2i2 USB (serial ...)".
[[nodiscard]] std::string describe(const UsbDevice& device);

}  // namespace bench::usb
