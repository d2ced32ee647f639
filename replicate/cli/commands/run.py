"""``replicate run`` and ``replicate stream``: create a prediction from ``key=value`` inputs."""

from __future__ import annotations

import argparse
import contextlib
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import errors, render
from ..context import Context
from . import Group, seconds

if TYPE_CHECKING:
    from ..._flows.outputs import OutputIterator
    from ...client import Client
    from ...prediction import Prediction
    from ...schema import ModelSchema

REF_HELP = "owner/name, owner/name:version or a version id"
INPUT_HELP = (
    "an input: key=value (converted with the model's schema; repeat a key for a list), "
    "key=@path (a file, uploaded), key=@- (stdin)"
)


def register(commands: Group) -> None:
    """Add ``run`` and ``stream``."""
    parser = commands.add("run", run, "Run a model; print its output, save its files.")
    add_input_arguments(parser)
    parser.add_argument(
        "--wait",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="wait for the output (default), or print the new prediction and exit",
    )
    parser.add_argument("--timeout", type=seconds, metavar="S", help="cancel after S seconds")
    parser.add_argument(
        "--output-dir",
        type=Path,
        default=Path(),
        metavar="DIR",
        help="where file outputs are saved (default: the current directory)",
    )
    parser.add_argument("--web", action="store_true", help="open the prediction's web page")
    parser.add_argument("--logs", action="store_true", help="print the model's logs on stderr")
    add_input_arguments(
        commands.add("stream", stream, "Run a model, printing its output as it is produced.")
    )


def add_input_arguments(parser: argparse.ArgumentParser) -> None:
    """``REF`` and the ``key=value`` inputs."""
    parser.add_argument("ref", metavar="REF", help=REF_HELP)
    parser.add_argument("inputs", nargs="*", metavar="key=value", help=INPUT_HELP)


def model_input(
    client: Client, ref: str, pairs: list[str]
) -> tuple[dict[str, Any], ModelSchema | None]:
    """The input for ``ref`` from ``key=value`` pairs, checked against its schema, and that
    schema, parsed once (``None``: unknown, or the version publishes none).

    Syntax and files are checked before any request; then the version's schema is
    fetched and the values converted (nothing is created if they are wrong). Secret
    inputs come as :class:`~replicate.schema.Secret` (see :func:`..inputs.sendable`).
    """
    from ...identifier import is_version_id, parse_ref
    from ..inputs import parse_assignments, split_assignments, version_schema

    split_assignments(pairs)
    if is_version_id(ref):
        return parse_assignments(pairs, None), None  # no model to fetch the schema from
    try:
        ident = parse_ref(ref)
    except ValueError as error:
        raise errors.UsageError(str(error)) from None
    model = client.models.get(f"{ident.owner}/{ident.name}")
    version = model.versions.get(ident.version) if ident.version else model.latest_version
    schema = version_schema(version.openapi_schema if version else None, model=ref)
    return parse_assignments(pairs, schema, model=ref), schema


def checked_output_dir(directory: Path) -> Path:
    """``directory`` if outputs can be saved there (it need not exist yet); a usage error
    otherwise, before the prediction is created (its outputs would be lost)."""
    import os

    existing = directory
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise errors.UsageError(f"--output-dir {directory}: {existing} is not a folder")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise errors.UsageError(f"--output-dir {directory}: {existing} is not writable")
    return directory


def run(ctx: Context) -> int:
    from ..._flows.outputs import OutputIterator
    from ...exceptions import ModelError, PredictionTimeoutError
    from ..inputs import secret_names, sendable
    from ..outputs import write_output
    from ..progress import RunDisplay

    args = ctx.args
    output_dir = checked_output_dir(args.output_dir)
    given, schema = model_input(ctx.client, args.ref, args.inputs)
    inputs, hidden = sendable(given), secret_names(given)
    if not args.wait:
        from ..._flows.run import MIN_CANCEL_AFTER, run_target

        # Nobody is left to cancel it after --timeout: the API does (Cancel-After).
        if args.timeout is not None and args.timeout < MIN_CANCEL_AFTER:
            raise errors.UsageError(
                f"--timeout with --no-wait must be at least {MIN_CANCEL_AFTER} seconds: the "
                "API cancels the prediction then, and that is its minimum"
            )
        prediction = ctx.client.predictions.create(
            **run_target(args.ref), input=inputs, cancel_after=args.timeout
        )
        _open_web(ctx, prediction.urls)
        render.show(ctx, prediction, hidden_inputs=hidden)
        return errors.OK
    output_spec = None if schema is None else schema.output
    display = RunDisplay(ctx, logs=args.logs)
    final: Prediction | None = None
    web = _WebOpener(ctx) if args.web else None

    def progress(prediction: Any) -> None:
        display.update(prediction)
        if web is not None:
            web.open(prediction.urls)

    try:
        with display:
            # A live display, or tokens printed as they come, wants every update, not one
            # long `Prefer: wait` request.
            live = ctx.progress or args.logs or (output_spec is not None and output_spec.iterator)
            output = ctx.client.run(
                args.ref,
                inputs,
                timeout=args.timeout,
                progress=progress,
                wait=not live,
                rich=True,
                use_file_output=output_spec is None or output_spec.may_hold_files,
            )
            if args.json:
                # An iterator output is returned at once: read it to the end, so that the
                # prediction printed is the finished one, a failure raises ModelError, and
                # Ctrl-C meanwhile cancels it.
                if isinstance(output, OutputIterator):
                    final = _finished(output)
            else:
                display.end_bar()  # the output goes to the same terminal from here on
                try:
                    write_output(ctx, output, output_dir)
                except BrokenPipeError:
                    _cancel_unread(display.last)
                    raise
    except PredictionTimeoutError as error:
        print(f"error: {errors.describe(error)}", file=ctx.stderr)
        return errors.FAILED
    except ModelError as error:
        if args.json:
            render.show(ctx, error.prediction, hidden_inputs=hidden)
        print(f"error: {errors.describe(error)}", file=ctx.stderr)
        return errors.FAILED
    if args.json and (final or display.last) is not None:
        render.show(ctx, final or display.last, hidden_inputs=hidden)
    return errors.OK


def _finished(output: OutputIterator) -> Prediction:
    """The prediction behind an iterator output, once the output has ended."""
    for _ in output:
        pass
    return output.prediction


class _WebOpener:
    """Opens the prediction's web page once, as soon as its URL is known."""

    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx
        self._done = False

    def open(self, urls: dict[str, str] | None) -> None:
        if not self._done and urls and urls.get("web"):
            self._done = True
            _open_web(self._ctx, urls)


def _open_web(ctx: Context, urls: dict[str, str] | None) -> None:
    if not ctx.args.web:
        return
    import webbrowser

    url = (urls or {}).get("web")
    if url is None:
        print("note: this prediction has no web page", file=ctx.stderr)
        return
    print(f"opening {url}", file=ctx.stderr)
    webbrowser.open(url)


def _json_event(ctx: Context, event: str, event_id: str, data: str) -> None:
    ctx.stdout.write(json.dumps({"event": event, "id": event_id, "data": data}) + "\n")
    ctx.stdout.flush()


class _JsonEvents:
    """Prints events as JSON lines, the output's text scrubbed across events: a model may
    echo a secret token by token, one ``data`` field each. An output event whose text
    could end with the start of a secret waits for the next event to show what it is."""

    def __init__(self, ctx: Context) -> None:
        from ..._http.secrets import StreamScrubber

        self._ctx = ctx
        self._text = StreamScrubber()
        self._waiting: tuple[str, str] | None = None  # an output event's id and ready text

    def show(self, event: str, event_id: str, data: str) -> None:
        if event != "output":
            self.end()
            _json_event(self._ctx, event, event_id, data)
            return
        ready = self._text.feed(data)
        self._print_waiting()
        if self._text.held:
            self._waiting = (event_id, ready)
        else:
            _json_event(self._ctx, event, event_id, ready)

    def end(self) -> None:
        """Print the waiting output event with all its text (the output has ended)."""
        self._print_waiting(self._text.end())

    def _print_waiting(self, tail: str = "") -> None:
        # Without a tail, what it held belongs to the event after it now.
        if self._waiting is not None:
            event_id, ready = self._waiting
            self._waiting = None
            _json_event(self._ctx, "output", event_id, ready + tail)


def stream(ctx: Context) -> int:
    from ...exceptions import ModelError, StreamError
    from ...stream import EventStream
    from ..inputs import sendable

    given, _ = model_input(ctx.client, ctx.args.ref, ctx.args.inputs)
    events = ctx.client.stream(ctx.args.ref, input=sendable(given), rich=True)
    assert isinstance(events, EventStream)  # rich=True: it knows its prediction
    as_json = bool(ctx.args.json)  # asked for: text is what a pipe wants from a stream
    json_events = _JsonEvents(ctx)
    printed = False
    try:
        for event in events:
            if as_json:  # every event, one JSON line each (file outputs as their URLs)
                json_events.show(str(event.event), event.id, str(event.data))
            elif event.event == "output":
                # Text is written as it comes; a file output as its URL, on a line of its own.
                data = event.data
                ctx.stdout.write(data if isinstance(data, str) else f"{data}\n")
                ctx.stdout.flush()
                printed = True
    except ModelError as error:
        json_events.end()
        if as_json and isinstance(error, StreamError):
            json_events.show("error", "", str(error))  # the error event's data
        elif printed:
            ctx.stdout.write("\n")  # end the output's last line
        print(f"error: {errors.describe(error)}", file=ctx.stderr)
        return errors.FAILED
    except BrokenPipeError:
        events.close()
        _cancel_unread(events.prediction)
        raise
    json_events.end()
    if not as_json:
        ctx.stdout.write("\n")
    return errors.OK


def _cancel_unread(prediction: Any) -> None:
    """The reader went away (``replicate stream ... | head -1``): as with Ctrl-C, a
    prediction whose output nobody reads is cancelled (best effort)."""
    if prediction is None or prediction.done:
        return
    # Already finished, or the network is gone: nothing more to do.
    with contextlib.suppress(Exception):
        prediction.cancel()
