#include "bench/io/sidecar.hpp"

#include <cmath>
#include <fstream>

#include "bench/core/error.hpp"
#include "bench/core/version.hpp"
#include "bench/io/atomic_file.hpp"

namespace bench::io {

std::filesystem::path sidecar_path(const std::filesystem::path& wav) {
  return wav.string() + ".json";
}

nlohmann::json sweep_sidecar(const stimulus::SweepSpec& s, int channels) {
  return {{"schema", "bench.stimulus/1"},
          {"kind", "sweep"},
          {"generator", std::string("bench ") + kVersion},
          {"method", "synchronized exponential swept sine (Novak et al., JAES 2015)"},
          {"f1_hz", s.f1_hz},
          {"f2_hz", s.f2_hz},
          {"sample_rate_hz", s.sample_rate_hz},
          {"level_dbfs", s.level_dbfs},
          {"fade_s", s.fade_s},
          {"requested_duration_s", s.requested_duration_s},
          {"rate_l_s", s.rate_l_s},
          {"duration_s", s.duration_s},
          {"samples", s.samples},
          {"channels", channels}};
}

nlohmann::json tone_sidecar(const stimulus::ToneSpec& s, int channels) {
  return {{"schema", "bench.stimulus/1"},
          {"kind", "sine"},
          {"generator", std::string("bench ") + kVersion},
          {"frequency_hz", s.frequency_hz},
          {"actual_frequency_hz", s.actual_frequency_hz},
          {"coherent", s.coherent},
          {"level_dbfs", s.level_dbfs},
          {"duration_s", s.duration_s},
          {"sample_rate_hz", s.sample_rate_hz},
          {"samples", s.samples},
          {"channels", channels}};
}

nlohmann::json twin_tone_sidecar(const stimulus::TwinToneSpec& s, int channels) {
  return {{"schema", "bench.stimulus/1"},
          {"kind", "twin_tone"},
          {"generator", std::string("bench ") + kVersion},
          {"standard", std::string(dsp::to_string(s.standard))},
          {"f1_hz", s.tones.f1_hz},
          {"f2_hz", s.tones.f2_hz},
          {"actual_f1_hz", s.actual_f1_hz},
          {"actual_f2_hz", s.actual_f2_hz},
          {"ratio", s.tones.ratio},
          {"level_dbfs", s.level_dbfs},
          {"level_is", "peak of the sum"},
          {"f1_level_dbfs", dsp::amplitude_db(s.a1)},
          {"f2_level_dbfs", dsp::amplitude_db(s.a2)},
          {"duration_s", s.duration_s},
          {"sample_rate_hz", s.sample_rate_hz},
          {"samples", s.samples},
          {"channels", channels}};
}

void write_json(const std::filesystem::path& path, const nlohmann::json& doc, bool durable) {
  write_text_atomic(path, doc.dump(2) + "\n", durable);
}

std::optional<stimulus::SweepSpec> read_sweep_sidecar(const std::filesystem::path& path) {
  if (!std::filesystem::exists(path)) return std::nullopt;
  std::ifstream in(path);
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw InputError(path.string() + ": not valid JSON (" + e.what() +
                     "): delete it or regenerate the stimulus");
  }
  auto need = [&](const char* key) -> double {
    if (!doc.contains(key) || !doc[key].is_number())
      throw InputError(path.string() + ": key '" + key +
                       "' is missing or not a number: regenerate the stimulus");
    return doc[key].get<double>();
  };
  auto text = [&](const char* key) {
    return doc.contains(key) && doc[key].is_string() ? doc[key].get<std::string>() : std::string();
  };
  if (!doc.is_object() || text("schema") != "bench.stimulus/1" || text("kind") != "sweep")
    throw InputError(path.string() + ": not a bench sweep sidecar (schema bench.stimulus/1, kind sweep)");
  stimulus::SweepSpec s;
  s.f1_hz = need("f1_hz");
  s.f2_hz = need("f2_hz");
  s.sample_rate_hz = need("sample_rate_hz");
  s.level_dbfs = need("level_dbfs");
  s.fade_s = need("fade_s");
  s.requested_duration_s = need("requested_duration_s");
  s.rate_l_s = need("rate_l_s");
  s.duration_s = need("duration_s");
  const double samples = need("samples");
  if (!(samples >= 1 && samples <= 1e12 && samples == std::floor(samples)))
    throw InputError(path.string() +
                     ": key 'samples' must be a whole number of at least 1: regenerate the stimulus");
  s.samples = static_cast<std::size_t>(samples);
  return s;
}

}  // namespace bench::io
