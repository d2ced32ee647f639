"""Prediction and training lifecycle: statuses, logs, metrics, waiting, cancellation, paging."""

from __future__ import annotations

import time
from datetime import datetime

import httpx
import pytest

from replicate.emulator import Emulator
from replicate.emulator.catalog import png_bytes, stream_tokens

WAIT = {"Prefer": "wait"}


def _parse(ts: str) -> datetime:
    return datetime.fromisoformat(ts.replace("Z", "+00:00"))


def test_status_moves_forward_and_logs_grow(emu: Emulator, api: httpx.Client) -> None:
    emu.time_scale = 0.5
    created = api.post(
        "/models/emulator/stream-text/predictions",
        json={"input": {"prompt": "hi", "max_tokens": 8}},
    ).json()
    assert created["status"] == "starting"
    assert created["output"] is None and created["logs"] == ""
    seen_statuses, outputs, log_lengths = [created["status"]], [], []
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        body = api.get(f"/predictions/{created['id']}").json()
        if not seen_statuses or seen_statuses[-1] != body["status"]:
            seen_statuses.append(body["status"])
        outputs.append(len(body["output"] or []))
        log_lengths.append(len(body["logs"]))
        if body["status"] == "succeeded":
            break
        time.sleep(0.005)
    assert seen_statuses == ["starting", "processing", "succeeded"]
    assert outputs == sorted(outputs) and 0 < max(outputs) == 8
    assert len(set(outputs)) > 1  # output was seen growing, not only complete
    assert log_lengths == sorted(log_lengths)
    assert body["output"] == stream_tokens("hi", 8)
    assert body["metrics"]["predict_time"] > 0
    assert body["metrics"]["total_time"] >= body["metrics"]["predict_time"]
    assert _parse(body["created_at"]) <= _parse(body["started_at"]) <= _parse(body["completed_at"])


def test_prefer_wait_returns_finished_prediction(emu: Emulator, api: httpx.Client) -> None:
    body = api.post(
        "/models/emulator/echo/predictions", json={"input": {"text": "hello"}}, headers=WAIT
    ).json()
    assert (body["status"], body["output"]) == ("succeeded", "hello")
    assert "echoing 5 characters" in body["logs"]


def test_prefer_wait_gives_up_after_n_seconds(emu: Emulator, api: httpx.Client) -> None:
    body = api.post(
        "/models/emulator/slow/predictions",
        json={"input": {"seconds": 1000}},
        headers={"Prefer": "wait=1"},
    ).json()
    assert body["status"] in ("starting", "processing")


def test_invalid_prefer_and_cancel_after_are_rejected(api: httpx.Client) -> None:
    for headers in ({"Prefer": "wait=61"}, {"Prefer": "wait=soon"}, {"Cancel-After": "soon"}):
        response = api.post(
            "/models/emulator/echo/predictions", json={"input": {"text": "x"}}, headers=headers
        )
        assert response.status_code == 400, headers
        assert response.headers["content-type"] == "application/problem+json"


def test_failure_has_error_and_logs(api: httpx.Client) -> None:
    body = api.post("/models/emulator/fail/predictions", json={"input": {}}, headers=WAIT).json()
    assert body["status"] == "failed"
    assert "emulated failure" in body["error"]
    assert "Traceback" in body["logs"]


def test_cancel_running_prediction(emu: Emulator, api: httpx.Client) -> None:
    created = api.post(
        "/models/emulator/slow/predictions", json={"input": {"seconds": 1000}}
    ).json()
    canceled = api.post(f"/predictions/{created['id']}/cancel").json()
    assert canceled["status"] == "canceled"
    assert emu.predictions[created["id"]].cancel_requested
    # cancelling again is harmless and keeps the terminal status
    assert api.post(f"/predictions/{created['id']}/cancel").json()["status"] == "canceled"


def test_cancel_after_aborts_a_queued_prediction_and_cancels_a_running_one(
    api: httpx.Client,
) -> None:
    # Both at the API's minimum (5 s), in one wait.
    queued = api.post(
        "/models/emulator/slow/predictions",
        json={"input": {"seconds": 1, "queue_seconds": 100_000}},
        headers={"Cancel-After": "5s"},
    ).json()
    running = api.post(
        "/models/emulator/slow/predictions",
        json={"input": {"seconds": 100_000}},
        headers={"Cancel-After": "5s", "Prefer": "wait=10"},
    ).json()
    assert running["status"] == "canceled"
    assert running["started_at"] <= running["completed_at"]
    aborted = api.get(f"/predictions/{queued['id']}").json()
    assert aborted["status"] == "aborted"
    assert "deadline" in aborted and "started_at" not in aborted


@pytest.mark.parametrize("bound", ["4", "4.9s", "500ms", "0s"])
def test_cancel_after_below_the_api_minimum_is_refused(api: httpx.Client, bound: str) -> None:
    answer = api.post(
        "/models/emulator/echo/predictions",
        json={"input": {"text": "a"}},
        headers={"Cancel-After": bound},
    )
    assert answer.status_code == 400
    assert "at least 5 seconds" in answer.json()["detail"]
    assert api.get("/predictions").json()["results"] == []


def test_input_is_validated_against_the_version_schema(emu: Emulator, api: httpx.Client) -> None:
    response = api.post(
        "/models/emulator/stream-text/predictions", json={"input": {"prompt": 3, "max_tokens": 0}}
    )
    assert response.status_code == 422
    problem = response.json()
    assert {f["field"] for f in problem["invalid_fields"]} == {"input.prompt", "input.max_tokens"}
    assert problem["status"] == 422 and problem["detail"]
    assert not emu.predictions
    unknown = api.post("/predictions", json={"version": "0" * 64, "input": {}})
    assert unknown.status_code == 422
    extra = api.post("/models/emulator/echo/predictions", json={"input": {"text": "x"}, "bogus": 1})
    assert extra.status_code == 422 and extra.json()["invalid_fields"][0]["field"] == "bogus"


def test_version_refs_in_predictions_create(api: httpx.Client) -> None:
    version = api.get("/models/emulator/echo").json()["latest_version"]["id"]
    for ref in (version, f"emulator/echo:{version}", "emulator/echo"):
        body = api.post(
            "/predictions", json={"version": ref, "input": {"text": ref}}, headers=WAIT
        ).json()
        assert body["output"] == ref and body["version"] == version


def test_image_outputs_are_served_by_the_emulator(emu: Emulator, api: httpx.Client) -> None:
    body = api.post(
        "/models/emulator/image/predictions",
        json={"input": {"prompt": "cat", "num_outputs": 2}},
        headers=WAIT,
    ).json()
    assert len(body["output"]) == 2
    for i, url in enumerate(body["output"]):
        assert url.startswith(emu.base_url)
        response = httpx.get(url)  # no token: like a CDN URL
        assert response.headers["content-type"] == "image/png"
        assert response.content == png_bytes(f"cat/{i}")


def test_official_model_and_deployment(emu: Emulator, api: httpx.Client) -> None:
    model = api.get("/models/emulator/official").json()
    # As on the real API, an official model lists its current version.
    assert model["is_official"] and model["latest_version"]["id"]
    versions = api.get("/models/emulator/official/versions").json()["results"]
    assert [v["id"] for v in versions] == [model["latest_version"]["id"]]
    body = api.post(
        "/models/emulator/official/predictions", json={"input": {"prompt": "p"}}, headers=WAIT
    ).json()
    assert body["output"] == "official: p"
    assert body["version"] == model["latest_version"]["id"]
    pinned = api.post(
        "/predictions",
        json={"version": f"emulator/official:{body['version']}", "input": {"prompt": "v"}},
        headers=WAIT,
    ).json()
    assert pinned["output"] == "official: v"
    deployed = api.post(
        "/deployments/emulator/echo-deployment/predictions",
        json={"input": {"text": "d"}},
        headers=WAIT,
    ).json()
    assert (deployed["output"], deployed["deployment"]) == ("d", "emulator/echo-deployment")
    assert deployed["model"] == "emulator/echo"


def test_training_publishes_a_new_version(emu: Emulator, api: httpx.Client) -> None:
    version = api.get("/models/emulator/echo").json()["latest_version"]["id"]
    api.post(
        "/models",
        json={"owner": "emulator", "name": "tuned", "visibility": "private", "hardware": "cpu"},
    )
    training = api.post(
        f"/models/emulator/echo/versions/{version}/trainings",
        json={"destination": "emulator/tuned", "input": {}},
    ).json()
    assert training["status"] == "starting"
    assert emu.wait_for(lambda: emu.trainings[training["id"]].done)
    done = api.get(f"/trainings/{training['id']}").json()
    assert done["status"] == "succeeded"
    new_version = done["output"]["version"].split(":")[1]
    assert api.get(f"/models/emulator/tuned/versions/{new_version}").status_code == 200
    bad = api.post(
        f"/models/emulator/echo/versions/{version}/trainings",
        json={"destination": "nobody/nothing", "input": {}},
    )
    assert bad.status_code == 422


def test_pagination_walks_every_prediction_once(emu: Emulator, api: httpx.Client) -> None:
    emu.page_size = 3
    ids = {
        api.post("/models/emulator/echo/predictions", json={"input": {"text": str(i)}}).json()["id"]
        for i in range(8)
    }
    seen: list[str] = []
    url: str | None = "/predictions"
    pages = 0
    while url:
        page = api.get(url).json()
        seen += [p["id"] for p in page["results"]]
        url = page["next"]
        pages += 1
        if url:
            assert url.startswith("http://") and "cursor=" in url
    assert pages == 3 and len(seen) == 8 and set(seen) == ids
    last = api.get(
        "/predictions",
        params={"cursor": api.get("/predictions").json()["next"].split("cursor=")[1]},
    )
    assert last.json()["previous"].startswith(emu.api_url)
    assert api.get("/predictions", params={"cursor": "garbage!"}).status_code == 400


def test_reset_clears_state(emu: Emulator, api: httpx.Client) -> None:
    api.post("/models/emulator/slow/predictions", json={"input": {"seconds": 1000}})
    emu.time_scale = 5
    assert emu.predictions and emu.requests
    emu.reset()
    assert not emu.predictions and not emu.requests
    assert emu.time_scale == 0.05


def test_requests_are_recorded(emu: Emulator, api: httpx.Client) -> None:
    api.post("/models/emulator/echo/predictions", json={"input": {"text": "x"}})
    api.get("/account", params={"a": "1"})
    recorded = emu.requests
    assert [(r.method, r.path, r.operation) for r in recorded] == [
        ("POST", "/v1/models/emulator/echo/predictions", "models.predictions.create"),
        ("GET", "/v1/account", "account.get"),
    ]
    assert recorded[0].body == b'{"input":{"text":"x"}}'
    assert recorded[1].query == "a=1"
    assert recorded[1].headers["authorization"] == "Bearer test-token"
    assert emu.summary()["requests"] == 2


def test_default_example_is_shaped_like_the_real_one(api: httpx.Client) -> None:
    model = api.get("/models/emulator/stream-text").json()
    example = model["default_example"]
    assert example["status"] == "succeeded" and "urls" not in example
    assert example["output"] == stream_tokens("hello", 4)
    assert example["version"] == model["latest_version"]["id"]


def test_list_filters_by_creation_time(api: httpx.Client) -> None:
    first = api.post("/models/emulator/echo/predictions", json={"input": {"text": "1"}}).json()
    second = api.post("/models/emulator/echo/predictions", json={"input": {"text": "2"}}).json()
    after = api.get("/predictions", params={"created_after": second["created_at"]}).json()
    assert [p["id"] for p in after["results"]] == [second["id"]]  # inclusive
    before = api.get("/predictions", params={"created_before": second["created_at"]}).json()
    assert [p["id"] for p in before["results"]] == [first["id"]]
    assert api.get("/predictions", params={"source": "web"}).json()["results"] == []
    assert api.get("/predictions", params={"created_after": "yesterday"}).status_code == 400
    # `web` is the one value the API takes for source; any other is a mistake to report.
    refused = api.get("/predictions", params={"source": "api"})
    assert refused.status_code == 400 and "source must be web" in refused.json()["detail"]


def test_deployment_fields_of_the_wrong_type_are_refused_not_crashed_on(
    emu: Emulator, api: httpx.Client
) -> None:
    # Found by fuzzing the emulator: a version given as a list or object made it answer 500.
    version = api.get("/models/emulator/echo").json()["latest_version"]["id"]
    good = {"name": "d1", "model": "emulator/echo", "version": version, "hardware": "cpu",
            "min_instances": 0, "max_instances": 1}  # fmt: skip
    for field, value in (("version", ["x"]), ("version", {"a": 1}), ("name", 5), ("hardware", [])):
        answer = api.post("/deployments", json={**good, field: value})
        assert answer.status_code == 422, answer.text
        assert answer.json()["invalid_fields"][0]["field"] == field
        update = api.patch("/deployments/emulator/echo-deployment", json={field: value})
        assert update.status_code == 422, update.text
    assert api.post("/deployments", json=good).status_code == 200
