"""`make bench`: ours vs replicate 1.0.7 vs raw httpx, interleaved, in one run.

Each measurement runs in a fresh process (bench/worker.py) of the right venv; rounds alternate the
order of implementations (A B C, C B A, ...) so drift hits all of them alike. Prints a table with
min/median/max and whether each target is met, writes bench/RESULTS.md, bench/results.json and
docs/images/bench-chart.png (shown by docs/performance.md), and exits 0 whatever the numbers are.

Options: `--quick` (fewer rounds),
`--only overhead,import,cli,sse,concurrency,lag,memory,typed,batch,throttled`.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import datetime
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
CHART = ROOT / "docs" / "images" / "bench-chart.png"
PYTHONS = {
    "ours": Path(os.environ.get("BENCH_OURS_PYTHON", ROOT / ".venv/bin/python")),
    "raw": Path(os.environ.get("BENCH_OURS_PYTHON", ROOT / ".venv/bin/python")),
    "aiohttp": Path(os.environ.get("BENCH_OURS_PYTHON", ROOT / ".venv/bin/python")),
    "raw_aiohttp": Path(os.environ.get("BENCH_OURS_PYTHON", ROOT / ".venv/bin/python")),
    "v1": Path(os.environ.get("BENCH_V1_PYTHON", BENCH / ".venvs/v1/bin/python")),
    "parser": Path(os.environ.get("BENCH_OURS_PYTHON", ROOT / ".venv/bin/python")),
}
LABELS = {
    "ours": "ours", "v1": "replicate 1.0.7", "raw": "raw httpx", "parser": "ours (parser only)",
    "v1_httpx": "httpx in the 1.0.7 venv", "aiohttp": "ours with AiohttpTransport",
    "raw_aiohttp": "raw aiohttp",
}
MIB = 1024 * 1024
TWO_CORES = (os.cpu_count() or 1) >= 2 and shutil.which("taskset") is not None
# The client under test gets core 0, servers (emulator, file host) core 1.
CLIENT_CPU, SERVER_CPU = "0", "1"
# Subprocesses start in an empty directory so `python -c "import replicate"` cannot pick up a
# package from the working directory (it would shadow the venv's).
EMPTY_CWD = tempfile.mkdtemp(prefix="replicate-bench-")
atexit.register(shutil.rmtree, EMPTY_CWD, True)


def pinned(cpu: str, argv: list[str]) -> list[str]:
    return ["taskset", "-c", cpu, *argv] if TWO_CORES else argv


# --------------------------------------------------------------------------------------------
# running measurements


def run_worker(bench: str, impl: str, timeout: float = 300, **kwargs: Any) -> dict[str, Any]:
    argv = pinned(CLIENT_CPU, [str(PYTHONS[impl]), str(BENCH / "worker.py"), bench, impl,
                               json.dumps(kwargs)])
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout,
                              cwd=EMPTY_CWD)
    except subprocess.TimeoutExpired:
        return {"status": "error", "reason": f"worker timed out after {timeout:.0f}s"}
    lines = done.stdout.strip().splitlines()
    if not lines:
        return {"status": "error", "reason": done.stderr.strip()[-500:] or "worker printed nothing"}
    return json.loads(lines[-1])


def interleaved(rounds: int, impls: list[str], measure: Callable[[str], dict[str, Any]]
                ) -> dict[str, list[dict[str, Any]]]:
    results: dict[str, list[dict[str, Any]]] = {impl: [] for impl in impls}
    for r in range(rounds):
        order = impls if r % 2 == 0 else impls[::-1]
        for impl in order:
            if results[impl] and results[impl][-1]["status"] == "unavailable":
                continue  # it will not appear mid-run
            results[impl].append(measure(impl))
    return results


@contextlib.contextmanager
def server(argv: list[str], pattern: str, timeout: float = 30) -> Iterator[str | None]:
    """Start a server process on the server core; yield the URL it prints (None if it fails).

    Its output goes to a file, never to an undrained pipe that could fill up and stall it.
    """
    with tempfile.TemporaryFile("w+") as log:
        process = subprocess.Popen(pinned(SERVER_CPU, argv), stdout=log, stderr=subprocess.STDOUT,
                                   text=True, cwd=EMPTY_CWD)
        url = None
        deadline = time.monotonic() + timeout
        while url is None and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.05)
            log.seek(0)
            if match := re.search(pattern, log.read()):
                url = match.group(1)
        try:
            yield url
        finally:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def emulator(*extra: str) -> contextlib.AbstractContextManager[str | None]:
    return server([str(PYTHONS["ours"]), "-m", "replicate.emulator", "--port", "0", *extra],
                  r"listening on (http://\S+)")


def with_emulator(measure: Callable[[str, str], dict[str, Any]]) -> Callable[[str], dict[str, Any]]:
    """A fresh emulator for every measurement, so one run's leftovers never slow the next."""

    def run(impl: str) -> dict[str, Any]:
        with emulator() as url:
            if url is None:
                return {"status": "unavailable", "reason": "the emulator did not start"}
            return measure(impl, url)

    return run


# --------------------------------------------------------------------------------------------
# results


@dataclass
class Row:
    name: str
    unit: str
    samples: dict[str, list[float]]
    target: str
    met: bool | None  # None: cannot tell (something unavailable)
    notes: list[str] = field(default_factory=list)
    higher_is_better: bool = False

    def cell(self, impl: str) -> str:
        values = self.samples.get(impl)
        if not values:
            return "n/a"
        if len(values) == 1:
            return fmt(values[0])
        return f"{fmt(statistics.median(values))} ({fmt(min(values))}-{fmt(max(values))})"


def fmt(value: float) -> str:
    if value == 0:
        return "0"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.3g}" if abs(value) < 1 else f"{value:.2f}"


def median(values: list[float] | None) -> float | None:
    return statistics.median(values) if values else None


def ok_values(results: list[dict[str, Any]], key: str) -> list[float]:
    return [r[key] for r in results if r["status"] == "ok"]


def problems(results: dict[str, list[dict[str, Any]]]) -> list[str]:
    notes = []
    for impl, runs in results.items():
        bad = [r for r in runs if r["status"] != "ok"]
        if bad:
            notes.append(f"{LABELS[impl]}: {bad[-1]['status']}: {bad[-1]['reason']}"[:300])
    return notes


def pairwise_ratio(a: list[dict[str, Any]], b: list[dict[str, Any]], key: str) -> list[float]:
    return [x[key] / y[key] for x, y in zip(a, b, strict=False)
            if x["status"] == "ok" and y["status"] == "ok"]


# --------------------------------------------------------------------------------------------
# the six benchmarks


def overhead(rounds: int) -> list[Row]:
    results = interleaved(rounds, ["ours", "v1", "raw"],
                          lambda impl: run_worker("overhead", impl))
    ratios = pairwise_ratio(results["ours"], results["raw"], "us_per_call")
    samples = {impl: ok_values(runs, "us_per_call") for impl, runs in results.items()}
    v1_ratios = pairwise_ratio(results["v1"], results["raw"], "us_per_call")
    ratio = median(ratios)
    return [
        Row("1. predictions.get overhead (MockTransport)", "µs/call", samples, "—", None,
            problems(results)),
        Row("1. overhead ratio vs raw httpx + json.loads", "x",
            {"ours": ratios, "v1": v1_ratios, "raw": [1.0] if ratios else []},
            "ours/raw ≤ 1.15", None if ratio is None else ratio <= 1.15),
    ]


IMPORT_SNIPPET = ("import time; t = time.perf_counter(); import {module}; "
                  "print(time.perf_counter() - t)")


def import_time(python: Path, module: str) -> dict[str, Any]:
    argv = [str(python), "-c", IMPORT_SNIPPET.format(module=module)]
    done = subprocess.run(pinned(CLIENT_CPU, argv), capture_output=True, text=True,
                          cwd=EMPTY_CWD)
    if done.returncode != 0:
        return {"status": "unavailable", "reason": done.stderr.strip().splitlines()[-1]}
    return {"status": "ok", "ms": float(done.stdout.strip()) * 1000}


def top_imports(python: Path, module: str, count: int = 8) -> list[str]:
    """The slowest imports by cumulative time, from `python -X importtime`."""
    done = subprocess.run([str(python), "-X", "importtime", "-c", f"import {module}"],
                          capture_output=True, text=True, cwd=EMPTY_CWD)
    rows = []
    for line in done.stderr.splitlines():
        parts = line.split("|")
        if len(parts) == 3 and parts[1].strip().isdigit():
            rows.append((int(parts[1]), parts[2].rstrip()))
    rows.sort(reverse=True)
    return [f"{us / 1000:6.1f} ms {name}" for us, name in rows[:count]]


def imports(rounds: int) -> list[Row]:
    subjects = {
        "ours": (PYTHONS["ours"], "replicate"),
        "raw": (PYTHONS["ours"], "httpx"),
        "v1": (PYTHONS["v1"], "replicate"),
        # 1.x's ratio is against httpx in its own venv (httpx imports click/pygments if present).
        "v1_httpx": (PYTHONS["v1"], "httpx"),
    }
    for python, module in subjects.values():  # warm the .pyc caches
        import_time(python, module)
    # `import replicate` alone proves nothing until the package has its client.
    first_use = import_time(PYTHONS["ours"], "replicate; replicate.Client")

    def measure(impl: str) -> dict[str, Any]:
        if impl == "ours" and first_use["status"] != "ok":
            return {"status": "unavailable", "reason": "replicate.Client does not exist yet"}
        return import_time(*subjects[impl])

    results = interleaved(rounds, list(subjects), measure)
    samples = {impl: ok_values(runs, "ms") for impl, runs in results.items()}
    notes = [f"import httpx in the 1.0.7 venv: {fmt(statistics.median(samples['v1_httpx']))} ms"
             ] if samples["v1_httpx"] else []
    ratios = pairwise_ratio(results["ours"], results["raw"], "ms")
    ratio = median(ratios)
    notes += problems(results)
    if samples["ours"]:
        with_client = [import_time(PYTHONS["ours"], "replicate; replicate.Client")
                       for _ in range(5)]
        notes.append("ours, `import replicate; replicate.Client` (first use of lazy parts): "
                     f"{fmt(statistics.median(ok_values(with_client, 'ms')))} ms")
        notes.append("slowest imports of ours (cumulative, -X importtime): "
                     + "; ".join(s.strip() for s in top_imports(PYTHONS["ours"], "replicate", 5)))
    return [
        Row("2. import time (`raw` column: import httpx)", "ms", samples, "—", None, notes),
        Row("2. import ratio vs import httpx", "x",
            {"ours": ratios, "v1": pairwise_ratio(results["v1"], results["v1_httpx"], "ms")},
            "≤ 1.3", None if ratio is None else ratio <= 1.3),
    ]


def cli_help_time(python: Path) -> dict[str, Any]:
    """Wall time of `replicate --help` (as the console script runs it), interpreter included."""
    argv = pinned(CLIENT_CPU, [str(python), "-m", "replicate", "--help"])
    started = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True, cwd=EMPTY_CWD)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        return {"status": "unavailable", "reason": (done.stderr.strip().splitlines() or ["?"])[-1]}
    return {"status": "ok", "ms": elapsed * 1000}


def cli(rounds: int) -> list[Row]:
    cli_help_time(PYTHONS["ours"])  # warm the .pyc caches
    results = {"ours": [cli_help_time(PYTHONS["ours"]) for _ in range(rounds)]}
    samples = {"ours": ok_values(results["ours"], "ms")}
    typical = median(samples["ours"])
    notes = problems(results)
    if samples["ours"]:
        notes.append("slowest imports of `replicate --help` (cumulative, -X importtime): "
                     + "; ".join(s.strip() for s in top_imports(
                         PYTHONS["ours"], "replicate.cli.app", 5)))
    return [Row("2b. `replicate --help` start-up (1.x has no command line)", "ms", samples,
                "< 200 ms", None if typical is None else typical < 200, notes)]


def sse(rounds: int) -> list[Row]:
    results = interleaved(rounds, ["ours", "v1", "parser"], lambda impl: run_worker("sse", impl))
    samples = {impl: ok_values(runs, "events_per_s") for impl, runs in results.items()}
    ratios = pairwise_ratio(results["ours"], results["v1"], "events_per_s")
    ratio = median(ratios)
    return [
        Row("3. SSE throughput, 50k events in 4 KiB chunks (`raw` column: our parser alone)",
            "events/s", {"ours": samples["ours"], "v1": samples["v1"], "raw": samples["parser"]},
            "—", None, problems(results), higher_is_better=True),
        Row("3. SSE throughput ratio vs 1.0.7", "x", {"ours": ratios}, "≥ 5",
            None if ratio is None else ratio >= 5, higher_is_better=True),
    ]


def concurrency(rounds: int, n: int) -> list[Row]:
    measure = with_emulator(lambda impl, url: run_worker("concurrency", impl, base_url=url, n=n))
    results = interleaved(rounds, ["ours", "aiohttp", "v1", "raw", "raw_aiohttp"], measure)
    cpu = {impl: ok_values(runs, "cpu_ms_per_run") for impl, runs in results.items()}
    raw_aiohttp = results.pop("raw_aiohttp")
    ratio_rows = versus_raw_aiohttp(n, results["ours"], results["aiohttp"], raw_aiohttp, cpu)
    walls = {impl: ok_values(runs, "wall_s") for impl, runs in results.items()}
    errors = {impl: ok_values(runs, "errors") for impl, runs in results.items()}
    notes = problems(results)
    for impl, runs in results.items():
        kinds: dict[str, int] = {}
        for r in runs:
            for kind, count in (r.get("error_kinds") or {}).items():
                kinds[kind] = kinds.get(kind, 0) + count
        if kinds:
            notes.append(f"{LABELS[impl]} errors over all rounds: {kinds}")

    def met(impl: str) -> bool | None:
        wall, errs = median(walls[impl]), errors[impl]
        return None if wall is None else (wall <= 1.5 and max(errs) == 0)

    ours_met, aiohttp_met = met("ours"), met("aiohttp")
    aiohttp_walls, aiohttp_errors = walls.pop("aiohttp"), errors.pop("aiohttp")
    errs = errors["ours"]
    return [
        Row(f"4. {n} concurrent async_run of a 0.5 s model: wall time", "s", walls,
            "≤ 1.5 s and 0 errors", ours_met, notes),
        Row(f"4. {n} concurrent async_run: errors", "errors", errors, "0",
            None if not errs else max(errs) == 0),
        # The optional extra, in the "ours" column: Client(transport=AiohttpTransport()).
        Row(f"4. {n} concurrent async_run, ours with replicate[aiohttp]: wall time", "s",
            {"ours": aiohttp_walls}, "≤ 1.5 s and 0 errors", aiohttp_met),
        Row(f"4. {n} concurrent async_run, ours with replicate[aiohttp]: errors", "errors",
            {"ours": aiohttp_errors}, "0",
            None if not aiohttp_errors else max(aiohttp_errors) == 0),
        *ratio_rows,
    ]


def versus_raw_aiohttp(n: int, ours: list[dict[str, Any]], aiohttp: list[dict[str, Any]],
                       raw: list[dict[str, Any]], cpu: dict[str, list[float]]) -> list[Row]:
    """Wall-time ratios against a bare aiohttp loop doing the same requests, and client CPU."""
    default_ratio = pairwise_ratio(ours, raw, "wall_s")
    aiohttp_ratio = pairwise_ratio(aiohttp, raw, "wall_s")
    raw_walls = ok_values(raw, "wall_s")
    notes = [f"raw aiohttp loop: {fmt(median(raw_walls) or 0)} s"] if raw_walls else []

    def within(ratios: list[float], bound: float) -> bool | None:
        value = median(ratios)
        return None if value is None else value <= bound

    return [
        Row(f"4. {n} concurrent async_run vs raw aiohttp loop, default transport", "x",
            {"ours": default_ratio}, "≤ 2", within(default_ratio, 2.0), notes),
        Row(f"4. {n} concurrent async_run vs raw aiohttp loop, AiohttpTransport", "x",
            {"ours": aiohttp_ratio}, "≤ 1.25", within(aiohttp_ratio, 1.25)),
        Row(f"4. {n} concurrent async_run: client CPU per run (`raw`: raw aiohttp)", "ms",
            {"ours": cpu["ours"], "v1": cpu["v1"], "raw": cpu["raw_aiohttp"]}, "—", None),
        Row(f"4. {n} concurrent async_run: client CPU per run, AiohttpTransport", "ms",
            {"ours": cpu["aiohttp"]}, "—", None),
    ]


def batch(rounds: int, n: int, per_second: int, burst: int) -> list[Row]:
    """A batch through the emulator's rate-limit mode: time against what the limit allows."""

    def measure(impl: str) -> dict[str, Any]:
        limit = ["--rate-limit", f"{per_second}/s", "--rate-burst", str(burst),
                 "--exact-retry-after", "--no-record"]
        with emulator(*limit) as url:
            if url is None:
                return {"status": "unavailable", "reason": "the emulator did not start"}
            return run_worker("batch", impl, base_url=url, n=n, per_second=per_second,
                              server_burst=burst)

    results = interleaved(rounds, ["ours"], measure)
    ratios = ok_values(results["ours"], "ratio")
    peaks = ok_values(results["ours"], "peak_mib")
    failed = ok_values(results["ours"], "failed")
    ratio = median(ratios)
    return [
        Row(f"7. batch of {n} at {per_second}/s (burst {burst}): time / time the limit allows",
            "x", {"ours": ratios}, "≤ 1.05 and 0 failed",
            None if ratio is None else ratio <= 1.05 and max(failed) == 0, problems(results)),
        Row(f"7. batch of {n}: peak memory (RSS)", "MiB", {"ours": peaks}, "< 200",
            None if not peaks else max(peaks) < 200),
        Row(f"7. batch of {n}: client CPU per input", "ms",
            {"ours": ok_values(results["ours"], "cpu_ms_per_input")}, "—", None),
    ]


def throttled(rounds: int, n: int, per_minute: int, burst: int) -> list[Row]:
    """Plain runs started at once past the create limit, as the API answers it (whole
    seconds of Retry-After): how many fail, and how long the rest take."""

    def measure(impl: str) -> dict[str, Any]:
        limit = ["--rate-limit", f"{per_minute}/min", "--rate-burst", str(burst), "--no-record"]
        with emulator(*limit) as url:
            if url is None:
                return {"status": "unavailable", "reason": "the emulator did not start"}
            return run_worker("throttled", impl, base_url=url, n=n, per_minute=per_minute,
                              server_burst=burst)

    results = interleaved(rounds, ["ours", "v1"], measure)
    failed = {impl: ok_values(runs, "failed") for impl, runs in results.items()}
    return [
        Row(f"7b. {n} concurrent async_run past the create limit ({per_minute}/min, burst "
            f"{burst}): runs failed", "runs", failed, "0",
            None if not failed["ours"] else max(failed["ours"]) == 0, problems(results)),
        Row(f"7b. {n} concurrent async_run past the limit: time / time the limit allows", "x",
            {"ours": ok_values(results["ours"], "ratio")}, "—", None),
    ]


def lag(rounds: int) -> list[Row]:
    measure = with_emulator(lambda impl, url: run_worker("lag", impl, base_url=url))
    results = interleaved(rounds, ["ours", "v1"], measure)
    lags = {impl: [x for r in runs if r["status"] == "ok" for x in r["lags_ms"]]
            for impl, runs in results.items()}
    rates = {impl: ok_values(runs, "req_per_s_per_prediction") for impl, runs in results.items()}
    lag_median, rate = median(lags["ours"]), median(rates["ours"])
    return [
        Row("5. prediction.wait() completion lag (16 concurrent waits per round)", "ms", lags,
            "median ≤ 50 ms", None if lag_median is None else lag_median <= 50, problems(results)),
        Row("5. requests/s per waiting prediction", "req/s", rates, "≤ 2",
            None if rate is None else rate <= 2),
    ]


def memory(rounds: int, size: int) -> list[Row]:
    with tempfile.TemporaryDirectory(prefix="replicate-bench-") as tmp:
        big = Path(tmp) / "input.bin"
        with open(big, "wb") as f:
            block = os.urandom(MIB)
            for _ in range(size // MIB):
                f.write(block)
        with emulator() as url:
            if url is None:
                upload = {impl: [{"status": "unavailable", "reason": "the emulator did not start"}]
                          for impl in ("ours", "v1", "raw")}
            else:
                upload = interleaved(rounds, ["ours", "v1", "raw"], lambda impl: run_worker(
                    "upload_memory", impl, base_url=url, path=str(big)))
    file_host = [sys.executable, str(BENCH / "fileserver.py")]
    with server(file_host, r"listening on (http://\S+)") as host:
        download = interleaved(rounds, ["ours", "v1", "raw"], lambda impl: run_worker(
            "download_memory", impl, url=f"{host}/bytes/{size}") if host else
            {"status": "error", "reason": "the file host did not start"})
        # Served as JSON with stacked compression: must still stream in bounded chunks.
        encoded = interleaved(rounds, ["ours", "v1", "raw"], lambda impl: run_worker(
            "download_memory", impl, url=f"{host}/bytes/{size}?encoding=gzip,gzip&type=json")
            if host else {"status": "error", "reason": "the file host did not start"})
    up = {impl: ok_values(runs, "peak_above_baseline_mib") for impl, runs in upload.items()}
    down = {impl: ok_values(runs, "peak_above_baseline_mib") for impl, runs in download.items()}
    down_encoded = {
        impl: ok_values(runs, "peak_above_baseline_mib") for impl, runs in encoded.items()}
    notes_up = problems(upload) + [
        f"{LABELS[i]}: {fmt(size / MIB / statistics.median(ok_values(runs, 'seconds')))} MiB/s"
        for i, runs in upload.items() if ok_values(runs, "seconds")]
    notes_down = problems(download) + [
        f"{LABELS[i]}: {fmt(size / MIB / statistics.median(ok_values(runs, 'seconds')))} MiB/s"
        for i, runs in download.items() if ok_values(runs, "seconds")]
    return [
        Row(f"6. peak memory sending a {size // MIB} MiB file input (a Path in predictions.create)",
            "MiB", up,
            "< 16 MiB", None if not up["ours"] else max(up["ours"]) < 16, notes_up),
        Row(f"6. peak memory reading a {size // MIB} MiB FileOutput in chunks", "MiB", down,
            "< 16 MiB", None if not down["ours"] else max(down["ours"]) < 16, notes_down),
        Row(f"6. peak memory reading a {size // MIB} MiB FileOutput served as application/json "
            "with Content-Encoding: gzip, gzip", "MiB", down_encoded, "< 16 MiB",
            None if not down_encoded["ours"] else max(down_encoded["ours"]) < 16,
            problems(encoded)),
    ]


# --------------------------------------------------------------------------------------------
# report


def typed_check(rounds: int) -> list[Row]:
    """Input checking of replicate.use() and generated modules (ours only: 1.x has none)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from typed_check import measure

    samples = [measure(5_000) for _ in range(rounds)]
    return [Row("8. typed: check_inputs, ten-input model", "µs/call", {"ours": samples},
                "≤ 50 µs", median(samples) is not None and statistics.median(samples) <= 50)]


def machine() -> dict[str, str]:
    cpu = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem = "unknown"
    with contextlib.suppress(OSError, IndexError):
        mem = f"{int(Path('/proc/meminfo').read_text().split()[1]) / MIB:.0f} GiB"
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                            cwd=ROOT).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                           capture_output=True, text=True, cwd=ROOT).stdout.strip()
    if commit and dirty:
        commit += " with uncommitted changes"
    versions = subprocess.run(
        [str(PYTHONS["ours"]), "-c",
         "import sys, httpx; print(sys.version.split()[0], httpx.__version__)"],
        capture_output=True, text=True).stdout.split()
    return {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{platform.system()} {platform.release()}, {cpu}, "
                   f"{os.cpu_count()} cores, {mem}",
        "python": versions[0] if versions else platform.python_version(),
        "httpx": versions[1] if len(versions) > 1 else "?",
        "commit": commit or "?",
        "pinning": "client on core 0, servers on core 1" if TWO_CORES else "no CPU pinning",
    }


def verdict(row: Row) -> str:
    return {True: "met", False: "NOT MET", None: "n/a"}[row.met] if row.target != "—" else ""


def table(rows: list[Row]) -> str:
    lines = [
        "| benchmark | unit | ours | replicate 1.0.7 | raw httpx | target | |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        lines.append(f"| {row.name} | {row.unit} | {row.cell('ours')} | {row.cell('v1')} | "
                     f"{row.cell('raw')} | {row.target} | {verdict(row)} |")
    return "\n".join(lines)


def write_results(rows: list[Row], info: dict[str, str], elapsed: float) -> None:
    notes = [f"- {re.split(r' [(]|:', row.name)[0]}: {note}" for row in rows for note in row.notes]
    changes = BENCH / "changes.md"
    parts = [
        "# Benchmark results",
        "",
        "Generated by `make bench` (bench/run.py); medians with (min-max) over interleaved rounds,",
        "every measurement in a fresh process. Lower is better except where the target says ≥.",
        "",
        *(f"- {key}: {value}" for key, value in info.items()),
        f"- run time: {elapsed:.0f} s",
        "",
        table(rows),
        "",
        "![benchmark chart](../docs/images/bench-chart.png)",
        "",
        "## Notes from this run",
        "",
        *(notes or ["- none"]),
        "",
    ]
    if changes.exists():
        parts += [changes.read_text().rstrip(), ""]
    (BENCH / "RESULTS.md").write_text("\n".join(parts))
    data = {"info": info, "rows": [row.__dict__ for row in rows]}
    (BENCH / "results.json").write_text(json.dumps(data, indent=1) + "\n")


def draw_chart() -> None:
    python = PYTHONS["v1"]
    done = subprocess.run([str(python), str(BENCH / "chart.py"), str(BENCH / "results.json"),
                           str(CHART)], capture_output=True, text=True)
    if done.returncode != 0:
        print("chart not drawn:", done.stderr.strip()[-300:])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer rounds, for a smoke run")
    parser.add_argument(
        "--only",
        default="overhead,import,cli,sse,concurrency,lag,memory,typed,batch,throttled",
    )
    args = parser.parse_args()
    quick = args.quick
    for impl in ("ours", "v1"):
        if not PYTHONS[impl].exists():
            print(f"missing {PYTHONS[impl]}: run `make bench`, which creates it")
            return 0
    benchmarks: dict[str, Callable[[], list[Row]]] = {
        "overhead": lambda: overhead(3 if quick else 9),
        "import": lambda: imports(5 if quick else 21),
        "cli": lambda: cli(5 if quick else 21),
        "sse": lambda: sse(2 if quick else 5),
        # Five rounds: the ratios sit near fixed bounds, and a round varies by about ±4%.
        "concurrency": lambda: concurrency(1 if quick else 5, 1000),
        "lag": lambda: lag(1 if quick else 3),
        "memory": lambda: memory(1 if quick else 2, 100 * MIB),
        "typed": lambda: typed_check(3 if quick else 9),
        "batch": lambda: batch(1 if quick else 2, 10_000, 200, 50),
        "throttled": lambda: throttled(1, 300, 600, 60),
    }
    started = time.monotonic()
    rows: list[Row] = []
    for name in args.only.split(","):
        t0 = time.monotonic()
        print(f"running {name} ...", flush=True)
        new = benchmarks[name]()
        rows += new
        for row in new:
            print(f"  {row.name}: ours {row.cell('ours')} | 1.0.7 {row.cell('v1')} | "
                  f"raw {row.cell('raw')} {row.unit}  target {row.target} {verdict(row)}")
            for note in row.notes:
                print(f"    note: {note}")
        print(f"  ({time.monotonic() - t0:.0f} s)", flush=True)
    info = machine()
    elapsed = time.monotonic() - started
    print()
    print(table(rows))
    write_results(rows, info, elapsed)
    draw_chart()
    print(f"\nwrote bench/RESULTS.md, bench/results.json, docs/images/bench-chart.png in {elapsed:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
