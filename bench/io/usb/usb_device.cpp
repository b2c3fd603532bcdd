#include "bench/io/usb/usb_device.hpp"

#include <libusb.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <system_error>

#include "bench/io/usb/libusb_util.hpp"

namespace bench::usb {

namespace {

// Reads string descriptor `index` (0: the device has none). Returns false and sets `error` on failure.
bool read_string(libusb_device_handle* h, std::uint8_t index, std::string& out, std::string& error) {
  if (index == 0) return true;
  std::array<unsigned char, 256> buf{};
  const int n = libusb_get_string_descriptor_ascii(h, index, buf.data(), static_cast<int>(buf.size()));
  if (n < 0) {
    error = "cannot read string descriptor " + std::to_string(index) + ": " + libusb_error_text(n);
    return false;
  }
  out.assign(reinterpret_cast<const char*>(buf.data()), static_cast<std::size_t>(n));
  return true;
}

}  // namespace

UsbScan list_usb_devices() {
  UsbScan scan;
  std::error_code ec;
  if (!std::filesystem::exists("/dev/bus/usb", ec)) {
    scan.unavailable =
        "no USB here: /dev/bus/usb does not exist (no USB controller, or a container without it)";
    return scan;
  }
  Context ctx;
  if (const int rc = ctx.init(); rc != 0) {
    scan.unavailable = "no USB here: libusb cannot start: " + libusb_error_text(rc);
    return scan;
  }
  libusb_device** list = nullptr;
  const ssize_t count = libusb_get_device_list(ctx.get(), &list);
  if (count < 0) {
    scan.unavailable =
        "no USB here: libusb cannot list devices: " + libusb_error_text(static_cast<int>(count));
    return scan;
  }
  const std::unique_ptr<libusb_device*, void (*)(libusb_device**)> guard(
      list, [](libusb_device** l) { libusb_free_device_list(l, 1); });
  for (ssize_t i = 0; i < count; ++i) {
    libusb_device* dev = list[i];
    UsbDevice d;
    d.bus = libusb_get_bus_number(dev);
    d.address = libusb_get_device_address(dev);
    libusb_device_descriptor desc{};
    if (const int rc = libusb_get_device_descriptor(dev, &desc); rc != 0) {
      d.strings_unavailable = "cannot read the device descriptor: " + libusb_error_text(rc);
      scan.devices.push_back(std::move(d));
      continue;
    }
    d.vendor_id = desc.idVendor;
    d.product_id = desc.idProduct;
    libusb_device_handle* h = nullptr;
    if (const int rc = libusb_open(dev, &h); rc != 0) {
      d.strings_unavailable =
          "cannot open: " + libusb_error_text(rc) +
          (rc == LIBUSB_ERROR_ACCESS ? " (no permission on " + usbfs_node(d.bus, d.address) + ")" : "");
      scan.devices.push_back(std::move(d));
      continue;
    }
    std::string error;
    if (!read_string(h, desc.iManufacturer, d.manufacturer, error) ||
        !read_string(h, desc.iProduct, d.product, error) ||
        !read_string(h, desc.iSerialNumber, d.serial, error)) {
      d.strings_unavailable = error;
    }
    libusb_close(h);
    scan.devices.push_back(std::move(d));
  }
  return scan;
}

bool matches(const plan::DeviceMatch& match, const UsbDevice& device) {
  if (!match.usb_vendor_id && !match.usb_product_id) return false;
  if (match.usb_vendor_id && *match.usb_vendor_id != device.vendor_id) return false;
  if (match.usb_product_id && *match.usb_product_id != device.product_id) return false;
  return true;
}

std::string usb_id_string(std::uint16_t vendor_id, std::uint16_t product_id) {
  std::array<char, 16> buf{};
  std::snprintf(buf.data(), buf.size(), "%04x:%04x", vendor_id, product_id);
  return buf.data();
}

std::string describe(const UsbDevice& device) {
  std::array<char, 32> where{};
  std::snprintf(where.data(), where.size(), "bus %03d address %03d ", device.bus, device.address);
  std::string s = where.data() + usb_id_string(device.vendor_id, device.product_id);
  if (!device.manufacturer.empty()) s += " " + device.manufacturer;
  if (!device.product.empty()) s += " " + device.product;
  if (!device.serial.empty()) s += " (serial " + device.serial + ")";
  if (device.strings_unavailable) s += " [" + *device.strings_unavailable + "]";
  return s;
}

}  // namespace bench::usb
