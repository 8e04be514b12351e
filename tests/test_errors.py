"""Every refusal of the project is one CreditBoardError family, readable in Chinese and in English."""

from __future__ import annotations

import importlib
import pkgutil

import pandas as pd
import pytest

import core
import db
from core.cli_common import CommandError, refusal_of
from core.draw import DrawError
from core.errors import CreditBoardError, InputError, Problem, RulebookError
from core.placement import PlacementError
from core.rulebook import load_rulebook, parse_rulebook
from core.workdays import CalendarMissing
from db.accounts.roles import AccessDenied
from db.accounts.security import PasswordPolicyError
from db.accounts.users import UserError
from db.agency.documents import DocumentError
from db.agency.filings import Unchanged
from db.documents.canonical import DuplicateKeys, UnreadableDocument
from db.documents.export import ExportError
from db.documents.signing import SigningKeyError
from db.edition.build import EditionError
from db.findings.recording import RecordError
from db.findings.suggestions import SuggestionError
from db.publishing.listing_removal import ListingError
from db.publishing.notice import NoticeError
from db.publishing.publish import PublishConflict, PublishError, ReasonRequired
from db.records.imports import RepeatedRecords
from db.reference.towns import TownError
from db.spotcheck.pool import SpotCheckError
from db.store.settings import SettingsError
from db.supervision.hazard_reports import HazardReportError
from db.supervision.inspections import InspectionError
from db.supervision.referrals import ReferralError
from db.uploads.repeats import REPEAT_COLUMNS, RepeatedFindings

PROBLEM = Problem(3, "条款", "未知条款", "unknown clause", "4.1")
REPEAT = {"row": 2, "agency_name": "江阴安信", "clause": "2.5", "date": "2025-03-01", "upload_id": 1,
          "file_name": "a.csv", "recorded_by": "admin", "same_as_row": None}
# One refusal of each kind, made the way its module makes it.
REFUSALS: dict[type, CreditBoardError] = {
    UserError: UserError("账号已存在", "the account exists"),
    RecordError: RecordError("请填写日期", "a date is needed"),
    PublishError: PublishError("没有可发布的内容", "nothing to publish"),
    ReasonRequired: ReasonRequired("更正须填写原因", "a correction needs a reason"),
    PublishConflict: PublishConflict("有人同时发布", "someone published at the same time"),
    ExportError: ExportError("没有该版本", "no such version"),
    EditionError: EditionError("该文件夹不是静态版", "the folder is not an edition"),
    TownError: TownError("镇街园名称不能为空", "a town needs a name"),
    PasswordPolicyError: PasswordPolicyError("密码太短", "the password is too short"),
    AccessDenied: AccessDenied(),
    CommandError: CommandError([PROBLEM]),
    PlacementError: PlacementError("period", "请填写考核期", "a finding needs a period"),
    InputError: InputError([PROBLEM]),
    CalendarMissing: CalendarMissing(2031, "core/holidays.toml"),
    SettingsError: SettingsError(problems=[Problem(None, "SEED_DEMO", "设置应为 1 或 0", "must be 1 or 0", "x")]),
    RepeatedFindings: RepeatedFindings(pd.DataFrame([{c: REPEAT.get(c, "") for c in REPEAT_COLUMNS}])),
    RepeatedRecords: RepeatedRecords("visits", pd.DataFrame([{"row": 2, "upload_id": 1, "file_name": "a.csv"}])),
    ListingError: ListingError("必须填写决定理由", "a reason is required"),
    DocumentError: DocumentError("只接受PDF、JPG或PNG扫描件", "only PDF, JPG or PNG scans are accepted"),
    HazardReportError: HazardReportError("该报告已办结（编号1）", "this report is closed already (no. 1)"),
    SuggestionError: SuggestionError("驳回须填写理由", "a dismissal needs a reason"),
    NoticeError: NoticeError("2025年度正在公示，截止2025-12-31", "2025 is under notice until 2025-12-31"),
    UnreadableDocument: UnreadableDocument("不是有效的 JSON", "not valid JSON"),
    DuplicateKeys: DuplicateKeys("JSON 中有重复的键：total", "duplicated key in the JSON: total"),
    SigningKeyError: SigningKeyError("没有发布签名密钥", "no publication signing key"),
    Unchanged: Unchanged(),
    SpotCheckError: SpotCheckError("该计划已抽取", "this plan has been drawn already"),
    DrawError: DrawError("名额大于可抽机构数", "the quota is larger than the agencies to draw from"),
    InspectionError: InspectionError("请填写企业名称", "the enterprise name is required"),
    ReferralError: ReferralError("该上报事项已处理，不能再次处理", "this referral was decided already"),
}


def _project_exceptions() -> set[type]:
    for package in (core, db):
        for module in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
            if ".migrations" not in module.name and module.name not in ("core.__main__", "db.__main__"):
                importlib.import_module(module.name)
    found, todo = set(), [Exception]
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            if sub.__module__.split(".")[0] in ("core", "db", "dashboard"):
                found.add(sub)
    return found


def test_every_exception_class_of_the_project_is_a_credit_board_error():
    assert {cls for cls in _project_exceptions() if not issubclass(cls, CreditBoardError)} == set()


def test_every_refusal_class_is_covered_here():
    assert _project_exceptions() - {CreditBoardError, RulebookError} == set(REFUSALS)


@pytest.mark.parametrize("cls", list(REFUSALS), ids=lambda c: c.__name__)
def test_every_refusal_reads_in_both_languages(cls):
    refusal = REFUSALS[cls]
    assert isinstance(refusal, CreditBoardError)
    assert refusal.message_zh.strip() and refusal.message_en.strip() and refusal.problems
    assert refusal_of(refusal) == refusal.problems  # and both command lines print it one way


def test_a_single_message_refusal_is_one_problem_without_row_or_column():
    refusal = UserError("账号已存在", "the account exists")
    assert refusal.problems == [Problem(None, None, "账号已存在", "the account exists")]
    assert str(refusal) == "the account exists / 账号已存在"


def test_a_refused_file_keeps_each_problem_in_each_language():
    refusal = InputError([PROBLEM])
    assert refusal.message_zh == "【第3行，列“条款”】未知条款 (4.1)"
    assert refusal.message_en == "row 3, column 条款: unknown clause (4.1)"


def test_a_malformed_rulebook_is_refused_in_chinese_too():
    with pytest.raises(RulebookError) as info:
        parse_rulebook({"total": 100}, origin="broken.toml")
    assert all(p.message_zh.startswith("评分规则文件不合格：broken.toml") for p in info.value.problems)


def test_an_unknown_rulebook_is_refused_in_chinese_too():
    load_rulebook.cache_clear()
    with pytest.raises(RulebookError) as info:
        load_rulebook("no-such-city")
    assert "没有评分规则 'no-such-city'" in info.value.message_zh
    assert "no rulebook 'no-such-city'" in info.value.message_en
