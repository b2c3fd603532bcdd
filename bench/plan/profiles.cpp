#include <algorithm>
#include <cmath>
#include <limits>
#include <regex>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "bench/plan/catalogue.hpp"
#include "bench/plan/load.hpp"
#include "bench/plan/load_internal.hpp"

// Profiles: the interface, the amp, the ADC and the loads (limit sets: limits.cpp).

namespace bench::plan {

namespace fs = std::filesystem;
using namespace detail;

namespace {

bool can_be_balanced(Connector c) {
  return c == Connector::kTrs || c == Connector::kXlr;
}

}  // namespace

namespace detail {

const std::vector<std::pair<std::string, Connector>>& connector_choices() {
  static const std::vector<std::pair<std::string, Connector>> choices = [] {
    std::vector<std::pair<std::string, Connector>> c;
    for (Connector k :
         {Connector::kTrs, Connector::kXlr, Connector::kTs, Connector::kRca, Connector::kStereoTrs})
      c.emplace_back(to_string(k), k);
    return c;
  }();
  return choices;
}

// A balanced signal needs a connector with hot, cold and ground.
void check_balanced_connector(const Reader& r, std::string_view connector_key, Connector c, bool balanced) {
  if (balanced && !can_be_balanced(c))
    r.fail_at(r.find(connector_key), "balanced",
              "balanced = true, but " + std::string(connector_key) + " = " + in_quotes(to_string(c)) +
                  " has no cold conductor",
              "set balanced = false, or use \"trs\" or \"xlr\"");
}

}  // namespace detail

namespace {

DeviceMatch read_match(const Reader& parent) {
  DeviceMatch match;
  const auto r = parent.optional_table("match", {"rtaudio_name_pattern", "usb_vendor_id", "usb_product_id"});
  if (!r) return match;
  match.rtaudio_name_pattern = r->string_or("rtaudio_name_pattern", "");
  if (!match.rtaudio_name_pattern.empty()) {
    try {
      const std::regex compiled(match.rtaudio_name_pattern, std::regex::ECMAScript);
    } catch (const std::regex_error& e) {
      r->fail_at(r->find("rtaudio_name_pattern"), "rtaudio_name_pattern",
                 "not a valid ECMAScript regular expression (" + std::string(e.what()) + ")",
                 "escape special characters such as ( ) [ ] with a backslash");
    }
  }
  if (const auto v = r->optional_integer("usb_vendor_id", 0, 0xFFFF))
    match.usb_vendor_id = static_cast<std::uint16_t>(*v);
  if (const auto v = r->optional_integer("usb_product_id", 0, 0xFFFF))
    match.usb_product_id = static_cast<std::uint16_t>(*v);
  return match;
}

Distortion read_distortion(const Reader& sim) {
  Distortion d;
  d.h2_db_at_fs = sim.number_or("h2_db_at_fs", d.h2_db_at_fs, kDistortionDb);
  d.h3_db_at_fs = sim.number_or("h3_db_at_fs", d.h3_db_at_fs, kDistortionDb);
  return d;
}

std::vector<double> read_sample_rates(const Reader& r) {
  std::vector<double> rates = r.numbers("sample_rates_hz", kSampleRateHz, "[44100, 48000]");
  for (std::size_t i = 1; i < rates.size(); ++i)
    if (std::count(rates.begin(), rates.end(), rates[i]) > 1)
      r.fail_at(r.find("sample_rates_hz"), "sample_rates_hz", number_text(rates[i]) + " is listed twice",
                "list each sample rate once");
  return rates;
}

SourcePort read_port(const std::string& name, const Reader& r) {
  SourcePort port;
  port.name = name;
  port.connector = r.choice("connector", "connector", connector_choices());
  port.balanced = r.boolean("balanced");
  check_balanced_connector(r, "connector", port.connector, port.balanced);
  port.channels = r.integer("channels", 1, 8, "2");
  port.device_channels = r.integers("device_channels", 0, 255, "[0, 1]");
  const toml::node* channels_node = r.find("device_channels");
  if (static_cast<int>(port.device_channels.size()) != port.channels)
    r.fail_at(channels_node, "device_channels",
              "has " + std::to_string(port.device_channels.size()) +
                  " entries but channels = " + std::to_string(port.channels),
              "give one interface output channel (0-based) per port channel");
  for (std::size_t i = 1; i < port.device_channels.size(); ++i)
    if (std::count(port.device_channels.begin(), port.device_channels.end(), port.device_channels[i]) > 1)
      r.fail_at(channels_node, "device_channels",
                "device channel " + std::to_string(port.device_channels[i]) + " is listed twice",
                "give each port channel its own interface output channel");
  const Reader sim = r.table("sim", {"fullscale_vrms", "output_impedance_ohm", "volume_db", "noise_dbv",
                                     "h2_db_at_fs", "h3_db_at_fs"});
  port.fullscale_vrms = sim.number("fullscale_vrms", kFullscaleVrms, "4.9");
  port.output_impedance_ohm = sim.number("output_impedance_ohm", closed(0, 1e6), "100");
  port.volume_db = sim.number_or("volume_db", port.volume_db, closed(-120, 0));
  port.noise_dbv = sim.number_or("noise_dbv", port.noise_dbv, kNoiseDb);
  port.distortion = read_distortion(sim);
  return port;
}

AmpInput read_amp_input(const std::string& name, const Reader& r) {
  AmpInput input;
  input.name = name;
  input.connector = r.choice("connector", "connector", connector_choices());
  input.balanced = r.boolean("balanced");
  check_balanced_connector(r, "connector", input.connector, input.balanced);
  input.input_impedance_ohm = r.number("input_impedance_ohm", above(0, 1e9), "10000");
  return input;
}

}  // namespace

InterfaceProfile load_interface(const fs::path& file) {
  const toml::table root = parse_toml(file);
  const Reader top(file, root, "", {"interface", "ports"});
  InterfaceProfile p;
  p.id = file.stem().string();
  p.file = file;
  const Reader r = top.table("interface", {"name", "sample_rates_hz", "match"});
  p.name = r.string("name", "\"Focusrite Scarlett 2i2\"");
  p.sample_rates_hz = read_sample_rates(r);
  p.match = read_match(r);
  for (const auto& [name, port] :
       top.named_tables("ports", "line_out", {"connector", "balanced", "channels", "device_channels", "sim"}))
    p.ports.emplace(name, read_port(name, port));
  return p;
}

AmpProfile load_amp(const fs::path& file) {
  const toml::table root = parse_toml(file);
  const Reader top(file, root, "", {"amp", "inputs"});
  AmpProfile p;
  p.id = file.stem().string();
  p.file = file;
  const Reader r = top.table("amp", {"name", "gain_db", "output_impedance_ohm", "match", "sim"});
  p.name = r.string("name");
  p.gain_db = r.number("gain_db", closed(-60, 60), "6");
  p.output_impedance_ohm = r.number("output_impedance_ohm", closed(0, 10000), "2");
  p.match = read_match(r);
  if (const auto sim = r.optional_table(
          "sim", {"highpass_hz", "lowpass_hz", "rail_vpeak", "noise_dbv", "h2_db_at_fs", "h3_db_at_fs"})) {
    p.highpass_hz = sim->number_or("highpass_hz", p.highpass_hz, above(0, 1000));
    p.lowpass_hz = sim->number_or("lowpass_hz", p.lowpass_hz, closed(1000, 1e6));
    if (p.highpass_hz >= p.lowpass_hz)
      sim->fail_at(
          sim->find("highpass_hz"), "highpass_hz",
          number_text(p.highpass_hz) + " Hz is not below lowpass_hz = " + number_text(p.lowpass_hz) + " Hz",
          "make highpass_hz < lowpass_hz");
    p.rail_vpeak = sim->number_or("rail_vpeak", p.rail_vpeak, above(0, 1000));
    p.noise_dbv = sim->number_or("noise_dbv", p.noise_dbv, kNoiseDb);
    p.distortion = read_distortion(*sim);
  }
  for (const auto& [name, input] :
       top.named_tables("inputs", "balanced_trs", {"connector", "balanced", "input_impedance_ohm"}))
    p.inputs.emplace(name, read_amp_input(name, input));
  return p;
}

AdcProfile load_adc(const fs::path& file) {
  const toml::table root = parse_toml(file);
  const Reader top(file, root, "", {"adc"});
  AdcProfile p;
  p.id = file.stem().string();
  p.file = file;
  const Reader r = top.table("adc", {"name", "channels", "sample_rates_hz", "fullscale_vrms",
                                     "input_impedance_ohm", "match", "sim"});
  p.name = r.string("name");
  p.channels = r.integer("channels", 1, 64, "2");
  p.sample_rates_hz = read_sample_rates(r);
  p.fullscale_vrms = r.number("fullscale_vrms", kFullscaleVrms, "20");
  p.input_impedance_ohm = r.number("input_impedance_ohm", above(0, 1e9), "100000");
  p.match = read_match(r);
  if (const auto sim = r.optional_table(
          "sim", {"noise_dbfs", "h2_db_at_fs", "h3_db_at_fs", "clock_offset_ppm", "resolution_bits"})) {
    p.noise_dbfs = sim->number_or("noise_dbfs", p.noise_dbfs, kNoiseDb);
    p.distortion = read_distortion(*sim);
    p.clock_offset_ppm = sim->number_or("clock_offset_ppm", p.clock_offset_ppm, closed(-1000, 1000));
    if (const auto bits = sim->optional_integer("resolution_bits", 0, 32)) {
      if (*bits != 0 && *bits < 16)
        sim->fail_at(sim->find("resolution_bits"), "resolution_bits", "must be 0 (not quantised) or 16 to 32",
                     "give the converter's word length, e.g. resolution_bits = 24");
      p.resolution_bits = static_cast<int>(*bits);
    }
  }
  return p;
}

Load load_load(const fs::path& file) {
  const toml::table root = parse_toml(file);
  const Reader top(file, root, "", {"load"});
  Load load;
  load.id = file.stem().string();
  load.file = file;
  const Reader r =
      top.table("load", {"name", "kind", "resistance_ohm", "tolerance_percent", "impedance_file"});
  load.name = r.string("name");
  load.kind = r.choice<Load::Kind>("kind", "load kind",
                                   {{"resistor", Load::Kind::kResistor},
                                    {"headphone", Load::Kind::kHeadphone},
                                    {"open", Load::Kind::kOpen}});
  const auto only_for = [&](std::string_view key, std::string_view kind) {
    if (r.has(key))
      r.fail_at(r.find(key), key, std::string(key) + " is only for kind = " + in_quotes(kind),
                "remove it or change kind");
  };
  if (load.kind == Load::Kind::kOpen) {
    // Nothing connected: only the recorder's input loads the output.
    only_for("impedance_file", "headphone");
    only_for("resistance_ohm", "resistor");
    only_for("tolerance_percent", "resistor");
    load.tolerance_percent = 0;
    load.nominal_ohm = std::numeric_limits<double>::infinity();
    return load;
  }
  if (load.kind == Load::Kind::kResistor) {
    only_for("impedance_file", "headphone");
    load.resistance_ohm = r.number("resistance_ohm", above(0, 1e7), "32");
    load.tolerance_percent = r.number_or("tolerance_percent", load.tolerance_percent, closed(0, 100));
    load.nominal_ohm = load.resistance_ohm;
    return load;
  }
  only_for("resistance_ohm", "resistor");
  only_for("tolerance_percent", "resistor");
  const auto [name, line] = r.located_string("impedance_file");
  const fs::path zma = file.parent_path() / name;
  std::error_code ec;
  if (!fs::is_regular_file(zma, ec))
    fail(file, line, "load.impedance_file", "impedance file not found (looked for " + zma.string() + ")",
         "put the .zma beside the profile or correct the path (relative to the profile)");
  load.impedance = read_zma(zma);
  // Beyond its ends a curve is held flat: a curve that stops inside the band would be judged on values
  // nobody measured. 1 % of slack at each edge (20.2 Hz, 19.8 kHz) for exports that stop a point short.
  const double first_hz = load.impedance.front().frequency_hz, last_hz = load.impedance.back().frequency_hz;
  if (load.impedance.size() < 2 || first_hz > 1.01 * kBandLowHz || last_hz < 0.99 * kBandHighHz)
    fail(file, line, "load.impedance_file",
         zma.string() + " covers " +
             (load.impedance.size() < 2 ? "one frequency, " + number_text(first_hz) + " Hz"
                                        : number_text(first_hz) + " Hz to " + number_text(last_hz) + " Hz") +
             ", but headphones are judged from " + number_text(kBandLowHz) + " Hz to " +
             number_text(kBandHighHz) + " Hz",
         "use a curve measured over at least that band (at most 20.2 Hz to at least 19.8 kHz)");
  load.nominal_ohm = std::abs(load.impedance_at(1000));
  return load;
}

}  // namespace bench::plan
