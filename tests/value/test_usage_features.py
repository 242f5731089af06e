"""Usage as a churn feature: care's monthly totals become usage level and trend, and on the
demo's history the churn model leans on them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import polars as pl
import pytest

from closeloop.config import Settings
from closeloop.db.engine import Database
from closeloop.demo.value_history import seed_value_history
from closeloop.kit.actor import SYSTEM
from closeloop.kit.clock import FixedClock
from closeloop.runtime.work import Work
from closeloop.value.churn_model import ChurnModel, fit
from closeloop.value.churn_table import FeatureTable
from closeloop.value.features import FEATURES, usage_summary
from closeloop.value.training import feature_table, training_rows
from tests.conftest import fresh_database_url
from tests.support.demo import NOW

AS_OF = 2026 * 12 + 9  # 2026-10


def usage(rows: list[tuple[int, int, float, float]]) -> pl.DataFrame:
    return pl.DataFrame(
        rows,
        schema={"customer_id": pl.Int64, "month": pl.Int64, "data_mb": pl.Float64,
                "voice_minutes": pl.Float64},
        orient="row",
    )  # fmt: skip


def test_usage_level_and_trend_from_the_last_two_quarters() -> None:
    halving = [(1, AS_OF - k, 500.0 if k < 3 else 1000.0, 100.0 if k < 3 else 200.0)
               for k in range(6)]  # fmt: skip
    data_only = [(2, AS_OF - k, 0.0 if k < 3 else 300.0, 0.0) for k in range(6)]
    too_old = [(3, AS_OF - 7, 900.0, 90.0), (3, AS_OF + 1, 900.0, 90.0)]
    found = {r["customer_id"]: r for r in usage_summary(
        usage(halving + data_only + too_old), AS_OF).iter_rows(named=True)}  # fmt: skip
    assert found[1]["usage_trend"] == pytest.approx(-0.5)
    assert found[1]["monthly_data_mb"] == pytest.approx(500.0)
    assert found[1]["monthly_voice_min"] == pytest.approx(100.0)
    # voice had no base to change from: the trend is data's alone (stopped using: −100 %)
    assert found[2]["usage_trend"] == pytest.approx(-1.0)
    assert 3 not in found  # months outside the two quarters do not count


@dataclass(frozen=True)
class Learned:
    table: FeatureTable
    left: npt.NDArray[np.int_]
    model: ChurnModel


@pytest.fixture(scope="module")
def learned(server_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Learned]:
    """The demo's history of 400 customers and the churn model trained on it (one fit)."""
    url, drop = fresh_database_url(server_url, tmp_path_factory.mktemp("usage"))
    database, clock = Database(url), FixedClock(NOW)
    settings = Settings(database_url=url, worker_enabled=False)
    seed_value_history(database, clock, limit=400)
    with database.unit_of_work(write=False) as session:
        rows, left = training_rows(session, Work(session, settings, actor=SYSTEM, clock=clock))
    table = feature_table(rows)
    yield Learned(table, left, fit(table, left))
    database.dispose()
    drop()


def test_usage_falls_before_customers_leave(learned: Learned) -> None:
    trend = learned.table.values[:, FEATURES.index("usage_trend")]
    assert np.isnan(trend).mean() < 0.1  # care's monthly totals reached the feature table
    left = learned.left == 1
    assert np.nanmean(trend[left]) < np.nanmean(trend[~left]) - 0.1


def test_the_model_leans_on_usage_and_names_it_as_a_reason(learned: Learned) -> None:
    table, model = learned.table, learned.model
    weight = np.abs(model.contributions(table)).mean(axis=0)
    ranked = [table.names[i] for i in np.argsort(-weight)]
    assert "usage_trend" in ranked[:3], ranked
    riskiest = np.argsort(-model.predict(table))[:20]
    named = {r.feature for found in model.reasons(table.rows(riskiest)) for r in found}
    assert "usage_trend" in named
