"""The connectivity C[t, s] = ‖∂ŷ_t/∂x_s‖_F for s ≤ t: how strongly the output at step t still depends on the
input at step s. One example, every pair; the Frobenius norm over all K outputs ŷ_t as the network emits them
(after the softmax where there is one). Madsen's "Visualizing memorization in RNNs" (Distill 2019) draws a
related map of ‖∂(logit of the desired output)/∂x_s‖₂, one output before the softmax: the two differ on
softmax tasks, so this is not that quantity.

With J_t = ∂s_t/∂s_{t−1}, X_s = ∂s_s/∂x_s and R_t = ∂ŷ_t/∂s_t (jacobians.py; R_t is zero in the LSTM's c
columns, the readout seeing h_t only),
    ∂ŷ_t/∂x_s = R_t J_t J_{t−1} ⋯ J_{s+1} X_s,        a K × D block for each of the T(T+1)/2 pairs.
Carrying every R_t back in time together gives all of them: at step s the rows of every t ≥ s meet X_s,
then move one step back, one (·, S) × (S, S) product per step, T²/2 rows of K in all. The steps are split
at m instead, and each half goes its own way:
    late   the rows t ≥ m go back from step T to m. At each step s ≥ m they give C[t, s], and they end
           as L_t = ∂ŷ_t/∂s_m.
    early  the inputs s < m go forward from step s to m, as columns of ∂s_t/∂x_s (kept transposed, as
           rows). At each step t < m the readout R_t gives C[t, s], and they end as M_s = ∂s_m/∂x_s.
    across every pair t ≥ m > s is then L_t M_s: one (T−m)·K × S by S × m·D product, K·D·S
           multiply-adds per pair where a chain spends K·S·S per step between t and s.
Each chain covers about half the steps, so it carries about a quarter of the rows, and both together cost
half the single chain (m is where the whole costs least: cheapest_split).

Only Frobenius norms are needed, and ‖Q A‖_F = ‖A‖_F = ‖A Q'ᵀ‖_F for Q, Q' with orthonormal columns, so
when K > H each R_t = Q U (QR) is replaced by its H × H factor U, and when D > S each X_s = (Q'U')ᵀ by the
S × S factor U'ᵀ: a 198-character text task then carries H rows per step, not 198.

Every product is carried as mantissa × 2^exponent (jacobians.rescale), so a dependency of 1e−300 keeps its
value; NaN states make the pairs whose chain passes through them NaN, as the pass itself would.
"""

import numpy as np

from app.core.jacobians import (
    RESCALE_EVERY,
    Jacobians,
    jacobians,
    readout_jacobians,
    rescale,
    times_jacobian,
    times_jacobian_transposed,
)

ACROSS_FLOATS = 1 << 20  # at most 8 MB of ∂ŷ_t/∂x_s blocks across the split at once


def connectivity(model, trace, example: int = 0) -> np.ndarray:
    """C (T, T) with C[t, s] = ‖∂ŷ_t/∂x_s‖_F for s ≤ t and NaN for s > t (the output cannot see the future)."""
    return connectivity_from(model, trace, example, jacobians(model, trace, example))


def connectivity_from(model, trace, example: int, jac: Jacobians, split: int | None = None) -> np.ndarray:
    """connectivity() from the step Jacobians `jac` already built for `example`. `split`: the step m where
    the chains meet (0 ≤ m < T; 0 is the single backward chain), by default the cheapest (cheapest_split)."""
    R = readout_jacobians(model, trace, example)  # (T, K, H)
    X = jac.X
    T, S = X.shape[:2]
    H = model.hidden_size
    C = np.full((T, T), np.nan)
    with np.errstate(all="ignore"):
        if R.shape[1] > H:
            R = np.linalg.qr(R, mode="r")  # (T, H, H)
        if X.shape[2] > S:
            X = np.linalg.qr(X.transpose(0, 2, 1), mode="r").transpose(0, 2, 1)  # (T, S, S)
        R, r_exponents = rescale(R, axis=(1, 2))
        X, x_exponents = rescale(X, axis=(1, 2))
        K, D = R.shape[1], X.shape[2]
        m = cheapest_split(T, K, D, S, jac.J.shape[2], H) if split is None else split
        if not 0 <= m < T:
            raise ValueError(f"split must be in [0, {T}), not {m}")
        L, l_exponents = _late(R, r_exponents, X, x_exponents, jac, m, C)
        M, m_exponents = _early(R, r_exponents, X, x_exponents, jac, m, C)
        if m > 0:
            _across(L, l_exponents, M, m_exponents, C)
    return C


def cheapest_split(T: int, K: int, D: int, S: int, J_columns: int, H: int) -> int:
    """The m in [0, T) with the fewest multiply-adds in all, by the sizes of the products each part makes:
        late    Σ_{s ≥ m} (T − s) blocks of K rows, each by X_s (S × D) and by J_s (S × J_columns)
        early   Σ_{t < m} (t + 1) blocks of D rows, each by R_t (H × K) and by J_tᵀ (J_columns × S)
        across  (T − m) · m pairs of K × S by S × D
    (J_columns: H for the LSTM, whose c columns are diagonal, else S). With K = D small the chains dominate
    and m ≈ T/2; a wide vocabulary (K, D in the hundreds) makes the product across dearer and moves it."""
    m = np.arange(T)
    late_blocks = (T - m) * (T - m + 1) / 2
    early_blocks = m * (m + 1) / 2
    cost = (
        late_blocks * K * S * (J_columns + D)
        + early_blocks * D * (S * J_columns + H * K)
        + (T - m) * m * K * D * S
    )
    return int(np.argmin(cost))


def _across(L, l_exponents, M, m_exponents, C: np.ndarray) -> None:
    """C[t, s] = ‖L_t M_s‖_F for every t ≥ m > s, from the mantissas L (T − m, K, S) and M_sᵀ (m, D, S),
    a few rows of t at a time so the products held at once stay under ACROSS_FLOATS."""
    late, K, S = L.shape
    m, D, _ = M.shape
    columns = M.reshape(-1, S).T  # (S, m·D)
    rows = max(1, ACROSS_FLOATS // (K * m * D))  # steps t per product
    for a in range(0, late, rows):
        b = min(late, a + rows)
        block = (L[a:b].reshape(-1, S) @ columns).reshape(b - a, K, m, D)  # ∂ŷ_t/∂x_s, t = m + a … m + b − 1
        squares = np.einsum("tksd,tksd->ts", block, block)
        C[m + a : m + b, :m] = np.ldexp(np.sqrt(squares), l_exponents[a:b, None] + m_exponents[None, :])


def _late(R, r_exponents, X, x_exponents, jac: Jacobians, m: int, C: np.ndarray):
    """The rows t ≥ m, from step T back to m: fills C[t, s] for m ≤ s ≤ t and returns the mantissas of
    L_t = ∂ŷ_t/∂s_m (T − m, K, S) with their exponents (T − m,)."""
    T, K, H = R.shape
    S, D = X.shape[1:]
    G = np.zeros((T - m, K, S))  # G[t − m] = mantissa of ∂ŷ_t/∂s_s, rows t ≥ s in use
    G[:, :, :H] = R[m:]  # ∂ŷ_t/∂s_t: the readout sees h_t only
    exponents = r_exponents[m:].copy()
    moved = G.copy()  # the other buffer: rows t < s must hold ∂ŷ_t/∂s_t in both
    for s in range(T - 1, m - 1, -1):
        rows = G[s - m :].reshape(-1, S)  # ((T−s)·K, S), a view
        dy_dx = (rows @ X[s]).reshape(T - s, K * D)  # ∂ŷ_t/∂x_s for t ≥ s, flattened
        C[s:, s] = np.ldexp(np.sqrt(np.sum(dy_dx * dy_dx, axis=1)), exponents[s - m :] + x_exponents[s])
        if s > m:
            times_jacobian(rows, jac, s, moved[s - m :].reshape(-1, S))
            G, moved = moved, G
            if s % RESCALE_EVERY == 0:
                G[s - m :], e = rescale(G[s - m :], axis=(1, 2))
                exponents[s - m :] += e
    G, e = rescale(G, axis=(1, 2))
    return G, exponents + e


def _early(R, r_exponents, X, x_exponents, jac: Jacobians, m: int, C: np.ndarray):
    """The inputs s < m, from step s forward to m: fills C[t, s] for s ≤ t < m and returns the mantissas of
    M_sᵀ = (∂s_m/∂x_s)ᵀ (m, D, S) with their exponents (m,)."""
    K, H = R.shape[1:]
    S, D = X.shape[1:]
    Y = np.ascontiguousarray(X[:m].transpose(0, 2, 1))  # Y[s] = mantissa of (∂s_t/∂x_s)ᵀ, rows s ≤ t in use
    exponents = x_exponents[:m].copy()
    moved = Y.copy()  # the other buffer: rows s > t must hold X_sᵀ in both
    for t in range(m):
        rows = Y[: t + 1].reshape(-1, S)  # ((t+1)·D, S), a view
        dy_dx = (rows[:, :H] @ R[t].T).reshape(t + 1, D * K)  # (∂ŷ_t/∂x_s)ᵀ for s ≤ t, flattened
        C[t, : t + 1] = np.ldexp(np.sqrt(np.sum(dy_dx * dy_dx, axis=1)), exponents[: t + 1] + r_exponents[t])
        times_jacobian_transposed(rows, jac, t + 1, moved[: t + 1].reshape(-1, S))  # to step t + 1 ≤ m
        Y, moved = moved, Y
        if t % RESCALE_EVERY == 0:
            Y[: t + 1], e = rescale(Y[: t + 1], axis=(1, 2))
            exponents[: t + 1] += e
    Y, e = rescale(Y, axis=(1, 2))
    return Y, exponents + e
