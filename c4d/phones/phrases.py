"""The few sentences a participant's phone shows, in the session's participant language.

English is built in. A facilitator can type a translation of any phrase for any language
in the settings (saved by `c4d.phones.commands.save_translations`); translations are kept
in the store's settings under "phrases" as {language: {key: text}}. A phrase without a translation falls back to English, one
phrase at a time, so a half-finished translation still gives a usable page.

Translations are user text: whoever shows them escapes them (the participant pages pass
every phrase through `html.escape`). Placeholders such as {n} are filled by `fill`,
which leaves anything it does not know untouched, so a mistyped brace in a translation
shows as typed instead of breaking the page.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from c4d.phones.model import PHRASES_SETTING

TEXT_MAX = 500  # one phrase; the longest English one is about 200 characters
LANGUAGE_PATTERN = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")

# key: (English text, what the phrase is for — shown next to it in the settings editor)
PHRASE_KEYS: dict[str, tuple[str, str]] = {
    "submit_vote": ("Send my vote", "Button under a ballot."),
    "submit_idea": ("Send my idea", "Button under the idea box."),
    "vote_counted": ("Thank you — your vote is counted.", "Shown after a vote is saved."),
    "vote_replaced": ("Your earlier vote was replaced by this one.",
                      "Shown after a second vote from the same phone or card replaced the first."),
    "change_vote": ("Change my vote", "Link back to the ballot, with this vote filled in, while voting is open."),
    "you_voted_for": ("You voted for: {choice}",
                      "Shown after voting on a one-choice ballot; {choice} is the option chosen."),
    "your_choices": ("You voted for:", "Shown after voting, above the list of the options chosen."),
    "your_dots": ("Your dots:", "Shown after dot voting, above each option with the dots placed on it."),
    "your_ranking": ("Your ranking:", "Shown after voting on a ranking, above the options in the order given."),
    "your_scores": ("Your scores:", "Shown after scoring, above each option with its scores."),
    "vote_filled_in": ("Your vote is filled in below. Change what you like and send it again.",
                       "Shown above a ballot opened with 'Change my vote'."),
    "replace_note": ("You can send again while voting is open; your new vote replaces the earlier one.",
                     "Small print under a ballot."),
    "idea_sent": ("Thank you — your idea was sent.", "Shown after an idea is saved."),
    "another_idea": ("Send another idea", "Link back to the idea box."),
    "voting_closed": ("Voting on this question is closed.", "Shown when the facilitator has closed the ballot."),
    "vote_not_counted": ("Voting on this question is closed; your vote was not counted.",
                         "Shown when a vote arrives after the ballot closed or moved on."),
    "vote_moved_on": ("This question is no longer on the phones; your vote was not counted.",
                      "Shown when a vote arrives for a question the facilitator has taken off the phones."),
    "earlier_vote_stands": ("If you voted on this question before, that vote still counts.",
                            "Small print under a refused vote."),
    "ideas_closed": ("The idea board is closed; your idea was not saved.",
                     "Shown when an idea arrives after the facilitator closed the idea board."),
    "please_wait": ("Please wait", "Title of the page shown when nothing is open."),
    "wait_text": ("Nothing is open for voting right now. This page checks again every few seconds; "
                  "you can also reload it when the facilitator asks.",
                  "Text of the waiting page."),
    "reload": ("Reload", "Link that loads the page again."),
    "results": ("Results", "Heading above the results, once the facilitator reveals them."),
    "results_none": ("No votes yet.", "Results while voting is open and nobody has voted."),
    "results_none_final": ("No votes were cast.", "Results of a closed question nobody voted on."),
    "results_leads": ("{label} leads.", "Results while voting is open; {label} is the leading option."),
    "results_wins": ("{label} wins.", "Results of a closed question; {label} is the winning option."),
    "results_tie": ("Tie between {labels}.", "Results with a tie; {labels} are the tied options, comma-separated."),
    "unknown_code": ("No workshop with the code {code}; check the code on the projector.",
                     "{code} is what the participant typed."),
    "join_title": ("Join the workshop", "Heading of the page where a participant types the code."),
    "join_help": ("Type the code shown on the projector.", "Line under that heading."),
    "join_code": ("Workshop code", "Label of the box where a participant types the code from the projector."),
    "join": ("Join", "Button that opens a workshop by its code."),
    "card_code": ("Card code", "Label of the box for the code printed on a voter card."),
    "card_required_help": ("Type the code printed on your voter card.",
                           "Help under the card code box when the vote is formal (cards required)."),
    "card_optional_help": ("Optional: type the code on your card to count your vote with your register entry "
                           "(sex and organisation type). Leave it empty to vote anonymously.",
                           "Help under the card code box when cards are optional."),
    "card_unknown": ("That card code is not known; check the code printed on your card.",
                     "Error when a card code does not match a card of this workshop."),
    "card_missing": ("Type the code printed on your voter card; this vote is only for card holders.",
                     "Error when a formal vote is sent without a card code."),
    "card_used": ("This card has already voted on this question from another phone. If that was not you, "
                  "tell the facilitator.",
                  "Error when a card already counted on another phone's vote is typed again."),
    "not_counted": ("Your vote was not counted:", "Start of an error message about a vote."),
    "pick_one": ("Choose one option.", "Instruction for a single-choice ballot."),
    "pick_up_to": ("Choose up to {k} options.", "Instruction for a multiple-choice ballot; {k} is a number."),
    "dots_stack": ("Place up to {n} dots; several on one option if you like.",
                   "Instruction for dot voting; {n} is the number of dots."),
    "dots_single": ("Place up to {n} dots, at most one on each option.",
                    "Instruction for dot voting without stacking; {n} is the number of dots."),
    "rank_all": ("Give every option a place: 1 for your favourite, up to {n}.",
                 "Instruction for a full ranking (Borda count); {n} is the number of options."),
    "rank_some": ("Give a place to the options you support: 1 for your favourite. "
                  "Leave out any you would never choose.",
                  "Instruction for a partial ranking (instant runoff)."),
    "score_each": ("Score each option on each criterion: {min} is low, {max} is high.",
                   "Instruction for a scoring matrix; {min} and {max} are 1 and 5."),
    "place": ("Place", "Label of the place box next to an option in a ranking."),
    "dots_label": ("Dots", "Label of the number box next to an option in dot voting."),
    "choose_option": ("Choose an option before sending your vote.", "Error: nothing chosen."),
    "choose_only_one": ("Choose only one option.", "Error: two options chosen on a single-choice ballot."),
    "choose_at_most": ("Choose at most {k} options.", "Error: too many options ticked; {k} is the limit."),
    "option_unknown": ("The vote names an option that is not on this ballot.",
                       "Error: the form named an option this ballot does not have."),
    "dots_number": ("Type a whole number of dots, from 0 to {n}.", "Error: a dot box holds something else."),
    "dots_none": ("Place at least one dot before sending your vote.", "Error: no dots placed."),
    "dots_over": ("You have {n} dots but placed {placed}.", "Error: too many dots."),
    "rank_none": ("Give a place to at least one option.", "Error: an empty ranking."),
    "rank_missing": ("Give every option a place, from 1 to {n}.", "Error: a full ranking has gaps."),
    "rank_twice": ("Two options have place {p}; give each place only once.", "Error: a place used twice."),
    "score_missing": ("Score every option on every criterion.", "Error: a scoring matrix is incomplete."),
    "score_range": ("Each score is a whole number from {min} to {max}.",
                    "Error: a score outside the scale; {min} and {max} are 1 and 5."),
    "idea_prompt": ("Your idea", "Label of the idea box when the facilitator gave no prompt."),
    "idea_empty": ("Write your idea before sending it.", "Error: an empty idea."),
    "idea_too_long": ("Your idea is {n} characters long; keep it to {max}. Nothing was saved.",
                      "Error: an idea over the length limit."),
    "too_long": ("That was too much text. Nothing was saved.", "Error: a form far bigger than any ballot."),
    "too_many_phones": ("Too many new phones from this address in a few minutes. Wait a few minutes, and keep "
                        "using the same browser: it remembers this phone for the workshop.",
                        "Error: one address keeps arriving as a new phone (its browser forgets the workshop)."),
    "too_many_tries": ("Too many tries; wait a few seconds and try again.", "Error: many sends in a few seconds."),
    "reload_page": ("Please reload this page and try again; nothing was counted.",
                    "Error: the page was out of date or the phone's token was not recognised."),
    "bad_form": ("This form could not be read. Please reload the page and try again; nothing was counted.",
                 "Error: a damaged form."),
    "error": ("Something went wrong; please tell the facilitator.", "Error: an unexpected problem on the laptop."),
    # ---- pre-test scoring of draft materials (c4d.pretest.model): the anchored 1–5 wording ----
    **{f"pretest_{criterion}_{part}": (text, f"Pre-test, {criterion}: "
                                             + ("the question." if part == "q" else f"what a score of {part} means."))
       for criterion, parts in {
           "comprehension": {"q": "How well did you understand it?",
                             "1": "I did not understand it", "2": "I understood a little of it",
                             "3": "I understood about half of it", "4": "I understood most of it",
                             "5": "I understood all of it"},
           "appeal": {"q": "How much do you like it?",
                      "1": "I do not like it at all", "2": "I do not like it much", "3": "It is all right",
                      "4": "I like it", "5": "I like it very much"},
           "acceptability": {"q": "Does anything in it bother, offend or embarrass you?",
                             "1": "Yes, it offends me", "2": "Several things bother me",
                             "3": "One or two things bother me", "4": "Hardly anything bothers me",
                             "5": "Nothing in it bothers me"},
           "relevance": {"q": "Is it meant for people like you?",
                         "1": "Not at all", "2": "A little", "3": "Partly", "4": "Mostly",
                         "5": "Yes, it is about people like me"},
           "persuasion": {"q": "Does it make you want to do what it asks?",
                          "1": "Not at all", "2": "A little", "3": "Partly", "4": "Yes",
                          "5": "Yes, very much"},
           "believability": {"q": "Do you believe what it says?",
                             "1": "Not at all", "2": "Hardly", "3": "Partly", "4": "Mostly",
                             "5": "Completely"},
       }.items() for part, text in parts.items()},
    "pretest_intro": ("Answer for this material only. There are no right or wrong answers: say what you think.",
                      "Pre-test: the line under the material's title."),
    "pretest_look": ("Look at the material the facilitator is showing now.",
                     "Pre-test: shown when the material is a picture, video or sound, not typed text."),
    "pretest_words": ("In your own words, what is the main message?",
                      "Pre-test: the open question asked first (comprehension)."),
    "pretest_why": ("Why? (optional)", "Pre-test: the comment box under each question."),
    "pretest_comment": ("Anything else you want to say about it? (optional)", "Pre-test: the last comment box."),
    "pretest_about": ("About you (optional)", "Pre-test: heading above the sex and age questions."),
    "pretest_sex": ("You are", "Pre-test: label of the sex question."),
    "pretest_sex_woman": ("A woman", "Pre-test: answer to 'You are'."),
    "pretest_sex_man": ("A man", "Pre-test: answer to 'You are'."),
    "pretest_sex_another": ("Another", "Pre-test: answer to 'You are'."),
    "pretest_sex_undisclosed": ("I prefer not to say", "Pre-test: answer to 'You are'."),
    "pretest_age": ("Your age", "Pre-test: label of the age question (the answers are age bands)."),
    "pretest_not_said": ("Not said", "Pre-test: the empty answer to the sex and age questions."),
    "pretest_submit": ("Send my answers", "Pre-test: button under the form."),
    "pretest_saved": ("Thank you — your answers are saved.", "Pre-test: shown after answers are saved."),
    "pretest_replaced": ("Your earlier answers to this material were replaced by these.",
                         "Pre-test: shown after a phone sent answers to the same material again."),
    "pretest_answered": ("You have answered for this material. The next one appears here when the facilitator "
                         "shows it.", "Pre-test: the waiting page after answering."),
    "pretest_change": ("Change my answers", "Pre-test: link back to the form, with the answers filled in."),
    "pretest_missing": ("Please answer question {missing} too; nothing was saved yet.",
                        "Pre-test error: questions left unanswered; {missing} is their numbers, e.g. '3, 5'."),
    "pretest_too_long": ("Keep each answer under {max} characters; nothing was saved yet.",
                         "Pre-test error: a very long answer."),
    "pretest_closed": ("Scoring of this material has ended; your answers were not saved.",
                       "Pre-test error: answers sent after the facilitator moved on."),
}

ENGLISH: dict[str, str] = {key: text for key, (text, _) in PHRASE_KEYS.items()}

_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def fill(text: str, **values: Any) -> str:
    """Put the values into their {placeholders}; unknown placeholders stay as typed."""
    return _PLACEHOLDER.sub(lambda m: str(values[m.group(1)]) if m.group(1) in values else m.group(0), text)


def _candidates(language: str) -> list[str]:
    language = (language or "").strip()
    base = language.split("-", 1)[0]
    return [language] + ([base] if base and base != language else [])


def phrases(language: str, overrides: Mapping[str, Any] | None = None) -> dict[str, str]:
    """Every phrase for `language`: the facilitator's translation where there is one
    (e.g. for "pt-BR" the "pt-BR" text, then the "pt" text), English otherwise.

    `overrides` is the translations as stored: {language: {key: text}}."""
    result = dict(ENGLISH)
    if not overrides:
        return result
    for candidate in reversed(_candidates(language)):  # base language first, specific wins
        table = overrides.get(candidate)
        if not isinstance(table, Mapping):
            continue
        for key, text in table.items():
            if key in result and isinstance(text, str) and text.strip():
                result[key] = text.strip()[:TEXT_MAX]
    return result


# ---- stored translations ---------------------------------------------------------------

def load_translations(store: Any) -> dict[str, dict[str, str]]:
    """The translations typed on this laptop, {language: {key: text}}; damaged entries are skipped."""
    return translations_from(store.setting(PHRASES_SETTING, {}))


def translations_from(stored: Any) -> dict[str, dict[str, str]]:
    """The translations in the setting's stored value (None when there is none yet),
    {language: {key: text}}; damaged entries are skipped."""
    if not isinstance(stored, dict):
        return {}
    clean: dict[str, dict[str, str]] = {}
    for language, table in stored.items():
        if isinstance(language, str) and isinstance(table, dict):
            clean[language] = {k: v for k, v in table.items() if k in PHRASE_KEYS and isinstance(v, str)}
    return clean
