// `bench selftest`: the measurement engine against a chain whose every figure is known. Generates a sweep and
// a tone, plays them through a known reference chain (delay, peaking EQ, static polynomial, white noise),
// writes every file a real session would (stimuli, captures, analyses) and prints measured against expected.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <random>
#include <string>

#include "bench/analysis/sine_analysis.hpp"
#include "bench/analysis/sweep_analysis.hpp"
#include "bench/cli/analysis_json.hpp"
#include "bench/cli/app.hpp"
#include "bench/core/error.hpp"
#include "bench/core/format.hpp"
#include "bench/dsp/biquad.hpp"
#include "bench/io/sidecar.hpp"
#include "bench/io/wav.hpp"
#include "bench/signal/sweep.hpp"
#include "bench/signal/tone.hpp"

namespace bench::cli {
namespace {

// The reference chain: every parameter is known, so every figure it should produce can be computed by hand.
struct ReferenceChain {
  double fs = 48000;
  int delay_samples = 137;
  dsp::Biquad eq;                           // +3 dB peak at 4 kHz, Q 1.4
  double a1 = 0.5, a2 = 0.002, a3 = 0.004;  // y = a1 x + a2 x^2 + a3 x^3
  double noise_dbfs = -120;                 // white noise, AES17 dBFS over the full band

  dsp::Signal process(const dsp::Signal& x, std::size_t extra, std::uint64_t seed) const {
    dsp::Signal y = dsp::Signal::Zero(x.size() + delay_samples + static_cast<Eigen::Index>(extra));
    y.segment(delay_samples, x.size()) = x;
    y = y.unaryExpr([this](double v) { return a1 * v + a2 * v * v + a3 * v * v * v; });
    y = eq.filter(y);
    std::mt19937_64 rng(seed);
    std::normal_distribution<double> gauss(0.0, std::sqrt(std::pow(10.0, noise_dbfs / 10) / 2));
    for (Eigen::Index i = 0; i < y.size(); ++i) y[i] += gauss(rng);
    return y;
  }
};

void row(const char* what, double measured, double expected, const char* unit) {
  std::printf("  %-38s %12.4f %12.4f %10.4f  %s\n", what, measured, expected, measured - expected, unit);
}

}  // namespace

void add_selftest(CLI::App& app) {
  auto out = std::make_shared<std::string>();
  auto* d = app.add_subcommand(
      "selftest", "analyse a generated sweep and tone through a known reference chain, measured vs expected");
  d->add_option("--out", *out, "run directory (default reports/<UTC time>_selftest)");
  d->callback([out] {
    const auto t0 = std::chrono::steady_clock::now();
    ReferenceChain chain;
    chain.eq = dsp::Biquad::peaking(chain.fs, 4000, 1.4, 3.0);
    std::filesystem::path dir = *out;
    if (dir.empty()) dir = std::filesystem::path("reports") / (utc_now("%Y%m%dT%H%M%SZ") + "_selftest");
    std::error_code ec;
    if (std::filesystem::exists(dir, ec))
      throw InputError(dir.string() +
                       " already exists: a run directory is never overwritten; pick another --out");
    create_output_dir(dir, "--out");
    spdlog::info(
        "selftest: reference chain = {} samples delay, static polynomial {}x + {}x^2 + {}x^3, +3 dB peak at "
        "4 kHz, noise {} dBFS",
        chain.delay_samples, chain.a1, chain.a2, chain.a3, chain.noise_dbfs);

    // Sweep: 20 Hz to 20 kHz, 5 s, -6 dBFS.
    spdlog::info("selftest: [1/2] sweep through the chain");
    const auto sweep_spec = stimulus::make_sweep_spec(20, 20000, 5, chain.fs, -6, 0.02);
    const dsp::Signal sweep = stimulus::generate_sweep(sweep_spec);
    const dsp::Signal sweep_cap = chain.process(sweep, static_cast<std::size_t>(chain.fs / 2), 1);
    io::write_wav(dir / "stimulus_sweep.wav", sweep, chain.fs);
    io::write_json(io::sidecar_path(dir / "stimulus_sweep.wav"), io::sweep_sidecar(sweep_spec, 1));
    io::write_wav(dir / "capture_sweep.wav", sweep_cap, chain.fs);
    analysis::SweepAnalysisOptions so;
    so.f1_hz = sweep_spec.f1_hz, so.f2_hz = sweep_spec.f2_hz, so.rate_l_s = sweep_spec.rate_l_s,
    so.fade_s = sweep_spec.fade_s;
    const analysis::SweepAnalyzer analyzer(sweep, chain.fs, static_cast<std::size_t>(sweep_cap.size()), so);
    const auto sr = analyzer.analyze(sweep_cap);
    nlohmann::json sdoc = analysis_document("sweep", chain.fs, sweep_settings_json(analyzer.options()));
    sdoc["channels"].push_back(to_json(sr));
    sdoc["channels"][0]["channel"] = 0;
    io::write_json(dir / "analysis_sweep.json", sdoc);

    // Tone: 997 Hz at -1 dBFS, 2 s, not coherent with the record.
    spdlog::info("selftest: [2/2] 997 Hz tone through the chain");
    const auto tone_spec = stimulus::make_tone_spec(997, -1, 2, chain.fs, false);
    const dsp::Signal tone = stimulus::generate_tone(tone_spec);
    const dsp::Signal tone_cap =
        chain.process(tone, 0, 2).segment(2 * chain.delay_samples, tone.size() - 2 * chain.delay_samples);
    io::write_wav(dir / "stimulus_tone.wav", tone, chain.fs);
    io::write_json(io::sidecar_path(dir / "stimulus_tone.wav"), io::tone_sidecar(tone_spec, 1));
    io::write_wav(dir / "capture_tone.wav", tone_cap, chain.fs);
    analysis::SineAnalysisOptions to;
    const auto tr = analysis::analyze_sine(tone_cap, chain.fs, to);
    nlohmann::json tdoc = analysis_document("sine", chain.fs, sine_settings_json(to, std::nullopt));
    tdoc["channels"].push_back(to_json(tr, std::nullopt));
    tdoc["channels"][0]["channel"] = 0;
    io::write_json(dir / "analysis_tone.json", tdoc);

    // Expected values, by hand from the chain's parameters.
    auto eq_db = [&](double f) { return dsp::amplitude_db(std::abs(chain.eq.response(chain.fs, f))); };
    const double a_sweep = dsp::db_to_amplitude(sweep_spec.level_dbfs);
    const double fund_sweep = chain.a1 + 0.75 * chain.a3 * a_sweep * a_sweep;
    auto at = [&](const std::vector<double>& f, const std::vector<double>& v, double target) {
      std::size_t best = 0;
      for (std::size_t i = 0; i < f.size(); ++i)
        if (std::abs(std::log(f[i] / target)) < std::abs(std::log(f[best] / target))) best = i;
      return std::pair{f[best], v[best]};
    };
    const auto [f_mid, g_mid] = at(sr.response.frequency_hz, sr.response.magnitude_db, 4000);
    const auto [f_low, g_low] = at(sr.response.frequency_hz, sr.response.magnitude_db, 100);
    const auto [f_h2, h2] = at(sr.harmonics[0].frequency_hz, sr.harmonics[0].level_db, 200);
    const auto [f_h3, h3] = at(sr.harmonics[1].frequency_hz, sr.harmonics[1].level_db, 200);
    const double a_tone = dsp::db_to_amplitude(tone_spec.level_dbfs);
    const double fund_tone =
        a_tone * (chain.a1 + 0.75 * chain.a3 * a_tone * a_tone) * std::abs(chain.eq.response(chain.fs, 997));
    const double h2_tone = chain.a2 * a_tone * a_tone / 2 * std::abs(chain.eq.response(chain.fs, 1994));
    const double h3_tone =
        chain.a3 * a_tone * a_tone * a_tone / 4 * std::abs(chain.eq.response(chain.fs, 2991));
    const double noise_ms = std::pow(10.0, chain.noise_dbfs / 10) / 2 * (20000.0 - 20.0) / (chain.fs / 2);
    const double thd_expected = std::hypot(h2_tone, h3_tone) / fund_tone;
    const double thdn_expected =
        std::sqrt((h2_tone * h2_tone + h3_tone * h3_tone) / 2 + noise_ms) /
        std::sqrt(fund_tone * fund_tone / 2 + (h2_tone * h2_tone + h3_tone * h3_tone) / 2 + noise_ms);

    std::printf("\nReference chain measured by bench %s (run directory %s)\n", "selftest",
                dir.string().c_str());
    std::printf("  %-38s %12s %12s %10s\n", "quantity", "measured", "expected", "error");
    row("latency (samples)", sr.latency_samples, chain.delay_samples, "samples");
    row(("gain at " + std::to_string(static_cast<int>(f_low)) + " Hz").c_str(), g_low,
        dsp::amplitude_db(fund_sweep) + eq_db(f_low), "dB");
    row(("gain at " + std::to_string(static_cast<int>(f_mid)) + " Hz (EQ peak)").c_str(), g_mid,
        dsp::amplitude_db(fund_sweep) + eq_db(f_mid), "dB");
    row(("sweep H2 at " + std::to_string(static_cast<int>(f_h2)) + " Hz").c_str(), h2,
        dsp::amplitude_db(chain.a2 * a_sweep / 2 / fund_sweep) + eq_db(2 * f_h2) - eq_db(f_h2),
        "dB re fundamental");
    row(("sweep H3 at " + std::to_string(static_cast<int>(f_h3)) + " Hz").c_str(), h3,
        dsp::amplitude_db(chain.a3 * a_sweep * a_sweep / 4 / fund_sweep) + eq_db(3 * f_h3) - eq_db(f_h3),
        "dB re fundamental");
    row("tone level", tr.fundamental_dbfs, dsp::amplitude_db(fund_tone), "dBFS");
    row("tone THD", tr.thd_db, dsp::amplitude_db(thd_expected), "dB");
    row("tone THD+N (20 Hz - 20 kHz)", tr.thd_n_db, dsp::amplitude_db(thdn_expected), "dB");
    std::printf("  polarity: %s (expected normal)\n", sr.inverted ? "inverted" : "normal");
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf(
        "\nWrote stimuli, captures (float WAV) and analyses (bench.analysis/1 JSON) to %s in %.2f s.\n",
        dir.string().c_str(), elapsed);
  });
}

}  // namespace bench::cli
