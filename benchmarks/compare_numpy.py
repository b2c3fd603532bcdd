#!/usr/bin/python3
"""Whole-process comparison of the bench CLI with a plain numpy/scipy implementation of the same work.

Run with the Debian python (numpy and scipy from python3-numpy / python3-scipy):

    /usr/bin/python3 benchmarks/compare_numpy.py [--bench build/bin/bench] [--workdir DIR] [--repeats 3]

It writes the inputs (a 10 s, 192 kHz, 2-channel sweep made by `bench generate sweep`, a capture of it
delayed and with a little noise and distortion added here, and a 2^20-sample 997 Hz tone capture),
then times whole processes, each started afresh and measured by wall time (best of --repeats) and
peak resident memory (GNU time's %M, the largest of the runs):

    ours:  bench analyze sweep --stimulus S --capture C --json out.json
           bench analyze sine --capture T --json out.json
    numpy: /usr/bin/python3 compare_numpy.py --numpy-worker sweep S C out.json
           /usr/bin/python3 compare_numpy.py --numpy-worker sine T out.json

The numpy worker is a real implementation: sweep deconvolution by zero-padded FFT division with
band-limited regularisation, impulse peak, linear response on a 48-points-per-octave log grid and
harmonic windows H2..H9; and a four-parameter least-squares sine fit (Gauss-Newton), residual,
7-term Blackman-Harris power spectrum and THD+N in 20 Hz - 20 kHz. Both results are cross-checked.

Our target is a whole-process time at least 4x below numpy's; that is reported, not enforced. The
exit status is non-zero only when a process fails or the two implementations disagree.
"""

import argparse
import json
import math
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import warnings

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PYTHON = "/usr/bin/python3"
SPEED_TARGET = 4.0

# 7-term Blackman-Harris (Albrecht 2001), the same window as bench::dsp::blackman_harris7.
BH7 = (0.27105140069342, 0.43329793923448, 0.21812299954311, 0.06592544638803,
       0.01081174209837, 0.00077658482522, 0.00001388721735)


# ----------------------------------------------------------------------------------------------------
# numpy/scipy reference implementation (runs in its own process: --numpy-worker)
# ----------------------------------------------------------------------------------------------------

def _read_wav(path):
    import numpy as np
    from scipy.io import wavfile
    with warnings.catch_warnings():  # libsndfile adds a PEAK chunk scipy does not know
        warnings.simplefilter("ignore", wavfile.WavFileWarning)
        fs, data = wavfile.read(path)
    data = np.asarray(data, dtype=np.float64)
    if data.ndim == 1:
        data = data[:, None]
    return float(fs), data


def _band_weight(f, f1, f2, nyquist):
    """Inverse-filter weight: 1 in [f1, f2], raised-cosine tapers (log frequency) an octave below f1 and
    half an octave above f2 (or at Nyquist)."""
    import numpy as np
    w = np.zeros_like(f)
    w[(f >= f1) & (f <= f2)] = 1.0
    lo = f1 / 2
    m = (f > lo) & (f < f1)
    w[m] = 0.5 - 0.5 * np.cos(np.pi * np.log2(f[m] / lo))
    top = min(f2 * math.sqrt(2.0), nyquist)
    if top <= f2:
        w[f > f2] = 1.0
    else:
        m = (f > f2) & (f < top)
        w[m] = 0.5 + 0.5 * np.cos(np.pi * np.log2(f[m] / f2) / math.log2(top / f2))
    return w


def _segment(h, reference, before, after, fs, taper):
    """Tukey-windowed stretch of the circular response around `reference`, its spectrum with the time
    reference moved there; returns (bins, bin_hz)."""
    import numpy as np
    import scipy.fft as sf
    n = h.size
    centre = int(round(reference))
    length = before + after
    w = np.ones(length)
    rise, fall = int(taper * before), int(taper * after)
    if rise:
        w[:rise] = 0.5 - 0.5 * np.cos(np.pi * (np.arange(rise) + 0.5) / rise)
    if fall:
        w[length - fall:] *= (0.5 - 0.5 * np.cos(np.pi * (np.arange(fall) + 0.5) / fall))[::-1]
    seg = h[(centre - before + np.arange(length)) % n] * w
    size = sf.next_fast_len(4 * length, real=True)
    bins = sf.rfft(seg, size)
    offset = (centre - before) - reference
    bins *= np.exp(-2j * np.pi * np.arange(bins.size) * offset / size)
    return bins, fs / size


def _at(bins, bin_hz, f):
    import numpy as np
    x = np.asarray(f) / bin_hz
    k = np.arange(bins.size)
    return np.interp(x, k, bins.real) + 1j * np.interp(x, k, bins.imag)


def numpy_sweep(stimulus_path, capture_path, out_path, ppo=48, max_harmonic=9):
    import numpy as np
    import scipy.fft as sf
    fs, stim = _read_wav(stimulus_path)
    fs_c, cap = _read_wav(capture_path)
    if fs != fs_c:
        raise SystemExit("sample rates differ")
    with open(stimulus_path + ".json") as f:
        side = json.load(f)
    f1, f2, rate_l = side["f1_hz"], side["f2_hz"], side["rate_l_s"]
    ns, nc = stim.shape[0], cap.shape[0]
    n = sf.next_fast_len(ns + nc, real=True)
    freqs = np.arange(n // 2 + 1) * (fs / n)
    weight = _band_weight(freqs, f1, f2, fs / 2)
    l_samples = rate_l * fs
    octaves = math.log2(f2 / f1)
    grid = f1 * 2.0 ** (np.arange(int(math.floor(octaves * ppo + 1e-9)) + 1) / ppo)
    if f2 / grid[-1] > 1 + 1e-9:
        grid = np.append(grid, f2)

    inverse, inverse_of = None, None
    channels = []
    for c in range(cap.shape[1]):
        sc = c if stim.shape[1] == cap.shape[1] else 0
        if inverse is None or (sc != inverse_of and not np.array_equal(stim[:, sc], stim[:, inverse_of])):
            x = sf.rfft(stim[:, sc], n)
            power = x.real ** 2 + x.imag ** 2
            in_band = (freqs >= f1) & (freqs <= f2)
            inverse = weight * np.conj(x) / (power + 1e-14 * power[in_band].max())
            inverse_of = sc
            del x, power
        h = sf.irfft(sf.rfft(cap[:, c], n) * inverse, n)

        i = int(np.argmax(np.abs(h[:nc])))
        y0, y1, y2 = h[(i - 1) % n], h[i], h[(i + 1) % n]
        den = y0 - 2 * y1 + y2
        delta = 0.0 if den == 0 else float(np.clip(0.5 * (y0 - y2) / den, -0.5, 0.5))
        latency = i + delta
        peak_value = y1 - 0.25 * (y0 - y2) * delta

        reach = l_samples * math.log(max_harmonic + 1.0)
        empty_start = latency + max(l_samples * math.log(2.0), 0.1 * fs)
        empty_end = latency + n - reach
        if empty_end - empty_start > 64:
            quarter = (empty_end - empty_start) / 4
            idx = (int(empty_start + quarter) + np.arange(int(2 * quarter))) % n
            rms = math.sqrt(float(np.mean(h[idx] ** 2)))
            peak_to_noise = 20 * math.log10(abs(peak_value) / rms) if rms > 0 else 400.0
        else:
            peak_to_noise = 400.0

        gap = l_samples * math.log(2.0)
        before = max(16, int(gap / 2))
        room_after = n - reach - 2.0 * before
        after = max(16, int(min(max(gap / 2, 0.1 * fs), room_after)))
        bins, bin_hz = _segment(h, latency, before, after, fs, 0.25)
        linear = _at(bins, bin_hz, grid)
        linear_mag = np.abs(linear)

        harmonics = []
        valid_top = min(f2, 0.95 * fs / 2)
        for order in range(2, max_harmonic + 1):
            centre = latency - l_samples * math.log(order)
            left = int(l_samples * math.log((order + 1.0) / order) / 2)
            right = int(l_samples * math.log(order / (order - 1.0)) / 2)
            if left < 8 or right < 8:
                break
            hb, hbin = _segment(h, centre, left, right, fs, 0.5)
            keep = order * grid < valid_top
            if not keep.any():
                break
            level = 20 * np.log10(np.abs(_at(hb, hbin, order * grid[keep])) / linear_mag[keep])
            harmonics.append({"order": order, "frequency_hz": grid[keep].tolist(), "level_db": level.tolist()})
        channels.append({
            "channel": c,
            "latency_samples": latency,
            "polarity": "inverted" if peak_value < 0 else "normal",
            "impulse_peak_to_noise_db": peak_to_noise,
            "frequency_response": {"frequency_hz": grid.tolist(),
                                   "magnitude_db": (20 * np.log10(linear_mag)).tolist(),
                                   "phase_deg": np.degrees(np.angle(linear)).tolist()},
            "harmonics": harmonics,
        })
        del h
    with open(out_path, "w") as f:
        json.dump({"kind": "sweep", "implementation": "numpy", "channels": channels}, f)


def numpy_sine(capture_path, out_path, band=(20.0, 20000.0), max_harmonic=10):
    import numpy as np
    import scipy.fft as sf
    fs, data = _read_wav(capture_path)
    channels = []
    for c in range(data.shape[1]):
        x = data[:, c]
        n = x.size
        t = np.arange(n) - (n - 1) / 2.0  # centred time keeps the normal equations well conditioned

        # Initial frequency: strongest bin of a Hann-windowed spectrum, log-parabolic interpolation.
        hann = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(n) / n)
        mag = np.abs(sf.rfft((x - x.mean()) * hann))
        k = 2 + int(np.argmax(mag[2:-2]))
        a, b, cc = np.log(mag[k - 1:k + 2] + 1e-300)
        den = a - 2 * b + cc
        w = 2 * np.pi * (k + (0.0 if den == 0 else float(np.clip(0.5 * (a - cc) / den, -0.5, 0.5)))) / n

        # Four-parameter least-squares fit (IEEE 1241): three-parameter fit, then Gauss-Newton in w.
        def three(w_):
            cw, sw = np.cos(w_ * t), np.sin(w_ * t)
            m = np.stack([cw, sw, np.ones(n)])
            return np.linalg.solve(m @ m.T, m @ x), cw, sw
        (pa, pb, dc), cw, sw = three(w)
        for _ in range(10):
            d = t * (pb * cw - pa * sw)
            m = np.stack([cw, sw, np.ones(n), d])
            pa, pb, dc, step = np.linalg.solve(m @ m.T, m @ x)
            w += step
            cw, sw = np.cos(w * t), np.sin(w * t)
            if abs(step) * n < 1e-9:
                break
        (pa, pb, dc), cw, sw = three(w)
        amplitude = math.hypot(pa, pb)
        residual = x - (pa * cw + pb * sw + dc)

        # Residual power spectrum under the 7-term Blackman-Harris window, noise bandwidth corrected.
        phase = 2 * np.pi * np.arange(n) / n
        win = sum(((-1) ** i) * coef * np.cos(i * phase) for i, coef in enumerate(BH7))
        size = sf.next_fast_len(n, real=True)
        spec = sf.rfft(residual * win, size)
        power = (spec.real ** 2 + spec.imag ** 2) * (2.0 / (size * float(np.dot(win, win))))
        power[0] *= 0.5
        if size % 2 == 0:
            power[-1] *= 0.5
        bin_hz = fs / size

        def band_power(lo, hi):
            return float(power[max(0, math.ceil(lo / bin_hz)):min(power.size - 1, math.floor(hi / bin_hz)) + 1].sum())

        def tone_power(f):
            return band_power(f - 8 * bin_hz, f + 8 * bin_hz)

        f0 = w * fs / (2 * np.pi)
        fundamental = amplitude ** 2 / 2
        residual_band = band_power(*band)
        signal_band = (fundamental if band[0] <= f0 <= band[1] else 0.0) + residual_band
        harmonics = []
        for order in range(2, max_harmonic + 1):
            if order * f0 > band[1] or order * f0 >= fs / 2:
                break
            harmonics.append({"order": order, "level_db": 10 * math.log10(tone_power(order * f0) / fundamental)})
        harmonic_power = sum(fundamental * 10 ** (h["level_db"] / 10) for h in harmonics)
        channels.append({
            "channel": c,
            "fundamental_hz": f0,
            "fundamental_dbfs": 20 * math.log10(amplitude),
            "dc_offset_fs": float(dc),
            "thd_n_db": 10 * math.log10(residual_band / signal_band),
            "thd_db": 10 * math.log10(harmonic_power / fundamental),
            "harmonics": harmonics,
        })
    with open(out_path, "w") as f:
        json.dump({"kind": "sine", "implementation": "numpy", "channels": channels}, f)


# ----------------------------------------------------------------------------------------------------
# driver
# ----------------------------------------------------------------------------------------------------

GNU_TIME = "/usr/bin/time"


def run_timed(argv, repeats):
    """Runs argv `repeats` times as fresh processes; returns (best wall s, largest peak RSS MiB).

    The peak is the child's own, taken by GNU time (%M) when it is there: ru_maxrss of a child this
    driver starts would include this driver's resident set, which the child's image inherits until its
    exec (the driver holds the inputs in numpy: 150 MiB reported for a 60 MiB `bench analyze sine`).
    Without /usr/bin/time the wait4 figure is used."""
    best, peak = float("inf"), 0.0
    use_time = os.access(GNU_TIME, os.X_OK)
    for _ in range(repeats):
        with tempfile.NamedTemporaryFile(mode="r") as rss, tempfile.TemporaryFile() as err:
            full = [GNU_TIME, "-f", "%M", "-o", rss.name] + argv if use_time else argv
            start = time.perf_counter()
            proc = subprocess.run(full, stdout=subprocess.DEVNULL, stderr=err)
            wall = time.perf_counter() - start
            if proc.returncode != 0:
                err.seek(0)
                sys.stderr.write(err.read().decode(errors="replace"))
                raise RuntimeError(f"{' '.join(argv)} exited with {proc.returncode}")
            kib = float(rss.read().split()[-1]) if use_time else resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        best = min(best, wall)
        peak = max(peak, kib / 1024.0)  # KiB on Linux
    return best, peak


def quiet(*argv):
    """Runs a command, showing its output only when it fails."""
    r = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if r.returncode != 0:
        sys.stderr.write(r.stdout.decode(errors="replace"))
        raise RuntimeError(f"{' '.join(argv)} exited with {r.returncode}")


def make_inputs(bench, work):
    import numpy as np
    from scipy.io import wavfile
    stimulus = os.path.join(work, "sweep_stimulus.wav")
    quiet(bench, "generate", "sweep", "--f1", "20", "--f2", "20000", "--duration", "10", "--rate", "192000",
          "--channels", "2", "--out", stimulus)
    fs, stim = _read_wav(stimulus)
    rng = np.random.default_rng(1)
    tail = int(0.5 * fs)
    cap = np.zeros((stim.shape[0] + tail, 2))
    x = stim[:, 0]
    cap[100:100 + x.size, 0] = 0.5 * x + 0.002 * x * x  # -6 dB, H2 about -60 dB
    cap[103:103 + x.size, 1] = -0.7 * x                 # inverted, 3 samples later
    cap += rng.normal(0.0, 1e-5, cap.shape)
    capture = os.path.join(work, "sweep_capture.wav")
    wavfile.write(capture, int(fs), cap.astype(np.float32))  # float32 array: IEEE float WAV (format 3)

    clean = os.path.join(work, "tone_clean.wav")
    samples = 1 << 20
    quiet(bench, "generate", "sine", "--frequency", "997", "--level-dbfs", "-1", "--rate", "48000",
          "--duration", repr(samples / 48000), "--out", clean)
    fs_t, tone = _read_wav(clean)
    tone = tone[:, 0]
    if tone.size != samples:
        raise RuntimeError(f"{clean} has {tone.size} samples, expected {samples}")
    amp = 10 ** (-1 / 20)
    ph = 2 * np.pi * 997 * np.arange(samples) / fs_t
    tone = tone + amp * 10 ** (-90 / 20) * np.sin(2 * ph) + amp * 10 ** (-100 / 20) * np.sin(3 * ph + 1.0)
    tone += 2e-4 + rng.normal(0.0, 5e-6, samples)
    capture_tone = os.path.join(work, "tone_capture.wav")
    wavfile.write(capture_tone, int(fs_t), tone.astype(np.float32))
    return stimulus, capture, capture_tone


def cross_check(kind, ours_path, numpy_path):
    """Returns a list of (description, ok)."""
    with open(ours_path) as f:
        ours = json.load(f)["channels"]
    with open(numpy_path) as f:
        ref = json.load(f)["channels"]
    checks = []
    if len(ours) != len(ref):
        return [(f"{kind}: channel count {len(ours)} vs {len(ref)}", False)]
    for o, r in zip(ours, ref):
        c = o["channel"]
        if kind == "sweep":
            d = o["latency_samples"] - r["latency_samples"]
            checks.append((f"sweep ch{c} latency: ours {o['latency_samples']:.3f}, numpy {r['latency_samples']:.3f} "
                           f"samples (|diff| {abs(d):.3f} <= 1)", abs(d) <= 1))
            checks.append((f"sweep ch{c} polarity: ours {o['polarity']}, numpy {r['polarity']}", o["polarity"] == r["polarity"]))
            fo, fr = o["frequency_response"], r["frequency_response"]
            i = min(range(len(fo["frequency_hz"])), key=lambda k: abs(fo["frequency_hz"][k] - 1000))
            j = min(range(len(fr["frequency_hz"])), key=lambda k: abs(fr["frequency_hz"][k] - fo["frequency_hz"][i]))
            mo, mr = fo["magnitude_db"][i], fr["magnitude_db"][j]
            checks.append((f"sweep ch{c} gain at {fo['frequency_hz'][i]:.0f} Hz: ours {mo:.3f}, numpy {mr:.3f} dB "
                           f"(within 0.1 dB)", mo is not None and abs(mo - mr) <= 0.1))
            ho = next((h for h in o["harmonics"] if h["order"] == 2), None)
            hr = next((h for h in r["harmonics"] if h["order"] == 2), None)
            if c == 0 and ho and hr:
                i = min(range(len(ho["frequency_hz"])), key=lambda k: abs(ho["frequency_hz"][k] - 1000))
                lo, lr = ho["level_db"][i], hr["level_db"][i]
                checks.append((f"sweep ch{c} H2 at {ho['frequency_hz'][i]:.0f} Hz: ours {lo:.2f}, numpy {lr:.2f} dB "
                               f"(within 1 dB)", lo is not None and abs(lo - lr) <= 1))
        else:
            d = o["thd_n_db"] - r["thd_n_db"]
            checks.append((f"sine ch{c} THD+N: ours {o['thd_n_db']:.2f}, numpy {r['thd_n_db']:.2f} dB (within 1 dB)",
                           abs(d) <= 1))
            df = o["fundamental_hz"] - r["fundamental_hz"]
            checks.append((f"sine ch{c} fundamental: ours {o['fundamental_hz']:.6f}, numpy {r['fundamental_hz']:.6f} Hz "
                           f"(within 0.001 Hz)", abs(df) <= 1e-3))
    return checks


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--numpy-worker":
        kind, args = sys.argv[2], sys.argv[3:]
        if kind == "sweep" and len(args) == 3:
            numpy_sweep(*args)
        elif kind == "sine" and len(args) == 2:
            numpy_sine(*args)
        else:
            raise SystemExit("usage: compare_numpy.py --numpy-worker sweep STIMULUS CAPTURE OUT.json | sine CAPTURE OUT.json")
        return 0

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bench", default=os.path.join(REPO, "build", "bin", "bench"),
                    help="the bench CLI (default: build/bin/bench of this repository)")
    ap.add_argument("--workdir", help="directory for the WAV and JSON files (default: a temporary directory, removed)")
    ap.add_argument("--repeats", type=int, default=3, help="runs of each process; the best wall time counts")
    a = ap.parse_args()
    bench = os.path.abspath(a.bench)
    if not os.access(bench, os.X_OK):
        ap.error(f"--bench {a.bench}: not an executable; build it first (./bench.sh build)")
    work = a.workdir or tempfile.mkdtemp(prefix="bench-compare-")
    os.makedirs(work, exist_ok=True)
    try:
        return compare(bench, work, max(1, a.repeats))
    except RuntimeError as e:
        print(f"FAILED: {e}", file=sys.stderr)
        return 1
    finally:
        if not a.workdir:
            shutil.rmtree(work, ignore_errors=True)


def compare(bench, work, repeats):
    stimulus, capture, tone = make_inputs(bench, work)
    me = os.path.abspath(__file__)
    j = lambda name: os.path.join(work, name)
    tasks = [
        ("sweep 10 s 192 kHz 2 ch",
         [bench, "analyze", "sweep", "--stimulus", stimulus, "--capture", capture, "--json", j("sweep_ours.json")],
         [PYTHON, me, "--numpy-worker", "sweep", stimulus, capture, j("sweep_numpy.json")],
         "sweep", j("sweep_ours.json"), j("sweep_numpy.json")),
        ("sine THD+N 2^20 samples",
         [bench, "analyze", "sine", "--capture", tone, "--json", j("sine_ours.json")],
         [PYTHON, me, "--numpy-worker", "sine", tone, j("sine_numpy.json")],
         "sine", j("sine_ours.json"), j("sine_numpy.json")),
    ]
    rows, checks, failed = [], [], False
    for name, ours_argv, numpy_argv, kind, ours_json, numpy_json in tasks:
        try:
            ours = run_timed(ours_argv, repeats)
            ref = run_timed(numpy_argv, repeats)
        except RuntimeError as e:
            print(f"FAILED: {e}", file=sys.stderr)
            failed = True
            continue
        rows.append((name, ours, ref))
        checks += cross_check(kind, ours_json, numpy_json)

    # One table from this one run: the bench CLI and the numpy/scipy worker side by side, with the
    # speed ratio (numpy wall time over bench wall time; above 1 the bench is faster).
    print(f"Whole-process runs from one invocation: wall time best of {repeats}, peak RSS the largest "
          f"(GNU time %M); ratio = numpy wall / bench wall, target >= {SPEED_TARGET:g}x")
    cols = ("task", "bench wall s", "bench peak MiB", "numpy wall s", "numpy peak MiB", "ratio", "target")
    widths = (26, 12, 14, 12, 14, 8, 7)
    line = lambda cells: "  ".join(f"{c:<{w}}" if i == 0 else f"{c:>{w}}" for i, (c, w) in enumerate(zip(cells, widths)))
    print(line(cols))
    print(line(["-" * w for w in widths]))
    for name, (ot, om), (nt, nm) in rows:
        ratio = nt / ot
        print(line((name, f"{ot:.3f}", f"{om:.1f}", f"{nt:.3f}", f"{nm:.1f}", f"{ratio:.2f}x",
                    "met" if ratio >= SPEED_TARGET else "NOT met")))
    print("\nCross-check, ours vs numpy:")
    for text, ok in checks:
        print(f"  [{'ok' if ok else 'DISAGREE'}] {text}")
        failed |= not ok
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
