#!/usr/bin/python3
"""Live tests of bench-dutsim on private JACK servers (jackd's dummy driver, unique names).

Usage: /usr/bin/python3 tests/live/dutsim_test.py --bin build/bin --root .
Needs jackd2 (jackd, jack_lsp, jack_connect, jack_iodelay) and stdbuf; a missing tool fails the run
with the reason, nothing is skipped. Runs in about 20 s (JACK's dummy driver runs in real time only).
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from jackbench import Dutsim, JackServer, iodelay, unique_name  # noqa: E402

ARGS = None
FIXTURE = "line_trs_to_amp_trs"
PERIOD = 256


def binary():
    return os.path.join(ARGS.bin, "bench-dutsim")


def plan():
    return os.path.join(ARGS.root, "profiles", "plans", "demo.toml")


def run_dutsim(env, *extra, timeout_s=10):
    return subprocess.run([binary(), "--plan", plan(), "--fixture", FIXTURE, *extra], env=env, capture_output=True,
                          text=True, timeout=timeout_s)


class DutsimLive(unittest.TestCase):
    """One 48 kHz server for every test that needs a matching rate, started once."""

    @classmethod
    def setUpClass(cls):
        for tool in ("jackd", "jack_lsp", "jack_connect", "jack_iodelay", "stdbuf"):
            if shutil.which(tool) is None:
                raise RuntimeError(f"{tool} is not installed: install the Debian packages jackd2 and coreutils")
        if not os.access(binary(), os.X_OK):
            raise RuntimeError(f"{binary()} does not exist: build it with cmake --build build --target bench-dutsim")
        cls.server = JackServer(period=PERIOD, rate=48000).__enter__()

    @classmethod
    def tearDownClass(cls):
        cls.server.__exit__(None, None, None)

    def test_1_ports_and_ready_line(self):
        with Dutsim(self.server, plan(), FIXTURE, binary(), name="dutsim") as d:
            # scarlett_2i2: line_out on channels 0, 1 and headphone_out on 2, 3 -> 4 inputs; 2 ADC channels.
            self.assertEqual((d.client, d.inputs, d.outputs, d.rate, d.period), ("dutsim", 4, 2, 48000, PERIOD))
            lines = self.server.ports("-p")
            mine = [l for l in lines if l.startswith("dutsim:")]
            self.assertEqual(mine, ["dutsim:in_1", "dutsim:in_2", "dutsim:in_3", "dutsim:in_4", "dutsim:out_1",
                                    "dutsim:out_2"], lines)
            # Each port line is followed by its "properties: input,|output,..." line.
            props = {lines[i]: lines[i + 1] for i in range(len(lines) - 1) if lines[i].startswith("dutsim:")}
            for port, prop in props.items():
                self.assertIn("input" if ":in_" in port else "output", prop, port)
        self.assertEqual(d.returncode, 0, "SIGTERM must end bench-dutsim with 0: " + d.stderr())
        self.assertNotIn("dutsim:in_1", self.server.ports(), "ports must go when bench-dutsim stops")

    def test_2_iodelay_latency_is_the_jack_round_trip(self):
        # Independent truth: the same server's round trip with jack_delay looped onto itself.
        direct = iodelay(self.server, seconds=2.0)
        with Dutsim(self.server, plan(), FIXTURE, binary(), name="dutsim-io") as d:
            first = iodelay(self.server, "dutsim-io:in_1", "dutsim-io:out_1", seconds=2.5)
            second = iodelay(self.server, "dutsim-io:in_1", "dutsim-io:out_1", seconds=2.5)
        print(f"\n  jack_iodelay frames: direct loop {direct[-1]}, through dutsim {first[-1]} and {second[-1]}",
              file=sys.stderr)
        # No clock offset: the chain adds 0 samples; its filters shift the phase of jack_iodelay's tones by
        # a few thousandths of a frame.
        self.assertAlmostEqual(first[-1], direct[-1], delta=0.05)
        self.assertAlmostEqual(first[-1], PERIOD, delta=0.05)
        self.assertAlmostEqual(first[-1], second[-1], delta=0.002)

    def test_2b_clock_offset_adds_the_resampler_delay(self):
        # A negative offset delays by ClockResampler::kHalfTaps = 32 samples at a take's start, then the
        # ADC runs fast: -1 ppm gains 0.048 samples a second, too little to matter here.
        with Dutsim(self.server, plan(), FIXTURE, binary(), name="dutsim-ppm", clock_offset_ppm=-1) as d:
            values = iodelay(self.server, "dutsim-ppm:in_1", "dutsim-ppm:out_1", seconds=2.0)
        print(f"\n  jack_iodelay frames at -1 ppm: {values[-1]}", file=sys.stderr)
        self.assertIn("chain delay 32 samples", d.stderr())
        self.assertAlmostEqual(values[-1], PERIOD + 32, delta=0.3)

    def test_5_exit_after_s_ends_the_process(self):
        start = time.monotonic()
        with Dutsim(self.server, plan(), FIXTURE, binary(), name="dutsim-exit", exit_after_s=1) as d:
            rc = d.wait(timeout_s=5)
        took = time.monotonic() - start
        self.assertEqual(rc, 0, d.stderr())
        self.assertIn("exiting after 1.0", d.stderr())
        self.assertLess(took, 4.0)
        deadline = time.monotonic() + 5
        while any(p.startswith("dutsim-exit:") for p in self.server.ports()):
            self.assertLess(time.monotonic(), deadline, "the server kept the ports of a vanished client")
            time.sleep(0.1)

    def test_6_stall_gives_xruns(self):
        pattern = re.compile(r"XRun: client = dutsim-stall was not finished")
        before = len(pattern.findall(self.server.stderr()))
        with Dutsim(self.server, plan(), FIXTURE, binary(), name="dutsim-stall", stall_every_s=0.5, stall_ms=40):
            time.sleep(2.0)
        xruns = len(pattern.findall(self.server.stderr())) - before
        self.assertGreaterEqual(xruns, 2, "jackd reported no xrun for a 40 ms stall every 0.5 s:\n"
                                + self.server.stderr()[-2000:])

    def test_3_sample_rate_mismatch(self):
        with JackServer(period=PERIOD, rate=44100) as other:
            r = run_dutsim(other.env)
        self.assertEqual(r.returncode, 3, r.stderr)
        self.assertEqual(r.stderr.strip().count("\n"), 0, "one line expected:\n" + r.stderr)
        self.assertRegex(r.stderr, r"bench-dutsim: error: JACK server \S+ runs at 44100 Hz but plan .*demo\.toml "
                                   r"wants 48000 Hz .*restart jackd with -r 48000")

    def test_4_no_server(self):
        name = unique_name("absent")
        env = dict(os.environ, JACK_DEFAULT_SERVER=name, JACK_NO_START_SERVER="1")
        r = run_dutsim(env)
        self.assertEqual(r.returncode, 3, r.stderr)
        self.assertEqual(r.stderr, f"bench-dutsim: error: no JACK server named {name} is running: start one with "
                                   f"`jackd -n {name} -d dummy`\n")
        r = run_dutsim(dict(os.environ, JACK_NO_START_SERVER="1"), "--server", name + "-x")
        self.assertEqual(r.returncode, 3, r.stderr)
        self.assertIn(f"no JACK server named {name}-x is running", r.stderr)

    def test_8_server_gone_exits_3(self):
        with JackServer(period=PERIOD, rate=48000) as doomed:
            d = Dutsim(doomed, plan(), FIXTURE, binary()).__enter__()
        try:  # the server is stopped now
            rc = d.wait(timeout_s=5)
        finally:
            d.__exit__(None, None, None)
        self.assertEqual(rc, 3, d.stderr())
        self.assertIn(f"bench-dutsim: error: JACK server {doomed.name} went away: restart it and bench-dutsim",
                      d.stderr())

    def test_7_bad_fixture_is_a_config_error(self):
        r = subprocess.run([binary(), "--plan", plan(), "--fixture", "nope"], capture_output=True, text=True,
                           timeout=10, env=dict(os.environ, JACK_DEFAULT_SERVER=self.server.name))
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("has no fixture 'nope': use one of line_trs_to_amp_trs", r.stderr)


def main():
    global ARGS
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", required=True, help="directory holding bench-dutsim (build/bin)")
    parser.add_argument("--root", required=True, help="repository root (profiles/, fixtures/)")
    ARGS, rest = parser.parse_known_args()
    ARGS.bin, ARGS.root = os.path.abspath(ARGS.bin), os.path.abspath(ARGS.root)
    unittest.main(argv=[sys.argv[0], "-v", *rest])


if __name__ == "__main__":
    main()
