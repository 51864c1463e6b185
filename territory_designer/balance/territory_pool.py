"""Recombination of plans: the best plan made of territories met during a search.

Every territory a search meets inside the balance band (in the plans it visits, the
neighbourhoods it rebuilds, the pairs it re-splits) is kept in a pool with its
Polsby-Popper score. The best plan whose territories all come from the pool is a
set-partitioning problem: choose ``k`` pooled territories that cover every unit exactly
once and have the largest summed score (Garfinkel & Nemhauser 1970, "Optimal political
districting by implicit enumeration techniques", Management Science 16; the recombination
of local optima by set partitioning of Rochat & Taillard 1995, "Probabilistic
diversification and intensification in local search for vehicle routing", Journal of
Heuristics 1). It is solved exactly by HiGHS (``scipy.optimize.milp``). Every plan the
search visited is such a cover, so the answer is never worse than the best of them, and
it can join territories of different plans that fit together.

Only for plain problems, where territories are interchangeable: equal targets, no locked
units or territories, no "stay within" groups, home bases or rules (:func:`applies`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse.csgraph import connected_components

from territory_designer.balance.graph import Graph
from territory_designer.balance.problem import BalanceProblem

FOUR_PI = 4.0 * np.pi
#: Largest layer the pool is used on (the exact cover's rows are units).
MAX_UNITS = 5000


def applies(problem: BalanceProblem) -> bool:
    """Whether territories of ``problem`` are interchangeable (see the module docstring)."""
    return bool(
        problem.n <= MAX_UNITS
        and np.allclose(problem.targets, problem.targets[0])
        and (problem.locked < 0).all()
        and not problem.closed.any()
        and np.unique(problem.groups).size == 1
        and problem.home is None
        and problem.forbidden is None
    )


class TerritoryPool:
    """Territories met inside ``band`` with a score of at least ``min_pp``.

    Parameters
    ----------
    problem : BalanceProblem
        A plain problem (:func:`applies`).
    band : float
        Largest relative deviation from the target a pooled territory may have.
    min_pp : float
        Least Polsby-Popper score a pooled territory may have.
    graph : Graph
        The unit graph: a pooled territory is one piece in each of its components.
    """

    def __init__(self, problem: BalanceProblem, band: float, min_pp: float, graph: Graph) -> None:
        self.problem, self.graph = problem, graph
        target = float(problem.targets[0])
        self.lo, self.hi = target * (1.0 - band), target * (1.0 + band)
        self.min_pp = float(min_pp)
        self.keys: set[bytes] = set()
        self.index: dict[bytes, int] = {}  # pooled territory -> its column
        self.units: list[np.ndarray] = []
        self.pp: list[float] = []
        self.planned: list[int] = []  # columns that came from plans (not from pricing)

    def __len__(self) -> int:
        return len(self.units)

    def add(self, labels: np.ndarray, territories: Sequence[int] | None = None) -> None:
        """Pool the territories ``territories`` (default: all) of ``labels``."""
        p = self.problem
        if territories is None:
            territories = range(p.k)
        for t in territories:
            members = np.flatnonzero(labels == t)
            if members.size == 0:
                continue
            weight = float(p.weight[members].sum())
            if not self.lo <= weight <= self.hi:
                continue
            key = members.tobytes()
            if key in self.keys:
                continue
            mask = np.zeros(p.n, dtype=bool)
            mask[members] = True
            inner = float(p.elen[mask[p.ei] & mask[p.ej]].sum())
            perimeter = float(p.perimeter[members].sum()) - 2.0 * inner
            pp = FOUR_PI * float(p.area[members].sum()) / max(perimeter, 1e-9) ** 2
            self.keys.add(key)  # pooled, too ragged or in pieces: not looked at again
            if pp >= self.min_pp - 1e-9 and self._one_piece(members, mask):
                self.index[key] = len(self.units)
                self.planned.append(len(self.units))
                self.units.append(members)
                self.pp.append(pp)

    def add_column(self, members: np.ndarray, pp: float) -> bool:
        """Pool a territory known to be one piece inside the band (sorted ``members``,
        score ``pp``); returns whether it was new."""
        key = members.astype(np.int64).tobytes()
        if key in self.keys or pp < self.min_pp - 1e-9:
            return False
        self.keys.add(key)
        self.index[key] = len(self.units)
        self.units.append(members.astype(np.int64))
        self.pp.append(float(pp))
        return True

    def columns_of(self, labels: np.ndarray) -> list[int]:
        """Columns of the pooled territories of plan ``labels``."""
        found = (
            self.index.get(np.flatnonzero(labels == t).tobytes()) for t in range(self.problem.k)
        )
        return [c for c in found if c is not None]

    def labels_of(self, chosen: Sequence[int]) -> np.ndarray | None:
        """Labels of the plan made of the pooled territories ``chosen`` (None unless they
        cover every unit exactly once with ``k`` territories)."""
        p = self.problem
        labels = np.full(p.n, -1, dtype=np.int64)
        if len(chosen) != p.k:
            return None
        for t, c in enumerate(sorted(chosen, key=lambda c: int(self.units[c][0]))):
            if (labels[self.units[c]] >= 0).any():
                return None
            labels[self.units[c]] = t
        return None if (labels < 0).any() else labels

    def _one_piece(self, members: np.ndarray, mask: np.ndarray) -> bool:
        """Whether ``members`` form one piece in each graph component they touch."""
        p, graph = self.problem, self.graph
        inside = mask[p.ei] & mask[p.ej]
        local = np.full(p.n, -1, dtype=np.int64)
        local[members] = np.arange(members.size)
        sub = sparse.coo_matrix(
            (np.ones(int(inside.sum())), (local[p.ei[inside]], local[p.ej[inside]])),
            shape=(members.size, members.size),
        )
        pieces = connected_components(sub, directed=False)[0]
        return pieces == np.unique(graph.components[members]).size

    def best_cover(self, seconds: float, columns: Sequence[int] | None = None) -> np.ndarray | None:
        """Labels of the best exact cover by ``k`` pooled territories, or by the pooled
        territories ``columns`` only (sorted; None: none found within ``seconds``)."""
        p = self.problem
        cols = np.arange(len(self.units)) if columns is None else np.asarray(columns)
        m = cols.size
        if m < p.k:
            return None
        rows = np.concatenate([self.units[c] for c in cols])
        at = np.repeat(np.arange(m), [self.units[c].size for c in cols])
        cover = sparse.csr_matrix((np.ones(rows.size), (rows, at)), shape=(p.n, m))
        a = sparse.vstack([cover, sparse.csr_matrix(np.ones((1, m)))]).tocsr()
        b = np.r_[np.ones(p.n), float(p.k)]
        res = milp(
            -np.asarray(self.pp)[cols],
            constraints=LinearConstraint(a, b, b),
            integrality=np.ones(m),
            bounds=Bounds(0, 1),
            options={"time_limit": max(float(seconds), 0.05)},
        )
        if res.x is None:
            return None
        return self.labels_of(cols[np.flatnonzero(res.x > 0.5)].tolist())
