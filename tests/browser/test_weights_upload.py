"""Your own trained network on the page: choose a saved LSTM, see its charts (the API's numbers for that
upload), a link that names it, a pickle refused with the API's sentence, and back to the built-in cells."""

import hashlib
import io
from urllib.parse import parse_qs, urlsplit

import httpx
import numpy as np
import pytest

pytestmark = pytest.mark.browser

H = 6


def lstm_npz() -> bytes:
    """An nn.LSTM(2, 6) with an nn.Linear(6, 1) readout, in PyTorch's keys (the adding task gives D = 2)."""
    rng = np.random.default_rng(0)
    arrays = {
        "rnn.weight_ih_l0": 0.5 * rng.standard_normal((4 * H, 2)),
        "rnn.weight_hh_l0": 0.5 * rng.standard_normal((4 * H, H)),
        "rnn.bias_ih_l0": 0.3 * rng.standard_normal(4 * H),
        "rnn.bias_hh_l0": 0.3 * rng.standard_normal(4 * H),
        "fc.weight": rng.standard_normal((1, H)),
        "fc.bias": rng.standard_normal(1),
    }
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def test_upload_a_saved_lstm_and_see_its_charts(page, guard, server_url, helpers, tmp_path):
    guard.expect("status of 422")
    page.goto(f"{server_url}/?T=20&seed=2&steps=20&snapshot_every=5&test_size=32")
    drawn = helpers.wait_drawn(page, "hidden")
    data = lstm_npz()
    path = tmp_path / "model.npz"
    path.write_bytes(data)
    page.set_input_files("#weights-file", str(path))
    helpers.wait_drawn(page, "hidden", drawn)
    page.wait_for_function("() => document.getElementById('weights-status').textContent.includes('H = 6')")
    digest = hashlib.sha256(data).hexdigest()
    assert parse_qs(urlsplit(page.url).query)["weights"] == [digest]  # a Share link names the upload
    assert page.is_visible("#weights-clear")

    api = httpx.get(
        f"{server_url}/api/trace", params={"T": 20, "seed": 2, "weights": digest}, timeout=30
    ).json()
    assert list(api["cells"]) == ["lstm"]
    shown = page.evaluate(
        """() => (document.getElementById('chart-hidden').data || [])
             .filter((t) => t.meta && t.meta.cell === 'lstm').map((t) => t.z)"""
    )
    assert shown and shown[0] is not None
    expected = np.array(api["cells"]["lstm"]["hidden"]["data"], dtype=float)
    np.testing.assert_array_equal(np.array(shown[0], dtype=float).reshape(expected.shape), expected)
    cells = page.evaluate(
        """() => [...new Set((document.getElementById('chart-flow').data || [])
             .filter((t) => t.meta).map((t) => t.meta.cell))]"""
    )
    assert cells == ["lstm"]
    helpers.screenshot(page, "weights-lstm")
    page.locator("#weights-drop").screenshot(path=str(helpers.screenshot_dir / "weights-panel.png"))

    # Train fine-tunes the upload: the training curves are the LSTM's alone and start from its own loss.
    page.click("#train-play")
    page.wait_for_function(
        "() => document.getElementById('train-progress').dataset.status === 'done'", timeout=60_000
    )
    curves = page.evaluate(
        """() => [...new Set((document.getElementById('chart-curves').data || [])
             .filter((t) => t.meta?.cell).map((t) => t.meta.cell))]"""  # reference levels have no cell
    )
    assert curves == ["lstm"]

    bad = tmp_path / "model.pt"
    bad.write_bytes(b"\x80\x04 a pickle")
    page.set_input_files("#weights-file", str(bad))
    page.wait_for_function(
        "() => document.getElementById('weights-status').textContent.includes('never loaded')"
    )

    page.click("#weights-clear")
    page.wait_for_function("() => !new URLSearchParams(location.search).has('weights')")
    helpers.wait_drawn(page, "flow")
