"""``run`` / ``async_run``: create a prediction, wait for it, return its output.

The prediction is created with ``Prefer: wait`` so short runs finish in one
request; longer ones fall back to :meth:`Prediction.wait`. Output post-processing
(files, iterators) happens in :func:`finish`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._job import is_terminal
from .exceptions import ModelError
from .identifier import ModelVersionIdentifier, is_version_id

if TYPE_CHECKING:
    from .client import Client
    from .prediction import Prediction


def run_target(ref: Any) -> dict[str, Any]:
    """``model=``/``version=`` arguments of ``predictions.create`` for a run reference.

    Accepts ``owner/name``, ``owner/name:version``, a bare 64-hex version id, a
    Model, a Version or a ModelVersionIdentifier; anything else is a ``ValueError``
    or ``TypeError`` before any request.
    """
    if isinstance(ref, ModelVersionIdentifier):
        return {"version": ref.version} if ref.version else {"model": (ref.owner, ref.name)}
    if isinstance(ref, str):
        if is_version_id(ref):
            return {"version": ref}
        parsed = ModelVersionIdentifier.parse(ref)
        return run_target(parsed)
    if hasattr(ref, "owner") and hasattr(ref, "name"):
        return {"model": ref}
    if hasattr(ref, "openapi_schema") and hasattr(ref, "id"):
        return {"version": ref.id}
    raise TypeError(
        f"ref must be 'owner/name', 'owner/name:version', a version id, a Model or a Version; "
        f"got {type(ref).__name__}"
    )


def finish(client: Client, prediction: Prediction, use_file_output: bool | None) -> Any:
    """The run's result: the output of a succeeded prediction, else ``ModelError``."""
    if prediction.status != "succeeded":
        raise ModelError(prediction)
    return prediction.output


def run(
    client: Client,
    ref: Any,
    input: dict[str, Any] | None = None,
    *,
    wait: bool | int = True,
    use_file_output: bool | None = True,
    **params: Any,
) -> Any:
    """See :meth:`replicate.Client.run`."""
    target = run_target(ref)
    prediction = client.predictions.create(**target, input=input, wait=wait, **params)
    if not is_terminal(prediction.status):
        prediction.wait()
    return finish(client, prediction, use_file_output)


async def async_run(
    client: Client,
    ref: Any,
    input: dict[str, Any] | None = None,
    *,
    wait: bool | int = True,
    use_file_output: bool | None = True,
    **params: Any,
) -> Any:
    """See :meth:`replicate.Client.async_run`."""
    target = run_target(ref)
    prediction = await client.predictions.async_create(**target, input=input, wait=wait, **params)
    if not is_terminal(prediction.status):
        await prediction.async_wait()
    return finish(client, prediction, use_file_output)
