"""How the browser tests wait for and act on a Streamlit page, as a person would.

Streamlit redraws a page in a run of its script. While a run is under way, elements of
the previous run stay on screen, marked stale, until the new ones replace them: a button
can briefly be there twice. A person waits until the page has settled before clicking;
`wait_for_app` is that wait, with a deadline. Every browser test uses these helpers, so a
fix to how a page is waited for lands everywhere at once.
"""

from __future__ import annotations

import io

from PIL import Image
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

DEADLINE = 30_000  # ms: a deadline, never a pause

# The page's script is idle, and nothing from an earlier run is still on screen.
SETTLED = """() => {
  const app = document.querySelector("[data-testid='stApp']");
  if (!app || app.getAttribute("data-test-script-state") !== "notRunning") return false;
  if (app.getAttribute("data-test-connection-state") !== "CONNECTED") return false;
  if (document.querySelector("[data-testid='stStatusWidget'] [data-testid='stStatusWidgetRunningIcon']")) return false;
  if (document.querySelector("[data-stale='true']")) return false;
  return !document.querySelector("[data-testid^='stSkeleton']");
}"""


def wait_for_app(page, timeout: int = DEADLINE) -> None:
    """Until the page has finished its latest run and shows only that run's elements."""
    page.wait_for_selector("[data-testid='stApp']", timeout=timeout)
    page.wait_for_function(SETTLED, timeout=timeout, polling=100)


def choose(page, label: str, option: str, *, first: bool = False) -> None:
    """Pick an option in a select box, as a person does: open the list (the arrow key opens
    it as it does for a keyboard user), click the option. A list that closes while the page
    redraws is opened again, within a deadline."""
    wait_for_app(page)
    box = page.get_by_role("combobox", name=label, exact=True)
    if first:
        box = box.first
    wanted = page.get_by_role("option", name=option, exact=True)
    for _ in range(6):
        box.click()
        if box.get_attribute("aria-expanded") != "true":
            box.press("ArrowDown")
        try:
            wanted.click(timeout=5_000)
            wait_for_app(page)
            return
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
            wait_for_app(page)
    raise AssertionError(f"could not choose {option!r} in {label!r}")


def type_in(page, label: str, text: str, *, area: bool = False) -> None:
    """Type into a box and leave it, as a person does (the page saves when the box is left)."""
    wait_for_app(page)
    box = page.get_by_label(label, exact=True)
    box.fill(text)
    box.press("Tab" if area else "Enter")
    wait_for_app(page)


def click_button(page, name: str) -> None:
    """Press a button once the page has settled (so it is there exactly once)."""
    wait_for_app(page)
    page.get_by_role("button", name=name).click()


def ink_share(png: bytes) -> float:
    """Share of pixels that differ from the page's dominant colour: 0 for a blank screen."""
    image = Image.open(io.BytesIO(png)).convert("RGB").resize((320, 180))
    colours = image.getcolors(image.width * image.height)
    _, dominant = max(colours)
    inked = sum(n for n, c in colours if sum(abs(a - b) for a, b in zip(c, dominant)) > 60)
    return inked / (image.width * image.height)


__all__ = ["DEADLINE", "choose", "click_button", "expect", "ink_share", "type_in", "wait_for_app"]
