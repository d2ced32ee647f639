"""API handlers: one small async function per operation, plus the route table."""

from __future__ import annotations

import mimetypes
import re
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from functools import partial
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from . import files_api, sse
from .catalog import OWNER, Script, Step, version_id
from .http import (
    HTTPError,
    Position,
    Request,
    Response,
    Route,
    StreamResponse,
    json_response,
    not_found,
    page_response,
    paginate,
    problem,
    unprocessable,
)
from .jobs import Job, iso
from .store import ACCOUNT, HARDWARE, Deployment, Model, Version
from .validation import InvalidField, secret_inputs, validate_input

if TYPE_CHECKING:
    from .app import EmulatorApp

MAX_WAIT = 60
MIN_CANCEL_AFTER = 5  # seconds: the API's documented minimum
WEBHOOK_EVENTS = frozenset({"start", "output", "logs", "completed"})
_VERSION_ID = re.compile(r"^[0-9a-f]{64}$")
_DURATION = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h)")
_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}

Result = Response | StreamResponse


# -- header parsing (pure) ---------------------------------------------------------------------
def parse_prefer_wait(value: str | None) -> int | None:
    """Seconds to hold the request for ``Prefer: wait[=N]``; None when not asked to wait."""
    if not value:
        return None
    for pref in value.split(","):
        name, _, arg = pref.strip().partition("=")
        if name.strip().lower() != "wait":
            continue
        if not arg:
            return MAX_WAIT
        if not arg.strip().isdigit() or not 1 <= int(arg) <= MAX_WAIT:
            raise HTTPError(
                problem(
                    400,
                    "Invalid Prefer header",
                    f"Prefer: wait must be 'wait' or 'wait=N' with N from 1 to {MAX_WAIT}",
                )
            )
        return int(arg)
    return None


def parse_duration(value: str | None) -> float | None:
    """Seconds from a ``Cancel-After`` value (``30``, ``30s``, ``1m30s``, ``500ms``, ``1.5h``)."""
    if value is None:
        return None
    text = value.strip().lower()
    try:
        seconds = float(text)
    except ValueError:
        parts = _DURATION.findall(text)
        if not parts or "".join(n + u for n, u in parts) != text:
            raise HTTPError(
                problem(
                    400,
                    "Invalid Cancel-After header",
                    f"Cancel-After must be a duration such as 30s, 5m or 1h30m, not {value!r}",
                )
            ) from None
        seconds = sum(float(n) * _UNITS[u] for n, u in parts)
    if seconds < MIN_CANCEL_AFTER:
        raise HTTPError(
            problem(
                400,
                "Invalid Cancel-After header",
                f"Cancel-After must be at least {MIN_CANCEL_AFTER} seconds, not {value!r}",
            )
        )
    return seconds


# -- lookups -------------------------------------------------------------------------------------
def _model(app: EmulatorApp, req: Request) -> Model:
    model = app.store.models.get(f"{req.params['model_owner']}/{req.params['model_name']}")
    if model is None:
        raise not_found("model")
    return model


def _job(table: dict[str, Job], job_id: str, what: str) -> Job:
    job = table.get(job_id)
    if job is None:
        raise not_found(what)
    return job


def _body_object(req: Request) -> dict[str, Any]:
    body = req.json()
    if not isinstance(body, dict):
        raise HTTPError(
            problem(400, "Invalid request body", "The request body must be a JSON object.")
        )
    return body


def _required(field: str) -> InvalidField:
    return InvalidField("required", field, f"{field} is required")


def _check_request_fields(body: dict[str, Any], allowed: frozenset[str]) -> None:
    fields = _request_field_problems(body, allowed)
    if fields:
        raise unprocessable(*fields)


def _request_field_problems(body: dict[str, Any], allowed: frozenset[str]) -> list[InvalidField]:
    """What is wrong with a prediction or training request's own fields (not its input)."""
    fields = [
        InvalidField("additional_property_not_allowed", name, "additional property not allowed")
        for name in body
        if name not in allowed
    ]
    if not isinstance(body.get("input"), dict):
        fields.append(InvalidField("required", "input", "input is required and must be an object"))
    webhook = body.get("webhook")
    if webhook is not None and not (
        isinstance(webhook, str) and webhook.startswith(("http://", "https://"))
    ):
        fields.append(InvalidField("format", "webhook", "webhook must be an HTTP(S) URL"))
    events = body.get("webhook_events_filter")
    if events is not None and (
        not isinstance(events, list) or not all(e in WEBHOOK_EVENTS for e in events)
    ):
        fields.append(
            InvalidField("enum", "webhook_events_filter", "items: start, output, logs, completed")
        )
    return fields


# -- predictions -----------------------------------------------------------------------------
# `webhook_completed` is a legacy field the published document omits; the API accepts it and
# replicate 1.x sends it.
_PREDICTION_FIELDS = frozenset(
    {"input", "stream", "webhook", "webhook_completed", "webhook_events_filter"}
)
_TRAINING_FIELDS = frozenset(
    {"destination", "input", "webhook", "webhook_completed", "webhook_events_filter"}
)


def _resolve_version(app: EmulatorApp, ref: Any) -> tuple[Model, Version | None]:
    if not isinstance(ref, str) or not ref:
        raise unprocessable(InvalidField("required", "version", "version is required"))
    name, _, vid = ref.partition(":")
    if _VERSION_ID.match(ref):
        name, vid = "", ref
    if vid:
        found = app.store.versions.get(vid)
        if found is None or (name and found[0].full_name != name):
            raise unprocessable(InvalidField("not_found", "version", f"{ref} does not exist"))
        return found
    model = app.store.models.get(name)
    if model is None:
        raise unprocessable(
            InvalidField("not_found", "version", f"{ref} is not a version id or owner/name[:id]")
        )
    return model, model.versions[-1] if model.versions else None


async def _create_prediction(
    app: EmulatorApp,
    req: Request,
    model: Model,
    version: Version | None,
    body: dict[str, Any],
    deployment: str | None = None,
) -> Response:
    wait = parse_prefer_wait(req.headers.get("prefer"))
    cancel_after = parse_duration(req.headers.get("cancel-after"))
    schema = version.schema if version else model.schema
    inp, problems = validate_input(body["input"], schema or {})
    if problems:
        raise unprocessable(*problems)
    behaviour = None
    if version is not None:  # a model whose versions were all deleted runs no more
        behaviour = version.behaviour or (model.spec.behaviour if model.spec else None)
    if version is None or behaviour is None:
        raise HTTPError(
            problem(
                422,
                "Model not runnable",
                f"{model.full_name} has no runnable version in the emulator: register one with "
                "Emulator.add_model or train into it",
            )
        )
    job = Job(
        "prediction",
        app.store.new_id(),
        model.full_name,
        version.id,
        body["input"],
        req.base,
        deployment=deployment,
        official=model.official,
        webhook=body.get("webhook"),
        webhook_events_filter=body.get("webhook_events_filter"),
        secrets=secret_inputs(schema or {}),
    )
    app.store.predictions[job.id] = job
    model.run_count += 1
    app.runner.start(job, behaviour(inp), cancel_after)
    if wait is not None:
        await job.wait_done(wait, lambda: app.holding)
    return Response(
        201, job.to_bytes(app.quirks), headers=[(b"location", job.urls(app.quirks)["get"].encode())]
    )


async def predictions_create(app: EmulatorApp, req: Request) -> Result:
    body = _body_object(req)
    _check_request_fields(body, _PREDICTION_FIELDS | {"version"})
    model, version = _resolve_version(app, body.get("version"))
    return await _create_prediction(app, req, model, version, body)


async def models_predictions_create(app: EmulatorApp, req: Request) -> Result:
    body = _body_object(req)
    _check_request_fields(body, _PREDICTION_FIELDS)
    model = _model(app, req)
    version = model.versions[-1] if model.versions else None
    return await _create_prediction(app, req, model, version, body)


async def deployments_predictions_create(app: EmulatorApp, req: Request) -> Result:
    deployment = _deployment(app, req)
    body = _body_object(req)
    _check_request_fields(body, _PREDICTION_FIELDS)
    model, version = app.store.versions[deployment.version]
    name = f"{deployment.owner}/{deployment.name}"
    return await _create_prediction(app, req, model, version, body, deployment=name)


def _time_param(req: Request, name: str) -> datetime | None:
    value = req.query.get(name)
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise HTTPError(
            problem(400, "Invalid parameter", f"{name} must be an ISO 8601 time")
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _filter_jobs(req: Request, jobs: list[Job]) -> list[Job]:
    after, before = _time_param(req, "created_after"), _time_param(req, "created_before")
    source = req.query.get("source")
    if source is not None and source != "web":
        detail = f"source must be web (the only value the API takes), not {source!r}"
        raise HTTPError(problem(400, "Invalid parameter", detail))
    if source == "web":
        return []  # every emulated prediction came through the API
    return [  # created_after is inclusive, created_before exclusive, as the API documents
        job
        for job in reversed(jobs)
        if not (after and job.created < after) and not (before and job.created >= before)
    ]


def _job_position(job: Job) -> Position:
    return (iso(job.created), job.id)


async def predictions_list(app: EmulatorApp, req: Request) -> Result:
    jobs = _filter_jobs(req, list(app.store.predictions.values()))
    return page_response(
        req, jobs, app.store.page_size, lambda job: job.to_json(app.quirks), _job_position
    )


async def predictions_get(app: EmulatorApp, req: Request) -> Result:
    job = _job(app.store.predictions, req.params["prediction_id"], "prediction")
    return Response(200, job.to_bytes(app.quirks))


async def predictions_cancel(app: EmulatorApp, req: Request) -> Result:
    job = _job(app.store.predictions, req.params["prediction_id"], "prediction")
    app.runner.cancel(job)
    return Response(200, job.to_bytes(app.quirks))


async def prediction_stream(app: EmulatorApp, req: Request) -> Result:
    job = _job(app.store.predictions, req.params["prediction_id"], "prediction")
    return sse.stream_response(job, req, app.sse_retry_ms, lambda: app.holding)


def store_output(app: EmulatorApp, job: Job, name: str, data: bytes) -> str:
    """Keep a generated output file and return the URL the emulator serves it at."""
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    # Two files of one prediction may share a name (out/a.png and out/b.png both output.png,
    # or one path yielded again with new content): each gets its own URL.
    stem, dot, suffix = name.rpartition(".") if "." in name.lstrip(".") else (name, "", "")
    unique, n = name, 0
    while f"{job.id}/{unique}" in app.store.outputs:
        n += 1
        unique = f"{stem}-{n}{dot}{suffix}"
    app.store.outputs[f"{job.id}/{unique}"] = (content_type, data)
    return f"{job.base}/output/{job.id}/{unique}"


_OWN_FILE = re.compile(r"/v1/files/(?P<file>[^/]+)(?:/download)?$|/output/(?P<output>[^/]+/[^/]+)$")


def input_file(app: EmulatorApp, url: str) -> tuple[str, bytes] | None:
    """Name and content of a file input the emulator serves itself (upload or output)."""
    found = _OWN_FILE.search(urlsplit(url).path)
    if found is None:
        return None
    if found["file"]:
        stored = app.store.files.get(found["file"])
        return (stored.name, stored.read()) if stored else None
    output = app.store.outputs.get(found["output"])
    return (found["output"].rsplit("/", 1)[1], output[1]) if output else None


async def output_file(app: EmulatorApp, req: Request) -> Result:
    found = app.store.outputs.get(f"{req.params['prediction_id']}/{req.params['name']}")
    if found is None:
        raise not_found("file")
    content_type, data = found
    return Response(
        200, data, content_type.encode(), headers=[(b"cache-control", b"public, max-age=3600")]
    )


# -- trainings ---------------------------------------------------------------------------------
async def trainings_create(app: EmulatorApp, req: Request) -> Result:
    model = _model(app, req)
    found = app.store.versions.get(req.params["version_id"])
    if found is None or found[0] is not model:
        raise not_found("version")
    body = _body_object(req)
    destination = body.get("destination")
    fields = _request_field_problems(body, _TRAINING_FIELDS)
    if not isinstance(destination, str) or destination not in app.store.models:
        fields.append(InvalidField("not_found", "destination", "must be an existing owner/name"))
    if fields:
        raise unprocessable(*fields)
    job = Job(
        "training",
        app.store.new_id(),
        model.full_name,
        found[1].id,
        body["input"],
        req.base,
        webhook=body.get("webhook"),
        webhook_events_filter=body.get("webhook_events_filter"),
    )
    job.destination = destination
    app.store.trainings[job.id] = job
    steps = [Step(0.1, "log", f"epoch {i + 1}/3") for i in range(3)]
    app.runner.start(job, Script(0.05, steps))
    return Response(201, job.to_bytes(app.quirks))


def on_succeeded(app: EmulatorApp, job: Job) -> None:
    """A finished training publishes a new version on its destination model."""
    if job.kind != "training" or job.destination not in app.store.models:
        return
    destination = app.store.models[job.destination]
    # The new version runs like the trained one (the emulator does not learn).
    source = app.store.versions.get(job.version)
    schema = source[1].schema if source else {}
    behaviour = None
    if source is not None:
        behaviour = source[1].behaviour or (source[0].spec.behaviour if source[0].spec else None)
    vid = version_id(destination.owner, destination.name, len(destination.versions) + 1)
    app.store.add_version(destination, schema, vid, behaviour)
    job.output = {
        "version": f"{destination.full_name}:{vid}",
        "weights": f"{job.base}/output/{job.id}/weights.tar",
    }
    app.store.outputs[f"{job.id}/weights.tar"] = ("application/x-tar", b"emulated weights")


async def trainings_list(app: EmulatorApp, req: Request) -> Result:
    jobs = list(app.store.trainings.values())
    return page_response(
        req, jobs, app.store.page_size, lambda job: job.to_json(app.quirks), _job_position
    )


async def trainings_get(app: EmulatorApp, req: Request) -> Result:
    return Response(
        200, _job(app.store.trainings, req.params["training_id"], "training").to_bytes(app.quirks)
    )


async def trainings_cancel(app: EmulatorApp, req: Request) -> Result:
    job = _job(app.store.trainings, req.params["training_id"], "training")
    app.runner.cancel(job)
    return Response(200, job.to_bytes(app.quirks))


# -- models ------------------------------------------------------------------------------------
def _model_order(req: Request) -> tuple[Callable[[Model], Position], bool]:
    """A model's position in ``models.list`` (per ``sort_by``) and whether newest first."""
    sort_by = req.query.get("sort_by", "latest_version_created_at")
    direction = req.query.get("sort_direction", "desc")
    if sort_by not in ("model_created_at", "latest_version_created_at") or direction not in (
        "asc",
        "desc",
    ):
        raise HTTPError(
            problem(400, "Invalid sort", "sort_by or sort_direction has an unknown value")
        )

    def position(model: Model) -> Position:
        if sort_by == "latest_version_created_at" and model.versions:
            return (iso(model.versions[-1].created), model.full_name)
        return (iso(model.created), model.full_name)

    return position, direction == "desc"


async def models_list(app: EmulatorApp, req: Request) -> Result:
    position, descending = _model_order(req)
    models = list(app.store.models.values())
    return page_response(req, models, app.store.page_size, Model.to_json, position, descending)


def _search_models(app: EmulatorApp, query: str) -> list[Model]:
    words = query.lower().split()
    return [
        model
        for model in app.store.models.values()
        if all(w in f"{model.full_name} {model.description or ''}".lower() for w in words)
    ]


async def models_search(app: EmulatorApp, req: Request) -> Result:
    query = req.body.decode("utf-8", "replace").strip()
    if not query:
        raise HTTPError(problem(400, "Missing query", "QUERY /models needs a search text body"))
    # Oldest first (the store's order); by position, not index, so that a model deleted
    # between pages does not shift the rest past the cursor.
    page = paginate(
        req,
        _search_models(app, query),
        app.store.page_size,
        lambda model: (iso(model.created), model.full_name),
        descending=False,
    )
    results = []
    for model in page["results"]:
        item = model.to_json()
        del item["is_official"]
        item["description"] = item["description"] or ""
        results.append(item)
    page["results"] = results
    return json_response(page)


async def models_create(app: EmulatorApp, req: Request) -> Result:
    body = _body_object(req)
    missing = [
        f for f in ("owner", "name", "visibility", "hardware") if not isinstance(body.get(f), str)
    ]
    if missing:
        raise unprocessable(*(_required(f) for f in missing))
    if body["visibility"] not in ("public", "private"):
        raise unprocessable(InvalidField("enum", "visibility", "must be public or private"))
    full_name = f"{body['owner']}/{body['name']}"
    if full_name in app.store.models:
        raise HTTPError(problem(409, "Conflict", f"A model named {full_name} already exists."))
    model = Model(
        body["owner"],
        body["name"],
        body.get("description"),
        visibility=body["visibility"],
        hardware=body["hardware"],
        github_url=body.get("github_url"),
        paper_url=body.get("paper_url"),
        license_url=body.get("license_url"),
        cover_image_url=body.get("cover_image_url"),
    )
    app.store.models[full_name] = model
    return json_response(model.to_json(), 201)


async def models_get(app: EmulatorApp, req: Request) -> Result:
    return json_response(_model(app, req).to_json())


async def models_update(app: EmulatorApp, req: Request) -> Result:
    model = _model(app, req)
    body = _body_object(req)
    fields = ("description", "github_url", "license_url", "paper_url", "readme")
    wrong = [f for f in fields if f in body and not isinstance(body[f], str | None)]
    if wrong:  # stored, it would break every later GET of the model
        raise unprocessable(
            *(InvalidField("invalid_type", f, f"{f} must be a string") for f in wrong)
        )
    for field in fields:
        if field in body:
            setattr(model, field, body[field])
    return json_response(model.to_json())


async def models_delete(app: EmulatorApp, req: Request) -> Result:
    model = _model(app, req)
    if model.versions:
        raise HTTPError(problem(409, "Conflict", "Delete the model's versions before the model."))
    del app.store.models[model.full_name]
    return Response(204, content_type=None)


async def models_examples(app: EmulatorApp, req: Request) -> Result:
    model = _model(app, req)
    examples = [j for j in app.store.predictions.values() if j.model == model.full_name and j.done]
    return page_response(
        req, examples[:1], app.store.page_size, lambda job: job.to_json(app.quirks), _job_position
    )


async def models_readme(app: EmulatorApp, req: Request) -> Result:
    model = _model(app, req)
    if model.readme is None:
        raise not_found("readme")
    return Response(200, model.readme.encode(), b"text/plain; charset=utf-8")


async def versions_list(app: EmulatorApp, req: Request) -> Result:
    model = _model(app, req)
    return page_response(
        req,
        model.versions,
        app.store.page_size,
        Version.to_json,
        lambda version: (iso(version.created), version.id),
    )


def _version(app: EmulatorApp, req: Request) -> tuple[Model, Version]:
    model = _model(app, req)
    for version in model.versions:
        if version.id == req.params["version_id"]:
            return model, version
    raise not_found("version")


async def versions_get(app: EmulatorApp, req: Request) -> Result:
    return json_response(_version(app, req)[1].to_json())


async def versions_delete(app: EmulatorApp, req: Request) -> Result:
    model, version = _version(app, req)
    # Two of the API's documented refusals; the others (private models only, no other
    # user's predictions) would refuse every delete of the emulator's own models.
    deployed = [
        f"{d.owner}/{d.name}" for d in app.store.deployments.values() if d.version == version.id
    ]
    if deployed:
        raise HTTPError(
            problem(
                409,
                "Conflict",
                f"Version {version.id} is used by deployment {deployed[0]}: a version with a "
                "deployment cannot be deleted.",
            )
        )
    if any(job.version == version.id for job in app.store.trainings.values()):
        raise HTTPError(
            problem(
                409,
                "Conflict",
                f"Version {version.id} is the base of a training: it cannot be deleted.",
            )
        )
    model.versions.remove(version)
    del app.store.versions[version.id]
    return Response(202, content_type=None)


# -- deployments -------------------------------------------------------------------------------
def _deployment(app: EmulatorApp, req: Request) -> Deployment:
    key = f"{req.params['deployment_owner']}/{req.params['deployment_name']}"
    deployment = app.store.deployments.get(key)
    if deployment is None:
        raise not_found("deployment")
    return deployment


def _check_deployment(body: dict[str, Any], current: Deployment | None = None) -> None:
    """Refuse a deployment create (or an update of ``current``) with fields of the wrong
    type or range, or more minimum than maximum instances."""
    for field in ("name", "model", "version", "hardware"):
        if field in body and not isinstance(body[field], str):
            raise unprocessable(InvalidField("invalid_type", field, f"{field} must be a string"))
    for field, top in (("min_instances", 5), ("max_instances", 20)):
        value = body.get(field)
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= top
        ):
            raise unprocessable(InvalidField("range", field, f"must be an integer from 0 to {top}"))
    low = body.get("min_instances", current.min_instances if current else None)
    high = body.get("max_instances", current.max_instances if current else None)
    if low is not None and high is not None and low > high:
        raise unprocessable(
            InvalidField("range", "min_instances", "must not be more than max_instances")
        )


async def deployments_list(app: EmulatorApp, req: Request) -> Result:
    deployments = list(app.store.deployments.values())
    return page_response(
        req,
        deployments,
        app.store.page_size,
        Deployment.to_json,
        lambda d: (iso(d.created), f"{d.owner}/{d.name}"),  # newest first, as the API lists
    )


async def deployments_create(app: EmulatorApp, req: Request) -> Result:
    body = _body_object(req)
    required = ("name", "model", "version", "hardware", "min_instances", "max_instances")
    missing = [f for f in required if f not in body]
    if missing:
        raise unprocessable(*(_required(f) for f in missing))
    _check_deployment(body)
    if not app.store.is_version_of(body["model"], body["version"]):
        raise unprocessable(InvalidField("not_found", "version", "not a version of this model"))
    key = f"{OWNER}/{body['name']}"
    if key in app.store.deployments:
        raise HTTPError(problem(409, "Conflict", f"Deployment {key} already exists."))
    deployment = Deployment(
        OWNER,
        body["name"],
        body["model"],
        body["version"],
        body["hardware"],
        body["min_instances"],
        body["max_instances"],
    )
    app.store.deployments[key] = deployment
    return json_response(deployment.to_json())


async def deployments_get(app: EmulatorApp, req: Request) -> Result:
    return json_response(_deployment(app, req).to_json())


async def deployments_update(app: EmulatorApp, req: Request) -> Result:
    deployment = _deployment(app, req)
    body = _body_object(req)
    _check_deployment(body, deployment)
    if "version" in body:
        found = app.store.versions.get(body["version"])
        if found is None:
            raise unprocessable(InvalidField("not_found", "version", "unknown version"))
        deployment.version, deployment.model = body["version"], found[0].full_name
    for field in ("hardware", "min_instances", "max_instances"):
        if field in body:
            setattr(deployment, field, body[field])
    deployment.number += 1
    return json_response(deployment.to_json())


async def deployments_delete(app: EmulatorApp, req: Request) -> Result:
    deployment = _deployment(app, req)
    del app.store.deployments[f"{deployment.owner}/{deployment.name}"]
    return Response(204, content_type=None)


# -- small read-only resources -------------------------------------------------------------------
async def account_get(app: EmulatorApp, req: Request) -> Result:
    return json_response(ACCOUNT)


async def hardware_list(app: EmulatorApp, req: Request) -> Result:
    return json_response(HARDWARE)


async def collections_list(app: EmulatorApp, req: Request) -> Result:
    items = [{k: c[k] for k in ("slug", "name", "description")} for c in app.store.collections()]
    return json_response(paginate(req, items, app.store.page_size))


async def collections_get(app: EmulatorApp, req: Request) -> Result:
    for collection in app.store.collections():
        if collection["slug"] == req.params["collection_slug"]:
            return json_response(collection)
    raise not_found("collection")


async def search(app: EmulatorApp, req: Request) -> Result:
    query = req.query.get("query", "").strip()
    if not query:
        return Response(400, b'{"detail":"query is required"}')
    try:
        limit = int(req.query.get("limit", "20"))
    except ValueError:
        return Response(400, b'{"detail":"limit must be an integer"}')
    models = _search_models(app, query)[: max(1, min(limit, 50))]
    words = query.lower().split()
    collections = [
        {
            "slug": c["slug"],
            "name": c["name"],
            "description": c["description"],
            "models": [f"{m['owner']}/{m['name']}" for m in c["models"]],
        }
        for c in app.store.collections()
        if all(w in f"{c['slug']} {c['name']} {c['description']}".lower() for w in words)
    ]
    return json_response(
        {
            "query": query,
            "models": [
                {
                    "model": m.to_json(),
                    "metadata": {
                        "generated_description": m.description,
                        "score": 1.0,
                        "tags": ["emulator"],
                    },
                }
                for m in models
            ],
            "collections": collections,
            "pages": [],
        }
    )


async def webhook_secret(app: EmulatorApp, req: Request) -> Result:
    return json_response({"key": app.store.webhook_secret})


# -- control endpoints (used by Emulator(process=True)) ----------------------------------------
async def control_reset(app: EmulatorApp, req: Request) -> Result:
    app.reset()
    return Response(204, content_type=None)


async def control_faults_add(app: EmulatorApp, req: Request) -> Result:
    body = _body_object(req)
    try:
        app.faults.add(**body)
    except (TypeError, ValueError) as exc:
        raise HTTPError(problem(400, "Invalid fault", str(exc))) from None
    return Response(204, content_type=None)


def summary(app: EmulatorApp) -> dict[str, Any]:
    """Counts and statuses, for inspecting an emulator that runs in another process."""
    return {
        "requests": len(app.requests),
        "predictions": {job.id: job.status for job in app.store.predictions.values()},
        "trainings": {job.id: job.status for job in app.store.trainings.values()},
        "webhook_deliveries": len(app.webhooks.deliveries),
    }


async def control_state(app: EmulatorApp, req: Request) -> Result:
    return json_response(summary(app))


async def control_faults_clear(app: EmulatorApp, req: Request) -> Result:
    app.faults.clear()
    return Response(204, content_type=None)


# -- route table ---------------------------------------------------------------------------------
Handler = Callable[["EmulatorApp", Request], Awaitable[Result]]

# fmt: off
_DEPLOYMENT = "/deployments/{deployment_owner}/{deployment_name}"
_MODEL = "/models/{model_owner}/{model_name}"
_VERSION = _MODEL + "/versions/{version_id}"
_PREDICTION = "/predictions/{prediction_id}"
_TRAINING = "/trainings/{training_id}"

_ROUTES: list[tuple[str, str, str, Handler]] = [
    ("GET", "/account", "account.get", account_get),
    ("GET", "/collections", "collections.list", collections_list),
    ("GET", "/collections/{collection_slug}", "collections.get", collections_get),
    ("GET", "/deployments", "deployments.list", deployments_list),
    ("POST", "/deployments", "deployments.create", deployments_create),
    ("DELETE", _DEPLOYMENT, "deployments.delete", deployments_delete),
    ("GET", _DEPLOYMENT, "deployments.get", deployments_get),
    ("PATCH", _DEPLOYMENT, "deployments.update", deployments_update),
    ("POST", _DEPLOYMENT + "/predictions", "deployments.predictions.create",
     deployments_predictions_create),
    ("GET", "/files", "files.list", files_api.files_list),
    ("DELETE", "/files/{file_id}", "files.delete", files_api.files_delete),
    ("GET", "/files/{file_id}", "files.get", files_api.files_get),
    ("GET", "/hardware", "hardware.list", hardware_list),
    ("GET", "/models", "models.list", models_list),
    ("POST", "/models", "models.create", models_create),
    ("QUERY", "/models", "models.search", models_search),
    ("DELETE", _MODEL, "models.delete", models_delete),
    ("GET", _MODEL, "models.get", models_get),
    ("PATCH", _MODEL, "models.update", models_update),
    ("GET", _MODEL + "/examples", "models.examples.list", models_examples),
    ("POST", _MODEL + "/predictions", "models.predictions.create", models_predictions_create),
    ("GET", _MODEL + "/readme", "models.readme.get", models_readme),
    ("GET", _MODEL + "/versions", "models.versions.list", versions_list),
    ("DELETE", _VERSION, "models.versions.delete", versions_delete),
    ("GET", _VERSION, "models.versions.get", versions_get),
    ("POST", _VERSION + "/trainings", "trainings.create", trainings_create),
    ("GET", "/predictions", "predictions.list", predictions_list),
    ("POST", "/predictions", "predictions.create", predictions_create),
    ("GET", _PREDICTION, "predictions.get", predictions_get),
    ("POST", _PREDICTION + "/cancel", "predictions.cancel", predictions_cancel),
    ("GET", "/search", "search", search),
    ("GET", "/trainings", "trainings.list", trainings_list),
    ("GET", _TRAINING, "trainings.get", trainings_get),
    ("POST", _TRAINING + "/cancel", "trainings.cancel", trainings_cancel),
    ("GET", "/webhooks/default/secret", "webhooks.default.secret.get", webhook_secret),
]
# fmt: on


def routes(app: EmulatorApp) -> list[Route]:
    """Every route bound to ``app``: the API under ``/v1`` plus the public stream/file URLs."""
    table = [Route(m, "/v1" + p, op, partial(h, app)) for m, p, op, h in _ROUTES]
    table += [
        Route(
            "POST",
            "/v1/files",
            "files.create",
            partial(files_api.files_create, app),
            stream_body=True,
        ),
        Route(
            "GET",
            "/v1/files/{file_id}/download",
            "files.download",
            partial(files_api.files_download, app),
            auth=False,
        ),
        Route(
            "GET", "/stream/{prediction_id}", "stream", partial(prediction_stream, app), auth=False
        ),
        Route(
            "GET", "/output/{prediction_id}/{name}", "output", partial(output_file, app), auth=False
        ),
        Route("POST", "/_emulator/reset", "control", partial(control_reset, app), auth=False),
        Route("GET", "/_emulator/state", "control", partial(control_state, app), auth=False),
        Route("POST", "/_emulator/faults", "control", partial(control_faults_add, app), auth=False),
        Route(
            "DELETE", "/_emulator/faults", "control", partial(control_faults_clear, app), auth=False
        ),
    ]
    return table
