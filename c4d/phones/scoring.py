"""Pre-test scoring on the phones (`c4d.pretest`): the form for the material on show, and
taking its answers.

The form shows the material on show (its typed text, or "look at the material the
facilitator is showing"), the open question on the main message, then each criterion as
five radio buttons with their anchored wording, an optional "why" under each, and
optional sex and age band. Every criterion and the main message must be answered (a
half-filled form comes back with the answers kept and the missing question numbers
named); a score outside 1–5 is refused. One standing answer per phone and material:
sending again replaces it. After answering, the phone waits (refreshing itself) until
the facilitator shows the next material.
"""

from __future__ import annotations

import hashlib
import logging

from starlette.responses import Response

from c4d import permissions
from c4d.db.store import Store
from c4d.phones.forms import Invalid, one, pretest_posted, pretest_subject, read_pretest
from c4d.phones.model import LiveState, Showing, voter_key_for_device
from c4d.phones.pages import Context, pretest_done_page, pretest_page
from c4d.phones.responses import message, page, redirect
from c4d.phones.tokens import RecentForms, nonce, nonce_ok, sent_flag, sent_kind
from c4d.pretest import commands, record
from c4d.pretest import model as pretest
from c4d.pretest.showing import phone_respondent, phone_response

log = logging.getLogger("c4d.phones.scoring")


def showing_material(store: Store, state: LiveState, context: Context
                     ) -> tuple[pretest.PretestDoc, pretest.Material] | None:
    """The pre-test record and the material on show, when a pre-test is on the phones."""
    if state.showing is not Showing.pretest or not state.material_id:
        return None
    try:
        doc = record.load(store, context.campaign_id)
    except pretest.PretestError:
        log.exception("the pre-test record could not be read for the phones")
        return None
    material = doc.find_material(state.material_id)
    if material is None or doc.group(state.session_id) is None:
        return None
    return doc, material


def form_page(secret: str, code: str, context: Context, state: LiveState,
              scoring: tuple[pretest.PretestDoc, pretest.Material], device_id: str, flag: str | None,
              *, edit: bool) -> str:
    """The page for the material on show: the scoring form (filled in again with the
    answers standing, to change them, when `edit`), or "answered" once this phone has."""
    doc, material = scoring
    criteria = doc.criteria()
    subject = pretest_subject(state.session_id, material.id, criteria)
    sent = sent_kind(secret, flag, device_id, subject)
    key = voter_key_for_device(device_id)
    answered = phone_response(doc, state.session_id, material.id, key)
    w = context.words
    if sent in ("answers", "answers_replaced") and not edit:
        return pretest_done_page(code, context, material,
                                 w["pretest_replaced" if sent == "answers_replaced" else "pretest_saved"])
    if answered is not None and not edit:
        return pretest_done_page(code, context, material, "")
    person = phone_respondent(doc, state.session_id, key)
    posted = pretest_posted(answered, person, criteria)
    return pretest_page(code, context, material, criteria, nonce(secret, device_id, subject), posted=posted)


def take_answers(store: Store, secret: str, code: str, device_id: str, fields: dict[str, list[str]],
                 state: LiveState, context: Context, taken: list[str],
                 recent: RecentForms) -> Response:
    """Check and save a phone's answers about the material on show (see routes.ParticipantSite._take)."""
    w = context.words
    material_id, sent_nonce = one(fields, "material"), one(fields, "nonce")
    if not material_id or not sent_nonce:
        return message(w, w["bad_form"], context.language, 400, code=code, header=context.campaign_name)
    scoring = showing_material(store, state, context)
    decision = permissions.score_material(material_id, scoring[1].id if scoring is not None else None)
    if not decision.allowed:
        return message(w, w[decision.reason], context.language, 409, code=code, header=context.campaign_name)
    doc, material = scoring
    criteria = doc.criteria()
    subject = pretest_subject(state.session_id, material.id, criteria)
    if not nonce_ok(secret, sent_nonce, device_id, subject):
        return message(w, w["reload_page"], context.language, 400, code=code, header=context.campaign_name)
    try:
        answers = read_pretest(criteria, fields, w)
    except Invalid as problem:
        fresh = nonce(secret, device_id, subject)
        return page(pretest_page(code, context, material, criteria, fresh, posted=fields,
                                 error=str(problem)), 422)
    key = voter_key_for_device(device_id)
    fingerprint = hashlib.sha256(repr((key, material.id, sorted(answers["scores"].items()), answers["own_words"],
                                       sorted(answers["comments"].items()), answers["sex"], answers["age"])
                                      ).encode()).hexdigest()
    held = recent.get(sent_nonce)
    if held is not None and held[0] == fingerprint:
        replaced = held[1]  # the same form sent twice: saved the first time
    else:
        try:
            replaced = commands.submit_from_phone(store, context.campaign_id, state.session_id, material.id, key,
                                                  **answers)
        except pretest.PretestError:
            log.warning("pre-test answers refused by the record", exc_info=True)
            return message(w, w["pretest_closed"], context.language, 409, code=code,
                           header=context.campaign_name)
        recent.remember(sent_nonce, fingerprint, replaced)
        taken.append(sent_nonce)
    flag = sent_flag(secret, device_id, subject, "q" if replaced else "p")
    return redirect(f"/j/{code}?sent={flag}")
