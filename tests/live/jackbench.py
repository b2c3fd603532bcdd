"""Live-test helpers: a private JACK server, bench-dutsim on it, and jack_iodelay through it.

Python 3 standard library only (run with /usr/bin/python3). Every helper is a context manager that
always stops what it started, also when the body raises. Every child process gets the server's
environment (JACK_DEFAULT_SERVER=<unique name>, JACK_NO_START_SERVER=1), so parallel tests never meet
and nothing ever auto-starts a server.

Speed: jackd2's dummy driver (1.9.21) accepts -w (microseconds between cycles) but paces cycles by
the period anyway: 3 s of audio took 3.05 s of wall time with no -w and with -w 5333, 2666, 1333 and
500 alike (256 frames at 48 kHz). So there is no faster-than-real-time mode; wait_us is passed through
for completeness only.
"""

import os
import queue
import re
import signal
import subprocess
import tempfile
import threading
import time
import uuid


class JackError(RuntimeError):
    """A helper could not do its job; the message says what and shows the child's output."""


def unique_name(prefix="bench"):
    """A server or client name no other test uses."""
    return f"{prefix}-{os.getpid()}-{uuid.uuid4().hex[:8]}"


def _stop(proc, timeout_s=5.0):
    """SIGTERM, then SIGKILL after timeout_s; always reaps. Returns the exit code."""
    if proc.poll() is None:
        try:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            proc.kill()
    return proc.wait()


class _Log:
    """A child's stdout or stderr in a temporary file: readable while the child runs, no pipe to fill."""

    def __init__(self, label):
        self.file = tempfile.TemporaryFile(mode="w+b", prefix=label)

    def text(self):
        self.file.flush()
        self.file.seek(0)
        return self.file.read().decode(errors="replace")

    def close(self):
        self.file.close()


def can_use_realtime():
    """True when this process may ask for SCHED_FIFO: root, or an RLIMIT_RTPRIO above 0 (audio group)."""
    import resource
    return os.geteuid() == 0 or resource.getrlimit(resource.RLIMIT_RTPRIO)[0] > 0


class JackServer:
    """`jackd -R|--no-realtime -n <unique name> -d dummy -r RATE -p PERIOD [-w WAIT_US]`.

    .name, .env (give it to every child), .period, .rate; .stderr() is jackd's stderr so far (xrun lines:
    "JackEngine::XRun: client = NAME was not finished"). Raises JackError with jackd's output when the
    server does not answer jack_lsp within timeout_s.
    """

    def __init__(self, period=256, rate=48000, wait_us=None, timeout_s=10.0, name=None, realtime=None,
                 playback_ports=None, capture_ports=None):
        self.period, self.rate, self.wait_us, self.timeout_s = period, rate, wait_us, timeout_s
        self.playback_ports, self.capture_ports = playback_ports, capture_ports  # the dummy "system" client's
        # Real-time scheduling (jackd -R, SCHED_FIFO for the server and every client's process thread)
        # where this user may use it: without it a busy machine (ctest -j2 next to a compiler) spoils about
        # one take in five with xruns; with it none in the same load. realtime=None: wherever allowed.
        self.realtime = can_use_realtime() if realtime is None else realtime
        self.name = name or unique_name("jack")
        self.env = dict(os.environ, JACK_DEFAULT_SERVER=self.name, JACK_NO_START_SERVER="1")
        self.proc = None
        self._out = self._err = None
        self._stderr_text = ""

    def __enter__(self):
        cmd = ["jackd", "-R" if self.realtime else "--no-realtime", "-n", self.name, "-d", "dummy", "-r", str(self.rate), "-p", str(self.period)]
        if self.wait_us is not None:
            cmd += ["-w", str(int(self.wait_us))]
        if self.playback_ports is not None:
            cmd += ["-P", str(int(self.playback_ports))]
        if self.capture_ports is not None:
            cmd += ["-C", str(int(self.capture_ports))]
        self._out, self._err = _Log("jackd-out"), _Log("jackd-err")
        try:
            self.proc = subprocess.Popen(cmd, env=self.env, stdin=subprocess.DEVNULL, stdout=self._out.file,
                                         stderr=self._err.file)
        except FileNotFoundError as e:
            raise JackError(f"cannot run jackd ({e}): install the Debian package jackd2") from e
        try:
            deadline = time.monotonic() + self.timeout_s
            while True:
                if self.proc.poll() is not None:
                    raise JackError(f"jackd {' '.join(cmd)} exited with {self.proc.returncode}: "
                                    f"{self._err.text().strip()} {self._out.text().strip()}")
                if subprocess.run(["jack_lsp"], env=self.env, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL, timeout=5).returncode == 0:
                    return self
                if time.monotonic() > deadline:
                    raise JackError(f"jackd {self.name} did not answer jack_lsp within {self.timeout_s} s: "
                                    f"{self._err.text().strip()}")
                time.sleep(0.1)
        except BaseException:
            self.__exit__(None, None, None)
            raise

    def stderr(self):
        """jackd's stderr so far (also after exit)."""
        return self._err.text() if self._err is not None and not self._err.file.closed else self._stderr_text

    def run(self, *args, timeout_s=10.0):
        """Runs a JACK tool (jack_lsp, jack_connect, ...) against this server; returns CompletedProcess."""
        return subprocess.run(list(args), env=self.env, capture_output=True, text=True, timeout=timeout_s)

    def ports(self, *flags):
        """jack_lsp output lines (flags such as "-p" add indented property lines)."""
        r = self.run("jack_lsp", *flags)
        if r.returncode != 0:
            raise JackError(f"jack_lsp failed on {self.name}: {r.stderr.strip()}")
        return r.stdout.splitlines()

    def connect(self, source, destination):
        r = self.run("jack_connect", source, destination)
        if r.returncode != 0:
            raise JackError(f"jack_connect {source} {destination} failed: {r.stdout.strip()} {r.stderr.strip()}")

    def wait_for_port(self, port, timeout_s=5.0):
        deadline = time.monotonic() + timeout_s
        while port not in self.ports():
            if time.monotonic() > deadline:
                raise JackError(f"port {port} did not appear on {self.name} within {timeout_s} s")
            time.sleep(0.05)

    def __exit__(self, *exc):
        if self.proc is not None:
            _stop(self.proc)
        if self._err is not None and not self._err.file.closed:  # a second exit does nothing
            self._stderr_text = self._err.text()
            self._err.close()
            self._out.close()
        return False


READY = re.compile(r"^bench-dutsim: ready as (\S+) \((\d+) in, (\d+) out, (\d+) Hz, (\d+) frames\)$")


class Dutsim:
    """build/bin/bench-dutsim on a JackServer, from entering until the ready line to exiting.

    options become command-line options: clock_offset_ppm=100 -> --clock-offset-ppm 100 (None: left out).
    .client, .inputs, .outputs, .rate, .period come from the ready line; .stderr() is its stderr so far;
    .returncode is set on exit (or by .wait()). Raises JackError with its exit code and stderr when it
    exits or stays silent for timeout_s before the ready line.
    """

    def __init__(self, server, plan, fixture, binary, timeout_s=10.0, **options):
        self.server, self.timeout_s = server, timeout_s
        self.cmd = [str(binary), "--plan", str(plan), "--fixture", fixture]
        for key, value in options.items():
            if value is not None:
                self.cmd += ["--" + key.replace("_", "-"), str(value)]
        self.proc = None
        self.returncode = None
        self.ready_line = None
        self.client = None
        self._pump = None
        self._err = None
        self._stderr_text = ""

    def __enter__(self):
        self._err = _Log("dutsim-err")
        self.proc = subprocess.Popen(self.cmd, env=self.server.env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=self._err.file, text=True)
        lines = queue.Queue()

        def pump():  # reads stdout until EOF so the child never blocks on a full pipe
            for line in self.proc.stdout:
                lines.put(line.rstrip("\n"))
            lines.put(None)

        self._pump = threading.Thread(target=pump, daemon=True)
        self._pump.start()
        try:
            deadline = time.monotonic() + self.timeout_s
            while True:
                try:
                    line = lines.get(timeout=max(0.01, deadline - time.monotonic()))
                except queue.Empty:
                    raise JackError(f"{' '.join(self.cmd)}: no ready line within {self.timeout_s} s: "
                                    f"{self.stderr().strip()}")
                if line is None:
                    rc = self.proc.wait()
                    raise JackError(f"{' '.join(self.cmd)} exited with {rc} before it was ready: "
                                    f"{self.stderr().strip()}")
                m = READY.match(line)
                if m:
                    self.ready_line = line
                    self.client = m.group(1)
                    self.inputs, self.outputs, self.rate, self.period = (int(g) for g in m.groups()[1:])
                    return self
        except BaseException:
            self.__exit__(None, None, None)
            raise

    def stderr(self):
        return self._err.text() if self._err is not None and not self._err.file.closed else self._stderr_text

    def wait(self, timeout_s):
        """Waits for the process to end by itself; returns its exit code (JackError on timeout)."""
        try:
            self.returncode = self.proc.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired as e:
            raise JackError(f"{' '.join(self.cmd)} still runs after {timeout_s} s") from e
        return self.returncode

    def __exit__(self, *exc):
        if self.proc is not None:
            self.returncode = _stop(self.proc)
            if self._pump is not None:
                self._pump.join(timeout=5)
            self.proc.stdout.close()
        if self._err is not None and not self._err.file.closed:  # a second exit does nothing
            self._stderr_text = self._err.text()
            self._err.close()
        return False


IODELAY = re.compile(r"^\s*([0-9.]+) frames\s+([0-9.]+) ms total roundtrip latency")


def iodelay(server, playback_port=None, capture_port=None, seconds=2.5):
    """Runs jack_iodelay on the loop jack_delay:out -> playback_port ... capture_port -> jack_delay:in for
    `seconds` and returns the round-trip latencies it printed, in frames (floats, in order). Without
    ports, jack_delay:out feeds jack_delay:in directly (the server's own round trip). Raises JackError
    with its output when it printed none (no loop, or signal below its threshold)."""
    # stdbuf: jack_iodelay writes through stdio, which a pipe would block-buffer until it is killed.
    proc = subprocess.Popen(["stdbuf", "-oL", "jack_iodelay"], env=server.env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        server.wait_for_port("jack_delay:out")
        server.wait_for_port("jack_delay:in")
        if playback_port is None:
            server.connect("jack_delay:out", "jack_delay:in")
        else:
            server.connect("jack_delay:out", playback_port)
            server.connect(capture_port, "jack_delay:in")
        time.sleep(seconds)
    finally:
        _stop(proc)
    output = proc.stdout.read()
    proc.stdout.close()
    values = [float(m.group(1)) for m in map(IODELAY.match, output.splitlines()) if m]
    if not values:
        raise JackError(f"jack_iodelay through {playback_port} -> {capture_port} printed no latency: {output.strip()}")
    return values
