"""The deliberate differences from replicate 1.0.7, each with its reason.

``docs/migrating.md`` lists exactly these (a test checks that every key appears there), and
``test_scenarios.py`` asserts each as a difference: the scenarios named in ``scenarios`` must
give a different outcome with 1.0.7 than with ours, and every other scenario must give the
same. ``aspects`` says what differs: ``result`` (return value or exception) and/or
``requests`` (what the server saw).
"""

from __future__ import annotations

from typing import Literal, NamedTuple


class Difference(NamedTuple):
    key: str
    summary: str
    reason: str
    scenarios: tuple[str, ...]
    aspects: tuple[Literal["result", "requests"], ...] = ("result",)


DIFFERENCES: tuple[Difference, ...] = (
    Difference(
        "auth-after-hooks",
        "httpx request event hooks see API requests without the Authorization header.",
        "The token is added by the transport as each request is sent: it is read per request "
        "(a changed REPLICATE_API_TOKEN applies), never attached to requests for other hosts, "
        "and hooks that log requests cannot leak it.",
        ("event_hook_sees_authorization",),
    ),
    Difference(
        "retries",
        "A 429 is retried for every method, POST included (honouring Retry-After); 5xx, "
        "timeouts and dropped connections are retried for idempotent methods.",
        "1.x retried only 429/503/504 and never a POST, so a rate-limited create failed; "
        "a 429 means the request was not processed, so retrying it cannot duplicate anything.",
        ("retry_post_429",),
    ),
    Difference(
        "version-delete-true",
        "model.versions.delete(id) returns True when the API accepts the delete (202).",
        "1.x expected 204 and returned False for the API's 202, reporting a delete that "
        "happened as one that failed.",
        ("version_delete",),
    ),
    Difference(
        "aborted-terminal",
        "`aborted` is a terminal status: waiting ends.",
        "1.x kept polling an aborted prediction forever (a hang).",
        ("aborted_wait",),
    ),
    Difference(
        "canceled-raises",
        "A run whose prediction is canceled or aborted raises ModelError.",
        "1.x returned the canceled prediction's None output as if it were the result.",
        ("canceled_run",),
    ),
    Difference(
        "waiting-by-stream",
        "Waiting (prediction.wait(), run(wait=False), iterator outputs) follows the "
        "prediction's event stream when it has one, else (or if it fails) polls on an "
        "adaptive schedule.",
        "Finishes as soon as the prediction does, with one request instead of a poll every "
        "0.5 s; results are the same.",
        (
            "run_tokens_by_name_wait_false",
            "run_tokens_by_version_wait_false",
            "wait_and_reload",
            "output_iterator",
            "async_output_iterator",
            "poll_interval_zero",
            "wait_zero",
            "canceled_run",
            "aborted_wait",
        ),
        ("requests",),
    ),
    Difference(
        "stream-field",
        'stream() and run() never add the deprecated `"stream": true` body field on their '
        "own (an explicit predictions.create(stream=...) is sent as given).",
        "The field is deprecated and has no effect: every prediction can be streamed.",
        (
            "stream_tokens",
            "async_stream_tokens",
            "stream_file_outputs",
            "stream_file_outputs_off",
            "async_stream_file_outputs",
            "stream_error_message",
        ),
        ("requests",),
    ),
    Difference(
        "http-file-output",
        "URL outputs on plain http:// hosts become FileOutput too.",
        "1.x left http:// URLs (local and self-hosted servers) as strings, so code reading "
        "outputs had to handle two types.",
        ("run_image_files",),
        ("result", "requests"),  # the FileOutputs are read
    ),
    Difference(
        "no-token-401",
        "When no token is set, a 401's message says so and names REPLICATE_API_TOKEN.",
        "1.x gave the bare 401, leaving the user to guess that no token was configured.",
        ("no_token",),
    ),
    Difference(
        "dict-is-json",
        "dict(obj), .dict() and .json() give the JSON the API sent, every field included.",
        "1.x's pydantic models dropped fields they did not declare (data loss).",
        ("prediction_dict_keys",),
    ),
    Difference(
        "webhook-tolerance",
        "webhooks.validate refuses deliveries older than 300 s unless tolerance=None.",
        "Replay protection by default; 1.x checked the age only when given a tolerance.",
        ("webhook_stale_default_tolerance",),
    ),
    Difference(
        "webhook-returns-true",
        "webhooks.validate returns True (1.x returned None); failures still raise.",
        "`if validate(...)` works; code relying on exceptions is unaffected.",
        ("webhook_valid_returns",),
    ),
    Difference(
        "webhook-secret-not-echoed",
        "Webhook errors never contain the signing secret.",
        "1.x echoed a malformed secret in its error message (a secret in logs).",
        ("webhook_malformed_secret",),
    ),
    Difference(
        "body-caps",
        "API answers over 32 MiB (decoded) raise ResponseTooLargeError; error bodies are read "
        "up to 64 KiB.",
        "1.x read any body whole, so a huge or highly compressed answer could exhaust memory.",
        ("huge_answer", "huge_error_body"),
    ),
    Difference(
        "redirect-raises",
        "A 3xx answer to an API call raises ReplicateError with its status.",
        "1.x tried to parse the redirect's body and raised a bare JSONDecodeError naming "
        "neither the request nor the status.",
        ("redirect_answer",),
    ),
    Difference(
        "numbers-checked",
        "NaN, infinite and out-of-range numbers (timeouts, wait, cancel_after) are refused "
        "with ValueError before anything is sent.",
        "1.x sent wait=61 or a negative wait to the API, ignored cancel_after, and failed "
        "deep inside the socket layer on a NaN timeout.",
        ("bad_numbers",),
        ("result", "requests"),
    ),
    Difference(
        "total-time-bound",
        "Each attempt of an API call must be answered whole within the read timeout.",
        "1.x bounded only each read, so a server trickling bytes kept a call running indefinitely.",
        ("slow_answer",),
    ),
    Difference(
        "accept-encoding",
        "API requests ask only for gzip and deflate (1.x asks for whatever httpx can decode, "
        "e.g. zstd and br when those packages are installed).",
        "Only these are inflated while counting against the body caps; the others cannot be "
        "bounded.",
        ("accept_encoding",),
    ),
    Difference(
        "version-checked",
        "A version in a reference (owner/name:VERSION) must be 64 hex digits when sent; "
        "ModelVersionIdentifier.parse stays lenient as in 1.x.",
        "1.x sent `latest`, typos and truncated ids to the API; the error comes before any "
        "request and names the reference.",
        ("run_version_not_hex",),
        ("result", "requests"),
    ),
    Difference(
        "http-webhooks",
        "Plain http:// webhook URLs are refused unless the API is on loopback (e.g. the "
        "emulator) or Client(allow_http_webhooks=True).",
        "The API delivers webhooks to HTTPS endpoints; an http:// URL sends the prediction "
        "(inputs, outputs) in clear text.",
        ("http_webhook_remote_api",),
    ),
    Difference(
        "cancel-after-format",
        "cancel_after must be seconds or a duration like '30s', '5m', '1h30m' (no spaces); "
        "others raise ValueError.",
        "1.x ignored cancel_after, so a prediction meant to be bounded ran on unbounded.",
        ("cancel_after_with_space",),
        ("result", "requests"),
    ),
    Difference(
        "path-parameters",
        "Ids and names used in URL paths must not be empty, `.`, `..` or contain `/`; all "
        "others are percent-encoded.",
        "1.x put them in the path as given: `..` reached other endpoints with the token "
        "(predictions.get('..') requested /v1).",
        ("path_traversal",),
        ("result", "requests"),
    ),
    Difference(
        "arguments-checked",
        "Unknown keyword arguments to create and run raise TypeError, and unknown "
        "webhook_events_filter names InvalidArgumentError, before anything is sent.",
        "1.x dropped unknown keywords silently, so a misspelt webhook_events_filter sent "
        "every event, and sent unknown event names for the API to refuse.",
        ("unknown_create_arguments",),
        ("result", "requests"),
    ),
    Difference(
        "data-uri-base64",
        "Reading a data: URI with malformed base64 raises ValueError.",
        "1.x decoded it silently to wrong bytes (`@@@@` gave b'').",
        ("data_uri_bad_base64",),
    ),
    Difference(
        "token-scrubbed",
        "The API token is scrubbed from every exception message and log record, even when a "
        "server echoes it back.",
        "1.x put an echoed token into ReplicateError's message, and so into logs.",
        ("token_echoed",),
    ),
    Difference(
        "stream-file-output-off",
        "use_file_output=False keeps URL data as text in stream() and in run()'s iterator outputs.",
        "1.x ignored False there and always made FileOutput objects of URL data.",
        ("stream_file_outputs_off",),
        ("result", "requests"),  # 1.x's FileOutputs are read
    ),
    Difference(
        "create-forwards-wait",
        "predictions.create(model=... or deployment=..., wait=..., file_encoding_strategy=...) "
        "honours both, as with version=.",
        "1.x dropped them on the way to models.predictions.create / "
        "deployments.predictions.create: wait=True returned a starting prediction.",
        ("create_model_prediction_wait",),
        ("result", "requests"),
    ),
    Difference(
        "event-names-are-text",
        'An event\'s name compares equal to its text (event.event == "output") and '
        'str(event.event) is "output"; EventType members still compare and work as in 1.x.',
        "1.x's EventType was a plain Enum: comparing it with the text was always False (a "
        'branch on event.event == "output" never ran), and str() gave "EventType.OUTPUT".',
        ("event_name_as_text",),
    ),
    Difference(
        "processing-is-not-done",
        "A run whose Prefer: wait create answers while the prediction is still processing "
        "waits for it to finish.",
        "1.x took any blocking answer other than starting as final and returned its output: "
        "None or a partial output when the model outlasted the hold.",
        ("run_outlasting_its_wait",),
        ("result", "requests"),
    ),
    Difference(
        "token-to-api-origin",
        "The API token is sent only to the API's origin (not to file hosts when reading a "
        "FileOutput, nor to stream URLs elsewhere unless authenticate_streams=True).",
        "1.x sent the token to whatever host served an output file.",
        ("file_output_other_host",),
    ),
)


class NotProvided(NamedTuple):
    key: str
    summary: str
    reason: str
    #: ``module``, ``module.Name``, ``module.Name.method`` or ``*.method`` (any class).
    names: tuple[str, ...]


#: Public 1.x names this package does not have, on purpose (test_api_surface.py skips them and
#: checks each really exists in 1.x).
_PYDANTIC_CLASSES = (
    "replicate.account.Account",
    "replicate.collection.Collection",
    "replicate.deployment.Deployment",
    "replicate.file.File",
    "replicate.hardware.Hardware",
    "replicate.model.Model",
    "replicate.pagination.Page",
    "replicate.prediction.Prediction",
    "replicate.resource.Resource",
    "replicate.stream.ServerSentEvent",
    "replicate.training.Training",
    "replicate.version.Version",
    "replicate.webhook.WebhookSigningSecret",
)
_PYDANTIC_METHODS = ("__init__", "__iter__", "dict", "json")

NOT_PROVIDED: tuple[NotProvided, ...] = (
    NotProvided(
        "pydantic-model-api",
        "Returned objects are attrs classes, not pydantic models: pydantic's class-level API "
        "(construct, copy, parse_obj, parse_raw, parse_file, from_orm, schema, schema_json, "
        "validate, update_forward_refs) is not provided; dict(obj), .dict(), .json(), "
        ".model_dump() and .model_dump_json() are.",
        "Runtime dependencies stay few (no pydantic); those methods build or re-validate "
        "objects from untrusted data, which API results never need.",
        tuple(
            f"*.{method}"
            for method in (
                "construct",
                "copy",
                "from_orm",
                "parse_file",
                "parse_obj",
                "parse_raw",
                "schema",
                "schema_json",
                "update_forward_refs",
                "validate",
            )
        )
        # pydantic's keyword constructor (``__pydantic_self__``) and its dict()/json() options
        # (include=, exclude=, by_alias=, ...): ours take none.
        + tuple(f"{cls}.{method}" for cls in _PYDANTIC_CLASSES for method in _PYDANTIC_METHODS),
    ),
    NotProvided(
        "internals",
        "1.x's implementation classes RetryTransport and EventSource, and the resource class "
        "1.x kept on its models namespace (Models.model), are not provided.",
        "They have no documented contract; retries are configured with Client(retry=...) / "
        "RetryPolicy, streams are read with client.stream(), and the model class is "
        "replicate.model.Model.",
        (
            "replicate.client.RetryTransport",
            "replicate.stream.EventSource",
            "replicate.model.Models.model",
        ),
    ),
)
