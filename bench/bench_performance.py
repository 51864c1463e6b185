"""Benchmark of the performance figures (issue 15): 1,000,000 order lines by territory
and month in at most 10 s.

The bundled demo project (100 North Carolina counties, 1,480 accounts, 8 territories) is
given 1,000,000 order lines over its accounts and five years, stored as the project keeps
them after a save (dates as ISO text) and as an import leaves them (datetimes). Timed:
reading the lines into columns, attributing them to territories and every figure per
territory and month (revenue, growth, YoY, customers, new, lost, retention, quota).

Usage: ``python bench/bench_performance.py [--lines N]``
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # this checkout's package
from territory_designer.core.performance import project_performance  # noqa: E402
from territory_designer.core.sales_history import SalesHistory  # noqa: E402
from territory_designer.io.demo import build_demo_project  # noqa: E402

LIMIT_S = 10.0


def order_lines(account_ids: np.ndarray, n: int, seed: int = 0) -> pd.DataFrame:
    """``n`` order lines over the accounts, 2021-01-01 to 2025-12-31."""
    rng = np.random.default_rng(seed)
    day = np.datetime64("2021-01-01") + rng.integers(0, 5 * 365, n).astype("timedelta64[D]")
    return pd.DataFrame(
        {
            "account_id": account_ids[rng.integers(0, account_ids.size, n)],
            "order_date": pd.to_datetime(day),
            "revenue": np.round(rng.gamma(2.0, 150.0, n), 2),
            "product_line": rng.choice(["A", "B", "C", "D"], n),
        }
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    args = parser.parse_args()
    project = build_demo_project()
    ids = project.accounts.table["account_id"].astype(str).to_numpy()
    lines = order_lines(ids, args.lines)
    stored = lines.assign(order_date=lines["order_date"].dt.strftime("%Y-%m-%d %H:%M:%S"))
    print(
        f"{args.lines:,} order lines, {ids.size:,} accounts, "
        f"{len(project.plan.territories)} territories, 60 months"
    )
    for label, frame in (("as imported (datetimes)", lines), ("as saved (ISO text)", stored)):
        project.transactions = frame
        t0 = time.perf_counter()
        history = SalesHistory.of_project(project)
        t1 = time.perf_counter()
        table = project_performance(project, "month", history=history)
        rows = table.rows()
        t2 = time.perf_counter()
        total = t2 - t0
        print(
            f"  {label:<26} read {t1 - t0:5.2f} s + figures {t2 - t1:5.2f} s = {total:5.2f} s"
            f"  ({len(rows):,} territory-month rows)  "
            f"{'OK' if total <= LIMIT_S else 'OVER'} (limit {LIMIT_S:.0f} s)"
        )
        assert abs(table.revenue.sum() - frame["revenue"].sum()) < 1e-3 * frame["revenue"].sum()


if __name__ == "__main__":
    main()
