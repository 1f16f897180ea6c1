"""Your own sentence on the page: upload a saved LSTM that reads the text task's characters (the cells and
H controls then show it, disabled), type a sentence, and every per-step chart's time axis shows its
characters, with each step's prediction in the hover; a character outside the vocabulary is named under
the box. Screenshots in English and Korean at 1280×720 and
1920×1080 go to test-output/screenshots/own-*.png."""

import io

import numpy as np
import pytest

from app.core.tasks.text import corpus

pytestmark = pytest.mark.browser

H = 8
SENTENCE = "LSTM은 기억한다"
SIZES = {"1280x720": (1280, 720), "1920x1080": (1920, 1080)}


def text_lstm_npz() -> bytes:
    """An nn.LSTM(V, 8) in PyTorch's keys, V the text task's vocabulary size; no readout (one is drawn)."""
    V = len(corpus()[1])
    rng = np.random.default_rng(3)
    arrays = {
        "weight_ih_l0": 0.5 * rng.standard_normal((4 * H, V)),
        "weight_hh_l0": 0.5 * rng.standard_normal((4 * H, H)),
        "bias_ih_l0": 0.1 * rng.standard_normal(4 * H),
        "bias_hh_l0": 0.1 * rng.standard_normal(4 * H),
    }
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def ticks(page, view: str) -> list[list[str]]:
    """The character labels of every x axis of chart `view` that has them."""
    return page.evaluate(
        """(view) => Object.entries(document.getElementById(`chart-${view}`).layout || {})
             .filter(([k, a]) => /^xaxis\\d*$/.test(k) && a.ticktext)
             .map(([, a]) => a.ticktext.map((text) => text.replace(/<[^>]+>/g, "")))""",
        view,
    )


def shots(page, helpers, name: str) -> None:
    for size, (w, h) in SIZES.items():
        page.set_viewport_size({"width": w, "height": h})
        page.wait_for_timeout(500)  # Plotly's responsive resize is debounced
        helpers.screenshot_dir.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(helpers.screenshot_dir / f"own-{name}-{size}.png"))
    page.set_viewport_size({"width": 1280, "height": 720})


def type_sentence(page, helpers, sentence: str) -> None:
    drawn = {view: int(page.get_attribute(f"#chart-{view}", "data-draws")) for view in ("flow", "error")}
    page.fill("#ctl-sentence", sentence)
    page.press("#ctl-sentence", "Enter")
    for view, n in drawn.items():
        helpers.wait_drawn(page, view, n)


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_upload_an_lstm_type_a_sentence_see_its_characters(page, guard, server_url, helpers, tmp_path, lang):
    guard.expect("status of 422")
    page.goto(f"{server_url}/?task=text&cells=lstm&lang={lang}")
    drawn = helpers.wait_drawn(page, "hidden")
    assert page.is_visible("#ctl-sentence")
    path = tmp_path / "text_lstm.npz"
    path.write_bytes(text_lstm_npz())
    page.set_input_files("#weights-file", str(path))
    helpers.wait_drawn(page, "hidden", drawn)
    page.wait_for_function("() => new URLSearchParams(location.search).has('weights')")
    # the controls show the upload's cell and H, disabled, with the reason
    page.wait_for_function("() => document.getElementById('ctl-H').disabled")
    assert page.input_value("#ctl-H") == str(H)
    boxes = page.evaluate(
        "() => [...document.querySelectorAll('[data-key=cells] input')].map((b) => [b.value, b.checked, b.disabled])"
    )
    assert boxes == [["rnn", False, True], ["lstm", True, True], ["gru", False, True]]
    assert f"H = {H}" in page.inner_text("[data-key=H] .field-note")

    type_sentence(page, helpers, SENTENCE)
    page.wait_for_function(f"() => new URLSearchParams(location.search).get('sentence') === {SENTENCE!r}")
    shown = [{" ": "␣"}.get(ch, ch) for ch in SENTENCE[:-1]]  # a blank is drawn as ␣
    for view in ("flow", "error", "hidden", "gates", "jacobian", "contrib"):
        labels = ticks(page, view)
        assert labels and all(t == shown for t in labels), view
    # T follows the sentence: its box shows len − 1 and cannot be changed while the sentence is there
    assert page.input_value("#ctl-T") == str(len(SENTENCE) - 1) and page.is_disabled("#ctl-T")
    hover = page.evaluate(
        """() => (document.getElementById('chart-error').data || []).find((d) => d.meta?.cell === 'lstm').customdata"""
    )
    assert len(hover) == len(SENTENCE) - 1 and SENTENCE[1] in hover[0]
    shots(page, helpers, f"sentence-{lang}")

    # a character outside the vocabulary: the server's sentence under the box names it, the charts stay
    page.fill("#ctl-sentence", "Zebra")
    page.press("#ctl-sentence", "Enter")
    page.wait_for_function("() => document.getElementById('err-sentence').textContent.includes(\"'Z'\")")
    assert ticks(page, "flow")[0] == shown
    page.locator("#err-sentence").scroll_into_view_if_needed()
    shots(page, helpers, f"unknown-{lang}")

    # emptied, the box gives the task's own random windows back, and T its control
    page.fill("#ctl-sentence", "")
    page.press("#ctl-sentence", "Enter")
    page.wait_for_function("() => !new URLSearchParams(location.search).has('sentence')")
    page.wait_for_function("() => !document.getElementById('ctl-T').disabled")

    # without the upload, the cells and H are the page's own again
    page.click("#weights-clear")
    page.wait_for_function("() => !document.getElementById('ctl-H').disabled")
    assert page.input_value("#ctl-H") == "32"
    assert not page.is_disabled("#ctl-cells-rnn") and page.locator("[data-key=H] .field-note").count() == 0


def adding_lstm_npz() -> bytes:
    """An nn.LSTM(2, 6) with its nn.Linear(6, 1) readout (the adding task's sizes)."""
    rng = np.random.default_rng(0)
    arrays = {
        "rnn.weight_ih_l0": 0.5 * rng.standard_normal((24, 2)),
        "rnn.weight_hh_l0": 0.5 * rng.standard_normal((24, 6)),
        "rnn.bias_ih_l0": 0.3 * rng.standard_normal(24),
        "rnn.bias_hh_l0": 0.3 * rng.standard_normal(24),
        "fc.weight": rng.standard_normal((1, 6)),
        "fc.bias": rng.standard_normal(1),
    }
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_paste_your_own_numbers_for_the_upload(page, guard, server_url, helpers, tmp_path, lang):
    guard.expect("status of 422")
    page.goto(f"{server_url}/?T=20&lang={lang}")
    drawn = helpers.wait_drawn(page, "hidden")
    assert not page.is_visible("#input-panel")  # only for an uploaded network
    path = tmp_path / "model.npz"
    path.write_bytes(adding_lstm_npz())
    page.set_input_files("#weights-file", str(path))
    drawn = helpers.wait_drawn(page, "hidden", drawn)
    page.wait_for_selector("#input-panel", state="visible")
    page.click("#input-panel > summary")  # folded until opened, so the settings keep their room

    x = np.round(np.random.default_rng(1).uniform(-1, 1, (12, 2)), 3)
    page.fill("#input-text", "\n".join(f"{a}, {b}" for a, b in x))
    page.fill("#input-targets-text", "\n".join(str(v) for v in np.round(x.sum(axis=1), 3)))
    page.click("#input-use")
    helpers.wait_drawn(page, "hidden", drawn)
    page.wait_for_function("() => new URLSearchParams(location.search).has('input')")
    page.wait_for_function("() => document.getElementById('input-status').textContent.includes('12')")
    inputs = page.evaluate("() => (document.getElementById('chart-hidden').data || [])[0].x.length")
    assert inputs == 12  # the charts run over your 12 steps
    shots(page, helpers, f"numbers-{lang}")

    page.fill("#input-text", "0.5, 1\n0.2, oops\n")
    page.fill("#input-targets-text", "")
    page.click("#input-use")
    page.wait_for_function(
        "() => document.getElementById('input-status').textContent.includes(\"line 2, column 2: 'oops'\")"
    )
    page.locator("#input-status").scroll_into_view_if_needed()
    shots(page, helpers, f"numbers-bad-{lang}")

    page.click("#weights-clear")  # the numbers were the upload's: both go
    page.wait_for_function("() => !new URLSearchParams(location.search).has('input')")
    page.wait_for_selector("#input-panel", state="hidden")
