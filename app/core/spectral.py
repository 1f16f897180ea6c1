"""The largest singular value of many matrices at once, for the ‖∂s_T/∂s_t‖₂ curve of analysis.py.

np.linalg.svd finds all singular values, and a trace needs them for T products of Jacobians, which
makes the exact SVD the largest cost of the analyses. Only the largest is needed, and products of several Jacobians have it well separated from the rest, which is where Lanczos
iteration on PᵀP converges in a few steps. Matrices it cannot settle fall back to the exact SVD.
"""

import numpy as np


def spectral_norms(P: np.ndarray, tol: float = 1e-8, steps: int = 32) -> np.ndarray:
    """‖P_n‖₂, the largest singular value, of every matrix in a stack P (N, m, n); NaN where P_n holds a NaN,
    inf where it holds an inf.

    Up to `steps` steps of Lanczos on P_nᵀP_n run for all matrices at once (full reorthogonalisation; a fixed
    seeded start vector, so the same matrices give the same numbers). A matrix is done once the residual
    bound of its largest Ritz value θ is ≤ tol·θ, so θ is within a relative tol of an eigenvalue; the few not
    done after `steps` fall back to the exact SVD, and so do all matrices no larger than `steps`. Products
    of several Jacobians mostly finish in 6–12 steps; single Jacobians near t = T take longer."""
    P = np.asarray(P, dtype=np.float64)
    N, m, n = P.shape
    with np.errstate(all="ignore"):
        scale = np.maximum(P.max(axis=(1, 2)), -P.min(axis=(1, 2)))  # (N,) largest |entry|, NaN if any NaN
        out = np.where(np.isnan(scale), np.nan, np.where(np.isinf(scale), np.inf, 0.0))
        todo = np.flatnonzero(np.isfinite(scale) & (scale > 0))  # all-zero matrices keep their norm 0
        if len(todo) == 0:
            return out
        A = P if len(todo) == N else P[todo]
        if min(m, n) <= steps:
            top = np.linalg.svd(A / scale[todo, None, None], compute_uv=False)[:, 0]
        else:
            top = _lanczos_top(A, scale[todo], tol, steps)
            missing = np.flatnonzero(np.isnan(top))
            if len(missing):
                exact = A[missing] / scale[todo[missing], None, None]
                top[missing] = np.linalg.svd(exact, compute_uv=False)[:, 0]
        out[todo] = top * scale[todo]
    return out


def _lanczos_top(A: np.ndarray, scale: np.ndarray, tol: float, steps: int) -> np.ndarray:
    """Largest singular value of each A_n / scale_n (A is (N, m, n), scale its largest |entry| per matrix, so
    the value lies in [1, √(mn)]) by Lanczos on (A_n / scale_n)ᵀ(A_n / scale_n); NaN for the matrices whose
    top Ritz pair (θ, y) still has a residual bound β_k |y_k| above tol·θ after `steps` steps. Convergence is
    checked after 6, 9, 12, 16, 20, 24 and `steps` steps, and the finished matrices leave the batch, so the
    slow few cost little."""
    N, _, n = A.shape
    top = np.full(N, np.nan)
    alive = np.arange(N)  # which matrices are still iterating
    s = scale[:, None, None]
    V = np.zeros((N, steps + 1, n, 1))  # Lanczos vectors, as columns
    alpha = np.zeros((N, steps))  # diagonal of the tridiagonal T_k
    beta = np.zeros((N, steps))  # its off-diagonal
    start = np.random.default_rng(0).standard_normal((1, n, 1))
    V[:, 0] = start / np.linalg.norm(start)
    checks = {6, 9, 12, 16, 20, 24, steps}
    for k in range(steps):
        w = A.transpose(0, 2, 1) @ ((A @ V[:, k]) / s) / s  # (N, n, 1)
        alpha[:, k] = (V[:, k].transpose(0, 2, 1) @ w)[:, 0, 0]
        basis = V[:, : k + 1, :, 0]  # (N, k+1, n)
        for _ in range(2):  # Gram–Schmidt twice keeps the basis orthogonal to working precision
            w -= basis.transpose(0, 2, 1) @ (basis @ w)
        beta[:, k] = np.sqrt(np.sum(w * w, axis=(1, 2)))
        if k + 1 in checks:
            m = k + 1
            diag = np.arange(m)
            T_k = np.zeros((len(alive), m, m))
            T_k[:, diag, diag] = alpha[:, :m]
            T_k[:, diag[:-1], diag[1:]] = beta[:, : m - 1]
            T_k[:, diag[1:], diag[:-1]] = beta[:, : m - 1]
            theta, Y = np.linalg.eigh(T_k)
            done = beta[:, k] * np.abs(Y[:, -1, -1]) <= tol * theta[:, -1]
            top[alive[done]] = np.sqrt(theta[done, -1])
            if done.all() or m == steps:
                break
            if done.any():
                keep = ~done
                alive, A, s, V, alpha, beta, w = (a[keep] for a in (alive, A, s, V, alpha, beta, w))
        # β ≈ 0: the Krylov space is invariant and θ already exact; a zero vector then adds only zeros to T_k
        b = beta[:, k, None, None]
        V[:, k + 1] = np.where(b > 1e-13, w / np.where(b > 1e-13, b, 1.0), 0.0)  # σ_max ≥ 1: relative
    return top
