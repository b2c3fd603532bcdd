#pragma once

// Loading and validating profiles, fixtures and plans from TOML (layout in profiles/ and fixtures/;
// each shipped file documents its own layout in a comment at its top). TOML keys are the field names of
// plan/model.hpp. Every loader rejects a missing file, a syntax error, an unknown key at any level, a
// wrong type, a missing required key, a value out of range and an unknown enum spelling, by throwing
// bench::ConfigError with one line of the form "<file>[:<line>]: <table.key>: <what is wrong>: <fix>".
// The loaders are pure file reads (select_steps works on a loaded plan): call them from any thread, never
// from the audio callback.

#include <filesystem>
#include <string>
#include <vector>

#include "bench/plan/model.hpp"

namespace bench::plan {

/// Loads a plan and everything it references, then cross-validates them (fixture ports and inputs exist,
/// wiring fits the port, reference_load is one of the loads, the sample rate is supported by interface and
/// ADC, the sweep fits below Nyquist, levels are at most 0 dBFS, ...). Plan::steps is the plan's [[steps]]
/// (each a step kind of plan::step_kinds() with the settings its kind reads and the limits of the checks it
/// makes over the plan's, after the steps it needs; Plan::default_steps false), or without [[steps]] the
/// default sequence (plan/steps.hpp). Profiles are looked up as
/// `<root>/profiles/{interfaces,amps,adcs,limits,loads}/<id>.toml` and fixtures as
/// `<root>/fixtures/<id>.toml`. An empty root means the first directory above plan_file that holds both
/// `profiles/` and `fixtures/`. Throws bench::ConfigError.
[[nodiscard]] Plan load_plan(const std::filesystem::path& plan_file, const std::filesystem::path& root = {});

/// Keeps only the steps of plan.steps whose ids are in ids, in the plan's order (what `bench run --step`
/// selects, as --fixture selects fixtures); empty ids change nothing. An id the plan has no step of is a
/// bench::InputError (exit 2) naming the ids it has; so is a kept step one of whose required needs
/// (plan/catalogue.hpp Need) has no kept step of that kind before it, naming the step to add, e.g.
/// "--step crosstalk: it needs the channel map ... from step 'sweeps': add --step sweeps". On a throw plan
/// is unchanged. Any thread.
void select_steps(Plan& plan, const std::vector<std::string>& ids);

/// Loads an interface profile ([interface], [interface.match], [ports.<name>], [ports.<name>.sim]).
/// The id is the file stem. Throws bench::ConfigError.
[[nodiscard]] InterfaceProfile load_interface(const std::filesystem::path& file);

/// Loads a headphone amplifier profile ([amp], [amp.match], [amp.sim], [inputs.<name>]).
/// Throws bench::ConfigError.
[[nodiscard]] AmpProfile load_amp(const std::filesystem::path& file);

/// Loads a reference ADC profile ([adc], [adc.match], [adc.sim]). Throws bench::ConfigError.
[[nodiscard]] AdcProfile load_adc(const std::filesystem::path& file);

/// Loads a load profile ([load]): a resistor, or a headphone whose impedance_file (.zma, relative to the
/// profile) is read with read_zma. Throws bench::ConfigError.
[[nodiscard]] Load load_load(const std::filesystem::path& file);

/// Loads a limit set: [limits] name, and one [checks.<check>] table per check that is made. Each check is
/// one of plan::checks() (plan/catalogue.hpp) and takes only the limit forms it accepts: min and/or max,
/// tolerance (around the profiles' expectation), or for a word check (channel_map, polarity) an empty table
/// or expected = "word"; a recorded-only check (clock_drift_ppm) takes no table. Throws bench::ConfigError.
[[nodiscard]] LimitSet load_limits(const std::filesystem::path& file);

/// Loads a cable configuration ([fixture] and one [[wiring]] entry per destination channel, left then
/// right). The id is the caller's: load_plan sets it to the path below fixtures/ without ".toml"; this
/// function sets it to the file stem. Throws bench::ConfigError.
[[nodiscard]] Fixture load_fixture(const std::filesystem::path& file);

/// Reads an impedance curve in .zma text: per line frequency (Hz), magnitude (ohm) and phase (degrees),
/// separated by whitespace or commas; blank lines and lines starting with '*', '#' or ';' are comments.
/// Frequencies must be positive and strictly ascending, magnitudes positive, phases within +-180 degrees.
/// Throws bench::ConfigError naming the file and line.
[[nodiscard]] std::vector<ImpedancePoint> read_zma(const std::filesystem::path& file);

}  // namespace bench::plan
