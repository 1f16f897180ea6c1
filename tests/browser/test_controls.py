"""The controls as a hand uses them, in a real Chromium against a real server: every slider's range is one the
API accepts (from GET /api/meta), slider and number box show the same value whichever is moved, the spectral
radius has a rung every 0.01 around 1, only values the server accepted enter the URL, and the training control
goes idle → running → finished, → failed, and back to idle on reset, saying so in words.

One page per test; the settings are small so that every request is quick on a busy machine.
"""

import base64
import re
import struct
import zlib
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from app.web.schemas import GradcheckConfig, TraceConfig, TrainConfig

pytestmark = pytest.mark.browser

SMALL = "cells=rnn&cells=lstm&T=30&H=16&seed=3"
# One cell, one example, short sequences: every slider's extreme is within the server's work budget here (the
# budget bounds products such as T × H², which no single slider can know).
TINY = "cells=rnn&T=10&H=8&batch=1&seed=3"


def query(page) -> dict:
    return parse_qs(urlsplit(page.url).query)


def field_errors(page) -> dict:
    return page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll('.field-error')]
             .filter((e) => e.textContent).map((e) => [e.id.slice(4), e.textContent]))"""
    )


def settle(page, draws_before: int) -> None:
    """Wait until the trace asked for after a change has been drawn, or refused with a message."""
    page.wait_for_function(
        """(n) => Number(document.getElementById('chart-flow').dataset.draws) > n
                  || [...document.querySelectorAll('.field-error')].some((e) => e.textContent)
                  || !document.getElementById('banner').hidden""",
        arg=draws_before,
    )
    page.wait_for_function("() => document.getElementById('run-status').textContent === ''")


def draws(page) -> int:
    return int(page.get_attribute("#chart-flow", "data-draws"))


def set_slider(page, key: str, end: str) -> str:
    """Put the slider of `key` at its lowest or highest position, as a drag would; returns the box's value."""
    return page.evaluate(
        """([key, end]) => {
             const s = document.getElementById(`ctl-${key}-range`);
             s.value = end === 'max' ? s.max : s.min;
             s.dispatchEvent(new Event('input', {bubbles: true}));
             s.dispatchEvent(new Event('change', {bubbles: true}));
             return document.getElementById(`ctl-${key}`).value; }""",
        [key, end],
    )


def test_every_slider_reaches_only_values_the_api_accepts(page, server_url, helpers):
    """Each slider at both ends gives a value the API takes: the trace's fields asked of /api/trace itself
    (its work budget included), the training and gradient-check fields of the server's own request schemas."""
    meta = httpx.get(f"{server_url}/api/meta", timeout=10).json()
    page.goto(f"{server_url}/?{TINY}")
    helpers.wait_drawn(page, "flow")
    keys = page.eval_on_selector_all(
        ".controls .field[data-key] input[type=range]",
        "els => els.filter((e) => !e.hidden && !e.disabled && e.offsetParent).map((e) => e.id.slice(4, -6))",
    )
    assert {"T", "H", "spectral_radius", "forget_bias", "lr", "steps"} <= set(keys)
    base = dict(parse_qs(TINY))
    schemas = {"trace": TraceConfig, "train": TrainConfig, "gradcheck": GradcheckConfig}
    checked = 0
    for key in keys:
        row = page.evaluate(
            "(key) => { const r = document.getElementById(`ctl-${key}`); return [r.min, r.max]; }", key
        )
        endpoint, name = next(
            (e, key.removeprefix(f"{e}_"))
            for e in meta["parameters"]
            if key.removeprefix(f"{e}_") in meta["parameters"][e]
        )
        for end in ("max", "min"):
            value = float(set_slider(page, key, end))
            assert value == float(row[1] if end == "max" else row[0]), (
                f"{key}'s slider stops short of its {end}"
            )
            value = int(value) if meta["parameters"][endpoint][name]["type"] == "integer" else value
            query = {**base, name: [str(value)]}
            if endpoint == "trace":
                answer = httpx.get(f"{server_url}/api/trace", params=query, timeout=30)
                assert answer.status_code == 200, (
                    f"{key} = {value} from its slider: {answer.json()['message']}"
                )
            else:
                schemas[endpoint].model_validate(
                    {**{k: v[-1] for k, v in base.items() if k != "cells"}, name: value}
                )
            checked += 1
    assert checked == 2 * len(keys)
    # The trace endpoint takes T up to 500, the adding task up to 1000: the slider stops at 500.
    assert page.get_attribute("#ctl-T", "max") == "500"


def test_slider_and_number_box_always_show_the_same_value(page, server_url, helpers):
    page.goto(f"{server_url}/?{SMALL}")
    helpers.wait_drawn(page, "flow")
    # Typing moves the slider at once; Enter sends it, and the URL takes it once the server has answered.
    page.fill("#ctl-T", "200")
    assert page.input_value("#ctl-T-range") == "200"
    before = draws(page)
    page.press("#ctl-T", "Enter")
    settle(page, before)
    assert query(page)["T"] == ["200"]
    # The slider moves the box.
    page.focus("#ctl-H-range")
    before = draws(page)
    page.keyboard.press("ArrowRight")
    assert page.input_value("#ctl-H") == "17"
    settle(page, before)
    assert query(page)["H"] == ["17"]
    # The spectral radius: keyboard steps of 0.01 around 1, and 0.8…1.2 spans forty rungs of the slider.
    positions = {}
    for rho in ("0.8", "1.2", "1.1"):
        page.fill("#ctl-spectral_radius", rho)
        positions[rho] = int(page.input_value("#ctl-spectral_radius-range"))
    assert positions["1.2"] - positions["0.8"] == 40
    before = draws(page)
    page.press("#ctl-spectral_radius", "Enter")
    settle(page, before)
    page.focus("#ctl-spectral_radius-range")
    page.keyboard.press("ArrowRight")
    assert page.input_value("#ctl-spectral_radius") == "1.11"
    for _ in range(12):
        page.keyboard.press("ArrowLeft")
    assert page.input_value("#ctl-spectral_radius") == "0.99"
    before = draws(page)
    page.keyboard.press("End")
    assert page.input_value("#ctl-spectral_radius") == "20"  # the API's maximum
    settle(page, before)


def test_only_values_the_server_accepted_enter_the_url(page, guard, server_url, helpers):
    guard.expect("status of 422")
    meta = httpx.get(f"{server_url}/api/meta", timeout=10).json()
    page.goto(f"{server_url}/?{SMALL}")
    helpers.wait_drawn(page, "flow")
    page.fill("#ctl-H", "5000")
    page.press("#ctl-H", "Enter")
    page.wait_for_function("() => document.getElementById('err-H').textContent !== ''")
    expected = httpx.post(f"{server_url}/api/trace", json={"H": 5000}, timeout=10).json()["message"]
    assert page.text_content("#err-H") == expected
    assert page.input_value("#ctl-H") == "5000"  # the box keeps what was typed, beside the message
    assert query(page)["H"] == ["16"]  # the link still opens the last view the server drew
    page.fill("#ctl-H", "12")
    before = draws(page)
    page.press("#ctl-H", "Enter")
    settle(page, before)
    assert query(page)["H"] == ["12"] and field_errors(page) == {}
    # A shared link reopens exactly that view.
    link = page.url
    page.goto(link)
    helpers.wait_drawn(page, "flow")
    assert page.input_value("#ctl-H") == "12" and page.input_value("#ctl-T") == "30"
    # A lesson scene's link names its preset and nothing the preset already says (no empty values).
    for n in (10, 11):
        page.goto(f"{server_url}/?lesson={n}")
        page.wait_for_function(
            "(n) => document.getElementById('lesson-panel').dataset.ready === 'true'"
            " && document.getElementById('lesson-panel').dataset.scene === String(n)",
            arg=n,
        )
        assert "=&" not in page.url + "&" and not page.url.endswith("="), page.url
        assert set(query(page)) == {"lesson", "preset"}, page.url
        # the preset's description is on the screen, not only in a tooltip
        preset = next(p for p in meta["presets"] if p["name"] == query(page)["preset"][0])
        assert page.is_visible("#help-preset")
        # with the numbers its words quote ({name}, the preset's quantities) filled in from the trace
        words = preset["description"][page.get_attribute("html", "lang")]
        pattern = re.escape(words)
        for name in preset["quantities"]:
            pattern = pattern.replace(re.escape("{" + name + "}"), r"-?[0-9][0-9.,e+\-]*")
        page.wait_for_function("() => !document.getElementById('help-preset').textContent.includes('…')")
        assert re.fullmatch(pattern, page.text_content("#help-preset")), page.text_content("#help-preset")


def train_state(page) -> str:
    return page.get_attribute("#train-play", "data-state")


def test_training_control_through_finish_failure_and_reset(page, guard, server_url, helpers):
    guard.expect("status of 422")
    page.goto(f"{server_url}/?{SMALL}&steps=20&snapshot_every=5&test_size=64&lang=en")
    helpers.wait_drawn(page, "flow")
    assert train_state(page) == "idle"
    assert page.text_content("#train-play").strip() == "Train"
    assert page.text_content("#train-counter") == "0 / 20"
    # Run, Train and the counter are on the first screen (1280×720), above the settings
    for selector in ("#run-btn", "#train-play", "#train-counter"):
        box = page.locator(selector).bounding_box()
        assert box["y"] + box["height"] <= 720, selector
    # Every button's icon is an inline SVG, never a font glyph.
    assert page.eval_on_selector("#train-play", "b => b.querySelector('svg.icon') !== null")
    page.click("#train-play")
    page.wait_for_function("() => document.getElementById('train-play').dataset.state === 'finished'")
    assert page.text_content("#train-play").strip() == "Train again"
    assert page.get_attribute("#train-play", "aria-pressed") == "false"
    assert page.text_content("#train-status") == "Finished: all 20 iterations done."
    assert page.text_content("#train-counter") == "20 / 20"
    assert page.is_visible("#dl-train-csv")
    # Train again: a new run from the start, to its end.
    page.click("#train-play")
    page.wait_for_function("() => document.getElementById('train-play').dataset.state === 'finished'")
    assert page.get_attribute("#train-progress", "data-received") == "5"  # steps 0, 5, 10, 15, 20
    page.click("#train-reset")
    assert train_state(page) == "idle" and page.text_content("#train-status") == ""
    assert page.text_content("#train-play").strip() == "Train"
    # A run that stops at its time limit says so, as an ending and not as an error.
    page.goto(f"{server_url}/?{SMALL}&steps=5000&seconds=0.5&snapshot_every=50&test_size=64&lang=en")
    helpers.wait_drawn(page, "flow")
    page.click("#train-play")
    page.wait_for_function("() => document.getElementById('train-play').dataset.state === 'finished'")
    status = page.text_content("#train-status")
    assert status.startswith("Finished at its time limit of 0.5 s, after iteration ") and status.endswith(
        " of 5,000."
    )
    # A refused training configuration: failed, with the server's sentence; Reset goes back to idle.
    page.goto(f"{server_url}/?{SMALL}&lr=5&lang=en")
    helpers.wait_drawn(page, "flow")
    assert "lr" not in query(page)  # never accepted, so never in the URL
    page.click("#train-play")
    page.wait_for_function("() => document.getElementById('train-play').dataset.state === 'failed'")
    assert page.text_content("#train-status") == "Training failed: lr must be at most 1 (got 5)"
    assert page.text_content("#train-play").strip() == "Train again"
    page.click("#train-reset")
    assert train_state(page) == "idle"


def png_chunks(data: bytes) -> dict:
    """{type: [payload, …]} of a PNG file's chunks, each checked against its CRC."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, at = {}, 8
    while at < len(data):
        length = struct.unpack(">I", data[at : at + 4])[0]
        kind, body = data[at + 4 : at + 8], data[at + 8 : at + 8 + length]
        assert struct.unpack(">I", data[at + 8 + length : at + 12 + length])[0] == zlib.crc32(kind + body)
        chunks.setdefault(kind.decode(), []).append(body)
        at += 12 + length
    return chunks


def test_png_download_carries_its_settings(page, server_url, helpers):
    page.goto(f"{server_url}/?{SMALL}&lang=en")
    helpers.wait_drawn(page, "flow")
    with page.expect_download() as download:
        page.click("[data-download='png'][data-view='flow']")
    data = Path(download.value.path()).read_bytes()
    assert download.value.suggested_filename == "gradflow-flow.png"
    chunks = png_chunks(data)
    assert chunks["tEXt"] == [b"Comment\0" + page.url.encode()]  # the link that reopens this view
    width, height = struct.unpack(">II", chunks["IHDR"][0][:8])
    box = page.evaluate(
        "() => { const d = document.getElementById('chart-flow'); return [d.clientWidth, d.clientHeight]; }"
    )
    assert (width, height) == (2 * box[0], 2 * box[1] + 52)  # the chart at twice its size, and a caption line
    # The caption line holds drawn text (dark pixels), under a chart that ends above it.
    inked = page.evaluate(
        """async ([b64, top]) => {
             const img = new Image(); img.src = `data:image/png;base64,${b64}`; await img.decode();
             const c = document.createElement('canvas'); c.width = img.width; c.height = img.height;
             const g = c.getContext('2d'); g.drawImage(img, 0, 0);
             const px = g.getImageData(0, top, img.width, img.height - top).data;
             let dark = 0; for (let i = 0; i < px.length; i += 4) if (px[i] < 100) dark++;
             return dark; }""",
        [base64.b64encode(data).decode(), 2 * box[1]],
    )
    assert inked > 200
