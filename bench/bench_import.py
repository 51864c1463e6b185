"""Account import benchmarks (issue 3): prints each figure.

* 100,000-row .xlsx with lat/lon: read + locate + join to the 29,380-unit ZIP layer
  (target <= 20 s, peak memory <= 1.5 GB);
* 100,000-row CSV of postal codes only (target <= 10 s);
* preview of the large workbook (target <= 1 s).
"""

from __future__ import annotations

import resource
import sys
import time

import numpy as np
from instances import BENCH_DIR, project_path

N = 100_000


def _points(n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    import zipcodes

    z = [
        r
        for r in zipcodes.list_all()
        if r["zip_code_type"] == "STANDARD" and r["state"] not in ("AK", "HI", "PR")
    ]
    rng = np.random.default_rng(3)
    pick = rng.integers(len(z), size=n)
    lat = np.array([float(z[k]["lat"]) for k in pick]) + rng.normal(0, 0.005, n)
    lon = np.array([float(z[k]["long"]) for k in pick]) + rng.normal(0, 0.005, n)
    codes = np.array([z[k]["zip_code"] for k in pick], dtype=object)
    return lat, lon, codes


def _write_inputs() -> tuple:
    xlsx = BENCH_DIR / f"accounts_{N}.xlsx"
    csv = BENCH_DIR / f"zips_{N}.csv"
    if xlsx.exists() and csv.exists():
        return xlsx, csv
    from openpyxl import Workbook

    lat, lon, codes = _points(N)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Accounts")
    ws.append(["Customer accounts export"])
    ws.append([])
    ws.append(["Account ID", "Account Name", "Latitude", "Longitude", "Revenue", "Segment"])
    for k in range(N):
        ws.append([f"A{k:06d}", f"Customer {k}", round(lat[k], 6), round(lon[k], 6),
                   float(k % 997) * 10.5, ("Gold", "Silver", "Bronze")[k % 3]])  # fmt: skip
    wb.save(xlsx)
    with open(csv, "w", encoding="utf-8") as fh:
        fh.write("id,name,zip\n")
        for k in range(N):
            fh.write(f"C{k},Store {k},{int(codes[k])}\n")  # numeric: leading zeros lost
    return xlsx, csv


def main() -> None:
    from territory_designer.io.accounts_import import import_accounts, preview
    from territory_designer.io.project_file import load_project

    xlsx, csv = _write_inputs()
    project = load_project(project_path("zip_us48"))
    print(f"project: {len(project.units):,} units")
    t = time.perf_counter()
    pv = preview(xlsx)
    print(f"preview {xlsx.name}: {time.perf_counter() - t:.3f} s (target <= 1 s); "
          f"header row {pv.header_row}, columns {pv.columns}")  # fmt: skip
    t = time.perf_counter()
    report = import_accounts(project, xlsx)
    d = report.to_dict()
    print(f"xlsx {N:,} rows lat/lon: {time.perf_counter() - t:.1f} s (target <= 20 s); "
          f"located {d['located']['total']:,}, unlocated {d['unlocated']['total']:,}")  # fmt: skip
    t = time.perf_counter()
    report = import_accounts(project, csv)
    d = report.to_dict()
    print(f"csv {N:,} postal codes: {time.perf_counter() - t:.1f} s (target <= 10 s); "
          f"located {d['located']}, unlocated {d['unlocated']['total']:,}")  # fmt: skip
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (whole run, incl. project): {peak:,.0f} MB (target <= 1,536 MB)")


if __name__ == "__main__":
    sys.exit(main())
