"""Text people type (reasons, notes, letters): one check, db.store.text.checked_text, its limit the columns' own,
and every service that stores such text refusing what it refuses, in its own error class."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from sqlalchemy import select
from sqlmodel import Session

from core import china_time
from core.errors import CreditBoardError
from db.accounts.actor import Actor
from db.findings.recording import RecordError, record_finding, record_interview
from db.findings.suggestions import SuggestionError, dismiss_suggestion, run_watch
from db.findings.withdraw import withdraw_finding
from db.publishing.listing_removal import ListingError, apply_repair, decide_repair
from db.publishing.notice import open_notice
from db.publishing.objections import file_objection, record_letter, resolve_objection
from db.publishing.publish import PublishError, publish_year
from db.store.models import (
    Finding,
    Interview,
    Listing,
    ListingEvent,
    Objection,
    Publication,
    RepairApplication,
    Suggestion,
)
from db.store.text import TEXT_LIMIT, checked_text, column_length
from tests.builders import credit_code, fast_argon2, make_agency_user, make_staff  # noqa: F401  (fixture)
from tests.db.publishing import YEAR, a_year
from tests.db.queue_factory import AS_OF, store_records
from tests.db.queue_factory import YEAR as QUEUE_YEAR
from tests.notices import ended_notice, publish_after_notice

FIELD = ("处理理由", "reason")
TODAY = china_time.today()


# --- the check itself ------------------------------------------------------------------------------------------

def test_the_limit_is_the_columns_and_every_typed_text_column_has_it():
    """One number, read from the model: a column grown or shrunk in models.py moves the check and the pages."""
    assert TEXT_LIMIT == 2000
    typed = (Finding.description, Finding.withdrawal_reason, Interview.notes, Suggestion.reason, Publication.reason,
             RepairApplication.summary, RepairApplication.decision_reason, RepairApplication.revoke_reason,
             ListingEvent.reason, Objection.text, Objection.reason)
    assert {column_length(column) for column in typed} == {TEXT_LIMIT}


@pytest.mark.parametrize(("value", "kept"), [
    ("字" * TEXT_LIMIT, "字" * TEXT_LIMIT),  # exactly the limit
    ("  经复核属实 \n", "经复核属实"),  # trimmed
    (" " + "a" * TEXT_LIMIT + "\t", "a" * TEXT_LIMIT),  # the surrounding whitespace is not counted
])
def test_text_up_to_the_limit_is_kept_trimmed(value, kept):
    assert checked_text(value, field=FIELD) == kept


@pytest.mark.parametrize(("value", "zh", "en"), [
    ("字" * (TEXT_LIMIT + 1), "处理理由不能超过2000个字", "the reason may have at most 2000 characters"),
    ("", "请填写处理理由", "the reason is required"),
    (None, "请填写处理理由", "the reason is required"),
    ("  \n\t　", "请填写处理理由", "the reason is required"),  # whitespace only, the ideographic space too
])
def test_text_too_long_or_blank_is_refused_in_both_languages(value, zh, en):
    with pytest.raises(CreditBoardError) as refused:
        checked_text(value, field=FIELD)
    assert (refused.value.message_zh, refused.value.message_en) == (zh, en)


def test_optional_text_may_be_blank_but_not_too_long_and_the_error_is_the_callers():
    assert checked_text("   ", field=FIELD, required=False) == ""
    assert checked_text(None, field=FIELD, required=False) == ""
    with pytest.raises(ListingError, match="at most 2000"):
        checked_text("x" * (TEXT_LIMIT + 1), field=FIELD, required=False, error=ListingError)
    with pytest.raises(RecordError, match="at most 64"):
        checked_text("x" * 65, field=FIELD, limit=column_length(Finding.practitioner), error=RecordError)


# --- every service that stores typed text -----------------------------------------------------------------------
# Each case sets up what its service needs and returns (store: text → the text as stored, its error class, whether
# the text is required).

Case = tuple[Callable[[str], str], type[CreditBoardError], bool]


def _last(engine, column) -> str:
    with Session(engine) as session:
        return session.execute(select(column).order_by(column.class_.id.desc()).limit(1)).scalar_one()


def _finding_description(engine) -> Case:
    a_year(engine)
    staff = make_staff(engine)

    def store(text: str) -> str:
        record_finding(engine=engine, user=staff["staff"], credit_code=credit_code(1), clause="2.1",
                       date=dt.date(YEAR, 3, 2), description=text)
        return _last(engine, Finding.description)
    return store, RecordError, False


def _interview_notes(engine) -> Case:
    a_year(engine)
    staff = make_staff(engine)

    def store(text: str) -> str:
        record_interview(engine=engine, user=staff["staff"], credit_code=credit_code(1), date=dt.date(YEAR, 3, 2),
                         notes=text)
        return _last(engine, Interview.notes)
    return store, RecordError, False


def _running_notice(engine) -> None:
    open_notice(engine=engine, by=Actor.operator("admin.zhou"), year=YEAR, ends_on=TODAY + dt.timedelta(days=3),
                today=TODAY - dt.timedelta(days=2))


def _objection_text(engine) -> Case:
    a_year(engine)
    _running_notice(engine)
    agency = make_agency_user(engine, "agency.one", credit_code(1))
    with Session(engine) as session:
        target = session.execute(select(Finding.id).where(Finding.withdrawn_at.is_(None))
                                 .order_by(Finding.id)).scalars().first()

    def store(text: str) -> str:
        file_objection(engine=engine, user=agency, finding_id=target, text=text)
        return _last(engine, Objection.text)
    return store, RecordError, True


def _letter_text(engine) -> Case:
    a_year(engine)
    _running_notice(engine)
    staff = make_staff(engine)
    with Session(engine) as session:
        target = session.execute(select(Finding.id).order_by(Finding.id)).scalars().first()

    def store(text: str) -> str:
        record_letter(engine=engine, user=staff["staff"], finding_id=target, text=text, received_on=TODAY)
        return _last(engine, Objection.text)
    return store, RecordError, True


def _resolution_reason(engine) -> Case:
    a_year(engine)
    _running_notice(engine)
    staff = make_staff(engine)
    with Session(engine) as session:
        target = session.execute(select(Finding.id).order_by(Finding.id)).scalars().first()
    objection = record_letter(engine=engine, user=staff["staff"], finding_id=target, text="不同意", received_on=TODAY)

    def store(text: str) -> str:
        resolve_objection(engine=engine, user=staff["staff"], objection_id=objection.id, uphold=False, reason=text)
        return _last(engine, Objection.reason)
    return store, RecordError, True


def _withdrawal_reason(engine) -> Case:
    a_year(engine)
    staff = make_staff(engine)
    with Session(engine) as session:
        target = session.execute(select(Finding.id).order_by(Finding.id)).scalars().first()

    def store(text: str) -> str:
        withdraw_finding(engine=engine, user=staff["staff"], finding_id=target, reason=text)
        with Session(engine) as session:
            return session.get(Finding, target).withdrawal_reason
    return store, RecordError, True


def _dismissal_reason(engine) -> Case:
    store_records(engine)
    staff = make_staff(engine)
    found = run_watch(engine=engine, year=QUEUE_YEAR, as_of=AS_OF)
    suggestion = found[(found["rule"] == "no_commitment") & (found["assessor"] == "bureau")].to_dict("records")[0]

    def store(text: str) -> str:
        dismiss_suggestion(engine=engine, user=staff["staff"], suggestion=suggestion, year=QUEUE_YEAR, reason=text)
        return _last(engine, Suggestion.reason)
    return store, SuggestionError, True


def _listed(engine) -> int:
    """A published year with agency 2 listed by clause: its listing's id."""
    a_year(engine)
    publish_after_notice(engine=engine, year=YEAR, by=Actor.operator("admin.zhou"))
    with Session(engine) as session:
        return session.execute(select(Listing.id).where(Listing.credit_code == credit_code(2),
                                                        Listing.practitioner == "")).scalar_one()


def _repair_summary(engine) -> Case:
    listing_id = _listed(engine)
    staff = make_staff(engine)

    def store(text: str) -> str:
        # One pending application at a time: each stored one is refused at once, making room for the next.
        application = apply_repair(engine=engine, by=staff["staff"], listing_id=listing_id, received_on=TODAY,
                                   summary=text)
        decide_repair(engine=engine, by=staff["staff"], application_id=application.id, grant=False, reason="不予修复")
        return _last(engine, RepairApplication.summary)
    return store, ListingError, False


def _repair_decision(engine) -> Case:
    listing_id = _listed(engine)
    staff = make_staff(engine)
    application = apply_repair(engine=engine, by=staff["staff"], listing_id=listing_id, received_on=TODAY)

    def store(text: str) -> str:
        decide_repair(engine=engine, by=staff["staff"], application_id=application.id, grant=False, reason=text)
        return _last(engine, RepairApplication.decision_reason)
    return store, ListingError, True


def _publication_reason(engine) -> Case:
    a_year(engine)
    ended_notice(engine, YEAR)

    def store(text: str) -> str:
        publish_year(engine=engine, year=YEAR, by=Actor.operator("admin.zhou"), reason=text)
        return _last(engine, Publication.reason)
    return store, PublishError, False  # required of a correction only (ReasonRequired, tests/db/test_publish.py)


CASES = {
    "finding description": _finding_description, "interview notes": _interview_notes,
    "objection": _objection_text, "objection letter": _letter_text, "objection resolution": _resolution_reason,
    "finding withdrawal": _withdrawal_reason, "suggestion dismissal": _dismissal_reason,
    "repair application": _repair_summary, "repair decision": _repair_decision,
    "publication reason": _publication_reason,
}


@pytest.mark.usefixtures("fast_argon2")
@pytest.mark.parametrize("case", list(CASES))
def test_every_service_stores_text_up_to_the_limit_and_refuses_more_or_blank(engine, case):
    store, error, required = CASES[case](engine)
    with pytest.raises(error, match=f"at most {TEXT_LIMIT} characters"):
        store("字" * (TEXT_LIMIT + 1))
    if required:
        for blank in ("", " \n\t"):
            with pytest.raises(error, match="is required"):
                store(blank)
    assert store(" " + "字" * TEXT_LIMIT + " ") == "字" * TEXT_LIMIT  # the column holds it whole, on both databases
