"""Simulated annealing of territory shapes under the balance constraint.

The search state is a contiguous labelling; its energy is

    E = - sum_t PP_t + mu * sum_t max(0, |d_t| - tol)

with ``PP_t = 4 pi A_t / P_t^2`` the Polsby-Popper score of territory ``t`` (Polsby & Popper
1991) and ``d_t`` its relative deviation from target. Balance is a soft constraint whose
price ``mu`` rises geometrically during the run, so the search may leave the tolerance
band for a while (an "excursion") and must come back; the best labelling met *inside* the
band is kept. This is simulated annealing (Kirkpatrick, Gelatt & Vecchi 1983, "Optimization
by simulated annealing", Science 220) with the penalty scheme and boundary moves of
districting annealers (Browdy 1990; D'Amico et al. 2002, "A simulated annealing approach to
political districting", Socio-Economic Planning Sciences 36; Ricca & Simeone 2008).

Moves (proposed along a random cut edge ``u - v``, ``u`` in ``a``, ``v`` in ``b``):

* single move: ``u`` joins ``b``; allowed when ``a`` minus ``u`` stays connected
  (:func:`territory_designer.balance.graph.can_leave`);
* swap: ``u`` joins ``b`` and a unit ``x`` of ``b`` (``v`` itself or a neighbour of ``v``
  in ``b``) joins ``a`` at once, which changes the two weights by the difference of the
  units' weights only, so it reshapes territories that a single move would push out of the
  band (the exchange move of Bozkaya et al. 2003). Both territories stay connected:
  ``a - u`` and ``(b + u) - x`` are checked with ``can_leave``, ``u`` must keep a
  neighbour in ``b`` other than ``x`` and ``x`` one in ``a`` other than ``u``.

Proposals are drawn from a seeded generator, so a run is deterministic for a seed; its
length is a number of proposals (never a clock), chosen by the caller.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from territory_designer.balance.graph import Graph, can_leave, territory_sums
from territory_designer.balance.problem import BalanceProblem

FOUR_PI = 4.0 * math.pi


@dataclass
class AnnealSchedule:
    """Length, temperatures and penalty price of one annealing run.

    Parameters
    ----------
    steps : int
        Number of proposals.
    t_start, t_end : float
        Temperatures (in units of summed Polsby-Popper), geometric in between.
    mu_start, mu_end : float
        Price of one unit of relative deviation outside the band (geometric in between).
    swap_share : float
        Share of proposals that are swaps.
    """

    steps: int
    t_start: float = 0.1
    t_end: float = 0.0005
    mu_start: float = 2.0
    mu_end: float = 2000.0
    swap_share: float = 0.25


def auto_schedule(
    problem: BalanceProblem,
    graph: Graph,
    labels: np.ndarray,
    steps: int,
    hot: float = 1.0,
    cold: float = 0.005,
    price: tuple[float, float] = (1.0, 100.0),
    swap_share: float = 0.25,
) -> AnnealSchedule:
    """A schedule scaled to the instance.

    The start temperature is ``hot`` times the median Polsby-Popper loss of the worsening
    boundary moves of ``labels`` (so about half of them are accepted at first), the end
    temperature ``cold`` times that. The price of deviation is set so that leaving the band
    by the median unit's weight costs ``price[0]`` (then ``price[1]``) start temperatures.
    """
    from territory_designer.balance.local_search import (
        SearchState,
        Weights,
        candidates,
        score_moves,
    )

    state = SearchState(problem, graph, labels)
    u, b, s_own, s_to = candidates(state)
    t0 = 0.05
    if u.size:
        loss = score_moves(state, u, b, s_own, s_to, Weights(alpha=0.0, big=0.0, lam=1.0))
        loss = loss[np.isfinite(loss) & (loss > 0)]
        if loss.size:
            t0 = float(np.median(loss))
    t0 *= hot
    free = problem.locked < 0
    share = problem.weight[free] / problem.targets.mean() if free.any() else np.ones(1)
    ms = max(float(np.median(share)), 1e-6)
    return AnnealSchedule(
        steps,
        t_start=t0,
        t_end=t0 * cold,
        mu_start=price[0] * t0 / ms,
        mu_end=price[1] * t0 / ms,
        swap_share=swap_share,
    )


class _Territories:
    """Per-territory sums as Python lists (fast scalar access in the annealing loop)."""

    def __init__(self, problem: BalanceProblem, graph: Graph, lab: np.ndarray) -> None:
        k = problem.k
        w, a, per = territory_sums(problem.weight, problem.area, problem.perimeter, graph, lab, k)
        self.W, self.A, self.P = w.tolist(), a.tolist(), per.tolist()
        self.cnt = np.bincount(lab, minlength=k).tolist()


def shape_energy(problem: BalanceProblem, graph: Graph, labels: np.ndarray) -> tuple[float, float]:
    """``(max |deviation|, mean Polsby-Popper)`` of a labelling."""
    t = _Territories(problem, graph, np.asarray(labels, dtype=np.int64))
    w, a, p = np.array(t.W), np.array(t.A), np.maximum(np.array(t.P), 1e-9)
    dev = np.abs(w / problem.targets - 1.0)
    return float(dev.max()), float((FOUR_PI * a / p**2).mean())


def anneal(
    problem: BalanceProblem,
    graph: Graph,
    labels: np.ndarray,
    schedule: AnnealSchedule,
    seed: tuple[int, ...] | int = 0,
    check: object = None,
    band: float | None = None,
    floor: float | None = None,
) -> np.ndarray:
    """Anneal ``labels`` towards compact shapes inside the tolerance band.

    Parameters
    ----------
    problem : BalanceProblem
        Weights, targets, tolerance, locks, groups and distance limits.
    graph : Graph
        Unit graph (edges carry shared boundary lengths).
    labels : numpy.ndarray
        Contiguous starting labels.
    schedule : AnnealSchedule
        Number of proposals, temperatures and penalty.
    seed : int or tuple of int
        Seed of the proposal generator.
    check : callable, optional
        Called every few thousand proposals (cancel).
    band : float, optional
        Half-width of the balance band (default: the problem's tolerance).
    floor : float, optional
        Least Polsby-Popper score of any territory: a proposal that leaves a territory
        below it, and less compact than it was, is refused (keeps the worst territory
        that :mod:`territory_designer.balance.worst_territory` raised).

    Returns
    -------
    numpy.ndarray
        The best labelling met with every territory inside the band (or, when none was,
        the one with the least excess); contiguity is preserved by every move.
    """
    lab0 = np.asarray(labels, dtype=np.int64)
    if schedule.steps <= 0 or problem.k < 2:
        return lab0.copy()
    du, dv = _candidate_edges(problem, graph)
    if du.size == 0:
        return lab0.copy()
    proposals = _Proposals(np.random.default_rng(seed), du, dv, schedule)
    walk = _Walk(problem, graph, lab0, float(problem.tolerance if band is None else band))
    journal, best_pos = _run(walk, proposals, schedule, check, -1.0 if floor is None else floor)
    # Roll back to the best labelling met.
    for u, a in reversed(journal[best_pos:]):
        walk.lab_np[u] = a
    return walk.lab_np


def _candidate_edges(problem: BalanceProblem, graph: Graph) -> tuple[np.ndarray, np.ndarray]:
    """Directed edges ``u -> v`` along which ``u`` may be proposed to join ``v``'s territory:
    ``u`` is free and may share a territory with ``v``."""
    du, dv = graph.du, graph.dv
    keep = (problem.locked < 0)[du] & (problem.groups[du] == problem.groups[dv])
    return du[keep], dv[keep]


class _Proposals:
    """Every random draw of a run, made up front from one generator (Python lists)."""

    def __init__(
        self, rng: np.random.Generator, du: np.ndarray, dv: np.ndarray, schedule: AnnealSchedule
    ) -> None:
        steps = int(schedule.steps)
        self.steps = steps
        edge = rng.integers(0, du.size, size=steps)  # the cut edge proposed
        # Its two units, per step (not lists of all edges: a million-unit layer has six
        # million directed edges).
        self.u, self.v = du[edge].tolist(), dv[edge].tolist()
        self.coin = rng.random(steps).tolist()  # Metropolis acceptance
        self.swap = (rng.random(steps) < schedule.swap_share).tolist()
        # Which unit a swap sends back (the acceptance draws when there are no swaps).
        self.partner = rng.random(steps).tolist() if schedule.swap_share > 0 else self.coin


class _NeighbourLengths(dict):
    """``nbl[u]``: list of ``(neighbour, shared length)`` of unit ``u`` in the order of the
    graph's directed edges, made on first access (the walk visits boundary units only)."""

    def __init__(self, graph: Graph) -> None:
        super().__init__()
        self.graph = graph
        self.order, self.start = graph.out_edges

    def __missing__(self, u: int) -> list[tuple[int, float]]:
        e = self.order[self.start[u] : self.start[u + 1]]
        got = list(zip(self.graph.dv[e].tolist(), self.graph.dl[e].tolist(), strict=True))
        self[u] = got
        return got


class _Walk:
    """The labelling being annealed, with per-territory sums kept in step.

    Plain Python lists: scalar access in the annealing loop is much faster than numpy's.
    """

    def __init__(self, problem: BalanceProblem, graph: Graph, lab0: np.ndarray, tol: float):
        k = problem.k
        self.graph, self.k, self.tol = graph, k, tol
        self.nbl = _NeighbourLengths(graph)
        self.wt, self.ar = problem.weight.tolist(), problem.area.tolist()
        self.pe, self.tgt = problem.perimeter.tolist(), problem.targets.tolist()
        self.closed = problem.closed.tolist()
        self.movable = (problem.locked < 0).tolist()
        self.far = problem.far_from_home()
        self.lab = lab0.tolist()
        self.lab_np = lab0.copy()  # mirror for can_leave (numpy indexing of labels)
        st = _Territories(problem, graph, lab0)
        self.tw, self.ta, self.tp, self.cnt = st.W, st.A, st.P, st.cnt
        self.pp = [FOUR_PI * self.ta[t] / max(self.tp[t], 1e-9) ** 2 for t in range(k)]
        self.exc = [self.excess(t, self.tw[t]) for t in range(k)]
        self.total_exc = sum(self.exc)
        self.total_pp = sum(self.pp)

    def excess(self, t: int, w: float) -> float:
        """Relative deviation of territory ``t`` at weight ``w`` beyond the band."""
        return max(abs(w / self.tgt[t] - 1.0) - self.tol, 0.0)

    def can_join(self, u: int, b: int) -> bool:
        """Whether unit ``u`` may belong to territory ``b`` (open, within its distance)."""
        return not self.closed[b] and (self.far is None or not self.far[u, b])

    def shared(self, u: int, a: int, b: int) -> tuple[float, float]:
        """Boundary ``u`` shares with territories ``a`` and ``b``."""
        lab = self.lab
        sa = sb = 0.0
        for x, ln in self.nbl[u]:
            lx = lab[x]
            if lx == a:
                sa += ln
            elif lx == b:
                sb += ln
        return sa, sb

    def apply(self, u: int, a: int, b: int, sa: float, sb: float) -> None:
        """Move ``u`` from ``a`` to ``b`` (sharing ``sa`` and ``sb`` with them)."""
        wt, ar, pe, tw, ta, tp = self.wt, self.ar, self.pe, self.tw, self.ta, self.tp
        tw[a] -= wt[u]
        tw[b] += wt[u]
        ta[a] -= ar[u]
        ta[b] += ar[u]
        tp[a] += 2 * sa - pe[u]
        tp[b] += pe[u] - 2 * sb
        self.cnt[a] -= 1
        self.cnt[b] += 1
        self.lab[u] = b
        self.lab_np[u] = b

    def swap_partner(self, u: int, v: int, a: int, b: int, draw: float) -> int:
        """The unit of ``b`` sent back to ``a`` when ``u`` joins ``b`` (-1: none fits).

        ``v`` or a unit of ``b`` next to ``v``, free, allowed in ``a`` and touching ``a``
        other than through ``u``.
        """
        lab, nbl = self.lab, self.nbl
        opts = [
            y
            for y in [v] + [y for y, _ in nbl[v] if lab[y] == b]
            if self.movable[y]
            and self.can_join(y, a)
            and any(lab[z] == a and z != u for z, _ in nbl[y])
        ]
        return opts[int(draw * len(opts))] if opts else -1

    def proposal(
        self, u: int, v: int, a: int, b: int, swap: bool
    ) -> tuple[float, float, float, float, float, float]:
        """``(sa, sb, PP of a, PP of b, excess of a, excess of b)`` after the proposal."""
        ta, tp, tw, ar, pe, wt = self.ta, self.tp, self.tw, self.ar, self.pe, self.wt
        sa, sb = self.shared(u, a, b)
        if not swap:
            na, nb_ = ta[a] - ar[u], ta[b] + ar[u]
            pa, pb = tp[a] + 2 * sa - pe[u], tp[b] + pe[u] - 2 * sb
            wa, wb = tw[a] - wt[u], tw[b] + wt[u]
        else:
            # v's shared boundary with a and b once u has moved to b.
            va = vb = 0.0
            for x, ln in self.nbl[v]:
                lx = b if x == u else self.lab[x]
                if lx == a:
                    va += ln
                elif lx == b:
                    vb += ln
            # u leaves a (shares sa with a), joins b (sb); then v leaves b (vb), joins a (va).
            na = ta[a] - ar[u] + ar[v]
            nb_ = ta[b] + ar[u] - ar[v]
            pa = tp[a] + 2 * sa - pe[u] + pe[v] - 2 * va
            pb = tp[b] + pe[u] - 2 * sb - pe[v] + 2 * vb
            wa, wb = tw[a] - wt[u] + wt[v], tw[b] + wt[u] - wt[v]
        ppa = FOUR_PI * na / max(pa, 1e-9) ** 2
        ppb = FOUR_PI * nb_ / max(pb, 1e-9) ** 2
        return sa, sb, ppa, ppb, self.excess(a, wa), self.excess(b, wb)

    def commit(self, u: int, v: int, a: int, b: int, swap: bool, sa: float, sb: float) -> bool:
        """Make an accepted proposal if it keeps both territories connected."""
        graph, lab_np = self.graph, self.lab_np
        if not can_leave(graph, lab_np, u):
            return False
        if not swap:
            self.apply(u, a, b, sa, sb)
            return True
        # u must stay attached to b without v (v touches a without u: see swap_partner).
        if not any(self.lab[x] == b and x != v for x, _ in self.nbl[u]):
            return False
        self.apply(u, a, b, sa, sb)
        if not can_leave(graph, lab_np, v):
            sa2, sb2 = self.shared(u, b, a)
            self.apply(u, b, a, sa2, sb2)
            return False
        sva, svb = self.shared(v, b, a)
        self.apply(v, b, a, sva, svb)
        return True


def _run(
    walk: _Walk, draws: _Proposals, schedule: AnnealSchedule, check: object, floor: float
) -> tuple[list[tuple[int, int]], int]:
    """The annealing loop; returns the journal of moves ``(unit, territory it left)`` and
    the length of its prefix that reaches the best labelling met. No move leaves a
    territory below Polsby-Popper ``floor`` and worse than it was."""
    steps = draws.steps
    coin, kind, alt, du_l, dv_l = draws.coin, draws.swap, draws.partner, draws.u, draws.v
    lab, cnt, closed, pp, exc = walk.lab, walk.cnt, walk.closed, walk.pp, walk.exc
    journal: list[tuple[int, int]] = []
    best_pos = 0
    best_key = (round(walk.total_exc, 9), -walk.total_pp)
    t_ratio = (schedule.t_end / schedule.t_start) ** (1.0 / max(steps - 1, 1))
    m_ratio = (schedule.mu_end / schedule.mu_start) ** (1.0 / max(steps - 1, 1))
    temp = schedule.t_start
    mu = schedule.mu_start
    for s in range(steps):
        if check is not None and s % 4096 == 0:
            check()
        temp *= t_ratio
        mu *= m_ratio
        u, v = du_l[s], dv_l[s]
        a, b = lab[u], lab[v]
        if a == b or closed[a] or cnt[a] < 2 or not walk.can_join(u, b):
            continue
        swap = kind[s] and cnt[b] >= 2
        if swap:
            v = walk.swap_partner(u, v, a, b, alt[s])
            if v < 0:
                continue
        sa, sb, ppa, ppb, ea, eb = walk.proposal(u, v, a, b, swap)
        if (ppa < floor and ppa < pp[a]) or (ppb < floor and ppb < pp[b]):
            continue
        delta = (pp[a] + pp[b] - ppa - ppb) + mu * (ea + eb - exc[a] - exc[b])
        if delta > 0 and coin[s] >= math.exp(-delta / temp):
            continue
        if not walk.commit(u, v, a, b, swap, sa, sb):
            continue
        journal.append((u, a))
        if swap:
            journal.append((v, b))
        walk.total_pp += ppa + ppb - pp[a] - pp[b]
        walk.total_exc += ea + eb - exc[a] - exc[b]
        pp[a], pp[b] = ppa, ppb
        exc[a], exc[b] = ea, eb
        key = (round(max(walk.total_exc, 0.0), 9), -walk.total_pp)
        if key < best_key:
            best_key, best_pos = key, len(journal)
    return journal, best_pos
