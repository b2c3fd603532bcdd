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

import fcntl
import os
import queue
import re
import signal
import struct
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


# JACK's server registry. jackd2 (common/shm.h, shm.c) keeps at most MAX_SERVERS = 8 servers in the
# POSIX shared-memory segment /dev/shm/jack-shm-registry, each slot {pid_t pid; char name[257]} after a
# 24-byte header, the name stored as "jack-<uid>:<server name>:". A server that exits (SIGTERM) frees its
# slot; one that is killed (SIGKILL, a crash) leaves it, and jackd reclaims a dead slot only for a new
# server of the *same* name. With a unique name per test, every killed server so far holds a slot for
# good: after 8, any jackd fails with "Too many servers already active" (this is what a CI machine that
# keeps /dev/shm between runs met). So the helpers reclaim dead slots of this user before starting a
# server and after stopping one: a short-lived jackd under the dead server's name takes the slot over and
# frees it as it exits.
REGISTRY = "/dev/shm/jack-shm-registry"
_MAX_SERVERS, _HEADER, _SLOT, _NAME = 8, 24, 264, 257
_MAGIC = 0x4A41434B


def _alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's live process
        return True


def registry_servers(path=REGISTRY):
    """[(pid, name, alive)] for every used slot of JACK's server registry; [] without a registry.
    name is the server name when the slot is this user's ("jack-<uid>:NAME:"), else the raw slot text."""
    try:
        with open(path, "rb") as f:
            data = f.read(_HEADER + _MAX_SERVERS * _SLOT)
    except FileNotFoundError:
        return []
    if len(data) < _HEADER + _MAX_SERVERS * _SLOT or struct.unpack_from("<I", data, 0)[0] != _MAGIC:
        return []  # not a registry jackd2 would keep either: it rebuilds one itself
    servers = []
    prefix = f"jack-{os.getuid()}:"
    for i in range(_MAX_SERVERS):
        off = _HEADER + i * _SLOT
        pid = struct.unpack_from("<i", data, off)[0]
        if pid == 0:
            continue
        raw = data[off + 4:off + 4 + _NAME].split(b"\0")[0].decode(errors="replace")
        name = raw[len(prefix):-1] if raw.startswith(prefix) and raw.endswith(":") else raw
        servers.append((pid, name, _alive(pid)))
    return servers


class _RegistryLock:
    """An flock shared by every helper of every test process, so two never reclaim at once."""

    def __enter__(self):
        self.file = open(os.path.join(tempfile.gettempdir(), f"bench-jack-registry-{os.getuid()}.lock"), "w")
        fcntl.flock(self.file, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc):
        fcntl.flock(self.file, fcntl.LOCK_UN)
        self.file.close()
        return False


def reclaim_dead_servers(only=None, timeout_s=10.0):
    """Frees the registry slots of this user's dead JACK servers (all, or only the name `only`).
    Returns the names reclaimed. A slot whose jackd will not take it over is left and reported by
    the JackError of the next server that needs it."""
    reclaimed = []
    with _RegistryLock():
        for pid, name, alive in registry_servers():
            if alive or (only is not None and name != only) or ":" in name:
                continue  # live, not asked for, or another user's slot
            env = dict(os.environ, JACK_DEFAULT_SERVER=name, JACK_NO_START_SERVER="1")
            proc = subprocess.Popen(["jackd", "--no-realtime", "-n", name, "-d", "dummy", "-p", "1024"], env=env,
                                    stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                deadline = time.monotonic() + timeout_s
                while proc.poll() is None and time.monotonic() < deadline:
                    if subprocess.run(["jack_lsp"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                      timeout=5).returncode == 0:
                        break
                    time.sleep(0.05)
            finally:
                _stop(proc)
            if not any(n == name for _, n, _ in registry_servers()):
                reclaimed.append(name)
                _remove_leftovers(name)
    return reclaimed


def _remove_leftovers(name):
    """The semaphores and sockets a killed server and its clients leave in /dev/shm (jack_sem.0_NAME_CLIENT,
    jack_NAME_0_0): only for a server that is gone, and only under its exact name."""
    import glob
    for path in glob.glob(f"/dev/shm/jack_sem.*_{glob.escape(name)}_*") + glob.glob(f"/dev/shm/jack_{glob.escape(name)}_*"):
        try:
            os.remove(path)
        except OSError:
            pass


def _registry_full_message():
    servers = registry_servers()
    dead = [f"{n} (pid {p})" for p, n, a in servers if not a]
    live = [f"{n} (pid {p})" for p, n, a in servers if a]
    return (f"JACK's server registry {REGISTRY} holds {len(servers)} of {_MAX_SERVERS} servers; live: "
            f"{', '.join(live) or 'none'}; dead and not reclaimable: {', '.join(dead) or 'none'}. Stop the live "
            f"ones, or, when no jackd runs at all, remove {REGISTRY}")


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
        reclaim_dead_servers()
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
                    said = f"{self._err.text().strip()} {self._out.text().strip()}"
                    if "Too many servers" in said:
                        said = f"{_registry_full_message()}. jackd said: {said}"
                    raise JackError(f"jackd {' '.join(cmd)} exited with {self.proc.returncode}: {said}")
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

    def run(self, *args, timeout_s=10.0, attempts=5):
        """Runs a JACK tool (jack_lsp, jack_connect, ...) against this server; returns CompletedProcess.

        A tool whose client could not open while this server still runs is run again (up to `attempts`
        times, 0.2 s apart): once in a CI run, with both cores busy under the sanitizer tests, a
        jack_connect failed with "Cannot open jack_connect client" beside a healthy server. A server
        that is gone fails every attempt, so the caller still sees it."""
        for attempt in range(attempts):
            r = subprocess.run(list(args), env=self.env, capture_output=True, text=True, timeout=timeout_s)
            transient = r.returncode != 0 and "Cannot open" in (r.stdout + r.stderr)
            if not transient or self.proc is None or self.proc.poll() is not None or attempt == attempts - 1:
                return r
            time.sleep(0.2)

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
            # Killed (a test's doing, or SIGKILL after a hung SIGTERM): its registry slot stays taken.
            reclaim_dead_servers(only=self.name)
            if not any(n == self.name for _, n, _ in registry_servers()):
                _remove_leftovers(self.name)
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
        # jack_iodelay registers its ports once the server has admitted the client; next to a real-time
        # session that once took more than 5 s for the first client of two fresh servers started together.
        try:
            server.wait_for_port("jack_delay:out", timeout_s=20.0)
            server.wait_for_port("jack_delay:in", timeout_s=20.0)
        except JackError as e:
            _stop(proc)
            raise JackError(f"{e}; jack_iodelay printed: {proc.stdout.read().strip()[-500:]}") from e
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
