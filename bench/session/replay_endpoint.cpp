#include "bench/session/replay_endpoint.hpp"

#include "bench/core/error.hpp"
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
  if (a.frames.rows() != stimulus.rows())
    throw HardwareError(wav.string() + " holds " + std::to_string(a.frames.rows()) +
                        " frames but the plan's stimulus has " + std::to_string(stimulus.rows()) +
                        ": the plan or its profiles changed since the run");
  return a.frames;
}

}  // namespace bench::session
