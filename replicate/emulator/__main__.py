"""``python -m replicate.emulator``: serve the emulator until interrupted."""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import signal
import ssl
from typing import NoReturn

from uvicorn.config import LOG_LEVELS

from ..batching.limiter import parse_rate
from . import ratelimit
from .app import EmulatorApp
from .jobs import QUIRKS
from .model_json import read_model_objects, spec_from_model_json
from .server import (
    LISTENING,
    TOKEN_ENV,
    bind_socket,
    make_server,
    new_event_loop,
    serve,
    url_for,
)
from .tls import TLSFiles, make_tls_files


def _port(text: str) -> int:
    port = int(text)
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"a port is 0 to 65535, not {port}")
    return port


def _scale(text: str) -> float:
    scale = float(text)
    if not (math.isfinite(scale) and scale >= 0):
        raise argparse.ArgumentTypeError(f"a finite number >= 0, not {text}")
    return scale


def _positive(text: str) -> int:
    number = int(text)
    if number < 1:
        raise argparse.ArgumentTypeError(f"at least 1, not {number}")
    return number


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # One line, like the other start-up errors: no usage block to scroll past.
        self.exit(2, f"{self.prog}: {message}\n")


def _rate(text: str) -> str:
    try:
        parse_rate(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return text


def parse_args(
    argv: list[str] | None = None, prog: str = "python -m replicate.emulator"
) -> argparse.Namespace:
    """Command-line options (``prog``: how the help names the command)."""
    parser = _Parser(
        prog=prog,
        description="Run a local emulator of Replicate's HTTP API.",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=_port, default=0, help="0 picks a free port")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--token",
        default=os.environ.get(TOKEN_ENV),
        help=f"accept only this bearer token (default: ${TOKEN_ENV}, which ps does not show)",
    )
    parser.add_argument(
        "--time-scale",
        type=_scale,
        default=1.0,
        help="multiplier for simulated model durations",
    )
    parser.add_argument("--page-size", type=_positive, default=100)
    parser.add_argument("--sse-retry-ms", type=int, default=None)
    parser.add_argument(
        "--quirk",
        action="append",
        default=[],
        choices=sorted(QUIRKS),
        help="enable a real-API quirk (repeatable)",
    )
    parser.add_argument("--no-record", action="store_true", help="do not keep a request log")
    parser.add_argument(
        "--models",
        action="append",
        default=[],
        metavar="FILE",
        help="serve the model objects in this JSON or YAML list file (repeatable)",
    )
    parser.add_argument(
        "--tls", action="store_true", help="serve https with a certificate made for this run"
    )
    parser.add_argument("--tls-cert", default=None, help="serve https with this certificate chain")
    parser.add_argument("--tls-key", default=None, help="private key for --tls-cert")
    parser.add_argument("--log-level", default="warning", choices=list(LOG_LEVELS))
    ratelimit.add_arguments(parser, _rate)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None, prog: str = "python -m replicate.emulator") -> None:
    """Entry point: a mistake (bad file, port in use, unknown host) is one line on stderr."""
    args = parse_args(argv, prog)
    if bool(args.tls_cert) != bool(args.tls_key):
        raise SystemExit(f"{prog}: --tls-cert and --tls-key go together")
    tls = TLSFiles("", args.tls_cert, args.tls_key) if args.tls_cert else None
    made_tls = args.tls and tls is None
    # `kill` (SIGTERM, as process managers and test harnesses stop it) ends it as Ctrl-C
    # does: the certificates made for this run, private key included, are removed. The
    # handler before it is put back: main() may run inside another program (a test suite),
    # whose later forks would otherwise inherit a SIGTERM that only raises KeyboardInterrupt.
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        for path in (args.tls_cert, args.tls_key) if tls else ():
            open(path, "rb").close()  # a missing file named now, not as the server starts
        if made_tls:
            tls = make_tls_files(args.host)
        _serve(args, tls)
    except KeyboardInterrupt:  # Ctrl-C at any moment: a quiet exit
        pass
    except (OSError, ValueError) as exc:  # files, host, port, certificate
        raise SystemExit(f"{prog}: {exc}") from None
    finally:
        signal.signal(signal.SIGTERM, previous)
        if made_tls and tls is not None:  # certificates made for this run only
            tls.remove()


def _serve(args: argparse.Namespace, tls: TLSFiles | None) -> None:
    objects = [obj for path in args.models for obj in read_model_objects(path)]
    app = EmulatorApp(
        token=args.token,
        seed=args.seed,
        time_scale=args.time_scale,
        page_size=args.page_size,
        quirks=frozenset(args.quirk),
        sse_retry_ms=args.sse_retry_ms
        if args.sse_retry_ms is not None
        else max(1, int(1000 * args.time_scale)),
        record=not args.no_record,
        models=[spec_from_model_json(obj) for obj in objects],
    )
    app.rate_limit = ratelimit.from_arguments(args)
    sock = bind_socket(args.host, args.port)
    server = make_server(app, args.log_level, tls)

    def announce() -> None:  # only once serving: harnesses start sending at this line
        print(LISTENING + url_for(sock, "https" if tls else "http"), flush=True)
        if tls is not None and tls.ca_file:
            print(f"trust this certificate authority: {tls.ca_file}", flush=True)

    loop = new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        loop.run_until_complete(serve(server, app, sock, announce))
    except ssl.SSLError as exc:  # read as the server starts
        raise ValueError(f"cannot use --tls-cert/--tls-key: {exc}") from None
    finally:
        loop.close()
        sock.close()


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


if __name__ == "__main__":
    main()
