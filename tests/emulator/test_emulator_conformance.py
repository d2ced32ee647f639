"""Every operation in openapi.json, exercised against the emulator, answers per the spec."""

from __future__ import annotations

import httpx
import pytest
from emulator_spec import SpecChecker

from replicate.emulator import Emulator

WAIT = {"Prefer": "wait"}


def test_every_operation_conforms(emu: Emulator, api: httpx.Client, spec: SpecChecker) -> None:
    emu.page_size = 2
    c = spec.check

    c(api.get("/account"), "GET", "/account")
    hardware = c(api.get("/hardware"), "GET", "/hardware")
    assert {"name": "CPU", "sku": "cpu"} in hardware
    collections = c(api.get("/collections"), "GET", "/collections")
    assert collections["results"]
    c(
        api.get(f"/collections/{collections['results'][0]['slug']}"),
        "GET",
        "/collections/{collection_slug}",
    )
    c(api.get("/webhooks/default/secret"), "GET", "/webhooks/default/secret")

    # models
    page = c(api.get("/models"), "GET", "/models")
    assert page["next"] and page["next"].startswith(emu.api_url)
    c(api.get(page["next"]), "GET", "/models")
    c(
        api.get("/models", params={"sort_by": "model_created_at", "sort_direction": "asc"}),
        "GET",
        "/models",
    )
    found = c(
        api.request("QUERY", "/models", content="echo", headers={"Content-Type": "text/plain"}),
        "QUERY",
        "/models",
    )
    assert [m["name"] for m in found["results"]] == ["echo"]
    c(api.get("/search", params={"query": "text"}), "GET", "/search")
    c(api.get("/search"), "GET", "/search")  # 400: query missing
    created = c(
        api.post(
            "/models",
            json={
                "owner": "emulator",
                "name": "mine",
                "visibility": "private",
                "hardware": "cpu",
                "description": "d",
            },
        ),
        "POST",
        "/models",
    )
    assert created["visibility"] == "private"
    c(api.get("/models/emulator/mine"), "GET", "/models/{model_owner}/{model_name}")
    c(
        api.patch("/models/emulator/mine", json={"description": "new", "readme": "# mine"}),
        "PATCH",
        "/models/{model_owner}/{model_name}",
    )
    assert (
        c(
            api.get("/models/emulator/mine/readme"),
            "GET",
            "/models/{model_owner}/{model_name}/readme",
        )
        == "# mine"
    )
    versions = c(
        api.get("/models/emulator/echo/versions"),
        "GET",
        "/models/{model_owner}/{model_name}/versions",
    )
    version = versions["results"][0]
    assert version["openapi_schema"]["components"]["schemas"]["Input"]["required"] == ["text"]
    c(
        api.get(f"/models/emulator/echo/versions/{version['id']}"),
        "GET",
        "/models/{model_owner}/{model_name}/versions/{version_id}",
    )

    # predictions, all three ways of creating them
    p1 = c(
        api.post(
            "/predictions", json={"version": version["id"], "input": {"text": "a"}}, headers=WAIT
        ),
        "POST",
        "/predictions",
    )
    assert p1["status"] == "succeeded"
    p2 = c(
        api.post("/models/emulator/official/predictions", json={"input": {"prompt": "b"}}),
        "POST",
        "/models/{model_owner}/{model_name}/predictions",
    )
    c(
        api.post(
            "/deployments/emulator/echo-deployment/predictions",
            json={"input": {"text": "c"}},
            headers=WAIT,
        ),
        "POST",
        "/deployments/{deployment_owner}/{deployment_name}/predictions",
    )
    c(api.get(f"/predictions/{p2['id']}"), "GET", "/predictions/{prediction_id}")
    slow = api.post("/models/emulator/slow/predictions", json={"input": {"seconds": 100}}).json()
    assert (
        c(
            api.post(f"/predictions/{slow['id']}/cancel"),
            "POST",
            "/predictions/{prediction_id}/cancel",
        )["status"]
        == "canceled"
    )
    listing = c(api.get("/predictions"), "GET", "/predictions")
    assert listing["next"]
    c(api.get(listing["next"]), "GET", "/predictions")
    c(
        api.get("/models/emulator/echo/examples"),
        "GET",
        "/models/{model_owner}/{model_name}/examples",
    )

    # trainings
    training = c(
        api.post(
            f"/models/emulator/echo/versions/{version['id']}/trainings",
            json={"destination": "emulator/mine", "input": {"epochs": 1}},
        ),
        "POST",
        "/models/{model_owner}/{model_name}/versions/{version_id}/trainings",
    )
    c(api.get(f"/trainings/{training['id']}"), "GET", "/trainings/{training_id}")
    c(api.get("/trainings"), "GET", "/trainings")
    c(api.post(f"/trainings/{training['id']}/cancel"), "POST", "/trainings/{training_id}/cancel")

    # deployments
    c(api.get("/deployments"), "GET", "/deployments")
    c(
        api.post(
            "/deployments",
            json={
                "name": "d2",
                "model": "emulator/echo",
                "version": version["id"],
                "hardware": "cpu",
                "min_instances": 0,
                "max_instances": 2,
            },
        ),
        "POST",
        "/deployments",
    )
    c(
        api.get("/deployments/emulator/d2"),
        "GET",
        "/deployments/{deployment_owner}/{deployment_name}",
    )
    c(
        api.patch("/deployments/emulator/d2", json={"max_instances": 3}),
        "PATCH",
        "/deployments/{deployment_owner}/{deployment_name}",
    )
    c(
        api.delete("/deployments/emulator/d2"),
        "DELETE",
        "/deployments/{deployment_owner}/{deployment_name}",
    )

    # files
    upload = c(
        api.post("/files", files={"content": ("a.txt", b"hello", "text/plain")}), "POST", "/files"
    )
    c(api.get("/files"), "GET", "/files")
    c(api.get(f"/files/{upload['id']}"), "GET", "/files/{file_id}")
    assert (
        c(api.get(f"/files/{upload['id']}/download"), "GET", "/files/{file_id}/download")
        == b"hello"
    )
    c(api.delete(f"/files/{upload['id']}"), "DELETE", "/files/{file_id}")
    c(api.get(f"/files/{upload['id']}"), "GET", "/files/{file_id}")  # 404
    c(api.delete(f"/files/{upload['id']}"), "DELETE", "/files/{file_id}")  # 404
    c(api.get(f"/files/{upload['id']}/download"), "GET", "/files/{file_id}/download")  # 404

    # deletions last
    mine_version = api.get("/models/emulator/mine/versions").json()["results"]
    for v in mine_version:
        c(
            api.delete(f"/models/emulator/mine/versions/{v['id']}"),
            "DELETE",
            "/models/{model_owner}/{model_name}/versions/{version_id}",
        )
    if not mine_version:  # echo's oldest: no deployment or training uses it
        assert len(versions["results"]) > 1
        c(
            api.delete(f"/models/emulator/echo/versions/{versions['results'][-1]['id']}"),
            "DELETE",
            "/models/{model_owner}/{model_name}/versions/{version_id}",
        )
    c(api.delete("/models/emulator/mine"), "DELETE", "/models/{model_owner}/{model_name}")
    c(api.get("/models/emulator/mine/readme"), "GET", "/models/{model_owner}/{model_name}/readme")

    missing = set(spec.operations) - spec.covered
    assert not missing, f"operations never exercised: {sorted(missing)}"


def test_upload_over_limit_is_413_problem(spec: SpecChecker) -> None:
    with Emulator(max_file_size=1024) as small:
        response = httpx.post(
            f"{small.api_url}/files",
            headers={"Authorization": "Bearer t"},
            files={"content": ("big.bin", b"x" * 5000, "application/octet-stream")},
        )
        spec.check(response, "POST", "/files")
        assert response.status_code == 413
        assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize("status", ["starting", "processing", "succeeded", "failed", "canceled"])
def test_predictions_conform_in_every_status(
    emu: Emulator, api: httpx.Client, spec: SpecChecker, status: str
) -> None:
    model, inp = {
        "starting": ("slow", {"queue_seconds": 100}),
        "processing": ("slow", {"seconds": 100}),
        "succeeded": ("echo", {"text": "x"}),
        "failed": ("fail", {}),
        "canceled": ("slow", {"seconds": 100}),
    }[status]
    created = api.post(
        f"/models/emulator/{model}/predictions",
        json={"input": inp},
        headers=WAIT if status in ("succeeded", "failed") else {},
    ).json()
    if status == "processing":
        assert emu.wait_for(lambda: emu.predictions[created["id"]].status == "processing")
    if status == "canceled":
        api.post(f"/predictions/{created['id']}/cancel")
    body = spec.check(
        api.get(f"/predictions/{created['id']}"), "GET", "/predictions/{prediction_id}"
    )
    assert body["status"] == status


def test_quirks_mode_breaks_the_published_schema(
    emu: Emulator, api: httpx.Client, spec: SpecChecker
) -> None:
    emu.quirks = {"null_timestamps", "no_data_removed"}
    created = api.post("/models/emulator/slow/predictions", json={"input": {"seconds": 100}}).json()
    assert created["started_at"] is None and "data_removed" not in created
    with pytest.raises(AssertionError, match=r"started_at|data_removed"):
        spec.check(api.get(f"/predictions/{created['id']}"), "GET", "/predictions/{prediction_id}")


def test_all_quirks(emu: Emulator, api: httpx.Client) -> None:
    emu.quirks = "all"
    official = api.post(
        "/models/emulator/official/predictions", json={"input": {"prompt": "q"}}
    ).json()
    assert official["version"] == "hidden"
    assert set(official["urls"]) == {"get", "cancel"}
    assert official["completed_at"] is None
    version = api.get("/models/emulator/echo").json()["latest_version"]["id"]
    training = api.post(
        f"/models/emulator/echo/versions/{version}/trainings",
        json={"destination": "emulator/echo", "input": {}},
    ).json()
    assert training["output"] is None
