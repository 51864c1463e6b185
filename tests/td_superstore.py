"""An order-line workbook shaped like the BI "Superstore" sample, written with openpyxl.

Several lines per order, several orders per customer, most customers shipping to several
real North Carolina ZIP codes (from the ``zipcodes`` package, so they locate in the demo
project), discount a rate between 0 and 0.8. A plain module (not conftest.py) so tests in
any folder import it by a unique name.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

COLUMNS = [
    "Row ID", "Order ID", "Order Date", "Ship Date", "Customer ID", "Customer Name",
    "Segment", "City", "State", "Postal Code", "Region", "Product ID", "Sales", "Quantity",
    "Discount", "Profit",
]  # fmt: skip
DISCOUNTS = (0.0, 0.0, 0.1, 0.2, 0.2, 0.5, 0.8)
SEGMENTS = ("Consumer", "Corporate", "Home Office")


def nc_zips() -> list[dict]:
    """Active standard NC ZIP codes with their city, sorted by ZIP."""
    import zipcodes

    rows = zipcodes.filter_by(state="NC", zip_code_type="STANDARD", active=True)
    return sorted(rows, key=lambda z: z["zip_code"])


def superstore_rows(n_customers: int = 14, seed: int = 7) -> list[list]:
    """The sheet's rows (header first); customer k ships to ``1 + k % 3`` ZIP codes."""
    rng = np.random.default_rng(seed)
    zips = nc_zips()
    picks = rng.choice(len(zips), size=(n_customers, 3), replace=False)
    rows: list[list] = [list(COLUMNS)]
    row_id = 1
    order_no = 100000
    start = dt.datetime(2024, 1, 2)
    for k in range(n_customers):
        cust_id = f"{chr(65 + k % 26)}{chr(66 + k % 24)}-{10000 + 17 * k}"
        name = f"Customer {k:02d} Ltd"
        segment = SEGMENTS[k % 3]
        n_sites = 1 + k % 3
        for _ in range(int(rng.integers(2, 5))):  # orders
            z = zips[int(picks[k, int(rng.integers(0, n_sites))])]
            order_no += int(rng.integers(1, 50))
            order_id = f"US-2024-{order_no}"
            day = start + dt.timedelta(days=int(rng.integers(0, 360)))
            for _ in range(int(rng.integers(1, 5))):  # lines
                sales = round(float(rng.uniform(5, 900)), 2)
                discount = float(rng.choice(DISCOUNTS))
                profit = round(sales * (0.3 - discount) * float(rng.uniform(0.2, 0.9)), 4)
                rows.append(
                    [
                        row_id,
                        order_id,
                        day,
                        day + dt.timedelta(days=int(rng.integers(1, 6))),
                        cust_id,
                        name,
                        segment,
                        z["city"],
                        "North Carolina",
                        int(z["zip_code"]),
                        "South",
                        f"OFF-PA-{int(rng.integers(10000000, 10099999))}",
                        sales,
                        int(rng.integers(1, 10)),
                        discount,
                        profit,
                    ]
                )
                row_id += 1
    return rows


def write_superstore(path: Path, rows: list[list] | None = None, sheet: str = "Orders") -> Path:
    """Write the rows to an .xlsx with one sheet (``sheet``) and return ``path``."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for r in rows if rows is not None else superstore_rows():
        ws.append(r)
    wb.save(path)
    return path


def read_back(path: Path) -> pd.DataFrame:
    """The workbook as pandas reads it, independently of the app's reader."""
    return pd.read_excel(path, dtype={"Postal Code": str})
