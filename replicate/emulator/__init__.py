"""A local, stateful emulator of Replicate's HTTP API, served over real HTTP.

Start it from Python::

    from replicate.emulator import Emulator

    with Emulator(time_scale=0.05) as emu:
        client = replicate.Client(api_token="anything", base_url=emu.base_url)
        ...
        assert len(emu.predictions) == 1

or from a shell: ``python -m replicate.emulator [--host 127.0.0.1] [--port 0] [--seed N]
[--token T] [--time-scale X] [--models FILE] [--tls]``, which prints
``replicate emulator listening on http://HOST:PORT``.
The API lives under ``/v1`` as on api.replicate.com. Pytest users get the ``replicate_emulator``
fixture (and ``replicate_client``, ``replicate_default_client``) from
``pytest_plugins = ["replicate.emulator.pytest_plugin"]``.

Your own models (see ``docs/emulator.md``)::

    emu.add_model("acme/captioner", predict)   # a Python function; schema from its signature
    emu.add_model_from_json(model_object)      # a real model object: its schema, canned output
    emu.load_models("models.yaml")             # a JSON or YAML list of model objects

``Emulator(tls=True)`` serves https with a certificate made for the run (trust ``emu.ca_file``;
``emu.client()`` already does). ``emu.predictions_for("owner/name")`` and ``emu.last_input(...)``
tell what a model received.

Seeded models (owner ``emulator``): ``echo`` (text -> text), ``stream-text`` (iterator of tokens),
``image`` (PNG URLs served by the emulator), ``fail`` (always fails), ``slow`` (``seconds``,
``queue_seconds``; good for cancel, ``Cancel-After`` and ``aborted``), ``official`` (run by
name; one version, as official models list on the real API). Deployment
``emulator/echo-deployment`` serves ``emulator/echo``.

Rate limit
----------
``Emulator(rate_limit=RateLimit.parse("600/min", burst=10))`` (or ``emu.set_rate_limit(...)``,
or ``--rate-limit 600/min --rate-burst 10``) answers prediction creates beyond the limit with
429 "Request was throttled" and ``Retry-After``, as the API does.

Faults
------
From Python: ``emu.faults.add(route, **fields)``; ``route`` is ``"*"``, an operationId
(``"predictions.create"``), ``"stream"``, ``"output"``, or ``"[METHOD ]/path/glob*"``.

From a request header, for that request only::

    X-Emulator-Fault: status=503;times=1

Fields are ``;``-separated ``name=value`` pairs:

``status=N``
    answer N with a problem+json body (>= 520: Cloudflare-style HTML body).
``retry_after=S``
    ``Retry-After`` header value in seconds (429 defaults to 1; fractions allowed).
``latency=S``
    wait S seconds before handling the request.
``answer_latency=S``
    handle the request, then wait S seconds before answering (it took effect; its answer is late).
``drop=1``
    close the connection without answering (the request is not handled).
``truncate=N``
    handle the request, send N bytes of the body (with the full Content-Length), close.
``sse_disconnect_after=N``
    end an event stream after N events, without ``done`` (with ``drop=1``: cut the connection).
``times=N``
    only the first N requests carrying this same header value get the fault; repeats (e.g.
    retries) after that pass. Without it every such request fails.
``id=KEY``
    share one ``times`` counter among different header values.
``detail=TEXT``
    the problem detail text.

Rules and counters are deterministic (probabilistic rules draw from the ``seed``) and are
cleared by ``emu.reset()``.
"""

from .faults import Fault, FaultSet
from .ratelimit import RateLimit
from .server import Emulator
from .signature import Input

__all__ = ["Emulator", "Fault", "FaultSet", "Input", "RateLimit"]
