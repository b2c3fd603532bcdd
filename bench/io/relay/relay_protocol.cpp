#include "bench/io/relay/relay_protocol.hpp"

#include <charconv>
#include <string>

#include "bench/core/error.hpp"

namespace bench::usb::relay {

std::optional<int> relay_count_from_product(std::string_view product) {
  if (!is_relay_product(product)) return std::nullopt;
  const std::string_view digits = product.substr(kProductPrefix.size());
  if (digits.empty() || digits.size() > 1) return std::nullopt;  // 1..8: one digit
  int count = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), count);
  if (ec != std::errc{} || end != digits.data() + digits.size()) return std::nullopt;
  if (count < 1 || count > kMaxRelays) return std::nullopt;
  return count;
}

bool is_relay_product(std::string_view product) {
  return product.starts_with(kProductPrefix);
}

Report switch_report(int relay, bool on) {
  if (relay < 1 || relay > kMaxRelays) {
    throw InputError("relay " + std::to_string(relay) + " does not exist: relay boards number relays 1 to " +
                     std::to_string(kMaxRelays));
  }
  Report r{};
  r[0] = on ? kCmdOn : kCmdOff;
  r[1] = static_cast<std::uint8_t>(relay);
  return r;
}

Report switch_all_report(bool on) {
  Report r{};
  r[0] = on ? kCmdAllOn : kCmdAllOff;
  return r;
}

State parse_state_report(std::span<const std::uint8_t> report) {
  if (report.size() != kReportSize) {
    throw HardwareError("USB relay board answered its state report with " + std::to_string(report.size()) +
                        " bytes instead of 8: is it really a USBRelay board? replug it and run again");
  }
  State s;
  for (std::size_t i = 0; i < 5 && report[i] != 0; ++i) s.board_id.push_back(static_cast<char>(report[i]));
  s.mask = report[7];
  return s;
}

bool relay_on(std::uint8_t mask, int relay) {
  return relay >= 1 && relay <= kMaxRelays && ((mask >> (relay - 1)) & 1U) != 0;
}

std::uint8_t mask_after(std::uint8_t mask, int relay, bool on) {
  if (relay < 1 || relay > kMaxRelays) return mask;
  const auto bit = static_cast<std::uint8_t>(1U << (relay - 1));
  return on ? static_cast<std::uint8_t>(mask | bit) : static_cast<std::uint8_t>(mask & ~bit);
}

std::uint8_t mask_after_all(int relays, bool on) {
  if (!on || relays <= 0) return 0;
  if (relays >= kMaxRelays) return 0xFF;
  return static_cast<std::uint8_t>((1U << relays) - 1);
}

}  // namespace bench::usb::relay
