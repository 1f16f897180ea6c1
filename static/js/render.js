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

/** CRC-32 of bytes (PNG chunks carry one; the table is the standard polynomial's). */
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** The PNG `png` (bytes) with a tEXt chunk `keyword`: `text` (ASCII) right after its header chunk. */
export function withPngText(png, keyword, text) {
  const body = new TextEncoder().encode(`${keyword}\0${text}`);
  const chunk = new Uint8Array(12 + body.length);
  const view = new DataView(chunk.buffer);
  view.setUint32(0, body.length);
  chunk.set(new TextEncoder().encode("tEXt"), 4);
  chunk.set(body, 8);
  view.setUint32(8 + body.length, crc32(chunk.subarray(4, 8 + body.length)));
  const end = 8 + 25; // the signature, then IHDR: length, type, 13 bytes, CRC
  return new Uint8Array([...png.subarray(0, end), ...chunk, ...png.subarray(end)]);
}

/**
 * One chart as a PNG at twice the on-screen resolution, with the settings that made it: `caption` drawn on a
 * line under the chart, and `link` (the page's URL, which reopens the view) in the file's tEXt "Comment".
 */
export async function downloadPng(view, filename, { caption, link }) {
  const div = chartOf(view);
  const scale = 2;
  const url = await window.Plotly.toImage(div, { format: "png", width: div.clientWidth, height: div.clientHeight, scale });
  const image = new Image();
  await new Promise((resolve, reject) => {
    image.onload = resolve;
    image.onerror = reject;
    image.src = url;
  });
  const size = 13 * scale;
  const canvas = document.createElement("canvas");
  canvas.width = image.width;
  canvas.height = image.height + size * 2;
  const g = canvas.getContext("2d");
  g.fillStyle = "#ffffff";
  g.fillRect(0, 0, canvas.width, canvas.height);
  g.drawImage(image, 0, 0);
  g.fillStyle = "#1d2430";
  g.font = `${size}px ${getComputedStyle(document.body).fontFamily}`;
  g.textBaseline = "middle";
  g.fillText(caption, size * 0.6, image.height + size, canvas.width - size * 1.2);
  const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/png"));
  const png = withPngText(new Uint8Array(await blob.arrayBuffer()), "Comment", link);
  const a = Object.assign(document.createElement("a"), { href: URL.createObjectURL(new Blob([png], { type: "image/png" })), download: `${filename}.png` });
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}
