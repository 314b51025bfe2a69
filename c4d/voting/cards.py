"""Voter cards: the rule that a ballot keeps the way its first votes were cast (with cards
or without), and the printable sheet of cards. Making cards and requiring them are
commands (c4d.voting.commands)."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from c4d import permissions
from c4d.models import Campaign, Participant, Session
from c4d.phones.model import VoterCard
from c4d.voting.model import Ballot

if TYPE_CHECKING:
    from c4d.db.store import Store


def cards_conflict(store: "Store", ballot: Ballot, cards_required: bool) -> str | None:
    """Why phones may not vote on `ballot` with voter cards required (or not required):
    its votes so far were cast the other way, and mixing the two would let one person count
    twice (a vote from a phone cannot be told apart from its owner's card vote). None when
    they may."""
    votes = store.votes(ballot.id)
    by_card = sum(1 for v in votes if v.voter_key.startswith("card:"))
    # A phone's vote that carries a card's register entry is that person's: their card vote
    # replaces it (see c4d.permissions.vote_with). Only anonymous phone votes are in the way.
    by_phone = sum(1 for v in votes if not v.voter_key.startswith("card:") and v.participant_id is None)
    decision = permissions.cards_switch(cards_required, question=ballot.question, card_votes=by_card,
                                        anonymous_phone_votes=by_phone)
    return None if decision.allowed else decision.message


def card_name(card: VoterCard, people: dict[str, Participant]) -> str:
    """The name printed on a card: only with the person's consent to be listed."""
    person = people.get(card.participant_id or "")
    if person is not None and person.consent_to_list and person.name:
        return person.name
    return ""


def cards_sheet_html(campaign: Campaign, session: Session, cards: list[VoterCard],
                     participants: list[Participant], join_url: str = "") -> str:
    """A printable A4 sheet of voter cards (cut along the lines). Each card carries the
    code and, only when the person agreed to be listed, their name. Self-contained HTML:
    no scripts, fonts or pictures from elsewhere."""
    people = {p.id: p for p in participants}
    esc = html.escape
    cells = []
    for card in cards:
        name = card_name(card, people)
        name_html = f'<div class="name">{esc(name)}</div>' if name else '<div class="name blank">Name:</div>'
        cells.append(
            '<div class="card">'
            f'<div class="what">{esc(session.title)} · voter card</div>'
            f'<div class="code">{esc(card.code)}</div>{name_html}'
            + (f'<div class="how">Open {esc(join_url)} and type this code when asked.</div>' if join_url else
               '<div class="how">Type this code on your phone when asked.</div>')
            + '<div class="how">Keep it to yourself: it is your vote.</div></div>'
        )
    return (
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<title>{esc(campaign.name)} · voter cards · {esc(session.title)}</title>"
        "<style>@page{size:A4;margin:10mm}body{font-family:sans-serif;margin:0}"
        ".grid{display:grid;grid-template-columns:1fr 1fr;gap:0}"
        ".card{border:1px dashed #555;padding:6mm;height:52mm;box-sizing:border-box;page-break-inside:avoid}"
        ".what{font-size:10pt;color:#333}.code{font:bold 30pt monospace;letter-spacing:4pt;margin:3mm 0}"
        ".name{font-size:13pt;min-height:7mm}.blank{color:#555;border-bottom:1px solid #999}"
        ".how{font-size:9pt;color:#333;margin-top:1mm}</style></head><body>"
        f"<div class=\"grid\">{''.join(cells)}</div></body></html>"
    )
