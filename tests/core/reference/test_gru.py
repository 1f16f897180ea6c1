"""app/core/reference/gru.py: the fused GRU kernel equals the plain one to 1e-12, for every option."""

import pytest

from tests.core.reference.conftest import HEADS


@pytest.mark.parametrize("initial", [False, True])
@pytest.mark.parametrize("truncate", [None, 1, 3])
def test_kernel_matches_reference(ref, truncate, initial):
    fast, (grads, grad_hidden), plain, (plain_grads, plain_hidden) = ref.both(
        "gru", truncate=truncate, initial=initial, update_bias=0.5
    )
    ref.close(fast["hidden"], plain["h"], "h_t")
    for gate in ("z", "r", "n"):
        ref.close(fast["gates"][gate], plain[gate], f"{gate}_t")
    for name, g in plain_grads.items():
        ref.close(grads[name], g, name)
    ref.close(grad_hidden, plain_hidden, "dL/dh_t")


@pytest.mark.parametrize("loss_on", ["all", "last"])
@pytest.mark.parametrize(("output", "loss"), HEADS)
def test_every_readout_and_loss(ref, output, loss, loss_on):
    _, (grads, grad_hidden), _, (plain_grads, plain_hidden) = ref.both("gru", output, loss, loss_on)
    for name, g in plain_grads.items():
        ref.close(grads[name], g, name)
    ref.close(grad_hidden, plain_hidden, "dL/dh_t")


@pytest.mark.parametrize("initial", [False, True])
@pytest.mark.parametrize("truncate", [None, 1, 3])
@pytest.mark.parametrize(("output", "loss"), HEADS)
def test_torch_form_kernel_matches_reference(ref, truncate, initial, output, loss):
    fast, (grads, grad_hidden), plain, (plain_grads, plain_hidden) = ref.both(
        "gru", output, loss, truncate=truncate, initial=initial, update_bias=0.5, gru_form="torch"
    )
    assert set(grads) == set(plain_grads) == {"W_z", "W_r", "W_n", "b_z", "b_r", "b_n", "b_hn"}
    ref.close(fast["hidden"], plain["h"], "h_t")
    ref.close(fast["q"], plain["q"], "q_t")
    for gate in ("z", "r", "n"):
        ref.close(fast["gates"][gate], plain[gate], f"{gate}_t")
    for name, g in plain_grads.items():
        ref.close(grads[name], g, name)
    ref.close(grad_hidden, plain_hidden, "dL/dh_t")
