"""White space: each unit's potential from its attributes, and what is left unsold.

An explainable model: ridge regression (Hoerl & Kennard 1970, "Ridge regression: biased
estimation for nonorthogonal problems", *Technometrics* 12(1)) of each unit's actual
revenue on its numeric attributes and account count, features standardised, the penalty
chosen by k-fold cross-validation (the same idea as scikit-learn's ``RidgeCV``, written
with numpy so the app needs no further dependency). The fit is reported out of sample
(cross-validated R²), the coefficients per original unit of each attribute, and a plain
message when the data are too thin or the attributes do not explain sales.

White space = predicted potential − actual revenue, per unit (and per account when the
accounts carry a ``potential`` field).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from territory_designer.core.errors import InputError

#: Penalties tried (on standardised features, relative to the number of samples).
ALPHAS = (1e-4, 1e-3, 1e-2, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0)
#: Fewer units with revenue than this, or fewer than this many per feature: too thin.
MIN_SAMPLES = 20
MIN_PER_FEATURE = 5
#: Out-of-sample R² below this: the attributes do not explain revenue.
MIN_R2 = 0.2


@dataclass
class RidgeFit:
    """A cross-validated ridge fit and what it says."""

    features: list[str]
    coefficients: np.ndarray
    standardised: np.ndarray
    intercept: float
    alpha: float
    cv_r2: float
    train_r2: float
    samples: int
    folds: int
    reliable: bool
    message: str
    means: np.ndarray = field(repr=False, default_factory=lambda: np.zeros(0))
    scales: np.ndarray = field(repr=False, default_factory=lambda: np.ones(0))

    def predict(self, x: np.ndarray) -> np.ndarray:
        """Predicted revenue for rows of features (in the order of :attr:`features`)."""
        return self.intercept + np.asarray(x, dtype=float) @ self.coefficients

    def coefficient_rows(self) -> list[dict]:
        """Coefficients, largest standardised effect first, for tables and JSON."""
        order = np.argsort(-np.abs(self.standardised))
        return [
            {
                "feature": self.features[i],
                "coefficient": float(self.coefficients[i]),
                "per_std": float(self.standardised[i]),
            }
            for i in order
        ]


def _solve(x: np.ndarray, y: np.ndarray, alpha: float) -> tuple[np.ndarray, float]:
    """Ridge on standardised ``x`` (columns mean 0), centred ``y``: (beta, intercept)."""
    n, k = x.shape
    gram = x.T @ x + alpha * n * np.eye(k)
    beta = np.linalg.solve(gram, x.T @ (y - y.mean()))
    return beta, float(y.mean())


def _r2(y: np.ndarray, pred: np.ndarray) -> float:
    ss = float(((y - y.mean()) ** 2).sum())
    return 1.0 - float(((y - pred) ** 2).sum()) / ss if ss > 0 else float("nan")


def ridge_cv(
    x: np.ndarray, y: np.ndarray, features: list[str], folds: int = 5, seed: int = 0
) -> RidgeFit:
    """Fit ridge regression of ``y`` on ``x``, the penalty chosen by ``folds``-fold CV.

    Parameters
    ----------
    x : numpy.ndarray
        (n, k) features; columns that do not vary are dropped (coefficient 0).
    y : numpy.ndarray
        (n,) target.
    features : list of str
        Names of the columns of ``x``.
    folds : int
        Number of cross-validation folds (fewer when there are few samples).
    seed : int
        Seed of the fold assignment (the same data give the same fit).
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    n, k = x.shape
    if n < 3:
        raise InputError(f"{n} units with data: too few to fit a model.")
    means = x.mean(axis=0)
    scales = x.std(axis=0)
    varies = scales > 0
    z = np.zeros_like(x)
    z[:, varies] = (x[:, varies] - means[varies]) / scales[varies]
    folds = int(max(2, min(folds, n)))
    fold = np.random.default_rng(seed).permutation(n) % folds
    best = (-np.inf, ALPHAS[0], np.zeros(n))
    for alpha in ALPHAS:
        pred = np.empty(n)
        for f in range(folds):
            test = fold == f
            zt = z[~test]
            mu = zt.mean(axis=0)
            beta, icpt = _solve(zt - mu, y[~test], alpha)
            pred[test] = icpt + (z[test] - mu) @ beta
        score = _r2(y, pred)
        if np.isfinite(score) and score > best[0]:
            best = (score, alpha, pred)
    cv_r2, alpha, _ = best
    beta, icpt = _solve(z - z.mean(axis=0), y, alpha)
    coef = np.zeros(k)
    coef[varies] = beta[varies] / scales[varies]
    intercept = icpt - float(means @ coef)
    train_r2 = _r2(y, intercept + x @ coef)
    reliable, message = _verdict(n, int(varies.sum()), float(cv_r2))
    return RidgeFit(
        list(features),
        coef,
        beta,
        intercept,
        float(alpha),
        float(cv_r2),
        float(train_r2),
        n,
        folds,
        reliable,
        message,
        means,
        scales,
    )


def _verdict(n: int, k: int, cv_r2: float) -> tuple[bool, str]:
    if n < MIN_SAMPLES or n < MIN_PER_FEATURE * max(k, 1):
        return False, (
            f"Too little data for a trustworthy model: {n} units with accounts or sales for {k} "
            f"attributes (at least {max(MIN_SAMPLES, MIN_PER_FEATURE * k)} needed). Treat the "
            "potential below as a rough guide only."
        )
    if not np.isfinite(cv_r2) or cv_r2 < MIN_R2:
        shown = "undefined" if not np.isfinite(cv_r2) else f"{cv_r2:.2f}"
        return False, (
            f"The unit attributes do not explain sales: cross-validated R² is {shown} "
            f"(below {MIN_R2:.1f}). The potential below is little better than the average "
            "unit; do not re-align on it."
        )
    return True, (
        f"The attributes explain {cv_r2:.0%} of the variation in unit sales on units left "
        f"out of the fit ({n} units, {k} attributes)."
    )


@dataclass
class WhiteSpace:
    """Potential and white space per unit, with the fit behind them."""

    fit: RidgeFit
    actual: np.ndarray
    potential: np.ndarray
    target: str

    @property
    def white_space(self) -> np.ndarray:
        """Potential − actual per unit (negative: selling above what units like it sell)."""
        return self.potential - self.actual


def unit_features(project: object, exclude: tuple[str, ...] = ()) -> tuple[np.ndarray, list[str]]:
    """Numeric unit attributes and the account count per unit, as model features.

    Attributes named like sales (revenue, sales) or in ``exclude`` are left out: they
    would predict revenue from revenue.
    """
    import pandas as pd

    attrs = project.units.attributes  # type: ignore[attr-defined]
    names, cols = [], []
    for f in project.unit_fields:  # type: ignore[attr-defined]
        low = str(f).lower()
        if f in exclude or any(w in low for w in ("revenue", "sales", "white_space")):
            continue
        values = pd.to_numeric(attrs[f], errors="coerce").to_numpy(dtype=float)
        if np.isfinite(values).sum() == 0:
            continue
        names.append(str(f))
        cols.append(np.nan_to_num(values, nan=float(np.nanmean(values))))
    names.append("accounts")
    n = len(project.units)  # type: ignore[arg-type]
    cols.append(project.accounts.per_unit(n, [])[:, 0])  # type: ignore[attr-defined]
    return np.column_stack(cols), names


def unit_actuals(project: object, months: int = 12) -> tuple[np.ndarray, str]:
    """Actual revenue per unit: the last ``months`` of order lines, else the accounts'
    ``revenue`` field. Returns the values and what they are."""
    from territory_designer.core.sales_history import SalesHistory

    n = len(project.units)  # type: ignore[arg-type]
    table = project.accounts.table  # type: ignore[attr-defined]
    lines = getattr(project, "transactions", None)
    if lines is not None and len(lines):
        history = SalesHistory.from_frame(lines)
        if len(history):
            import pandas as pd

            last = history.last_month()
            recent = history.month > last - months
            row = pd.Index(table["account_id"].astype(str)).get_indexer(history.account_ids)
            unit_of_acct = np.where(row >= 0, table["unit"].to_numpy()[np.maximum(row, 0)], -1)
            unit = unit_of_acct[history.account[recent]]
            ok = unit >= 0
            values = np.bincount(unit[ok], weights=history.amount[recent][ok], minlength=n)
            from territory_designer.core.sales_history import period_label

            return values, (f"order lines of the {months} months to {period_label(last, 'month')}")
    if "revenue" in table.columns:
        return project.accounts.per_unit(n, ["revenue"])[:, 1], "accounts' revenue field"  # type: ignore[attr-defined]
    raise InputError(
        "No sales to model: the project has neither order lines nor an account revenue field."
    )


def white_space(project: object, folds: int = 5, features: list[str] | None = None) -> WhiteSpace:
    """Fit the model on the project's units and return potential and white space.

    Units with no account and no sales are left out of the fit (nothing says whether
    they could sell) but get a predicted potential.
    """
    actual, target = unit_actuals(project)
    x, names = unit_features(project)
    if features:
        unknown = [f for f in features if f not in names]
        if unknown:
            raise InputError(
                f"Unknown feature(s) {', '.join(unknown)}; unit attributes: {', '.join(names)}."
            )
        keep = [names.index(f) for f in features]
        x, names = x[:, keep], [names[i] for i in keep]
    n_accounts = project.accounts.per_unit(len(actual), [])[:, 0]  # type: ignore[attr-defined]
    fit_on = (n_accounts > 0) | (actual != 0)
    fit = ridge_cv(x[fit_on], actual[fit_on], names, folds)
    potential = np.maximum(fit.predict(x), 0.0)
    return WhiteSpace(fit, actual, potential, target)
