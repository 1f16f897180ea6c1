"""Tests for app/core/spectral.py: the batched largest singular value against numpy's SVD."""

import numpy as np
import pytest

from app.core import spectral


def test_spectral_norms_match_svd():
    rng = np.random.default_rng(3)
    n = 40
    chain = [np.eye(n)]
    W = rng.standard_normal((n, n)) / np.sqrt(n)
    for _ in range(20):
        chain.append(chain[-1] @ (np.tanh(rng.standard_normal(n)) ** 2 * W))
    stacks = [
        np.stack(chain),  # products of Jacobians: Lanczos converges
        rng.standard_normal((8, n, n)),  # flat spectra: slow to converge
        rng.standard_normal((3, n, n)) * np.array([1e-200, 1.0, 1e200])[:, None, None],
        np.stack([np.eye(n), np.zeros((n, n)), np.outer(rng.standard_normal(n), rng.standard_normal(n))]),
        rng.standard_normal((4, 5, 5)),  # smaller than the Lanczos steps: the SVD directly
    ]
    for P in stacks:
        expected = np.linalg.svd(P, compute_uv=False)[:, 0]
        np.testing.assert_allclose(spectral.spectral_norms(P), expected, rtol=1e-10)
        # 8 steps leave the flat spectra unconverged: the SVD fallback answers for them
        np.testing.assert_allclose(spectral.spectral_norms(P, steps=8), expected, rtol=1e-10)
    P = rng.standard_normal((3, n, n))
    P[0, 1, 2] = np.nan
    P[1, 3, 3] = -np.inf
    result = spectral.spectral_norms(P)
    assert np.isnan(result[0])
    assert result[1] == np.inf
    assert result[2] == pytest.approx(np.linalg.svd(P[2], compute_uv=False)[0], rel=1e-10)


def test_lanczos_reports_only_converged_values():
    """The Lanczos path either gives σ_max to the tolerance or NaN (then the SVD takes over): products of
    Jacobians converge within 16 steps, a flat Gaussian spectrum does not."""
    rng = np.random.default_rng(4)
    n = 64
    W = rng.standard_normal((n, n)) / np.sqrt(n)
    products = np.stack([np.linalg.matrix_power(W, k) for k in range(6, 12)])
    scale = np.abs(products).max(axis=(1, 2))
    top = spectral._lanczos_top(products, scale, tol=1e-8, steps=16) * scale
    np.testing.assert_allclose(top, np.linalg.svd(products, compute_uv=False)[:, 0], rtol=1e-10)
    flat = rng.standard_normal((4, n, n))
    assert np.isnan(spectral._lanczos_top(flat, np.abs(flat).max(axis=(1, 2)), tol=1e-8, steps=16)).all()
