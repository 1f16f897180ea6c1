// Drawing into the page's chart elements with Plotly.react (which updates a chart in place instead of
// rebuilding it). Views are marked stale and drawn one per task in page order, headline first, so the
// page answers input between two charts; a view marked stale again while it waits is drawn once, from the
// newest data (the figure is built just before its turn).

import { PLOTLY_CONFIG } from "./charts/common.js";

// Plotly's script is deferred and may still be loading when the page's modules start (see index.html).
export const plotlyReady = window.Plotly
  ? Promise.resolve()
  : new Promise((resolve, reject) => {
      const script = document.getElementById("plotly-js");
      script.addEventListener("load", resolve);
      script.addEventListener("error", () => reject(new Error(`could not load ${script.src}`)));
    });

const stale = new Set();
let figureOf = null;
let pumping = false;

function chartOf(view) {
  return document.getElementById(`chart-${view}`);
}

const sized = new WeakSet();
const resizer = new ResizeObserver((entries) => {
  for (const { target } of entries) if (target.isConnected && target.offsetParent) window.Plotly.Plots.resize(target);
});

/**
 * Redraw a chart whenever its box changes size, not only when the window does (Plotly's own `responsive`):
 * a readout that wraps onto another line, or a lesson scene beside it, changes the chart's share of the screen.
 */
export function followSize(div) {
  if (sized.has(div)) return;
  sized.add(div);
  resizer.observe(div);
}

async function drawOne(view, figure) {
  const div = chartOf(view);
  if (!div) return;
  await window.Plotly.react(div, figure.data, figure.layout, PLOTLY_CONFIG);
  followSize(div);
  div.dataset.status = "ready";
  div.dataset.draws = String(Number(div.dataset.draws || 0) + 1);
  performance.mark(`gradflow:drawn:${view}`);
}

const nextTask = () => new Promise((resolve) => setTimeout(resolve, 0));

async function pump() {
  pumping = true;
  try {
    await plotlyReady;
    while (stale.size) {
      // One round draws every view stale at its start, once, in page order: a view that keeps changing
      // (the headline during training) cannot starve the others.
      const order = [...document.querySelectorAll(".chart[id^='chart-']")].map((div) => div.id.slice(6));
      const round = order.filter((view) => stale.has(view));
      for (const view of stale) if (!order.includes(view)) stale.delete(view); // no element to draw into
      for (const view of round) {
        stale.delete(view);
        await drawOne(view, figureOf(view));
        await nextTask();
      }
    }
  } finally {
    pumping = false;
  }
}

/** Redraw `views` from `figure(view)` → {data, layout}, soon and in page order. */
export function redraw(views, figure) {
  figureOf = figure;
  for (const view of views) stale.add(view);
  if (!pumping) pump();
}

/** Dim views whose data is being fetched, or show them as ready. */
export function setLoading(views, loading) {
  for (const view of views) {
    const div = chartOf(view);
    if (div) div.dataset.status = loading ? "loading" : "ready";
  }
}

/** Plotly's own PNG export of one chart, at twice the on-screen resolution. */
export function downloadPng(view, filename) {
  const div = chartOf(view);
  return window.Plotly.downloadImage(div, {
    format: "png",
    filename,
    width: div.clientWidth,
    height: div.clientHeight,
    scale: 2,
  });
}
