#!/usr/bin/python3
"""The live path's speed on this machine: the smallest JACK period at which 20 sweeps in a row run with
no xrun while the other core is busy, and the CPU time per second of audio.

    /usr/bin/python3 benchmarks/live_period.py [--bin build/bin] [--takes 20] [--periods 16,32,64,128,256,512]

For each period (smallest first) it starts a private `jackd -d dummy` (real-time scheduling where allowed,
as the live tests do), bench-dutsim as the device, a busy loop (a Python `while True`) on one core, and
build/bin/live_takes, which plays the same 1 s sweep --takes times through the bench's LiveAudio streams
and counts the takes an xrun spoiled. It also times a whole `bench run profiles/plans/live.toml
--backend rtaudio --fixture line_trs_to_amp_trs` at 256 frames: CPU time of the bench process (user +
system, analysis included) per second of audio it played.
Prints a table and one JSON line; exits non-zero only when something could not run.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "tests", "live"))
from jackbench import Dutsim, JackServer  # noqa: E402

PLAN = os.path.join(REPO, "profiles", "plans", "live.toml")


def busy_core():
    """A busy loop on one core, as the 'other core busy' condition."""
    cmd = [sys.executable, "-c", "while True: pass"]
    if os.path.exists("/usr/bin/taskset") and os.cpu_count() and os.cpu_count() > 1:
        cmd = ["/usr/bin/taskset", "-c", "1"] + cmd
    return subprocess.Popen(cmd)


def takes_at(bin_dir, period, takes):
    with JackServer(period=period, rate=48000) as server:
        with Dutsim(server, PLAN, "line_trs_to_amp_trs", os.path.join(bin_dir, "bench-dutsim"), name="dutsim"):
            burner = busy_core()
            try:
                r = subprocess.run([os.path.join(bin_dir, "live_takes"), "--device", "^dutsim$", "--takes", str(takes),
                                    "--period", str(period)], env=server.env, capture_output=True, text=True,
                                   timeout=60 + 3 * takes)
            finally:
                burner.kill()
                burner.wait()
    if r.returncode != 0:
        raise RuntimeError(f"live_takes at {period} frames failed: {r.stderr.strip()}")
    j = json.loads(r.stdout)
    j["realtime"] = server.realtime
    return j


def wav_seconds(path):
    """Duration of a WAV file from its fmt and data chunks (float or PCM, any channel count)."""
    with open(path, "rb") as f:
        data = f.read()
    pos, rate, block, frames = 12, None, None, None
    while pos + 8 <= len(data):
        tag, size = data[pos:pos + 4], int.from_bytes(data[pos + 4:pos + 8], "little")
        if tag == b"fmt ":
            rate = int.from_bytes(data[pos + 12:pos + 16], "little")
            block = int.from_bytes(data[pos + 20:pos + 22], "little")
        elif tag == b"data":
            frames = size // block
        pos += 8 + size + (size & 1)
    return frames / rate


def bench_run_cpu(bin_dir):
    with JackServer(period=256, rate=48000) as server:
        with Dutsim(server, PLAN, "line_trs_to_amp_trs", os.path.join(bin_dir, "bench-dutsim"), name="dutsim"):
            out = tempfile.mkdtemp(prefix="bench-live-period-")
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.monotonic()
            r = subprocess.run([os.path.join(bin_dir, "bench"), "-q", "run", PLAN, "--backend", "rtaudio", "--api", "jack",
                                "--interface-device", "^dutsim$", "--adc-device", "^dutsim$", "--fixture",
                                "line_trs_to_amp_trs", "--yes", "--out", os.path.join(out, "run")], env=server.env,
                               cwd=REPO, capture_output=True, text=True, timeout=300)
            wall = time.monotonic() - start
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if r.returncode not in (0, 1):
        raise RuntimeError(f"bench run failed: {r.stderr.strip()}")
    audio_s = 0.0
    captures = os.path.join(out, "run", "captures", "line_trs_to_amp_trs")
    for name in os.listdir(captures):
        if name.endswith(".wav.json"):
            continue
        if name.endswith(".wav"):
            audio_s += wav_seconds(os.path.join(captures, name))
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    subprocess.run(["rm", "-rf", out])
    return {"wall_s": wall, "audio_s": audio_s, "cpu_s": cpu, "cpu_s_per_audio_s": cpu / audio_s}


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--bin", default=os.path.join(REPO, "build", "bin"))
    p.add_argument("--takes", type=int, default=20)
    p.add_argument("--periods", default="16,32,64,128,256,512")
    a = p.parse_args()
    rows = []
    smallest = None
    for period in [int(x) for x in a.periods.split(",")]:
        j = takes_at(a.bin, period, a.takes)
        rows.append(j)
        print(f"period {period:5d} frames ({1000 * period / 48000:6.2f} ms): {j['spoiled']:2d} of {j['takes']} takes "
              f"spoiled, streaming CPU {100 * j['cpu_s_per_audio_s']:.2f} % of a core"
              f"{'' if j['realtime'] else ' (jackd without real-time scheduling)'}", flush=True)
        if smallest is None and j["spoiled"] == 0:
            smallest = period
    run = bench_run_cpu(a.bin)
    print(f"smallest period with {a.takes} clean sweeps in a row, other core busy: "
          f"{smallest if smallest else 'none of those tried'} frames")
    print(f"bench run (one configuration of live.toml, 256 frames): {run['cpu_s']:.2f} s CPU for {run['audio_s']:.1f} s "
          f"of audio = {run['cpu_s_per_audio_s']:.3f} s per s ({run['wall_s']:.1f} s wall)")
    print(json.dumps({"periods": rows, "smallest_clean_period_frames": smallest, "bench_run": run}))


if __name__ == "__main__":
    main()
