"""Densities of X₁ + X₂ as f ⋆ g, checked against the closed forms and against simulation."""

from __future__ import annotations

import math

import numpy as np
import pytest

from desktop.core.densities import (
    DISTRIBUTIONS,
    CsvError,
    Empirical,
    Exponential,
    Gamma,
    Normal,
    Uniform,
    convolve_densities,
    grid_sum,
    histogram_density,
    make_grid,
    read_claims_csv,
    sum_terms,
)


@pytest.mark.parametrize(
    "dist",
    [Uniform(-1, 2), Exponential(0.5), Gamma(2.5, 1.5), Gamma(0.8, 2.0), Normal(3, 0.7)],
    ids=repr,
)
def test_pdfs_integrate_to_one(dist):
    grid, dx = make_grid(-20, 80, 200_001)
    assert dist.pdf(grid).sum() * dx == pytest.approx(1.0, abs=2e-3)  # gamma(0.8) has a pole at 0


def test_every_family_is_listed_with_its_parameters():
    assert set(DISTRIBUTIONS) == {"uniform", "exponential", "gamma", "normal"}
    for cls in DISTRIBUTIONS.values():
        defaults = {p.name: p.default for p in cls.parameters}
        assert cls(**defaults).pdf(np.array([0.5])).shape == (1,)


def test_uniform_plus_uniform_is_the_triangle():
    grid, dx = make_grid(0, 1, 2001)
    f = Uniform(0, 1).pdf(grid)
    h = convolve_densities(f, f, dx)
    s = grid_sum(grid)
    triangle = np.where(s <= 1, s, 2 - s)
    assert len(h) == len(s) == 4001 and s[0] == 0 and s[-1] == pytest.approx(2)
    assert np.max(np.abs(h - triangle)) < 2e-3  # the Riemann sum is off by about dx at the kinks


def test_exponential_plus_exponential_is_gamma_two():
    rate = 1.5
    grid, dx = make_grid(0, 30, 6001)
    h = convolve_densities(Exponential(rate).pdf(grid), Exponential(rate).pdf(grid), dx)
    s = grid_sum(grid)
    expected = Gamma(2, 1 / rate).pdf(s)
    inside = s <= 15  # beyond the grid's own range the tails are cut off
    # The Riemann sum counts both ends of [0, s] in full, where the densities jump from 0 to rate:
    # an error of at most rate²·dx (0.011 here), largest at s = 0.
    assert np.max(np.abs(h[inside] - expected[inside])) <= rate**2 * dx * 1.0001
    assert np.max(np.abs(h[inside][200:] - expected[inside][200:])) < 5e-3
    assert h.sum() * dx == pytest.approx(1.0, abs=1e-2)


def test_normal_plus_normal_adds_means_and_variances():
    grid, dx = make_grid(-15, 15, 3001)
    f, g = Normal(1, 1.2).pdf(grid), Normal(-2, 0.5).pdf(grid)
    h = convolve_densities(f, g, dx)
    s = grid_sum(grid)
    expected = Normal(-1, math.sqrt(1.2**2 + 0.5**2)).pdf(s)
    assert np.max(np.abs(h - expected)) < 1e-6  # smooth densities: the Riemann sum is very accurate


def test_simulated_sum_matches_the_convolution():
    rng = np.random.default_rng(0)
    f_dist, g_dist = Gamma(2.0, 1.0), Uniform(0, 3)
    grid, dx = make_grid(0, 20, 401)
    h = convolve_densities(f_dist.pdf(grid), g_dist.pdf(grid), dx)
    samples = f_dist.sample(rng, 200_000) + g_dist.sample(rng, 200_000)
    simulated = histogram_density(samples, grid_sum(grid))
    l1 = np.sum(np.abs(simulated - h)) * dx
    assert l1 < 0.05  # total variation distance ~ sampling noise + grid error
    # And the same comparison notices a wrong answer: the density of X₁ alone is far off.
    assert np.sum(np.abs(simulated - np.pad(f_dist.pdf(grid), (0, len(grid) - 1)))) * dx > 0.3


def test_histogram_density_counts_lost_mass_as_lost():
    grid, dx = make_grid(0, 1, 11)
    density = histogram_density(np.array([0.0, 0.5, 0.52, 5.0]), grid)
    assert density[0] == pytest.approx(1 / (4 * dx)) and density[5] == pytest.approx(2 / (4 * dx))
    assert density.sum() * dx == pytest.approx(0.75)  # one sample of four is off the grid


@pytest.mark.parametrize("index", [0, 7, 150, 399, 598])
def test_sum_terms_total_is_the_convolution_value(index):
    grid, dx = make_grid(0, 10, 300)
    f, g = Gamma(2, 1).pdf(grid), Exponential(0.7).pdf(grid)
    terms, total = sum_terms(f, g, dx, index)
    assert terms.shape == f.shape
    assert total == pytest.approx(convolve_densities(f, g, dx)[index], rel=1e-12, abs=1e-15)
    j = min(index, 299)
    assert terms[j] == pytest.approx(f[j] * g[index - j] * dx)
    with pytest.raises(IndexError):
        sum_terms(f, g, dx, 599)


def test_empirical_distribution_from_claims():
    claims = np.array([1.0, 2.0, 2.0, 4.0])
    dist = Empirical(claims)
    grid, dx = make_grid(0, 5, 6)
    assert dist.pdf(grid).sum() * dx == pytest.approx(1.0)
    assert set(dist.sample(np.random.default_rng(0), 100)) <= {1.0, 2.0, 4.0}


def test_read_claims_prefers_a_claim_column(tmp_path):
    path = tmp_path / "claims.csv"
    path.write_text("policy,year,Claim Amount\nA1,2020,1200.5\nA2,2021,300\n\nA3,2021,n/a\nA4,2022,75\n", encoding="utf-8")
    np.testing.assert_array_equal(read_claims_csv(path), [1200.5, 300, 75])


def test_read_claims_takes_the_first_numeric_column(tmp_path):
    headed = tmp_path / "headed.csv"
    headed.write_text("name;size\nx;3,5\ny;4\n".replace("3,5", "3.5"), encoding="utf-8")
    np.testing.assert_array_equal(read_claims_csv(headed), [3.5, 4])
    bare = tmp_path / "bare.csv"
    bare.write_text("10\n20.5\n30\n", encoding="utf-8")
    np.testing.assert_array_equal(read_claims_csv(bare), [10, 20.5, 30])


def test_read_claims_errors_name_the_file(tmp_path):
    with pytest.raises(CsvError, match=r"missing\.csv: no such file"):
        read_claims_csv(tmp_path / "missing.csv")
    empty = tmp_path / "empty.csv"
    empty.write_text("\n\n", encoding="utf-8")
    with pytest.raises(CsvError, match=r"empty\.csv: the file is empty"):
        read_claims_csv(empty)
    words = tmp_path / "words.csv"
    words.write_text("name,city\nann,paris\nbob,rome\n", encoding="utf-8")
    with pytest.raises(CsvError, match=r"words\.csv: no column holds numbers"):
        read_claims_csv(words)
    blank_claims = tmp_path / "blank.csv"
    blank_claims.write_text("id,claim\n1,\n2,unknown\n", encoding="utf-8")
    with pytest.raises(CsvError, match=r"blank\.csv: column 'claim' holds no numbers"):
        read_claims_csv(blank_claims)
    binary = tmp_path / "photo.csv"
    binary.write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\xff")
    with pytest.raises(CsvError, match=r"photo\.csv: cannot be read"):
        read_claims_csv(binary)


def test_invalid_parameters_are_refused():
    with pytest.raises(ValueError, match="a < b"):
        Uniform(2, 1)
    with pytest.raises(ValueError, match="rate > 0"):
        Exponential(0)
    with pytest.raises(ValueError, match="sigma > 0"):
        Normal(0, -1)
