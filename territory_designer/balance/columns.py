"""Column generation for thorough mode: compact territories priced against an LP.

The best plan of a plain problem is a set-partitioning problem over all connected
territories inside the balance band (Garfinkel & Nemhauser 1970): choose ``k`` of them
that cover every unit once and have the largest summed Polsby-Popper score. Its linear
relaxation is solved over a growing pool of columns (HiGHS via
:func:`scipy.optimize.linprog`), and new territories of positive reduced cost are searched
for by a beam search grown from every unit (the pricing step of Mehrotra, Johnson &
Nemhauser 1998, "An optimization based heuristic for political districting", Management
Science 44; beam search as in ``bench/bench_balance_bound.py``). The beam search here is
vectorised: the states of all starts advance together, one unit per level, their shared
boundary with every candidate unit computed by one sparse product.

Integer plans come from an exact cover over a *restricted* set of columns: those of least
reduced cost, the territories of plans (runs) and those of the plan in hand
(price-and-branch, e.g. Joncour, Michel, Sadykov, Sverdlov & Vanderbeck 2010, "Column
generation based primal heuristics", Electronic Notes in Discrete Mathematics 36; the
restricted set always holds a cover, the plan in hand). On NC counties k = 10 HiGHS
solves it over 500-1,000 columns in a tenth of a second or less, where over all ~15,000
pooled columns it finds no better cover in many seconds, even given the plan in hand as a
start (highspy, tried). Beam-search columns fit together badly: the LP reaches about
0.43 there, but the best cover by them and the usual plan's territories is about
0.37-0.39, so thorough mode's runs add territories that fill the gaps
(:mod:`territory_designer.balance.thorough`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

import numpy as np
from scipy import sparse
from scipy.optimize import linprog

from territory_designer.balance.graph import Graph, free_pieces
from territory_designer.balance.problem import BalanceProblem
from territory_designer.balance.territory_pool import FOUR_PI, TerritoryPool

#: States kept per start at each level of the pricing beam search.
BEAM = 8
#: Columns of least reduced cost in the restricted exact cover.
RESTRICTED_COLUMNS = 500
#: Column generation stops once two rounds in a row raise the LP's mean score less than this
#: (NC counties k = 10: 0.4305 after four rounds of nine, the rest 0.5-1.5 s of CPU).
STALL = 1e-3
#: Column generation is used on layers of at most this many units ...
MAX_UNITS = 400
#: ... and at most this many units per territory (the beam search grows one unit a level).
MAX_UNITS_PER_TERRITORY = 15


def priced(problem: BalanceProblem) -> bool:
    """Whether thorough mode generates columns for ``problem`` (a plain problem, see
    :func:`territory_designer.balance.territory_pool.applies`): small layers of coarse
    units, where the pricing's beam search is cheap."""
    n, k = problem.n, problem.k
    return bool(n <= MAX_UNITS and n <= MAX_UNITS_PER_TERRITORY * k)


def residual_fits(pool: TerritoryPool, used: np.ndarray) -> bool:
    """Whether the units not ``used`` could still make territories of ``pool``'s band: each
    connected piece of them weighs a whole number of targets, each within the band."""
    p = pool.problem
    if used.all():
        return True
    rest, count, piece = free_pieces(p.n, p.ei, p.ej, ~used)
    weight = np.bincount(piece, weights=p.weight[rest], minlength=count)
    target = float(p.targets[0])
    parts = np.maximum(np.round(weight / target), 1.0)
    return bool(((weight >= parts * pool.lo) & (weight <= parts * pool.hi)).all())


class ColumnGeneration:
    """LP over the columns of ``pool`` and pricing of new ones (see the module docstring).

    Parameters
    ----------
    pool : TerritoryPool
        Columns so far (the territories of the runs); priced ones are added to it.
    graph : Graph
        The unit graph: a priced territory is grown along its edges.
    check : callable
        Called between levels of the beam search; raises to stop.
    """

    def __init__(self, pool: TerritoryPool, graph: Graph, check: Callable[[], None]) -> None:
        p = pool.problem
        self.pool, self.check = pool, check
        self.n, self.k = p.n, p.k
        shared = sparse.csr_matrix((graph.dl, (graph.du, graph.dv)), shape=(p.n, p.n))
        shared.sum_duplicates()
        self.shared = shared
        self.adjacent = (shared > 0).astype(np.float32).tocsr()
        rng = np.random.default_rng(12345)
        self.hash_key = rng.integers(1, 2**63 - 1, size=p.n, dtype=np.int64).astype(np.uint64)
        self.duals = np.zeros(p.n)
        self.count_dual = 0.0
        self.value = 0.0
        self.x = np.zeros(0)
        self._matrix = sparse.csc_matrix((p.n, 0))

    def matrix(self) -> sparse.csc_matrix:
        """Cover matrix (units x pooled columns), extended as the pool grows."""
        pool, m = self.pool, len(self.pool.units)
        if self._matrix.shape[1] < m:
            new = pool.units[self._matrix.shape[1] :]
            rows = np.concatenate(new)
            cols = np.repeat(np.arange(len(new)), [u.size for u in new])
            add = sparse.csc_matrix((np.ones(rows.size), (rows, cols)), shape=(self.n, len(new)))
            self._matrix = sparse.hstack([self._matrix, add], format="csc")
        return self._matrix

    def solve_lp(self) -> float | None:
        """Solve the LP over the pool; keep its duals; return its mean score (None when
        HiGHS found no solution, or the pool is empty)."""
        a = self.matrix()
        m = a.shape[1]
        if m == 0:
            return None
        lhs = sparse.vstack([a, sparse.csr_matrix(np.ones((1, m)))], format="csr")
        b = np.r_[np.ones(self.n), float(self.k)]
        res = linprog(-np.asarray(self.pool.pp), A_eq=lhs, b_eq=b, bounds=(0, 1), method="highs")
        if res.x is None:
            return None
        y = -np.asarray(res.eqlin.marginals)
        self.duals, self.count_dual = y[: self.n], float(y[self.n])
        self.value = -float(res.fun) / self.k
        self.x = np.asarray(res.x)
        return self.value

    def reduced_costs(self) -> np.ndarray:
        """Reduced cost of every pooled column under the last duals (<= 0 up to rounding)."""
        a = self.matrix()
        return np.asarray(self.pool.pp) - a.T @ self.duals - self.count_dual

    def price(self, beam: int = BEAM) -> int:
        """Beam search from every unit for territories of positive reduced cost; returns
        how many were pooled."""
        pool, p = self.pool, self.pool.problem
        w, area, per = p.weight, p.area, p.perimeter
        pi, pi0 = self.duals, self.count_dual
        n = self.n
        # States: members (bool rows), start (group), weight, area, perimeter, dual sum, hash.
        group = np.arange(n)
        members = np.eye(n, dtype=bool)
        sw, sa, sp, sd, sh = w.copy(), area.copy(), per.copy(), pi.copy(), self.hash_key.copy()
        found = 0
        while group.size:
            self.check()
            dense = members.astype(np.float32)
            shared = np.asarray((self.shared @ dense.T).T)
            touch = np.asarray((self.adjacent @ dense.T).T) > 0
            w2 = sw[:, None] + w[None, :]
            si, v = np.nonzero(touch & ~members & (w2 <= pool.hi))
            if si.size == 0:
                break
            cw = w2[si, v]
            ca = sa[si] + area[v]
            cp = sp[si] + per[v] - 2.0 * shared[si, v]
            cpp = FOUR_PI * ca / np.maximum(cp, 1e-9) ** 2
            cd = sd[si] + pi[v]
            ch = sh[si] ^ self.hash_key[v]
            full = cw >= pool.lo
            good = full & (cpp - cd - pi0 > 1e-6) & (cpp >= pool.min_pp - 1e-9)
            if good.any():
                gi = np.flatnonzero(good)
                _, first = np.unique(ch[gi], return_index=True)
                for c in gi[first]:
                    units = np.flatnonzero(members[si[c]])
                    found += pool.add_column(np.sort(np.r_[units, v[c]]), float(cpp[c]))
            keep = np.flatnonzero(~full)
            if keep.size == 0:
                break
            est = cpp[keep] - (cd[keep] + pi0) * pool.hi / cw[keep]
            g = group[si[keep]]
            # Distinct sets per start (the same set is reached from several states), the
            # ``beam`` of highest estimate kept.
            order = np.lexsort((-est, g))
            g, keep = g[order], keep[order]
            tag = ch[keep] ^ (g.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15))
            _, first = np.unique(tag, return_index=True)
            first.sort()
            g, keep = g[first], keep[first]
            starts = np.r_[0, np.flatnonzero(np.diff(g)) + 1]
            rank = np.arange(g.size) - np.repeat(starts, np.diff(np.r_[starts, g.size]))
            chosen = keep[rank < beam]
            parent, unit = si[chosen], v[chosen]
            members = members[parent]
            members[np.arange(parent.size), unit] = True
            group = group[parent]
            sw, sa, sp, sd, sh = cw[chosen], ca[chosen], cp[chosen], cd[chosen], ch[chosen]
        return found

    def generate(self, rounds: int, until: float | None = None) -> float | None:
        """Alternate LP and pricing until no column is found or the LP value has gained
        less than :data:`STALL` twice in a row, for at most ``rounds`` rounds or until
        :func:`time.perf_counter` passes ``until``; returns the last LP value (an
        estimate of the best mean score: the pricing is heuristic)."""
        last, idle = -np.inf, 0
        for _ in range(rounds):
            value = self.solve_lp()
            if value is None:
                return None
            idle = idle + 1 if value < last + STALL else 0
            last = value
            if idle >= 2 or (until is not None and time.perf_counter() > until):
                return value
            if not self.price():
                break
        return self.solve_lp()

    def packing(
        self, rng: np.random.Generator, most: int, noise: float, keep: Sequence[int] = ()
    ) -> list[int]:
        """The columns ``keep`` (disjoint) and then, up to ``most`` in all, disjoint columns
        of the last LP solution, taken by value (plus uniform ``noise``), each only if
        what it leaves uncovered can still be cut into territories: every piece of the
        rest weighs a whole number of targets within the band (:func:`residual_fits`)."""
        pool = self.pool
        support = np.flatnonzero(self.x > 1e-6)
        order = support[np.argsort(-(self.x[support] + noise * rng.random(support.size)))]
        used = np.zeros(self.n, dtype=bool)
        chosen = [int(c) for c in keep]
        for c in chosen:
            used[pool.units[c]] = True
        for c in order.tolist():
            units = pool.units[c]
            if used[units].any():
                continue
            used[units] = True
            if not residual_fits(pool, used):
                used[units] = False
                continue
            chosen.append(c)
            if len(chosen) >= most:
                break
        return chosen

    def restricted_cover(
        self, extra: list[int], seconds: float, size: int | None = None
    ) -> np.ndarray | None:
        """Labels of the best exact cover by the ``size`` columns of least reduced cost and
        the columns ``extra`` and of plans (None: none found within ``seconds``)."""
        pool = self.pool
        rc = self.reduced_costs()
        best = np.argsort(-rc, kind="stable")[: RESTRICTED_COLUMNS if size is None else size]
        cols = np.unique(np.r_[best, np.asarray(extra + pool.planned, dtype=np.int64)])
        return pool.best_cover(seconds, cols)
