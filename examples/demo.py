"""Run a few models through the client: against the local emulator, or the real API with --live.

python examples/demo.py          # starts the emulator, runs models, stops it
python examples/demo.py --live   # uses https://api.replicate.com and REPLICATE_API_TOKEN
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
import time
from collections.abc import Iterator

import replicate

LIVE_MODELS = {
    "run": ("black-forest-labs/flux-schnell", {"prompt": "a watercolor fox", "num_outputs": 1}),
    "stream": ("meta/meta-llama-3-8b-instruct", {"prompt": "Write a haiku about the sea."}),
}
EMULATED_MODELS = {
    "run": ("emulator/image", {"prompt": "a watercolor fox", "num_outputs": 2}),
    "stream": (
        "emulator/stream-text",
        {"prompt": "Write a haiku about the sea.", "max_tokens": 12},
    ),
}


@contextlib.contextmanager
def backend(live: bool) -> Iterator[replicate.Client]:
    if live:
        if not os.environ.get("REPLICATE_API_TOKEN"):
            sys.exit("make demo LIVE=1 needs REPLICATE_API_TOKEN in the environment")
        yield replicate.Client()
        return
    from replicate.emulator import Emulator

    with Emulator(time_scale=0.2) as emulator:
        print(f"emulator running at {emulator.base_url}")
        yield replicate.Client(api_token="demo-token", base_url=emulator.base_url)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--live", action="store_true", help="use the real API")
    live = parser.parse_args().live
    models = LIVE_MODELS if live else EMULATED_MODELS

    with backend(live) as client:
        ref, model_input = models["run"]
        print(f"\n$ replicate.run({ref!r})")
        started = time.monotonic()
        outputs = client.run(ref, input=model_input)
        print(f"  finished in {time.monotonic() - started:.2f}s")
        with tempfile.TemporaryDirectory() as folder:
            for output in outputs:
                saved = output.save(folder)  # streamed to disk; the token never goes to file hosts
                print(f"  file output {output.url}")
                print(f"    saved as {saved.name}: {saved.stat().st_size} bytes")

        ref, model_input = models["stream"]
        print(f"\n$ replicate.stream({ref!r})\n  ", end="")
        for event in client.stream(ref, input=model_input):
            if event.event == "output":
                print(str(event), end="", flush=True)
            elif event.event == "done":
                print(f"\n  done {event.data}")


if __name__ == "__main__":
    main()
