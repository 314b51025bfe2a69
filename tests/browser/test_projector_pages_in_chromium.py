"""Every page of the facilitator's navigation in projector mode, in a real Chromium at the
projector's size (1280×720), with the Dream Umbrella example open: the room at the back
reads it. Measured on the page, not guessed:

- every visible piece of text in the main area is at least 24 px;
- no data table is a 14 px canvas grid (st.dataframe): the projector shows tables as text;
- nothing is cut: no element's content is wider than its box, and nothing reaches past the
  right edge of the screen;
- a metric's number is larger than its label;
- no figure (chart, picture, drawing) is taller than the screen, so none needs a scroll.

The thresholds are the issue's; a page that cannot meet them yet is listed below with the
measured reason (strict: it fails the day it passes, so the list only shrinks)."""

from __future__ import annotations

import pytest

from c4d import access
from c4d.db.store import Store
from c4d.demo.example import load_demo
from c4d.worksheet import registered
from tests.browser.conftest import PROJECTOR, start_app, stop_app
from tests.browser.streamlit_page import wait_for_app

pytestmark = pytest.mark.browser

PASSCODE = "projector-2026"
MIN_PX = 24

# The pages of the navigation (app.py): the campaigns list, the campaign's own pages, every
# registered worksheet, the settings.
PAGES = (["", "overview", "sessions", "participants", "live_screen", "report"]
         + [w.key for w in registered()] + ["settings"])

# Pages whose projector view does not meet the thresholds yet, each with what was measured.
NOT_YET: dict[str, str] = {
    "audience_framework": "the 2×2 board is one picture scaled to the screen: its notes measure 13.8 px, "
                          "cell headings 13.1 px, side titles 20.7 px, level titles 19.3 px (29 texts)",
    "stakeholders": "the stakeholder grid (Vega chart): axis numbers 20–22 px (31 texts) and its axis title "
                    "'Influence (1–5)' drawn outside the chart",
}

# What the room would not read, measured in the page. Text is any visible element with
# text of its own (a text node child) in the main area; icons (ligature glyphs) and the
# small "Leave projector mode" corner button (for the facilitator, not the room) are not text.
MEASURE = r"""async (minPx) => {
  const main = document.querySelector("[data-testid='stMain']");
  const vw = document.documentElement.clientWidth, vh = window.innerHeight;
  const skip = "[data-testid='stIconMaterial'], .st-key-leave-projector, [data-testid='stTooltipIcon'], "
             + "[data-testid='stDataFrameResizable'] *, [class*='gdg-']";
  const shown = el => {
    const r = el.getBoundingClientRect(), s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== "hidden" && s.opacity !== "0"
      && !el.closest("[aria-hidden='true'], details:not([open]) > :not(summary), [role='tabpanel'][hidden]");
  };
  const name = el => {
    const owner = el.closest("[data-testid]");
    return el.tagName.toLowerCase() + (owner ? ` in ${owner.dataset.testid}` : "");
  };
  // Text drawn in an SVG is as large as its font size times the drawing's scale on screen.
  const sizeOf = el => parseFloat(getComputedStyle(el).fontSize)
    * (el instanceof SVGElement && el.getScreenCTM() ? Math.hypot(el.getScreenCTM().a, el.getScreenCTM().b) : 1);
  const text = el => [...el.childNodes].filter(n => n.nodeType === 3).map(n => n.textContent).join("").trim();
  const small = [], cut = [], tables = [], metrics = [], tall = [];
  for (const el of main.querySelectorAll("*")) {
    if (el.closest(skip) || !shown(el)) continue;
    const own = text(el);
    const size = Math.round(sizeOf(el) * 10) / 10;
    if (own && size < minPx) small.push(`${name(el)} ${size}px: ${own.slice(0, 40)}`);
    const r = el.getBoundingClientRect();
    if (r.right > vw + 1) cut.push(`${name(el)} right edge ${Math.round(r.right)} > ${vw}: ${el.textContent.trim().slice(0, 40)}`);
    if (el instanceof SVGElement) {  // an SVG's text is cut where it leaves its drawing
      const drawing = el.ownerSVGElement && el.ownerSVGElement.getBoundingClientRect();
      if (own && drawing && (r.left < drawing.left - 1 || r.right > drawing.right + 1))
        cut.push(`${name(el)} outside its drawing: ${own.slice(0, 40)}`);
      continue;
    }
    const ox = getComputedStyle(el).overflowX;
    if (el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0 && el.textContent.trim()
        && (own || ox === "hidden" || ox === "clip"))
      cut.push(`${name(el)} content ${el.scrollWidth} > box ${el.clientWidth}: ${el.textContent.trim().slice(0, 40)}`);
  }
  for (const grid of main.querySelectorAll("[data-testid='stDataFrame']"))
    if (shown(grid)) tables.push(`canvas table: ${grid.textContent.trim().slice(0, 40)}`);
  for (const m of main.querySelectorAll("[data-testid='stMetric']")) {
    // The size the text is drawn at: its innermost elements that hold the text.
    const drawn = part => Math.max(0, ...[part, ...part.querySelectorAll("*")].filter(e => text(e)).map(sizeOf));
    const v = m.querySelector("[data-testid='stMetricValue']"), l = m.querySelector("[data-testid='stMetricLabel']");
    if (!v || !l || !shown(m)) continue;
    const vs = drawn(v), ls = drawn(l);
    if (vs <= ls) metrics.push(`${l.textContent.trim()}: number ${vs}px <= label ${ls}px`);
  }
  const figures = "img, canvas, [data-testid='stVegaLiteChart'], [data-testid='stPlotlyChart'], [data-testid='stGraphVizChart'], svg";
  for (const f of main.querySelectorAll(figures)) {
    if (f.closest(skip) || !shown(f)) continue;
    const h = f.getBoundingClientRect().height;
    if (h > vh) tall.push(`${name(f)} ${Math.round(h)}px tall > ${vh}`);
  }
  // A drawing shown as a picture (SVG in an <img>): its text, as large as the picture draws it.
  for (const img of main.querySelectorAll("img")) {
    if (!shown(img)) continue;
    const source = await (await fetch(img.src)).text();
    if (!source.includes("<svg")) continue;
    const svg = new DOMParser().parseFromString(source, "image/svg+xml").documentElement;
    const box = (svg.getAttribute("viewBox") || "").split(/[ ,]+/).map(Number);
    const width = box.length === 4 ? box[2] : parseFloat(svg.getAttribute("width"));
    const scale = img.getBoundingClientRect().width / width;
    const styled = {};
    for (const rule of (svg.querySelector("style") || {textContent: ""}).textContent.matchAll(/([^{}]+)\{([^}]*)\}/g)) {
      const size = /font-size:\s*([\d.]+)/.exec(rule[2]);
      if (size) for (const sel of rule[1].split(",")) styled[sel.trim()] = parseFloat(size[1]);
    }
    for (const t of svg.querySelectorAll("text")) {
      let size = parseFloat(t.getAttribute("font-size") || (/font-size:\s*([\d.]+)/.exec(t.getAttribute("style") || "") || [])[1]);
      for (const node of [t, ...(function* up(n) { while ((n = n.parentElement)) yield n; })(t)]) {
        if (!isNaN(size)) break;
        size = parseFloat(node.getAttribute("font-size"));
        for (const c of (node.getAttribute("class") || "").split(/\s+/)) if (isNaN(size) && styled["." + c]) size = styled["." + c];
        if (isNaN(size) && styled[node.tagName]) size = styled[node.tagName];
      }
      const drawn = Math.round((isNaN(size) ? 16 : size) * scale * 10) / 10;
      if (drawn < minPx) small.push(`text in a picture ${drawn}px: ${t.textContent.trim().slice(0, 40)}`);
    }
  }
  return {small, cut, tables, metrics, tall};
}"""


@pytest.fixture(scope="module")
def demo_app(tmp_path_factory):
    data = tmp_path_factory.mktemp("projector") / "data"
    data.mkdir()
    store = Store(f"sqlite:///{data / 'c4d.sqlite3'}")
    access.set_passcode(store, PASSCODE, PASSCODE)
    campaign = load_demo(store)
    store.engine.dispose()
    process, base = start_app(data)
    yield base, campaign.slug
    stop_app(process)


@pytest.fixture(scope="module")
def laptop(browser):
    context = browser.new_context(viewport=PROJECTOR)
    yield context
    context.close()


@pytest.mark.parametrize("path", [pytest.param(p, marks=pytest.mark.xfail(strict=True, reason=NOT_YET[p]))
                                  if p in NOT_YET else p for p in PAGES])
def test_the_page_reads_from_the_back_of_the_room(laptop, demo_app, artifacts, path):
    base, slug = demo_app
    page = laptop.new_page()
    try:
        page.goto(f"{base}/{path}?campaign={slug}&projector=1")
        wait_for_app(page)
        page.wait_for_selector("[data-testid='stMain'] h1", timeout=30_000)
        wait_for_app(page)
        assert page.get_by_test_id("stSidebar").is_hidden()  # projector mode is on
        page.screenshot(path=str(artifacts / f"projector-{path or 'home'}-1280x720.png"), full_page=True)
        found = page.evaluate(MEASURE, MIN_PX)
        offenders = {kind: items for kind, items in found.items() if items}
        assert offenders == {}, f"/{path}: " + "; ".join(f"{k}: {v[:12]} ({len(v)})" for k, v in offenders.items())
    finally:
        page.close()
