#pragma once

// The bench's description of the gear, the cables and the plan: plain values, parsed and validated
// from TOML by plan/load.hpp. Every number carries its unit in its name; TOML keys use the same names.

#include <complex>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace bench::plan {

/// Connectors the fixtures and ports speak of. TOML spelling in parentheses.
enum class Connector {
  kTrs,        ///< ("trs") 1/4" TRS, balanced mono: tip hot, ring cold, sleeve ground
  kXlr,        ///< ("xlr") pin 2 hot, pin 3 cold, pin 1 ground
  kTs,         ///< ("ts") 1/4" TS, unbalanced mono: tip signal, sleeve ground
  kRca,        ///< ("rca") unbalanced mono: pin signal, shell ground
  kStereoTrs,  ///< ("stereo_trs") unbalanced stereo: tip left, ring right, sleeve ground
};

/// How to recognise a real device (RtAudio device name and USB identity).
struct DeviceMatch {
  std::string rtaudio_name_pattern;  ///< ECMAScript regex matched against RtAudio device names
  std::optional<std::uint16_t> usb_vendor_id;
  std::optional<std::uint16_t> usb_product_id;
};

/// Static nonlinearity of a stage, given as harmonic levels for a full-scale sine:
/// y = x + a2 x^2 + a3 x^3 with x normalised to full scale, a2 = 2*10^(h2_db_at_fs/20), a3 =
/// 4*10^(h3_db_at_fs/20).
struct Distortion {
  double h2_db_at_fs = -200;  ///< second harmonic re fundamental at full scale, dB
  double h3_db_at_fs = -200;  ///< third harmonic re fundamental at full scale, dB
};

/// An output port of the audio interface (TOML table [ports.<name>] in an interface profile).
struct SourcePort {
  std::string name;  ///< "line_out", "headphone_out"
  Connector connector = Connector::kTrs;
  bool balanced = true;
  int channels = 2;
  std::vector<int> device_channels;  ///< interface output channels (0-based) of this port, size == channels
  double fullscale_vrms =
      1;  ///< open-circuit Vrms of a 0 dBFS sine at neutral gain (differential if balanced)
  double output_impedance_ohm = 100;  ///< total source impedance (hot to cold if balanced)
  double volume_db = 0;               ///< headphone volume setting re maximum (0 for line outputs)
  double noise_dbv = -100;            ///< output noise, unweighted, 20 Hz to 20 kHz, dBV
  Distortion distortion;
};

/// The audio interface ([sim] values live in the port tables: every number there feeds the model).
struct InterfaceProfile {
  std::string id;    ///< file stem, e.g. "scarlett_2i2"
  std::string name;  ///< human name
  std::filesystem::path file;
  DeviceMatch match;
  std::vector<double> sample_rates_hz;
  std::map<std::string, SourcePort> ports;
};

/// An input of the headphone amplifier.
struct AmpInput {
  std::string name;  ///< "balanced_trs", "rca", "stereo_trs"
  Connector connector = Connector::kTrs;
  bool balanced = true;
  double input_impedance_ohm = 10000;  ///< per channel (hot to cold if balanced)
};

/// The headphone amplifier under test.
struct AmpProfile {
  std::string id, name;
  std::filesystem::path file;
  DeviceMatch match;
  std::map<std::string, AmpInput> inputs;
  double gain_db = 0;         ///< voltage gain input to open-circuit output (balanced input: differential in)
  double highpass_hz = 5;     ///< 2nd-order Butterworth corner
  double lowpass_hz = 80000;  ///< 2nd-order Butterworth corner
  double output_impedance_ohm = 1;
  double rail_vpeak = 10;   ///< output swing limit; soft clipping (tanh) approaches it
  double noise_dbv = -110;  ///< output noise, unweighted, 20 Hz to 20 kHz, dBV
  Distortion distortion;    ///< at an output of rail_vpeak / sqrt(2) Vrms, before soft clipping
};

/// The reference ADC that records the amplifier's output.
struct AdcProfile {
  std::string id, name;
  std::filesystem::path file;
  DeviceMatch match;
  int channels = 2;
  std::vector<double> sample_rates_hz;
  double fullscale_vrms = 10;  ///< input Vrms of a 0 dBFS sine
  double input_impedance_ohm = 100000;
  double noise_dbfs = -120;  ///< unweighted, 20 Hz to 20 kHz, AES17 dBFS
  Distortion distortion;
  double clock_offset_ppm = 0;  ///< its sample clock against the interface's (model only)
  /// The converter's word length (model only): 0 leaves its output unquantised; 16 to 32 puts every
  /// sample on that grid, as a real converter delivers it (codes -2^(b-1) .. 2^(b-1) - 1 over 2^(b-1)).
  int resolution_bits = 0;
};

/// One point of an impedance curve (.zma: frequency, ohms, degrees).
struct ImpedancePoint {
  double frequency_hz = 0;
  double magnitude_ohm = 0;
  double phase_deg = 0;
};

/// A load on the amplifier's output: a resistor, a headphone's impedance curve, or nothing at all
/// (an open circuit: only the recorder's input loads the output).
struct Load {
  std::string id, name;
  std::filesystem::path file;
  enum class Kind { kResistor, kHeadphone, kOpen } kind = Kind::kResistor;
  double resistance_ohm = 0;              ///< resistors
  double tolerance_percent = 1;           ///< resistors (0 for an open circuit)
  std::vector<ImpedancePoint> impedance;  ///< headphones, ascending frequency
  double nominal_ohm = 0;                 ///< resistor value, the curve's value at 1 kHz, or infinity (open)

  /// Complex impedance at f: the resistance, the curve interpolated (log frequency, linear
  /// magnitude and phase; held flat beyond its ends), or infinite for an open circuit.
  [[nodiscard]] std::complex<double> impedance_at(double frequency_hz) const;
};

/// Where one destination channel's signal comes from, as the cable wires it.
struct ChannelWiring {
  int source_channel = 0;  ///< source port channel feeding it (0 left, 1 right); -1: nothing
  bool inverted = false;   ///< hot and cold (pins 2 and 3) swapped
  bool shorted = false;    ///< the source channel is shorted to ground (mono TS plug in a stereo jack)
};

/// How a relay board sets a fixture up (the fixture's optional [relays] table): which relays are on for
/// each load on the amplifier's output, and for the fixture's cable path; every other relay is off.
/// Relays are numbered from 1 as on the board.
struct RelaySetting {
  std::map<std::string, std::vector<int>> loads;  ///< load id -> relays on (empty: all off)
  std::vector<int> path;                          ///< relays on for this fixture's cable path
  double settling_s = 0.05;                       ///< wait after switching, before measuring
};

/// A cable configuration (one file under fixtures/).
struct Fixture {
  std::string id, name;
  std::filesystem::path file;
  std::string source_port;  ///< key into InterfaceProfile::ports
  Connector source_connector = Connector::kTrs;
  std::string destination_input;  ///< key into AmpProfile::inputs
  Connector destination_connector = Connector::kTrs;
  std::string cable;                  ///< e.g. "2x TRS-TRS", "XLR(f)-TRS", "stereo TRS to 2x RCA (Y)"
  bool balanced = true;               ///< balanced end to end
  std::vector<ChannelWiring> wiring;  ///< one per destination channel (left, right)
  double expected_level_change_db =
      0;                      ///< what this cabling costs by design (e.g. -6.02 balanced into unbalanced)
  double source_gain_db = 0;  ///< interface output gain stage setting; 0 is neutral
  std::optional<double> ground_loop_hum_dbv;  ///< hum induced on an unbalanced run (mains and harmonics)
  double mains_hz = 50;
  std::string instruction;              ///< operator set-up text
  std::vector<std::string> conductors;  ///< human description, e.g. "tip = hot", "ring = cold"
  std::optional<RelaySetting> relays;   ///< set up by a relay board (when the run has one)
};

/// A pass/fail limit, in the forms its check accepts (plan/catalogue.hpp). Absolute limits use min/max;
/// limits relative to the profiles' expectation use tolerance (expected +- tolerance); a word check is
/// made when its limit is present, against `expected` when given, else the check's natural word.
struct Limit {
  std::optional<double> min;
  std::optional<double> max;
  std::optional<double> tolerance;
  std::optional<std::string> expected;  ///< word checks only (channel_map, polarity)
};

/// A named set of limits keyed by check name (level_dbv, gain_db, frequency_response_deviation_db, ...).
struct LimitSet {
  std::string id, name;
  std::filesystem::path file;
  std::map<std::string, Limit> limits;
};

/// What a plan measures and how.
struct MeasurementSettings {
  double sample_rate_hz = 48000;
  double test_level_dbfs = -10;                     ///< level and gain, channel balance, crosstalk
  std::vector<double> thd_levels_dbfs = {-1, -20};  ///< THD+N at these levels
  double sweep_f1_hz = 20;
  double sweep_f2_hz = 20000;
  double sweep_duration_s = 2;
  double sweep_level_dbfs = -10;
  double tone_frequency_hz = 997;
  double tone_duration_s = 1;
  double noise_duration_s = 2;
  /// Upper edge of the band THD, THD+N (distortion step) and noise (noise step) are read in: AES17's 20 kHz
  /// standard low-pass, or 22400 or 80000 Hz (20 Hz is the lower edge).
  double bandwidth_hz = 20000;
  /// Weighting of THD+N in the distortion step: "none", "A" (IEC 61672-1) or "ccir-rms" (ITU-R BS.468-4 at
  /// 0 dB at 2 kHz, RMS detector).
  std::string thd_n_weighting = "none";
  /// The imd step's twin tones, one take each: "smpte", "ccif".
  std::vector<std::string> imd_standards = {"smpte", "ccif"};
  double imd_level_dbfs = -6;  ///< peak of each twin tone's sum
  double imd_duration_s = 0.5;
  double dynamic_range_duration_s = 1;  ///< the dynamic_range step's -60 dBFS 997 Hz tone
  double max_output_thd_n_percent = 1;  ///< maximum output: level where THD+N reaches this
  double max_output_start_dbfs = -40;
  double max_output_step_db = 1;
  /// "bursts": a few short takes, each a tone stepped through several levels, refined around the level
  /// where THD+N crosses max_output_thd_n_percent; "stepped": one take per level from
  /// max_output_start_dbfs in max_output_step_db steps, then bisection (the bench's first method).
  std::string max_output_search = "bursts";
  double preroll_s = 0.1;
  double postroll_s = 0.25;
  double drift_tolerance_ppm = 1000;  ///< recorder's clock against the player's beyond this: ERROR
  std::string reference_load;         ///< load id used for everything but maximum output
  /// Loads (ids under profiles/loads/: resistors or "open") the amplifier's output is swept into to
  /// solve for its output impedance; empty: no impedance measurement. At least two when given.
  std::vector<std::string> impedance_loads;
  double impedance_sweep_duration_s = 1;  ///< each sweep of the impedance measurement
  /// Interface ports (keys of InterfaceProfile::ports) whose own output impedance is measured too, in
  /// each configuration that plays from them (the port straight into the impedance loads and the ADC).
  std::vector<std::string> impedance_ports;
};

/// One step of a plan's sequence: a step kind of the catalogue (plan/catalogue.hpp) with its settings and
/// limits. A plan without [[steps]] runs the default sequence, one step per kind in catalogue order (the
/// impedance step only when settings.impedance_loads is given).
struct Step {
  std::string id;                       ///< unique within the plan; the kind unless the plan names it
  std::string kind;                     ///< a step kind of the catalogue ("sweeps", "distortion", ...)
  std::filesystem::path file;           ///< the plan file that declares it
  std::uint32_t line = 0;               ///< its [[steps]] line; 0 for the default sequence
  MeasurementSettings settings;         ///< the plan's [settings] with the step's own on top
  std::vector<std::string> overridden;  ///< names of the settings the step gives itself, in file order
  std::vector<Load> impedance_loads;    ///< settings.impedance_loads, loaded (impedance steps)
  LimitSet limits;                      ///< the plan's limit set with the step's [steps.limits.*] on top
  std::vector<std::string> limits_overridden;  ///< check names whose limit the step gives itself
};

/// A test plan: which gear, which cables, which loads and limits.
struct Plan {
  std::string id, name;
  std::filesystem::path file;
  InterfaceProfile interface;
  AmpProfile amp;
  AdcProfile adc;
  std::vector<Load> loads;
  std::vector<Load> impedance_loads;  ///< settings.impedance_loads, loaded (in that order)
  std::vector<Fixture> fixtures;
  LimitSet limits;
  MeasurementSettings settings;
  std::vector<Step> steps;    ///< the sequence, in order (the default one when the plan has no [[steps]])
  bool default_steps = true;  ///< the plan lists no [[steps]]
};

/// TOML spelling of a load kind: "resistor", "headphone", "open".
[[nodiscard]] std::string to_string(Load::Kind k);

/// TOML spelling of a connector.
[[nodiscard]] std::string to_string(Connector c);

}  // namespace bench::plan
