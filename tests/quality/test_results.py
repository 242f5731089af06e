"""The read service other domains use for satisfaction figures (csat_for, nps_for)."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient

from closeloop.db.engine import Database
from closeloop.kit.clock import FixedClock
from closeloop.quality.results import csat_for, nps_for
from tests.quality.conftest import token_for
from tests.support import Factory, Personas


def test_csat_and_nps_of_a_period_overall_and_by_region(
    client: TestClient, as_user: Personas, factory: Factory, database: Database,
    clock: FixedClock,
) -> None:  # fmt: skip
    people = [factory.customer(region=r) for r in ("岳阳市", "岳阳市", "株洲市")]
    for instrument in ("csat", "nps"):
        body = {"instrument": instrument, "name": instrument, "msisdns": [p.msisdn for p in people]}
        assert client.post("/api/v1/surveys", json=body, headers=as_user.headers("qa")).is_success
        for person, value in zip(people, (5, 3, 1) if instrument == "csat" else (10, 9, 2),
                                 strict=True):  # fmt: skip
            token = token_for(client, as_user, person.msisdn)
            answer = {"token": token, "answers": {instrument: value}}
            assert client.post("/api/v1/survey-responses", json=answer).status_code == 201
    start, end = clock.now() - timedelta(hours=1), clock.now() + timedelta(hours=1)
    with database.unit_of_work(write=False) as session:
        overall = csat_for(session, start, end)
        by_region = csat_for(session, start, end, by="region")
        nps = nps_for(session, start, end, by="region")
        before = csat_for(session, start - timedelta(days=2), start)
    assert [(f.key, f.responses, f.value) for f in overall] == [("all", 3, 3.0)]
    assert overall[0].low is not None and overall[0].low < 3.0 < overall[0].high  # type: ignore[operator]
    assert [(f.key, f.value) for f in by_region] == [("岳阳市", 4.0), ("株洲市", 1.0)]
    assert [(f.key, f.value) for f in nps] == [("岳阳市", 100.0), ("株洲市", -100.0)]
    assert before == []
