#include "bench/report/html_plots.hpp"

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

#include "bench/plan/catalogue.hpp"
#include "bench/report/text.hpp"

namespace bench::report::html_plots {
namespace {

using record::kChannelNames;

constexpr const char* kSideColor[] = {"#1f77b4", "#d97706"};
// H2..H9; the first four also tell a plan's headphones apart.
constexpr const char* kOrderColor[] = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd",
                                       "#ff7f0e", "#8c564b", "#e377c2", "#17becf"};

svg::Axis frequency_axis() {
  svg::Axis a;
  a.label = "frequency (Hz)";
  a.scale = svg::Scale::kLog;
  a.min = 20, a.max = 20000;
  return a;
}

// The value of a log-spaced curve at the point nearest 1 kHz (as the sweeps step judges the deviation).
double level_at_1k(const std::vector<double>& f, const std::vector<double>& m) {
  double best = 1e300, v = std::nan("");
  for (std::size_t i = 0; i < f.size() && i < m.size(); ++i)
    if (f[i] > 0 && std::isfinite(m[i]) && std::abs(std::log(f[i] / 1000)) < best)
      best = std::abs(std::log(f[i] / 1000)), v = m[i];
  return v;
}

std::string sweep_name(const record::SweepChannel& sweep, std::size_t side) {
  const std::string driven = kChannelNames[side],
                    arrived = kChannelNames[static_cast<std::size_t>(sweep.arrived_on)];
  return arrived == driven ? driven : driven + " (arrives on " + arrived + ")";
}

}  // namespace

std::string figure(const svg::Plot& p, const std::string& caption) {
  return "<figure>" + svg::render(p) + "<figcaption>" + escape_markup(caption) + "</figcaption></figure>";
}

double max_limit(const record::ConfigurationRecord& c, std::string_view check_name) {
  const std::string_view name =
      plan::check(check_name).name;  // a name outside the catalogue is a defect here
  double best = std::nan("");
  for (const auto& k : c.checks)
    if (k.name == name && k.limit.max && std::isfinite(*k.limit.max) && !(*k.limit.max <= best))
      best = *k.limit.max;
  return best;
}

std::string frequency_response(const record::ConfigurationRecord& c, const std::string& id) {
  svg::Plot p;
  p.id = "plot-" + id + "-fr", p.css_class = "plot-fr", p.title = "Frequency response";
  p.x = frequency_axis();
  p.y.label = "gain (dB)";
  p.y.min_span = 3;
  p.empty_note = "no frequency response: the sweep did not arrive";
  const record::SweepsResult* sweeps = c.result<record::SweepsResult>();
  const double mask = max_limit(c, "frequency_response_deviation_db");
  for (std::size_t s = 0; s < 2; ++s) {
    if (!sweeps || !sweeps->channels[s]) continue;
    const record::SweepChannel& side = *sweeps->channels[s];
    svg::Series line;
    line.name = sweep_name(side, s);
    line.x = side.frequency_hz, line.y = side.magnitude_db;
    line.color = kSideColor[s];
    line.dashed = s == 1;  // two equal channels stay visible
    if (std::isfinite(mask)) {
      const double at_1k = level_at_1k(line.x, line.y);
      if (std::isfinite(at_1k))
        p.bands.push_back({std::string(kChannelNames[s]) + " limit: ±" + fixed(mask, 2) + " dB re 1 kHz",
                           {20, 20000},
                           {at_1k - mask, at_1k - mask},
                           {at_1k + mask, at_1k + mask},
                           kSideColor[s]});
    }
    p.series.push_back(std::move(line));
  }
  return figure(
      p, std::isfinite(mask)
             ? "Gain capture/stimulus per driven channel; the band is the limit of "
               "frequency_response_deviation_db around "
               "the level at 1 kHz."
             : "Gain capture/stimulus per driven channel (no frequency-response limit in the limit set).");
}

std::string harmonics(const record::ConfigurationRecord& c, const std::string& id) {
  svg::Plot p;
  p.id = "plot-" + id + "-harmonics", p.css_class = "plot-harmonics", p.title = "Harmonic distortion (swept)";
  p.x = frequency_axis();
  p.x.label = "excitation frequency (Hz)";
  p.y.label = "level re fundamental (dB)";
  p.y.min_span = 20;
  p.empty_note = "no harmonics measured";
  const record::SweepsResult* sweeps = c.result<record::SweepsResult>();
  for (std::size_t s = 0; s < 2; ++s) {
    if (!sweeps || !sweeps->channels[s]) continue;
    for (const auto& h : sweeps->channels[s]->harmonics) {
      if (h.order < 2 || h.order > 9) continue;
      svg::Series line;
      line.name = std::string(kChannelNames[s]) + " H" + std::to_string(h.order);
      line.x = h.frequency_hz, line.y = h.level_db;
      line.color = kOrderColor[h.order - 2];
      line.dashed = s == 1;
      p.series.push_back(std::move(line));
    }
  }
  return figure(p,
                "|H_n(n f)| / |H_1(f)| from the synchronized sweep, on the excitation-frequency axis; right "
                "channel dashed.");
}

std::string thd_n(const record::RunRecord& run, const record::ConfigurationRecord& c, const std::string& id) {
  svg::Plot p;
  const record::MaxOutputResult* max_output = c.result<record::MaxOutputResult>();
  const record::MaxOutputLoad* load = max_output ? max_output->load(run.settings.reference_load) : nullptr;
  if (!load && max_output && !max_output->loads.empty()) load = &max_output->loads.front();
  p.id = "plot-" + id + "-thdn", p.css_class = "plot-thdn";
  p.title = "THD+N against output level" + (load ? " into " + load->load : std::string());
  p.x.label = "output level (dBV)";
  p.y.label = "THD+N (dB)";
  p.y.min_span = 20;
  p.empty_note = "no THD+N measured";
  for (std::size_t s = 0; s < 2; ++s) {
    std::vector<std::pair<double, double>> pts;
    if (load)
      for (const auto& st : load->steps)
        if (st.channel == static_cast<int>(s)) pts.emplace_back(st.output_dbv, st.thd_n_db);
    std::sort(pts.begin(), pts.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    svg::Series line;
    line.name = std::string(kChannelNames[s]) + " level steps";
    line.color = kSideColor[s];
    line.dashed = s == 1;
    for (const auto& [x, y] : pts) line.x.push_back(x), line.y.push_back(y);
    if (!line.x.empty()) p.series.push_back(std::move(line));
  }
  const record::DistortionResult* distortion = c.result<record::DistortionResult>();
  for (std::size_t s = 0; s < 2; ++s) {
    svg::Series pts;
    pts.name = std::string(kChannelNames[s]) + " at the THD levels";
    pts.mark = svg::Mark::kPoints;
    pts.color = kSideColor[s];
    pts.offset_px = s == 0 ? -2 : 2;
    if (distortion)
      for (const auto& t : distortion->points)
        if (t.channel == static_cast<int>(s)) pts.x.push_back(t.output_dbv), pts.y.push_back(t.thd_n_db);
    if (!pts.x.empty()) p.series.push_back(std::move(pts));
  }
  const double percent = settings_for<record::MaxOutputResult>(run, c).max_output_thd_n_percent;
  if (max_output && percent > 0)
    p.lines.push_back({"max-output threshold " + fixed(percent, percent < 1 ? 2 : 1) + " %",
                       20 * std::log10(percent / 100), "#6b7280"});
  const double limit = max_limit(c, "thd_n_db");
  if (std::isfinite(limit)) p.lines.push_back({"thd_n_db limit", limit, "#b91c1c"});
  return figure(p,
                "THD+N (AES17, 20 Hz to 20 kHz) at each step of the maximum-output search and at the plan's "
                "THD levels (tone at the test "
                "frequency).");
}

std::string hum(const record::ConfigurationRecord& c, const std::string& id) {
  svg::Plot p;
  p.id = "plot-" + id + "-hum", p.css_class = "plot-hum";
  const record::NoiseResult* noise = c.result<record::NoiseResult>();
  double mains = std::nan(""), top_hz = 0;
  for (std::size_t s = 0; s < 2; ++s) {
    if (!noise || !noise->channels[s]) continue;
    const record::NoiseChannel& side = *noise->channels[s];
    if (!std::isfinite(mains)) mains = side.mains_hz;
    svg::Series stems;
    stems.name = std::string(kChannelNames[s]) + " (A-weighted noise " + fixed(side.noise_dbv_a, 1) + " dBV)";
    stems.mark = svg::Mark::kStems;
    stems.color = kSideColor[s];
    stems.offset_px = s == 0 ? -3 : 3;
    for (const auto& h : side.hum) stems.x.push_back(h.frequency_hz), stems.y.push_back(h.level_dbv);
    for (double f : stems.x)
      if (std::isfinite(f)) top_hz = std::max(top_hz, f);
    p.series.push_back(std::move(stems));
  }
  p.title = "Hum lines with silence at the interface" +
            (std::isfinite(mains) ? " (mains " + fixed(mains, 0) + " Hz)" : std::string());
  p.x.label = "frequency (Hz)";
  p.x.min = 0;
  // Half a line spacing of room after the last line, so its stem does not sit on the frame.
  if (top_hz > 0) p.x.max = top_hz + (std::isfinite(mains) && mains > 0 ? 0.5 * mains : 0.1 * top_hz);
  p.y.label = "level (dBV)";
  p.y.min_span = 20;
  p.empty_note = "no noise measurement";
  const double limit = max_limit(c, "hum_dbv");
  if (std::isfinite(limit)) p.lines.push_back({"hum_dbv limit", limit, "#b91c1c"});
  return figure(p, "Mains and its harmonics, each as a sine level across the load.");
}

std::string imd(const record::ConfigurationRecord& c, const std::string& id) {
  const record::ImdResult* imd = c.result<record::ImdResult>();
  if (!imd || imd->takes.empty()) return "";
  svg::Plot p;
  p.id = "plot-" + id + "-imd", p.css_class = "plot-imd";
  p.title = "Intermodulation products";
  p.x = frequency_axis();
  p.x.max = 24000;
  p.y.label = "product (dB re the reference)";
  p.y.min_span = 20;
  p.empty_note = "no twin tone arrived";
  for (const auto& take : imd->takes)
    for (const auto& ch : take.channels) {
      svg::Series stems;
      const std::string upper = take.standard == "smpte" ? "SMPTE" : "CCIF";
      stems.name = upper + " " + kChannelNames[static_cast<std::size_t>(ch.channel)] + " (" +
                   fixed(ch.imd_db, 1) + " dB, " + fixed(ch.imd_percent, 4) + " %)";
      stems.mark = svg::Mark::kStems;
      stems.color = kSideColor[static_cast<std::size_t>(ch.channel) % 2];
      stems.offset_px = ch.channel == 0 ? -3 : 3;
      for (const auto& line : ch.products)
        stems.x.push_back(line.frequency_hz), stems.y.push_back(line.relative_db);
      p.series.push_back(std::move(stems));
    }
  for (const char* name : {"imd_smpte_db", "imd_ccif_db"}) {
    const double limit = max_limit(c, name);
    if (std::isfinite(limit)) p.lines.push_back({std::string(name) + " limit", limit, "#b91c1c"});
  }
  return figure(
      p,
      "SMPTE (60 Hz and 7 kHz at 4:1): the sidebands 7 kHz +- n*60 Hz re the 7 kHz tone. CCIF (19 and 20 "
      "kHz at 1:1): 1 kHz, 18 kHz and 21 kHz re the sum of both tones. The limits apply to the RSS of "
      "each standard's products.");
}

std::string phase(const record::ConfigurationRecord& c, const std::string& id) {
  const record::PhaseResult* ph = c.result<record::PhaseResult>();
  if (!ph) return "";
  svg::Plot p;
  p.id = "plot-" + id + "-phase", p.css_class = "plot-phase";
  p.title = "Interchannel phase";
  p.x = frequency_axis();
  p.y.label = "left minus right (degrees)";
  p.y.min_span = 10;
  p.empty_note = "a channel carried no sweep";
  if (!ph->interchannel_phase_deg.empty()) {
    svg::Series line;
    line.name = "left - right";
    line.x = ph->frequency_hz, line.y = ph->interchannel_phase_deg;
    p.series.push_back(std::move(line));
  }
  const double limit = max_limit(c, "interchannel_phase_deg");
  if (std::isfinite(limit)) {
    p.lines.push_back({"interchannel_phase_deg limit", limit, "#b91c1c"});
    p.lines.push_back({"-(interchannel_phase_deg limit)", -limit, "#b91c1c"});
  }
  svg::Plot g;
  g.id = "plot-" + id + "-group-delay", g.css_class = "plot-group-delay";
  g.title = "Group delay";
  g.x = frequency_axis();
  g.y.label = "group delay, latency removed (ms)";
  g.y.min_span = 0.5;
  g.empty_note = "no sweep arrived";
  for (std::size_t s = 0; s < 2; ++s) {
    if (ph->group_delay_ms[s].empty()) continue;
    svg::Series line;
    line.name = kChannelNames[s];
    line.color = kSideColor[s];
    line.x = ph->frequency_hz, line.y = ph->group_delay_ms[s];
    g.series.push_back(std::move(line));
  }
  return figure(p,
                "One sweep on both channels, both read against the left channel's latency: the phase of "
                "left minus right. The limit applies to its largest magnitude from 20 Hz to 20 kHz.") +
         figure(g,
                "Each channel's group delay, -(1/360) dphi/df of its phase with its own latency (the "
                "impulse's peak) removed: the filters' delay against frequency.");
}

std::string crosstalk(const record::ConfigurationRecord& c, const std::string& id) {
  svg::Plot p;
  p.id = "plot-" + id + "-crosstalk", p.css_class = "plot-crosstalk", p.title = "Crosstalk";
  p.x = frequency_axis();
  p.y.label = "crosstalk (dB)";
  p.y.min_span = 20;
  p.empty_note = "no crosstalk measured";
  const record::SweepsResult* sweeps = c.result<record::SweepsResult>();
  const record::CrosstalkResult* tones = c.result<record::CrosstalkResult>();
  for (std::size_t s = 0; s < 2; ++s) {
    const std::string path = std::string(kChannelNames[s]) + "→" + kChannelNames[1 - s];
    if (sweeps && sweeps->channels[s] && !sweeps->channels[s]->crosstalk_db.empty()) {
      svg::Series line;
      line.name = path + " swept";
      line.x = sweeps->channels[s]->frequency_hz, line.y = sweeps->channels[s]->crosstalk_db;
      line.color = kSideColor[s];
      line.dashed = s == 1;
      p.series.push_back(std::move(line));
    }
    svg::Series pts;
    pts.name = path + " tones";
    pts.mark = svg::Mark::kPoints;
    pts.color = kSideColor[s];
    if (tones)
      for (const auto& t : tones->from[s]) pts.x.push_back(t.frequency_hz), pts.y.push_back(t.crosstalk_db);
    if (!pts.x.empty()) p.series.push_back(std::move(pts));
  }
  const double limit = max_limit(c, "crosstalk_db");
  if (std::isfinite(limit)) p.lines.push_back({"crosstalk_db limit", limit, "#b91c1c"});
  return figure(p,
                "20 log10(V undriven / V driven). The swept curve is noise-limited where the sweep is weak; "
                "the check uses the steady tones.");
}

std::string impedance(const record::ConfigurationRecord& c, const std::string& id) {
  const record::ImpedanceResult* z = c.result<record::ImpedanceResult>();
  if (!z) return {};
  svg::Plot p;
  p.id = "plot-" + id + "-impedance", p.css_class = "plot-impedance",
  p.title = "Output impedance of the amplifier";
  p.x = frequency_axis();
  p.y.label = "|Z_out| (ohm)";
  p.y.min = 0;
  p.y.min_span = 1;
  p.empty_note = "no output impedance measured";
  for (std::size_t s = 0; s < 2; ++s) {
    const record::ImpedanceCurve& side = z->channels[s];
    svg::Series line;
    line.name = std::string(kChannelNames[s]) + " (" + fixed(side.at_1khz_ohm, 3) + " ohm at 1 kHz)";
    line.x = side.frequency_hz, line.y = side.impedance_ohm;
    line.color = kSideColor[s];
    line.dashed = s == 1;
    p.series.push_back(std::move(line));
  }
  const double limit = max_limit(c, "output_impedance_ohm");
  if (std::isfinite(limit)) p.lines.push_back({"output_impedance_ohm limit", limit, "#b91c1c"});
  std::string o = figure(p,
                         "|Z_out| solved per frequency from sweeps into the plan's impedance loads (each in "
                         "parallel with the reference ADC's "
                         "input); right channel dashed.");

  svg::Plot h;
  h.id = "plot-" + id + "-loading", h.css_class = "plot-loading",
  h.title = "Headphone response change from the output impedance";
  h.x = frequency_axis();
  h.y.label = "change re 1 kHz (dB)";
  h.y.min_span = 1;
  h.empty_note = "no headphone in the plan";
  const std::vector<double>& axis = z->channels[0].frequency_hz;
  std::size_t colour = 0;
  for (const auto& hp : z->headphones) {
    const record::HeadphoneChannel& left = hp.channels[0];
    const std::string color = kOrderColor[colour++ % 4];
    svg::Series predicted;
    predicted.name = hp.load + " predicted (" + fixed(left.deviation_db, 2) + " dB p-p)";
    predicted.x = axis, predicted.y = left.predicted_change_db;
    predicted.color = color;
    h.series.push_back(std::move(predicted));
    if (left.measured_change_db.empty()) continue;
    svg::Series measured;
    measured.name = hp.load + " measured";
    measured.x = axis, measured.y = left.measured_change_db;
    measured.color = color;
    measured.dashed = true;
    h.series.push_back(std::move(measured));
  }
  const double deviation = max_limit(c, "loading_deviation_db");
  o += figure(h,
              "Left channel: H = Z_hp/(Z_hp + Z_out) re 1 kHz from the solved Z_out and each headphone's "
              "curve (solid), and the response "
              "measured into it re the open-circuit voltage (dashed)." +
                  (std::isfinite(deviation) ? " The loading_deviation_db limit is " + fixed(deviation, 2) +
                                                  " dB peak to peak from 20 Hz to 20 kHz."
                                            : std::string()));
  return o;
}

}  // namespace bench::report::html_plots
