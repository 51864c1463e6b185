"""The inputs of a balancing run, validated and reduced to plain arrays.

A :class:`BalanceProblem` holds everything the engine needs and nothing from the project:
one weight per unit (one field, or a weighted combination of several fields, each taken as
a share of its own total so that fields of different scales mix sensibly), the unit graph
(rook edges with their shared boundary lengths), centroids, areas and perimeters, the
number of territories with their relative capacities (targets), locked units, "stay within"
groups, optional home bases with a maximum distance, the tolerance, the compactness weight
and the random seed.

Units without any weight (most ZIP areas of a layer where few hold an account) still
count a little: each weighs an equal share of :data:`ZERO_WEIGHT_FLOOR` of the total, so
every total and target of every stage of the engine is positive, and territories made only
of such units are balanced by their number of units. A layer without any weight is refused.

Targets follow the capacities: inside a ``within`` group, territory ``j`` targets
``share_j / sum(shares in the group) * group total``. A unit heavier than the tolerance
allows makes the tolerance infeasible: :func:`isolate_heavy_units` gives such a unit its own
territory and re-targets the others to the mean of what remains (reported as infeasible,
with the lower bound on the deviation).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from territory_designer.core.errors import InputError

#: Share of the total weight spread evenly over all units (see the module docstring).
ZERO_WEIGHT_FLOOR = 1e-6


@dataclass
class BalanceProblem:
    """Plain-array description of a balancing run (see the module docstring).

    Parameters
    ----------
    weight : numpy.ndarray
        (n,) non-negative value balanced across territories.
    xy : numpy.ndarray
        (n, 2) unit centroids (metres).
    area, perimeter : numpy.ndarray
        (n,) unit areas and perimeters, for Polsby-Popper.
    ei, ej, elen : numpy.ndarray
        Graph edges (``ei < ej``) and their shared boundary length; contiguity follows them.
    k : int
        Number of territories.
    shares : numpy.ndarray
        (k,) relative capacity of each territory (1 = a full-time rep, 0.5 = half).
    tolerance : float
        Allowed deviation from target, as a fraction (0.05 = +/-5 %).
    locked : numpy.ndarray
        (n,) fixed territory of each unit, ``-1`` where free.
    closed : numpy.ndarray
        (k,) territories that neither gain nor lose units (locked territories).
    groups : numpy.ndarray
        (n,) ``within`` group of each unit (all zeros when unused).
    territory_group : numpy.ndarray
        (k,) group each territory belongs to.
    home : numpy.ndarray or None
        (k, 2) home bases; they seed the territories.
    max_distance : float or None
        Units farther than this from a territory's home base may not join it. A unit
        farther than this from *every* home base is out of range: the limit is waived for
        it (see :attr:`out_of_range`) and the quality report names it.
    distance : callable or None
        ``distance(points, homes) -> (len(points), len(homes))`` metres between centroids
        and home bases (geodesic for a project in a known CRS, see
        :func:`territory_designer.core.geodesy.distance_matrix`); straight lines in ``xy``
        when None.
    compactness : float
        0 = balance only, 1 = strongest preference for compact shapes.
    seed : int
        Random seed (same seed and input give the same plan).
    forbidden : numpy.ndarray or None
        (n, k) True where a unit may never belong to a territory (a project's hard rules:
        licensed states, a "stay within" value kept per territory; see
        :func:`territory_designer.balance.rules_repair.forbidden_matrix`). Never waived.
    """

    weight: np.ndarray
    xy: np.ndarray
    area: np.ndarray
    perimeter: np.ndarray
    ei: np.ndarray
    ej: np.ndarray
    elen: np.ndarray
    k: int
    shares: np.ndarray
    tolerance: float = 0.05
    locked: np.ndarray | None = None
    closed: np.ndarray | None = None
    groups: np.ndarray | None = None
    territory_group: np.ndarray | None = None
    home: np.ndarray | None = None
    max_distance: float | None = None
    distance: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None
    compactness: float = 0.5
    seed: int = 0
    forbidden: np.ndarray | None = None
    targets: np.ndarray = field(init=False)
    out_of_range: np.ndarray = field(init=False)
    heavy_units: list[int] = field(default_factory=list)
    #: Heavy units that share a territory with locked units (no territory was free), and
    #: that territory (see :func:`isolate_heavy_units`).
    heavy_shared: dict[int, int] = field(default_factory=dict)
    #: Units cut off from every other territory by a heavy unit's closed territory, which
    #: they joined (heavy unit -> those units; see ``heavy_units.absorb_cut_off``).
    cut_off: dict[int, list[int]] = field(default_factory=dict)
    _home_distance: np.ndarray | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        n = self.weight.size
        self.weight = np.clip(np.nan_to_num(np.asarray(self.weight, dtype=float)), 0, None)
        total = float(self.weight.sum())
        if n and total <= 0:
            raise InputError("No unit has any weight to balance on.")
        if n:
            self.weight = np.where(self.weight > 0, self.weight, ZERO_WEIGHT_FLOOR * total / n)
        self.xy = np.asarray(self.xy, dtype=float).reshape(n, 2)
        self.area = np.asarray(self.area, dtype=float)
        self.perimeter = np.asarray(self.perimeter, dtype=float)
        self.ei = np.asarray(self.ei, dtype=np.int64)
        self.ej = np.asarray(self.ej, dtype=np.int64)
        self.elen = np.asarray(self.elen, dtype=float)
        if self.k < 1:
            raise InputError("Ask for at least one territory.")
        if self.k > n:
            raise InputError(f"{self.k} territories cannot be made from {n} units.")
        self.shares = np.asarray(self.shares, dtype=float).reshape(self.k)
        if np.any(self.shares <= 0):
            raise InputError("Every territory needs a positive target share.")
        if self.locked is None:
            self.locked = np.full(n, -1, dtype=np.int64)
        self.locked = np.asarray(self.locked, dtype=np.int64)
        if self.locked.max(initial=-1) >= self.k:
            raise InputError("A locked unit names a territory beyond k.")
        if self.closed is None:
            self.closed = np.zeros(self.k, dtype=bool)
        if self.groups is None:
            self.groups = np.zeros(n, dtype=np.int64)
        self.groups = np.asarray(self.groups, dtype=np.int64)
        if self.territory_group is None:
            self.territory_group = allocate_groups(self)
        self.territory_group = np.asarray(self.territory_group, dtype=np.int64)
        self._check_locks_in_groups()
        self.targets = compute_targets(self.weight, self.groups, self.territory_group, self.shares)
        self.out_of_range = np.zeros(n, dtype=bool)
        if self.home is not None and self.max_distance is not None:
            self.out_of_range = self.home_distance().min(axis=1) > self.max_distance
        if self.forbidden is not None:
            self.forbidden = np.asarray(self.forbidden, dtype=bool).reshape(n, self.k)

    def home_distance(self, units: np.ndarray | None = None) -> np.ndarray:
        """(units, k) distance of each unit's centroid to each home base (computed once)."""
        if self._home_distance is None:
            if self.distance is not None:
                d = self.distance(self.xy, self.home)
            else:
                d = np.hypot(
                    self.xy[:, None, 0] - self.home[None, :, 0],
                    self.xy[:, None, 1] - self.home[None, :, 1],
                )
            self._home_distance = np.asarray(d, dtype=float).reshape(self.n, len(self.home))
        return self._home_distance if units is None else self._home_distance[units]

    @property
    def n(self) -> int:
        """Number of units."""
        return int(self.weight.size)

    def _check_locks_in_groups(self) -> None:
        fixed = self.locked >= 0
        bad = fixed & (self.territory_group[np.maximum(self.locked, 0)] != self.groups)
        if bad.any():
            raise InputError(
                f"{int(bad.sum())} locked unit(s) lie outside the 'within' group of their "
                "territory; unlock them or drop the constraint."
            )
        missing = np.setdiff1d(np.unique(self.groups), self.territory_group)
        if missing.size:
            raise InputError(
                f"{missing.size} 'within' group(s) got no territory: ask for more territories "
                "or give each group a home base."
            )

    def far_from_home(self) -> np.ndarray | None:
        """(n, k) True where the distance limit keeps a unit out of a territory, or None."""
        far = None
        if self.home is not None and self.max_distance is not None:
            far = (self.home_distance() > self.max_distance) & ~self.out_of_range[:, None]
        if self.forbidden is not None:  # hard rules bar a unit as a distance limit does
            far = self.forbidden if far is None else far | self.forbidden
        return far

    def allowed(self, units: np.ndarray, terr: np.ndarray, distance: bool = True) -> np.ndarray:
        """Whether each unit may belong to the paired territory (group and distance).

        Units out of range of every home base are exempt from the distance limit, and
        ``distance=False`` drops it altogether (the last resort of contiguity repair).
        """
        ok = self.groups[units] == self.territory_group[terr]
        ok &= ~self.closed[terr]
        if distance and self.home is not None and self.max_distance is not None:
            d = self.home_distance()[units, terr]
            ok &= (d <= self.max_distance) | self.out_of_range[units]
        if self.forbidden is not None:
            ok &= ~self.forbidden[units, terr]
        return ok


def allocate_groups(problem: BalanceProblem) -> np.ndarray:
    """Territories per ``within`` group: home bases decide, else weight (largest remainder)."""
    groups, k = problem.groups, problem.k
    if problem.home is not None:
        near = np.argmin(
            ((problem.xy[None, :, :] - problem.home[:, None, :]) ** 2).sum(axis=2), axis=1
        )
        return groups[near]
    out = np.full(k, -1, dtype=np.int64)
    fixed = problem.locked >= 0
    out[problem.locked[fixed]] = groups[fixed]
    labels = np.unique(groups)
    if labels.size > k:
        raise InputError(
            f"{labels.size} 'within' groups need at least as many territories (asked for {k})."
        )
    free = out < 0
    have = np.array([np.count_nonzero(out == g) for g in labels])
    tot = np.array([problem.weight[groups == g].sum() for g in labels])
    quota = tot / max(tot.sum(), 1e-12) * k
    alloc = np.maximum(np.floor(quota).astype(int), np.maximum(have, 1))
    while alloc.sum() > k:
        # Over-allocated by the minimum of one per group: take back where quota fits least.
        over = np.where(alloc > np.maximum(have, 1), alloc - quota, -np.inf)
        alloc[int(np.argmax(over))] -= 1
    while alloc.sum() < k:
        alloc[int(np.argmax(quota - alloc))] += 1
    slots = iter(np.flatnonzero(free))
    for g, a, h in zip(labels, alloc, have, strict=True):
        for _ in range(int(a - h)):
            out[next(slots)] = g
    return out


def compute_targets(
    weight: np.ndarray, groups: np.ndarray, territory_group: np.ndarray, shares: np.ndarray
) -> np.ndarray:
    """Target weight of each territory: its share of its group's total."""
    targets = np.zeros(shares.size)
    for g in np.unique(territory_group):
        t = territory_group == g
        targets[t] = weight[groups == g].sum() * shares[t] / shares[t].sum()
    return np.maximum(targets, 1e-12)


def isolate_heavy_units(problem: BalanceProblem) -> list[int]:
    """Give each unit too heavy for the tolerance a territory of its own.

    A unit heavier than ``(1 + tolerance)`` times its territory's target cannot be balanced.
    Such units (heaviest first, re-targeting after each) are fixed alone in the free
    territory of their group with the largest share, and that territory is closed. When no
    territory is free (every one holds a locked unit, e.g. each rep's home), the heavy unit
    joins the territory it is locked to, else the one whose locked units (the rep's home)
    lie nearest to it (:func:`_home_territory`); that territory's target becomes what is
    locked in it, so it keeps little else, and the choice is recorded in
    ``problem.heavy_shared`` for the report. The other territories of the group are
    re-targeted to share what remains.

    Returns
    -------
    list of int
        The isolated units (also stored in ``problem.heavy_units``).
    """
    heavy: list[int] = []
    is_heavy = np.zeros(problem.n, dtype=bool)
    heavy_t = np.zeros(problem.k, dtype=bool)
    terr = np.arange(problem.k)
    while True:
        open_lock = (problem.locked < 0) | ~problem.closed[np.maximum(problem.locked, 0)]
        cand = np.flatnonzero(~is_heavy & open_lock)
        if cand.size == 0:
            break
        u = int(cand[np.argmax(problem.weight[cand])])
        g = problem.groups[u]
        in_g = ~problem.closed & (problem.territory_group == g) & ~heavy_t
        holding = np.isin(terr, problem.locked[problem.locked >= 0])
        shared = problem.locked[u] >= 0 or np.count_nonzero(in_g & ~holding) < 2
        if not shared:
            free = in_g & ~holding
            j = int(np.flatnonzero(free)[np.argmax(problem.shares[free])])
        else:
            j = _home_territory(problem, u, in_g)
            if j < 0 or np.count_nonzero(in_g) < 2:
                break
        if problem.weight[u] <= problem.targets[j] * (1 + problem.tolerance):
            break
        problem.locked[u] = j
        is_heavy[u] = heavy_t[j] = True
        heavy.append(u)
        if shared:
            problem.heavy_shared[u] = j
            held = float(problem.weight[problem.locked == j].sum())
            problem.targets[j] = max(held + link_weight(problem, u, j), 1e-12)
        else:
            problem.closed[j] = True
            problem.targets[j] = max(problem.weight[u], 1e-12)
        if not retarget_rest(problem, g, heavy_t):
            break
    problem.heavy_units = heavy
    if heavy:
        from territory_designer.balance.heavy_units import absorb_cut_off

        for g in np.unique(problem.territory_group[heavy_t]):
            if absorb_cut_off(problem, g, heavy_t):
                retarget_rest(problem, g, heavy_t)
    return heavy


def retarget_rest(problem: BalanceProblem, g: int, heavy_t: np.ndarray) -> bool:
    """Targets of the territories of group ``g`` that hold no heavy unit and are not
    closed: their shares of the group's weight but the heavy territories' targets and what
    closed territories hold. False when there is no such territory."""
    terr = np.arange(problem.k)
    group_t = problem.territory_group == g
    rest = group_t & ~heavy_t & ~problem.closed
    if not rest.any():
        return False
    closed = terr[group_t & problem.closed & ~heavy_t]
    remaining = problem.weight[problem.groups == g].sum()
    remaining -= problem.weight[(problem.groups == g) & np.isin(problem.locked, closed)].sum()
    remaining -= problem.targets[group_t & heavy_t].sum()
    problem.targets[rest] = np.maximum(
        remaining * problem.shares[rest] / problem.shares[rest].sum(), 1e-12
    )
    return True


def link_weight(problem: BalanceProblem, u: int, j: int) -> float:
    """Weight of the free units a territory must hold to link heavy unit ``u`` to its
    other locked units: those of the chain of fewest units between them (the lightest of
    such chains; 0 when ``u`` touches them or nothing links them)."""
    from scipy import sparse
    from scipy.sparse.csgraph import dijkstra

    others = np.flatnonzero(problem.locked == j)
    others = others[others != u]
    if others.size == 0:
        return 0.0
    ei = np.r_[problem.ei, problem.ej]
    ej = np.r_[problem.ej, problem.ei]
    # Each unit entered costs 1 plus under half its share of the total: fewest units
    # first, then the lightest; units locked elsewhere are walls.
    ok = (problem.locked[ej] < 0) | (problem.locked[ej] == j)
    cost = 1.0 + 0.5 * problem.weight[ej[ok]] / problem.weight.sum()
    m = sparse.csr_matrix((cost, (ei[ok], ej[ok])), shape=(problem.n, problem.n))
    dist, prev = dijkstra(m, indices=u, return_predecessors=True)
    end = int(others[np.argmin(dist[others])])
    if not np.isfinite(dist[end]):
        return 0.0
    link, x = 0.0, int(prev[end])
    while x >= 0 and x != u:
        link += float(problem.weight[x]) if problem.locked[x] < 0 else 0.0
        x = int(prev[x])
    return link


def _home_territory(problem: BalanceProblem, u: int, among: np.ndarray) -> int:
    """The territory (of ``among``) a heavy unit goes with when none is free: the one it is
    locked to, else the one whose locked units lie nearest to it (-1: none)."""
    if problem.locked[u] >= 0:
        return int(problem.locked[u]) if among[problem.locked[u]] else -1
    held = np.flatnonzero((problem.locked >= 0) & among[np.maximum(problem.locked, 0)])
    if held.size == 0:
        return -1
    d = np.hypot(*(problem.xy[held] - problem.xy[u]).T)
    return int(problem.locked[held[np.argmin(d)]])


def band_excess(
    w: np.ndarray, target: float | np.ndarray, tol: float, squared: bool = False
) -> np.ndarray:
    """Excess of weight ``w`` over the band ``target * (1 +/- tol)``, as a fraction of the
    target, or (``squared``) the squared deviation, which pair splits then equalise like
    diffusion load balancing until every territory is in the band."""
    if squared:
        return (w / target - 1.0) ** 2
    return np.maximum(np.abs(w / target - 1.0) - tol, 0.0)
