"""An independent reference: the same equations unrolled step by step in PyTorch autograd (float64),
compared for the loss, every gradient, dL/dh_t (retain_grad on every h_t) and dL/dc_t; and the RNN and
LSTM against torch's own fused nn.RNN / nn.LSTM. (torch's nn.GRU applies r_t after the matmul, a
different cell from Cho et al.'s, so the GRU is checked against the unroll only.)"""

import numpy as np
import pytest

from app.core import KINDS, lstm, rnn

HEADS = [("linear", "mse"), ("softmax", "mse"), ("softmax", "ce")]


def torch_unroll(torch, model, x, y, loss, loss_on, truncate):
    """Loss, grads, dL/dh_t and dL/dc_t from autograd over a plain loop of the lecture's equations."""
    P = {k: torch.tensor(v, requires_grad=True) for k, v in model.params.items()}
    T, B, _ = x.shape
    H = model.hidden_size
    xs = torch.tensor(x)
    h = torch.zeros(B, H, dtype=torch.float64)
    c = torch.zeros(B, H, dtype=torch.float64)
    hs, cs = [], []
    for t in range(T):
        if truncate and t > 0 and t % truncate == 0:
            h, c = h.detach(), c.detach()
        if model.kind == "rnn":
            a = h @ P["W_hh"].T + xs[t] @ P["W_xh"].T + P["b_h"]
            h = torch.tanh(a) if model.activation == "tanh" else torch.relu(a)
        elif model.kind == "lstm":
            v = torch.cat([h, xs[t]], dim=1)
            f = torch.sigmoid(v @ P["W_f"].T + P["b_f"])
            i = torch.sigmoid(v @ P["W_i"].T + P["b_i"])
            g = torch.tanh(v @ P["W_g"].T + P["b_g"])
            o = torch.sigmoid(v @ P["W_o"].T + P["b_o"])
            c = f * c + i * g
            c.retain_grad()
            cs.append(c)
            h = o * torch.tanh(c)
        else:
            v = torch.cat([h, xs[t]], dim=1)
            z = torch.sigmoid(v @ P["W_z"].T + P["b_z"])
            r = torch.sigmoid(v @ P["W_r"].T + P["b_r"])
            n = torch.tanh(torch.cat([r * h, xs[t]], dim=1) @ P["W_n"].T + P["b_n"])
            h = (1 - z) * n + z * h
        h.retain_grad()
        hs.append(h)
    steps = range(T) if loss_on == "all" else [T - 1]
    L = torch.zeros((), dtype=torch.float64)
    for t in steps:
        logits = hs[t] @ P["W_hy"].T + P["b_y"]
        if loss == "ce":
            L = L - torch.log_softmax(logits, dim=1).gather(1, torch.tensor(y[t])[:, None]).sum() / B
        else:
            y_hat = torch.softmax(logits, dim=1) if model.output == "softmax" else logits
            L = L + ((y_hat - torch.tensor(y[t])) ** 2).mean(dim=1).sum() / B
    L.backward()

    def grads_of(states):
        return np.stack([np.zeros((B, H)) if s.grad is None else s.grad.numpy() for s in states])

    return L.item(), {k: p.grad.numpy() for k, p in P.items()}, grads_of(hs), grads_of(cs) if cs else None


@pytest.mark.parametrize("truncate", [None, 3])
@pytest.mark.parametrize("loss_on", ["all", "last"])
@pytest.mark.parametrize(("output", "loss"), HEADS)
@pytest.mark.parametrize("kind", KINDS)
def test_matches_torch_autograd_unroll(core, torch, kind, output, loss, loss_on, truncate):
    model, x, y = core.make_case(kind, output, loss, T=8, B=3, D=3, H=5, K=4, seed=7)
    trace = model.run(x, y, loss=loss, loss_on=loss_on, truncate=truncate)
    L, grads, grad_hidden, grad_cell = torch_unroll(torch, model, x, y, loss, loss_on, truncate)
    assert trace.loss == pytest.approx(L, rel=1e-12)
    for name, g in grads.items():
        np.testing.assert_allclose(trace.grads[name], g, rtol=1e-9, atol=1e-12, err_msg=name)
    np.testing.assert_allclose(trace.grad_hidden, grad_hidden, rtol=1e-9, atol=1e-12)
    if kind == "lstm":
        np.testing.assert_allclose(trace.grad_cell, grad_cell, rtol=1e-9, atol=1e-12)


def test_rnn_relu_matches_torch_autograd_unroll(core, torch):
    model, x, y = core.make_case("rnn", T=8, B=3, D=3, H=5, K=4, seed=7, activation="relu")
    trace = model.run(x, y)
    L, grads, grad_hidden, _ = torch_unroll(torch, model, x, y, "mse", "all", None)
    assert trace.loss == pytest.approx(L, rel=1e-12)
    for name, g in grads.items():
        np.testing.assert_allclose(trace.grads[name], g, rtol=1e-9, atol=1e-12, err_msg=name)
    np.testing.assert_allclose(trace.grad_hidden, grad_hidden, rtol=1e-9, atol=1e-12)


def _fused_check(torch, module, ours_forward, ours_backward, x, dh):
    """Forward h_t and the gradients of Σ h_t ⊙ dh from a torch module against ours."""
    out, _ = module(torch.tensor(x))
    (out * torch.tensor(dh)).sum().backward()
    cache = ours_forward(x)
    np.testing.assert_allclose(cache["hidden"], out.detach().numpy(), rtol=1e-12, atol=1e-14)
    return cache, ours_backward(cache, dh)[0], {n: p.grad.numpy() for n, p in module.named_parameters()}


@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_rnn_matches_torch_nn_rnn(core, torch, activation):
    model, x, _ = core.make_case("rnn", T=9, B=3, D=3, H=5, seed=2, activation=activation)
    p = model.params
    net = torch.nn.RNN(3, 5, nonlinearity=activation).double()
    with torch.no_grad():
        net.weight_ih_l0.copy_(torch.tensor(p["W_xh"]))
        net.weight_hh_l0.copy_(torch.tensor(p["W_hh"]))
        net.bias_ih_l0.copy_(torch.tensor(p["b_h"]))
        net.bias_hh_l0.zero_()
    dh = np.random.default_rng(1).standard_normal((9, 3, 5))
    _, ours, theirs = _fused_check(
        torch,
        net,
        lambda x: rnn.forward(p, x, activation=activation),
        lambda cache, dh: rnn.backward(p, cache, dh),
        x,
        dh,
    )
    np.testing.assert_allclose(ours["W_xh"], theirs["weight_ih_l0"], rtol=1e-10)
    np.testing.assert_allclose(ours["W_hh"], theirs["weight_hh_l0"], rtol=1e-10)
    np.testing.assert_allclose(ours["b_h"], theirs["bias_ih_l0"], rtol=1e-10)


def test_lstm_matches_torch_nn_lstm(core, torch):
    model, x, _ = core.make_case("lstm", T=9, B=3, D=3, H=5, seed=2)
    p = model.params
    H = 5
    W = np.concatenate([p["W_i"], p["W_f"], p["W_g"], p["W_o"]])  # torch's gate order i, f, g, o
    b = np.concatenate([p["b_i"], p["b_f"], p["b_g"], p["b_o"]])
    net = torch.nn.LSTM(3, H).double()
    with torch.no_grad():
        net.weight_hh_l0.copy_(torch.tensor(W[:, :H]))
        net.weight_ih_l0.copy_(torch.tensor(W[:, H:]))
        net.bias_ih_l0.copy_(torch.tensor(b))
        net.bias_hh_l0.zero_()
    dh = np.random.default_rng(1).standard_normal((9, 3, H))
    _, ours, theirs = _fused_check(
        torch, net, lambda x: lstm.forward(p, x), lambda cache, dh: lstm.backward(p, cache, dh), x, dh
    )
    dW = np.concatenate([ours["W_i"], ours["W_f"], ours["W_g"], ours["W_o"]])
    db = np.concatenate([ours["b_i"], ours["b_f"], ours["b_g"], ours["b_o"]])
    np.testing.assert_allclose(dW[:, :H], theirs["weight_hh_l0"], rtol=1e-10)
    np.testing.assert_allclose(dW[:, H:], theirs["weight_ih_l0"], rtol=1e-10)
    np.testing.assert_allclose(db, theirs["bias_ih_l0"], rtol=1e-10)
