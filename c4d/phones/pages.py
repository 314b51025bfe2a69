"""The HTML of each phone page: the ballot form, the idea box, the pre-test scoring form,
the thank-you, closed, waiting and entry pages, and a short message for anything else.

Pages are HTML5 with inline CSS and no JavaScript, readable at 360 px, 18 px type, 48 px
touch targets. The PPCD ballots (up to 12 options; a scoring matrix up to 8 options ×
4 criteria) stay under PAGE_BUDGET; a scoring matrix near the model's maximum (30 options
× 10 criteria) does not (about 110 KB) and still works. Every piece of text from a
person — question, options, criteria, prompt, campaign name, translations, the typed
code — goes through `esc` (`html.escape`). The paths are absolute (`/j/...`): the toolkit
is served at the root of its address.

Each function returns the page's text; `c4d.phones.responses` sends it.
"""

from __future__ import annotations

import html
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from c4d.phones import phrases as phrase_book
from c4d.phones.forms import IDEA_LIMIT, JOIN_CODE, SEXES, choice_fields, collapse
from c4d.phones.model import LiveState
from c4d.pretest import model as pretest
from c4d.voting.counting import result_parts
from c4d.voting.model import SCORE_MAX, SCORE_MIN, Ballot, Result, VotingMethod
from c4d.text import number, percent

PAGE_BUDGET = 20 * 1024  # what a phone page should weigh at most (see the module notes)
NONCE_SLOT = "nonce-" + secrets.token_hex(16)  # where a kept ballot page takes each phone's nonce
_LANGUAGE = phrase_book.LANGUAGE_PATTERN


def esc(text: Any) -> str:
    return html.escape(str(text), quote=True)


# --------------------------------------------------------------------------- page shell

CSS = (
    "*{box-sizing:border-box}"
    "body{margin:0;font:18px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;background:#fff;color:#111;"
    "overflow-wrap:anywhere}"  # a web address or a long compound word wraps instead of widening the page
    "main{max-width:36rem;margin:0 auto;padding:12px 16px 32px}"
    "h1{font-size:1.45rem;line-height:1.25;margin:.4em 0 .5em}"
    "h2{font-size:1.2rem;margin:1.2em 0 .4em}"
    ".w{color:#333;font-size:1rem;margin:0}"
    "p{margin:.6em 0}"
    "fieldset{border:0;padding:0;margin:0 0 14px;min-width:0}"
    "legend{font-weight:700;padding:0;margin:10px 0 4px}"
    "label{display:flex;align-items:center;gap:12px;min-height:48px;padding:8px 12px;margin:8px 0;"
    "border:2px solid #555;border-radius:8px;background:#fff}"
    "label:has(input:checked){background:#e3ecfb;border-color:#0b3d91}"
    "input[type=radio],input[type=checkbox]{width:26px;height:26px;margin:0;flex:none;accent-color:#0b3d91}"
    "input[type=number],input[type=text],select,textarea{font:inherit;min-height:48px;padding:6px 8px;"
    "border:2px solid #555;border-radius:6px;background:#fff;color:#111}"
    "input[type=number]{width:5.5em;margin-left:auto}select{min-width:4.5em}"
    "textarea{width:100%;display:block}"
    ".t{display:block;border:0;padding:0;margin:14px 0 4px;font-weight:700}"
    ".t input{display:block;width:100%;margin-top:4px;font-weight:400;letter-spacing:.1em;text-transform:uppercase}"
    ".r{margin:0 0 8px}.c{display:block;font-size:1rem}"
    ".s{display:flex;gap:6px}.s label{flex:1;justify-content:center;gap:6px;margin:2px 0;padding:4px;min-width:48px}"
    ".s input[type=radio]{width:20px;height:20px}"
    "button,.b{display:block;width:100%;min-height:52px;margin:18px 0 8px;padding:10px;font:inherit;font-weight:700;"
    "text-align:center;text-decoration:none;background:#0b3d91;color:#fff;border:0;border-radius:8px}"
    ".e,.k{padding:10px 12px;margin:12px 0;border-radius:6px;border-left:6px solid}"
    ".e{background:#fdecec;border-color:#b00020}.k{background:#e7f4ea;border-color:#137333}"
    ".m{font-size:1rem;color:#333}"
    "ol{padding:0;list-style:none}li{margin:10px 0}"
    ".v{float:right;margin-left:10px;font-weight:700}"
    ".g{height:14px;background:#e4e4e4;border-radius:7px;overflow:hidden;margin-top:4px}"
    ".g i{display:block;height:100%;background:#0b3d91}"
    ".q{margin:10px 0;padding:10px 14px;border-left:6px solid #0b3d91;background:#f1f4f9;font-size:1.15rem;"
    "white-space:pre-wrap}"
    ".x legend{color:#b00020}"
    ".y li{margin:6px 0;padding-left:10px;border-left:4px solid #0b3d91}"
)


def document(title: str, body: str, lang: str, *, refresh: bool = False, header: str = "") -> str:
    lang = lang if isinstance(lang, str) and _LANGUAGE.fullmatch(lang) else "en"
    return (
        f'<!doctype html><html lang="{esc(lang)}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        '<meta name="referrer" content="no-referrer">'
        '<link rel="icon" href="data:,">'  # no favicon request: it would outweigh the page
        + ('<meta http-equiv="refresh" content="5">' if refresh else "")
        + f"<title>{esc(title)}</title><style>{CSS}</style></head><body><main>"
        + (f'<p class="w">{esc(header)}</p>' if header else "")
        + body
        + "</main></body></html>"
    )


# --------------------------------------------------------------------------- what a page needs


@dataclass(frozen=True)
class Context:
    """The session around a join code, as far as the phone pages need it."""

    campaign_id: str
    campaign_name: str
    language: str
    has_cards: bool
    words: Mapping[str, str]


def instructions(ballot: Ballot, w: Mapping[str, str]) -> str:
    f = phrase_book.fill
    method = ballot.method
    if method is VotingMethod.single:
        return w["pick_one"]
    if method is VotingMethod.multiple:
        k = ballot.choice_limit
        return w["pick_one"] if k == 1 else f(w["pick_up_to"], k=k)
    if method is VotingMethod.dots:
        return f(w["dots_stack" if ballot.allow_stacking else "dots_single"], n=ballot.dots or 0)
    if method is VotingMethod.ranking_borda:
        return f(w["rank_all"], n=len(ballot.options))
    if method is VotingMethod.ranking_irv:
        return w["rank_some"]
    return f(w["score_each"], min=SCORE_MIN, max=SCORE_MAX)


def _checked(values: list[str] | None, value: str) -> str:
    return " checked" if values and value in values else ""


def ballot_fields(ballot: Ballot, posted: Mapping[str, list[str]] | None, w: Mapping[str, str]) -> str:
    """The inputs of a ballot form, with the answers already sent when the form comes back."""
    posted = posted or {}
    method = ballot.method
    parts: list[str] = []
    chosen = posted.get("o")
    if method in (VotingMethod.single, VotingMethod.multiple) or (
            method is VotingMethod.dots and not ballot.allow_stacking):
        kind = "radio" if method is VotingMethod.single else "checkbox"
        for i, option in enumerate(ballot.options):
            required = " required" if kind == "radio" and i == 0 else ""
            parts.append(f'<label><input type={kind} name=o value={i}{_checked(chosen, str(i))}{required}>'
                         f"{esc(option.label)}</label>")
    elif method is VotingMethod.dots:
        top = ballot.dots or 0
        parts.append(f'<p class="m">{esc(w["dots_label"])}</p>')
        for i, option in enumerate(ballot.options):
            value = (posted.get(f"d{i}") or ["0"])[0][:4]
            parts.append(f"<label>{esc(option.label)}<input type=number name=d{i} min=0 max={top} "
                         f'value="{esc(value)}" inputmode=numeric></label>')
    elif method.is_ranking:
        n = len(ballot.options)
        required = " required" if method is VotingMethod.ranking_borda else ""
        parts.append(f'<p class="m">{esc(w["place"])}</p>')
        for i, option in enumerate(ballot.options):
            held = (posted.get(f"r{i}") or [""])[0]
            choices = "".join(f"<option{' selected' if held == str(p) else ''}>{p}" for p in range(1, n + 1))
            parts.append(f'<label><select name=r{i}{required}><option value="">–{choices}</select>'
                         f"{esc(option.label)}</label>")
    else:
        scores = range(SCORE_MIN, SCORE_MAX + 1)
        for i, option in enumerate(ballot.options):
            parts.append(f"<fieldset><legend>{esc(option.label)}</legend>")
            for j, criterion in enumerate(ballot.criteria):
                name = f"s{i}_{j}"
                held = posted.get(name)
                radios = "".join(
                    f"<label><input type=radio name={name} value={v}{_checked(held, str(v))}"
                    f"{' required' if v == SCORE_MIN else ''}>{v}</label>" for v in scores)
                parts.append(f'<div class="r"><span class="c">{esc(criterion.label)}</span>'
                             f'<span class="s">{radios}</span></div>')
            parts.append("</fieldset>")
    return "".join(parts)


def card_field(required: bool, posted: Mapping[str, list[str]] | None, w: Mapping[str, str]) -> str:
    typed = ((posted or {}).get("card") or [""])[0][:20]
    return (f'<label class="t">{esc(w["card_code"])}<input type=text name=card value="{esc(typed)}" '
            f'maxlength=20 autocomplete=off autocapitalize=characters spellcheck=false'
            f'{" required" if required else ""}></label>'
            f'<p class="m">{esc(w["card_required_help" if required else "card_optional_help"])}</p>')


# --------------------------------------------------------------------------- what this phone sent


def your_vote(ballot: Ballot, code: str | None, w: Mapping[str, str]) -> str:
    """What the phone sent (`code`, see c4d.phones.forms.choice_code) in the participant's
    words: "You voted for: …", the dots, the ranking or the scores; "" when it does not fit."""
    fields = choice_fields(ballot, code)
    if fields is None:
        return ""
    labels = [option.label for option in ballot.options]
    method = ballot.method
    if method is VotingMethod.single or method is VotingMethod.multiple:
        chosen = [labels[int(i)] for i in fields["o"]]
        if len(chosen) == 1:
            sentence = phrase_book.fill(esc(w["you_voted_for"]), choice=f"<b>{esc(chosen[0])}</b>")
            return f"<p>{sentence}</p>"
        return _listed(w["your_choices"], [esc(label) for label in chosen])
    if method is VotingMethod.dots:
        dots = ({int(i): 1 for i in fields["o"]} if "o" in fields
                else {i: int(fields[f"d{i}"][0]) for i in range(len(labels))})
        return _listed(w["your_dots"], [f'<span class="v">{n}</span>{esc(labels[i])}'
                                        for i, n in dots.items() if n])
    if method.is_ranking:
        order = sorted((int(place[0]), int(name[1:])) for name, place in fields.items())
        return _listed(w["your_ranking"], [f"{place}. {esc(labels[i])}" for place, i in order])
    rows = []
    for i, label in enumerate(labels):
        scores = " · ".join(f"{esc(c.label)} {fields[f's{i}_{j}'][0]}" for j, c in enumerate(ballot.criteria))
        rows.append(f'{esc(label)}<span class="c">{scores}</span>')
    return _listed(w["your_scores"], rows)


def _listed(heading: str, items: list[str]) -> str:
    """A heading and its items (already escaped)."""
    return f'<p>{esc(heading)}</p><ol class="y">{"".join(f"<li>{item}</li>" for item in items)}</ol>'


def echo_part(code: str, ballot: Ballot, flag: str, echo: str, w: Mapping[str, str]) -> str:
    """The thank-you page's own part for one phone: what it sent, and "Change my vote",
    which opens the ballot with that vote filled in."""
    change = f"/j/{code}?sent={flag}&v={echo}&edit=1"
    return your_vote(ballot, echo, w) + f'<a class="b" href="{esc(change)}">{esc(w["change_vote"])}</a>'


# --------------------------------------------------------------------------- results


def result_sentence(result: Result, w: Mapping[str, str]) -> str:
    """Who leads, won or tied, in the participant's words (the numbers are in the rows below)."""
    parts = result_parts(result)
    if parts.outcome == "none":
        return w["results_none_final" if parts.final else "results_none"]
    if parts.outcome == "tie":
        return phrase_book.fill(w["results_tie"], labels=", ".join(parts.labels))
    return phrase_book.fill(w["results_wins" if parts.final else "results_leads"], label=parts.labels[0])


def results_section(ballot: Ballot, result: Result, w: Mapping[str, str]) -> str:
    """The revealed results under a ballot: who leads, then a bar for each option."""
    rows = []
    for row in result.rows:
        if ballot.method is VotingMethod.matrix:
            value = f"{row.normalised or 0:.0f}/100"
        else:
            value = f"{number(row.score, 1)} · {percent(row.share)}"
        width = max(0.0, min(100.0, row.share * 100))
        rows.append(f'<li><span class="v">{esc(value)}</span>{esc(row.label)}'
                    f'<div class="g"><i style="width:{width:.0f}%"></i></div></li>')
    return (f"<h2>{esc(w['results'])}</h2><p>{esc(result_sentence(result, w))}</p>"
            f"<ol>{''.join(rows)}</ol>")


# --------------------------------------------------------------------------- pages


def message_page(w: Mapping[str, str], text: str, lang: str, *, code: str | None = None,
                 header: str = "", note: str = "") -> str:
    """A short page saying what happened (and a `note` in small print), with a way back
    to the workshop page."""
    back = ""
    if code and JOIN_CODE.fullmatch(code):
        back = f'<a class="b" href="/j/{code}">{esc(w["reload"])}</a>'
    small = f'<p class="m">{esc(note)}</p>' if note else ""
    body = f'<p class="e">{esc(text)}</p>{small}{back}'
    return document(text, body, lang, header=header)


def error_page() -> str:
    """Something unexpected went wrong (the details are in the log, never on the phone)."""
    w = phrase_book.ENGLISH
    return document(w["error"], f"<h1>{esc(w['error'])}</h1>", "en")


def form(code: str, hidden: Mapping[str, str], inner: str, button: str) -> str:
    # The hidden fields come last, so the nonce is near the end of a kept page (see c4d.phones.responses.Kept).
    fields = "".join(f'<input type=hidden name={name} value="{esc(value)}">' for name, value in hidden.items())
    return f'<form method=post action="/j/{code}">{inner}{fields}<button type=submit>{esc(button)}</button></form>'


def ballot_page(code: str, context: Context, ballot: Ballot, nonce: str, cards_required: bool,
                posted: Mapping[str, list[str]] | None = None, error: str = "", *, filled: bool = False) -> str:
    """The ballot form; with the answers already sent when it comes back refused (`error`),
    or with this phone's standing vote when it opens to change it (`filled`)."""
    w = context.words
    inner = ballot_fields(ballot, posted, w)
    if cards_required or context.has_cards:
        inner += card_field(cards_required, posted, w)
    problem = (f'<p class="e">{esc(w["not_counted"])} {esc(error)}</p><p class="m">{esc(w["earlier_vote_stands"])}</p>'
               if error else "")
    if filled and not error:
        problem = f'<p class="k">{esc(w["vote_filled_in"])}</p>'
    body = (f"<h1>{esc(ballot.question)}</h1>{problem}<p>{esc(instructions(ballot, w))}</p>"
            + form(code, {"kind": "vote", "ballot": ballot.id, "nonce": nonce}, inner, w["submit_vote"])
            + f'<p class="m">{esc(w["replace_note"])}</p>')
    return document(ballot.question, body, context.language, header=context.campaign_name)


def thanks_page(context: Context, ballot: Ballot, sent: str, results: str, mine: str) -> str:
    """"Thank you", then `mine` (this phone's own part, already escaped: `echo_part`, or
    the place kept for it), then the results once revealed."""
    w = context.words
    message = w["vote_replaced"] if sent == "replaced" else w["vote_counted"]
    body = f'<h1>{esc(ballot.question)}</h1><p class="k">{esc(message)}</p>{mine}{results}'
    return document(message, body, context.language, refresh=True, header=context.campaign_name)


def closed_page(code: str, context: Context, ballot: Ballot, text: str, results: str,
                sent: str | None, echo: str | None = None) -> str:
    w = context.words
    thanks = ""
    if sent is not None:
        thanks = (f'<p class="k">{esc(w["vote_replaced" if sent == "replaced" else "vote_counted"])}</p>'
                  + your_vote(ballot, echo, w))
    body = (f"<h1>{esc(ballot.question)}</h1>{thanks}<p>{esc(text)}</p>{results}"
            f'<a class="b" href="/j/{code}">{esc(w["reload"])}</a>')
    return document(text, body, context.language, refresh=True, header=context.campaign_name)


def idea_page(code: str, context: Context, state: LiveState, nonce: str, *,
              typed: str = "", error: str = "") -> str:
    w = context.words
    prompt = state.idea_prompt.strip() or w["idea_prompt"]
    problem = f'<p class="e">{esc(error)}</p>' if error else ""
    inner = (f'<textarea name=idea rows=4 maxlength={IDEA_LIMIT} required aria-label="{esc(w["idea_prompt"])}">'
             f"{esc(typed)}</textarea>")
    body = (f"<h1>{esc(prompt)}</h1>{problem}"
            + form(code, {"kind": "idea", "nonce": nonce}, inner, w["submit_idea"]))
    return document(w["idea_prompt"], body, context.language, header=context.campaign_name)


def idea_thanks_page(code: str, context: Context, state: LiveState) -> str:
    w = context.words
    prompt = state.idea_prompt.strip() or w["idea_prompt"]
    body = (f'<h1>{esc(prompt)}</h1><p class="k">{esc(w["idea_sent"])}</p>'
            f'<a class="b" href="/j/{code}">{esc(w["another_idea"])}</a>')
    return document(w["idea_sent"], body, context.language, refresh=True, header=context.campaign_name)


def wait_page(code: str, context: Context) -> str:
    w = context.words
    body = (f'<h1>{esc(w["please_wait"])}</h1><p>{esc(w["wait_text"])}</p>'
            f'<a class="b" href="/j/{code}">{esc(w["reload"])}</a>')
    return document(w["please_wait"], body, context.language, refresh=True, header=context.campaign_name)


def entry_page(w: Mapping[str, str], lang: str, problem: str = "") -> str:
    """A heading saying what the page is for, then the one box labelled with what to type."""
    box = (f'<form method=get action="/j"><label class="t">{esc(w["join_code"])}'
           f"<input type=text name=code maxlength=20 autocomplete=off autocapitalize=characters "
           f"spellcheck=false required></label><button type=submit>{esc(w['join'])}</button></form>")
    body = (f"<h1>{esc(w['join_title'])}</h1>" + (f'<p class="e">{esc(problem)}</p>' if problem else "")
            + f'<p class="m">{esc(w["join_help"])}</p>' + box)
    return document(problem or w["join_title"], body, lang)


def unknown_page(typed: str, w: Mapping[str, str]) -> str:
    shown = typed.strip()[:20] or "—"
    return entry_page(w, "en", phrase_book.fill(w["unknown_code"], code=shown))


def pretest_page(code: str, context: Context, material: pretest.Material,
                 criteria: list[pretest.Criterion], nonce: str, *,
                 posted: Mapping[str, list[str]] | None = None, error: str = "") -> str:
    w = context.words
    posted = posted or {}

    def held(name: str) -> str:
        return (posted.get(name) or [""])[0]

    shown = (f'<div class="q">{esc(material.text)}</div>' if material.text.strip()
             else f"<p>{esc(w['pretest_look'])}</p>")
    problem = f'<p class="e">{esc(error)}</p>' if error else ""
    unanswered = set()
    if error and posted:
        if not collapse(held("w")):
            unanswered.add("w")
        unanswered |= {f"s{i}" for i in range(len(criteria)) if not held(f"s{i}").strip()}
    parts = [f'<fieldset{" class=x" if "w" in unanswered else ""}><legend>1. {esc(w["pretest_words"])}</legend>'
             f'<textarea name=w rows=3 maxlength={pretest.WORDS_MAX} required '
             f'aria-label="{esc(w["pretest_words"])}">{esc(held("w"))}</textarea></fieldset>']
    for i, criterion in enumerate(criteria):
        name = f"s{i}"
        key = f"pretest_{criterion.value}"
        radios = "".join(
            f"<label><input type=radio name={name} value={v}{_checked(posted.get(name), str(v))}"
            f"{' required' if v == 1 else ''}>{v} · {esc(w[f'{key}_{v}'])}</label>" for v in range(1, 6))
        parts.append(f'<fieldset{" class=x" if name in unanswered else ""}><legend>{i + 2}. '
                     f'{esc(w[f"{key}_q"])}</legend>{radios}'
                     f'<label class="t">{esc(w["pretest_why"])}<textarea name=c{i} rows=2 '
                     f'maxlength={pretest.COMMENT_MAX}>{esc(held(f"c{i}"))}</textarea></label></fieldset>')
    parts.append(f'<label class="t">{esc(w["pretest_comment"])}<textarea name=g rows=2 '
                 f'maxlength={pretest.COMMENT_MAX}>{esc(held("g"))}</textarea></label>')
    sex, age = held("sx"), held("ag")
    sexes = "".join(f'<option value={s}{" selected" if sex == s else ""}>{esc(w[f"pretest_sex_{s}"])}'
                    for s in SEXES)
    ages = "".join(f'<option value={i}{" selected" if age == str(i) else ""}>{esc(band)}'
                   for i, band in enumerate(pretest.AGE_BANDS))
    parts.append(f'<fieldset><legend>{esc(w["pretest_about"])}</legend>'
                 f'<label class="t">{esc(w["pretest_sex"])} <select name=sx><option value="">'
                 f'{esc(w["pretest_not_said"])}{sexes}</select></label>'
                 f'<label class="t">{esc(w["pretest_age"])} <select name=ag><option value="">'
                 f'{esc(w["pretest_not_said"])}{ages}</select></label></fieldset>')
    body = (f"<h1>{esc(material.title)}</h1>{shown}{problem}<p class=m>{esc(w['pretest_intro'])}</p>"
            + form(code, {"kind": "pretest", "material": material.id, "nonce": nonce}, "".join(parts),
                         w["pretest_submit"]))
    return document(material.title, body, context.language, header=context.campaign_name)


def pretest_done_page(code: str, context: Context, material: pretest.Material, message: str) -> str:
    w = context.words
    thanks = f'<p class="k">{esc(message)}</p>' if message else ""
    body = (f"<h1>{esc(material.title)}</h1>{thanks}<p>{esc(w['pretest_answered'])}</p>"
            f'<a class="b" href="/j/{code}?edit=1">{esc(w["pretest_change"])}</a>')
    return document(message or material.title, body, context.language, refresh=True,
                     header=context.campaign_name)
