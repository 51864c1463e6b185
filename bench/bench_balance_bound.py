"""How compact can a plan be? A column-generation estimate of the best mean Polsby-Popper.

For a small instance (100 NC counties) the best plan is a set-partitioning problem: choose
``k`` connected territories within the tolerance that cover every unit once and maximise
the summed Polsby-Popper score (Garfinkel & Nemhauser 1970; Mehrotra, Johnson & Nemhauser
1998, "An optimization based heuristic for political districting", Management Science 44).
Its linear relaxation over *all* such territories bounds the mean score of any plan from
above. This script approximates that bound by column generation: starting from the
engine's plan, the LP (HiGHS via ``scipy.optimize.linprog``) is solved over a pool of
columns, and new territories of positive reduced cost are searched for by a beam search
grown from every unit (the pricing step; heuristic, so the final LP value is an estimate
of the bound, not a proof). At the end the MILP over the pool gives the best plan built
from pooled territories (``scipy.optimize.milp``).

With ``--min-pp X`` only territories scoring at least X are pooled: the estimate then
bounds plans whose least compact territory scores X or more (the build's max-min pass
gives every plan such a floor, and thorough mode keeps it). The engine plan's own worst
territory is scored here a little differently, so pass a value just below it.

Usage: ``python bench/bench_balance_bound.py [--instance nc_counties] [--k 10]
[--tol 0.02] [--beam 20] [--milp-seconds 20] [--min-pp 0.09]``
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_balance import load, problem_for  # noqa: E402

from territory_designer.balance.build import build_partition  # noqa: E402

FOUR_PI = 4.0 * np.pi


class Pool:
    """Columns (unit sets within the band) and their Polsby-Popper scores."""

    def __init__(self, problem: object, tol: float, min_pp: float = 0.0) -> None:
        self.min_pp = min_pp
        p = problem
        self.n, self.k = p.n, p.k
        target = float(p.weight.sum()) / p.k
        self.lo, self.hi = target * (1 - tol), target * (1 + tol)
        self.w, self.ar, self.pe = p.weight.tolist(), p.area.tolist(), p.perimeter.tolist()
        self.nbl: list[list[tuple[int, float]]] = [[] for _ in range(p.n)]
        for i, j, ln in zip(p.ei.tolist(), p.ej.tolist(), p.elen.tolist(), strict=True):
            self.nbl[i].append((j, ln))
            self.nbl[j].append((i, ln))
        self.keys: set[frozenset[int]] = set()
        self.units: list[list[int]] = []
        self.pp: list[float] = []

    def add(self, units: frozenset[int], pp: float) -> bool:
        """Add a column; False when already pooled."""
        if units in self.keys or pp < self.min_pp:
            return False
        self.keys.add(units)
        self.units.append(sorted(units))
        self.pp.append(pp)
        return True

    def add_plan(self, labels: np.ndarray) -> None:
        """Add the territories of a plan (within the band)."""
        for t in range(self.k):
            s = frozenset(np.flatnonzero(labels == t).tolist())
            w = sum(self.w[u] for u in s)
            if self.lo <= w <= self.hi:
                self.add(s, self.score(s))

    def score(self, s: frozenset[int]) -> float:
        """Polsby-Popper score of a unit set."""
        inner = sum(ln for u in s for v, ln in self.nbl[u] if v in s)  # each edge twice
        per = sum(self.pe[u] for u in s) - inner
        return FOUR_PI * sum(self.ar[u] for u in s) / per**2

    def matrix(self) -> sparse.csr_matrix:
        """Cover rows (one per unit) and the count row."""
        m = len(self.units)
        rows = np.concatenate([np.asarray(u) for u in self.units])
        cols = np.repeat(np.arange(m), [len(u) for u in self.units])
        cover = sparse.csr_matrix((np.ones(rows.size), (rows, cols)), shape=(self.n, m))
        return sparse.vstack([cover, sparse.csr_matrix(np.ones((1, m)))]).tocsr()

    def lp(self) -> tuple[float, np.ndarray, float]:
        """LP value (mean PP) and the duals of the unit rows and of the count row."""
        b = np.r_[np.ones(self.n), float(self.k)]
        res = linprog(
            -np.asarray(self.pp), A_eq=self.matrix(), b_eq=b, bounds=(0, 1), method="highs"
        )
        y = -res.eqlin.marginals
        return -res.fun / self.k, y[: self.n], float(y[self.n])

    def price(self, pi: np.ndarray, pi0: float, beam: int) -> int:
        """Beam search from every unit for territories of positive reduced cost."""
        found = 0
        pil = pi.tolist()
        for s in range(self.n):
            states = [(frozenset([s]), self.w[s], self.ar[s], self.pe[s], pil[s])]
            seen: set[frozenset[int]] = set()
            while states:
                grown = []
                for st, w, ar, pe, ps in states:
                    for u in st:
                        for v, _ in self.nbl[u]:
                            if v in st or w + self.w[v] > self.hi:
                                continue
                            s2 = st | {v}
                            if s2 in seen:
                                continue
                            seen.add(s2)
                            sh = sum(ln for x, ln in self.nbl[v] if x in st)
                            ar2, pe2 = ar + self.ar[v], pe + self.pe[v] - 2 * sh
                            w2, ps2 = w + self.w[v], ps + pil[v]
                            pp = FOUR_PI * ar2 / pe2**2
                            if w2 >= self.lo and pp - ps2 - pi0 > 1e-6:
                                found += self.add(s2, pp)
                            # Shape now minus the dual price scaled up to a full territory.
                            est = pp - (ps2 + pi0) * self.hi / w2
                            grown.append((est, (s2, w2, ar2, pe2, ps2)))
                grown.sort(key=lambda x: -x[0])
                states = [x[1] for x in grown[:beam] if x[1][1] < self.lo]
        return found

    def best_cover(self, seconds: float) -> float | None:
        """Mean PP of the best exact cover by ``k`` pooled columns found in ``seconds``."""
        b = np.r_[np.ones(self.n), float(self.k)]
        m = len(self.units)
        res = milp(
            -np.asarray(self.pp),
            constraints=LinearConstraint(self.matrix(), b, b),
            integrality=np.ones(m),
            bounds=Bounds(0, 1),
            options={"time_limit": seconds},
        )
        return None if res.x is None else -res.fun / self.k


def main(argv: list[str] | None = None) -> None:
    """Print the LP estimate per pricing round and the best pooled cover."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--instance", default="nc_counties")
    ap.add_argument("--k", type=int, default=10)
    ap.add_argument("--tol", type=float, default=0.02)
    ap.add_argument("--beam", type=int, default=20)
    ap.add_argument("--rounds", type=int, default=30)
    ap.add_argument("--milp-seconds", type=float, default=20.0)
    ap.add_argument("--min-pp", type=float, default=0.0, help="least score of a territory")
    args = ap.parse_args(argv)
    gdf, arrays = load(args.instance)
    problem = problem_for(gdf, arrays, args.k, args.tol)
    labels = build_partition(problem).labels
    pool = Pool(problem, 0.999 * args.tol, args.min_pp)
    pool.add_plan(labels)
    t0 = time.perf_counter()
    print(f"{args.instance} k={args.k} tol {args.tol:.0%}: engine plan, {len(pool.pp)} columns")
    for it in range(args.rounds):
        z, pi, pi0 = pool.lp()
        found = pool.price(pi, pi0, args.beam)
        print(f"round {it}: LP mean PP {z:.4f}, +{found} columns, pool {len(pool.pp)}")
        if found == 0:
            break
    print(f"LP estimate of the best mean PP: {pool.lp()[0]:.4f} ({time.perf_counter() - t0:.1f} s)")
    cover = pool.best_cover(args.milp_seconds)
    print(f"best cover by pooled territories in {args.milp_seconds:g} s: {cover}")


if __name__ == "__main__":
    main()
