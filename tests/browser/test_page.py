"""The page in a real Chromium against a real server: what a student and a teacher see and do.

Every test runs on a guarded page (see conftest.py): no request may leave 127.0.0.1 and no console error
may appear, or the test fails. Chart values are read from the Plotly graph divs, where each trace carries
`meta = {"cell": kind, "field": name of the API array it draws}`.
"""

import re
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

pytestmark = pytest.mark.browser

# Small sizes keep every request fast on a busy 2-core machine; the views are the same at any size.
SMALL = "cells=rnn&cells=lstm&T=30&H=16&seed=3"


def chart_traces(page, view: str) -> list[dict]:
    """The traces Plotly holds for a chart: meta, x and y (and z for heatmaps)."""
    return page.evaluate(
        """(id) => (document.getElementById(id).data || []).map((t) =>
             ({meta: t.meta || null, name: t.name, x: t.x, y: t.y, z: t.z || null}))""",
        f"chart-{view}",
    )


def series(page, view: str, cell: str, field: str) -> list:
    found = [t for t in chart_traces(page, view) if t["meta"] == {"cell": cell, "field": field}]
    assert len(found) == 1, f"expected one {cell} {field} trace on {view}, got {len(found)}"
    return found[0]["y"]


def api_trace(server_url: str, query: str) -> dict:
    r = httpx.get(f"{server_url}/api/trace?{query}", timeout=30)
    assert r.status_code == 200, r.text
    return r.json()


def wait_series(page, view: str, cell: str, field: str, expected: list) -> None:
    """Wait until a chart shows exactly `expected` for one cell's series (a redraw may still be on its way)."""
    page.wait_for_function(
        """([id, cell, field, want]) => (document.getElementById(id).data || []).some((t) =>
             t.meta && t.meta.cell === cell && t.meta.field === field &&
             t.y.length === want.length && t.y.every((v, i) => v === want[i]))""",
        arg=[f"chart-{view}", cell, field, expected],
    )


def open_page(page, server_url, helpers, query: str = SMALL) -> None:
    page.goto(f"{server_url}/?{query}")
    helpers.wait_drawn(page, "flow")


def test_page_loads_every_view_with_no_error_and_no_external_request(page, server_url, helpers):
    open_page(page, server_url, helpers, "")
    for view in ("flow", "curves", "training", "contrib", "jacobian", "hidden", "gates", "connectivity"):
        helpers.wait_drawn(page, view)
    assert page.title() == "Gradient Flow Lab"
    # The controls were built from the meta endpoint: the T box shows the task's default, its bounds are the API's.
    meta = httpx.get(f"{server_url}/api/meta").json()
    assert page.input_value("#ctl-H") == str(meta["parameters"]["trace"]["H"]["default"])
    assert page.get_attribute("#ctl-H", "max") == str(meta["parameters"]["trace"]["H"]["maximum"])
    helpers.screenshot(page, "default")


def test_headline_rnn_and_lstm_values_equal_the_api_for_the_same_url(page, server_url, helpers):
    open_page(page, server_url, helpers)
    trace = api_trace(server_url, SMALL)
    for cell in ("rnn", "lstm"):
        assert (
            series(page, "flow", cell, "grad_hidden_norm") == trace["cells"][cell]["grad_hidden_norm"]["data"]
        )
    assert series(page, "flow", "lstm", "grad_cell_norm") == trace["cells"]["lstm"]["grad_cell_norm"]["data"]
    assert (
        series(page, "flow", "rnn", "grad_hidden_bound") == trace["cells"]["rnn"]["grad_hidden_bound"]["data"]
    )
    assert not [
        t for t in chart_traces(page, "flow") if t["meta"] == {"cell": "lstm", "field": "grad_hidden_bound"}
    ]
    # The readout shows W_hh's spectral radius and largest singular value from the same response.
    readout = page.text_content("#readout-flow")
    assert "ρ = 1" in readout and f"{trace['cells']['rnn']['sigma_max']:.3g}"[:3] in readout


@pytest.mark.parametrize(
    "query",
    [
        "cells=rnn&cells=lstm&task=sine&T=40&H=16&seed=3&spectral_radius=1.2",  # loss on every step
        "cells=rnn&cells=lstm&task=sine&T=40&H=16&seed=3&spectral_radius=1.2&truncate=15&activation=relu",
    ],
    ids=["loss-on-all", "truncated-relu"],
)
def test_headline_draws_the_rnn_bound_for_every_loss_on(page, server_url, helpers, query):
    open_page(page, server_url, helpers, query)
    trace = api_trace(server_url, query)
    assert trace["config"]["loss_on"] == "all"
    bound = series(page, "flow", "rnn", "grad_hidden_bound")
    assert bound == trace["cells"]["rnn"]["grad_hidden_bound"]["data"]
    grad = series(page, "flow", "rnn", "grad_hidden_norm")
    assert all(b >= g for b, g in zip(bound, grad, strict=True))
    helpers.screenshot(page, f"bound-{'truncated' if 'truncate' in query else 'all'}")


def test_spectral_radius_slider_changes_the_rnn_curve_only(page, server_url, helpers):
    open_page(page, server_url, helpers)
    rnn_before = series(page, "flow", "rnn", "grad_hidden_norm")
    lstm_before = series(page, "flow", "lstm", "grad_hidden_norm")
    page.focus("#ctl-spectral_radius-range")  # keyboard reachable: arrows move the slider
    for _ in range(5):
        page.keyboard.press("ArrowRight")
    radius = page.input_value("#ctl-spectral_radius")  # five steps of 0.01 (test_controls.py)
    assert float(radius) > 1.0
    # the URL takes the value once the server has answered for it
    page.wait_for_function(
        "(r) => new URL(location.href).searchParams.get('spectral_radius') === r", arg=radius
    )
    # Several moves may be coalesced into fewer requests; wait for the drawing of the last value.
    expected = api_trace(server_url, f"{SMALL}&spectral_radius={radius}")
    wait_series(page, "flow", "rnn", "grad_hidden_norm", expected["cells"]["rnn"]["grad_hidden_norm"]["data"])
    assert series(page, "flow", "rnn", "grad_hidden_norm") != rnn_before
    assert series(page, "flow", "lstm", "grad_hidden_norm") == lstm_before
    assert f"ρ = {radius}" in page.text_content("#readout-flow")


def test_train_streams_snapshots_the_loss_chart_grows_and_pause_stops_it(page, server_url, helpers):
    # Long enough (up to 8 s of computing) that the stream is still running when the test pauses; reset then
    # ends it on the server.
    open_page(page, server_url, helpers, f"{SMALL}&steps=3000&seconds=8&snapshot_every=5&test_size=64")
    curve_length = "() => (document.getElementById('chart-curves').data || [])[0]?.x?.length || 0"
    received = "() => Number(document.getElementById('train-progress').dataset.received || 0)"
    page.click("#train-play")
    assert page.get_attribute("#train-play", "aria-pressed") == "true"
    page.wait_for_function(f"() => ({curve_length})() >= 3")
    first = page.evaluate(curve_length)
    page.wait_for_function(f"(n) => ({curve_length})() > n", arg=first)
    page.click("#train-play")  # pause
    assert page.get_attribute("#train-play", "aria-pressed") == "false"
    # What the charts show is fixed at the pause; a draw already queued may still bring them up to it.
    paused = int(page.get_attribute("#train-progress", "data-shown"))
    page.wait_for_function(f"(n) => ({curve_length})() === n", arg=paused)
    arrived = page.evaluate(received)
    page.wait_for_function(f"(n) => ({received})() > n + 2", arg=arrived)  # snapshots keep arriving…
    assert page.evaluate(curve_length) == paused  # …but the charts stay where they were paused
    # The headline follows the run, and the gradient-over-training heatmap has one row per snapshot shown.
    assert "training" in page.text_content("#chart-flow .gtitle")
    # and so does the RNN's bound, from the snapshot shown (W_hh moves as it learns)
    drawn = {t["meta"]["field"]: t["y"] for t in chart_traces(page, "flow") if t["meta"]["cell"] == "rnn"}
    assert len(drawn["grad_hidden_bound"]) == 30
    assert all(b >= g for b, g in zip(drawn["grad_hidden_bound"], drawn["grad_hidden_norm"], strict=True))
    page.wait_for_function(
        "(n) => (document.getElementById('chart-training').data || [])[0]?.z?.length === n", arg=paused
    )
    helpers.screenshot(page, "training-paused")
    # Step shows exactly one more snapshot; reset forgets the run.
    page.click("#train-step")
    page.wait_for_function(f"(n) => ({curve_length})() === n + 1", arg=paused)
    page.click("#train-reset")
    page.wait_for_function(f"() => ({curve_length})() === 0")
    assert page.get_attribute("#train-progress", "data-status") == "idle"


def test_out_of_bounds_value_shows_the_api_message_next_to_its_control(page, guard, server_url, helpers):
    guard.expect("status of 422")
    open_page(page, server_url, helpers)
    page.fill("#ctl-H", "5000")
    page.press("#ctl-H", "Enter")
    expected = httpx.post(f"{server_url}/api/trace", json={"H": 5000}).json()["message"]
    page.wait_for_function("() => document.getElementById('err-H').textContent !== ''")
    assert page.text_content("#err-H") == expected
    assert page.get_attribute("#ctl-H", "aria-invalid") == "true"
    assert "H=5000" not in page.url  # only what the server accepted enters the URL (test_controls.py)
    page.fill("#ctl-H", "12")
    page.press("#ctl-H", "Enter")
    page.wait_for_function("() => document.getElementById('err-H').textContent === ''")
    assert page.get_attribute("#ctl-H", "aria-invalid") is None


def test_a_shared_url_reopens_the_same_state(page, context, server_url, helpers):
    open_page(page, server_url, helpers)
    page.check("#ctl-cells-gru")
    page.fill("#ctl-forget_bias", "0")
    page.press("#ctl-forget_bias", "Enter")
    page.select_option("#ctl-activation", "relu")
    page.wait_for_function("() => location.search.includes('activation=relu')")
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.click("#share-btn")
    page.wait_for_function("() => document.getElementById('share-status').textContent !== ''")
    shared = page.evaluate("navigator.clipboard.readText()")
    assert shared == page.url
    query = parse_qs(urlsplit(shared).query)
    assert query["cells"] == ["rnn", "lstm", "gru"] and query["forget_bias"] == ["0"]
    expected = api_trace(server_url, urlsplit(shared).query)

    other = context.new_page()
    other.on("console", lambda m: m.type == "error" and pytest.fail(m.text))
    other.goto(shared)
    assert other.is_checked("#ctl-cells-gru") and other.input_value("#ctl-forget_bias") == "0"
    assert other.input_value("#ctl-activation") == "relu"
    for pg in (page, other):
        for cell in ("rnn", "lstm", "gru"):
            wait_series(
                pg, "flow", cell, "grad_hidden_norm", expected["cells"][cell]["grad_hidden_norm"]["data"]
            )
    other.close()


def test_an_exploding_configuration_shows_the_banner_not_a_blank_chart(page, server_url, helpers):
    query = "cells=rnn&cells=lstm&T=200&H=32&spectral_radius=20&activation=relu"
    open_page(page, server_url, helpers, query)
    trace = api_trace(server_url, query)
    rnn = trace["cells"]["rnn"]
    assert rnn["overflow"] and rnn["first_nonfinite_forward"] == 199  # the loss at the last step overflows…
    step = rnn["first_nonfinite_backward"] + 1  # …and, going back, the gradient becomes infinite here
    assert step < 150
    page.wait_for_selector("#banner:not([hidden])")
    assert f"gradients exploded at step {step}:" in page.text_content("#banner-text")
    rnn = series(page, "flow", "rnn", "grad_hidden_norm")
    assert rnn == trace["cells"]["rnn"]["grad_hidden_norm"]["data"]
    assert any(v is not None for v in rnn)  # the finite part is drawn
    assert "RNN overflow" in page.text_content("#chart-flow")  # and where it stopped is marked
    helpers.screenshot(page, "exploding")


def test_a_forward_only_overflow_says_so_in_the_banner(page, server_url, helpers):
    # Truncated every 5 steps, the gradient never travels far enough back to explode; the loss still overflows
    query = "cells=rnn&cells=lstm&T=200&H=32&spectral_radius=20&activation=relu&truncate=5"
    open_page(page, server_url, helpers, query)
    rnn = api_trace(server_url, query)["cells"]["rnn"]
    assert rnn["overflow"] and rnn["first_nonfinite_backward"] is None
    page.wait_for_selector("#banner:not([hidden])")
    text = page.text_content("#banner-text")
    assert f"RNN: the forward pass overflowed at step {rnn['first_nonfinite_forward'] + 1} " in text
    assert "gradients exploded" not in text
    assert series(page, "flow", "rnn", "grad_hidden_norm") == rnn["grad_hidden_norm"]["data"]


def test_gradients_verified_badge_shows_the_worst_relative_error(page, server_url, helpers):
    open_page(page, server_url, helpers)
    page.wait_for_selector("#verify-badge[data-state='ok']", timeout=30_000)
    text = page.text_content("#verify-badge")
    check = httpx.get(f"{server_url}/api/gradcheck?{SMALL}", timeout=30).json()
    shown = float(re.search(r"error ([0-9.e+-]+)", text).group(1))
    assert shown == pytest.approx(check["worst_relative_error"], rel=0.06)
    assert "Gradients verified" in text


def test_badge_says_why_a_regime_is_not_checkable_in_both_languages(page, server_url, helpers):
    """An exploding relu RNN overflows in the forward pass: the badge says so, neither red nor "failed"."""
    query = "cells=rnn&T=500&H=16&spectral_radius=20&activation=relu&seed=3"
    open_page(page, server_url, helpers, query)
    page.wait_for_selector("#verify-badge[data-state='uncheckable']", timeout=30_000)
    check = httpx.get(f"{server_url}/api/gradcheck?{query}", timeout=30).json()
    assert check["status"] == "uncheckable" and check["reason"]["code"] == "forward_overflow"
    step = check["reason"]["step"] + 1  # the page counts steps from 1
    text = page.text_content("#verify-badge")
    assert text == f"RNN: gradients not checkable here, because the forward pass overflowed at step {step}"
    assert "failed" not in text
    page.click("#lang-btn")
    page.wait_for_function("() => document.documentElement.lang === 'ko'")
    page.wait_for_selector("#verify-badge[data-state='uncheckable']", timeout=30_000)
    page.wait_for_function(
        "(step) => document.getElementById('verify-badge').textContent.includes(`${step}단계`)", arg=step
    )
    assert "때문에 여기서는 기울기를 검사할 수 없음" in page.text_content("#verify-badge")


def test_korean_from_the_url_and_the_toggle(page, server_url, helpers):
    open_page(page, server_url, helpers, f"{SMALL}&lang=ko")
    assert page.get_attribute("html", "lang") == "ko"
    assert page.title() == "기울기 흐름 실험실"
    assert "기울기 흐름" in page.text_content("#chart-flow .gtitle")
    helpers.screenshot(page, "korean")
    page.click("#lang-btn")
    page.wait_for_function("() => document.documentElement.lang === 'en'")
    assert "lang=en" in page.url
    helpers.wait_drawn(page, "flow", int(page.get_attribute("#chart-flow", "data-draws")) - 1)
    page.wait_for_function(
        "() => document.querySelector('#chart-flow .gtitle').textContent.startsWith('Gradient')"
    )


def test_korean_browser_gets_korean_by_default(ko_page, server_url, helpers):
    ko_page.goto(f"{server_url}/?{SMALL}")
    helpers.wait_drawn(ko_page, "flow")
    assert ko_page.get_attribute("html", "lang") == "ko"


def test_phone_width_stacks_the_charts_and_focus_is_visible(page, server_url, helpers):
    page.set_viewport_size({"width": 390, "height": 844})
    open_page(page, server_url, helpers)
    flow = page.locator("#card-flow").bounding_box()
    curves = page.locator("#card-curves").bounding_box()
    assert curves["y"] >= flow["y"] + flow["height"] and abs(curves["x"] - flow["x"]) < 1
    assert flow["width"] <= 390
    # The settings are folded, so the headline chart is on the phone's first screen.
    assert page.evaluate("document.getElementById('settings').open") is False
    helpers.screenshot(page, "phone")
    page.keyboard.press("Tab")  # the skip link, then the top bar's buttons
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"
