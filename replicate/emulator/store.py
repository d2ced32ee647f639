"""All server-side state of one emulator: models, versions, jobs, deployments, files."""

from __future__ import annotations

import base64
import hashlib
import random
import string
import threading
from datetime import datetime
from typing import IO, Any

import attrs

from .catalog import OWNER, Behaviour, ModelSpec, final_output, seeded_models
from .jobs import Job, iso, now

ACCOUNT = {
    "type": "user",
    "username": OWNER,
    "name": "Emulator User",
    "github_url": "https://github.com/emulator",
}

HARDWARE = [
    {"name": "CPU", "sku": "cpu"},
    {"name": "Nvidia T4 GPU", "sku": "gpu-t4"},
    {"name": "Nvidia L40S GPU", "sku": "gpu-l40s"},
    {"name": "Nvidia A100 (80GB) GPU", "sku": "gpu-a100-large"},
]


@attrs.define
class Version:
    """A model version: id, creation time, cog schema and what running it does.

    ``behaviour`` None means the model's own (trained versions may bring another).
    """

    id: str
    created: datetime
    schema: dict[str, Any] | None  # None: the version publishes no schema (inputs unchecked)
    behaviour: Behaviour | None = None
    cog_version: str = "0.13.0"

    def to_json(self) -> dict[str, Any]:
        """The API representation."""
        return {
            "id": self.id,
            "created_at": iso(self.created),
            "cog_version": self.cog_version,
            "openapi_schema": self.schema,
        }


@attrs.define
class Model:
    """A model and its versions (newest last)."""

    owner: str
    name: str
    description: str | None
    visibility: str = "public"
    official: bool = False
    hardware: str = "cpu"
    github_url: str | None = None
    paper_url: str | None = None
    license_url: str | None = None
    cover_image_url: str | None = None
    readme: str | None = None
    run_count: int = 0
    created: datetime = attrs.field(factory=now)
    versions: list[Version] = attrs.field(factory=list)
    spec: ModelSpec | None = None
    default_example: dict[str, Any] | None = None

    @property
    def full_name(self) -> str:
        """``owner/name``."""
        return f"{self.owner}/{self.name}"

    @property
    def schema(self) -> dict[str, Any] | None:
        """The schema predictions are validated against (latest version or official model)."""
        if self.versions:
            return self.versions[-1].schema
        return self.spec.schema if self.spec else None

    def to_json(self) -> dict[str, Any]:
        """The API representation."""
        latest = self.versions[-1].to_json() if self.versions else None
        return {
            "url": f"https://replicate.com/{self.full_name}",
            "owner": self.owner,
            "name": self.name,
            "description": self.description,
            "visibility": self.visibility,
            "github_url": self.github_url,
            "paper_url": self.paper_url,
            "license_url": self.license_url,
            "cover_image_url": self.cover_image_url,
            "run_count": self.run_count,
            "is_official": self.official,
            "default_example": self.default_example,
            "latest_version": latest,
        }


@attrs.define
class Deployment:
    """A deployment serving one model version."""

    owner: str
    name: str
    model: str
    version: str
    hardware: str
    min_instances: int
    max_instances: int
    number: int = 1
    created: datetime = attrs.field(factory=now)

    def to_json(self) -> dict[str, Any]:
        """The API representation."""
        return {
            "owner": self.owner,
            "name": self.name,
            "current_release": {
                "number": self.number,
                "model": self.model,
                "version": self.version,
                "created_at": iso(self.created),
                "created_by": ACCOUNT,
                "configuration": {
                    "hardware": self.hardware,
                    "min_instances": self.min_instances,
                    "max_instances": self.max_instances,
                },
            },
        }


@attrs.define
class StoredFile:
    """An uploaded file; ``data`` is a spooled temporary file."""

    id: str
    name: str
    content_type: str
    size: int
    sha256: str
    metadata: dict[str, Any]
    created: datetime
    expires: datetime
    data: IO[bytes]
    # Downloads (on the server's loop) and model runs (worker threads) read the one file at
    # once: each read seeks to its own offset under this lock.
    _lock: threading.Lock = attrs.field(factory=threading.Lock, init=False, repr=False)

    def to_json(self, base: str) -> dict[str, Any]:
        """The API representation."""
        return {
            "id": self.id,
            "name": self.name,
            "content_type": self.content_type,
            "size": self.size,
            "etag": self.sha256[:32],
            "checksums": {"sha256": self.sha256},
            "metadata": self.metadata,
            "created_at": iso(self.created),
            "expires_at": iso(self.expires),
            "urls": {"get": f"{base}/v1/files/{self.id}"},
        }

    def read(self) -> bytes:
        """Whole content (files are small enough in tests; downloads stream by chunks)."""
        return self.read_at(0, -1)

    def read_at(self, offset: int, size: int) -> bytes:
        """Up to ``size`` bytes (-1: all) from ``offset``, whoever else is reading."""
        with self._lock:
            self.data.seek(offset)
            return self.data.read(size)


@attrs.define
class CollectionSpec:
    """A collection: its slug, name, description and member models (``owner/name``)."""

    slug: str
    name: str
    description: str
    members: list[str]


def seeded_collections() -> list[CollectionSpec]:
    """The collections every emulator starts with."""
    every = ["echo", "stream-text", "image", "fail", "slow", "official"]
    text = ["echo", "stream-text", "official"]
    return [
        CollectionSpec(
            "emulator-models",
            "Emulator models",
            "Every model the emulator ships.",
            [f"{OWNER}/{m}" for m in every],
        ),
        CollectionSpec(
            "text", "Text models", "Models that produce text.", [f"{OWNER}/{m}" for m in text]
        ),
    ]


_ID_ALPHABET = string.ascii_lowercase + string.digits
_EVERY_PREDICTION_HAS = frozenset({"id", "model", "version", "status", "created_at"})


class Store:
    """The emulator's state; everything is rebuilt from the seed on :meth:`reset`."""

    def __init__(
        self, seed: int = 0, page_size: int = 100, permanent: list[ModelSpec] | None = None
    ) -> None:
        self.seed = seed
        self.page_size = page_size
        #: Models that survive :meth:`reset` besides the seeds (``--models`` at start-up).
        self.permanent: list[ModelSpec] = list(permanent or [])
        self.files: dict[str, StoredFile] = {}
        self.reset()

    def close_files(self) -> None:
        """Close the uploads' spooled data and forget the uploads (the emulator is stopping
        or resetting): a file listed is one that can be read."""
        for stored in self.files.values():
            stored.data.close()
        self.files = {}

    def reset(self) -> None:
        """Drop all state and reseed the models, deployments and id generator."""
        self.close_files()
        self.rng = random.Random(self.seed)
        self.models: dict[str, Model] = {}
        self.versions: dict[str, tuple[Model, Version]] = {}
        self.predictions: dict[str, Job] = {}
        self.trainings: dict[str, Job] = {}
        self.deployments: dict[str, Deployment] = {}
        self.collection_specs = {c.slug: c for c in seeded_collections()}
        self.files = {}
        self.outputs: dict[str, tuple[str, bytes]] = {}
        self.webhook_secret = "whsec_" + base64.b64encode(self.rng.randbytes(24)).decode()
        self.signing_key = self.rng.randbytes(32)
        for spec in [*seeded_models(), *self.permanent]:
            self.add_spec(spec)
        echo = self.models[f"{OWNER}/echo"]
        self.deployments[f"{OWNER}/echo-deployment"] = Deployment(
            OWNER, "echo-deployment", echo.full_name, echo.versions[-1].id, "cpu", 0, 1
        )

    def add_spec(self, spec: ModelSpec) -> Model:
        """Register ``spec`` as a runnable model, replacing any model of that name."""
        old = self.models.pop(spec.full_name, None)
        for version in old.versions if old else ():
            self.versions.pop(version.id, None)
        extra = dict(spec.extra)
        model = Model(
            spec.owner,
            spec.name,
            spec.description,
            official=spec.official,
            spec=spec,
            readme=extra.pop("readme", f"# {spec.full_name}\n\n{spec.description or ''}\n"),
            **extra,
        )
        self.models[model.full_name] = model
        for vid in spec.ids():
            self.add_version(model, spec.schema, vid, cog_version=spec.cog_version)
        # A deployment of the replaced model serves the new one (its old version is gone).
        for deployment in self.deployments.values():
            if deployment.model == model.full_name and deployment.version not in self.versions:
                deployment.version = model.versions[-1].id
        given = spec.default_example
        if given is not None:
            # Often only {"input", "output"} is written: the fields every prediction has are
            # filled in, as clients (replicate 1.x) read default_example as a prediction.
            example_id = hashlib.sha256(model.full_name.encode()).hexdigest()[:26]
            whole = self._example(model, given.get("input", {}), given.get("output"), example_id)
            filled = {k: v for k, v in whole.items() if k in _EVERY_PREDICTION_HAS}
            model.default_example = {**filled, **given}
        elif spec.example is not None:
            output = final_output(spec.behaviour(spec.example))
            model.default_example = self._example(model, spec.example, output, self.new_id())
        return model

    @staticmethod
    def _example(model: Model, inp: Any, output: Any, example_id: str) -> dict[str, Any]:
        # Shaped like the API's default_example: a finished prediction lacking urls.
        moment = iso(now())
        return {
            "id": example_id,
            "model": model.full_name,
            "version": model.versions[-1].id if model.versions else "",
            "input": inp,
            "output": output,
            "logs": "",
            "error": None,
            "status": "succeeded",
            "created_at": moment,
            "started_at": moment,
            "completed_at": moment,
            "metrics": {"predict_time": 0.05},
        }

    def add_version(
        self,
        model: Model,
        schema: dict[str, Any] | None,
        vid: str,
        behaviour: Behaviour | None = None,
        cog_version: str | None = None,
    ) -> Version:
        """Attach a new version to ``model`` (``behaviour``: when it runs unlike the model;
        ``cog_version``: the cog it was built with, when not the current one)."""
        version = Version(vid, now(), schema, behaviour)
        if cog_version is not None:
            version.cog_version = cog_version
        model.versions.append(version)
        self.versions[vid] = (model, version)
        return version

    def new_id(self, length: int = 26) -> str:
        """A random id in the API's style, drawn from the seeded generator."""
        return "".join(self.rng.choices(_ID_ALPHABET, k=length))

    def collections(self) -> list[dict[str, Any]]:
        """Collection objects with their models."""
        return [
            {
                "slug": spec.slug,
                "name": spec.name,
                "description": spec.description,
                "full_description": None,
                "models": [self.models[m].to_json() for m in spec.members if m in self.models],
            }
            for spec in self.collection_specs.values()
        ]

    def add_collection(self, spec: CollectionSpec) -> None:
        """Serve ``spec``, replacing a collection of the same slug."""
        self.collection_specs[spec.slug] = spec

    def is_version_of(self, model: str, version: str) -> bool:
        """Whether ``version`` is a version of ``model`` (``owner/name``) here."""
        found = self.versions.get(version)
        return found is not None and found[0].full_name == model

    def add_deployment(
        self,
        owner: str,
        name: str,
        model: str,
        version: str | None,
        hardware: str,
        min_instances: int,
        max_instances: int,
    ) -> Deployment:
        """Serve a deployment of ``model`` (its ``version``, default the latest) under any
        owner, replacing one of the same name."""
        found = self.models.get(model)
        if found is None or not found.versions:
            raise ValueError(f"no model {model!r} with a version in this emulator")
        if version is None:
            version = found.versions[-1].id
        elif not self.is_version_of(model, version):
            raise ValueError(f"{version!r} is not a version of {model}")
        deployment = Deployment(owner, name, model, version, hardware, min_instances, max_instances)
        self.deployments[f"{owner}/{name}"] = deployment
        return deployment
