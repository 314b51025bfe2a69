"""A read-only table on the projector: the same rows as text, escaped, fitting the screen."""

from __future__ import annotations

import pandas as pd

from c4d.projector_table import CARDS_FROM_COLUMNS, html_table


def test_cells_are_escaped_numbers_grouped_and_empty_cells_empty():
    frame = pd.DataFrame([{"Idea": "<b>Bold</b> & co\nsecond line", "Reach": 1234567, "Share": 2.5, "Note": None}])
    out = html_table(frame)
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; co<br>second line" in out and "<b>Bold" not in out
    assert '<td class="number">1,234,567</td>' in out and '<td class="number">2.5</td>' in out
    assert "<td></td>" in out and "None" not in out and "nan" not in out
    assert '<th class="number">Reach</th>' in out and "<th>Idea</th>" in out


def test_a_table_too_wide_for_the_room_shows_one_card_per_row():
    columns = [f"Column {i}" for i in range(CARDS_FROM_COLUMNS + 1)]
    frame = pd.DataFrame([[f"<v{r}{i}>" for i in range(len(columns))] for r in range(2)], columns=columns)
    frame.iloc[0, 2] = ""
    out = html_table(frame)
    assert "<table" not in out and out.count('class="title"') == 2
    assert '<div class="title">&lt;v00&gt;</div>' in out
    assert "<div><b>Column 1:</b> &lt;v01&gt;</div>" in out
    assert "Column 2:</b> </div>" not in out  # an empty cell is left out of its card
