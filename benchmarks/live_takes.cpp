// live_takes: plays the same sweep N times in a row through RtAudio (the bench's LiveAudio streams, one
// duplex stream) and says how many takes an xrun spoiled and what the streaming cost in CPU time.
// Driven by benchmarks/live_period.py, which starts a jackd dummy server at each period, bench-dutsim as
// the device, and a busy loop on the other core. Not a unit test: it needs a running audio server.
//
//   live_takes --device '^dutsim$' [--api jack] [--takes 20] [--sweep-s 1] [--rate 48000] [--period 256]
//
// Prints one JSON object: takes, spoiled (xrun or frame-count problem), problems, period_frames,
// audio_s (seconds of audio played), cpu_s (process user+system CPU while streaming) and
// cpu_s_per_audio_s.

#include <sys/resource.h>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <nlohmann/json.hpp>
#include <string>

#include "bench/io/rtaudio/live_audio.hpp"
#include "bench/signal/sweep.hpp"

namespace {

double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         1e-6 * static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

}  // namespace

int main(int argc, char** argv) {
  std::string device, api = "jack";
  int takes = 20;
  double sweep_s = 1, rate = 48000;
  unsigned period = 256;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--device")
      device = v;
    else if (k == "--api")
      api = v;
    else if (k == "--takes")
      takes = std::stoi(v);
    else if (k == "--sweep-s")
      sweep_s = std::stod(v);
    else if (k == "--rate")
      rate = std::stod(v);
    else if (k == "--period")
      period = static_cast<unsigned>(std::stoul(v));
    else {
      std::fprintf(stderr, "live_takes: error: unknown option %s\n", k.c_str());
      return 2;
    }
  }
  if (device.empty()) {
    std::fprintf(stderr, "live_takes: error: --device REGEX is required\n");
    return 2;
  }
  try {
    bench::io::rtaudio::StreamSetup s;
    s.api = api, s.output_pattern = device, s.input_pattern = device;
    s.output_channels = 2, s.input_channels = 2;
    s.sample_rate_hz = static_cast<unsigned>(rate), s.period_frames = period;
    bench::io::rtaudio::LiveAudio audio(s);
    const auto spec = bench::stimulus::make_sweep_spec(10, 20000, sweep_s, rate, -10, 0.02);
    const bench::dsp::Signal sweep = bench::stimulus::generate_sweep(spec);
    const auto pad = static_cast<Eigen::Index>(0.1 * rate);
    bench::dsp::Frames out = bench::dsp::Frames::Zero(sweep.size() + 3 * pad, 2), in;
    out.col(0).segment(pad, sweep.size()) = sweep;
    out.col(1).segment(pad, sweep.size()) = sweep;
    int spoiled = 0;
    nlohmann::json problems = nlohmann::json::array();
    const double cpu0 = cpu_seconds();
    for (int t = 0; t < takes; ++t) {
      const auto st = audio.play_and_record(out, in);
      if (st.input_overflow || st.output_underflow || !st.completed) {
        ++spoiled;
        problems.push_back(st.problem.empty() ? std::string("xrun") : st.problem);
      }
    }
    const double cpu = cpu_seconds() - cpu0;
    const double audio_s = static_cast<double>(takes) * static_cast<double>(out.rows()) / rate;
    const nlohmann::json j = {{"takes", takes},
                              {"spoiled", spoiled},
                              {"problems", problems},
                              {"period_frames", audio.period_frames()},
                              {"audio_s", audio_s},
                              {"cpu_s", cpu},
                              {"cpu_s_per_audio_s", cpu / audio_s}};
    std::printf("%s\n", j.dump().c_str());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "live_takes: error: %s\n", e.what());
    return 3;
  }
  return 0;
}
