"""Straight-cut recursive bisection whose parts stay connected, for very large layers.

:func:`territory_designer.balance.seeding.bisect` cuts a group of units by a straight line
and leaves the stray pieces a line makes in a non-convex region (a bay, a peninsula, a
lake shore) to :func:`~territory_designer.balance.graph.repair_contiguity`, which merges
each into a neighbouring territory: on a million-unit layer of the lower 48 states
(k = 800) that put 55 territories out of a 5 % band, one at +83 %, and balancing them
again by boundary moves cost most of the engine's time and much of its compactness.

Here each group's cut is settled before its sides are cut in turn (depth first): every
stray piece (a part of one side cut off from that side's heaviest piece inside the group)
goes to the other side, and then the heavier side gives the lighter one what it lacks,
ring by ring along their boundary, the pieces this cuts off following. The parts come out
connected and balanced to within a small fraction of a territory. A cut costs a few to a
few dozen connected-component passes over its group's edges.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from territory_designer.balance.seeding import N_DIRECTIONS, weighted_prefix

#: Most passes per cut that move stray pieces (:func:`_connect`), and most rounds of
#: giving units along the boundary (:func:`_give`, each of which takes as many rings of
#: boundary units as the weight it moves needs).
MOST_PASSES = 30
#: A settled cut whose side misses its goal by more than this share of a part's target,
#: and by more than the plain straight cut does, is dropped for the straight cut.
GIVE_UP = 0.25


def _pieces(n: int, ei: np.ndarray, ej: np.ndarray, code: np.ndarray) -> np.ndarray:
    """Connected pieces of the graph restricted to edges whose ends share a ``code``."""
    same = code[ei] == code[ej]
    m = sparse.coo_matrix((np.ones(int(same.sum()), dtype=bool), (ei[same], ej[same])), (n, n))
    return connected_components(m, directed=False)[1]


def _flippable(
    piece: np.ndarray,
    side: np.ndarray,
    comp: np.ndarray,
    w: np.ndarray,
    ei: np.ndarray,
    ej: np.ndarray,
) -> np.ndarray:
    """Units of the stray pieces that touch a kept piece of the other side.

    A piece is stray when it is not the heaviest piece of its side inside its connected
    part of the group (``comp``). A stray that only touches other strays waits, so two
    never swap sides back and forth.
    """
    n_p = int(piece.max()) + 1
    p_w = np.bincount(piece, weights=w, minlength=n_p)
    p_side = np.zeros(n_p, dtype=np.int64)
    p_side[piece] = side
    p_comp = np.zeros(n_p, dtype=np.int64)
    p_comp[piece] = comp
    order = np.lexsort((-p_w, p_comp, p_side))
    key = p_comp[order] * 2 + p_side[order]
    stray_p = np.zeros(n_p, dtype=bool)
    stray_p[order[1:][key[1:] == key[:-1]]] = True
    stray = stray_p[piece]
    if not stray.any():
        return stray
    touch = (side[ei] != side[ej]) & (stray[ei] != stray[ej])
    src = np.where(stray[ei[touch]], ei[touch], ej[touch])
    ok = np.zeros(n_p, dtype=bool)
    ok[piece[src]] = True
    return stray & ok[piece]


def _connect(
    first: np.ndarray, comp: np.ndarray, w: np.ndarray, edges: tuple[np.ndarray, np.ndarray]
) -> np.ndarray:
    """Move stray pieces to the other side until each side is one piece in every
    connected part of the group; returns the pieces under the result.

    Each pass moves the strays that touch a kept piece of the other side (a stray is then
    part of a kept piece), so the passes end."""
    li, lj = edges
    n = first.size
    piece = _pieces(n, li, lj, first)
    for _ in range(MOST_PASSES):
        flip = _flippable(piece, first, comp, w, li, lj)
        if not flip.any():
            break
        first[flip] = ~first[flip]
        piece = _pieces(n, li, lj, first)
    return piece


def _settle(
    proj: np.ndarray,
    w: np.ndarray,
    edges: tuple[np.ndarray, np.ndarray],
    comp: np.ndarray,
    first: np.ndarray,
    goals: tuple[float, float],
) -> tuple[np.ndarray, np.ndarray]:
    """Make both sides of one group's cut connected and bring the first side's weight
    back towards its goal.

    Stray pieces join the other side (:func:`_connect`); then, while that brings the
    first side closer to its goal, the heavier side gives the lighter one what it lacks
    along their boundary (:func:`_give`) and the pieces this cuts off follow. ``goals``
    are the first side's wanted weight and a part's target: when the side still misses
    its goal by more than :data:`GIVE_UP` of a part's target and by more than the
    straight cut did (a cut across the teeth of a comb), the straight cut is kept as it
    was, stray pieces and all; so it is if a side were left empty.

    Returns
    -------
    (first, piece)
        The settled cut (True: first side) and the connected piece of each unit.
    """
    goal, part = goals
    raw = first.copy()
    piece = _connect(first, comp, w, edges)
    miss = goal - float(w[first].sum())
    for _ in range(MOST_PASSES):
        tried = first.copy()
        if not _give(tried, proj, w, edges, miss):
            break
        tried_piece = _connect(tried, comp, w, edges)
        tried_miss = goal - float(w[tried].sum())
        if abs(tried_miss) >= abs(miss):
            break
        first, piece, miss = tried, tried_piece, tried_miss
    far = abs(miss) > GIVE_UP * part and abs(miss) > abs(goal - float(w[raw].sum()))
    if far or first.all() or not first.any():  # (a side left empty: never seen)
        return raw, _pieces(raw.size, edges[0], edges[1], raw)
    return first, piece


def _give(
    first: np.ndarray,
    proj: np.ndarray,
    w: np.ndarray,
    edges: tuple[np.ndarray, np.ndarray],
    miss: float,
) -> bool:
    """Move units of the heavier side to the lighter one (``miss`` > 0: the first side is
    light) ring by ring from their boundary, the last ring's units nearest the lighter
    side along the cut's direction first, up to the weight closest to ``miss``.
    Returns whether any unit moved."""
    if miss == 0:
        return False
    li, lj = edges
    light = miss > 0
    need = abs(miss)
    n = first.size
    while need > 0:
        border = np.zeros(n, dtype=bool)
        cross = first[li] != first[lj]
        border[li[cross]] = True
        border[lj[cross]] = True
        ring = np.flatnonzero(border & (first != light))
        if ring.size == 0:
            return need < abs(miss)
        ring_w = float(w[ring].sum())
        if ring_w <= need:
            first[ring] = light
            need -= ring_w
            continue
        # The first side lies at low projections: it takes the lowest units first.
        order = ring[np.argsort(proj[ring] if light else -proj[ring], kind="stable")]
        cum = np.cumsum(w[order])
        take = int(np.searchsorted(cum, need))  # units that stay under the need
        below = float(cum[take - 1]) if take else 0.0
        if cum[take] - need < need - below:
            take += 1  # one more brings the side closer to its goal
        if take == 0:
            return need < abs(miss)
        first[order[:take]] = light
        break
    return True


def connected_bisect(
    xy: np.ndarray,
    w: np.ndarray,
    targets: np.ndarray,
    ei: np.ndarray,
    ej: np.ndarray,
    elen: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    """Recursive straight-cut bisection into ``len(targets)`` connected parts.

    Parameters
    ----------
    xy : numpy.ndarray
        (n, 2) unit centroids.
    w : numpy.ndarray
        (n,) unit weights.
    targets : numpy.ndarray
        (k,) target weight of each part.
    ei, ej, elen : numpy.ndarray
        Edges between the units (local indices) and their shared lengths.
    rng : numpy.random.Generator
        Draws each cut's first direction.

    Returns
    -------
    numpy.ndarray
        (n,) part index of each unit (connected inside each connected part of the graph,
        but for the few stray pieces a cut could not settle).
    """
    n = xy.shape[0]
    out = np.zeros(n, dtype=np.int64)
    comp = _pieces(n, ei, ej, np.zeros(n, dtype=np.int64))
    # Each group carries its own arrays, edges in local indices (no gathers from the
    # whole layer's arrays per cut).
    group = (np.arange(n), xy[:, 0].copy(), xy[:, 1].copy(), w + 1e-12, ei, ej, elen, comp)
    stack = [(group, np.arange(targets.size))]
    while stack:
        (idx, x, y, gw, li, lj, el, comp), parts = stack.pop()
        if parts.size == 1 or idx.size <= 1:
            out[idx] = parts[0]
            continue
        h = parts.size // 2
        share = targets[parts[:h]].sum() / targets[parts].sum()
        angle0 = float(rng.uniform(0, np.pi / N_DIRECTIONS))
        first, proj = _straight_cut(x, y, gw, share, (li, lj, el), angle0)
        goals = (share * gw.sum(), float(targets[parts].mean()))
        first, piece = _settle(proj, gw, (li, lj), comp, first, goals)
        same = first[li] == first[lj]
        for side, part in ((first, parts[:h]), (~first, parts[h:])):
            keep = same & side[li]
            local = np.cumsum(side) - 1
            arrays = (a[side] for a in (idx, x, y, gw))
            edges = (local[li[keep]], local[lj[keep]], el[keep])
            stack.append(((*arrays, *edges, piece[side]), part))
    return out


def _straight_cut(
    x: np.ndarray,
    y: np.ndarray,
    w: np.ndarray,
    share: float,
    edges: tuple[np.ndarray, np.ndarray, np.ndarray],
    angle0: float,
) -> tuple[np.ndarray, np.ndarray]:
    """The straight cut of :func:`~territory_designer.balance.seeding.bisect` (the
    direction whose weighted split crosses the least shared boundary), found without
    sorting every unit (:func:`~territory_designer.balance.seeding.weighted_prefix`).
    Returns the first side and the units' positions along the cut's direction."""
    li, lj, el = edges
    goal = share * w.sum()
    best, best_proj, best_cost = None, None, np.inf
    for a in range(N_DIRECTIONS):
        theta = angle0 + np.pi * a / N_DIRECTIONS
        proj = x * np.cos(theta) + y * np.sin(theta)
        first = weighted_prefix(proj, w, goal)
        cost = el[first[li] != first[lj]].sum()
        if cost < best_cost:
            best, best_proj, best_cost = first, proj, cost
    return best, best_proj
