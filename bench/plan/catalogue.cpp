#include "bench/plan/catalogue.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <stdexcept>

#include "bench/core/format.hpp"

namespace bench::plan {
namespace {

constexpr std::uint8_t kMinMax =
    static_cast<std::uint8_t>(LimitForm::kMin) | static_cast<std::uint8_t>(LimitForm::kMax);
constexpr std::uint8_t kTolerance = static_cast<std::uint8_t>(LimitForm::kTolerance);
constexpr std::uint8_t kWord = static_cast<std::uint8_t>(LimitForm::kExpected);

using MS = MeasurementSettings;

constexpr std::array kChecks = {
    CheckSpec{"clock_drift_ppm", "ppm", 0, Better::kCloserToZero, "clock drift", "per configuration",
              "the reference ADC's sample clock against the interface's, from the frequency of a steady tone "
              "as recorded "
              "(four-parameter sine fit, IEEE 1241); recorded only: beyond settings.drift_tolerance_ppm "
              "every check is ERROR"},
    CheckSpec{"channel_map", "", kWord, Better::kMatch, "channel map", "per configuration",
              "which ADC channel each output channel arrives on: the channel with the largest impulse peak "
              "of a sweep "
              "played on that output alone; expected \"L->L, R->R\""},
    CheckSpec{"polarity", "", kWord, Better::kMatch, "polarity", "per channel",
              "the sign of the impulse peak of a sweep on each channel; expected \"normal\""},
    CheckSpec{"frequency_response_deviation_db", "dB", kMinMax, Better::kLower,
              "frequency response deviation", "per channel",
              "largest |level - level at 1 kHz| from 20 Hz to 20 kHz of the swept response"},
    CheckSpec{
        "interchannel_phase_deg", "deg", kMinMax, Better::kLower, "interchannel phase", "per configuration",
        "largest |phase(left) - phase(right)| from 20 Hz to 20 kHz of one sweep played on both channels, "
        "both read against the same latency"},
    CheckSpec{"crosstalk_db", "dB", kMinMax, Better::kLower, "crosstalk",
              "per direction (left->right, right->left)",
              "20*log10(V_undriven / V_driven) of steady tones at 85 Hz, 1035 Hz and 10035 Hz on one "
              "channel, read narrow-band "
              "on the other; the worst of the three"},
    CheckSpec{"level_dbv", "dBV", kTolerance, Better::kCloserToExpected, "level", "per channel",
              "level across the load at the test tone (AES17: 0 dBFS is a sine whose peaks reach full scale; "
              "dBV re 1 Vrms "
              "from the ADC's full-scale volts); expected from the profiles' nominal values: source and "
              "output loading, the "
              "fixture's declared level change, amp gain"},
    CheckSpec{"gain_db", "dB", kTolerance, Better::kCloserToExpected, "gain", "per channel",
              "level across the load minus the port's nominal open-circuit level (full-scale volts, volume, "
              "neutral gain); "
              "expected from the profiles as level_dbv"},
    CheckSpec{"channel_balance_db", "dB", kMinMax, Better::kLower, "channel balance", "per configuration",
              "|left level - right level| at the test tone"},
    CheckSpec{"thd_db", "dB", kMinMax, Better::kLower, "THD", "per channel and level",
              "sqrt(sum of V_n^2, n = 2..10 inside 20 Hz..settings.bandwidth_hz) / V_1 of the test tone, "
              "fundamental "
              "removed by a least-squares sine fit"},
    CheckSpec{
        "thd_n_db", "dB", kMinMax, Better::kLower, "THD+N", "per channel and level",
        "AES17 THD+N, 20 Hz to settings.bandwidth_hz (20 kHz), weighted as settings.thd_n_weighting: RMS "
        "of the residual after a least-squares sine fit removes the fundamental, over the RMS of the band "
        "signal"},
    CheckSpec{"imd_smpte_db", "dB", kMinMax, Better::kLower, "SMPTE IMD", "per channel",
              "SMPTE RP120 / DIN 45403 intermodulation: 60 Hz and 7 kHz at 4:1, peak of the sum at "
              "imd_level_dbfs; RSS of the sidebands 7 kHz +- n*60 Hz, n = 1..5, over the 7 kHz tone"},
    CheckSpec{
        "imd_ccif_db", "dB", kMinMax, Better::kLower, "CCIF IMD", "per channel",
        "CCIF twin-tone intermodulation (IEC 60268-3 difference-frequency distortion): 19 kHz and 20 kHz "
        "at 1:1; RSS of dfd2 = a(1 kHz) and dfd3 = a(18 kHz) + a(21 kHz), each over a(19 kHz) + "
        "a(20 kHz)"},
    CheckSpec{
        "dynamic_range_db_a", "dB", kMinMax, Better::kHigher, "dynamic range (A)", "per channel",
        "AES17 dynamic range: a 997 Hz tone at -60 dBFS, removed by a least-squares sine fit; the level "
        "digital full scale gives at the load (the tone's + 60 dB) over the residual's RMS, 20 Hz to "
        "settings.bandwidth_hz, A-weighted (IEC 61672-1)"},
    CheckSpec{"dynamic_range_db_ccir_rms", "dB", kMinMax, Better::kHigher, "dynamic range (CCIR-RMS)",
              "per channel",
              "as dynamic_range_db_a, the residual CCIR-RMS weighted (ITU-R BS.468-4 normalised to 0 dB at "
              "2 kHz, RMS detector)"},
    CheckSpec{"max_output_vrms", "Vrms", kMinMax, Better::kHigher, "maximum output", "per channel and load",
              "level across the load where THD+N reaches settings.max_output_thd_n_percent, or at the "
              "interface's full scale "
              "if that comes first (then an \"at least\" value)"},
    CheckSpec{"noise_dbv_a", "dBV(A)", kMinMax, Better::kLower, "A-weighted noise", "per channel",
              "silence at the interface: residual RMS across the load, A-weighted (IEC 61672-1), 20 Hz to "
              "settings.bandwidth_hz (20 kHz)"},
    CheckSpec{"noise_dbv_ccir_rms", "dBV(CCIR-RMS)", kMinMax, Better::kLower, "CCIR-RMS noise", "per channel",
              "silence at the interface: residual RMS across the load, CCIR-RMS weighted (ITU-R BS.468-4 "
              "normalised to 0 dB at 2 kHz, RMS detector, as AES17 uses it), 20 Hz to settings.bandwidth_hz"},
    CheckSpec{"hum_dbv", "dBV", kMinMax, Better::kLower, "hum", "per channel",
              "strongest mains line (50 or 60 Hz and its harmonics 2..5, each a sine level) with silence at "
              "the interface"},
    CheckSpec{"snr_db", "dB", kMinMax, Better::kHigher, "SNR", "per channel",
              "largest clean output (0 dBFS, or the maximum output into the reference load when lower) over "
              "the A-weighted "
              "noise"},
    CheckSpec{
        "output_impedance_ohm", "ohm", kMinMax, Better::kLower, "output impedance", "per channel",
        "|Z_out| of the amplifier at 1 kHz (third-octave mean), from sweeps into settings.impedance_loads "
        "(each in "
        "parallel with the ADC input): complex least squares per frequency of V_open - Z_out*V_L/Z_L = V_L"},
    CheckSpec{"loading_deviation_db", "dB", kMinMax, Better::kLower, "loading deviation",
              "per channel and headphone",
              "peak-to-peak of 20*log10|H(f)/H(1 kHz)|, H = Z_hp/(Z_hp + Z_out), 20 Hz to 20 kHz, per "
              "headphone of the plan"},
    CheckSpec{"damping_factor", "ohm/ohm", kMinMax, Better::kHigher, "damping factor",
              "per channel and headphone",
              "lowest |Z_hp(f)|/|Z_out(f)| from 20 Hz to 20 kHz, per headphone; rule of eighths: Z_out <= "
              "Z_hp/8 everywhere"},
    CheckSpec{"source_loading_db", "dB", kMinMax, Better::kHigher, "source loading", "per configuration",
              "20*log10|Z_in/n / (Z_in/n + Z_s)|: the port's output impedance (half of it from a balanced "
              "port into an "
              "unbalanced input) into n amp inputs in parallel"},
};

const std::array<SettingSpec, 27> kSettings = {{
    {"sample_rate_hz", "Hz", &MS::sample_rate_hz, 8000, 768000, false, false, false,
     "the rate both devices run at; in the interface's and the ADC's sample_rates_hz"},
    {"test_level_dbfs", "dBFS", &MS::test_level_dbfs, -150, 0, false, false, true,
     "level of the clock, level and crosstalk tones (crosstalk: the three tones' sum peaks there)"},
    {"thd_levels_dbfs", "dBFS", &MS::thd_levels_dbfs, -150, 0, false, false, true,
     "levels of the THD and THD+N tones"},
    {"sweep_f1_hz", "Hz", &MS::sweep_f1_hz, 0, 384000, true, false, true,
     "start of the sweeps; the response is accurate from about twice it"},
    {"sweep_f2_hz", "Hz", &MS::sweep_f2_hz, 0, 384000, true, false, true,
     "end of the sweeps; at most half the sample rate"},
    {"sweep_duration_s", "s", &MS::sweep_duration_s, 0, 600, true, false, true,
     "length of each sweep of the sweeps step; at least 0.5*ln(f2/f1)/f1"},
    {"sweep_level_dbfs", "dBFS", &MS::sweep_level_dbfs, -150, 0, false, false, true, "level of every sweep"},
    {"tone_frequency_hz", "Hz", &MS::tone_frequency_hz, 0, 384000, true, false, true,
     "frequency of the clock, level, THD and maximum-output tones (made coherent with the take)"},
    {"tone_duration_s", "s", &MS::tone_duration_s, 0, 600, true, false, true,
     "length of each tone; at least 0.17 s (0.1 s settling, 10 ms fades, 0.05 s analysed)"},
    {"noise_duration_s", "s", &MS::noise_duration_s, 0, 600, true, false, true,
     "length of the silence; at least 0.2 s (0.1 s settling, 0.1 s analysed)"},
    {"bandwidth_hz", "Hz", &MS::bandwidth_hz, 1000, 384000, false, false, true,
     "upper edge of the band THD, THD+N and noise are read in (from 20 Hz): AES17's 20000, or 22400 or "
     "80000; at "
     "most half the sample rate"},
    {"thd_n_weighting", "", &MS::thd_n_weighting, 0, 0, false, false, true,
     "weighting of THD+N in the distortion step: \"none\", \"A\" (IEC 61672-1) or \"ccir-rms\" (ITU-R "
     "BS.468-4, 0 dB at 2 kHz, RMS)"},
    {"imd_standards", "", &MS::imd_standards, 0, 0, false, false, true,
     "the intermodulation tests of the imd step, one take each: \"smpte\" (60 Hz and 7 kHz at 4:1) and "
     "\"ccif\" (19 kHz and 20 kHz at 1:1)"},
    {"imd_level_dbfs", "dBFS", &MS::imd_level_dbfs, -150, 0, false, false, true,
     "peak level of each twin tone (the sum of its two tones' amplitudes)"},
    {"imd_duration_s", "s", &MS::imd_duration_s, 0, 600, true, false, true,
     "length of each twin tone; at least 0.1 s settling, two 10 ms fades and the record that resolves its "
     "products (SMPTE 0.283 s, CCIF 0.017 s)"},
    {"dynamic_range_duration_s", "s", &MS::dynamic_range_duration_s, 0, 600, true, false, true,
     "length of the dynamic_range step's -60 dBFS 997 Hz tone; at least 0.17 s (0.1 s settling, 10 ms "
     "fades, 0.05 s analysed)"},
    {"max_output_thd_n_percent", "%", &MS::max_output_thd_n_percent, 0, 100, true, false, true,
     "maximum output: the THD+N that ends the clean range"},
    {"max_output_start_dbfs", "dBFS", &MS::max_output_start_dbfs, -150, 0, false, false, true,
     "maximum output: the lowest level searched"},
    {"max_output_step_db", "dB", &MS::max_output_step_db, 0, 20, true, false, true,
     "maximum output, stepped search: the step before bisection (the bursts choose their own)"},
    {"max_output_search", "", &MS::max_output_search, 0, 0, false, false, true,
     "maximum output: \"bursts\" (short takes of a tone stepped through several levels, refined to 0.05 dB "
     "around the threshold) or \"stepped\" (one take of max(0.35 s, tone_duration_s/3) per level, then "
     "bisection)"},
    {"preroll_s", "s", &MS::preroll_s, 0, 10, false, false, true, "silence before every stimulus"},
    {"postroll_s", "s", &MS::postroll_s, 0, 10, false, false, true,
     "silence after every stimulus (the chain's latency and tail)"},
    {"drift_tolerance_ppm", "ppm", &MS::drift_tolerance_ppm, 0, 10000, true, false, true,
     "the ADC's clock further than this from the interface's makes every check ERROR"},
    {"reference_load", "", &MS::reference_load, 0, 0, false, false, true,
     "the load (one of the plan's loads) on the amplifier's output for everything but maximum output"},
    {"impedance_loads", "", &MS::impedance_loads, 0, 0, false, false, true,
     "two or more loads (resistors or open) the output impedance is solved from, e.g. [\"open\", \"r33\", "
     "\"r300\"]"},
    {"impedance_sweep_duration_s", "s", &MS::impedance_sweep_duration_s, 0.1, 60, false, false, true,
     "length of each sweep of the impedance step; at least 0.5*ln(f2/f1)/f1"},
    {"impedance_ports", "", &MS::impedance_ports, 0, 0, false, false, true,
     "interface ports whose own output impedance is measured too, in each configuration that plays from "
     "them"},
}};

constexpr std::string_view kRoll[] = {"preroll_s", "postroll_s"};

std::vector<std::string_view> with_roll(std::initializer_list<std::string_view> names) {
  std::vector<std::string_view> v(names);
  v.insert(v.end(), std::begin(kRoll), std::end(kRoll));
  return v;
}

const Need kClock{"clock", false, "the clock drift (to correct its captures; beyond tolerance it is ERROR)"};

const std::vector<StepKindSpec>& kinds() {
  static const std::vector<StepKindSpec> k = {
      {"clock",
       "a steady tone on both channels; its frequency as recorded gives the reference ADC's clock against "
       "the interface's, "
       "and from 0.1 ppm on every later capture is resampled onto the interface's clock",
       with_roll({"tone_frequency_hz", "tone_duration_s", "test_level_dbfs", "drift_tolerance_ppm",
                  "reference_load"}),
       {},
       {"clock_drift_ppm"}},
      {"sweeps",
       "a synchronized exponential sweep on each channel alone: channel map and polarity, frequency "
       "response, harmonics "
       "H2..H9 and a swept crosstalk curve (for plots)",
       with_roll({"sweep_f1_hz", "sweep_f2_hz", "sweep_duration_s", "sweep_level_dbfs", "reference_load"}),
       {kClock},
       {"channel_map", "polarity", "frequency_response_deviation_db"}},
      {"phase",
       "one sweep on both channels at once: the interchannel phase (left minus right, one latency for both) "
       "and each channel's group delay (its own latency removed) against frequency",
       with_roll({"sweep_f1_hz", "sweep_f2_hz", "sweep_duration_s", "sweep_level_dbfs", "reference_load"}),
       {kClock, {"sweeps", true, "whether any signal arrives at all"}},
       {"interchannel_phase_deg"}},
      {"crosstalk",
       "steady tones at 85 Hz, 1035 Hz and 10035 Hz on one channel, read narrow-band on the other (each at "
       "least 15 Hz from "
       "every 50 and 60 Hz mains harmonic)",
       with_roll({"tone_duration_s", "test_level_dbfs", "reference_load"}),
       {kClock, {"sweeps", true, "the channel map (where each output arrives) and the latency"}},
       {"crosstalk_db"}},
      {"level",
       "a tone at test_level_dbfs on both channels: level and gain against what the profiles predict, "
       "channel balance",
       with_roll({"tone_frequency_hz", "tone_duration_s", "test_level_dbfs", "reference_load"}),
       {kClock, {"sweeps", true, "the latency"}},
       {"level_dbv", "gain_db", "channel_balance_db"}},
      {"distortion",
       "THD and THD+N of a tone at each of thd_levels_dbfs",
       with_roll({"tone_frequency_hz", "tone_duration_s", "thd_levels_dbfs", "bandwidth_hz",
                  "thd_n_weighting", "reference_load"}),
       {kClock, {"sweeps", true, "the latency"}},
       {"thd_db", "thd_n_db"}},
      {"imd",
       "a twin tone on both channels for each of imd_standards: SMPTE (sidebands of 7 kHz at n*60 Hz) and "
       "CCIF (difference frequencies of 19 kHz and 20 kHz) intermodulation, with every product listed",
       with_roll({"imd_standards", "imd_level_dbfs", "imd_duration_s", "reference_load"}),
       {kClock, {"sweeps", true, "the latency"}},
       {"imd_smpte_db", "imd_ccif_db"}},
      {"dynamic_range",
       "AES17 dynamic range: a 997 Hz tone at -60 dBFS on both channels; the residual beside it, "
       "band-limited "
       "and A- and CCIR-RMS-weighted, against the level digital full scale gives",
       with_roll({"dynamic_range_duration_s", "bandwidth_hz", "reference_load"}),
       {kClock, {"sweeps", true, "the latency"}},
       {"dynamic_range_db_a", "dynamic_range_db_ccir_rms"}},
      {"max_output",
       "into every load of the plan: the highest level whose THD+N stays under max_output_thd_n_percent, "
       "from max_output_start_dbfs up to full scale; max_output_search = \"bursts\" reads 60 ms steps of "
       "one tone per take and refines around the threshold, \"stepped\" plays one take per level, then "
       "bisects",
       with_roll({"tone_frequency_hz", "tone_duration_s", "max_output_thd_n_percent", "max_output_start_dbfs",
                  "max_output_step_db", "max_output_search"}),
       {kClock, {"sweeps", true, "the latency"}},
       {"max_output_vrms"}},
      {"noise",
       "silence at the interface: A-weighted noise, the strongest mains line, and SNR from the largest clean "
       "output to the "
       "noise",
       with_roll({"noise_duration_s", "bandwidth_hz", "reference_load"}),
       {kClock,
        {"level", false, "the output level at the test tone (snr_db is made only with it)"},
        {"max_output", false, "the maximum output into the reference load, which caps the SNR's reference"}},
       {"noise_dbv_a", "noise_dbv_ccir_rms", "hum_dbv", "snr_db"}},
      {"impedance",
       "sweeps (both channels) into each impedance load: the amplifier's output impedance against frequency, "
       "what it does "
       "to each headphone of the plan, the source port's own impedance (impedance_ports) and its loading by "
       "the amp's input",
       with_roll({"impedance_loads", "impedance_sweep_duration_s", "impedance_ports", "sweep_f1_hz",
                  "sweep_f2_hz", "sweep_level_dbfs"}),
       {kClock, {"sweeps", false, "whether any signal arrives at all (none: the step is ERROR at once)"}},
       {"output_impedance_ohm", "loading_deviation_db", "damping_factor", "source_loading_db"}},
  };
  return k;
}

}  // namespace

std::span<const CheckSpec> checks() {
  return kChecks;
}

const CheckSpec* find_check(std::string_view name) {
  for (const auto& c : kChecks)
    if (c.name == name) return &c;
  return nullptr;
}

const CheckSpec& check(std::string_view name) {
  if (const CheckSpec* c = find_check(name)) return *c;
  throw std::logic_error("check '" + std::string(name) +
                         "' is not in the catalogue (bench/plan/catalogue.cpp)");
}

bool accepts(const CheckSpec& spec, LimitForm form) {
  return (spec.limit_forms & static_cast<std::uint8_t>(form)) != 0;
}

std::string_view to_string(LimitForm form) {
  switch (form) {
    case LimitForm::kMin:
      return "min";
    case LimitForm::kMax:
      return "max";
    case LimitForm::kTolerance:
      return "tolerance";
    case LimitForm::kExpected:
      return "expected";
  }
  return "?";
}

std::string_view to_string(Better better) {
  switch (better) {
    case Better::kLower:
      return "lower is better";
    case Better::kHigher:
      return "higher is better";
    case Better::kCloserToExpected:
      return "closer to the expectation is better";
    case Better::kCloserToZero:
      return "closer to 0 is better";
    case Better::kMatch:
      return "the expected word is better";
  }
  return "?";
}

std::span<const SettingSpec> settings() {
  return kSettings;
}

const SettingSpec* find_setting(std::string_view name) {
  for (const auto& s : kSettings)
    if (s.name == name) return &s;
  return nullptr;
}

std::string range_text(const SettingSpec& spec) {
  const bool numeric = std::holds_alternative<double MeasurementSettings::*>(spec.field) ||
                       std::holds_alternative<std::vector<double> MeasurementSettings::*>(spec.field);
  if (!numeric) return "";
  return number_text(spec.min) + (spec.min_open ? " < " : " <= ") + std::string(spec.name) +
         (spec.max_open ? " < " : " <= ") + number_text(spec.max);
}

std::string default_text(const SettingSpec& spec) {
  static const MeasurementSettings defaults;
  struct Visitor {
    std::string operator()(double MeasurementSettings::*f) const { return number_text(defaults.*f); }
    std::string operator()(std::vector<double> MeasurementSettings::*f) const {
      std::string s = "[";
      for (std::size_t i = 0; i < (defaults.*f).size(); ++i)
        s += (i ? ", " : "") + number_text((defaults.*f)[i]);
      return s + "]";
    }
    std::string operator()(std::string MeasurementSettings::*f) const { return "\"" + defaults.*f + "\""; }
    std::string operator()(std::vector<std::string> MeasurementSettings::*f) const {
      std::string s = "[";
      for (std::size_t i = 0; i < (defaults.*f).size(); ++i)
        s += (i ? ", \"" : "\"") + (defaults.*f)[i] + "\"";
      return s + "]";
    }
  };
  return std::visit(Visitor{}, spec.field);
}

std::span<const StepKindSpec> step_kinds() {
  return kinds();
}

const StepKindSpec* find_step_kind(std::string_view kind) {
  for (const auto& k : kinds())
    if (k.kind == kind) return &k;
  return nullptr;
}

const StepKindSpec& step_kind(std::string_view kind) {
  if (const StepKindSpec* k = find_step_kind(kind)) return *k;
  throw std::logic_error("step kind '" + std::string(kind) +
                         "' is not in the catalogue (bench/plan/catalogue.cpp)");
}

double DurationLimits::min_sweep_s(double f1_hz, double f2_hz) {
  return 0.5 * std::log(f2_hz / f1_hz) / f1_hz;
}

double DurationLimits::min_imd_s(const std::vector<std::string>& standards) {
  double record_s = 0;
  for (const auto& s : standards)
    record_s = std::max(record_s, s == "smpte" ? kImdSmpteRecordS : s == "ccif" ? kImdCcifRecordS : 0.0);
  return kToneSettleS + 2 * kToneRampS + record_s;
}

double DurationLimits::impedance_sweep_f2_hz(double sweep_f2_hz, double sample_rate_hz) {
  return std::max(sweep_f2_hz, std::min(0.95 * sample_rate_hz / 2, 40000.0));
}

}  // namespace bench::plan
