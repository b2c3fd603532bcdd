#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "bench/plan/catalogue.hpp"
#include "bench/plan/load.hpp"
#include "bench/plan/load_internal.hpp"

// Settings through the catalogue: one reader for every setting of plan::settings() (its member of
// MeasurementSettings, its range), the impedance loads and ports that refer to profiles, and the checks of
// the settings against the plan's gear.

namespace bench::plan::detail {

namespace fs = std::filesystem;

namespace {

using MS = MeasurementSettings;

// Examples for the messages about the two lists of ids (their default, [], shows nothing).
std::string_view id_list_example(const SettingSpec& spec) {
  if (is_setting(spec, &MS::imd_standards)) return "[\"smpte\", \"ccif\"]";
  return is_setting(spec, &MS::impedance_ports) ? "[\"headphone_out\"]" : "[\"open\", \"r33\", \"r300\"]";
}

// A minimum as a fix states it: rounded up to 3 significant digits, so that the printed value passes.
std::string minimum_text(double minimum_s) {
  if (!(minimum_s > 0)) return number_text(minimum_s);
  const double step = std::pow(10.0, std::floor(std::log10(minimum_s)) - 2);
  return number_text(std::ceil(minimum_s / step - 1e-9) * step);
}

// One duration the analysis needs a minimum of.
struct DurationCheck {
  std::string_view key;                  // the duration setting
  double value_s;                        // its effective value
  double minimum_s;                      // what the analysis needs
  std::string what;                      // "a tone can be analysed"
  std::string why;                       // "(0.1 s settling, ...)"
  std::vector<std::string_view> inputs;  // the settings besides key the minimum depends on
};

// A duration shorter than the analysis needs is refused at the key the table gives: the duration itself, or
// else the setting the table gives that raises the minimum above the duration it takes from elsewhere.
void check_duration(const SettingsSource& src, const DurationCheck& c) {
  if (!src.reads(c.key)) return;
  const bool gives_duration = src.gives(c.key);
  const auto given_input =
      std::find_if(c.inputs.begin(), c.inputs.end(), [&](auto n) { return src.gives(n); });
  // A step that gives none of them has the plan's, checked on [settings].
  if (src.is_step() && !gives_duration && given_input == c.inputs.end()) return;
  // Allowing for the rounding of a sum of constants (0.1 + 2 * 0.01 + 0.05): the minimum itself loads.
  if (!(c.value_s < c.minimum_s * (1 - 1e-9))) return;
  const std::string at_least = "use at least " + minimum_text(c.minimum_s) + " s " + c.why;
  const std::string shorter = " is shorter than " + c.what;
  if (gives_duration || given_input == c.inputs.end())
    src.table.fail_at(src.table.find(c.key), c.key, number_text(c.value_s) + " s" + shorter, at_least);
  const std::string_view input = *given_input;
  src.table.fail_at(
      src.table.find(input), input,
      "with this " + std::string(input) + ", " + std::string(c.key) + " = " + number_text(c.value_s) +
          " s (" + (src.is_step() ? "the plan's" : "the default") + ")" + shorter,
      "set " + std::string(c.key) + " to at least " + minimum_text(c.minimum_s) + " s " + c.why);
}

// The durations the analyses need of s (plan/catalogue.hpp DurationLimits).
void check_durations(const SettingsSource& src, const MeasurementSettings& s) {
  using D = DurationLimits;
  // Every steady tone (the tone steps' and the dynamic_range step's) is analysed the same way.
  const std::string tone_why = std::string("(")
                                   .append(number_text(D::kToneSettleS))
                                   .append(" s settling, two ")
                                   .append(number_text(D::kToneRampS * 1000))
                                   .append(" ms fades, ")
                                   .append(number_text(D::kMinToneAnalysisS))
                                   .append(" s analysed)");
  for (const auto& [key, value] : {std::pair{"tone_duration_s", s.tone_duration_s},
                                   std::pair{"dynamic_range_duration_s", s.dynamic_range_duration_s}})
    check_duration(src, {key, value, D::min_tone_s(), "a tone can be analysed", tone_why, {}});
  check_duration(src, {"noise_duration_s",
                       s.noise_duration_s,
                       D::min_noise_s(),
                       "a silence can be analysed",
                       std::string("(")
                           .append(number_text(D::kNoiseSettleS))
                           .append(" s settling, ")
                           .append(number_text(D::kMinNoiseAnalysisS))
                           .append(" s analysed)"),
                       {}});
  check_duration(src, {"imd_duration_s",
                       s.imd_duration_s,
                       D::min_imd_s(s.imd_standards),
                       "a twin tone of these standards can be analysed",
                       std::string("(")
                           .append(number_text(D::kToneSettleS))
                           .append(" s settling, two ")
                           .append(number_text(D::kToneRampS * 1000))
                           .append(" ms fades, and the record that resolves the products: SMPTE ")
                           .append(fixed(D::kImdSmpteRecordS, 3))
                           .append(" s, CCIF ")
                           .append(fixed(D::kImdCcifRecordS, 3))
                           .append(" s)"),
                       {"imd_standards"}});
  const auto sweep_what = [](std::string_view sweep, double f1_hz, double f2_hz) {
    return std::string(sweep) + " from " + number_text(f1_hz) + " Hz to " + number_text(f2_hz) + " Hz can be";
  };
  const std::string sweep_why = "(0.5*ln(f2/f1)/f1: a synchronized sweep holds at least one cycle of f1)";
  check_duration(src, {"sweep_duration_s",
                       s.sweep_duration_s,
                       D::min_sweep_s(s.sweep_f1_hz, s.sweep_f2_hz),
                       sweep_what("a synchronized sweep", s.sweep_f1_hz, s.sweep_f2_hz),
                       sweep_why,
                       {"sweep_f1_hz", "sweep_f2_hz"}});
  const double impedance_f2_hz = D::impedance_sweep_f2_hz(s.sweep_f2_hz, s.sample_rate_hz);
  check_duration(src, {"impedance_sweep_duration_s",
                       s.impedance_sweep_duration_s,
                       D::min_sweep_s(s.sweep_f1_hz, impedance_f2_hz),
                       sweep_what("the impedance sweep", s.sweep_f1_hz, impedance_f2_hz) +
                           " (it runs to max(sweep_f2_hz, min(0.95 * sample_rate_hz / 2, 40000 Hz)))",
                       sweep_why,
                       {"sweep_f1_hz", "sweep_f2_hz"}});
}

}  // namespace

Range setting_range(const SettingSpec& spec) {
  return {spec.min, spec.max, spec.min_open, spec.max_open};
}

const SettingSpec& setting_spec(SettingField member) {
  for (const SettingSpec& spec : settings())
    if (spec.field == member) return spec;
  throw std::logic_error(
      "a member of MeasurementSettings has no setting in the catalogue (bench/plan/catalogue.cpp)");
}

Keys setting_names() {
  Keys names;
  for (const SettingSpec& spec : settings()) names.push_back(spec.name);
  return names;
}

void read_setting(const Reader& r, const SettingSpec& spec, MeasurementSettings& s) {
  const std::string_view key = spec.name;
  const toml::node& node = r.required(key, default_text(spec));
  struct Visitor {
    const Reader& r;
    const SettingSpec& spec;
    const toml::node& node;
    MeasurementSettings& s;
    void operator()(double MS::*f) const { s.*f = r.number_value(node, spec.name, setting_range(spec)); }
    void operator()(std::vector<double> MS::*f) const {
      s.*f = r.numbers(spec.name, setting_range(spec), default_text(spec));
    }
    void operator()(std::string MS::*f) const { s.*f = r.string_value(node, spec.name); }
    void operator()(std::vector<std::string> MS::*f) const {
      (s.*f).clear();
      for (auto& [id, line] : read_ids(r, spec.name, id_list_example(spec))) (s.*f).push_back(std::move(id));
    }
  };
  std::visit(Visitor{r, spec, node, s}, spec.field);
}

MeasurementSettings read_settings(const Reader& r) {
  MeasurementSettings s;
  for (const SettingSpec& spec : settings()) {
    if (is_setting(spec, &MS::reference_load) && !r.has(spec.name))
      static_cast<void>(r.required(spec.name, "\"r300\""));  // throws: every plan names its reference load
    if (r.has(spec.name)) read_setting(r, spec, s);
  }
  return s;
}

std::vector<Load> read_impedance_loads(const Reader& r, const fs::path& bench_root) {
  std::vector<Load> loads;
  const auto refs = read_ids(r, "impedance_loads", "[\"open\", \"r33\", \"r300\"]");
  for (std::size_t i = 0; i < refs.size(); ++i) {
    const std::string key = "impedance_loads[" + std::to_string(i) + "]";
    Load l = load_load(referenced_file(r, key, refs[i].second, refs[i].first, bench_root,
                                       fs::path("profiles") / "loads", "load profile"));
    if (l.kind == Load::Kind::kHeadphone)
      fail(r.file(), refs[i].second, r.key_path(key),
           in_quotes(l.id) +
               " is a headphone: the output impedance is solved from loads of exactly known impedance",
           "list resistors or an open load, e.g. [\"open\", \"r33\", \"r300\"]");
    loads.push_back(std::move(l));
  }
  const toml::node* node = r.find("impedance_loads");
  if (refs.size() < 2)
    r.fail_at(node, "impedance_loads", "has one load; the output impedance needs two or more",
              "add a second load of another impedance, e.g. [\"open\", \"r33\"]");
  const bool all_same = std::all_of(
      loads.begin(), loads.end(), [&](const Load& l) { return l.nominal_ohm == loads.front().nominal_ohm; });
  if (all_same)
    r.fail_at(node, "impedance_loads",
              "every load has the same impedance, which cannot separate the output impedance",
              "use loads of clearly different impedance, e.g. [\"open\", \"r33\", \"r300\"]");
  return loads;
}

std::vector<std::string> read_impedance_ports(const Reader& r, const InterfaceProfile& interface,
                                              bool have_loads, bool in_step) {
  if (!have_loads && !in_step)
    r.fail_at(r.find("impedance_ports"), "impedance_ports",
              "ports are measured into settings.impedance_loads, which the plan does not give",
              "add impedance_loads = [\"open\", \"r33\", \"r300\"] or remove impedance_ports");
  if (!have_loads)
    r.fail_at(r.find("impedance_ports"), "impedance_ports",
              "ports are measured into impedance_loads, which neither this step nor [settings] gives",
              "add impedance_loads = [\"open\", \"r33\", \"r300\"] to the step or to [settings], or remove "
              "impedance_ports");
  std::vector<std::string> ports;
  for (const auto& [port, line] : read_ids(r, "impedance_ports", "[\"headphone_out\"]")) {
    if (!interface.ports.contains(port))
      fail(r.file(), line, r.key_path("impedance_ports"),
           "port " + in_quotes(port) + " is not in interface " + in_quotes(interface.id) + " (" +
               interface.file.string() + ")",
           "use one of " + keys_of(interface.ports));
    ports.push_back(port);
  }
  return ports;
}

bool SettingsSource::gives(std::string_view name) const {
  if (!is_step()) return table.has(name);
  return std::find(overridden->begin(), overridden->end(), name) != overridden->end();
}

bool SettingsSource::reads(std::string_view name) const {
  return std::any_of(kinds.begin(), kinds.end(), [&](const StepKindSpec* k) {
    return std::find(k->settings.begin(), k->settings.end(), name) != k->settings.end();
  });
}

void check_settings(const SettingsSource& src, const MeasurementSettings& s, const std::vector<Load>& loads) {
  const Reader& r = src.table;
  // A step's settings it does not give are the plan's, checked on [settings] already.
  const auto involved = [&](std::initializer_list<std::string_view> names) {
    return !src.is_step() || std::any_of(names.begin(), names.end(), [&](auto n) { return src.gives(n); });
  };
  const std::string from = src.is_step() ? " (from [settings])" : "";
  const double nyquist_hz = s.sample_rate_hz / 2;
  if (s.sweep_f1_hz >= s.sweep_f2_hz && involved({"sweep_f1_hz", "sweep_f2_hz"})) {
    if (src.gives("sweep_f1_hz") || !src.gives("sweep_f2_hz"))
      r.fail_at(r.find("sweep_f1_hz"), "sweep_f1_hz",
                number_text(s.sweep_f1_hz) + " is not below sweep_f2_hz = " + number_text(s.sweep_f2_hz) +
                    (src.gives("sweep_f2_hz") ? "" : from),
                "make sweep_f1_hz < sweep_f2_hz");
    r.fail_at(r.find("sweep_f2_hz"), "sweep_f2_hz",
              number_text(s.sweep_f2_hz) + " is not above sweep_f1_hz = " + number_text(s.sweep_f1_hz) + from,
              "make sweep_f1_hz < sweep_f2_hz");
  }
  if (s.sweep_f2_hz > nyquist_hz && involved({"sweep_f2_hz"}))
    r.fail_at(r.find("sweep_f2_hz"), "sweep_f2_hz",
              number_text(s.sweep_f2_hz) + " Hz is above half the sample rate (" + number_text(nyquist_hz) +
                  " Hz at sample_rate_hz = " + number_text(s.sample_rate_hz) + ")",
              "lower sweep_f2_hz to at most " + number_text(nyquist_hz) + " or raise sample_rate_hz");
  if (s.tone_frequency_hz >= nyquist_hz && involved({"tone_frequency_hz"}))
    r.fail_at(r.find("tone_frequency_hz"), "tone_frequency_hz",
              number_text(s.tone_frequency_hz) + " Hz is not below half the sample rate (" +
                  number_text(nyquist_hz) + " Hz)",
              "lower tone_frequency_hz or raise sample_rate_hz");
  if (std::none_of(loads.begin(), loads.end(), [&](const Load& l) { return l.id == s.reference_load; }) &&
      involved({"reference_load"})) {
    std::vector<std::string> ids;
    for (const Load& l : loads) ids.push_back(l.id);
    r.fail_at(r.find("reference_load"), "reference_load",
              in_quotes(s.reference_load) + " is not one of the plan's loads",
              "use one of " + join(ids) + ", or add it to plan.loads");
  }
  if (s.max_output_search != "bursts" && s.max_output_search != "stepped" && involved({"max_output_search"}))
    r.fail_at(r.find("max_output_search"), "max_output_search",
              in_quotes(s.max_output_search) + " is not a search of the maximum output",
              "use \"bursts\" (a few takes of stepped tones) or \"stepped\" (one take per level)");
  if (s.bandwidth_hz > nyquist_hz && involved({"bandwidth_hz"}))
    r.fail_at(r.find("bandwidth_hz"), "bandwidth_hz",
              number_text(s.bandwidth_hz) + " Hz is above half the sample rate (" + number_text(nyquist_hz) +
                  " Hz)",
              "use 20000 (AES17), 22400 or 80000 at most half of sample_rate_hz");
  if (s.thd_n_weighting != "none" && s.thd_n_weighting != "A" && s.thd_n_weighting != "ccir-rms" &&
      involved({"thd_n_weighting"}))
    r.fail_at(r.find("thd_n_weighting"), "thd_n_weighting",
              in_quotes(s.thd_n_weighting) + " is not a weighting",
              "use \"none\", \"A\" (IEC 61672-1) or \"ccir-rms\" (ITU-R BS.468-4)");
  if (involved({"imd_standards"})) {
    for (std::size_t i = 0; i < s.imd_standards.size(); ++i)
      if (s.imd_standards[i] != "smpte" && s.imd_standards[i] != "ccif")
        r.fail_at(r.find("imd_standards"), "imd_standards",
                  in_quotes(s.imd_standards[i]) + " is not an intermodulation test",
                  "use \"smpte\" (60 Hz and 7 kHz at 4:1) or \"ccif\" (19 kHz and 20 kHz at 1:1)");
  }
  // CCIF reads 2f2 - f1 = 21 kHz, which must lie below 0.98 of Nyquist (dsp::validate_imd_tones).
  if (std::find(s.imd_standards.begin(), s.imd_standards.end(), "ccif") != s.imd_standards.end() &&
      21000 >= 0.98 * nyquist_hz && src.reads("imd_standards") &&
      involved({"imd_standards", "sample_rate_hz"}))
    r.fail_at(r.find("imd_standards"), "imd_standards",
              "CCIF reads 2f2 - f1 = 21 kHz, above 0.98 of half the sample rate (" + number_text(nyquist_hz) +
                  " Hz)",
              "use sample_rate_hz = 44100 or more, or drop \"ccif\"");
  check_durations(src, s);
}

void cross_validate_settings(const Reader& settings, const MeasurementSettings& s,
                             const InterfaceProfile& interface, const AdcProfile& adc,
                             const std::vector<Load>& loads, std::vector<const StepKindSpec*> kinds) {
  const auto supported = [&](const std::vector<double>& rates) {
    return std::find(rates.begin(), rates.end(), s.sample_rate_hz) != rates.end();
  };
  const std::string rate = number_text(s.sample_rate_hz);
  const toml::node* rate_node = settings.find("sample_rate_hz");
  const auto rates_text = [](const std::vector<double>& rates) {
    std::vector<std::string> t;
    for (double r : rates) t.push_back(number_text(r));
    return join(t);
  };
  if (!supported(interface.sample_rates_hz))
    settings.fail_at(rate_node, "sample_rate_hz",
                     rate + " Hz is not supported by interface " + in_quotes(interface.id),
                     "use one of " + rates_text(interface.sample_rates_hz));
  if (!supported(adc.sample_rates_hz))
    settings.fail_at(rate_node, "sample_rate_hz", rate + " Hz is not supported by ADC " + in_quotes(adc.id),
                     "use one of " + rates_text(adc.sample_rates_hz));
  check_settings(SettingsSource{settings, nullptr, std::move(kinds)}, s, loads);
  if (adc.channels < 2)
    fail(adc.file, 0, "adc.channels",
         "the bench records two destination channels (left, right) but the ADC has " +
             std::to_string(adc.channels),
         "use an ADC profile with at least 2 channels");
}

}  // namespace bench::plan::detail
