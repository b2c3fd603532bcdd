#include "bench/report/exports.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>

#include "bench/core/error.hpp"
#include "bench/core/format.hpp"
#include "bench/report/text.hpp"
#include "bench/report/write_text.hpp"

namespace bench::report {
namespace {

using record::kChannelNames;

// Six decimals: 1e-6 dB and 1e-6 degrees, far below any measurement's uncertainty.
void append_number(std::string& out, double v) {
  out += bench::fixed(v, 6);
}

std::string frd(const std::string& title, const std::vector<double>& f, const std::vector<double>& m,
                const std::vector<double>& p) {
  std::string o = "* " + one_line(title) + "\n";
  o += "* gain capture/stimulus (0 dB = unity gain), phase with the latency removed\n";
  o += "* frequency_Hz magnitude_dB phase_deg\n";
  for (std::size_t i = 0; i < f.size(); ++i) {
    const double phase = i < p.size() ? p[i] : 0.0;
    if (i >= m.size() || !std::isfinite(f[i]) || !std::isfinite(m[i]) || !std::isfinite(phase)) continue;
    append_number(o, f[i]);
    o += ' ';
    append_number(o, m[i]);
    o += ' ';
    append_number(o, phase);
    o += '\n';
  }
  return o;
}

void append_cell(std::string& o, double v) {
  o += ',';
  if (std::isfinite(v)) append_number(o, v);
}

std::string response_csv(const std::vector<double>& f, const std::vector<double>& m,
                         const std::vector<double>& p) {
  std::string o = "frequency_hz,magnitude_db,phase_deg\n";
  for (std::size_t i = 0; i < f.size(); ++i) {
    if (!std::isfinite(f[i])) continue;
    append_number(o, f[i]);
    append_cell(o, i < m.size() ? m[i] : std::nan(""));
    append_cell(o, i < p.size() ? p[i] : std::nan(""));
    o += '\n';
  }
  return o;
}

std::string harmonics_csv(const record::SweepChannel& side) {
  // Each harmonic lists its own stretch of the excitation-frequency axis; the rows are their union, the
  // columns H2..H9 (a harmonic not measured at a row's frequency is an empty cell).
  constexpr int kFirst = 2, kLast = 9;
  std::map<double, std::array<double, kLast - kFirst + 1>> rows;
  for (const auto& h : side.harmonics) {
    if (h.order < kFirst || h.order > kLast) continue;
    const auto& f = h.frequency_hz;
    const auto& level = h.level_db;
    for (std::size_t i = 0; i < f.size() && i < level.size(); ++i) {
      if (!std::isfinite(f[i])) continue;
      auto [it, inserted] = rows.try_emplace(f[i]);
      if (inserted) it->second.fill(std::nan(""));
      it->second[static_cast<std::size_t>(h.order - kFirst)] = level[i];
    }
  }
  std::string o = "frequency_hz";
  for (int n = kFirst; n <= kLast; ++n) o += ",h" + std::to_string(n) + "_db";
  o += '\n';
  for (const auto& [f, levels] : rows) {
    append_number(o, f);
    for (double v : levels) append_cell(o, v);
    o += '\n';
  }
  return o;
}

// .zma (LIMP, REW): frequency Hz, impedance ohm, phase degrees; '*' comment lines. Points that .zma
// cannot hold (no finite value, |Z| not positive) are left out.
std::string zma(const std::string& title, const std::vector<double>& f, const std::vector<double>& z,
                const std::vector<double>& p) {
  std::string o = "* " + one_line(title) + "\n";
  o += "* output impedance solved from sweeps into known loads (complex least squares per frequency)\n";
  o += "* frequency_Hz impedance_ohm phase_deg\n";
  for (std::size_t i = 0; i < f.size() && i < z.size() && i < p.size(); ++i) {
    if (!std::isfinite(f[i]) || !(f[i] > 0) || !std::isfinite(z[i]) || !(z[i] > 0) || !std::isfinite(p[i]))
      continue;
    append_number(o, f[i]);
    o += ' ';
    append_number(o, z[i]);
    o += ' ';
    append_number(o, std::max(-180.0, std::min(180.0, p[i])));
    o += '\n';
  }
  return o;
}

}  // namespace

std::string export_directory_name(const std::string& fixture_id) {
  std::string s = fixture_id;
  for (char& c : s)
    if (c == '/' || c == '\\') c = '_';
  if (s.empty() || s == "." || s == "..") s = "_" + s;
  return s;
}

std::vector<ExportFile> export_files(const record::RunRecord& run) {
  const std::string plan_id = run.plan.id.empty() ? "plan" : run.plan.id;
  const std::string& version = run.bench_version;
  std::vector<ExportFile> files;
  for (const auto& c : run.configurations) {
    const std::string& id = c.fixture.id;
    const std::filesystem::path dir = std::filesystem::path("exports") / export_directory_name(id);
    if (const record::ImpedanceResult* impedance = c.result<record::ImpedanceResult>()) {
      for (std::size_t ch = 0; ch < 2; ++ch) {
        const record::ImpedanceCurve& side = impedance->channels[ch];
        const std::string title = "bench " + version + " output impedance of the amplifier: plan " + plan_id +
                                  ", configuration " + id + ", " + kChannelNames[ch] + " channel";
        files.push_back({dir / (std::string(kChannelNames[ch]) + "_output_impedance.zma"),
                         zma(title, side.frequency_hz, side.impedance_ohm, side.phase_deg)});
      }
      // The source ports measured on their own (settings.impedance_ports):
      // <port>_<channel>_output_impedance.zma.
      for (const auto& port : impedance->ports)
        for (std::size_t ch = 0; ch < 2; ++ch) {
          const record::ImpedanceCurve& side = port.channels[ch];
          const std::string title = "bench " + version + " output impedance of the interface's " + port.port +
                                    ": plan " + plan_id + ", configuration " + id + ", " + kChannelNames[ch] +
                                    " channel";
          files.push_back(
              {dir / (export_directory_name(port.port) + "_" + kChannelNames[ch] + "_output_impedance.zma"),
               zma(title, side.frequency_hz, side.impedance_ohm, side.phase_deg)});
        }
    }
    const record::SweepsResult* sweeps = c.result<record::SweepsResult>();
    if (!sweeps) continue;
    for (std::size_t ch = 0; ch < 2; ++ch) {
      if (!sweeps->channels[ch]) continue;
      const record::SweepChannel& side = *sweeps->channels[ch];
      const std::string driven = kChannelNames[ch],
                        arrived = kChannelNames[static_cast<std::size_t>(side.arrived_on)];
      const std::string title = "bench " + version + " frequency response: plan " + plan_id +
                                ", configuration " + id + ", " + driven + " channel driven" +
                                (arrived == driven ? std::string() : " (arrives on " + arrived + ")");
      files.push_back(
          {dir / (driven + ".frd"), frd(title, side.frequency_hz, side.magnitude_db, side.phase_deg)});
      files.push_back(
          {dir / (driven + ".csv"), response_csv(side.frequency_hz, side.magnitude_db, side.phase_deg)});
      files.push_back({dir / (driven + "_harmonics.csv"), harmonics_csv(side)});
    }
  }
  return files;
}

std::vector<std::filesystem::path> write_exports(const std::filesystem::path& dir,
                                                 const record::RunRecord& run) {
  std::vector<std::filesystem::path> written;
  for (const auto& file : export_files(run)) {
    const std::filesystem::path path = dir / file.relative;
    ensure_directory(path.parent_path());
    write_text_atomic(path, file.text);
    written.push_back(path);
  }
  return written;
}

FrdCurve parse_frd(std::string_view text_in, const std::string& source) {
  FrdCurve curve;
  std::size_t line_no = 0, pos = 0;
  while (pos < text_in.size()) {
    std::size_t end = text_in.find('\n', pos);
    if (end == std::string_view::npos) end = text_in.size();
    std::string line(text_in.substr(pos, end - pos));
    pos = end + 1;
    ++line_no;
    for (char& c : line)
      if (c == ',' || c == ';' || c == '\t' || c == '\r') c = ' ';
    const std::size_t first = line.find_first_not_of(' ');
    if (first == std::string::npos || line[first] == '*' || line[first] == '#') continue;
    const char* p = line.c_str() + first;
    char* next = nullptr;
    std::array<double, 3> v{0, 0, 0};
    int n = 0;
    for (; n < 3; ++n) {
      v[static_cast<std::size_t>(n)] = std::strtod(p, &next);
      if (next == p) break;
      p = next;
    }
    if (n == 0) continue;  // a text line (some tools write a header without '*')
    while (*p == ' ') ++p;
    if (n < 2 || *p != '\0')
      throw InputError(source + ":" + std::to_string(line_no) +
                       ": expected 'frequency magnitude [phase]' numbers, got '" + line.substr(first) + "'");
    curve.frequency_hz.push_back(v[0]);
    curve.magnitude_db.push_back(v[1]);
    curve.phase_deg.push_back(v[2]);
  }
  return curve;
}

}  // namespace bench::report
