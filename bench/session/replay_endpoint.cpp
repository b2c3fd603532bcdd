#include "bench/session/replay_endpoint.hpp"

#include "bench/core/error.hpp"
#include "bench/core/format.hpp"
#include "bench/io/wav.hpp"

namespace bench::session {

dsp::Frames ReplayEndpoint::play_and_record(const dsp::Frames& stimulus) {
  const std::filesystem::path wav = run_dir_ / "captures" / (take_ + ".wav");
  if (!std::filesystem::exists(wav))
    throw HardwareError(wav.string() +
                        ": the kept capture is missing: re-analysis needs every capture of the run");
  io::Audio a;
  try {
    a = io::read_audio(wav);
  } catch (const Error& e) {
    throw HardwareError(e.what());
  }
  if (a.sample_rate_hz != sample_rate_hz_ || a.frames.cols() != channels_) {
    auto described = [](Eigen::Index channels, double rate_hz) {
      return std::to_string(channels) + (channels == 1 ? " channel" : " channels") + " at " +
             fixed(rate_hz, 0) + " Hz";
    };
    throw MeasurementError(wav.string() + ": its header says " +
                           described(a.frames.cols(), a.sample_rate_hz) + ", but the run recorded " +
                           described(channels_, sample_rate_hz_) +
                           ": the file was changed since the run; restore it from a copy of the run");
  }
  if (a.frames.rows() != stimulus.rows())
    throw HardwareError(wav.string() + " holds " + std::to_string(a.frames.rows()) +
                        " frames but the plan's stimulus has " + std::to_string(stimulus.rows()) +
                        ": the plan or its profiles changed since the run");
  return a.frames;
}

}  // namespace bench::session
