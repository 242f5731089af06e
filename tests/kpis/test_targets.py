"""Targets with versions: the catalogue shows the one in force and the next; a new version
never overwrites an old one; only supervisors and admins set them."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from closeloop.kpis.catalogue import CODES
from tests.support import Personas, assert_problem, error_locs

CONTRACT = {"fcr", "preprocessing_rate", "misroute_rate", "reopen_rate", "callback_satisfaction",
            "complaints_per_10k", "sla_attainment", "avg_resolution_hours"}  # fmt: skip


def _kpis(client: TestClient, as_user: Personas) -> dict[str, dict[str, Any]]:
    response = client.get("/api/v1/kpis", headers=as_user.headers("supervisor"))
    assert response.status_code == 200, response.text
    return {k["code"]: k for k in response.json()}


def _put(
    client: TestClient, as_user: Personas, code: str, user: str = "supervisor", **body: Any
) -> Any:
    return client.put(f"/api/v1/kpis/{code}/target", json=body, headers=as_user.headers(user))


def test_the_catalogue_lists_every_kpi_with_its_target(
    client: TestClient, as_user: Personas
) -> None:
    kpis = _kpis(client, as_user)
    assert set(kpis) >= CONTRACT and set(CODES) == set(kpis)
    fcr = kpis["fcr"]
    assert set(fcr) >= {"code", "name", "unit", "direction", "definition", "target", "next_target"}
    assert fcr["name"] == "一次解决率" and fcr["unit"] == "ratio" and fcr["direction"] == "higher"
    assert (
        fcr["definition"]
        == "tickets created whose first action was `resolve` from `new` ÷ tickets created"
    )
    assert fcr["target"] == {"value": 0.7, "since": "2026-01-01"} and fcr["next_target"] is None


def test_a_new_version_is_the_next_target_until_its_day(
    client: TestClient, as_user: Personas
) -> None:
    # the clock stands at 2026-11-23
    response = _put(client, as_user, "callback_satisfaction", value=0.95, since="2026-12-01")
    assert response.status_code == 200, response.text
    assert response.json()["target"] == {"value": 0.9, "since": "2026-01-01"}
    assert response.json()["next_target"] == {"value": 0.95, "since": "2026-12-01"}
    assert (
        _put(client, as_user, "callback_satisfaction", value=0.92, since="2026-11-20").status_code
        == 200
    )
    kpi = _kpis(client, as_user)["callback_satisfaction"]
    assert kpi["target"] == {"value": 0.92, "since": "2026-11-20"}
    assert kpi["next_target"] == {"value": 0.95, "since": "2026-12-01"}
    history = client.get(
        "/api/v1/kpis/callback_satisfaction/targets", headers=as_user.headers("supervisor")
    )
    values = [(v["value"], v["since"], v["set_by"]) for v in history.json()["items"]]
    assert values == [(0.9, "2026-01-01", "system"), (0.92, "2026-11-20", "supervisor"),
                      (0.95, "2026-12-01", "supervisor")]  # fmt: skip


def test_the_same_day_set_twice_keeps_both_versions_and_the_later_counts(
    client: TestClient, as_user: Personas
) -> None:
    _put(client, as_user, "aht", value=240, since="2026-11-01")
    _put(client, as_user, "aht", value=200, since="2026-11-01", user="admin")
    assert _kpis(client, as_user)["aht"]["target"] == {"value": 200.0, "since": "2026-11-01"}
    history = client.get("/api/v1/kpis/aht/targets", headers=as_user.headers("supervisor"))
    assert len(history.json()["items"]) == 3


def test_refused_targets_name_the_field(client: TestClient, as_user: Personas) -> None:
    assert ["value"] in error_locs(
        assert_problem(_put(client, as_user, "fcr", value=1.5, since="2026-12-01"), 422)
    )
    bad_day = _put(client, as_user, "fcr", value=0.8, since="soon")
    assert ["since"] in error_locs(assert_problem(bad_day, 422))
    missing = _put(client, as_user, "fcr", value=0.8)
    assert ["since"] in error_locs(assert_problem(missing, 422))
    assert_problem(_put(client, as_user, "nope", value=0.8, since="2026-12-01"), 404)


def test_only_supervisors_and_admins_set_targets(client: TestClient, as_user: Personas) -> None:
    for user in ("agent", "expert", "wireless"):
        assert (
            _put(client, as_user, "fcr", user=user, value=0.8, since="2026-12-01").status_code
            == 403
        )
    assert client.get("/api/v1/kpis", headers=as_user.headers("agent")).status_code == 403
    assert_problem(client.get("/api/v1/kpis"), 401)
