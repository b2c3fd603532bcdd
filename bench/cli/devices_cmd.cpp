// bench devices: what RtAudio and libusb see, and which profile each device matches.

#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <vector>

#include "bench/cli/app.hpp"
#include "bench/core/error.hpp"
#include "bench/io/rtaudio/audio_devices.hpp"
#include "bench/io/usb/usb_device.hpp"
#include "bench/plan/load.hpp"

namespace bench::cli {
namespace {

struct DevicesArgs {
  bool json = false;
  std::string api, profiles = "profiles";
  bool profiles_given = false;  ///< --profiles on the command line: a missing folder is an error
};

struct Profile {
  std::string kind, id;
  plan::DeviceMatch match;
};

// Every interface, amplifier and ADC profile under the profiles directory (a broken one is an error:
// the operator should know).
std::vector<Profile> read_profiles(const std::filesystem::path& root, bool explicit_root) {
  std::vector<Profile> out;
  if (!std::filesystem::is_directory(root)) {
    if (explicit_root)
      throw InputError(
          std::string("--profiles ")
              .append(root.string())
              .append(": ")
              .append(std::filesystem::exists(root) ? "not a folder" : "no such folder")
              .append(": give the profiles folder, the one holding interfaces/, amps/ and adcs/"));
    spdlog::warn(
        "no profiles folder {} here: devices are listed without the profiles they match (give "
        "--profiles DIR)",
        root.string());
    return out;
  }
  for (const auto& [dir, kind] :
       {std::pair{"interfaces", "interface"}, std::pair{"amps", "amp"}, std::pair{"adcs", "adc"}}) {
    const auto d = root / dir;
    if (!std::filesystem::is_directory(d)) continue;
    std::vector<std::filesystem::path> files;
    for (const auto& e : std::filesystem::directory_iterator(d))
      if (e.path().extension() == ".toml") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
      Profile p;
      p.kind = kind;
      p.id = f.stem().string();
      if (std::string(kind) == "interface")
        p.match = plan::load_interface(f).match;
      else if (std::string(kind) == "amp")
        p.match = plan::load_amp(f).match;
      else
        p.match = plan::load_adc(f).match;
      out.push_back(std::move(p));
    }
  }
  return out;
}

std::vector<std::string> audio_matches(const std::vector<Profile>& profiles, const std::string& name) {
  std::vector<std::string> m;
  for (const auto& p : profiles)
    if (!p.match.rtaudio_name_pattern.empty() &&
        std::regex_search(name, std::regex(p.match.rtaudio_name_pattern, std::regex::ECMAScript)))
      m.push_back(p.kind + " " + p.id);
  return m;
}

std::vector<std::string> usb_matches(const std::vector<Profile>& profiles, const usb::UsbDevice& d) {
  std::vector<std::string> m;
  for (const auto& p : profiles)
    if (usb::matches(p.match, d)) m.push_back(p.kind + " " + p.id);
  return m;
}

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

int devices(const DevicesArgs& a) {
  const auto profiles = read_profiles(a.profiles, a.profiles_given);
  const auto apis = io::rtaudio::list_audio_devices(a.api);
  const auto usb_scan = usb::list_usb_devices();
  nlohmann::json j = {
      {"schema", "bench.devices/1"}, {"audio", nlohmann::json::array()}, {"usb", nlohmann::json::object()}};
  for (const auto& api : apis) {
    nlohmann::json ja = {{"api", api.api}, {"name", api.display_name}, {"devices", nlohmann::json::array()}};
    if (api.unavailable) ja["unavailable"] = *api.unavailable;
    for (const auto& d : api.devices)
      ja["devices"].push_back({{"index", d.index},
                               {"name", d.name},
                               {"output_channels", d.output_channels},
                               {"input_channels", d.input_channels},
                               {"duplex_channels", d.duplex_channels},
                               {"sample_rates_hz", d.sample_rates_hz},
                               {"preferred_sample_rate_hz", d.preferred_sample_rate_hz},
                               {"default_output", d.default_output},
                               {"default_input", d.default_input},
                               {"matches", audio_matches(profiles, d.name)}});
    j["audio"].push_back(ja);
  }
  j["usb"]["devices"] = nlohmann::json::array();
  if (usb_scan.unavailable) j["usb"]["unavailable"] = *usb_scan.unavailable;
  for (const auto& d : usb_scan.devices) {
    nlohmann::json jd = {{"bus", d.bus},
                         {"address", d.address},
                         {"vendor_id", usb::usb_id_string(d.vendor_id, d.product_id).substr(0, 4)},
                         {"product_id", usb::usb_id_string(d.vendor_id, d.product_id).substr(5)},
                         {"manufacturer", d.manufacturer},
                         {"product", d.product},
                         {"serial", d.serial},
                         {"matches", usb_matches(profiles, d)}};
    if (d.strings_unavailable) jd["strings_unavailable"] = *d.strings_unavailable;
    j["usb"]["devices"].push_back(jd);
  }
  if (a.json) {
    std::cout << j.dump(2) << "\n";
    return 0;
  }
  for (const auto& api : apis) {
    std::printf("Audio, %s (%s):", api.display_name.c_str(), api.api.c_str());
    if (api.unavailable) {
      std::printf(" none: %s\n", api.unavailable->c_str());
      continue;
    }
    std::printf("\n");
    for (const auto& d : api.devices) {
      std::string rates;
      for (auto r : d.sample_rates_hz) rates += (rates.empty() ? "" : ", ") + std::to_string(r);
      const auto m = audio_matches(profiles, d.name);
      std::printf("  [%u] %s: %u out, %u in, %s Hz%s%s%s\n", d.index, d.name.c_str(), d.output_channels,
                  d.input_channels, rates.c_str(), d.default_output ? ", default output" : "",
                  d.default_input ? ", default input" : "", m.empty() ? "" : ("  <- " + join(m)).c_str());
    }
  }
  std::printf("USB:");
  if (usb_scan.unavailable) {
    std::printf(" none: %s\n", usb_scan.unavailable->c_str());
  } else {
    std::printf("%s\n", usb_scan.devices.empty() ? " no devices" : "");
    for (const auto& d : usb_scan.devices) {
      const auto m = usb_matches(profiles, d);
      std::printf("  %s%s%s\n", usb::describe(d).c_str(),
                  d.strings_unavailable ? (" (" + *d.strings_unavailable + ")").c_str() : "",
                  m.empty() ? "" : ("  <- " + join(m)).c_str());
    }
  }
  return 0;
}

}  // namespace

void add_devices(CLI::App& app) {
  auto a = std::make_shared<DevicesArgs>();
  auto* d = app.add_subcommand(
      "devices", "list RtAudio APIs and devices and USB devices, marking which profile each matches");
  d->add_flag("--json", a->json, "print bench.devices/1 JSON instead of text");
  d->add_option("--api", a->api, "only this RtAudio API: jack, alsa or pulse");
  d->add_option("--profiles", a->profiles,
                "profiles directory whose interfaces/, amps/ and adcs/ are matched")
      ->capture_default_str();
  d->callback([a, d] {
    a->profiles_given = d->count("--profiles") > 0;
    const int rc = devices(*a);
    if (rc != 0) throw Error("bench devices failed");
  });
}

}  // namespace bench::cli
