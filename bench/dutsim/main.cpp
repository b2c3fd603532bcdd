// bench-dutsim: the simulated device under test as a JACK client. It plays the interface's analogue
// outputs, the cable, the headphone amplifier, the load and the reference ADC of one fixture of a plan
// (bench/sim's Chain) in real time, so the bench, another JACK client, measures it like real gear.
//
// Threads: the main thread parses (options.cpp), loads the plan, opens the client and then only polls atomic
// flags; JACK's process thread calls on_process, which does nothing but fetch port buffers and run
// dutsim::Processor (real-time safe: no allocation, locks, logging, I/O or exceptions).

#include <jack/jack.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "bench/core/error.hpp"
#include "bench/dutsim/config.hpp"
#include "bench/dutsim/options.hpp"
#include "bench/dutsim/processor.hpp"
#include "bench/plan/load.hpp"

namespace {

using bench::ExitCode;

std::atomic<bool> g_signal{false};       // SIGINT or SIGTERM
std::atomic<bool> g_server_gone{false};  // jack_on_shutdown
std::atomic<bool> g_period_too_long{false};
static_assert(std::atomic<bool>::is_always_lock_free, "the signal handler needs a lock-free flag");

extern "C" void on_signal(int) {
  g_signal.store(true);
}
extern "C" void jack_silent(const char*) {}
extern "C" void jack_to_stderr(const char* message) {
  std::fprintf(stderr, "bench-dutsim: jack: %s\n", message);
}

/// What the process callback touches, all allocated before activation.
struct Realtime {
  bench::dutsim::Processor* processor = nullptr;
  std::vector<jack_port_t*> inputs, outputs;
  std::vector<const float*> in_buffers;
  std::vector<float*> out_buffers;
};

extern "C" int on_process(jack_nframes_t frames, void* arg) {
  auto* rt = static_cast<Realtime*>(arg);
  for (std::size_t i = 0; i < rt->inputs.size(); ++i)
    rt->in_buffers[i] = static_cast<const float*>(jack_port_get_buffer(rt->inputs[i], frames));
  for (std::size_t i = 0; i < rt->outputs.size(); ++i)
    rt->out_buffers[i] = static_cast<float*>(jack_port_get_buffer(rt->outputs[i], frames));
  if (!rt->processor->process(rt->in_buffers, rt->out_buffers, frames)) g_period_too_long.store(true);
  return 0;
}

extern "C" int on_buffer_size(jack_nframes_t frames, void*) {
  if (frames > bench::dutsim::Processor::kMaxFrames) g_period_too_long.store(true);
  return 0;
}

extern "C" void on_shutdown(void*) {
  g_server_gone.store(true);
}

struct ClientCloser {
  void operator()(jack_client_t* c) const { jack_client_close(c); }
};
using ClientPtr = std::unique_ptr<jack_client_t, ClientCloser>;

std::string server_label(const std::string& server) {
  if (!server.empty()) return server;
  const char* env = std::getenv("JACK_DEFAULT_SERVER");
  return env != nullptr && *env != '\0' ? env : "default";
}

int run(const bench::dutsim::Options& o) {
  const bench::plan::Plan plan = bench::plan::load_plan(o.plan);
  const bench::sim::ChainConfig config =
      bench::dutsim::chain_config_for(plan, o.fixture, o.load, o.seed, o.clock_offset_ppm);
  const int in_ports = bench::dutsim::interface_channel_count(plan.interface);
  bench::dutsim::Processor processor(config, in_ports, o.faults);

  // libjack prints several lines when no server runs; the failure is reported below in one.
  jack_set_error_function(jack_silent);
  jack_set_info_function(jack_silent);
  const std::string server = server_label(o.server);
  auto options = static_cast<jack_options_t>(JackNoStartServer | JackUseExactName |
                                             (o.server.empty() ? 0 : JackServerName));
  jack_status_t status{};
  ClientPtr client(o.server.empty() ? jack_client_open(o.name.c_str(), options, &status)
                                    : jack_client_open(o.name.c_str(), options, &status, o.server.c_str()));
  if (!client) {
    if ((status & JackNameNotUnique) != 0)
      throw bench::InputError("JACK server " + server + " already has a client named " + o.name +
                              ": pick another --name");
    if ((status & (JackServerFailed | JackServerError)) != 0)
      throw bench::HardwareError("no JACK server named " + server + " is running: start one with `jackd -n " +
                                 server + " -d dummy`");
    throw bench::HardwareError("JACK server " + server + " refused the client " + o.name + " (status 0x" +
                               [&] {
                                 char b[16];
                                 std::snprintf(b, sizeof b, "%x", static_cast<unsigned>(status));
                                 return std::string(b);
                               }() +
                               "): check jackd's output");
  }
  jack_set_error_function(jack_to_stderr);
  const jack_nframes_t rate = jack_get_sample_rate(client.get());
  if (static_cast<double>(rate) != plan.settings.sample_rate_hz)
    throw bench::HardwareError("JACK server " + server + " runs at " + std::to_string(rate) +
                               " Hz but plan " + o.plan + " wants " +
                               std::to_string(static_cast<long>(plan.settings.sample_rate_hz)) +
                               " Hz (settings.sample_rate_hz): restart jackd with -r " +
                               std::to_string(static_cast<long>(plan.settings.sample_rate_hz)) +
                               " or use a plan at " + std::to_string(rate) + " Hz");
  const jack_nframes_t period = jack_get_buffer_size(client.get());
  if (period > bench::dutsim::Processor::kMaxFrames)
    throw bench::HardwareError(
        "JACK server " + server + " has a period of " + std::to_string(period) +
        " frames, more than bench-dutsim's " + std::to_string(bench::dutsim::Processor::kMaxFrames) +
        ": restart jackd with -p " + std::to_string(bench::dutsim::Processor::kMaxFrames) + " or less");

  // Inputs first: RtAudio counts a client's output ports as the device's input channels and vice versa,
  // and lists ports in registration order.
  Realtime rt;
  rt.processor = &processor;
  for (int i = 0; i < in_ports; ++i) {
    const std::string port = "in_" + std::to_string(i + 1);
    jack_port_t* p =
        jack_port_register(client.get(), port.c_str(), JACK_DEFAULT_AUDIO_TYPE, JackPortIsInput, 0);
    if (p == nullptr)
      throw bench::HardwareError("JACK refused to register port " + port + ": check jackd's port limit (-p)");
    rt.inputs.push_back(p);
  }
  for (int i = 0; i < processor.output_ports(); ++i) {
    const std::string port = "out_" + std::to_string(i + 1);
    jack_port_t* p =
        jack_port_register(client.get(), port.c_str(), JACK_DEFAULT_AUDIO_TYPE, JackPortIsOutput, 0);
    if (p == nullptr)
      throw bench::HardwareError("JACK refused to register port " + port + ": check jackd's port limit (-p)");
    rt.outputs.push_back(p);
  }
  rt.in_buffers.assign(rt.inputs.size(), nullptr);
  rt.out_buffers.assign(rt.outputs.size(), nullptr);
  jack_set_process_callback(client.get(), on_process, &rt);
  jack_set_buffer_size_callback(client.get(), on_buffer_size, nullptr);
  jack_on_shutdown(client.get(), on_shutdown, nullptr);

  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);

  if (jack_activate(client.get()) != 0)
    throw bench::HardwareError("JACK server " + server + " refused to activate client " + o.name +
                               ": check jackd's output");
  const std::string actual_name = jack_get_client_name(client.get());
  std::fprintf(stderr,
               "bench-dutsim: fixture %s into load %s, ADC clock offset %g ppm (chain delay %g samples at a "
               "take's start), seed %llu\n",
               config.fixture.id.c_str(), config.load.id.c_str(), config.adc.clock_offset_ppm,
               processor.chain().clock_latency_samples(), static_cast<unsigned long long>(o.seed));
  std::printf("bench-dutsim: ready as %s (%d in, %d out, %u Hz, %u frames)\n", actual_name.c_str(), in_ports,
              processor.output_ports(), rate, period);
  std::fflush(stdout);

  for (;;) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    if (g_signal.load()) {
      client.reset();  // deactivates and closes
      return 0;
    }
    if (g_server_gone.load()) {
      std::fprintf(stderr, "bench-dutsim: error: JACK server %s went away: restart it and bench-dutsim\n",
                   server.c_str());
      (void)client.release();  // the server is gone: closing would talk to it
      return static_cast<int>(ExitCode::kCannotMeasure);
    }
    if (g_period_too_long.load())
      throw bench::HardwareError("JACK server " + server + " switched to a period above " +
                                 std::to_string(bench::dutsim::Processor::kMaxFrames) +
                                 " frames (output muted): restart jackd with -p " +
                                 std::to_string(bench::dutsim::Processor::kMaxFrames) + " or less");
    if (processor.exit_due()) {
      // A device that vanishes: no client close, no goodbye to the server.
      std::fprintf(stderr, "bench-dutsim: exiting after %.3f s of audio (--exit-after-s)\n",
                   static_cast<double>(processor.frames_processed()) / rate);
      std::fflush(stderr);
      _exit(0);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const bench::dutsim::CommandLine command_line = bench::dutsim::parse_command_line(argc, argv);
    if (!command_line.options) {
      std::fputs(command_line.help.c_str(), stdout);
      return 0;
    }
    return run(*command_line.options);
  } catch (const bench::Error& e) {
    std::fprintf(stderr, "bench-dutsim: error: %s\n", e.what());
    return static_cast<int>(e.exit_code());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench-dutsim: error: internal error: %s: please report it with the command line\n",
                 e.what());
    return static_cast<int>(ExitCode::kInternal);
  }
}
