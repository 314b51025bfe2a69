"""Every change to the pre-test record, each one function in one transaction.

The pages, the phones and the command line change the record only through these verbs:
register a material, add a version, attach or remove its file, plan a pre-test session
and its group, add the grid's rows, take a phone's answers, save the paper-form grid,
code the participants' own words, show a material on the phones, record a decision.
Each reads the record, changes it and saves it checked as a whole (`record.editing`);
where the store changes too (a file, a session, what the phones show) that joins the
same transaction, so nothing is left half-done.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from c4d.models import Session, SessionKind, Sex, friendly_errors, name_key, new_id
from c4d.phones.model import LiveState, Showing
from c4d.pretest.files import CheckedFile, Upload, check_file
from c4d.pretest.grid import GridOutcome, apply_edits
from c4d.pretest.model import (
    MAX_CAMPAIGN_FILE_BYTES,
    THRESHOLD_MAX,
    THRESHOLD_MIN,
    WORDS_MAX,
    Choice,
    Coding,
    Composition,
    Criterion,
    Material,
    MaterialDecision,
    MaterialFile,
    MaterialType,
    PretestDoc,
    PretestError,
    PretestGroup,
    Respondent,
    Response,
    Role,
    clean_text,
    next_label,
)
from c4d.pretest.record import editing, load
from c4d.removed.model import Removed
from c4d.text import size_label

if TYPE_CHECKING:
    from c4d.db.store import Store


def set_rules(store: "Store", campaign_id: str, *, threshold: int | None = None,
              believability: bool | None = None) -> PretestDoc:
    """The campaign's scoring rules: the threshold a criterion needs to be ready, and whether
    believability is asked too. Returns the record as saved."""
    with editing(store, campaign_id) as doc:
        if threshold is not None:
            if isinstance(threshold, bool) or not THRESHOLD_MIN <= int(threshold) <= THRESHOLD_MAX:
                raise PretestError(f"The threshold must be between {THRESHOLD_MIN}% and {THRESHOLD_MAX}%.")
            doc.threshold = int(threshold)
        if believability is not None:
            doc.believability = bool(believability)
    return load(store, campaign_id)


# ---- the material register -------------------------------------------------------------------

def _store_file(store: "Store", campaign_id: str, checked: CheckedFile) -> MaterialFile:
    held = sum(len(a["content"]) for a in store.attachments(campaign_id))
    if held + len(checked.content) > MAX_CAMPAIGN_FILE_BYTES:
        raise PretestError(f"This campaign already holds {size_label(held)} of files; with this one it would pass "
                           f"{MAX_CAMPAIGN_FILE_BYTES // (1024 * 1024)} MB, more than a backup can carry. "
                           f"Remove files that are no longer needed first.")
    attachment_id = store.add_attachment(campaign_id, checked.filename, checked.media_type, checked.content)
    return MaterialFile(attachment_id=attachment_id, filename=checked.filename, media_type=checked.media_type,
                        kind=checked.kind, size=len(checked.content))


def _release_file(store: "Store", doc: PretestDoc, file: MaterialFile | None) -> None:
    """Delete the attachment once no material refers to it any more."""
    if file is None:
        return
    if not any(m.file is not None and m.file.attachment_id == file.attachment_id for m in doc.materials):
        store.delete_attachment(file.attachment_id)


def register_material(store: "Store", campaign_id: str, material: Material, upload: Upload | None = None) -> Material:
    """Add a draft (version 1 of a new material, or a version the caller numbered). The file
    is checked before anything is stored; the file and the register change together or not
    at all."""
    checked = check_file(upload.filename, upload.content) if upload is not None else None
    with editing(store, campaign_id) as doc:
        if checked is not None:
            material = material.model_copy(update={"file": _store_file(store, campaign_id, checked)})
        if material.family_id == material.id and any(m.id == material.id for m in doc.materials):
            raise PretestError("That material is already in the register.")
        doc.materials.append(material)
    return material


def add_version(store: "Store", campaign_id: str, base_id: str, changes: str, *, upload: Upload | None = None,
                text: str | None = None, title: str | None = None, created_on: date | None = None,
                keep_file: bool = True) -> Material:
    """The next version of a material: what changed and why is required. Text, title and
    file carry over unless new ones are given."""
    if not (changes or "").strip():
        raise PretestError("Say what changed from the previous version and why.")
    checked = check_file(upload.filename, upload.content) if upload is not None else None
    with editing(store, campaign_id) as doc:
        base = doc.material(base_id)
        family = doc.family(base.family_id)
        newest = family[-1]
        file = newest.file if keep_file else None
        if checked is not None:
            file = _store_file(store, campaign_id, checked)
        material = Material(
            family_id=base.family_id, version=newest.version + 1, type=newest.type,
            title=title if title is not None else newest.title, language=newest.language, purpose=newest.purpose,
            text=text if text is not None else newest.text, main_message=newest.main_message, changes=changes,
            file=file, drafted_in=newest.drafted_in, created_on=created_on or date.today(),
        )
        doc.materials.append(material)
    return material


def update_material(store: "Store", campaign_id: str, material_id: str, **changes: Any) -> Material:
    """Change a material's details (not its family or version number)."""
    allowed = {"type", "title", "language", "purpose", "text", "main_message", "changes", "notes", "drafted_in",
               "created_on"}
    if unknown := set(changes) - allowed:
        raise PretestError(f"These details cannot be changed here: {', '.join(sorted(unknown))}.")
    with editing(store, campaign_id) as doc:
        index = next((i for i, m in enumerate(doc.materials) if m.id == material_id), None)
        if index is None:
            raise PretestError("That material is no longer in the register.")
        try:
            updated = Material.model_validate(doc.materials[index].model_dump() | changes)
        except ValidationError as error:
            raise PretestError("; ".join(friendly_errors(error))) from None
        doc.materials[index] = updated
        if "title" in changes:  # the title follows through the family, so versions stay one material
            for i, other in enumerate(doc.materials):
                if other.family_id == updated.family_id and other.id != updated.id:
                    doc.materials[i] = other.model_copy(update={"title": updated.title})
    return updated


def attach_file(store: "Store", campaign_id: str, material_id: str, upload: Upload) -> Material:
    """Attach (or replace) the file of a material; checked before anything is stored."""
    checked = check_file(upload.filename, upload.content)
    with editing(store, campaign_id) as doc:
        index = next((i for i, m in enumerate(doc.materials) if m.id == material_id), None)
        if index is None:
            raise PretestError("That material is no longer in the register.")
        old = doc.materials[index].file
        doc.materials[index] = doc.materials[index].model_copy(
            update={"file": _store_file(store, campaign_id, checked)})
        _release_file(store, doc, old)
        return doc.materials[index]


def remove_file(store: "Store", campaign_id: str, material_id: str) -> Material:
    with editing(store, campaign_id) as doc:
        index = next((i for i, m in enumerate(doc.materials) if m.id == material_id), None)
        if index is None:
            raise PretestError("That material is no longer in the register.")
        old = doc.materials[index].file
        doc.materials[index] = doc.materials[index].model_copy(update={"file": None})
        _release_file(store, doc, old)
        return doc.materials[index]


def delete_material(store: "Store", campaign_id: str, material_id: str) -> int:
    """Remove a material with its answers and decisions; returns how many answers went.
    Everything that goes with it (and its file, when no other version keeps it) is kept
    today among the recently removed (`c4d.removed`), to be put back where it was."""
    with editing(store, campaign_id) as doc:
        material = doc.material(material_id)
        answers = len(doc.responses_to(material_id))
        went = {
            "index": doc.materials.index(material),
            "responses": _placed(doc.responses, lambda r: r.material_id == material_id),
            "decisions": _placed(doc.decisions, lambda d: d.material_id == material_id),
            "orders": {g.session_id: g.material_order.index(material_id)
                       for g in doc.groups if material_id in g.material_order},
        }
        doc.materials = [m for m in doc.materials if m.id != material_id]
        doc.responses = [r for r in doc.responses if r.material_id != material_id]
        doc.decisions = [d for d in doc.decisions if d.material_id != material_id]
        for group in doc.groups:
            group.material_order = [m for m in group.material_order if m != material_id]
        content, went["file"] = _file_kept(store, doc, campaign_id, material.file)
        _release_file(store, doc, material.file)
        before = list(doc.respondents)
        _forget_empty_respondents(doc)
        kept = {r.id for r in doc.respondents}
        went["respondents"] = _placed(before, lambda r: r.id not in kept)
        store.add_removed(Removed.of(campaign_id, material, **went), file=content)
    return answers


def _placed(items: list[Any], taken: Any) -> list[list[Any]]:
    """The items a removal takes from a list, each with its place: [[index, item as JSON], ...]."""
    return [[i, item.model_dump(mode="json")] for i, item in enumerate(items) if taken(item)]


def _put_back(items: list[Any], placed: list[list[Any]], model: Any) -> None:
    """Insert items where they were (in the order of their places, so the list is as it was)."""
    for index, data in sorted(placed, key=lambda pair: pair[0]):
        item = model.model_validate(data)
        if not any(x.id == item.id for x in items):
            items.insert(min(index, len(items)), item)


def _file_kept(store: "Store", doc: PretestDoc, campaign_id: str,
               file: MaterialFile | None) -> tuple[bytes | None, dict[str, Any] | None]:
    """A removed material's file, when removing the material deletes it (no other version
    keeps it): its content, and its details as saved."""
    if file is None or any(m.file is not None and m.file.attachment_id == file.attachment_id for m in doc.materials):
        return None, None
    saved = next((a for a in store.attachments(campaign_id) if a["id"] == file.attachment_id), None)
    if saved is None:
        return None, None
    return saved["content"], {"filename": saved["filename"], "media_type": saved["media_type"],
                              "created_at": saved["created_at"].isoformat()}


def restore_material(store: "Store", removed: Removed, content: bytes | None) -> Material:
    """Put a removed material back where it was in the register, with its answers, its
    decisions, its place in each group's order and its file."""
    material = Material.model_validate(removed.item)
    went = removed.record
    with editing(store, removed.campaign_id) as doc:
        if doc.find_material(material.id) is not None:
            raise PretestError(f"{material.name} is already in the register.")
        if any((m.family_id, m.version) == (material.family_id, material.version) for m in doc.materials):
            raise PretestError(f"{material.name} cannot be put back: another version {material.version} of "
                               f"'{material.title}' has been registered since.")
        if material.file is not None and went.get("file") and store.attachment(material.file.attachment_id) is None:
            if content is None:
                raise PretestError(f"The file of {material.name} is no longer kept.")
            store.restore_attachment(material.file.attachment_id, removed.campaign_id, went["file"]["filename"],
                                     went["file"]["media_type"], content,
                                     datetime.fromisoformat(went["file"]["created_at"]))
        doc.materials.insert(min(int(went.get("index", len(doc.materials))), len(doc.materials)), material)
        _put_back(doc.respondents, went.get("respondents", []), Respondent)
        _put_back(doc.responses, went.get("responses", []), Response)
        _put_back(doc.decisions, went.get("decisions", []), MaterialDecision)
        for session_id, index in went.get("orders", {}).items():
            group = doc.group(session_id)
            if group is not None and material.id not in group.material_order:
                group.material_order.insert(min(int(index), len(group.material_order)), material.id)
    return material


def _forget_empty_respondents(doc: PretestDoc) -> None:
    """Phones with no answer left are forgotten; paper rows stay (they are the grid's rows)."""
    answered = {r.respondent_id for r in doc.responses}
    doc.respondents = [r for r in doc.respondents if r.id in answered or r.device_key is None]


# ---- pre-test sessions and groups ------------------------------------------------------------

def add_pretest_session(store: "Store", campaign_id: str, *, place: str, title: str, held_on: date,
                        facilitators: Sequence[str]) -> Session:
    """A new pre-test focus group: the workshop session (kind pretest_fgd, titled after its
    place unless a title is given) and its pre-test group, together or not at all."""
    place, title = (place or "").strip(), (title or "").strip()
    if not place and not title:
        raise PretestError("give at least the place")
    with store.transaction():
        session = store.add_session(Session(
            campaign_id=campaign_id, kind=SessionKind.pretest_fgd, title=title or f"Pre-test focus group, {place}",
            start_date=held_on, end_date=held_on, place=place,
            facilitators=[f.strip() for f in facilitators if f.strip()]))
        save_group(store, campaign_id, PretestGroup(session_id=session.id))
    return session


def save_group(store: "Store", campaign_id: str, group: PretestGroup) -> PretestGroup:
    """Create or replace the pre-test details of a session."""
    with editing(store, campaign_id) as doc:
        if store.session_by_id(group.session_id).campaign_id != campaign_id:
            raise PretestError("That session belongs to another campaign.")
        doc.groups = [g for g in doc.groups if g.session_id != group.session_id] + [group]
    return group


def ensure_group(store: "Store", campaign_id: str, session_id: str) -> PretestGroup:
    """The session's pre-test group, made (with nothing recorded yet) when it has none."""
    with store.transaction():
        return load(store, campaign_id).group(session_id) or save_group(store, campaign_id,
                                                                       PretestGroup(session_id=session_id))


def forget_group(store: "Store", campaign_id: str, session_id: str) -> None:
    """Remove a session's pre-test details, respondents and answers."""
    with editing(store, campaign_id) as doc:
        doc.groups = [g for g in doc.groups if g.session_id != session_id]
        doc.responses = [r for r in doc.responses if r.session_id != session_id]
        doc.respondents = [r for r in doc.respondents if r.session_id != session_id]


def add_respondents_from_counts(store: "Store", campaign_id: str, session_id: str) -> list[Respondent]:
    """Rows for the grid from the group's counts by sex and age band: P1, P2, ... with
    their sex and age band filled in, so typing paper forms starts from the right rows."""
    with editing(store, campaign_id) as doc:
        group = doc.group(session_id)
        if group is None or not group.people:
            raise PretestError("Record the group's composition (counts by sex and age band) first.")
        existing = doc.respondents_of(session_id)
        paper = [r for r in existing if r.device_key is None]
        if len(paper) >= group.people:
            raise PretestError(f"The grid already has {len(paper)} rows for {group.people} people.")
        taken = {name_key(r.label) for r in existing}
        counts = Counter()
        for r in paper:
            counts[(r.sex, r.age_band)] += 1
        role = {Composition.target_audience: Role.target_audience,
                Composition.stakeholders: Role.stakeholder}.get(group.composition)
        made: list[Respondent] = []
        n = 0
        for row in group.counts:
            missing = row.count - counts[(row.sex, row.age_band)]
            for _ in range(max(0, missing)):
                n += 1
                while name_key(f"P{n}") in taken:
                    n += 1
                taken.add(name_key(f"P{n}"))
                made.append(Respondent(session_id=session_id, label=f"P{n}", sex=row.sex, age_band=row.age_band,
                                       role=role))
        doc.respondents.extend(made)
    return made


# ---- answers ---------------------------------------------------------------------------------

def submit_from_phone(store: "Store", campaign_id: str, session_id: str, material_id: str, device_key: str, *,
                      scores: Mapping[Criterion, int], own_words: str, comments: Mapping[str, str] | None = None,
                      sex: Sex | None = None, age: str | None = None) -> bool:
    """Save a phone's answers on a material; the phone's earlier answers on it are
    replaced (one standing answer per phone and material). Returns True when it replaced.
    The caller (the phone page) has checked that the material is the one on show."""
    with editing(store, campaign_id) as doc:
        material = doc.material(material_id)
        if doc.group(session_id) is None:
            raise PretestError("This session has no pre-test.")
        criteria = doc.criteria()
        if missing := [c for c in criteria if c not in scores]:
            raise PretestError("No score for " + ", ".join(c.label.lower() for c in missing) + ".")
        person = next((r for r in doc.respondents_of(session_id) if r.device_key == device_key), None)
        if person is None:
            person = Respondent(session_id=session_id, label=next_label(doc, session_id, "Phone "),
                                device_key=device_key, sex=sex, age_band=age)
            doc.respondents.append(person)
        elif sex is not None or age is not None:
            updated = person.model_copy(update={k: v for k, v in (("sex", sex), ("age_band", age)) if v is not None})
            doc.respondents = [updated if r.id == person.id else r for r in doc.respondents]
        existing = next((r for r in doc.responses
                         if r.respondent_id == person.id and r.material_id == material.id), None)
        response = Response(
            id=existing.id if existing else new_id(), session_id=session_id, material_id=material.id,
            respondent_id=person.id, scores={c: int(scores[c]) for c in criteria}, own_words=own_words,
            comments=dict(comments or {}), source="phone",
            coding=existing.coding if existing is not None and existing.own_words == clean_text(own_words, WORDS_MAX)
            else None,
        )
        doc.responses = [r for r in doc.responses if r is not existing] + [response]
    return existing is not None


def apply_grid_edits(store: "Store", campaign_id: str, session_id: str, material_id: str,
                     base: Sequence[Mapping[str, Any]], changes: Mapping[str, Any],
                     new_row_ids: dict[int, str] | None = None) -> GridOutcome:
    """Save a grid editor's changes (paper forms typed in), row by row as `grid.apply_edits`
    reads them: a row with a bad cell is refused with its reason while the other rows are
    saved, all in one transaction."""
    new_row_ids = new_row_ids if new_row_ids is not None else {}
    with editing(store, campaign_id) as doc:
        return apply_edits(doc, session_id, material_id, base, changes, new_row_ids)


def code_answers(store: "Store", campaign_id: str, codes: Mapping[str, Coding | None]) -> int:
    """Set the facilitator's coding of own words, by response id; returns how many changed."""
    changed = 0
    with editing(store, campaign_id) as doc:
        for i, response in enumerate(doc.responses):
            if response.id in codes and response.coding != codes[response.id]:
                doc.responses[i] = response.model_copy(update={"coding": codes[response.id]})
                changed += 1
    return changed


# ---- what the phones show --------------------------------------------------------------------

def show_material(store: "Store", campaign_id: str, session_id: str, material_id: str) -> LiveState:
    """Put a material on the phones of a pre-test session (it joins the group's order if it
    was not in it)."""
    with store.transaction():
        with editing(store, campaign_id) as doc:
            doc.material(material_id)
            group = doc.group(session_id)
            if group is None:
                session = store.session_by_id(session_id)
                if session.campaign_id != campaign_id:
                    raise PretestError("That session belongs to another campaign.")
                group = PretestGroup(session_id=session_id)
                doc.groups.append(group)
            if material_id not in group.material_order:
                group.material_order = group.material_order + [material_id]
        state = store.live_state(session_id)
        return store.save_live_state(state.model_copy(update={"showing": Showing.pretest,
                                                              "material_id": material_id}))


def stop_showing(store: "Store", session_id: str) -> LiveState:
    """Take the material off the phones of a session: they show a 'please wait' page."""
    with store.transaction():
        state = store.live_state(session_id)
        return store.save_live_state(state.model_copy(update={"showing": Showing.wait}))


# ---- the decision log ------------------------------------------------------------------------

def record_decision(store: "Store", campaign_id: str, material_id: str, decision: Choice | str, reason: str,
                    on: date, session_id: str | None = None) -> MaterialDecision:
    with editing(store, campaign_id) as doc:
        material = doc.material(material_id)
        if session_id is not None:
            session = store.session_by_id(session_id)
            if session.campaign_id != campaign_id:
                raise PretestError("That session belongs to another campaign.")
        try:
            entry = MaterialDecision(material_id=material.id, material=material.name[:200], version=material.version,
                                     decision=Choice(decision), reason=reason, date=on, session_id=session_id)
        except ValidationError as error:
            raise PretestError("; ".join(friendly_errors(error))) from None
        doc.decisions.append(entry)
        if entry.decision is Choice.drop and material.type is MaterialType.slogan:
            from c4d.brief.commands import withdraw_slogan  # loaded when needed: the phones use this module

            withdraw_slogan(store, campaign_id, [m.text for m in doc.family(material.family_id)], on=on,
                            what=f"Pre-test: {entry.material} dropped", why=reason)
    return entry


def delete_decision(store: "Store", campaign_id: str, decision_id: str) -> None:
    """Remove an entry of the decision log; restorable today (`c4d.removed`)."""
    with editing(store, campaign_id) as doc:
        for index, entry in enumerate(doc.decisions):
            if entry.id == decision_id:
                store.add_removed(Removed.of(campaign_id, entry, index=index))
        doc.decisions = [d for d in doc.decisions if d.id != decision_id]


def restore_decision(store: "Store", removed: Removed) -> MaterialDecision:
    """Put a removed entry back in the decision log; refused when its material is gone."""
    entry = MaterialDecision.model_validate(removed.item)
    with editing(store, removed.campaign_id) as doc:
        if doc.find_material(entry.material_id) is None:
            raise PretestError(f"The decision on {entry.material} cannot be put back: that material has been "
                               f"removed from the register.")
        _put_back(doc.decisions, [[int(removed.record.get("index", len(doc.decisions))), removed.item]],
                  MaterialDecision)
    return entry
