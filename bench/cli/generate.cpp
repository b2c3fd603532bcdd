#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "bench/cli/app.hpp"
#include "bench/core/error.hpp"
#include "bench/io/sidecar.hpp"
#include "bench/io/wav.hpp"
#include "bench/signal/sweep.hpp"
#include "bench/signal/tone.hpp"

namespace bench::cli {
namespace {

dsp::Frames replicate(const dsp::Signal& x, int channels) {
  if (channels < 1 || channels > 64)
    throw InputError("--channels " + std::to_string(channels) + ": use 1 to 64");
  dsp::Frames f(x.size(), channels);
  for (int c = 0; c < channels; ++c) f.col(c) = x;
  return f;
}

struct Common {
  double rate_hz = 48000;
  double duration_s = 2;
  int channels = 1;
  std::string out;
  std::string format = "float32";
};

void add_common(CLI::App* cmd, Common& c, double default_duration) {
  c.duration_s = default_duration;
  cmd->add_option("--rate", c.rate_hz, "sample rate in Hz")
      ->capture_default_str()
      ->check(in_range(1000, 1e6, "Hz"));
  cmd->add_option("--duration", c.duration_s, "duration in seconds")
      ->capture_default_str()
      ->check(above(0, "s"));
  cmd->add_option("--channels", c.channels, "number of channels (all carry the same signal)")
      ->capture_default_str()
      ->check(in_range(1, 64, "channels"));
  cmd->add_option("--format", c.format, "sample format: float32, float64, pcm24, pcm16")
      ->capture_default_str();
  cmd->add_option("--out", c.out, "output WAV file (a JSON sidecar <out>.json is written beside it)")
      ->required();
}

// The sidecar beside the WAV, where the WAV went into a regular file (a symlink to one counts). Beside a
// device, a FIFO or /dev/stdout there is no place for it: <device>.json would be a stray file in /dev.
void write_sidecar_beside(const std::string& out, const nlohmann::json& doc) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(out, ec)) {
    spdlog::warn(
        "{}: not a regular file, so no sidecar {} is written beside it: `bench analyze sweep` then "
        "needs the sweep's band and fade (--f1, --f2, --fade)",
        out, io::sidecar_path(out).string());
    return;
  }
  io::write_json(io::sidecar_path(out), doc);
}

}  // namespace

void add_generate(CLI::App& app) {
  auto* gen = app.add_subcommand("generate", "write a test stimulus as a WAV file with a JSON sidecar");
  gen->require_subcommand(1);

  struct SweepArgs : Common {
    double f1 = 20, f2 = 20000, level = -6, fade = 0.02;
  };
  auto sweep = std::make_shared<SweepArgs>();
  auto* s = gen->add_subcommand("sweep", "synchronized exponential swept sine (Novak et al. 2015)");
  s->add_option("--f1", sweep->f1, "start frequency in Hz")->capture_default_str();
  s->add_option("--f2", sweep->f2, "end frequency in Hz")->capture_default_str();
  s->add_option("--level-dbfs", sweep->level, "peak level in dBFS")
      ->capture_default_str()
      ->check(in_range(-200, 0, "dBFS"));
  s->add_option("--fade", sweep->fade, "half-Hann fade at each end in seconds")->capture_default_str();
  add_common(s, *sweep, 10);
  s->callback([sweep] {
    const auto format = io::parse_sample_format(sweep->format);
    const auto spec = stimulus::make_sweep_spec(sweep->f1, sweep->f2, sweep->duration_s, sweep->rate_hz,
                                                sweep->level, sweep->fade);
    io::write_wav(sweep->out, replicate(stimulus::generate_sweep(spec), sweep->channels), spec.sample_rate_hz,
                  format);
    write_sidecar_beside(sweep->out, io::sweep_sidecar(spec, sweep->channels));
    spdlog::info("wrote {} ({} frames, {:.6f} s, L = {:.9f} s, {} to {} Hz at {} dBFS)", sweep->out,
                 spec.samples, spec.duration_s, spec.rate_l_s, spec.f1_hz, spec.f2_hz, spec.level_dbfs);
  });

  struct SineArgs : Common {
    double frequency = 997, level = -1;
    bool coherent = false;
  };
  auto sine = std::make_shared<SineArgs>();
  auto* t = gen->add_subcommand("sine", "steady sine");
  t->add_option("--frequency", sine->frequency, "frequency in Hz")->capture_default_str();
  t->add_option("--level-dbfs", sine->level, "peak level in dBFS")
      ->capture_default_str()
      ->check(in_range(-200, 0, "dBFS"));
  t->add_flag("--coherent", sine->coherent, "move the frequency to a whole number of cycles in the record");
  add_common(t, *sine, 2);
  t->callback([sine] {
    const auto format = io::parse_sample_format(sine->format);
    const auto spec = stimulus::make_tone_spec(sine->frequency, sine->level, sine->duration_s, sine->rate_hz,
                                               sine->coherent);
    io::write_wav(sine->out, replicate(stimulus::generate_tone(spec), sine->channels), spec.sample_rate_hz,
                  format);
    write_sidecar_beside(sine->out, io::tone_sidecar(spec, sine->channels));
    spdlog::info("wrote {} ({} frames, {:.6f} Hz at {} dBFS)", sine->out, spec.samples,
                 spec.actual_frequency_hz, spec.level_dbfs);
  });

  struct ImdArgs : Common {
    std::string standard = "smpte";
    double f1 = 0, f2 = 0, ratio = 0, level = -6;
  };
  auto imd = std::make_shared<ImdArgs>();
  auto* m = gen->add_subcommand(
      "imd", "twin tone for intermodulation: SMPTE (60 Hz + 7 kHz, 4:1) or CCIF (19 kHz + 20 kHz, 1:1)");
  m->add_option("--standard", imd->standard, "smpte or ccif")->capture_default_str();
  m->add_option("--f1", imd->f1, "lower tone in Hz (default: the standard's)")->check(above(0, "Hz"));
  m->add_option("--f2", imd->f2, "upper tone in Hz (default: the standard's)")->check(above(0, "Hz"));
  m->add_option("--ratio", imd->ratio, "amplitude of f1 over f2 (default: the standard's, SMPTE 4, CCIF 1)")
      ->check(in_range(0.01, 100, ""));
  m->add_option("--level-dbfs", imd->level, "peak level of the sum in dBFS (never exceeded)")
      ->capture_default_str()
      ->check(in_range(-200, 0, "dBFS"));
  add_common(m, *imd, 1);
  m->callback([imd] {
    const auto format = io::parse_sample_format(imd->format);
    const dsp::ImdStandard standard = dsp::parse_imd_standard(imd->standard);
    dsp::ImdTones tones = dsp::imd_defaults(standard);
    if (imd->f1 > 0) tones.f1_hz = imd->f1;
    if (imd->f2 > 0) tones.f2_hz = imd->f2;
    if (imd->ratio > 0) tones.ratio = imd->ratio;
    const auto spec =
        stimulus::make_twin_tone_spec(standard, tones, imd->level, imd->duration_s, imd->rate_hz);
    io::write_wav(imd->out, replicate(stimulus::generate_twin_tone(spec), imd->channels), spec.sample_rate_hz,
                  format);
    write_sidecar_beside(imd->out, io::twin_tone_sidecar(spec, imd->channels));
    spdlog::info("wrote {} ({} frames, {} twin tone {:.6f} Hz and {:.6f} Hz at {}:1, {} dBFS peak)", imd->out,
                 spec.samples, dsp::to_string(standard), spec.actual_f1_hz, spec.actual_f2_hz, tones.ratio,
                 spec.level_dbfs);
  });

  auto silence = std::make_shared<Common>();
  auto* z = gen->add_subcommand("silence", "digital silence (for noise measurements)");
  add_common(z, *silence, 2);
  z->callback([silence] {
    const auto format = io::parse_sample_format(silence->format);
    if (!(silence->rate_hz >= 1000 && silence->rate_hz <= 1e6))
      throw InputError("--rate: use 1000 to 1000000 Hz");
    if (!(silence->duration_s > 0 && silence->duration_s <= 3600))
      throw InputError("--duration: use more than 0 and at most 3600 s");
    const auto frames = static_cast<Eigen::Index>(std::llround(silence->duration_s * silence->rate_hz));
    io::write_wav(silence->out, replicate(dsp::Signal::Zero(frames), silence->channels), silence->rate_hz,
                  format);
    write_sidecar_beside(silence->out, {{"schema", "bench.stimulus/1"},
                                        {"kind", "silence"},
                                        {"sample_rate_hz", silence->rate_hz},
                                        {"duration_s", silence->duration_s},
                                        {"samples", frames},
                                        {"channels", silence->channels}});
    spdlog::info("wrote {} ({} frames of silence)", silence->out, frames);
  });
}

}  // namespace bench::cli
