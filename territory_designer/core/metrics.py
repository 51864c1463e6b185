"""Territory and plan metrics, updated incrementally as units are reassigned.

Per territory the engine keeps running sums — unit count, every weight field (unit
attributes and account sums), area, the sum of unit perimeters and the boundary length
shared inside the territory — so reassigning a set of units costs time proportional to
that set and its incident edges, not to the layer. Compactness is Polsby-Popper,
``4 pi A / P**2`` (Polsby & Popper 1991), with the dissolved perimeter
``P = sum(unit perimeters) - 2 * shared internal boundary``. Contiguity is counted as in
``shared/bench/score_plan.py``: inside each connected component of the unit graph
(the mainland, each island) a territory's units should form one piece. Pieces beyond that
are *avoidable* fragmentation; pieces on other components are *island pieces* that no
plan can join. A plan is contiguous only when every territory is one piece, and reports
say how many territories are not and why (:func:`describe_contiguity`). Pieces are
recomputed lazily for the territories an edit touched.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from territory_designer.core.adjacency import Adjacency
from territory_designer.core.criterion import parse_mix
from territory_designer.core.plan import Plan


@dataclass
class PlanSummary:
    """Plan-level figures (see DESIGN.md, Metrics)."""

    territories: int
    balance_field: str
    max_abs_deviation_pct: float
    min_deviation_pct: float
    max_deviation_pct: float
    cv: float
    noncontiguous: int
    extra_pieces: int
    contiguous: bool
    unassigned_units: int
    pp_mean: float
    pp_min: float
    cut_edges: int
    #: Territories in more than one piece, for whatever reason.
    territories_in_pieces: int = 0
    #: Pieces on islands (other graph components) that no plan could join.
    island_pieces: int = 0

    def contiguity(self) -> str:
        """The plan's contiguity as reports state it (see :func:`describe_contiguity`)."""
        return describe_contiguity(
            self.contiguous, self.territories_in_pieces, self.island_pieces, self.extra_pieces
        )

    #: Tolerance the plan was built or rebalanced within, on this metric (None: hand-made).
    tolerance_pct: float | None = None


class PlanMetrics:
    """Running per-territory sums for one plan.

    Parameters
    ----------
    plan : Plan
        The plan whose assignment this object keeps in step; edits must go through
        :meth:`reassign`.
    weights : numpy.ndarray
        (n_units, n_fields) values summed per territory.
    field_names : list of str
        Names of the weight columns.
    area, perimeter : numpy.ndarray
        Unit areas (m²) and perimeters (m).
    adjacency : Adjacency
        The unit graph with shared boundary lengths.
    """

    def __init__(
        self,
        plan: Plan,
        weights: np.ndarray,
        field_names: list[str],
        area: np.ndarray,
        perimeter: np.ndarray,
        adjacency: Adjacency,
        account_weights: np.ndarray | None = None,
        account_units: np.ndarray | None = None,
        account_index: dict[str, int] | None = None,
    ) -> None:
        self.plan = plan
        # Named accounts pinned to a territory (plan.account_overrides) move their weight
        # row from their unit's territory to the pinned one; see totals().
        self.account_weights = account_weights
        self.account_units = account_units
        self.account_index = account_index or {}
        self.weights = np.asarray(weights, dtype=float)
        self.field_names = list(field_names)
        self.area = np.asarray(area, dtype=float)
        self.perimeter = np.asarray(perimeter, dtype=float)
        self.adjacency = adjacency
        self._edge_len = np.where(adjacency.rook_mask(), adjacency.length, 0.0)
        self._contact = adjacency.contact_mask()
        self._recompute_all()

    # -- bookkeeping --------------------------------------------------------------------
    def _slots(self, codes: np.ndarray) -> np.ndarray:
        """Array slot of each code: slot 0 holds the unassigned units."""
        return np.asarray(codes, dtype=np.int64) + 1

    def _ensure_capacity(self) -> None:
        need = self.plan.next_code + 1
        have = self.count.size
        if need <= have:
            return
        grow = need - have
        self.count = np.r_[self.count, np.zeros(grow)]
        self.sums = np.vstack([self.sums, np.zeros((grow, self.sums.shape[1]))])
        self.area_sum = np.r_[self.area_sum, np.zeros(grow)]
        self.perim_sum = np.r_[self.perim_sum, np.zeros(grow)]
        self.internal = np.r_[self.internal, np.zeros(grow)]

    def _recompute_all(self) -> None:
        size = self.plan.next_code + 1
        slots = self._slots(self.plan.assignment)
        self.count = np.bincount(slots, minlength=size).astype(float)
        self.sums = np.zeros((size, self.weights.shape[1]))
        for k in range(self.weights.shape[1]):
            self.sums[:, k] = np.bincount(slots, weights=self.weights[:, k], minlength=size)
        self.area_sum = np.bincount(slots, weights=self.area, minlength=size)
        self.perim_sum = np.bincount(slots, weights=self.perimeter, minlength=size)
        adj = self.adjacency
        li, lj = self.plan.assignment[adj.ei], self.plan.assignment[adj.ej]
        same = (li == lj) & (li >= 0)
        self.internal = np.bincount(
            self._slots(li[same]), weights=self._edge_len[same], minlength=size
        )
        self._pieces: dict[int, tuple[int, int]] = {}

    def _internal_delta(self, edges: np.ndarray, sign: float) -> None:
        a = self.plan.assignment
        li, lj = a[self.adjacency.ei[edges]], a[self.adjacency.ej[edges]]
        same = (li == lj) & (li >= 0)
        np.add.at(self.internal, self._slots(li[same]), sign * self._edge_len[edges][same])

    # -- edits --------------------------------------------------------------------------
    def reassign(self, units: np.ndarray, codes: np.ndarray | int) -> None:
        """Set ``plan.assignment[units] = codes`` and update every running sum.

        Parameters
        ----------
        units : numpy.ndarray of int
            Unit indices (unique).
        codes : int or numpy.ndarray of int
            New territory code(s), -1 to unassign.
        """
        units = np.asarray(units, dtype=np.int64)
        if units.size == 0:
            return
        self._ensure_capacity()
        new = np.broadcast_to(np.asarray(codes, dtype=np.int32), units.shape)
        old = self.plan.assignment[units].copy()
        edges = self.adjacency.edges_of(units)
        self._internal_delta(edges, -1.0)
        w = self.weights[units]
        for codes_, sign in ((old, -1.0), (new, 1.0)):
            s = self._slots(codes_)
            np.add.at(self.count, s, sign)
            np.add.at(self.sums, s, sign * w)
            np.add.at(self.area_sum, s, sign * self.area[units])
            np.add.at(self.perim_sum, s, sign * self.perimeter[units])
        self.plan.assignment[units] = new
        self._internal_delta(edges, 1.0)
        for code in np.unique(np.r_[old, new]):
            self._pieces.pop(int(code), None)

    def territory_added(self) -> None:
        """Grow the arrays after a territory was added to the plan."""
        self._ensure_capacity()

    # -- queries ------------------------------------------------------------------------
    def field_index(self, name: str) -> int:
        """Column of a weight field."""
        return self.field_names.index(name)

    def totals(self) -> np.ndarray:
        """Per-slot sums including account overrides (slot = code + 1; slot 0 unassigned)."""
        overrides = self.plan.account_overrides
        if not overrides or self.account_weights is None or self.account_units is None:
            return self.sums
        out = self.sums.copy()
        for account_id, code in overrides.items():
            a = self.account_index.get(account_id)
            if a is None or code not in self.plan.territories:
                continue
            unit = int(self.account_units[a])
            if unit >= 0:
                out[int(self.plan.assignment[unit]) + 1] -= self.account_weights[a]
            out[code + 1] += self.account_weights[a]
        return out

    def values(self, field: str) -> dict[int, float]:
        """Sum of ``field`` per territory code (account overrides included).

        ``field`` may also be a mix key (``"accounts=0.6,revenue=0.4"``, see
        :mod:`territory_designer.core.criterion`): each field counts as its share of the
        layer's total, times its coefficient, as the engine balanced it.
        """
        totals = self.totals()
        mix = parse_mix(field) if field not in self.field_names else None
        if mix is None:
            k = self.field_index(field)
            return {c: float(totals[c + 1, k]) for c in self.plan.territories}
        out = dict.fromkeys(self.plan.territories, 0.0)
        for name, coef in mix.items():
            k = self.field_index(name)
            layer_total = float(np.clip(np.nan_to_num(self.weights[:, k]), 0, None).sum())
            if layer_total > 0:
                for c in out:
                    out[c] += coef * float(totals[c + 1, k]) / layer_total
        return out

    def polsby_popper(self, code: int) -> float:
        """Polsby-Popper compactness of the dissolved territory (0 when empty)."""
        s = code + 1
        perim = self.perim_sum[s] - 2.0 * self.internal[s]
        if self.count[s] == 0 or perim <= 0:
            return 0.0
        return float(min(1.0, 4.0 * np.pi * self.area_sum[s] / perim**2))

    def pieces(self, code: int) -> tuple[int, int]:
        """(pieces, extra pieces beyond one per island the territory touches)."""
        if code not in self._pieces:
            units = self.plan.units_of(code)
            if units.size == 0:
                self._pieces[code] = (0, 0)
            else:
                sub = self.adjacency.csr[units][:, units]
                n_pieces, _ = connected_components(sub, directed=False)
                islands = np.unique(self.adjacency.components[units]).size
                self._pieces[code] = (int(n_pieces), int(n_pieces - islands))
        return self._pieces[code]

    def _all_pieces(self, codes: list[int]) -> dict[int, tuple[int, int]]:
        """:meth:`pieces` of every territory in ``codes`` from one labelling of the pieces
        of all territories (the same counts; a 300,000-unit plan of 500 territories
        took seconds territory by territory)."""
        a = self.plan.assignment
        n = a.size
        ei, ej, _ = self.adjacency.contact_edges()
        same = (a[ei] == a[ej]) & (a[ei] >= 0)
        graph = sparse.csr_matrix(
            (np.ones(int(same.sum()), dtype=bool), (ei[same], ej[same])), shape=(n, n)
        )
        piece = connected_components(graph, directed=False)[1]
        ok = a >= 0
        code, piece, comp = a[ok].astype(np.int64), piece[ok], self.adjacency.components[ok]
        # Distinct (territory, piece) and (territory, island) pairs, as single integers.
        n_pieces = np.unique(code * (n + 1) + piece) // (n + 1)
        n_islands = np.unique(code * (n + 1) + comp) // (n + 1)
        pc = dict(zip(*np.unique(n_pieces, return_counts=True), strict=True))
        ic = dict(zip(*np.unique(n_islands, return_counts=True), strict=True))
        out = {}
        for c in codes:
            p = int(pc.get(c, 0))
            out[c] = (p, p - int(ic.get(c, 0))) if p else (0, 0)
        return out

    def deviations(self, field: str, values: dict[int, float] | None = None) -> dict[int, float]:
        """Deviation of each territory from its target (or the mean), as a fraction.

        ``values`` are the field's per-territory sums when the caller has them already.
        """
        vals = self.values(field) if values is None else values
        if not vals:
            return {}
        mean = float(np.mean(list(vals.values())))
        out = {}
        for code, v in vals.items():
            target = self.plan.territories[code].target
            ref = target if target else mean
            out[code] = (v - ref) / ref if ref else 0.0
        return out

    def cut_edges(self) -> int:
        """Neighbour edges whose two units lie in different territories (or one unassigned)."""
        a = self.plan.assignment
        c = self._contact
        return int(np.count_nonzero(a[self.adjacency.ei[c]] != a[self.adjacency.ej[c]]))

    def contiguity(self) -> tuple[bool, int, int, int, int]:
        """(contiguous, territories in pieces, island pieces, territories with avoidable
        pieces, avoidable pieces) over the plan's territories."""
        missing = [c for c in self.plan.territories if c not in self._pieces]
        if len(missing) > 16:  # a fresh plan: one pass over the graph, not one per territory
            self._pieces.update(self._all_pieces(missing))
        pieces = [self.pieces(c) for c in self.plan.territories]
        in_pieces = sum(1 for p in pieces if p[0] > 1)
        island = sum(p[0] - p[1] - 1 for p in pieces if p[0] > 0)
        return (
            in_pieces == 0,
            in_pieces,
            island,
            sum(1 for p in pieces if p[1] > 0),
            sum(p[1] for p in pieces),
        )

    def summary(self, field: str) -> PlanSummary:
        """Plan-level figures for balance field ``field``."""
        codes = list(self.plan.territories)
        by_code = self.values(field)
        vals = np.array(list(by_code.values())) if codes else np.zeros(0)
        devs = np.array(list(self.deviations(field, by_code).values())) if codes else np.zeros(0)
        contiguous, in_pieces, island, noncontiguous, avoidable = self.contiguity()
        pps = np.array([self.polsby_popper(c) for c in codes if self.count[c + 1] > 0])
        # Load over target (or over the mean): a part-time rep at half is not imbalance.
        ratio = 1.0 + devs
        mean = ratio.mean() if vals.size and vals.sum() else 0.0
        return PlanSummary(
            territories=len(codes),
            balance_field=field,
            max_abs_deviation_pct=float(np.abs(devs).max() * 100) if devs.size else 0.0,
            min_deviation_pct=float(devs.min() * 100) if devs.size else 0.0,
            max_deviation_pct=float(devs.max() * 100) if devs.size else 0.0,
            cv=float(ratio.std() / mean) if mean else 0.0,
            noncontiguous=noncontiguous,
            extra_pieces=avoidable,
            contiguous=contiguous,
            unassigned_units=int(self.count[0]),
            pp_mean=float(pps.mean()) if pps.size else 0.0,
            pp_min=float(pps.min()) if pps.size else 0.0,
            cut_edges=self.cut_edges(),
            territories_in_pieces=in_pieces,
            island_pieces=island,
        )


def describe_contiguity(
    contiguous: bool, territories_in_pieces: int, island_pieces: int, extra_pieces: int
) -> str:
    """``"yes"``, or ``"no: 2 territories in several pieces; 3 island pieces that cannot be
    joined, 1 avoidable"``: what reports say about a plan's contiguity."""
    if contiguous:
        return "yes"
    why = []
    if island_pieces:
        why.append(
            f"{island_pieces} island piece{'s' * (island_pieces != 1)} that cannot be joined"
        )
    if extra_pieces:
        why.append(f"{extra_pieces} avoidable")
    several = "territory" if territories_in_pieces == 1 else "territories"
    return f"no: {territories_in_pieces} {several} in several pieces; {', '.join(why)}"
