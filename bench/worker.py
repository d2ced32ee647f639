"""One benchmark measurement in a fresh process: `python worker.py BENCH IMPL [JSON-ARGS]`.

IMPL is `ours` (this repository's package), `v1` (replicate 1.0.7 in its own venv), `raw`
(plain httpx) or `raw_aiohttp` (plain aiohttp, the concurrency reference). Prints a single JSON object on stdout:
`{"status": "ok", ...measurements}`, `{"status": "unavailable", "reason": ...}` when the piece under
test does not exist (yet), or `{"status": "error", "reason": ...}`.

Only the standard library, httpx and the `replicate` package of the running venv are imported, so
the same file serves every venv.
"""

from __future__ import annotations

import asyncio
import collections
import concurrent.futures
import datetime
import gc
import json
import os
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import payloads

TOKEN = "r8_benchmark_token"


class Unavailable(Exception):
    """The implementation under test lacks the feature this benchmark needs."""


# --------------------------------------------------------------------------------------------
# helpers


def import_replicate() -> Any:
    try:
        import replicate
    except Exception as exc:
        raise Unavailable(f"import replicate failed: {exc!r}") from exc
    if not hasattr(replicate, "Client"):
        raise Unavailable("replicate.Client does not exist yet")
    return replicate


def make_client(impl: str, **kwargs: Any) -> Any:
    """A library client (ours or 1.x): both take api_token, base_url and httpx kwargs."""
    replicate = import_replicate()
    try:
        return replicate.Client(api_token=TOKEN, **kwargs)
    except TypeError as exc:
        raise Unavailable(f"replicate.Client rejected {sorted(kwargs)}: {exc}") from exc


def raw_client(**kwargs: Any) -> httpx.Client:
    return httpx.Client(headers={"Authorization": f"Bearer {TOKEN}"}, **kwargs)


class ChunkedBody(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A response body delivered in fixed-size chunks, like a socket read loop would."""

    def __init__(self, chunks: list[bytes]) -> None:
        self._chunks = chunks

    def __iter__(self) -> Iterator[bytes]:
        yield from self._chunks

    async def __aiter__(self) -> Any:
        for chunk in self._chunks:
            yield chunk


def mock_api(sse_chunks: list[bytes] | None = None) -> httpx.MockTransport:
    """GET prediction returns a real-shaped prediction; GET stream URL returns the SSE chunks."""
    prediction = payloads.prediction_bytes()
    json_headers = {"content-type": "application/json"}

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.host == "stream.replicate.com" and sse_chunks is not None:
            return httpx.Response(
                200,
                headers={"content-type": "text/event-stream", "cache-control": "no-store"},
                stream=ChunkedBody(sse_chunks),
            )
        if request.url.path.startswith("/v1/predictions/"):
            return httpx.Response(200, headers=json_headers, content=prediction)
        return httpx.Response(404, headers=json_headers, content=b'{"detail": "not found"}')

    return httpx.MockTransport(handler)


def event_name(event: Any) -> str:
    name = getattr(event, "event", event)
    return str(getattr(name, "value", name))


def memory_kib() -> tuple[int, int]:
    """(current RSS, peak RSS since the last reset) in KiB, from /proc."""
    fields = {}
    with open("/proc/self/status") as status:
        for line in status:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                fields[key] = int(value.split()[0])
    return fields["VmRSS"], fields["VmHWM"]


def reset_peak_memory() -> None:
    # Writing 5 to clear_refs resets VmHWM to the current RSS (Linux >= 4.0).
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")


def measure_peak(action: Callable[[], Any]) -> dict[str, float]:
    gc.collect()
    reset_peak_memory()
    baseline, _ = memory_kib()
    started = time.perf_counter()
    action()
    elapsed = time.perf_counter() - started
    _, peak = memory_kib()
    return {"peak_above_baseline_mib": (peak - baseline) / 1024, "seconds": elapsed}


def parse_time(value: Any) -> float:
    if isinstance(value, datetime.datetime):
        return value.timestamp()
    return datetime.datetime.fromisoformat(str(value).replace("Z", "+00:00")).timestamp()


# --------------------------------------------------------------------------------------------
# 1. client overhead per call


def bench_overhead(impl: str, n: int = 3000, warmup: int = 300) -> dict[str, Any]:
    if impl == "raw":
        client = raw_client(transport=mock_api(), base_url=f"{payloads.API_BASE}/v1")
        path = f"/predictions/{payloads.PREDICTION_ID}"

        def call() -> Any:
            return json.loads(client.get(path).content)

    else:
        library = make_client(impl, transport=mock_api())
        predictions = library.predictions

        def call() -> Any:
            return predictions.get(payloads.PREDICTION_ID)

    result = call()
    status = result["status"] if isinstance(result, dict) else result.status
    if status != "succeeded":
        raise AssertionError(f"unexpected prediction status {status!r}")
    for _ in range(warmup):
        call()
    started = time.perf_counter()
    for _ in range(n):
        call()
    elapsed = time.perf_counter() - started
    return {"us_per_call": elapsed / n * 1e6}


# --------------------------------------------------------------------------------------------
# 3. SSE throughput


def bench_sse(impl: str, events: int = 50_000, chunk: int = 4096) -> dict[str, Any]:
    chunks = payloads.chunked(payloads.sse_body(events), chunk)
    if impl == "parser":
        return sse_parser_only(chunks, events)
    client = make_client(impl, transport=mock_api(chunks))
    prediction = client.predictions.get(payloads.PREDICTION_ID)
    if not hasattr(prediction, "stream"):
        raise Unavailable("prediction.stream() does not exist yet")
    started = time.perf_counter()
    count, first, last = count_events(prediction.stream())
    elapsed = time.perf_counter() - started
    check_events(count, first, last, events)
    return {"events_per_s": events / elapsed}


def count_events(stream: Any) -> tuple[int, Any, Any]:
    # Consume like a user would (events are dropped as they go, no list kept alive).
    count, first, last = 0, None, None
    for event in stream:
        if first is None:
            first = event
        count += 1
        last = event
    return count, first, last


def check_events(count: int, first: Any, last: Any, events: int) -> None:
    """All outputs arrived, plus the `done` event if the client yields it."""
    outputs = count - (event_name(last) == "done")
    if outputs != events or event_name(first) != "output":
        raise AssertionError(f"saw {outputs} output events, expected {events}")


def sse_parser_only(chunks: list[bytes], events: int) -> dict[str, Any]:
    """Our I/O-free parser fed the raw chunks directly (no httpx), for the profile."""
    try:
        from replicate._flows import sse as _sse
    except ImportError as exc:
        raise Unavailable(f"replicate._flows.sse: {exc}") from exc
    parser_cls = next(
        (getattr(_sse, name) for name in ("SSEDecoder", "EventStreamParser", "Parser", "SSEParser")
         if hasattr(_sse, name)),
        None,
    )
    if parser_cls is None:
        raise Unavailable(f"no parser class in replicate._flows.sse ({sorted(vars(_sse))})")
    parser = parser_cls()
    methods = ("feed", "send", "push", "decode")
    feed = next(getattr(parser, m) for m in methods if hasattr(parser, m))

    def parsed() -> Iterator[Any]:
        for piece in chunks:
            yield from feed(piece) or ()

    started = time.perf_counter()
    count, first, last = count_events(parsed())
    elapsed = time.perf_counter() - started
    check_events(count, first, last, events)
    return {"events_per_s": events / elapsed}


# --------------------------------------------------------------------------------------------
# 4. concurrency: many async_run calls against the emulator


async def _aiohttp_run(session: Any, model: str, model_input: dict[str, Any]) -> Any:
    # The same requests as _raw_run, through a bare aiohttp session.
    async with session.post(
        f"/v1/models/{model}/predictions", json={"input": model_input}, headers={"Prefer": "wait"}
    ) as response:
        response.raise_for_status()
        prediction = json.loads(await response.read())
    while prediction["status"] not in ("succeeded", "failed", "canceled", "aborted"):
        await asyncio.sleep(0.1)
        async with session.get(f"/v1/predictions/{prediction['id']}") as response:
            response.raise_for_status()
            prediction = json.loads(await response.read())
    if prediction["status"] != "succeeded":
        raise RuntimeError(f"prediction {prediction['status']}")
    return prediction["output"]


def _cpu_seconds() -> float:
    usage = os.times()
    return usage.user + usage.system


async def _raw_run(client: httpx.AsyncClient, model: str, model_input: dict[str, Any]) -> Any:
    response = await client.post(
        f"/v1/models/{model}/predictions", json={"input": model_input}, headers={"Prefer": "wait"}
    )
    response.raise_for_status()
    prediction = json.loads(response.content)
    while prediction["status"] not in ("succeeded", "failed", "canceled", "aborted"):
        await asyncio.sleep(0.1)
        response = await client.get(f"/v1/predictions/{prediction['id']}")
        response.raise_for_status()
        prediction = json.loads(response.content)
    if prediction["status"] != "succeeded":
        raise RuntimeError(f"prediction {prediction['status']}")
    return prediction["output"]


def bench_concurrency(
    impl: str, base_url: str, n: int = 1000, model: str = "emulator/slow",
    model_input: dict[str, Any] | None = None, deadline: float = 60.0,
) -> dict[str, Any]:
    model_input = model_input if model_input is not None else {"seconds": 0.5}

    async def main() -> dict[str, Any]:
        session: Any = None
        if impl == "raw_aiohttp":
            try:
                import aiohttp
            except ImportError as exc:
                raise Unavailable(f"aiohttp: {exc}") from exc
            session = aiohttp.ClientSession(
                base_url=base_url,
                headers={"Authorization": f"Bearer {TOKEN}"},
                connector=aiohttp.TCPConnector(limit=0),
                timeout=aiohttp.ClientTimeout(total=90.0),
            )

            def one() -> Any:
                return _aiohttp_run(session, model, model_input)

        elif impl == "raw":
            client: Any = httpx.AsyncClient(
                base_url=base_url,
                headers={"Authorization": f"Bearer {TOKEN}"},
                limits=httpx.Limits(max_connections=None, max_keepalive_connections=None),
                timeout=httpx.Timeout(90.0),
            )

            def one() -> Any:
                return _raw_run(client, model, model_input)

        else:
            options: dict[str, Any] = {}
            if impl == "aiohttp":
                try:
                    from replicate.transports import AiohttpTransport

                    options["transport"] = AiohttpTransport()
                except ImportError as exc:
                    raise Unavailable(f"AiohttpTransport: {exc}") from exc
            client = make_client(impl, base_url=base_url, **options)
            if not hasattr(client, "async_run"):
                raise Unavailable("Client.async_run does not exist yet")

            def one() -> Any:
                return client.async_run(model, input=model_input)

        # One run first, for every implementation alike: lazy imports, the session and the
        # first connection are first-use costs (`import` has its own row), not concurrency.
        await one()
        started, cpu_started = time.perf_counter(), _cpu_seconds()
        tasks = [asyncio.ensure_future(one()) for _ in range(n)]
        done, pending = await asyncio.wait(tasks, timeout=deadline)
        elapsed = time.perf_counter() - started
        cpu = _cpu_seconds() - cpu_started
        if session is not None:
            await session.close()
        for task in pending:
            task.cancel()
        errors: collections.Counter[str] = collections.Counter()
        for task in done:
            if task.exception() is not None:
                errors[type(task.exception()).__name__] += 1
        if pending:
            errors[f"unfinished after {deadline:.0f}s"] += len(pending)
            await asyncio.gather(*pending, return_exceptions=True)
        return {
            "wall_s": elapsed,
            "cpu_ms_per_run": 1000 * cpu / n,
            "errors": sum(errors.values()),
            "error_kinds": dict(errors),
        }

    return asyncio.run(main())


# --------------------------------------------------------------------------------------------
# 7. a batch at the rate limit (the emulator runs with --rate-limit)


def bench_batch(
    impl: str, base_url: str, n: int = 10_000, per_second: float = 500, server_burst: int = 50,
) -> dict[str, Any]:
    """Run ``n`` inputs through client.async_batch; wall time against what the limit allows."""
    replicate = import_replicate()
    if impl != "ours" or not hasattr(replicate.Client, "async_batch"):
        raise Unavailable("Client.async_batch does not exist here")
    client = replicate.Client(api_token=TOKEN, base_url=base_url)
    inputs = [{"text": f"input {i}"} for i in range(n)]

    async def main() -> dict[str, Any]:
        ok = 0
        async for result in client.async_batch(
            "emulator/echo", inputs, rate=f"{per_second}/s", burst=min(10, server_burst)
        ):
            ok += result.ok
        return {"ok": ok}

    gc.collect()
    reset_peak_memory()
    baseline, _ = memory_kib()
    started, cpu_started = time.perf_counter(), _cpu_seconds()
    counts = asyncio.run(main())
    elapsed = time.perf_counter() - started
    cpu = _cpu_seconds() - cpu_started
    _, peak = memory_kib()
    allowed = (n - server_burst) / per_second
    return {
        "wall_s": elapsed,
        "allowed_s": allowed,
        "ratio": elapsed / allowed,
        "failed": n - counts["ok"],
        "peak_mib": peak / 1024,
        "peak_above_baseline_mib": (peak - baseline) / 1024,
        "cpu_ms_per_input": 1000 * cpu / n,
    }


def bench_throttled(
    impl: str, base_url: str, n: int = 300, per_minute: float = 600, server_burst: int = 60,
) -> dict[str, Any]:
    """``n`` plain ``async_run`` calls started at once against a create limit (no batch)."""
    client = make_client(impl, base_url=base_url)

    async def main() -> list[Any]:
        runs = [client.async_run("emulator/echo", input={"text": f"run {i}"}) for i in range(n)]
        return await asyncio.gather(*runs, return_exceptions=True)

    started = time.perf_counter()
    outcomes = asyncio.run(main())
    elapsed = time.perf_counter() - started
    allowed = (n - server_burst) * 60 / per_minute
    return {
        "wall_s": elapsed,
        "ratio": elapsed / allowed,
        "failed": sum(isinstance(outcome, BaseException) for outcome in outcomes),
    }


# --------------------------------------------------------------------------------------------
# 5. completion lag of prediction.wait()


class CountingTransport(httpx.BaseTransport):
    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()
        self.count = 0
        self._lock = threading.Lock()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        with self._lock:
            self.count += 1
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


def bench_lag(
    impl: str, base_url: str, model: str = "emulator/slow", seconds: list[float] | None = None,
) -> dict[str, Any]:
    # Spread over 0.25-4 s so completions fall at every phase of a client's polling cycle.
    durations = seconds or [round(0.25 * 1.19**i, 3) for i in range(16)]
    counter = CountingTransport()
    client = make_client(impl, base_url=base_url, transport=counter)
    created = [client.predictions.create(model=model, input={"seconds": s}) for s in durations]
    if not hasattr(created[0], "wait"):
        raise Unavailable("Prediction.wait() does not exist yet")
    counter.count = 0

    def wait(prediction: Any) -> tuple[float, float]:
        started = time.time()
        prediction.wait()
        finished = time.time()
        return finished, finished - started

    with concurrent.futures.ThreadPoolExecutor(len(created)) as pool:
        waited = list(pool.map(wait, created))
    requests = counter.count
    with raw_client(base_url=base_url) as raw:
        completed = [
            parse_time(raw.get(f"/v1/predictions/{p.id}").json()["completed_at"]) for p in created
        ]
    lags = [(finished - done) * 1000 for (finished, _), done in zip(waited, completed, strict=True)]
    waiting = sum(duration for _, duration in waited)
    return {"lags_ms": lags, "req_per_s_per_prediction": requests / waiting}


# --------------------------------------------------------------------------------------------
# 6. peak memory: 100 MiB upload and download


def bench_upload_memory(impl: str, base_url: str, path: str) -> dict[str, Any]:
    if impl == "raw":
        client = raw_client(base_url=base_url, timeout=120)

        def upload(file_path: str) -> Any:
            with open(file_path, "rb") as f:
                files = {"content": (os.path.basename(file_path), f, "application/octet-stream")}
                return client.post("/v1/files", files=files).raise_for_status().json()["size"]

    else:
        library = make_client(impl, base_url=base_url)
        if not hasattr(library, "files"):
            raise Unavailable("Client.files does not exist yet")

        def upload(file_path: str) -> Any:
            # A file input, the way users send one: the client uploads it, then creates.
            library.predictions.create(model="emulator/echo", input={"text": Path(file_path)})
            with raw_client(base_url=base_url) as raw:
                files = raw.get("/v1/files").json()["results"]
            return max(file["size"] for file in files)

    small = path + ".small"
    with open(small, "wb") as f:
        f.write(b"x" * 1024)
    upload(small)  # warm up: connection, lazy imports
    stored: list[int] = []
    result = measure_peak(lambda: stored.append(upload(path)))
    if stored != [os.path.getsize(path)]:
        raise AssertionError(f"server stored {stored} bytes, expected {os.path.getsize(path)}")
    return result


def file_output_class(replicate: Any) -> Any:
    for module_name in ("helpers", "_file_output"):
        module = getattr(replicate, module_name, None)
        if module is None:
            try:
                module = __import__(f"replicate.{module_name}", fromlist=["FileOutput"])
            except ImportError:
                continue
        if hasattr(module, "FileOutput"):
            return module.FileOutput
    if hasattr(replicate, "FileOutput"):
        return replicate.FileOutput
    raise Unavailable("FileOutput does not exist yet")


def bench_download_memory(impl: str, url: str) -> dict[str, Any]:
    received = 0
    if impl == "raw":
        client = raw_client(timeout=120)

        def read() -> None:
            nonlocal received
            with client.stream("GET", url) as response:
                for chunk in response.iter_bytes():
                    received += len(chunk)

    else:
        replicate = import_replicate()
        library = make_client(impl)
        output = file_output_class(replicate)(url, library)

        def read() -> None:
            nonlocal received
            for chunk in output:
                received += len(chunk)

    path, _, query = url.partition("?")
    small = path.rsplit("/", 1)[0] + "/1024" + (f"?{query}" if query else "")
    if impl == "raw":
        client.get(small)
    else:
        for _ in file_output_class(replicate)(small, library):
            pass
    result = measure_peak(read)
    expected = int(path.rsplit("/", 1)[1])
    if received != expected:
        raise AssertionError(f"read {received} bytes, expected {expected}")
    return result


# --------------------------------------------------------------------------------------------

BENCHES: dict[str, Callable[..., dict[str, Any]]] = {
    "overhead": bench_overhead,
    "sse": bench_sse,
    "concurrency": bench_concurrency,
    "lag": bench_lag,
    "upload_memory": bench_upload_memory,
    "download_memory": bench_download_memory,
    "batch": bench_batch,
    "throttled": bench_throttled,
}


def main() -> None:
    bench, impl = sys.argv[1], sys.argv[2]
    kwargs = json.loads(sys.argv[3]) if len(sys.argv) > 3 else {}
    try:
        result = {"status": "ok", **BENCHES[bench](impl, **kwargs)}
    except (Unavailable, NotImplementedError) as exc:
        result = {"status": "unavailable", "reason": str(exc)}
    except Exception as exc:
        tail = traceback.format_exc().strip().splitlines()[-6:]
        result = {"status": "error", "reason": f"{type(exc).__name__}: {exc}", "trace": tail}
    sys.stdout.write(json.dumps(result) + "\n")
    sys.stdout.flush()
    os._exit(0)  # skip interpreter teardown of thousands of sockets


if __name__ == "__main__":
    main()
