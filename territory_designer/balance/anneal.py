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

    Returns
    -------
    numpy.ndarray
        The best labelling met with every territory inside the band (or, when none was,
        the one with the least excess); contiguity is preserved by every move.
    """
    n, k = problem.n, problem.k
    lab0 = np.asarray(labels, dtype=np.int64)
    if schedule.steps <= 0 or k < 2:
        return lab0.copy()
    tol = float(problem.tolerance if band is None else band)
    movable = problem.locked < 0
    closed = problem.closed
    # Candidate directed edges: the mover is free and may share a territory with v.
    du, dv, dl = graph.du, graph.dv, graph.dl
    keep = movable[du] & (problem.groups[du] == problem.groups[dv])
    du, dv = du[keep], dv[keep]
    if du.size == 0:
        return lab0.copy()
    rng = np.random.default_rng(seed)
    steps = int(schedule.steps)
    pick = rng.integers(0, du.size, size=steps).tolist()
    coin = rng.random(steps).tolist()
    kind = (rng.random(steps) < schedule.swap_share).tolist()
    alt = rng.random(steps).tolist() if schedule.swap_share > 0 else coin
    du_l, dv_l = du.tolist(), dv.tolist()
    # Neighbour lists with shared lengths.
    order = np.argsort(graph.du, kind="stable")
    starts = np.searchsorted(graph.du[order], np.arange(n + 1))
    nb_v = graph.dv[order].tolist()
    nb_l = dl[order].tolist()
    nbl = [
        list(zip(nb_v[starts[u] : starts[u + 1]], nb_l[starts[u] : starts[u + 1]], strict=True))
        for u in range(n)
    ]
    wt, ar, pe = problem.weight.tolist(), problem.area.tolist(), problem.perimeter.tolist()
    tgt = problem.targets.tolist()
    closed_l = closed.tolist()
    movable_l = movable.tolist()
    far = problem.far_from_home()
    lab = lab0.tolist()
    lab_np = lab0.copy()  # mirror for can_leave (numpy indexing of labels)
    st = _Territories(problem, graph, lab0)
    tw, ta, tp, cnt = st.W, st.A, st.P, st.cnt
    pp = [FOUR_PI * ta[t] / max(tp[t], 1e-9) ** 2 for t in range(k)]

    def excess(t: int, w: float) -> float:
        return max(abs(w / tgt[t] - 1.0) - tol, 0.0)

    exc = [excess(t, tw[t]) for t in range(k)]
    total_exc = sum(exc)
    total_pp = sum(pp)
    journal: list[tuple[int, int]] = []  # (unit, territory it left), to roll back
    best_pos = 0
    best_key = (round(total_exc, 9), -total_pp)

    t_ratio = (schedule.t_end / schedule.t_start) ** (1.0 / max(steps - 1, 1))
    m_ratio = (schedule.mu_end / schedule.mu_start) ** (1.0 / max(steps - 1, 1))
    temp = schedule.t_start
    mu = schedule.mu_start

    def shared(u: int, a: int, b: int) -> tuple[float, float]:
        sa = sb = 0.0
        for x, ln in nbl[u]:
            lx = lab[x]
            if lx == a:
                sa += ln
            elif lx == b:
                sb += ln
        return sa, sb

    def apply(u: int, a: int, b: int, sa: float, sb: float) -> None:
        tw[a] -= wt[u]
        tw[b] += wt[u]
        ta[a] -= ar[u]
        ta[b] += ar[u]
        tp[a] += 2 * sa - pe[u]
        tp[b] += pe[u] - 2 * sb
        cnt[a] -= 1
        cnt[b] += 1
        lab[u] = b
        lab_np[u] = b

    def ok_join(u: int, b: int) -> bool:
        return not closed_l[b] and (far is None or not far[u, b])

    for s in range(steps):
        if check is not None and s % 4096 == 0:
            check()
        temp *= t_ratio
        mu *= m_ratio
        e = pick[s]
        u, v = du_l[e], dv_l[e]
        a, b = lab[u], lab[v]
        if a == b or closed_l[a] or cnt[a] < 2 or not ok_join(u, b):
            continue
        swap = kind[s] and cnt[b] >= 2
        if swap:
            # The unit sent back: v or a unit of b next to v, touching a (not only via u).
            opts = [
                y
                for y in [v] + [y for y, _ in nbl[v] if lab[y] == b]
                if movable_l[y] and ok_join(y, a) and any(lab[z] == a and z != u for z, _ in nbl[y])
            ]
            if not opts:
                continue
            v = opts[int(alt[s] * len(opts))]
        sa, sb = shared(u, a, b)
        if not swap:
            na, nb_ = ta[a] - ar[u], ta[b] + ar[u]
            pa, pb = tp[a] + 2 * sa - pe[u], tp[b] + pe[u] - 2 * sb
            wa, wb = tw[a] - wt[u], tw[b] + wt[u]
        else:
            # v's shared boundary with a and b once u has moved to b.
            va = vb = 0.0
            for x, ln in nbl[v]:
                lx = b if x == u else lab[x]
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
        ea, eb = excess(a, wa), excess(b, wb)
        delta = (pp[a] + pp[b] - ppa - ppb) + mu * (ea + eb - exc[a] - exc[b])
        if delta > 0 and coin[s] >= math.exp(-delta / temp):
            continue
        if not can_leave(graph, lab_np, u):
            continue
        if swap:
            # u must stay attached to b without v (v touches a without u: see opts).
            if not any(lab[x] == b and x != v for x, _ in nbl[u]):
                continue
            apply(u, a, b, sa, sb)
            if not can_leave(graph, lab_np, v):
                sa2, sb2 = shared(u, b, a)
                apply(u, b, a, sa2, sb2)
                continue
            sva, svb = shared(v, b, a)
            apply(v, b, a, sva, svb)
        else:
            apply(u, a, b, sa, sb)
        journal.append((u, a))
        if swap:
            journal.append((v, b))
        total_pp += ppa + ppb - pp[a] - pp[b]
        total_exc += ea + eb - exc[a] - exc[b]
        pp[a], pp[b] = ppa, ppb
        exc[a], exc[b] = ea, eb
        key = (round(max(total_exc, 0.0), 9), -total_pp)
        if key < best_key:
            best_key, best_pos = key, len(journal)
    # Roll back to the best labelling met.
    for u, a in reversed(journal[best_pos:]):
        lab_np[u] = a
    return lab_np
