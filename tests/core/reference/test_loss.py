"""app/core/reference/loss.py: the complex-safe loss equals readout.py's on real inputs, and its complex
step is the readout's gradient."""

import numpy as np
import pytest

from app.core import build_model, readout
from app.core.reference.loss import loss as reference_loss
from tests.core.reference.conftest import HEADS


@pytest.mark.parametrize("loss_on", ["all", "last"])
@pytest.mark.parametrize(("output", "loss"), HEADS)
def test_equals_readout_on_real_inputs(output, loss, loss_on):
    model = build_model("rnn", 2, 4, 3, seed=1, output=output, output_scale=5.0)
    rng = np.random.default_rng(2)
    h = rng.uniform(-1, 1, (6, 3, 4))
    y = rng.integers(0, 3, (6, 3)) if loss == "ce" else rng.uniform(0, 1, (6, 3, 3))
    head = readout.forward(model.params, h, output)
    expected, _, d_logits = readout.loss(head, y, loss, loss_on)
    assert reference_loss(model.params, h, y, output, loss, loss_on) == pytest.approx(expected, rel=1e-14)
    # the complex step through it gives readout.backward's dL/dh_t, entry by entry
    _, dh = readout.backward(model.params, head, d_logits)
    for index in [(0, 0, 0), (5, 2, 3), (3, 1, 2)]:
        hc = h.astype(complex)
        hc[index] += 1e-100j
        step = reference_loss(model.params, hc, y, output, loss, loss_on).imag / 1e-100
        assert step == pytest.approx(dh[index], rel=1e-13, abs=1e-300)


def test_softmax_stays_finite_for_huge_logits():
    model = build_model("rnn", 1, 2, 3, seed=0, output="softmax", output_scale=10.0)
    h = np.full((1, 1, 2), 1e3)
    y = np.array([[1]])
    value = reference_loss(model.params, h.astype(complex), y, "softmax", "ce", "all")
    assert np.isfinite(value.real) and value.imag == 0
