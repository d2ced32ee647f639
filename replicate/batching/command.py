"""``replicate batch REF --input inputs.jsonl --output results.jsonl --ledger batch.db``.

``add_arguments``/``run`` plug into the ``replicate`` command line; ``python -m
replicate.batching`` runs the command on its own. Exit status: 0 when every input
succeeded, 1 when some failed, 2 for bad arguments or input, 130 after Ctrl-C (the
ledger is left ready: rerun the same command to resume).
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import os
import sys
import time
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, TextIO

from .._http.secrets import scrub, scrub_text
from .keys import Shard
from .limiter import parse_rate
from .progress import BatchProgress

#: ``--input -``: the inputs come from stdin.
STDIN = Path("-")

#: Plain progress lines (no terminal, or no ``rich``) at most this often.
PLAIN_INTERVAL = 5.0

if TYPE_CHECKING:
    from ..client import Client


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``replicate batch``."""
    parser.add_argument("ref", metavar="REF", help="owner/name, owner/name:version or version id")
    parser.add_argument(
        "--input", "-i", required=True, type=Path, help="JSON lines, one input each (- for stdin)"
    )
    parser.add_argument("--output", "-o", required=True, type=Path, help="results as JSON lines")
    parser.add_argument(
        "--ledger", type=Path, default=None, help="SQLite file to resume from (default: OUTPUT.db)"
    )
    parser.add_argument(
        "--concurrency", type=int, default=None, help="predictions in flight (default 100)"
    )
    parser.add_argument(
        "--rate",
        default=None,
        help="the account's creates per minute, shared out among shards: 600/min (default), 10/s",
    )
    parser.add_argument(
        "--burst", type=int, default=None, help="creates allowed at once (default 10)"
    )
    parser.add_argument("--output-dir", type=Path, default=None, help="save output files here")
    parser.add_argument(
        "--shard", default=None, metavar="I/N", help="this machine's share: 0/4 ... 3/4"
    )
    parser.add_argument(
        "--key",
        default=None,
        help="input field naming each input (still sent to the model; reruns need the same)",
    )
    parser.add_argument("--ordered", action="store_true", help="write results in input order")
    parser.add_argument(
        "--leave-running", action="store_true", help="on Ctrl-C, do not cancel predictions"
    )
    parser.add_argument("--quiet", "-q", action="store_true", help="no progress display")


def read_inputs(path: Path) -> list[dict[str, Any]]:
    """The inputs of a JSON-lines file, or of stdin for ``-`` (blank lines skipped); errors
    name the line."""
    inputs: list[dict[str, Any]] = []
    with _opened(path) as lines:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except ValueError as exc:
                raise ValueError(f"{path}:{number}: not JSON ({exc})") from None
            if not isinstance(value, dict):
                raise ValueError(f"{path}:{number}: an input must be a JSON object")
            inputs.append(value)
    return inputs


def _opened(path: Path) -> contextlib.AbstractContextManager[TextIO]:
    if path == STDIN:  # read whole before the batch starts, as a file is
        return contextlib.nullcontext(sys.stdin)
    return path.open(encoding="utf-8")


def run(args: argparse.Namespace, *, client: Client | None = None) -> int:
    """Run the batch the parsed arguments describe (with ``client``, or one from the
    environment)."""
    from ..client import Client
    from .keys import check_inputs
    from .runner import DEFAULT_CONCURRENCY, batch, batch_options

    try:
        inputs = read_inputs(args.input)
        if args.rate is not None:
            parse_rate(args.rate)
        shard = Shard.parse(args.shard) if args.shard else None
    except (OSError, ValueError) as exc:
        _say(exc)
        return 2
    ledger = args.ledger or args.output.with_name(args.output.name + ".db")
    files = {"--input": args.input, "--output": args.output, "--ledger": ledger}
    if args.input == STDIN:
        del files["--input"]
    for (one, path), (other, elsewhere) in itertools.combinations(files.items(), 2):
        if path.resolve() == elsewhere.resolve():  # results would overwrite inputs or ledger
            _say(f"{one} and {other} are the same file ({path})")
            return 2
    display = _display(args.quiet)
    failed = 0
    client = client or Client()
    options: dict[str, Any] = {
        "concurrency": DEFAULT_CONCURRENCY if args.concurrency is None else args.concurrency,
        "rate": args.rate,
        "burst": args.burst,
        "shard": shard,
        "output_dir": args.output_dir,
        "on_progress": display.update,
        "ordered": args.ordered,
        "cancel_on_interrupt": not args.leave_running,
    }
    try:
        # Bad options and inputs are refused before the schema is looked up (nothing sent).
        batch_options(**options)
        check_inputs(inputs, args.key)
        wrapped = _secrets_wrapped(client, args.ref, inputs)
        results = batch(client, args.ref, wrapped, key=args.key, ledger=ledger, **options)
        with _ResultsFile(args.output) as out:
            for result in results:
                # A model may echo a secret input in its output or error (see _secrets_wrapped).
                out.write(scrub(result.to_json()))
                failed += not result.ok
    except KeyboardInterrupt:
        display.close()
        _say(f"interrupted{_left_running(ledger)}; {_rerun(ledger)}")
        return 130
    except Exception as exc:
        display.close()
        return _failed(exc, ledger)
    finally:
        client.close()
    display.close()
    return 1 if failed else 0


def _failed(exc: Exception, ledger: Path) -> int:
    """Report why the batch stopped, in one line; the exit status (unexpected errors are
    raised as they are)."""
    import httpx

    from ..exceptions import (
        InvalidArgumentError,
        ReplicateError,
        ReplicateException,
        request_named,
    )
    from .runner import one_line

    if isinstance(exc, ReplicateError):  # refused for every input (e.g. a bad token): none lost
        _say(f"{exc.summary()}; fix it and {_rerun(ledger)}")
        return 1
    if isinstance(exc, TypeError | InvalidArgumentError) or (
        isinstance(exc, ValueError) and not isinstance(exc, ReplicateException)
    ):
        _say(exc)  # bad arguments or inputs, a ledger of another batch or in use: none created
        return 2
    if isinstance(exc, ReplicateException | httpx.HTTPError | OSError):
        # The API could not be reached, or answered nonsense: what is done stays done.
        _say(f"{one_line(exc)}{request_named(exc)}; {_rerun(ledger)}")
        return 1
    raise exc


def _rerun(ledger: Path) -> str:
    """What to do next. The ledger is made just before the first create: a batch stopped
    earlier (its model's schema refused, say) has nothing to resume from."""
    if ledger.exists():
        return f"rerun the same command to resume from {ledger}"
    return "rerun the same command (nothing was created)"


def _say(message: object) -> None:
    print(scrub_text(f"replicate batch: {message}"), file=sys.stderr)


def _secrets_wrapped(
    client: Client, ref: str, inputs: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """``inputs`` with the values of the inputs the model's schema marks secret given as
    :class:`~replicate.schema.Secret`, as ``replicate run`` gives them: sent plain, and left
    out of the results file and messages should the model echo them. A bare version id has
    no model to read the schema from (nor has it for ``replicate run``)."""
    from ..cli.inputs import version_schema
    from ..identifier import is_version_id, parse_ref
    from ..schema import SchemaError, Secret

    if is_version_id(ref):
        return inputs
    ident = parse_ref(ref)
    model = client.models.get(f"{ident.owner}/{ident.name}")
    version = model.versions.get(ident.version) if ident.version else model.latest_version
    try:
        schema = version_schema(version.openapi_schema if version else None, model=ref)
    except SchemaError as exc:
        _say(f"warning: secret inputs not known, not left out of the results: {exc}")
        return inputs
    if schema is None or not schema.secrets:
        return inputs

    def hide(value: Any) -> Any:
        if isinstance(value, list):
            return [hide(item) for item in value]
        return Secret(value) if isinstance(value, str) else value

    return [{k: hide(v) if k in schema.secrets else v for k, v in i.items()} for i in inputs]


def _left_running(ledger: Path) -> str:
    """What may still run on the server after Ctrl-C (left by ``--leave-running``, a second
    Ctrl-C, or a cancel that failed), and what the rerun does about it."""
    import sqlite3

    from .ledger import CREATED, CREATING, states

    try:
        counts = states(ledger)
    except (OSError, sqlite3.Error):
        return ""
    running, unanswered = counts[CREATED], counts[CREATING]
    said = ""
    if running:
        said += (
            f"; {_count(running, 'prediction')} may still be running (a rerun waits for them "
            "rather than creating them again)"
        )
    if unanswered:
        said += (
            f"; {_count(unanswered, 'create')} not answered: their predictions may be running "
            "(a rerun looks for them among the account's recent predictions and creates only "
            "the inputs it finds none for)"
        )
    return said


def _count(n: int, thing: str) -> str:
    return f"{n} {thing}{'s' * (n != 1)}"


class _ResultsFile:
    """The results file, (re)written from the first result on: a run refused before it
    (another batch's ledger, changed inputs) leaves the previous run's results alone.

    Results go to ``<output>.partial`` as they come (flushed: they survive a crash of this
    process), which replaces the results file when the run ends, even by an error or Ctrl-C;
    a process killed outright leaves the previous results whole beside the partial file."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._partial = path.with_name(path.name + ".partial")
        self._file: IO[str] | None = None

    def write(self, line: dict[str, Any]) -> None:
        if self._file is None:
            self._file = self._partial.open("w", encoding="utf-8")
        self._file.write(json.dumps(line, default=str) + "\n")
        self._file.flush()

    def __enter__(self) -> _ResultsFile:
        return self

    def __exit__(self, kind: type[BaseException] | None, *rest: object) -> None:
        if self._file is None:
            if kind is None:
                self._path.write_text("", encoding="utf-8")  # a batch with no inputs
            return
        self._file.close()
        os.replace(self._partial, self._path)


class _Display:
    """Progress as plain lines on stderr (at most every few seconds)."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self._last = 0.0
        self._said = ""

    def update(self, progress: BatchProgress) -> None:
        now = time.monotonic()
        if self.quiet or (now - self._last < PLAIN_INTERVAL and progress.done < progress.total):
            return
        line = describe(progress)
        if line == self._said:  # the end is reported more than once (e.g. all resumed)
            return
        self._last, self._said = now, line
        print(line, file=sys.stderr, flush=True)

    def close(self) -> None:
        pass


class _RichDisplay(_Display):
    """A progress bar (``rich``, when installed and stderr is a terminal)."""

    def __init__(self) -> None:
        super().__init__(quiet=False)
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
        )

        # Our own ETA (in the description) knows the rate limit; rich's would be a second one.
        self._bar = Progress(
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.description}"),
            transient=False,
        )
        self._task = self._bar.add_task("batch", total=None)
        self._bar.start()

    def update(self, progress: BatchProgress) -> None:
        self._bar.update(
            self._task,
            total=progress.total,
            completed=progress.done,
            description=describe(progress, bar=True),
        )

    def close(self) -> None:
        self._bar.stop()


def describe(progress: BatchProgress, *, bar: bool = False) -> str:
    """One line about a batch's progress."""
    eta = "?" if progress.eta is None else f"{progress.eta:.0f}s"
    head = "" if bar else f"{progress.done}/{progress.total} done, "
    return (
        f"{head}{progress.failed} failed, {progress.in_flight} in flight, "
        f"{progress.per_minute:.0f}/min, ETA {eta}"
    )


def _display(quiet: bool) -> _Display:
    if quiet or not sys.stderr.isatty():
        return _Display(quiet)
    try:
        import rich.progress  # noqa: F401  (optional: the replicate[cli] extra)
    except ImportError:
        return _Display(quiet)
    return _RichDisplay()


def build_parser(prog: str = "python -m replicate.batching") -> argparse.ArgumentParser:
    """The ``batch`` command's parser (``prog``: how the help names the command)."""
    # `replicate batch` takes the command line's --base-url (not listed by this parser).
    address = "REPLICATE_BASE_URL"
    if prog == "replicate batch":
        address = f"--base-url or {address}"
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Run a model on every input of a JSON-lines file at the API's rate limit.",
        epilog=f"The token comes from REPLICATE_API_TOKEN, the API address from {address}.",
    )
    add_arguments(parser)
    return parser


def main(argv: list[str] | None = None) -> int:
    """``python -m replicate.batching``."""
    return run(build_parser().parse_args(argv))
