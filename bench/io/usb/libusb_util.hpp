#pragma once

// Private to bench/io/usb: small RAII and text helpers around libusb. Includes libusb.h, so it must not
// be included from a public header.

#include <libusb.h>

#include <string>

namespace bench::usb {

/// "LIBUSB_ERROR_ACCESS (Access denied (insufficient permissions))".
std::string libusb_error_text(int code);

/// "/dev/bus/usb/001/004".
std::string usbfs_node(int bus, int address);

/// An owned libusb context.
class Context {
 public:
  Context() = default;
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;
  ~Context() {
    if (ctx_ != nullptr) libusb_exit(ctx_);
  }
  /// libusb_init; 0 or a libusb error code.
  int init() { return libusb_init(&ctx_); }
  [[nodiscard]] libusb_context* get() const { return ctx_; }

 private:
  libusb_context* ctx_ = nullptr;
};

}  // namespace bench::usb
