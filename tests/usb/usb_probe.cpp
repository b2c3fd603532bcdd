// bench_usb against emulated USB devices (ctest label "usb").
//
// libumockdev-preload (LD_PRELOAD, set by `umockdev-run --`) redirects /sys, /dev and udev to a
// testbed directory. Each test builds its own testbed from tests/usb/devices/*.umockdev (sysfs
// attributes, raw descriptors, udev properties; that is all libusb needs to enumerate) and attaches an
// in-process ioctl handler to each device node that plays the device's side of usbfs: libusb sends
// every control transfer as USBDEVFS_SUBMITURB and collects it with USBDEVFS_REAPURBNDELAY. The
// handler answers GET_DESCRIPTOR(string) from the device's sysfs attributes (manufacturer, product,
// serial in the .umockdev file: one source of truth), and for the relay board keeps the relay state,
// answers GET_REPORT and applies SET_REPORT, recording every transfer so a test can check the bytes.
//
// With --runner-testbed the program uses the testbed umockdev-run made from its --device files
// instead (tests "Runner.*"): no emulation behind the device nodes, exactly what umockdev-run alone
// gives.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <linux/usbdevice_fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <umockdev.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "bench/core/error.hpp"
#include "bench/io/relay/relay_protocol.hpp"
#include "bench/io/usb/hid_relay_board.hpp"
#include "bench/io/usb/usb_device.hpp"

namespace fs = std::filesystem;
using bench::HardwareError;
using bench::usb::HidRelayBoard;
using bench::usb::UsbDevice;

namespace {

bool g_runner_testbed = false;

const std::string kDevices = BENCH_USB_DEVICES;
const char* const kScarlettSys = "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-1";
const char* const kRelaySys = "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-2";
const char* const kScarlettNode = "/dev/bus/usb/001/002";
const char* const kRelayNode = "/dev/bus/usb/001/003";
const char* const kRelayBoardId = "BNCH1";  // lives in the board's EEPROM, not in sysfs

/// One control transfer as the device saw it: the 8 setup bytes and, for OUT transfers, the data.
struct Transfer {
  std::uint8_t request_type = 0, request = 0;
  std::uint16_t value = 0, index = 0, length = 0;
  std::vector<std::uint8_t> out;
  bool operator==(const Transfer&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Transfer& t) {
  std::array<char, 64> b{};
  std::snprintf(b.data(), b.size(), "{%02x %02x %04x %04x %u", t.request_type, t.request, t.value, t.index,
                t.length);
  os << b.data();
  for (auto x : t.out) {
    std::snprintf(b.data(), b.size(), " %02x", x);
    os << b.data();
  }
  return os << "}";
}

std::string read_attr(const fs::path& dir, const char* name) {
  std::ifstream f(dir / name);
  std::string s;
  std::getline(f, s);
  return s;
}

/// The device side of usbfs for one emulated device. Handler callbacks run on the testbed's worker
/// thread; the test thread reads the recorded transfers under the mutex.
class Emulator {
 public:
  Emulator(const fs::path& sysdir, bool relay_board) : relay_(relay_board) {
    std::ifstream f(sysdir / "descriptors", std::ios::binary);
    descriptors_.assign(std::istreambuf_iterator<char>(f), {});
    strings_[1] = read_attr(sysdir, "manufacturer");
    strings_[2] = read_attr(sysdir, "product");
    strings_[3] = read_attr(sysdir, "serial");
  }

  std::vector<Transfer> transfers() {
    const std::lock_guard lock(mutex_);
    return transfers_;
  }
  std::uint8_t mask() {
    const std::lock_guard lock(mutex_);
    return mask_;
  }
  void unplug() {
    const std::lock_guard lock(mutex_);
    unplugged_ = true;
  }

  static gboolean on_ioctl(UMockdevIoctlBase*, UMockdevIoctlClient* client, gpointer self) {
    return static_cast<Emulator*>(self)->handle(client);
  }

 private:
  gboolean handle(UMockdevIoctlClient* client) {
    const std::lock_guard lock(mutex_);
    const gulong request = umockdev_ioctl_client_get_request(client);
    UMockdevIoctlData* arg = umockdev_ioctl_client_get_arg(client);
    GError* error = nullptr;
    if (request == USBDEVFS_SUBMITURB) {
      if (unplugged_) {  // what usbfs does after a disconnect
        umockdev_ioctl_client_complete(client, -1, ENODEV);
        return TRUE;
      }
      UMockdevIoctlData* urb_data = umockdev_ioctl_data_resolve(arg, 0, sizeof(usbdevfs_urb), &error);
      auto* urb = reinterpret_cast<usbdevfs_urb*>(urb_data->data);
      UMockdevIoctlData* buf = umockdev_ioctl_data_resolve(urb_data, offsetof(usbdevfs_urb, buffer),
                                                           static_cast<gsize>(urb->buffer_length), &error);
      if (urb->type != USBDEVFS_URB_TYPE_CONTROL || buf == nullptr || urb->buffer_length < 8) {
        umockdev_ioctl_client_complete(client, -1, EINVAL);
        return TRUE;
      }
      control(*urb, buf->data);
      pending_.push_back(urb_data);  // reaped by the next REAPURB(NDELAY)
      umockdev_ioctl_client_complete(client, 0, 0);
    } else if (request == USBDEVFS_REAPURB || request == USBDEVFS_REAPURBNDELAY) {
      if (pending_.empty()) {
        umockdev_ioctl_client_complete(client, -1, unplugged_ ? ENODEV : EAGAIN);
        return TRUE;
      }
      UMockdevIoctlData* slot = umockdev_ioctl_data_resolve(arg, 0, sizeof(void*), &error);
      umockdev_ioctl_data_set_ptr(slot, 0, pending_.front());
      pending_.pop_front();
      umockdev_ioctl_client_complete(client, 0, 0);
    } else if (request == USBDEVFS_CLAIMINTERFACE || request == USBDEVFS_RELEASEINTERFACE ||
               request == USBDEVFS_DISCARDURB) {
      umockdev_ioctl_client_complete(client, unplugged_ ? -1 : 0, unplugged_ ? ENODEV : 0);
    } else if (request == USBDEVFS_GETDRIVER || request == USBDEVFS_IOCTL) {
      umockdev_ioctl_client_complete(client, -1, ENODATA);  // no kernel driver bound
    } else {
      umockdev_ioctl_client_complete(client, -1, ENOTTY);  // e.g. GET_CAPABILITIES: libusb copes
    }
    if (error != nullptr) g_error_free(error);
    return TRUE;
  }

  // Plays one control transfer: `data` is the 8 setup bytes followed by the data stage.
  void control(usbdevfs_urb& urb, std::uint8_t* data) {
    Transfer t;
    t.request_type = data[0];
    t.request = data[1];
    t.value = static_cast<std::uint16_t>(data[2] | (data[3] << 8));
    t.index = static_cast<std::uint16_t>(data[4] | (data[5] << 8));
    t.length = static_cast<std::uint16_t>(data[6] | (data[7] << 8));
    if ((t.request_type & 0x80) == 0) t.out.assign(data + 8, data + 8 + t.length);
    transfers_.push_back(t);
    std::vector<std::uint8_t> in;
    bool stall = false;
    if (t.request_type == 0x80 && t.request == 0x06 && (t.value >> 8) == 0x03) {  // GET_DESCRIPTOR string
      const int index = t.value & 0xff;
      if (index == 0) {
        in = {4, 3, 0x09, 0x04};  // en-US
      } else if (index <= 3 && !strings_[index].empty()) {
        in = {0, 3};
        for (char c : strings_[index]) in.insert(in.end(), {static_cast<std::uint8_t>(c), 0});
        in[0] = static_cast<std::uint8_t>(in.size());
      } else {
        stall = true;
      }
    } else if (t.request_type == 0x80 && t.request == 0x06 && (t.value >> 8) == 0x01) {  // device descriptor
      in.assign(descriptors_.begin(), descriptors_.begin() + std::min<std::size_t>(18, descriptors_.size()));
    } else if (relay_ && t.request_type == 0xA1 && t.request == 0x01 && t.value == 0x0300 && t.index == 0) {
      in.assign(kRelayBoardId, kRelayBoardId + 5);  // GET_REPORT feature 0: id, 0, 0, mask
      in.insert(in.end(), {0, 0, mask_});
    } else if (relay_ && t.request_type == 0x21 && t.request == 0x09 && t.value == 0x0300 && t.index == 0 &&
               t.length == 8) {
      const int n = t.out[1];
      switch (t.out[0]) {
        case 0xFF:
          mask_ = bench::usb::relay::mask_after(mask_, n, true);
          break;
        case 0xFD:
          mask_ = bench::usb::relay::mask_after(mask_, n, false);
          break;
        case 0xFE:
          mask_ = 0x03;
          break;
        case 0xFC:
          mask_ = 0x00;
          break;
        default:
          stall = true;
      }
    } else {
      stall = true;
    }
    if (stall) {
      urb.status = -EPIPE;
      urb.actual_length = 0;
      return;
    }
    if ((t.request_type & 0x80) != 0) {
      const std::size_t n = std::min<std::size_t>(in.size(), t.length);
      std::memcpy(data + 8, in.data(), n);
      urb.actual_length = static_cast<int>(n);
    } else {
      urb.actual_length = t.length;
    }
    urb.status = 0;
  }

  std::mutex mutex_;
  bool relay_;
  std::vector<std::uint8_t> descriptors_;
  std::array<std::string, 4> strings_;
  std::vector<Transfer> transfers_;
  std::deque<UMockdevIoctlData*> pending_;
  std::uint8_t mask_ = 0;
  bool unplugged_ = false;
};

/// A testbed with the given devices, each with its emulator attached.
class Bench : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(g_runner_testbed)
        << "Bench tests build their own testbed: run them without --runner-testbed";
    ASSERT_TRUE(umockdev_in_mock_environment())
        << "not running under libumockdev-preload: run through `umockdev-run -- usb_probe` (ctest does)";
    testbed_ = umockdev_testbed_new();
    ASSERT_NE(testbed_, nullptr);
  }
  void TearDown() override {
    if (testbed_ != nullptr) g_object_unref(testbed_);
    for (auto* h : handlers_) g_object_unref(h);
  }

  Emulator& add(const std::string& file, const char* sys, const char* node, bool relay) {
    GError* error = nullptr;
    const bool ok = umockdev_testbed_add_from_file(testbed_, (kDevices + "/" + file).c_str(), &error);
    EXPECT_TRUE(ok) << file << ": " << (error ? error->message : "?");
    const fs::path sysdir = fs::path(umockdev_testbed_get_root_dir(testbed_)) / (sys + 1);
    emulators_.push_back(std::make_unique<Emulator>(sysdir, relay));
    auto* handler = umockdev_ioctl_base_new();
    g_signal_connect_data(handler, "handle-ioctl", reinterpret_cast<GCallback>(&Emulator::on_ioctl),
                          emulators_.back().get(), nullptr, static_cast<GConnectFlags>(0));
    EXPECT_TRUE(umockdev_testbed_attach_ioctl(testbed_, node, handler, &error))
        << (error ? error->message : "?");
    handlers_.push_back(handler);
    return *emulators_.back();
  }
  Emulator& add_scarlett() { return add("scarlett_2i2.umockdev", kScarlettSys, kScarlettNode, false); }
  Emulator& add_relay() { return add("usbrelay2.umockdev", kRelaySys, kRelayNode, true); }

  UMockdevTestbed* testbed_ = nullptr;
  std::vector<std::unique_ptr<Emulator>> emulators_;
  std::vector<UMockdevIoctlBase*> handlers_;
};

const UsbDevice* find(const std::vector<UsbDevice>& devices, std::uint16_t vid, std::uint16_t pid) {
  const auto it = std::find_if(devices.begin(), devices.end(),
                               [&](const UsbDevice& d) { return d.vendor_id == vid && d.product_id == pid; });
  return it == devices.end() ? nullptr : &*it;
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const HardwareError& e) {
    EXPECT_EQ(e.exit_code(), bench::ExitCode::kCannotMeasure);
    return e.what();
  }
  return "(no HardwareError)";
}

Transfer get_report() {
  return {0xA1, 0x01, 0x0300, 0, 8, {}};
}
Transfer set_report(std::uint8_t cmd, std::uint8_t relay) {
  return {0x21, 0x09, 0x0300, 0, 8, {cmd, relay, 0, 0, 0, 0, 0, 0}};
}

// Only the class requests (the relay protocol); the standard GET_DESCRIPTOR reads are libusb's business.
std::vector<Transfer> class_requests(const std::vector<Transfer>& all) {
  std::vector<Transfer> out;
  std::copy_if(all.begin(), all.end(), std::back_inserter(out),
               [](const Transfer& t) { return (t.request_type & 0x60) == 0x20; });
  return out;
}

TEST_F(Bench, ListsIdsAndStringsOfEveryDevice) {
  add_scarlett();
  add_relay();
  const auto scan = bench::usb::list_usb_devices();
  ASSERT_FALSE(scan.unavailable) << *scan.unavailable;
  ASSERT_EQ(scan.devices.size(), 2U);

  const UsbDevice* scarlett = find(scan.devices, 0x1235, 0x8210);
  ASSERT_NE(scarlett, nullptr);
  EXPECT_EQ(scarlett->bus, 1);
  EXPECT_EQ(scarlett->address, 2);
  EXPECT_FALSE(scarlett->strings_unavailable) << *scarlett->strings_unavailable;
  EXPECT_EQ(scarlett->manufacturer, "Focusrite");
  EXPECT_EQ(scarlett->product, "Scarlett 2i2 USB");
  EXPECT_EQ(scarlett->serial, "Y8BENCH0000042");

  const UsbDevice* relay = find(scan.devices, 0x16c0, 0x05df);
  ASSERT_NE(relay, nullptr);
  EXPECT_EQ(relay->bus, 1);
  EXPECT_EQ(relay->address, 3);
  EXPECT_FALSE(relay->strings_unavailable) << *relay->strings_unavailable;
  EXPECT_EQ(relay->manufacturer, "www.dcttech.com");
  EXPECT_EQ(relay->product, "USBRelay2");
  EXPECT_EQ(relay->serial, "");  // these boards have no iSerialNumber

  // The interface profile's identity (profiles/interfaces/scarlett_2i2.toml) picks the Scarlett only.
  const bench::plan::DeviceMatch profile{"Scarlett 2i2", 0x1235, 0x8210};
  EXPECT_TRUE(bench::usb::matches(profile, *scarlett));
  EXPECT_FALSE(bench::usb::matches(profile, *relay));
  EXPECT_EQ(bench::usb::describe(*scarlett),
            "bus 001 address 002 1235:8210 Focusrite Scarlett 2i2 USB (serial Y8BENCH0000042)");
}

TEST_F(Bench, RelayBoardSendsExactlyTheProtocolsTransfers) {
  add_scarlett();
  Emulator& board = add_relay();
  auto relays = HidRelayBoard::open();
  EXPECT_EQ(relays->relays(), 2);
  EXPECT_EQ(relays->board_id(), kRelayBoardId);
  EXPECT_EQ(relays->describe(), "USBRelay2 id BNCH1 at bus 001 address 003");

  relays->set(1, true);
  relays->set(2, false);
  EXPECT_EQ(relays->state(), 0x01);
  EXPECT_EQ(board.mask(), 0x01);
  relays->set_all(true);
  EXPECT_EQ(relays->state(), 0x03);
  relays->set_all(false);
  EXPECT_EQ(board.mask(), 0x00);

  const std::vector<Transfer> expected = {
      get_report(),                                     // open: id and state
      set_report(0xFF, 1), get_report(),                // relay 1 on, read back
      set_report(0xFD, 2), get_report(),                // relay 2 off, read back
      get_report(),                                     // state()
      set_report(0xFE, 0), get_report(), get_report(),  // all on, read back, state()
      set_report(0xFC, 0), get_report(),                // all off, read back
  };
  const auto all = board.transfers();
  EXPECT_EQ(class_requests(all), expected);
  for (const auto& t : all) {  // everything else is libusb reading string descriptors
    if ((t.request_type & 0x60) != 0x20) {
      EXPECT_EQ(t.request, 0x06) << t;
    }
  }
}

TEST_F(Bench, RelayNumberOutOfRangeIsAnInputError) {
  add_relay();
  auto relays = HidRelayBoard::open();
  EXPECT_THROW(relays->set(3, true), bench::InputError);
  EXPECT_THROW(relays->set(0, true), bench::InputError);
}

TEST_F(Bench, OpensTheBoardWithTheAskedIdOnly) {
  add_relay();
  EXPECT_EQ(HidRelayBoard::open(std::string(kRelayBoardId))->board_id(), kRelayBoardId);
  EXPECT_EQ(
      error_of([] { (void)HidRelayBoard::open(std::string("OTHER")); }),
      "no USB relay board (16c0:05df USBRelayN) with id OTHER found: plug it in, or run without relays and "
      "answer the prompts");
}

TEST_F(Bench, BoardAbsentIsOneLineNotFound) {
  add_scarlett();
  EXPECT_EQ(error_of([] { (void)HidRelayBoard::open(); }),
            "no USB relay board (16c0:05df USBRelayN) found: plug it in, or run without relays and answer "
            "the prompts");
}

TEST_F(Bench, BoardUnpluggedMidRun) {
  Emulator& board = add_relay();
  auto relays = HidRelayBoard::open();
  relays->set(1, true);
  board.unplug();                                       // usbfs answers ENODEV from now on ...
  umockdev_testbed_remove_device(testbed_, kRelaySys);  // ... and the device leaves sysfs, /dev and udev
  const std::string message = error_of([&] { relays->set(2, true); });
  EXPECT_EQ(message.rfind("USB relay board disappeared while switching relay 2: LIBUSB_ERROR_NO_DEVICE", 0),
            0U)
      << message;
  EXPECT_EQ(message.find('\n'), std::string::npos);
  EXPECT_EQ(error_of([] { (void)HidRelayBoard::open(); }),
            "no USB relay board (16c0:05df USBRelayN) found: plug it in, or run without relays and answer "
            "the prompts");
}

// The relay's usbfs node is not ours to open (no udev rule): as root the test drops to nobody in a child
// process, because root opens any file whatever its mode.
TEST_F(Bench, BoardNotAccessibleNamesTheUdevRule) {
  add_scarlett();
  add_relay();
  const fs::path root = umockdev_testbed_get_root_dir(testbed_);
  const fs::path node = root / (kRelayNode + 1);
  fs::permissions(node,
                  fs::perms::owner_read | fs::perms::owner_write);  // 0600, owned by whoever runs the test

  const auto probe = [] {
    std::string out = error_of([] { (void)HidRelayBoard::open(); });
    const auto scan = bench::usb::list_usb_devices();
    const UsbDevice* relay = find(scan.devices, 0x16c0, 0x05df);
    out += "\n";
    out += relay == nullptr ? "(relay not listed)" : relay->strings_unavailable.value_or("(strings read)");
    return out;
  };
  std::string result;
  if (geteuid() != 0) {
    fs::permissions(node, fs::perms::none);  // 000: even the owner may not open it
    result = probe();
  } else {
    // The testbed is private to its creator: let nobody read sysfs and /dev in it, bind the udev monitor's
    // socket in its root (libusb_init starts one), and connect to the ioctl sockets: libumockdev-preload
    // connects to a node's socket even when open() itself failed, and exits if it cannot.
    const auto readable =
        fs::perms::group_read | fs::perms::group_exec | fs::perms::others_read | fs::perms::others_exec;
    fs::permissions(root, fs::perms::all);
    for (const auto& entry : fs::recursive_directory_iterator(root)) {
      if (entry.is_symlink()) continue;
      if (entry.is_directory()) fs::permissions(entry.path(), readable, fs::perm_options::add);
      if (entry.is_socket()) fs::permissions(entry.path(), fs::perms::all);
    }
    std::array<int, 2> pipe_fds{};
    ASSERT_EQ(pipe(pipe_fds.data()), 0);
    const pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      close(pipe_fds[0]);
      std::string out = (setgid(65534) == 0 && setuid(65534) == 0) ? probe() : std::string("setuid failed");
      const ssize_t written = write(pipe_fds[1], out.data(), out.size());
      _exit(written == static_cast<ssize_t>(out.size()) ? 0 : 1);
    }
    close(pipe_fds[1]);
    std::array<char, 1024> buf{};
    ssize_t n = 0;
    while ((n = read(pipe_fds[0], buf.data(), buf.size())) > 0)
      result.append(buf.data(), static_cast<std::size_t>(n));
    close(pipe_fds[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << result;
  }
  const auto nl = result.find('\n');
  ASSERT_NE(nl, std::string::npos) << result;
  EXPECT_EQ(result.substr(0, nl),
            "USB relay board 16c0:05df at bus 001 address 003 is not accessible: install "
            "fixtures/udev/50-bench-relay.rules into /etc/udev/rules.d/ and replug it");
  EXPECT_EQ(result.substr(nl + 1).rfind("cannot open: LIBUSB_ERROR_ACCESS", 0), 0U) << result.substr(nl + 1);
}

// --runner-testbed: `umockdev-run --device scarlett_2i2.umockdev -- usb_probe --runner-testbed`. Nothing
// plays the device behind its node, so its ids are listed and its strings are reported unreadable.
TEST(Runner, OnlyTheScarlettNoEmulation) {
  ASSERT_TRUE(g_runner_testbed)
      << "needs the testbed umockdev-run --device builds: run with --runner-testbed";
  const auto scan = bench::usb::list_usb_devices();
  ASSERT_FALSE(scan.unavailable) << *scan.unavailable;
  ASSERT_EQ(scan.devices.size(), 1U);
  const UsbDevice& d = scan.devices.front();
  EXPECT_EQ(bench::usb::usb_id_string(d.vendor_id, d.product_id), "1235:8210");
  EXPECT_EQ(d.bus, 1);
  EXPECT_EQ(d.address, 2);
  ASSERT_TRUE(d.strings_unavailable);
  EXPECT_EQ(d.strings_unavailable->rfind("cannot read string descriptor 1: ", 0), 0U)
      << *d.strings_unavailable;
  EXPECT_EQ(error_of([] { (void)HidRelayBoard::open(); }),
            "no USB relay board (16c0:05df USBRelayN) found: plug it in, or run without relays and answer "
            "the prompts");
}

}  // namespace

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  for (int i = 1; i < argc; ++i)
    g_runner_testbed = g_runner_testbed || std::string(argv[i]) == "--runner-testbed";
  // Each mode runs its own suite (ctest names it with --gtest_filter too); no test skips.
  if (GTEST_FLAG_GET(filter) == "*") GTEST_FLAG_SET(filter, g_runner_testbed ? "Runner.*" : "Bench.*");
  if (!umockdev_in_mock_environment()) {
    std::fprintf(
        stderr,
        "usb_probe: not running under libumockdev-preload, so there is no emulated USB to test against: "
        "run it as `umockdev-run -- usb_probe` (ctest -L usb does)\n");
    return 1;  // a test that cannot run fails, it does not skip
  }
  return RUN_ALL_TESTS();
}
