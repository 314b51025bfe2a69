"""A read-only table as the projector shows it: large text that fits the screen, as HTML.

Streamlit's grid (st.dataframe) draws 14 px text on a canvas and cuts a wide table on the
right; in projector mode `ui.dataframe` shows this instead (styled by ui.PROJECTOR_CSS).
Every cell is escaped. Standard library only; the frame is anything with `columns` and
`itertuples` (a pandas DataFrame)."""

from __future__ import annotations

import html
import numbers
from typing import Any

CARDS_FROM_COLUMNS = 6  # a table with more columns shows one card per row: 24 px text does not fit


def _cell_text(value: Any) -> str:
    """A table cell as the projector shows it: numbers grouped by thousands, nothing for empty."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.0f}" if value.is_integer() else f"{value:,.1f}"
    return str(value)


def html_table(frame: Any) -> str:
    """A table as large text for the room: every cell escaped, long text wrapped to the page's
    width (a canvas grid draws 14 px text and cuts wide tables on the right)."""
    def text(value: Any) -> str:
        return html.escape(_cell_text(value.item() if hasattr(value, "item") else value)).replace("\n", "<br>")

    columns = [str(c) for c in frame.columns]
    rows = list(frame.itertuples(index=False, name=None))
    if len(columns) > CARDS_FROM_COLUMNS:  # too many columns for 24 px text: one card per row
        cards = "".join(
            f'<div><div class="title">{text(row[0])}</div>'
            + "".join(f"<div><b>{html.escape(c)}:</b> {text(v)}</div>" for c, v in zip(columns[1:], row[1:])
                      if _cell_text(v))
            + "</div>" for row in rows)
        return f'<div class="c4d-projector-cards">{cards}</div>'
    numeric = [bool(rows) and all(isinstance(r[i], numbers.Number) and not isinstance(r[i], bool) for r in rows)
               for i in range(len(columns))]

    def cell(tag: str, value: Any, number: bool) -> str:
        attributes = ' class="number"' if number else ""
        return f"<{tag}{attributes}>{text(value)}</{tag}>"

    head = "".join(cell("th", c, n) for c, n in zip(columns, numeric))
    body = "".join("<tr>" + "".join(cell("td", v, n) for v, n in zip(row, numeric)) + "</tr>" for row in rows)
    return f'<div class="c4d-projector-table"><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>'
