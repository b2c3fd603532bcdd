#include "bench/io/usb/libusb_util.hpp"

#include <array>
#include <cstdio>

namespace bench::usb {

std::string libusb_error_text(int code) {
  return std::string(libusb_error_name(code)) + " (" + libusb_strerror(code) + ")";
}

std::string usbfs_node(int bus, int address) {
  std::array<char, 40> buf{};
  std::snprintf(buf.data(), buf.size(), "/dev/bus/usb/%03d/%03d", bus, address);
  return buf.data();
}

}  // namespace bench::usb
