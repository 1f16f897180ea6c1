"""page_speed: how fast the page answers, in headless Chromium against a real uvicorn on 127.0.0.1.

- load: from navigation start to the headline chart drawn (the page's `gradflow:drawn:flow` performance
  mark, set when Plotly.react has resolved), default URL, each run in a fresh browser context so nothing is
  in the HTTP cache ("cold" for the browser). The first run also meets a cold server (no cached trace); it is
  reported on its own, and the median is over the runs after it. The milestones say where the time goes:
  Plotly.js (the cartesian bundle, 1.5 MB) received and evaluated, the trace received, the chart drawn.
- slider: from a spectral-radius slider `input` event to the headline chart redrawn with the answer, default
  preset, each value new to the server (so every redraw includes computing the trace), median over moves.
  The page sends at most one trace request at a time; moves are made one after another, not piled up.

Targets (issue 6): load < 1500 ms, slider < 300 ms. Needs the `playwright` package and a Chromium.
"""

import statistics
import time

from app.bench import progress
from app.bench.api_latency import serve
from app.bench.browser import launch_chromium

TARGET_LOAD_MS = 1500.0
TARGET_SLIDER_MS = 300.0

# One slider move measured inside the page: set the value, fire `input` as a drag does, and resolve when the
# headline chart's draw counter moves (main.js counts a draw once Plotly.react has resolved).
_MOVE = """async (value) => {
  const slider = document.getElementById("ctl-spectral_radius-range");
  const chart = document.getElementById("chart-flow");
  const before = Number(chart.dataset.draws);
  const drawn = new Promise((resolve) => {
    const watch = new MutationObserver(() => {
      if (Number(chart.dataset.draws) > before) { watch.disconnect(); resolve(performance.now()); }
    });
    watch.observe(chart, { attributes: true, attributeFilter: ["data-draws"] });
  });
  const t0 = performance.now();
  slider.value = value;
  slider.dispatchEvent(new Event("input", { bubbles: true }));
  return (await drawn) - t0;
}"""

_DRAWN = "() => Number(document.getElementById('chart-flow')?.dataset.draws || 0) > 0"
# Milestones of one load, in ms from navigation start: Plotly's file received, Plotly evaluated (deferred
# scripts run before DOMContentLoaded), the trace received, the headline drawn.
_MILESTONES = """() => {
  const resource = (part) => performance.getEntriesByType("resource").find((e) => e.name.includes(part));
  return {
    plotly_received: resource("/vendor/plotly-").responseEnd,
    plotly_evaluated: performance.getEntriesByType("navigation")[0].domContentLoadedEventStart,
    trace_received: resource("/api/trace").responseEnd,
    drawn: performance.getEntriesByName("gradflow:drawn:flow")[0].startTime,
  };
}"""
_IDLE = "() => document.querySelectorAll('.chart[data-status=loading]').length === 0"


def _load(browser, url: str) -> dict[str, float]:
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    try:
        page = context.new_page()
        page.goto(url)
        page.wait_for_function(_DRAWN, timeout=60_000)
        page.wait_for_load_state("domcontentloaded")
        return page.evaluate(_MILESTONES)
    finally:
        context.close()


def _slider_ms(browser, url: str, moves: int) -> list[float]:
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    try:
        page = context.new_page()
        page.goto(url)
        page.wait_for_function(_DRAWN, timeout=60_000)
        times = []
        for i in range(moves):
            page.wait_for_function(_IDLE, timeout=60_000)
            page.wait_for_timeout(200)  # let the other views finish, as a person pausing between moves
            times.append(page.evaluate(_MOVE, f"{0.5 + 0.05 * i:.2f}"))
        return times
    finally:
        context.close()


def run(quick: bool) -> dict:
    from playwright.sync_api import sync_playwright

    loads = 4 if quick else 8
    moves = 6 if quick else 15
    with serve() as url, sync_playwright() as p:
        browser = launch_chromium(p)
        if browser is None:
            raise RuntimeError("no Chromium found: set GRADFLOW_CHROMIUM to a Chromium or Chrome executable")
        try:
            progress(f"page_speed: {loads} cold loads of {url}/")
            t0 = time.perf_counter()
            load = [_load(browser, f"{url}/") for _ in range(loads)]
            progress(f"page_speed: {moves} slider moves ({time.perf_counter() - t0:.1f} s so far)")
            slider = _slider_ms(browser, f"{url}/", moves)
        finally:
            browser.close()
    load_ms = statistics.median(run["drawn"] for run in load[1:])
    slider_ms = statistics.median(slider)
    return {
        "load_first_ms": round(load[0]["drawn"], 1),
        "load_median_ms": round(load_ms, 1),
        "load_runs_ms": [round(run["drawn"], 1) for run in load],
        # where the time of a load goes (medians over the runs after the first, ms from navigation start)
        "load_milestones_ms": {
            key: round(statistics.median(run[key] for run in load[1:]), 1) for key in load[0]
        },
        "slider_median_ms": round(slider_ms, 1),
        "slider_max_ms": round(max(slider), 1),
        "slider_runs": len(slider),
        "targets_ms": {"load": TARGET_LOAD_MS, "slider": TARGET_SLIDER_MS},
        "meets_targets": load_ms < TARGET_LOAD_MS and slider_ms < TARGET_SLIDER_MS,
    }
