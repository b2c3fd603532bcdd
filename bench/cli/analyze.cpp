#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bench/analysis/capture_check.hpp"
#include "bench/analysis/dynamic_range.hpp"
#include "bench/analysis/imd_analysis.hpp"
#include "bench/analysis/noise_analysis.hpp"
#include "bench/analysis/sine_analysis.hpp"
#include "bench/analysis/sweep_analysis.hpp"
#include "bench/cli/analysis_json.hpp"
#include "bench/cli/app.hpp"
#include "bench/core/error.hpp"
#include "bench/core/format.hpp"
#include "bench/io/sidecar.hpp"
#include "bench/io/wav.hpp"

namespace bench::cli {
namespace {

// "LOW:HIGH" in Hz; a trailing k multiplies by 1000 ("20:22.4k").
std::pair<double, double> parse_band(const std::string& text) {
  auto number = [&](std::string s) {
    double scale = 1;
    if (!s.empty() && (s.back() == 'k' || s.back() == 'K')) scale = 1000, s.pop_back();
    std::size_t used = 0;
    double v = 0;
    try {
      v = std::stod(s, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == 0 || used != s.size() || !std::isfinite(v))
      throw InputError("--bandwidth '" + text + "': give LOW:HIGH in Hz, e.g. 20:20000 or 20:22.4k");
    if (v < 0)
      throw InputError("--bandwidth '" + text + "': the band's edges are 0 Hz or more, e.g. 20:20000");
    return v * scale;
  };
  const auto colon = text.find(':');
  if (colon == std::string::npos)
    throw InputError("--bandwidth '" + text + "': give LOW:HIGH in Hz, e.g. 20:20000");
  return {number(text.substr(0, colon)), number(text.substr(colon + 1))};
}

double parse_mains(const std::string& text) {
  if (text == "auto") return 0;
  if (text == "50") return 50;
  if (text == "60") return 60;
  throw InputError("--mains '" + text + "': use 50, 60 or auto");
}

void emit(const nlohmann::json& doc, const std::string& json_out) {
  if (json_out.empty()) {
    std::fputs((doc.dump(2) + "\n").c_str(), stdout);
  } else {
    io::write_json(json_out, doc);
    spdlog::info("wrote {}", json_out);
  }
}

std::string channel_name(const std::string& file, Eigen::Index c) {
  return file + " channel " + std::to_string(c);
}

// The capture channels to analyse: all of them, or the one --channel names (0-based).
std::vector<Eigen::Index> channels_of(Eigen::Index count, const std::string& file, int channel) {
  std::vector<Eigen::Index> all;
  if (channel >= 0) {
    if (channel >= count)
      throw InputError(std::string("--channel ")
                           .append(std::to_string(channel))
                           .append(": ")
                           .append(file)
                           .append(" has ")
                           .append(std::to_string(count))
                           .append(count == 1 ? " channel" : " channels")
                           .append(": give 0 to ")
                           .append(std::to_string(count - 1))
                           .append(" (0-based)"));
    all.push_back(channel);
    return all;
  }
  for (Eigen::Index c = 0; c < count; ++c) all.push_back(c);
  return all;
}

std::vector<Eigen::Index> channels_of(const io::Audio& cap, const std::string& file, int channel) {
  return channels_of(cap.frames.cols(), file, channel);
}

std::optional<double> fullscale(double v) {
  if (v == 0) return std::nullopt;
  if (!(v > 0 && v < 1000))
    throw InputError("--fullscale-vrms " + number_text(v) + ": give the ADC's Vrms at 0 dBFS (above 0)");
  return v;
}

// Each selected channel over the stretch where its tone holds steady (recorders and other analysers leave
// silence, fades and settling around it): `analyse(stretch)` gives the channel's JSON, to which the
// channel and the span are added; the span is logged when edges were left out. A MeasurementError names
// the channel.
template <class Analyse>
void each_steady_channel(const io::Audio& cap, const std::string& file, int channel,
                         const analysis::SineAnalysisOptions& steady, double min_span_s, const char* what,
                         nlohmann::json& doc, Analyse analyse) {
  const double fs = cap.sample_rate_hz;
  for (const Eigen::Index c : channels_of(cap, file, channel)) {
    const std::string name = channel_name(file, c);
    analysis::check_capture(cap.frames.col(c), name);
    nlohmann::json ch;
    analysis::SteadySpan span;
    try {
      span = analysis::find_steady_tone(cap.frames.col(c), fs, steady, min_span_s);
      ch = analyse(cap.frames.col(c).segment(span.begin_frame, span.end_frame - span.begin_frame));
    } catch (const MeasurementError& e) {
      throw MeasurementError(name + ": " + e.what());
    }
    const double begin_s = static_cast<double>(span.begin_frame) / fs;
    const double end_s = static_cast<double>(span.end_frame) / fs;
    // The record always has the span; the console mentions it only when edges were left out.
    if (span.begin_frame > 0 || span.end_frame < cap.frames.rows())
      spdlog::info("{}: steady {} from {} s to {} s ({} s of {} s analysed)", name, what, fixed(begin_s, 3),
                   fixed(end_s, 3), fixed(end_s - begin_s, 3),
                   fixed(static_cast<double>(cap.frames.rows()) / fs, 3));
    ch["channel"] = c;
    ch["span_start_s"] = begin_s;
    ch["span_end_s"] = end_s;
    doc["channels"].push_back(ch);
  }
}

struct SweepArgs {
  std::string stimulus, capture, json;
  double f1 = 0, f2 = 0, smoothing = 0;
  double fade = -1;  // -1: not given (the range check accepts only 0 to 600 s from the command line)
  int ppo = 48, max_harmonic = 9, channel = -1;
};

void run_sweep(const SweepArgs& a) {
  // The stimulus is read one channel at a time, for the analysers (one FFT of each distinct stimulus
  // channel a selected capture channel uses), and released before the capture is decoded: a 10 s,
  // 192 kHz pair is 63 MB as doubles and is never in memory together. One streaming pass over the
  // stimulus finds its identical channels and any NaN first; the headers are checked before any work.
  const io::AudioInfo capinfo = io::probe_audio(a.capture);
  const io::AudioInfo stiminfo = io::probe_audio(a.stimulus);
  if (stiminfo.sample_rate_hz != capinfo.sample_rate_hz)
    throw InputError(a.capture + " is at " + std::to_string(static_cast<int>(capinfo.sample_rate_hz)) +
                     " Hz but the stimulus " + a.stimulus + " is at " +
                     std::to_string(static_cast<int>(stiminfo.sample_rate_hz)) +
                     " Hz: capture at the stimulus rate or resample one of them");
  if (capinfo.frames < stiminfo.frames)
    throw InputError(a.capture + " (" + std::to_string(capinfo.frames) +
                     " frames) is shorter than the stimulus " + a.stimulus + " (" +
                     std::to_string(stiminfo.frames) + " frames): record the whole sweep plus the latency");
  analysis::SweepAnalysisOptions o;
  o.points_per_octave = a.ppo;
  o.max_harmonic = a.max_harmonic;
  o.smoothing_fraction = a.smoothing;
  const auto sidecar = io::read_sweep_sidecar(io::sidecar_path(a.stimulus));
  if (sidecar) {
    o.f1_hz = sidecar->f1_hz, o.f2_hz = sidecar->f2_hz, o.rate_l_s = sidecar->rate_l_s,
    o.fade_s = sidecar->fade_s;
    if ((a.f1 > 0 && a.f1 != o.f1_hz) || (a.f2 > 0 && a.f2 != o.f2_hz)) {
      spdlog::warn("--f1/--f2 differ from the sidecar of {}: using the command line and estimating L",
                   a.stimulus);
      o.f1_hz = a.f1 > 0 ? a.f1 : o.f1_hz, o.f2_hz = a.f2 > 0 ? a.f2 : o.f2_hz, o.rate_l_s = 0;
    }
    if (a.fade >= 0 && a.fade != o.fade_s) {
      spdlog::warn("--fade {} s differs from the sidecar of {} ({} s): using the command line", a.fade,
                   a.stimulus, o.fade_s);
      o.fade_s = a.fade;
    }
  } else {
    if (a.f1 <= 0 || a.f2 <= 0)
      throw InputError("no sidecar " + io::sidecar_path(a.stimulus).string() +
                       " beside the stimulus: give the sweep's band with --f1 and --f2");
    o.f1_hz = a.f1, o.f2_hz = a.f2, o.fade_s = std::max(a.fade, 0.0);
  }
  const io::ChannelSurvey survey = io::survey_channels(a.stimulus);
  if (survey.non_finite_channel >= 0)
    throw InputError(channel_name(a.stimulus, survey.non_finite_channel) +
                     " has a NaN or infinite sample: regenerate the stimulus");
  const std::vector<Eigen::Index> selected = channels_of(capinfo.channels, a.capture, a.channel);
  const bool paired = stiminfo.channels == capinfo.channels;
  if (!paired && stiminfo.channels != 1)
    spdlog::warn(
        "the stimulus has {} channels and the capture {}: every capture channel is analysed against stimulus "
        "channel 0",
        stiminfo.channels, capinfo.channels);
  const auto frames = capinfo.frames;
  // Channels that carry the same stimulus share one analyser (one stimulus FFT).
  std::vector<std::shared_ptr<const analysis::SweepAnalyzer>> analyzers(
      static_cast<std::size_t>(stiminfo.channels));
  for (const Eigen::Index c : selected) {
    const Eigen::Index sc = paired ? c : 0;
    const int first = survey.first_equal[static_cast<std::size_t>(sc)];
    auto& shared = analyzers[static_cast<std::size_t>(first)];
    if (!shared)
      shared = std::make_shared<const analysis::SweepAnalyzer>(io::read_audio_channel(a.stimulus, first),
                                                               stiminfo.sample_rate_hz, frames, o);
    analyzers[static_cast<std::size_t>(sc)] = shared;
  }
  const io::Audio cap = io::read_audio(a.capture);
  if (static_cast<std::size_t>(cap.frames.rows()) != capinfo.frames || cap.frames.cols() != capinfo.channels)
    throw InputError(a.capture + " changed while it was read (" + std::to_string(capinfo.frames) +
                     " frames, then " + std::to_string(cap.frames.rows()) +
                     "): analyse it again once it is written");
  // A NaN or a clipped channel stops the analysis; a silent one is a channel without the sweep (below).
  for (const Eigen::Index c : selected)
    analysis::check_capture(cap.frames.col(c), channel_name(a.capture, c), /*silence_ok=*/true);
  nlohmann::json doc;
  std::vector<std::string> missing;  // why each channel without a sweep has none
  for (const Eigen::Index c : selected) {
    const Eigen::Index sc = paired ? c : 0;
    const analysis::SweepAnalyzer* analyzer = analyzers[static_cast<std::size_t>(sc)].get();
    if (doc.is_null())
      doc = analysis_document("sweep", cap.sample_rate_hz, sweep_settings_json(analyzer->options()));
    analysis::SweepResult r;
    try {
      if (cap.frames.col(c).isZero(0.0))
        throw MeasurementError(
            "silent (all samples zero), no sweep: check the cabling, the channel map and the output level");
      r = analyzer->analyze(cap.frames.col(c));
    } catch (const MeasurementError& e) {
      // A channel the sweep was not played into (the other side of a two-channel capture) is a note on
      // that channel; the analysis stops only when no channel carries the sweep.
      missing.push_back(channel_name(a.capture, c) + ": " + e.what());
      doc["channels"].push_back({{"channel", c}, {"stimulus_channel", sc}, {"note", e.what()}});
      continue;
    }
    nlohmann::json ch = to_json(r);
    ch["channel"] = c;
    ch["stimulus_channel"] = sc;
    doc["channels"].push_back(ch);
    spdlog::debug("channel {}: latency {:.3f} samples, {}", c, r.latency_samples,
                  r.inverted ? "inverted" : "normal");
  }
  if (missing.size() == selected.size()) {
    std::string all;
    for (const auto& m : missing) all += (all.empty() ? "" : "; ") + m;
    throw MeasurementError(all);
  }
  for (const auto& m : missing) spdlog::warn("{} (noted on that channel)", m);
  doc["settings"]["channel"] = a.channel >= 0 ? nlohmann::json(a.channel) : nlohmann::json("all");
  doc["stimulus"] = a.stimulus;
  doc["capture"] = a.capture;
  emit(doc, a.json);
}

struct SineArgs {
  std::string capture, json, bandwidth = "20:20000", weighting = "none", mains = "auto";
  double frequency = 0, fullscale_vrms = 0;
  int max_harmonic = 10, channel = -1;
};

void run_sine(const SineArgs& a) {
  analysis::SineAnalysisOptions o;
  std::tie(o.band_lo_hz, o.band_hi_hz) = parse_band(a.bandwidth);
  o.weighting = dsp::parse_weighting(a.weighting);
  o.mains_hz = parse_mains(a.mains);
  o.max_harmonic = a.max_harmonic;
  if (a.frequency != 0) o.frequency_hz = a.frequency;
  const auto fs_vrms = fullscale(a.fullscale_vrms);
  const io::Audio cap = io::read_audio(a.capture);
  analysis::validate(o, cap.sample_rate_hz);
  nlohmann::json doc = analysis_document("sine", cap.sample_rate_hz, sine_settings_json(o, fs_vrms));
  doc["settings"]["channel"] = a.channel >= 0 ? nlohmann::json(a.channel) : nlohmann::json("all");
  const double fs = cap.sample_rate_hz;
  each_steady_channel(cap, a.capture, a.channel, o, 0.05, "tone", doc,
                      [&](const Eigen::Ref<const dsp::Signal>& x) {
                        return to_json(analysis::analyze_sine(x, fs, o), fs_vrms);
                      });
  doc["capture"] = a.capture;
  emit(doc, a.json);
}

struct NoiseArgs {
  std::string capture, json, bandwidth = "20:20000", mains = "auto";
  double fullscale_vrms = 0;
};

void run_noise(const NoiseArgs& a) {
  analysis::NoiseAnalysisOptions o;
  std::tie(o.band_lo_hz, o.band_hi_hz) = parse_band(a.bandwidth);
  o.mains_hz = parse_mains(a.mains);
  const auto fs_vrms = fullscale(a.fullscale_vrms);
  const io::Audio cap = io::read_audio(a.capture);
  nlohmann::json doc = analysis_document("noise", cap.sample_rate_hz, noise_settings_json(o, fs_vrms));
  for (Eigen::Index c = 0; c < cap.frames.cols(); ++c) {
    analysis::check_capture(cap.frames.col(c), channel_name(a.capture, c), /*silence_ok=*/true);
    nlohmann::json ch = to_json(analysis::analyze_noise(cap.frames.col(c), cap.sample_rate_hz, o), fs_vrms);
    ch["channel"] = c;
    doc["channels"].push_back(ch);
  }
  doc["capture"] = a.capture;
  emit(doc, a.json);
}

struct ImdArgs {
  std::string capture, json, standard;
  double f1 = 0, f2 = 0;
  int channel = -1;
};

void run_imd(const ImdArgs& a) {
  analysis::ImdAnalysisOptions o;
  o.standard = dsp::parse_imd_standard(a.standard);
  if (a.f1 > 0) o.f1_hz = a.f1;
  if (a.f2 > 0) o.f2_hz = a.f2;
  const io::Audio cap = io::read_audio(a.capture);
  const double fs = cap.sample_rate_hz;
  const dsp::ImdTones d = dsp::imd_defaults(o.standard);
  const double f1 = o.f1_hz.value_or(d.f1_hz), f2 = o.f2_hz.value_or(d.f2_hz);
  dsp::validate_imd_tones(o.standard, {f1, f2, d.ratio}, fs);
  nlohmann::json doc = analysis_document("imd", fs, imd_settings_json(o));
  doc["settings"]["channel"] = a.channel >= 0 ? nlohmann::json(a.channel) : nlohmann::json("all");
  // The steady stretch is judged on the stronger tone (SMPTE's f1; CCIF's are equal): the other stays in
  // the residual, steady as well.
  analysis::SineAnalysisOptions steady;
  steady.frequency_hz = f1;
  each_steady_channel(
      cap, a.capture, a.channel, steady, dsp::imd_min_record_s(o.standard, f1, f2), "twin tone", doc,
      [&](const Eigen::Ref<const dsp::Signal>& x) { return to_json(analysis::analyze_imd(x, fs, o)); });
  doc["capture"] = a.capture;
  emit(doc, a.json);
}

struct DynamicRangeArgs {
  std::string capture, json, bandwidth = "20:20000";
  double fullscale_vrms = 0;
  int channel = -1;
};

void run_dynamic_range(const DynamicRangeArgs& a) {
  analysis::DynamicRangeOptions o;
  std::tie(o.band_lo_hz, o.band_hi_hz) = parse_band(a.bandwidth);
  const auto fs_vrms = fullscale(a.fullscale_vrms);
  const io::Audio cap = io::read_audio(a.capture);
  const double fs = cap.sample_rate_hz;
  analysis::SineAnalysisOptions steady;
  steady.frequency_hz = o.tone_hz;
  steady.band_lo_hz = o.band_lo_hz, steady.band_hi_hz = o.band_hi_hz;
  analysis::validate(steady, fs);
  nlohmann::json doc = analysis_document("dynamic_range", fs, dynamic_range_settings_json(o, fs_vrms));
  doc["settings"]["channel"] = a.channel >= 0 ? nlohmann::json(a.channel) : nlohmann::json("all");
  each_steady_channel(cap, a.capture, a.channel, steady, 0.05, "tone", doc,
                      [&](const Eigen::Ref<const dsp::Signal>& x) {
                        return to_json(analysis::analyze_dynamic_range(x, fs, o), fs_vrms);
                      });
  doc["capture"] = a.capture;
  emit(doc, a.json);
}

}  // namespace

void add_analyze(CLI::App& app) {
  auto* an = app.add_subcommand("analyze",
                                "measure WAV captures; writes bench.analysis/1 JSON (stdout without --json)");
  an->require_subcommand(1);

  auto sw = std::make_shared<SweepArgs>();
  auto* s =
      an->add_subcommand("sweep", "frequency response, latency, polarity and harmonics from a swept sine");
  s->add_option("--stimulus", sw->stimulus,
                "the sweep as played (WAV); its sidecar <stimulus>.json is used if present")
      ->required();
  s->add_option("--capture", sw->capture,
                "the recording (WAV, same sample rate, at least as long as the stimulus)")
      ->required();
  s->add_option("--f1", sw->f1, "sweep start frequency in Hz (needed without a sidecar)")
      ->check(above(0, "Hz"));
  s->add_option("--f2", sw->f2, "sweep end frequency in Hz (needed without a sidecar)")
      ->check(above(0, "Hz"));
  s->add_option("--fade", sw->fade,
                "the stimulus's end fade in s (default: the sidecar's, else 0; harmonics inside it are not "
                "listed)")
      ->check(in_range(0, 600, "s"));
  s->add_option("--points-per-octave", sw->ppo, "frequency axis density")
      ->capture_default_str()
      ->check(in_range(1, 1000, "points per octave"));
  s->add_option("--smoothing", sw->smoothing, "1/N-octave smoothing of magnitudes, N (0 = none)")
      ->capture_default_str()
      ->check(in_range(0, 96, "(1/N octave; 0 = none)"));
  s->add_option("--max-harmonic", sw->max_harmonic, "highest harmonic order to separate (1..9)")
      ->capture_default_str()
      ->check(in_range(1, 9, ""));
  s->add_option("--channel", sw->channel,
                "analyse only this capture channel (0-based; default: every one, and a channel without the "
                "sweep is a note)")
      ->check(whole_number(1023));
  s->add_option("--json", sw->json, "write the result to this file instead of stdout");
  s->callback([sw] { run_sweep(*sw); });

  auto si = std::make_shared<SineArgs>();
  auto* t = an->add_subcommand("sine", "level, THD, THD+N, SINAD, noise and hum of a steady tone (AES17)");
  t->add_option("--capture", si->capture, "the recording (WAV)")->required();
  t->add_option("--frequency", si->frequency, "expected tone frequency in Hz (default: the strongest tone)")
      ->check(above(0, "Hz"));
  t->add_option("--bandwidth", si->bandwidth,
                "measurement band LOW:HIGH in Hz (AES17 20:20000; 20:22.4k, 20:80k)")
      ->capture_default_str();
  t->add_option("--weighting", si->weighting,
                "A, ccir-rms (ITU-R BS.468-4 at 0 dB at 2 kHz, RMS) or none (applies to THD+N and noise)")
      ->capture_default_str();
  t->add_option("--fullscale-vrms", si->fullscale_vrms,
                "Vrms of a 0 dBFS sine at the ADC input: adds dBV, dBu and volts")
      ->check(above(0, "Vrms"));
  t->add_option("--mains", si->mains, "mains frequency for hum lines: 50, 60 or auto")->capture_default_str();
  t->add_option("--max-harmonic", si->max_harmonic, "highest harmonic in THD")
      ->capture_default_str()
      ->check(in_range(2, 50, ""));
  t->add_option("--channel", si->channel, "analyse only this capture channel (0-based; default: every one)")
      ->check(whole_number(1023));
  t->add_option("--json", si->json, "write the result to this file instead of stdout");
  t->callback([si] { run_sine(*si); });

  auto no = std::make_shared<NoiseArgs>();
  auto* n =
      an->add_subcommand("noise", "residual noise (unweighted and A-weighted) and hum of a silence capture");
  n->add_option("--capture", no->capture, "the recording (WAV)")->required();
  n->add_option("--bandwidth", no->bandwidth, "measurement band LOW:HIGH in Hz")->capture_default_str();
  n->add_option("--fullscale-vrms", no->fullscale_vrms,
                "Vrms of a 0 dBFS sine at the ADC input: adds dBV and volts")
      ->check(above(0, "Vrms"));
  n->add_option("--mains", no->mains, "mains frequency for hum lines: 50, 60 or auto")->capture_default_str();
  n->add_option("--json", no->json, "write the result to this file instead of stdout");
  n->callback([no] { run_noise(*no); });

  auto im = std::make_shared<ImdArgs>();
  auto* m = an->add_subcommand("imd", "intermodulation distortion of a twin tone: SMPTE or CCIF");
  m->add_option("--capture", im->capture, "the recording (WAV)")->required();
  m->add_option("--standard", im->standard,
                "smpte (60 Hz + 7 kHz at 4:1, sidebands f2 +- n*f1) or ccif (19 kHz + 20 kHz at 1:1, "
                "difference frequencies)")
      ->required();
  m->add_option("--f1", im->f1, "lower tone as played, Hz (default: the standard's)")->check(above(0, "Hz"));
  m->add_option("--f2", im->f2, "upper tone as played, Hz (default: the standard's)")->check(above(0, "Hz"));
  m->add_option("--channel", im->channel, "analyse only this capture channel (0-based; default: every one)")
      ->check(whole_number(1023));
  m->add_option("--json", im->json, "write the result to this file instead of stdout");
  m->callback([im] { run_imd(*im); });

  auto dr = std::make_shared<DynamicRangeArgs>();
  auto* d = an->add_subcommand(
      "dynamic-range",
      "AES17 dynamic range: the weighted noise beside a 997 Hz tone at -60 dBFS, re full scale");
  d->add_option("--capture", dr->capture, "the recording (WAV) of the -60 dBFS 997 Hz tone")->required();
  d->add_option("--bandwidth", dr->bandwidth, "measurement band LOW:HIGH in Hz (AES17 20:20000)")
      ->capture_default_str();
  d->add_option("--fullscale-vrms", dr->fullscale_vrms,
                "Vrms of a 0 dBFS sine at the ADC input: adds dBV, dBu and volts")
      ->check(above(0, "Vrms"));
  d->add_option("--channel", dr->channel, "analyse only this capture channel (0-based; default: every one)")
      ->check(whole_number(1023));
  d->add_option("--json", dr->json, "write the result to this file instead of stdout");
  d->callback([dr] { run_dynamic_range(*dr); });
}

}  // namespace bench::cli
