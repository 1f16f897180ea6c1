"""app/core/reference/rnn.py: the fused RNN kernel equals the plain one to 1e-12, for every option."""

import itertools

import pytest

from tests.core.reference.conftest import HEADS

OPTIONS = list(itertools.product(["tanh", "relu"], [None, 1, 3], [False, True]))


@pytest.mark.parametrize(("activation", "truncate", "initial"), OPTIONS)
def test_kernel_matches_reference(ref, activation, truncate, initial):
    fast, (grads, grad_hidden), plain, (plain_grads, plain_hidden) = ref.both(
        "rnn", truncate=truncate, initial=initial, activation=activation
    )
    ref.close(fast["hidden"], plain["h"], "h_t")
    for name, g in plain_grads.items():
        ref.close(grads[name], g, name)
    ref.close(grad_hidden, plain_hidden, "dL/dh_t")


@pytest.mark.parametrize("loss_on", ["all", "last"])
@pytest.mark.parametrize(("output", "loss"), HEADS)
def test_every_readout_and_loss(ref, output, loss, loss_on):
    _, (grads, grad_hidden), _, (plain_grads, plain_hidden) = ref.both("rnn", output, loss, loss_on)
    for name, g in plain_grads.items():
        ref.close(grads[name], g, name)
    ref.close(grad_hidden, plain_hidden, "dL/dh_t")


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
def test_truncation_cuts_the_chain_at_every_kth_step(ref, kind):
    """Loss at the last step only, T = 9, k = 3: the chunk [6, 9) holds the loss, and nothing flows back
    across its start, so dL/dh_t is exactly zero before step 6 (and not zero without truncation)."""
    _, _, _, (_, full, *_) = ref.both(kind, loss_on="last")
    _, fast, _, (_, cut, *_) = ref.both(kind, loss_on="last", truncate=3)
    assert (cut[:6] == 0).all() and (fast[1][:6] == 0).all() and (cut[6:] != 0).any()
    assert abs(full[:6]).max() > 1e-8
    ref.close(cut[6:], full[6:], "the last chunk is untouched")
