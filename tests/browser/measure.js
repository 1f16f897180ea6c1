// What a projector shows, measured in the page as laid out (run with page.evaluate; tests/browser/).
//
// Arguments: {panels, onScreenPanels}: selectors of the panels to check, and of those that must end on screen.
// Returns {text, overflow, overlaps, cut}:
//   text      every visible piece of text on the screen with its rendered size in CSS px: HTML text at its
//             element's computed font size, SVG text (Plotly's charts, the lesson's diagram) at its computed
//             font size times the SVG's scale on screen, MathML at each token's own (script-reduced) size;
//   overflow  panels whose content is taller or wider than the panel (scrollHeight > clientHeight) and
//             elements that stick out of their panel's box;
//   overlaps  pairs of a chart's titles (axis titles, the chart title, panel titles, annotations,
//             colour-bar titles) whose boxes intersect, titles or annotations that cross tick labels, tick
//             labels over each other or turned on their side, and chart text running out of the chart;
//   cut       panels that end below the bottom of the window (a projector cannot scroll).
({ panels, onScreenPanels }) => {
  const screen = { left: 0, top: 0, right: innerWidth, bottom: innerHeight };
  const hiddenByStyle = (el) => {
    for (let e = el; e && e.nodeType === 1; e = e.parentElement) {
      const s = getComputedStyle(e);
      if (s.display === "none" || s.visibility === "hidden" || Number(s.opacity) === 0) return true;
      if (e.classList?.contains("visually-hidden")) return true;
    }
    return false;
  };
  const onScreen = (r) => r.width > 0.5 && r.height > 0.5 && r.right > 0 && r.bottom > 0 && r.left < screen.right && r.top < screen.bottom;
  const describe = (el) => {
    const id = el.closest("[id]")?.id || "";
    return `${el.tagName.toLowerCase()}${el.getAttribute("class") ? "." + el.getAttribute("class").split(" ")[0] : ""} in #${id}`;
  };

  // ---- text sizes ----------------------------------------------------------------------------------------
  const text = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const words = node.textContent.trim();
    if (!words) continue;
    const el = node.parentElement;
    if (!el || ["SCRIPT", "STYLE", "OPTION", "TITLE"].includes(el.tagName)) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const r = range.getBoundingClientRect();
    if (!onScreen(r) || hiddenByStyle(el)) continue;
    let size = parseFloat(getComputedStyle(el).fontSize);
    if (el instanceof SVGElement) {
      const m = el.getScreenCTM();
      if (m) size *= Math.sqrt(Math.abs(m.a * m.d - m.b * m.c));
    }
    text.push({ text: words.slice(0, 40), px: Math.round(size * 10) / 10, where: describe(el) });
  }
  // <select> shows its chosen option's text in the control's own font
  for (const select of document.querySelectorAll("select")) {
    const r = select.getBoundingClientRect();
    if (!onScreen(r) || hiddenByStyle(select)) continue;
    text.push({ text: select.selectedOptions[0]?.textContent.slice(0, 40) || "", px: parseFloat(getComputedStyle(select).fontSize), where: describe(select) });
  }
  // number boxes show their value in their own font
  for (const input of document.querySelectorAll("input[type=number]")) {
    const r = input.getBoundingClientRect();
    if (!onScreen(r) || hiddenByStyle(input)) continue;
    text.push({ text: input.value, px: parseFloat(getComputedStyle(input).fontSize), where: describe(input) });
  }

  /** Is `el` inside an element between it and `panel` that scrolls (overflow auto or scroll)? */
  const scrolledWithin = (el, panel) => {
    for (let e = el.parentElement; e && e !== panel; e = e.parentElement) {
      if (["auto", "scroll"].includes(getComputedStyle(e).overflowY)) return true;
    }
    return false;
  };

  // ---- overflow ----------------------------------------------------------------------------------------------
  const overflow = [];
  const cut = [];
  for (const selector of panels) {
    for (const panel of document.querySelectorAll(selector)) {
      const box = panel.getBoundingClientRect();
      if (!onScreen(box) || hiddenByStyle(panel)) continue;
      if (panel.scrollHeight > panel.clientHeight + 1) overflow.push(`${selector}: content ${panel.scrollHeight} px tall in ${panel.clientHeight} px`);
      if (panel.scrollWidth > panel.clientWidth + 1) overflow.push(`${selector}: content ${panel.scrollWidth} px wide in ${panel.clientWidth} px`);
      if (onScreenPanels.includes(selector) && box.bottom > innerHeight + 0.5) cut.push(`${selector}: ends at ${Math.round(box.bottom)} px of ${innerHeight}`);
      if (box.right > innerWidth + 0.5) cut.push(`${selector}: ends at ${Math.round(box.right)} px of ${innerWidth} wide`);
      for (const child of panel.querySelectorAll("*")) {
        if (child.closest(".js-plotly-plot") && child !== child.closest(".js-plotly-plot")) continue; // Plotly clips its own
        if (child instanceof SVGElement && child.tagName !== "svg") continue;
        if (scrolledWithin(child, panel)) continue; // inside a region meant to scroll (the settings list)
        const r = child.getBoundingClientRect();
        if (!(r.width > 0 && r.height > 0) || hiddenByStyle(child)) continue;
        const out = Math.max(box.left - r.left, r.right - box.right, box.top - r.top, r.bottom - box.bottom);
        if (out > 1) overflow.push(`${describe(child)} sticks out of ${selector} by ${Math.round(out)} px`);
      }
    }
  }

  // ---- overlapping chart titles ----------------------------------------------------------------------------
  const overlaps = [];
  const meet = (a, b) => Math.min(a.right, b.right) - Math.max(a.left, b.left) > 1 && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 1;
  for (const plot of document.querySelectorAll(".js-plotly-plot")) {
    if (!onScreen(plot.getBoundingClientRect()) || hiddenByStyle(plot)) continue;
    const name = plot.id || plot.closest("[id]")?.id;
    const boxes = (selector, kind) =>
      [...plot.querySelectorAll(selector)]
        .filter((e) => e.textContent.trim() && !hiddenByStyle(e))
        .map((e) => ({ kind, text: e.textContent.trim().slice(0, 30), r: e.getBoundingClientRect(), axis: e.closest("[class*='title']")?.getAttribute("class") }))
        .filter((b) => b.r.width > 0.5);
    const titles = [
      ...boxes(".infolayer [class^='g-'][class$='title'] text", "title"),
      ...boxes(".infolayer .annotation-text-g text", "annotation"),
      ...boxes(".infolayer .colorbar .cbtitle text", "colour bar title"),
    ];
    for (let i = 0; i < titles.length; i++) {
      for (let j = i + 1; j < titles.length; j++) {
        if (meet(titles[i].r, titles[j].r)) overlaps.push(`${name}: ${titles[i].kind} "${titles[i].text}" meets ${titles[j].kind} "${titles[j].text}"`);
      }
    }
    const ticks = boxes(".xtick text, .ytick text, .colorbar .cbaxis text", "tick");
    for (const title of titles.filter((b) => b.kind !== "title" || /g-[xy]\d*title/.test(b.axis || ""))) {
      for (const tick of ticks) {
        if (meet(title.r, tick.r)) overlaps.push(`${name}: ${title.kind} "${title.text}" meets tick "${tick.text}"`);
      }
    }
    for (let i = 0; i < ticks.length; i++) {
      for (let j = i + 1; j < ticks.length; j++) {
        if (meet(ticks[i].r, ticks[j].r)) overlaps.push(`${name}: tick "${ticks[i].text}" meets tick "${ticks[j].text}"`);
      }
    }
    for (const tick of plot.querySelectorAll(".xtick text")) {
      if (/rotate\((?!0[,)])/.test(tick.getAttribute("transform") || "")) overlaps.push(`${name}: x tick "${tick.textContent}" is turned on its side`);
    }
    // text Plotly drew beyond the chart's own box is cut off on screen
    const own = plot.getBoundingClientRect();
    for (const t of plot.querySelectorAll(".main-svg text, .main-svg tspan")) {
      const r = t.getBoundingClientRect();
      if (r.width < 0.5 || hiddenByStyle(t)) continue;
      const out = Math.max(own.left - r.left, r.right - own.right, own.top - r.top, r.bottom - own.bottom);
      if (out > 1) overlaps.push(`${name}: "${t.textContent.slice(0, 30)}" runs ${Math.round(out)} px out of the chart`);
    }
  }
  return { text, overflow, overlaps, cut };
};
