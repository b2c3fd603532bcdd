#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "bench/plan/load.hpp"
#include "bench/plan/toml_reader.hpp"

// Impedance curves in .zma text.

namespace bench::plan {

namespace fs = std::filesystem;
using namespace detail;

namespace {

bool parse_double(std::string_view text, double& out) {
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size() && std::isfinite(out);
}

}  // namespace

std::vector<ImpedancePoint> read_zma(const fs::path& file) {
  std::error_code ec;
  if (!fs::is_regular_file(file, ec))
    fail(file, 0, "", "file not found", "check the path, or create the file");
  std::ifstream in(file);
  if (!in) fail(file, 0, "", "cannot open the file", "check its permissions");
  std::vector<ImpedancePoint> points;
  std::string text;
  std::uint32_t line = 0;
  while (std::getline(in, text)) {
    ++line;
    if (line == 1) {
      // A UTF-8 byte-order mark is encoding, not content; UTF-16 text cannot be read as numbers at all.
      if (text.starts_with("\xEF\xBB\xBF")) text.erase(0, 3);
      if (text.starts_with("\xFF\xFE") || text.starts_with("\xFE\xFF"))
        fail(file, line, "", "the file is UTF-16 text", "save it as UTF-8 or plain ASCII text");
    }
    std::replace(text.begin(), text.end(), ',', ' ');
    std::replace(text.begin(), text.end(), '\t', ' ');
    if (!text.empty() && text.back() == '\r') text.pop_back();
    const auto first = text.find_first_not_of(' ');
    if (first == std::string::npos || text[first] == '*' || text[first] == '#' || text[first] == ';')
      continue;
    std::istringstream fields(text);
    std::vector<std::string> words;
    for (std::string w; fields >> w;) words.push_back(w);
    ImpedancePoint p;
    if (words.size() != 3 || !parse_double(words[0], p.frequency_hz) ||
        !parse_double(words[1], p.magnitude_ohm) || !parse_double(words[2], p.phase_deg))
      fail(file, line, "",
           "cannot read " + in_quotes(text.substr(first)) + " as frequency, magnitude and phase",
           "write three numbers per line (Hz, ohm, degrees), or start a comment with * # or ;");
    if (p.frequency_hz <= 0)
      fail(file, line, "", "frequency " + number_text(p.frequency_hz) + " Hz is not positive",
           "frequencies must be above 0 Hz");
    if (p.magnitude_ohm <= 0)
      fail(file, line, "", "magnitude " + number_text(p.magnitude_ohm) + " ohm is not positive",
           "magnitudes must be above 0 ohm");
    if (std::abs(p.phase_deg) > 180)
      fail(file, line, "", "phase " + number_text(p.phase_deg) + " degrees is out of range",
           "phases must lie within -180..180 degrees");
    if (!points.empty() && p.frequency_hz <= points.back().frequency_hz)
      fail(file, line, "",
           "frequency " + number_text(p.frequency_hz) + " Hz does not ascend (previous " +
               number_text(points.back().frequency_hz) + " Hz)",
           "sort the points by strictly ascending frequency");
    points.push_back(p);
  }
  if (points.empty()) fail(file, 0, "", "no impedance points", "write at least one line: Hz ohm degrees");
  return points;
}

}  // namespace bench::plan
