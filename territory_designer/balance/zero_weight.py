"""Units of zero weight in a rebalance: never moved for their own sake, never a wall.

Most units of a sparse layer weigh nothing (counties without a city, ZIP areas without an
account). Moving one changes no territory's balance, so a rebalance never spends a move on
one. But such units must not strand the weighted units behind them either: a weighted unit
may sit one or two zero-weight units away from the territory it should join, or be the
only link between its territory and a zero-weight fringe. Two composite moves handle this,
both counted as one move of the weighted unit:

* a *bridged* move takes a weighted unit to a territory it does not touch, together with the
  shortest chain of zero-weight units of its own territory that leads there
  (:func:`bridged_candidates`);
* a move that would cut a zero-weight piece off its territory carries that piece along
  (:func:`split_off`), since the piece touches the moved units it stays connected.

The zero-weight units moved this way are listed with the move (``carried``), never counted
against a cap on units moved; their accounts and revenue, if any, do count as disruption.
This is the ejection-chain idea of local search (Glover 1996) restricted to chains whose
links change nothing but the shape.
"""

from __future__ import annotations

from collections import deque

import numpy as np

from territory_designer.balance.graph import Graph
from territory_designer.balance.problem import ZERO_WEIGHT_FLOOR, BalanceProblem

#: Longest chain of zero-weight units a bridged move may take along.
MAX_BRIDGE = 8


def zero_weight_units(problem: BalanceProblem) -> np.ndarray:
    """Units that carry no weight (only the floor every unit is given): moving them
    changes no territory's balance, so a rebalance never spends a move on them."""
    floor = ZERO_WEIGHT_FLOOR * float(problem.weight.sum()) / max(problem.n, 1)
    return problem.weight <= floor * (1 + 1e-6)


def _neighbours_of(graph: Graph, units: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(position in ``units``, neighbour) for every neighbour of every unit in ``units``."""
    csr = graph.csr
    starts = csr.indptr[units]
    counts = csr.indptr[units + 1] - starts
    pos = np.repeat(np.arange(units.size), counts)
    offset = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    return pos, csr.indices[np.repeat(starts, counts) + offset]


def bridged_candidates(
    problem: BalanceProblem,
    graph: Graph,
    lab: np.ndarray,
    zero: np.ndarray,
    movable: np.ndarray,
    max_depth: int = MAX_BRIDGE,
) -> tuple[np.ndarray, np.ndarray, list[list[int]]]:
    """Weighted units that reach another territory through zero-weight units of their own.

    A breadth-first search from every territory ``b`` into the zero-weight, movable units
    of each neighbouring territory, at most ``max_depth`` deep; every weighted, movable unit
    next to a reached unit (of the same territory) and not already touching ``b`` is a
    candidate, with the chain that leads to ``b``.

    Returns
    -------
    (units, to, chains)
        Candidate units, their destination, and for each the chain of zero-weight units,
        the one touching ``b`` first.
    """
    k = problem.k
    free_zero = zero & movable & ~problem.closed[lab]
    du, dv = graph.du, graph.dv
    m = free_zero[du] & (lab[du] != lab[dv])
    keys = np.unique(du[m] * k + lab[dv[m]])
    keys = keys[problem.allowed(keys // k, keys % k)]
    touching = set((du[lab[du] != lab[dv]] * k + lab[dv[lab[du] != lab[dv]]]).tolist())
    parent: dict[int, int] = dict.fromkeys(keys.tolist(), -1)
    found: dict[int, int] = {}  # weighted (unit * k + b) -> key of the zero unit it is next to
    frontier = keys
    for _ in range(max_depth):
        if frontier.size == 0:
            break
        z, b = frontier // k, frontier % k
        pos, y = _neighbours_of(graph, z)
        same = lab[y] == lab[z[pos]]
        pos, y = pos[same], y[same]
        bb = b[pos]
        heavy = ~zero[y] & movable[y]
        for key, via in zip(
            (y[heavy] * k + bb[heavy]).tolist(), frontier[pos[heavy]].tolist(), strict=True
        ):
            if key not in touching and key not in found:
                found[key] = via
        nxt = free_zero[y]
        new = np.unique(y[nxt] * k + bb[nxt])
        new = new[[key not in parent for key in new.tolist()]] if new.size else new
        if new.size:
            new = new[problem.allowed(new // k, new % k)]
        # Parent of each new key: the first frontier key that reached it.
        src = frontier[pos[nxt]]
        first = dict(zip((y[nxt] * k + bb[nxt]).tolist()[::-1], src.tolist()[::-1], strict=True))
        for key in new.tolist():
            parent[key] = first[key]
        frontier = new
    if not found:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), []
    fk = np.fromiter(found, dtype=np.int64, count=len(found))
    units, to = fk // k, fk % k
    ok = problem.allowed(units, to)
    chains = []
    for key in fk[ok].tolist():
        chain, z = [], found[key]
        while z != -1:
            chain.append(z // k)
            z = parent[z]
        chains.append(chain[::-1])
    return units[ok], to[ok], chains


def split_off(
    graph: Graph,
    lab: np.ndarray,
    leaving: list[int],
    zero: np.ndarray,
    movable: np.ndarray,
) -> list[int] | None:
    """Zero-weight units cut off their territory when ``leaving`` leaves it.

    ``leaving`` all belong to one territory. Returns the units of the territory's pieces
    that would be left without any weighted or locked unit and that touch ``leaving`` (to
    be carried along), or None when the move would split the weighted (or locked) units of
    the territory into more pieces than before.
    """
    a = int(lab[leaving[0]])
    gone = set(leaving)
    members = np.flatnonzero(lab == a).tolist()
    anchor = {u for u in members if (not zero[u] or not movable[u])}

    def piece_count(skip: set[int]) -> tuple[int, list[list[int]]]:
        seen: set[int] = set(skip)
        weighted, empty = 0, []
        for s in members:
            if s in seen:
                continue
            seen.add(s)
            piece, queue, holds = [s], deque([s]), s in anchor
            while queue:
                x = queue.popleft()
                for y in graph.nb[x]:
                    if y not in seen and lab[y] == a:
                        seen.add(y)
                        piece.append(y)
                        queue.append(y)
                        holds = holds or y in anchor
            if holds:
                weighted += 1
            else:
                empty.append(piece)
        return weighted, empty

    after, empty = piece_count(gone)
    if after == 0:
        return None  # the territory would keep no weighted unit
    before, _ = piece_count(set())
    if after > before:
        return None
    carried = []
    for piece in empty:
        if any(y in gone for x in piece for y in graph.nb[x]):
            if not all(movable[x] for x in piece):
                return None
            carried += piece
    return carried


def carried_note(carried: int, moves: int) -> str:
    """The report's note on zero-weight units moved along with weighted ones ('' if none)."""
    if not carried:
        return ""
    return (
        f"{carried} unit(s) of zero weight moved along with {moves} weighted unit(s): they "
        "linked a weighted unit to the territory it joined, or would have been cut off from "
        "their own territory. They change no balance and are not counted against the cap "
        "on units moved."
    )
