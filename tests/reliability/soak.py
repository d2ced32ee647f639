"""Soak test: run predictions for a long time under random faults, then account for each one.

    python tests/reliability/soak.py [--duration 600] [--fault-rate 0.05] [--workers 24]
                                      [--threads 8] [--restart-every 60] [--seed 1]

(``make soak``, or ``make soak SOAK_ARGS="--duration 120"``.) Async workers and threads
share one client and loop over: ``run`` in sync mode, ``run`` with polling, ``stream``,
``predictions.create`` + ``wait``, and ``files.create``. The emulator answers a random
``--fault-rate`` of requests with a fault (429, 502, 503, 520, dropped connection, cut
body, cut event stream) and, every ``--restart-every`` seconds, crashes and comes back.

Every operation carries a unique tag in its input. At the end each tag must be explained:

* ``ok``: the call succeeded; exactly one server-side object has the tag, output correct;
* ``rejected``: the create request was refused (API error or no connection): none exists;
* ``ambiguous``: the create request's answer was lost (cut, timeout): at most one exists;
* ``failed-after-create``: a later request failed: exactly one exists.

Anything else (a duplicate, an unknown server-side object, a wrong output, an unexpected
exception type, a call running past its bound) fails the soak (exit status 1).
"""

from __future__ import annotations

import argparse
import collections
import itertools
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import attrs
import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/, for support
from support.reliability_support import TOKEN, LiveEmulator, checked_out

import replicate
from replicate._http.retry import RetryPolicy
from replicate.exceptions import ReplicateError, ReplicateException

OPS = ("run-sync-mode", "run-polling", "stream", "create-wait", "files.create")
OP_BOUND = 60.0  # seconds any single operation may take before it counts as a hang
EXPECTED_ERRORS = (ReplicateException, httpx.TransportError)


@attrs.define
class Record:
    """What the client saw for one tagged operation."""

    tag: str
    op: str
    outcome: str = "running"
    prediction_id: str | None = None
    detail: str = ""
    started: float = attrs.field(factory=time.monotonic)


class Ledger:
    """Thread-safe list of records and counters."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.records: list[Record] = []
        self.counter = itertools.count()

    def new(self, op: str) -> Record:
        with self.lock:
            record = Record(f"soak-{next(self.counter):07d}", op)
            self.records.append(record)
            return record


def classify(exc: BaseException, created: bool) -> tuple[str, str]:
    """The outcome of a failed operation and a one-line description."""
    detail = f"{type(exc).__name__}: {exc}"[:200]
    if not isinstance(exc, EXPECTED_ERRORS):
        return "unexpected", detail
    if created:
        return "failed-after-create", detail
    if isinstance(exc, ReplicateError | httpx.ConnectError):
        return "rejected", detail  # the API refused it, or nothing was sent
    return "ambiguous", detail


def is_create(method: str | None, url: Any) -> bool:
    path = httpx.URL(str(url)).path if url is not None else ""
    return method == "POST" and (path.endswith("/predictions") or path.endswith("/files"))


def failed_on_create(exc: BaseException) -> bool:
    """Whether ``exc`` came from the request that creates the object."""
    if isinstance(exc, ReplicateError):
        return is_create(exc.method, exc.url)
    request = getattr(exc, "_request", None)
    if isinstance(exc, httpx.TransportError) and request is not None:
        return is_create(request.method, request.url)
    return False


# -- the operations (sync and async), each returning the created object's id --------------


def sync_op(client: replicate.Client, record: Record, emu: LiveEmulator) -> None:
    tag = record.tag
    if record.op == "run-sync-mode":
        check(client.run("emulator/echo", {"text": tag}) == tag, record)
    elif record.op == "run-polling":
        check(client.run("emulator/echo", {"text": tag}, wait=False) == tag, record)
    elif record.op == "stream":
        tokens = [
            str(e)
            for e in client.stream("emulator/stream-text", input={"prompt": tag, "max_tokens": 8})
            if e.event == "output"
        ]
        record.detail = "".join(tokens)
    elif record.op == "create-wait":
        prediction = client.predictions.create(model="emulator/echo", input={"text": tag})
        record.prediction_id = prediction.id
        prediction.wait()
        check(prediction.output == tag, record)
    else:
        file = client.files.create(tag.encode(), filename=f"{tag}.txt")
        record.prediction_id = file.id


async def async_op(client: replicate.Client, record: Record, emu: LiveEmulator) -> None:
    tag = record.tag
    if record.op == "run-sync-mode":
        check(await client.async_run("emulator/echo", {"text": tag}) == tag, record)
    elif record.op == "run-polling":
        check(await client.async_run("emulator/echo", {"text": tag}, wait=False) == tag, record)
    elif record.op == "stream":
        inputs = {"prompt": tag, "max_tokens": 8}
        tokens = [
            str(e)
            async for e in await client.async_stream("emulator/stream-text", input=inputs)
            if e.event == "output"
        ]
        record.detail = "".join(tokens)
    elif record.op == "create-wait":
        prediction = await client.predictions.async_create(
            model="emulator/echo", input={"text": tag}
        )
        record.prediction_id = prediction.id
        await prediction.async_wait()
        check(prediction.output == tag, record)
    else:
        file = await client.files.async_create(tag.encode(), filename=f"{tag}.txt")
        record.prediction_id = file.id


class WrongOutput(Exception):
    pass


def check(ok: bool, record: Record) -> None:
    if not ok:
        raise WrongOutput(record.tag)


def finish(record: Record, exc: BaseException | None) -> None:
    if exc is None:
        record.outcome = "ok"
    elif isinstance(exc, WrongOutput):
        record.outcome, record.detail = "wrong-output", str(exc)
    else:
        created = record.prediction_id is not None or not failed_on_create(exc)
        record.outcome, record.detail = classify(exc, created)


# -- drivers ----------------------------------------------------------------------------------


class Soak:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.emu = LiveEmulator(time_scale=0.02, sse_retry_ms=10, seed=args.seed, record=False)
        self.client = replicate.Client(
            TOKEN,
            base_url=self.emu.base_url,
            retry=RetryPolicy(max_retries=6, backoff_base=0.02, backoff_max=0.5),
            timeout=httpx.Timeout(10.0, connect=2.0),
            poll_interval=0.05,
        )
        self.ledger = Ledger()
        self.stop_at = time.monotonic() + args.duration
        self.restarts = 0
        self.leaked = 0

    def add_faults(self) -> None:
        rate = self.args.fault_rate
        kinds: list[tuple[str, dict[str, Any]]] = [
            ("*", {"status": 429, "retry_after": 0.01}),
            ("*", {"status": 502}),
            ("*", {"status": 503}),
            ("*", {"status": 520}),
            ("*", {"drop": True}),
            ("*", {"truncate": 20}),
            ("stream", {"sse_disconnect_after": 2, "drop": True}),
        ]
        share = rate / len(kinds)
        for index, (route, fields) in enumerate(kinds):
            # Rules are tried in order: rule k only sees requests rules 0..k-1 let through.
            self.emu.faults.add(route, probability=share / (1 - index * share), **fields)

    def records(self, first: int) -> Iterator[Record]:
        """New records, cycling through the operations, until the soak's time is up."""
        for i in itertools.count(first):
            if time.monotonic() >= self.stop_at:
                return
            yield self.ledger.new(OPS[i % len(OPS)])

    def thread_worker(self, n: int) -> None:
        for record in self.records(n):
            try:
                sync_op(self.client, record, self.emu)
            except Exception as exc:
                finish(record, exc)
            else:
                finish(record, None)

    async def task_worker(self, n: int) -> None:
        for record in self.records(n):
            try:
                with anyio.fail_after(OP_BOUND):
                    await async_op(self.client, record, self.emu)
            except TimeoutError:
                record.outcome = "hang"
            except Exception as exc:
                finish(record, exc)
            else:
                finish(record, None)

    def restarter(self) -> None:
        every = self.args.restart_every
        while every and time.monotonic() < self.stop_at:
            time.sleep(min(every, max(0.0, self.stop_at - time.monotonic())))
            if time.monotonic() < self.stop_at:
                self.emu.restart(0.2)
                self.restarts += 1

    def watchdog(self) -> list[Record]:
        now = time.monotonic()
        with self.ledger.lock:
            return [
                r
                for r in self.ledger.records
                if r.outcome == "running" and now - r.started > OP_BOUND
            ]

    async def run(self) -> None:
        self.add_faults()
        threads = [
            threading.Thread(target=self.thread_worker, args=(n,), daemon=True)
            for n in range(self.args.threads)
        ]
        threads.append(threading.Thread(target=self.restarter, daemon=True))
        for thread in threads:
            thread.start()
        async with anyio.create_task_group() as group:
            for n in range(self.args.workers):
                group.start_soon(self.task_worker, n)
            group.start_soon(self.report_progress)
        for thread in threads:
            thread.join(OP_BOUND + 5)
        self.leaked = checked_out(self.client)
        await self.client.aclose()

    async def report_progress(self) -> None:
        while time.monotonic() < self.stop_at:
            await anyio.sleep(min(30.0, max(0.1, self.stop_at - time.monotonic())))
            done = collections.Counter(r.outcome for r in self.ledger.records)
            print(f"  {time.strftime('%H:%M:%S')} {dict(done)}", flush=True)

    # -- accounting -------------------------------------------------------------------------

    def account(self) -> list[str]:
        """Every problem found; empty means every prediction is accounted for exactly once."""
        problems: list[str] = []
        self.emu.settle(10)
        for job in list(self.emu.app.store.predictions.values()):
            self.emu.wait_for(lambda job=job: job.done, 10)
        self.client.close()
        server: dict[str, list[Any]] = collections.defaultdict(list)
        for job in self.emu.app.store.predictions.values():
            tag = job.input.get("text") or job.input.get("prompt")
            server[str(tag)].append(job)
        for stored in self.emu.app.store.files.values():
            server[str(stored.name).removesuffix(".txt")].append(stored)
        records = {r.tag: r for r in self.ledger.records}
        for tag, objects in server.items():
            if len(objects) > 1:
                problems.append(f"{tag}: created {len(objects)} times")
            if tag not in records:
                problems.append(f"{tag}: exists on the server but no operation made it")
        for record in records.values():
            found = server.get(record.tag, [])
            problem = self.check_record(record, found)
            if problem:
                problems.append(f"{record.tag} ({record.op}, {record.outcome}): {problem}")
        problems += [f"{r.tag} ({r.op}): still running after {OP_BOUND} s" for r in self.watchdog()]
        if self.leaked:
            problems.append(f"{self.leaked} connections or pool slots still checked out at the end")
        return problems

    def check_record(self, record: Record, found: list[Any]) -> str | None:
        outcome = record.outcome
        if outcome in ("unexpected", "wrong-output", "hang", "running"):
            return record.detail or outcome
        if outcome == "ok":
            if len(found) != 1:
                return f"succeeded but the server has {len(found)}"
            obj = found[0]
            if record.prediction_id is not None and obj.id != record.prediction_id:
                return "server object id differs from the one returned"
            if record.op == "stream" and record.detail != "".join(obj.output or []):
                return "streamed tokens differ from the server's output"
            return None
        if outcome == "rejected" and found:
            return "reported as not created, but the server has it"
        if outcome == "failed-after-create" and len(found) != 1:
            return f"created before failing, but the server has {len(found)}"
        if outcome == "ambiguous" and len(found) > 1:
            return "duplicated"
        return None

    def summary(self) -> str:
        records = self.ledger.records
        by_outcome = collections.Counter(r.outcome for r in records)
        by_op = collections.Counter(r.op for r in records)
        hits = sum(f.hits for f in self.emu.faults)
        details = collections.Counter(
            r.detail.split(":")[0] for r in records if r.outcome not in ("ok",)
        )
        return (
            f"operations: {len(records)} {dict(by_op)}\n"
            f"outcomes: {dict(by_outcome)}\n"
            f"failure kinds: {dict(details.most_common(8))}\n"
            f"faults injected: {hits}; server restarts: {self.restarts}; "
            f"predictions on server: {len(self.emu.app.store.predictions)}; "
            f"files: {len(self.emu.app.store.files)}; peak memory: {peak_rss_mb():.0f} MB"
        )


def peak_rss_mb() -> float:
    try:
        import resource
    except ImportError:  # not on Windows
        return 0.0
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=float, default=600.0, help="seconds (default 600)")
    parser.add_argument("--fault-rate", type=float, default=0.05)
    parser.add_argument("--workers", type=int, default=24, help="async tasks")
    parser.add_argument("--threads", type=int, default=8, help="threads (sync API)")
    parser.add_argument("--restart-every", type=float, default=60.0, help="0: never")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    soak = Soak(args)
    print(
        f"soak: {args.duration:g} s, fault rate {args.fault_rate:.0%}, {args.workers} tasks + "
        f"{args.threads} threads, restart every {args.restart_every:g} s",
        flush=True,
    )
    started = time.monotonic()
    anyio.run(soak.run)
    problems = soak.account()
    print(soak.summary())
    print(f"elapsed {time.monotonic() - started:.0f} s")
    soak.emu.close()
    if problems:
        print(f"FAILED: {len(problems)} problems")
        for problem in problems[:50]:
            print("  " + problem)
        return 1
    print("OK: every prediction and file accounted for exactly once")
    return 0


if __name__ == "__main__":
    sys.exit(main())
