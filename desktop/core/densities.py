"""Convolution beyond images: the density of S = X₁ + X₂ is f ⋆ g (the course's opening example).

Densities are sampled on an evenly spaced grid ``x0, x0 + dx, …`` and convolved numerically with
the Riemann sum ``h[i] = Σ_j f[j]·g[i − j]·dx``. For two densities on the same grid of ``n``
points starting at ``x0``, ``h`` has ``2n − 1`` points on :func:`grid_sum` (starting at ``2·x0``,
same spacing), so no mass of X₁ + X₂ is cut off as long as f and g fit their grid.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np


class CsvError(ValueError):
    """A claims CSV that cannot be used; the message names the file and the reason."""


@dataclass(frozen=True)
class Parameter:
    name: str
    default: float
    minimum: float | None = None  # exclusive lower bound (e.g. a rate must be > 0)


@dataclass(frozen=True)
class Uniform:
    a: float = 0.0
    b: float = 1.0
    title = "Uniform(a, b)"
    parameters = (Parameter("a", 0.0), Parameter("b", 1.0))

    def __post_init__(self) -> None:
        if not self.b > self.a:
            raise ValueError(f"uniform needs a < b, not a={self.a}, b={self.b}")

    def pdf(self, grid: np.ndarray) -> np.ndarray:
        grid = np.asarray(grid, dtype=np.float64)
        return np.where((grid >= self.a) & (grid <= self.b), 1.0 / (self.b - self.a), 0.0)

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return rng.uniform(self.a, self.b, n)


@dataclass(frozen=True)
class Exponential:
    rate: float = 1.0
    title = "Exponential(rate)"
    parameters = (Parameter("rate", 1.0, 0.0),)

    def __post_init__(self) -> None:
        if not self.rate > 0:
            raise ValueError(f"exponential needs rate > 0, not {self.rate}")

    def pdf(self, grid: np.ndarray) -> np.ndarray:
        grid = np.asarray(grid, dtype=np.float64)
        return np.where(grid >= 0, self.rate * np.exp(-self.rate * np.maximum(grid, 0)), 0.0)

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return rng.exponential(1.0 / self.rate, n)


@dataclass(frozen=True)
class Gamma:
    shape: float = 2.0
    scale: float = 1.0
    title = "Gamma(shape, scale)"
    parameters = (Parameter("shape", 2.0, 0.0), Parameter("scale", 1.0, 0.0))

    def __post_init__(self) -> None:
        if not (self.shape > 0 and self.scale > 0):
            raise ValueError(f"gamma needs shape > 0 and scale > 0, not shape={self.shape}, scale={self.scale}")

    def pdf(self, grid: np.ndarray) -> np.ndarray:
        grid = np.asarray(grid, dtype=np.float64)
        x = np.where(grid > 0, grid, 1.0)  # placeholder where the density is 0 anyway: no log(0)
        log_pdf = (self.shape - 1) * np.log(x) - x / self.scale - math.lgamma(self.shape) - self.shape * math.log(self.scale)
        return np.where(grid > 0, np.exp(log_pdf), 0.0)

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return rng.gamma(self.shape, self.scale, n)


@dataclass(frozen=True)
class Normal:
    mu: float = 0.0
    sigma: float = 1.0
    title = "Normal(μ, σ)"
    parameters = (Parameter("mu", 0.0), Parameter("sigma", 1.0, 0.0))

    def __post_init__(self) -> None:
        if not self.sigma > 0:
            raise ValueError(f"normal needs sigma > 0, not {self.sigma}")

    def pdf(self, grid: np.ndarray) -> np.ndarray:
        z = (np.asarray(grid, dtype=np.float64) - self.mu) / self.sigma
        return np.exp(-0.5 * z * z) / (self.sigma * math.sqrt(2 * math.pi))

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return rng.normal(self.mu, self.sigma, n)


@dataclass(frozen=True)
class Empirical:
    """Observed values (e.g. claim sizes from a CSV): the density is their histogram, samples are drawn from them."""

    values: np.ndarray = field(repr=False)
    title = "Claims histogram"
    parameters = ()

    def __post_init__(self) -> None:
        if np.asarray(self.values).size == 0:
            raise ValueError("an empirical distribution needs at least one value")

    def pdf(self, grid: np.ndarray) -> np.ndarray:
        return histogram_density(self.values, grid)

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return rng.choice(np.asarray(self.values, dtype=np.float64), n, replace=True)


#: The parametric families a user can pick, by name; construct with keyword parameters.
DISTRIBUTIONS: dict[str, type] = {"uniform": Uniform, "exponential": Exponential, "gamma": Gamma, "normal": Normal}


def make_grid(start: float, stop: float, points: int) -> tuple[np.ndarray, float]:
    """An evenly spaced grid from ``start`` to ``stop`` inclusive, and its spacing ``dx``."""
    if points < 2 or not stop > start:
        raise ValueError(f"a grid needs at least 2 points and start < stop, not {points} points on [{start}, {stop}]")
    grid = np.linspace(start, stop, points)
    return grid, float(grid[1] - grid[0])


def _spacing(grid: np.ndarray) -> float:
    grid = np.asarray(grid, dtype=np.float64)
    if grid.ndim != 1 or grid.size < 2:
        raise ValueError("a grid needs at least 2 points")
    dx = float(grid[1] - grid[0])
    if not dx > 0 or not np.allclose(np.diff(grid), dx, rtol=1e-6, atol=0):
        raise ValueError("the grid must be evenly spaced and increasing")
    return dx


def histogram_density(samples: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """Density estimate on ``grid``: each grid point owns the bin ``[x − dx/2, x + dx/2)``.

    Divided by the number of all samples (not only those inside the grid), so mass that falls off
    the grid is visibly missing rather than spread over the rest.
    """
    samples = np.asarray(samples, dtype=np.float64).reshape(-1)
    dx = _spacing(grid)
    edges = np.append(np.asarray(grid, dtype=np.float64) - dx / 2, grid[-1] + dx / 2)
    counts, _ = np.histogram(samples, bins=edges)
    return counts / (max(samples.size, 1) * dx)


def grid_sum(grid: np.ndarray) -> np.ndarray:
    """The grid of X₁ + X₂ when both densities live on ``grid``: ``2n − 1`` points from ``2·x0``."""
    dx = _spacing(grid)
    return 2 * float(grid[0]) + dx * np.arange(2 * len(grid) - 1)


def convolve_densities(f: np.ndarray, g: np.ndarray, dx: float) -> np.ndarray:
    """The density of X₁ + X₂: ``h[i] = Σ_j f[j]·g[i − j]·dx``, length ``len(f) + len(g) − 1`` (see :func:`grid_sum`)."""
    f = np.asarray(f, dtype=np.float64)
    g = np.asarray(g, dtype=np.float64)
    if f.ndim != 1 or g.ndim != 1 or f.size == 0 or g.size == 0:
        raise ValueError("densities must be non-empty 1-D arrays")
    return np.convolve(f, g) * dx


def sum_terms(f: np.ndarray, g: np.ndarray, dx: float, index: int) -> tuple[np.ndarray, float]:
    """The discrete sum behind ``h[index]``: ``terms[j] = f[j]·g[index − j]·dx`` (0 where ``g`` has no such point).

    ``terms`` has one entry per point of ``f`` so it can be drawn on f's grid; ``total`` equals
    ``convolve_densities(f, g, dx)[index]``.
    """
    f = np.asarray(f, dtype=np.float64)
    g = np.asarray(g, dtype=np.float64)
    if not 0 <= index < f.size + g.size - 1:
        raise IndexError(f"index {index} is outside the {f.size + g.size - 1} points of f ⋆ g")
    j = np.arange(f.size)
    partner = index - j
    inside = (partner >= 0) & (partner < g.size)
    terms = np.zeros(f.size)
    terms[inside] = f[inside] * g[partner[inside]] * dx
    return terms, float(terms.sum())


_PREFERRED_COLUMNS = ("claim", "amount")


def _number(cell: str) -> float | None:
    try:
        value = float(cell.strip().replace("_", ""))
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def read_claims_csv(path: str | Path) -> np.ndarray:
    """Claim sizes from a CSV file as float64.

    The column whose header contains "claim" or "amount" (any case) is used, else the first column
    holding numbers. Cells that are not numbers (blank lines, notes) are skipped.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise CsvError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CsvError(f"{path}: cannot be read as a text file ({exc})") from exc
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        raise CsvError(f"{path}: the file is empty")
    try:
        dialect = csv.Sniffer().sniff("\n".join(lines[:20]), delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel  # one column, or nothing to sniff: plain commas
    rows = list(csv.reader(lines, dialect))
    header = rows[0]
    has_header = any(_number(cell) is None and cell.strip() for cell in header)
    body = rows[1:] if has_header else rows
    width = max(len(row) for row in rows)

    def column(index: int) -> np.ndarray:
        values = [_number(row[index]) for row in body if index < len(row)]
        return np.array([v for v in values if v is not None], dtype=np.float64)

    if has_header:
        for index, name in enumerate(header):
            if any(word in name.strip().lower() for word in _PREFERRED_COLUMNS):
                values = column(index)
                if values.size == 0:
                    raise CsvError(f"{path}: column {name.strip()!r} holds no numbers")
                return values
    for index in range(width):
        values = column(index)
        if values.size:
            return values
    raise CsvError(f"{path}: no column holds numbers (expected claim sizes, e.g. a column named 'claim')")
