"""Graph helpers of the engine: neighbour lists, territory pieces, contiguity checks.

Contiguity is island-aware, as in ``shared/bench/score_plan.py``: a territory is contiguous
when, inside each connected component of the unit graph, its units form one piece.

Whether a boundary unit may leave its territory is the classic connectivity test of local
search districting (e.g. Ricca & Simeone 2008, "Local search algorithms for political
districting", EJOR 189): the territory minus the unit must stay connected. It is decided by
a breadth-first search from one of the unit's same-territory neighbours that stops as soon
as all of them are reached, which in a planar graph almost always happens within the ring
of units around the moved one.
"""

from __future__ import annotations

from collections import deque

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import connected_components

# Re-exported: the engine's callers import island_links from here.
from territory_designer.balance.islands import island_links  # noqa: F401


class Graph:
    """Adjacency of the units as CSR arrays and Python neighbour lists.

    Parameters
    ----------
    n : int
        Number of units.
    ei, ej : numpy.ndarray
        Undirected edges.
    elen : numpy.ndarray
        Shared boundary length of each edge.
    """

    def __init__(self, n: int, ei: np.ndarray, ej: np.ndarray, elen: np.ndarray) -> None:
        self.n = n
        self.ei, self.ej, self.elen = ei, ej, elen
        # Directed copies of every edge, for vectorised per-unit sums.
        self.du = np.r_[ei, ej]
        self.dv = np.r_[ej, ei]
        self.dl = np.r_[elen, elen]
        m = sparse.csr_matrix((np.ones(self.du.size, dtype=bool), (self.du, self.dv)), shape=(n, n))
        m.sum_duplicates()
        self.csr = m
        self.nb = LazyNeighbours(m.indptr, m.indices)
        self.n_components, self.components = connected_components(m, directed=False)
        self.degree = np.diff(m.indptr)
        self._out: tuple[np.ndarray, np.ndarray] | None = None
        self._local: np.ndarray | None = None  # scratch of inner_edges, all -1 between calls

    @property
    def out_edges(self) -> tuple[np.ndarray, np.ndarray]:
        """``(order, start)``: the directed edges (indices into :attr:`du`) grouped by their
        first unit, in their original order within each unit; unit ``u``'s are
        ``order[start[u]:start[u + 1]]``. Sums over them in this order equal
        ``np.bincount`` over all directed edges to the last bit."""
        if self._out is None:
            order = np.argsort(self.du, kind="stable")
            start = np.zeros(self.n + 1, dtype=np.int64)
            np.cumsum(np.bincount(self.du, minlength=self.n), out=start[1:])
            self._out = (order, start)
        return self._out

    def out_edges_of(self, units: np.ndarray) -> np.ndarray:
        """Directed edges (indices into :attr:`du`) leaving ``units``, grouped by unit in
        the order of ``units`` (see :attr:`out_edges`)."""
        order, start = self.out_edges
        lo, hi = start[units], start[units + 1]
        lens = hi - lo
        total = int(lens.sum())
        if total == 0:
            return np.empty(0, dtype=np.int64)
        # Concatenated ranges [lo, hi) without a Python loop.
        offsets = np.repeat(lo - (np.cumsum(lens) - lens), lens)
        return order[offsets + np.arange(total)]

    def inner_edges(self, units: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Edges with both ends in ``units``: ``(edge ids ascending, local i, local j)``,
        local indices being positions in ``units``. Costs the units' degrees, not the
        graph's size."""
        units = np.asarray(units, dtype=np.int64)
        local = np.full(self.n, -1, dtype=np.int64) if self._local is None else self._local
        self._local = None  # not shared by a nested call
        local[units] = np.arange(units.size)
        try:
            d = self.out_edges_of(units)
            m = self.ei.size
            d = np.sort(d[d < m])  # each edge once, from its ``ei`` end
            li, lj = local[self.ei[d]], local[self.ej[d]]
            keep = lj >= 0
            return d[keep], li[keep], lj[keep]
        finally:
            local[units] = -1
            self._local = local


class LazyNeighbours(dict):
    """Neighbour list of each unit (a Python list), made on first access and kept.

    The engine's Python loops (connectivity checks, annealing) visit units near territory
    boundaries only; building a list for every unit of a million-unit layer up front took
    seconds and a gigabyte. ``nb[u]`` reads like the list of lists it replaces.
    """

    def __init__(self, indptr: np.ndarray, indices: np.ndarray) -> None:
        super().__init__()
        self.indptr, self.indices = indptr, indices

    def __missing__(self, u: int) -> list[int]:
        got = self.indices[self.indptr[u] : self.indptr[u + 1]].tolist()
        self[u] = got
        return got


def pieces(graph: Graph, labels: np.ndarray) -> np.ndarray:
    """Piece id of each unit: connected parts of the graph restricted to same-label edges."""
    same = (labels[graph.ei] == labels[graph.ej]) & (labels[graph.ei] >= 0)
    a = sparse.csr_matrix(
        (np.ones(int(same.sum())), (graph.ei[same], graph.ej[same])), shape=(graph.n, graph.n)
    )
    return connected_components(a, directed=False)[1]


def free_pieces(
    n: int, ei: np.ndarray, ej: np.ndarray, free: np.ndarray
) -> tuple[np.ndarray, int, np.ndarray]:
    """Connected pieces of the units marked ``free`` (edges between two free units only).

    Returns
    -------
    (rest, count, piece)
        The free units' indices, the number of pieces and each free unit's piece id
        (aligned with ``rest``).
    """
    rest = np.flatnonzero(free)
    inside = free[ei] & free[ej]
    local = np.full(n, -1, dtype=np.int64)
    local[rest] = np.arange(rest.size)
    edges = sparse.coo_matrix(
        (np.ones(int(inside.sum())), (local[ei[inside]], local[ej[inside]])),
        shape=(rest.size, rest.size),
    )
    count, piece = connected_components(edges, directed=False)
    return rest, int(count), piece


def piece_counts(graph: Graph, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per territory code (index): its pieces, and the graph components it touches."""
    k = int(labels.max(initial=-1)) + 1
    if k == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    ok = labels >= 0
    piece = pieces(graph, labels)
    n_pieces = np.zeros(k, dtype=np.int64)
    n_comps = np.zeros(k, dtype=np.int64)
    # Distinct (territory, piece) and (territory, component) pairs, as one integer each
    # (sorting rows with np.unique(axis=0) took seconds on a million units).
    lab = labels[ok].astype(np.int64)
    for count, part in ((n_pieces, piece[ok]), (n_comps, graph.components[ok])):
        span = int(part.max()) + 1
        pairs = np.unique(lab * span + part)
        count += np.bincount(pairs // span, minlength=k)
    return n_pieces, n_comps


def extra_pieces(graph: Graph, labels: np.ndarray) -> np.ndarray:
    """Per territory code (index), pieces beyond one per graph component it touches."""
    n_pieces, n_comps = piece_counts(graph, labels)
    return n_pieces - n_comps


#: Shared length given to the links that tie islands to the mainland (metres): long enough
#: to be an edge, too short to change any perimeter.
ISLAND_LINK_M = 1.0


def can_leave(graph: Graph, labels: np.ndarray, u: int) -> bool:
    """True when removing ``u`` keeps its territory's piece connected.

    Searches from every same-territory neighbour of ``u`` at once, one unit each in turn
    (their searches merge when they meet): the answer is yes as soon as all have met, and
    no as soon as one search runs out alone, after visiting only the piece that would be
    cut off. A single search from one neighbour proves a "no" by visiting everything it
    reaches, often the whole territory, which on a layer of a million units was most of
    the engine's time.
    """
    lab = labels[u]
    nb = graph.nb
    ring = [v for v in nb[u] if v != u and labels[v] == lab]
    if len(ring) <= 1:
        return True
    owner = {u: -1}
    for i, v in enumerate(ring):
        owner[v] = i
    parent = list(range(len(ring)))
    queues = [deque([v]) for v in ring]
    groups = len(ring)

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    while True:
        for i, queue in enumerate(queues):
            if not queue:
                continue
            for y in nb[queue.popleft()]:
                o = owner.get(y)
                if o is None:
                    if labels[y] == lab:
                        owner[y] = i
                        queue.append(y)
                elif o != i and o >= 0:
                    ri, ro = find(i), find(o)
                    if ri != ro:
                        parent[ri] = ro
                        groups -= 1
                        if groups == 1:
                            return True
        # A search (with those it met) that has nothing left to visit is cut off.
        if not all(queues):
            live = {find(i) for i, queue in enumerate(queues) if queue}
            if len(live) < groups:
                return False


def repair_contiguity(
    graph: Graph,
    labels: np.ndarray,
    movable: np.ndarray,
    weight: np.ndarray,
    allowed: object,
    max_rounds: int = 50,
) -> np.ndarray:
    """Merge stray pieces into neighbouring territories until every territory is one piece.

    In each graph component a territory keeps its heaviest piece (or the one holding locked
    units); every other piece joins the neighbouring territory it shares the most edges
    with. Repeats until stable, since a piece may join another stray piece.

    Parameters
    ----------
    graph : Graph
        Unit graph.
    labels : numpy.ndarray
        Territory of each unit (modified copy returned).
    movable : numpy.ndarray
        (n,) False for locked units (their pieces stay).
    weight : numpy.ndarray
        Unit weights (the heaviest piece is kept).
    allowed : callable
        ``allowed(units, territories, distance=True) -> bool array``
        (:meth:`~territory_designer.balance.problem.BalanceProblem.allowed`).
    max_rounds : int
        Safety bound on the number of passes.

    Returns
    -------
    numpy.ndarray
        The repaired labels.
    """
    labels = labels.copy()
    for _ in range(max_rounds):
        piece = pieces(graph, labels)
        n_p = int(piece.max()) + 1
        stray = _stray_pieces(graph, labels, piece, movable, weight)
        if not stray.any():
            break
        su = stray[piece]
        # Vote only for kept pieces, so two stray pieces never swap labels back and forth.
        e_stray = su[graph.du] & ~su[graph.dv] & (labels[graph.du] != labels[graph.dv])
        cu, cv = graph.du[e_stray], labels[graph.dv[e_stray]]
        ok = allowed(cu, cv)
        # A piece that no territory it may join touches would stay cut off: as a last
        # resort it joins a neighbour beyond the distance limit (the report names it).
        reached = np.zeros(n_p, dtype=bool)
        reached[piece[cu[ok]]] = True
        ok |= ~reached[piece[cu]] & allowed(cu, cv, distance=False)
        cu, cv = cu[ok], cv[ok]
        if cu.size == 0:
            break
        # Votes of each stray piece for its neighbouring territories.
        cp = piece[cu]
        k = int(labels.max()) + 1
        votes = np.bincount(cp * k + cv, minlength=n_p * k).reshape(n_p, k)
        has = votes.sum(axis=1) > 0
        target = votes.argmax(axis=1)
        move = su & has[piece]
        labels[move] = target[piece[move]]
    return labels


def _stray_pieces(
    graph: Graph, labels: np.ndarray, piece: np.ndarray, movable: np.ndarray, weight: np.ndarray
) -> np.ndarray:
    """Which pieces are stray: all but the one a territory keeps in each graph component
    (the piece holding locked units, else the heaviest). Pieces with locked units never
    are."""
    n_p = int(piece.max()) + 1
    p_w = np.bincount(piece, weights=weight + 1e-9, minlength=n_p)
    p_fixed = np.bincount(piece, weights=(~movable).astype(float), minlength=n_p) > 0
    p_lab = np.zeros(n_p, dtype=np.int64)
    p_lab[piece] = labels
    p_comp = np.zeros(n_p, dtype=np.int64)
    p_comp[piece] = graph.components
    # Rank pieces inside each (territory, component): fixed first, then heaviest.
    order = np.lexsort((-p_w, ~p_fixed, p_comp, p_lab))
    key = p_lab[order] * (graph.n_components + 1) + p_comp[order]
    first = np.r_[True, key[1:] != key[:-1]]
    stray = np.zeros(n_p, dtype=bool)
    stray[order[~first]] = True
    return stray & ~p_fixed


def territory_sums(
    weight: np.ndarray,
    area: np.ndarray,
    perimeter: np.ndarray,
    graph: Graph,
    lab: np.ndarray,
    k: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Weight, area and dissolved perimeter of each territory ``0..k-1``.

    The dissolved perimeter is the units' perimeters less twice their shared boundary,
    so Polsby-Popper is ``4 pi A / P**2`` without any geometry.
    """
    w = np.bincount(lab, weights=weight, minlength=k)
    a = np.bincount(lab, weights=area, minlength=k)
    per = np.bincount(lab, weights=perimeter, minlength=k)
    same = lab[graph.ei] == lab[graph.ej]
    per -= 2 * np.bincount(lab[graph.ei[same]], weights=graph.elen[same], minlength=k)
    return w, a, per
