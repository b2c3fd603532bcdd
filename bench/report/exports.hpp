#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "bench/record/record.hpp"

namespace bench::report {

/// One exported text file: its path relative to the run directory and its contents.
struct ExportFile {
  std::filesystem::path relative;
  std::string text;
};

/// Exchange files for REW, VituixCAD and spreadsheets, from a run's record alone: per cable
/// configuration and driven channel (left, right) under `exports/<fixture id, '/' replaced by '_'>/`:
/// - `<channel>.frd`: header comment lines starting with `*`, then "frequency_Hz magnitude_dB phase_deg"
///   per line, six decimals (points with a missing value are left out);
/// - `<channel>.csv`: header `frequency_hz,magnitude_db,phase_deg`, a missing value left empty;
/// - `<channel>_harmonics.csv`: header `frequency_hz,h2_db,...,h9_db` on the excitation-frequency
///   axis, empty where a harmonic is not listed (above its valid band).
/// - `<channel>_output_impedance.zma` where the configuration measured the amplifier's output impedance:
///   `*` comment lines, then "frequency_Hz impedance_ohm phase_deg" (LIMP and REW read it; so does
///   plan::read_zma), six decimals; `<port>_<channel>_output_impedance.zma` likewise for each interface
///   port measured on its own (settings.impedance_ports).
/// The curves come from the configuration's sweeps and impedance step results; configurations without a
/// sweep export no response files. [any thread]
[[nodiscard]] std::vector<ExportFile> export_files(const record::RunRecord& run);

/// Writes every export_files() file atomically under `dir` (creating the directories); returns their
/// paths. Throws bench::InputError naming the file or directory that cannot be written; the files
/// written before stay.
std::vector<std::filesystem::path> write_exports(const std::filesystem::path& dir,
                                                 const record::RunRecord& run);

/// The directory name of a configuration's exports: the fixture id with '/' (and '\') replaced by '_'.
[[nodiscard]] std::string export_directory_name(const std::string& fixture_id);

/// A curve read from an .frd file.
struct FrdCurve {
  std::vector<double> frequency_hz, magnitude_db, phase_deg;
};

/// Reads .frd text: blank lines and lines starting with `*`, `#` or a non-number are comments; data lines
/// hold frequency and magnitude, optionally phase (0 when absent), separated by blanks, tabs, commas or
/// semicolons. Throws bench::InputError naming `source` and the line when a data line is malformed.
[[nodiscard]] FrdCurve parse_frd(std::string_view text, const std::string& source);

}  // namespace bench::report
