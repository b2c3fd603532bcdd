#include "bench/cli/analysis_json.hpp"

#include <cmath>
#include <string>

#include "bench/core/format.hpp"
#include "bench/core/version.hpp"

namespace bench::cli {
namespace {

constexpr const char* kDbfsConvention =
    "AES17: 0 dBFS is a sine whose peaks reach full scale; noise in dBFS is 10*log10(2 * mean square)";
constexpr double kDbuReferenceVrms = 0.7745966692;  // sqrt(0.6): 1 mW into 600 ohm

// JSON has no infinity: a level of exactly zero power is written as null.
nlohmann::json finite(double v) {
  return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
}

void add_volts(nlohmann::json& j, const char* dbfs_key, const std::string& stem,
               std::optional<double> fullscale_vrms, bool with_dbu) {
  if (!fullscale_vrms || !j[dbfs_key].is_number()) return;
  const double dbv = j[dbfs_key].get<double>() + 20 * std::log10(*fullscale_vrms);
  j[stem + "_dbv"] = dbv;
  j[stem + "_vrms"] = std::pow(10.0, dbv / 20);
  if (with_dbu) j[stem + "_dbu"] = dbv - 20 * std::log10(kDbuReferenceVrms);
}

nlohmann::json hum_json(const std::vector<analysis::HumLine>& hum, std::optional<double> fullscale_vrms) {
  nlohmann::json a = nlohmann::json::array();
  for (const auto& h : hum) {
    nlohmann::json j = {{"frequency_hz", h.frequency_hz}, {"level_dbfs", finite(h.level_dbfs)}};
    add_volts(j, "level_dbfs", "level", fullscale_vrms, false);
    a.push_back(j);
  }
  return a;
}

}  // namespace

nlohmann::json analysis_document(const char* kind, double sample_rate_hz, nlohmann::json settings) {
  return {{"schema", "bench.analysis/1"},    {"kind", kind},
          {"bench_version", kVersion},       {"sample_rate_hz", sample_rate_hz},
          {"settings", std::move(settings)}, {"channels", nlohmann::json::array()}};
}

nlohmann::json sweep_settings_json(const analysis::SweepAnalysisOptions& o) {
  return {
      {"method",
       "synchronized exponential sweep (Novak et al. 2015), regularised spectral division, zero-padded"},
      {"f1_hz", o.f1_hz},
      {"f2_hz", o.f2_hz},
      {"rate_l_s", o.rate_l_s},
      {"points_per_octave", o.points_per_octave},
      {"smoothing", o.smoothing_fraction > 0 ? "1/" + number_text(o.smoothing_fraction) + " octave" : "none"},
      {"max_harmonic", o.max_harmonic},
      {"fade_s", o.fade_s},
      {"magnitude", "absolute gain capture/stimulus in dB, 0 dB = unity"},
      {"phase", "degrees, wrapped to (-180, 180], latency removed"},
      {"harmonic_level",
       "dB re the fundamental at the excitation frequency; listed where n*f < min(f2*exp(-fade_s/L), "
       "0.95*fs/2)"},
      {"dbfs_convention", kDbfsConvention}};
}

nlohmann::json to_json(const analysis::SweepResult& r) {
  nlohmann::json harmonics = nlohmann::json::array();
  for (const auto& h : r.harmonics) {
    nlohmann::json levels = nlohmann::json::array();
    for (double v : h.level_db) levels.push_back(finite(v));
    harmonics.push_back({{"order", h.order}, {"frequency_hz", h.frequency_hz}, {"level_db", levels}});
  }
  nlohmann::json mag = nlohmann::json::array();
  for (double v : r.response.magnitude_db) mag.push_back(finite(v));
  return {{"latency_samples", r.latency_samples},
          {"polarity", r.inverted ? "inverted" : "normal"},
          {"impulse_peak_to_noise_db", r.peak_to_noise_db},
          {"frequency_response",
           {{"frequency_hz", r.response.frequency_hz},
            {"magnitude_db", mag},
            {"phase_deg", r.response.phase_deg}}},
          {"harmonics", harmonics}};
}

nlohmann::json sine_settings_json(const analysis::SineAnalysisOptions& o,
                                  std::optional<double> fullscale_vrms) {
  nlohmann::json j = {
      {"method",
       "AES17 THD+N; fundamental and DC removed by a four-parameter least-squares sine fit (IEEE 1241)"},
      {"window", "7-term Blackman-Harris, noise bandwidth corrected"},
      {"bandwidth_hz", {o.band_lo_hz, o.band_hi_hz}},
      {"band_filter", "brick-wall in the frequency domain"},
      {"weighting", dsp::to_string(o.weighting)},
      {"weighting_applies_to", "thd_n_db, sinad_db, noise_dbfs (not THD)"},
      {"max_harmonic", o.max_harmonic},
      {"expected_frequency_hz", o.frequency_hz ? nlohmann::json(*o.frequency_hz) : nlohmann::json(nullptr)},
      {"mains_hz", o.mains_hz == 0 ? nlohmann::json("auto") : nlohmann::json(o.mains_hz)},
      {"span",
       "each channel's longest steady stretch of the tone, span_start_s to span_end_s in s from the file's "
       "start (silence, fades and settling left out)"},
      {"dbfs_convention", kDbfsConvention}};
  j["fullscale_vrms"] = fullscale_vrms ? nlohmann::json(*fullscale_vrms) : nlohmann::json(nullptr);
  return j;
}

nlohmann::json to_json(const analysis::SineResult& r, std::optional<double> fullscale_vrms) {
  nlohmann::json harmonics = nlohmann::json::array();
  for (const auto& h : r.harmonics)
    harmonics.push_back({{"order", h.order},
                         {"frequency_hz", h.frequency_hz},
                         {"level_db", finite(h.level_db)},
                         {"level_dbfs", finite(h.level_dbfs)}});
  nlohmann::json j = {{"fundamental_hz", r.fundamental_hz},
                      {"fundamental_dbfs", finite(r.fundamental_dbfs)},
                      {"dc_offset_fs", r.dc_offset_fs},
                      {"thd_db", finite(r.thd_db)},
                      {"thd_percent", r.thd_percent},
                      {"thd_n_db", finite(r.thd_n_db)},
                      {"thd_n_percent", r.thd_n_percent},
                      {"sinad_db", finite(r.sinad_db)},
                      {"noise_dbfs", finite(r.noise_dbfs)},
                      {"harmonics", harmonics},
                      {"mains_hz", r.mains_hz},
                      {"hum", hum_json(r.hum, fullscale_vrms)}};
  add_volts(j, "fundamental_dbfs", "fundamental", fullscale_vrms, true);
  add_volts(j, "noise_dbfs", "noise", fullscale_vrms, true);
  return j;
}

nlohmann::json noise_settings_json(const analysis::NoiseAnalysisOptions& o,
                                   std::optional<double> fullscale_vrms) {
  return {
      {"method", "residual RMS after removing DC"},
      {"window", "7-term Blackman-Harris, noise bandwidth corrected"},
      {"bandwidth_hz", {o.band_lo_hz, o.band_hi_hz}},
      {"band_filter", "brick-wall in the frequency domain"},
      {"weighting",
       "noise_dbfs unweighted, noise_dbfs_a A-weighted (IEC 61672-1), noise_dbfs_ccir_rms CCIR-RMS weighted "
       "(ITU-R BS.468-4 normalised to 0 dB at 2 kHz, RMS detector)"},
      {"mains_hz", o.mains_hz == 0 ? nlohmann::json("auto") : nlohmann::json(o.mains_hz)},
      {"dbfs_convention", kDbfsConvention},
      {"fullscale_vrms", fullscale_vrms ? nlohmann::json(*fullscale_vrms) : nlohmann::json(nullptr)}};
}

nlohmann::json to_json(const analysis::NoiseResult& r, std::optional<double> fullscale_vrms) {
  nlohmann::json j = {{"noise_dbfs", finite(r.noise_dbfs)},
                      {"noise_dbfs_a", finite(r.noise_dbfs_a)},
                      {"noise_dbfs_ccir_rms", finite(r.noise_dbfs_ccir_rms)},
                      {"dc_offset_fs", r.dc_offset_fs},
                      {"mains_hz", r.mains_hz},
                      {"hum", hum_json(r.hum, fullscale_vrms)}};
  add_volts(j, "noise_dbfs", "noise", fullscale_vrms, true);
  add_volts(j, "noise_dbfs_a", "noise_a", fullscale_vrms, true);
  add_volts(j, "noise_dbfs_ccir_rms", "noise_ccir_rms", fullscale_vrms, true);
  return j;
}

nlohmann::json dynamic_range_settings_json(const analysis::DynamicRangeOptions& o,
                                           std::optional<double> fullscale_vrms) {
  return {{"method",
           "AES17 dynamic range: a 997 Hz tone at -60 dBFS (within 1 dB), removed by a four-parameter "
           "least-squares sine fit (IEEE 1241) in place of the notch; the residual's RMS in the band, "
           "unweighted, A-weighted (IEC 61672-1) and CCIR-RMS weighted (ITU-R BS.468-4, 0 dB at 2 kHz); "
           "dynamic_range_db* = 0 dBFS minus the residual"},
          {"tone_hz", o.tone_hz},
          {"window", "7-term Blackman-Harris, noise bandwidth corrected"},
          {"bandwidth_hz", {o.band_lo_hz, o.band_hi_hz}},
          {"band_filter", "brick-wall in the frequency domain"},
          {"span",
           "each channel's longest steady stretch of the tone, span_start_s to span_end_s in s from the "
           "file's start"},
          {"dbfs_convention", kDbfsConvention},
          {"fullscale_vrms", fullscale_vrms ? nlohmann::json(*fullscale_vrms) : nlohmann::json(nullptr)}};
}

nlohmann::json to_json(const analysis::DynamicRangeResult& r, std::optional<double> fullscale_vrms) {
  nlohmann::json j = {{"tone_hz", r.tone_hz},
                      {"tone_dbfs", finite(r.tone_dbfs)},
                      {"residual_dbfs", finite(r.residual_dbfs)},
                      {"residual_dbfs_a", finite(r.residual_dbfs_a)},
                      {"residual_dbfs_ccir_rms", finite(r.residual_dbfs_ccir_rms)},
                      {"dynamic_range_db", finite(r.dynamic_range_db)},
                      {"dynamic_range_db_a", finite(r.dynamic_range_db_a)},
                      {"dynamic_range_db_ccir_rms", finite(r.dynamic_range_db_ccir_rms)},
                      {"record_s", r.record_s}};
  add_volts(j, "tone_dbfs", "tone", fullscale_vrms, true);
  add_volts(j, "residual_dbfs", "residual", fullscale_vrms, true);
  add_volts(j, "residual_dbfs_a", "residual_a", fullscale_vrms, true);
  add_volts(j, "residual_dbfs_ccir_rms", "residual_ccir_rms", fullscale_vrms, true);
  return j;
}

nlohmann::json imd_settings_json(const analysis::ImdAnalysisOptions& o) {
  const dsp::ImdTones d = dsp::imd_defaults(o.standard);
  return {
      {"standard", std::string(dsp::to_string(o.standard))},
      {"f1_hz", o.f1_hz.value_or(d.f1_hz)},
      {"f2_hz", o.f2_hz.value_or(d.f2_hz)},
      {"method",
       o.standard == dsp::ImdStandard::kSmpte
           ? "SMPTE RP120 / DIN 45403: RSS of the sidebands f2 +- n*f1, n = 1..5, over the f2 tone"
           : "CCIF twin tone, IEC 60268-3 14.12.8: dfd2 = a(f2-f1) / (a(f1) + a(f2)), dfd3 = (a(2f1-f2) + "
             "a(2f2-f1)) / (a(f1) + a(f2)), imd = RSS of the two"},
      {"window",
       "7-term Blackman-Harris over the steady stretch, each line read by the windowed DFT at exactly its "
       "frequency"},
      {"dbfs_convention", kDbfsConvention}};
}

nlohmann::json to_json(const analysis::ImdResult& r) {
  nlohmann::json products = nlohmann::json::array();
  for (const auto& p : r.products)
    products.push_back({{"name", p.name},
                        {"order", p.order},
                        {"frequency_hz", p.frequency_hz},
                        {"level_dbfs", finite(p.level_dbfs)},
                        {"relative_db", finite(p.relative_db)}});
  nlohmann::json j = {{"standard", std::string(dsp::to_string(r.standard))},
                      {"f1_hz", r.f1_hz},
                      {"f2_hz", r.f2_hz},
                      {"f1_dbfs", finite(r.f1_dbfs)},
                      {"f2_dbfs", finite(r.f2_dbfs)},
                      {"ratio", r.ratio},
                      {"reference", r.standard == dsp::ImdStandard::kSmpte ? "f2" : "a(f1) + a(f2)"},
                      {"reference_dbfs", finite(r.reference_dbfs)},
                      {"imd_db", finite(r.imd_db)},
                      {"imd_percent", r.imd_percent},
                      {"record_s", r.record_s},
                      {"products", products}};
  if (r.dfd2_db) j["dfd2_db"] = finite(*r.dfd2_db);
  if (r.dfd3_db) j["dfd3_db"] = finite(*r.dfd3_db);
  return j;
}

}  // namespace bench::cli
