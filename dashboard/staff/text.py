"""Every label of the staff workspace in Chinese (the default) and English; follows the site's language switch."""

from __future__ import annotations

from core.service_records import KIND_LABELS
from dashboard.i18n import current

# The six service-record files in English (their Chinese names are core.service_records.KIND_LABELS).
_RECORD_KINDS_EN = {
    "registry": "Agency registry (附件1)", "practitioners": "Practitioners", "changes": "Changes",
    "contracts": "Service contracts", "visits": "Visits (附件2)", "reports": "Monthly reports",
}

# key: (中文, English)
LABELS: dict[str, tuple[str, str]] = {
    "section_staff": ("工作人员", "Staff"),
    "page_home_signed_out": ("工作人员登录", "Staff sign-in"),
    "page_home": ("工作台", "Workspace"),
    "page_record_finding": ("录入扣分记录", "Record a finding"),
    "page_record_interview": ("录入约谈", "Record an interview"),
    "page_upload": ("上传年度结果", "Upload results"),
    "page_publish": ("发布", "Publish"),
    "page_users": ("账号管理", "Accounts"),
    "page_towns": ("镇街园管理", "Towns"),
    "page_audit": ("操作日志", "Audit log"),
    # sign-in
    "username": ("用户名", "Username"),
    "password": ("密码", "Password"),
    "sign_in": ("登录", "Sign in"),
    "sign_in_failed": ("用户名或密码不正确，或账号不可用。", "Wrong username or password, or the account cannot sign in."),
    "locked": (
        "登录失败次数过多，请{minutes}分钟后再试，或请管理员解除限制。",
        "Too many failed sign-ins: try again in {minutes} minute(s), or ask an administrator to lift the wait.",
    ),
    "idle_ended": ("您已{minutes}分钟未操作，已自动退出登录。", "You were idle for {minutes} minutes and have been signed out."),
    "signed_out": ("已退出登录。", "You are signed out."),
    "sign_in_help": (
        "仅限市应急管理局和镇街园工作人员。账号由管理员创建；首个管理员账号用命令 `python -m db create-user` 创建。",
        "For bureau and town staff only. Accounts are made by an administrator; the first one with "
        "`python -m db create-user`.",
    ),
    "not_allowed": ("无权使用此页面，请先以有权限的账号登录。", "You may not use this page: sign in with an account that may."),
    # home
    "signed_in_as": ("当前登录：{name}（{role}{town}）", "Signed in as {name} ({role}{town})"),
    "sign_out": ("退出登录", "Sign out"),
    "your_pages": ("可用功能", "What you can do"),
    "change_password": ("修改密码", "Change password"),
    "current_password": ("当前密码", "Current password"),
    "new_password": ("新密码（至少{n}个字符）", "New password (at least {n} characters)"),
    "new_password_again": ("再次输入新密码", "New password again"),
    "passwords_differ": ("两次输入的密码不一致。", "The two passwords differ."),
    "password_changed": ("密码已修改。", "Password changed."),
    "current_password_wrong": ("当前密码不正确。", "The current password is wrong."),
    "save": ("保存", "Save"),
    "idle_note": ("{minutes}分钟未操作将自动退出。", "You are signed out after {minutes} idle minutes."),
    # records
    "agency": ("服务机构", "Agency"),
    "agency_new": ("（新机构，不在列表中）", "(a new agency, not in the list)"),
    "choose": ("请选择", "Choose"),
    "choose_agency": ("选择机构（可输入名称或代码搜索）", "Choose an agency (type a name or code)"),
    "credit_code": ("统一社会信用代码", "Credit code (USCC)"),
    "agency_name": ("机构名称", "Agency name"),
    "clause": ("条款", "Clause"),
    "clause_text": ("条款全文", "Full text of the clause"),
    "assessor": ("评定单位", "Assessed by"),
    "bureau": ("市应急管理局", "City bureau"),
    "date": ("日期", "Date"),
    "period": ("考核期", "Period"),
    "period_auto": ("按日期自动确定", "From the date"),
    "year": ("年度", "Year"),
    "period_is": ("记入 {year} 年度 · {period}", "Counts in {year} · {period}"),
    "practitioner": ("执业人员（可选）", "Practitioner (optional)"),
    "description": ("情况说明（仅工作人员可见，不公开）", "Description (staff only, never public)"),
    "document_no": ("文书编号", "Document number"),
    "record": ("保存记录", "Save the record"),
    "finding_saved": ("已保存：{agency} · 条款 {clause} · {period} · {year}年度", "Saved: {agency} · clause {clause} · {period} · {year}"),
    "interview_saved": ("已保存约谈记录：{agency}，{year}年第{n}次约谈", "Interview saved: {agency}, interview {n} of {year}"),
    "interviews_so_far": ("该机构{year}年已被约谈 {n} 次。", "The bureau has interviewed this agency {n} time(s) in {year}."),
    "interview_suggestion": (
        "如为约谈后仍不改正、继续违规，适用条款 **{clause}**：{text}",
        "If this is a repeated violation after the interviews, the clause is **{clause}**: {text}",
    ),
    "use_suggestion": ("使用建议条款 {clause}", "Use clause {clause}"),
    "recent_findings": ("最近录入的扣分记录", "Recently recorded findings"),
    "notes": ("约谈情况（仅工作人员可见）", "Notes (staff only)"),
    "recorded_by": ("录入人", "Recorded by"),
    "no_agencies": ("尚无机构记录，请选择“新机构”并填写代码和名称。", "No agency on file yet: choose a new agency."),
    # upload
    "template": ("空白模板", "Blank template"),
    "template_help": ("下载模板，按列填写后上传。", "Download the template, fill in the columns, upload it."),
    "download_template": ("下载模板（{fmt}）", "Download template ({fmt})"),
    "kind": ("文件类型", "File type"),
    "kind_findings": ("年度扣分记录", "Findings of the year"),
    "kind_roster": ("参评机构名录", "Roster of agencies"),
    **{f"kind_{k}": (zh, _RECORD_KINDS_EN[k]) for k, zh in KIND_LABELS.items()},
    "roster_year": ("名录所属年度", "Year of the roster"),
    "file": ("选择 CSV 或 XLSX 文件", "Choose a CSV or XLSX file"),
    "problems_found": (
        "文件有 {n} 个问题，未保存任何数据。请改正后重新上传。",
        "The file has {n} problem(s); nothing was stored. Correct them and upload again.",
    ),
    "row": ("行", "Row"),
    "column": ("列", "Column"),
    "problem": ("问题", "Problem"),
    "value": ("内容", "Value"),
    "file_valid": ("文件有效：{rows} 行，尚未保存。以下为导入后的评定预览。", "The file is valid: {rows} rows, not stored yet. Preview of the ratings after import:"),
    "duplicate": ("此文件已导入过；再次导入不会增加任何记录。", "This file was imported before; importing it again adds nothing."),
    "preview_year": ("{year}年度预览", "Preview of {year}"),
    "current_version": ("当前公示：第{version}版（{date}发布）", "Currently published: version {version} ({date})"),
    "not_published": ("该年度尚未发布。", "This year is not published yet."),
    "grade_changes": ("等级变化、列入或移出黑名单", "Grade changes, blacklist entries and exits"),
    "no_grade_change": ("与当前公示相比，没有机构的等级发生变化。", "Against the publication, no agency changes grade."),
    "change": ("变化", "Change"),
    "grade_before": ("原等级", "Grade before"),
    "grade_after": ("新等级", "Grade after"),
    "total_before": ("原总分", "Total before"),
    "total_after": ("新总分", "Total after"),
    "clauses_before": ("原黑名单条款", "Blacklist clauses before"),
    "clauses_after": ("新黑名单条款", "Blacklist clauses after"),
    "all_changes": ("全部变化（{n}）", "All changes ({n})"),
    "all_ratings": ("全部评定结果（{n}家机构）", "All ratings ({n} agencies)"),
    "import": ("导入", "Import"),
    "import_repeats": ("这些记录与已存记录相同，仍然导入 / import anyway", "这些记录与已存记录相同，仍然导入 / import anyway"),
    "repeat_source": ("相同的已存记录来自", "Matching stored finding from"),
    "imported": ("已导入 {added} 条记录（上传编号 {upload}）。", "Imported {added} rows (upload {upload})."),
    "imported_duplicate": ("此文件已导入过，未增加记录。", "This file was imported before; nothing added."),
    "records_valid": ("文件有效：{rows} 行，尚未保存。前{n}行预览：", "valid: {rows} rows, not stored yet. The first {n} rows:"),
    "records_duplicate": ("此文件已作为“{kind}”导入过；再次导入不会增加任何记录。",
                          "This file was imported as “{kind}” before; importing it again adds nothing."),
    "records_on_behalf": ("代机构上传“{kind}”：导入记入您的账号并写入操作日志。",
                          "Uploading “{kind}” on an agency's behalf: the import is recorded under your account in the audit log."),
    "submitted_on_note": (
        "邮寄报送的，请在“报送日期”（submitted_on）列填写收到日期：该日期即为报送日期，导入后保持不变。",
        "A report received by post keeps its received date: put it in the submitted_on (报送日期) column; that is the "
        "date stored.",
    ),
    "records_repeats": ("此文件第 {rows} 行与已存的同类记录完全相同；仍要导入请勾选下方确认。",
                        "Row(s) {rows} of this file are identical to stored rows of this kind; tick below to import anyway."),
    "repeat_upload": ("相同的已存记录来自", "Matching stored row from"),
    "upload_no": ("上传编号", "Upload no."),
    "id_last4": ("身份证号后4位", "ID number (last 4)"),
    "records_imported": ("已导入“{kind}” {added} 行（上传编号 {upload}）。", "Imported {added} rows of “{kind}” (upload {upload})."),
    "publish_next": ("导入后需由管理员在“发布”页面发布，公众才能看到。", "An administrator publishes on the Publish page before the public sees it."),
    # publish
    "publish_year": ("发布年度", "Year to publish"),
    "nothing_to_publish": ("数据库中还没有任何年度的数据。", "There is no year with data yet."),
    "will_be_version": ("本次将发布为 {year} 年度第 {version} 版。", "This publishes {year} as version {version}."),
    "correction_note": (
        "该年度已发布；再次发布即为更正，必须填写更正原因，原版本保留并向公众显示更正记录。",
        "This year is published: publishing again is a correction, needs a reason, and the earlier version stays "
        "visible with the correction.",
    ),
    "reason": ("更正原因（必填）", "Reason for the correction (required)"),
    "no_change": ("与当前公示相比没有任何变化，无需发布。", "Nothing changes against the current publication: nothing to publish."),
    "first_version": ("该年度首次发布，全部机构均为新增。", "The year's first publication: every agency is new."),
    "confirm": ("我已核对以上变化，确认发布", "I have checked the changes above and confirm"),
    "publish": ("发布", "Publish"),
    "reason_required": ("更正必须填写原因。", "A correction needs a reason."),
    "published": ("已发布 {year} 年度第 {version} 版，公示页面已更新。", "Published {year} version {version}; the public pages show it now."),
    "open_public": ("查看公示页面", "Open the public pages"),
    # users
    "accounts": ("账号", "Accounts"),
    "role": ("角色", "Role"),
    "town": ("镇街园", "Town"),
    "town_only": ("镇街园（仅镇街园工作人员）", "Town (town staff only)"),
    "active": ("启用", "Active"),
    "locked_col": ("已锁定", "Locked"),
    "locked_until": ("锁定至", "Locked until"),
    "failed_attempts": ("失败次数", "Failed attempts"),
    "created_at": ("创建时间", "Created"),
    "display_name": ("显示名称", "Display name"),
    "create_user": ("新建账号", "New account"),
    "create": ("创建", "Create"),
    "user_created": ("已创建账号 {name}。", "Account {name} created."),
    "manage_user": ("管理已有账号", "Change an account"),
    "choose_user": ("选择账号", "Choose an account"),
    "deactivate": ("停用", "Deactivate"),
    "activate": ("启用", "Activate"),
    "unlock": ("解除锁定", "Unlock"),
    "reset_password": ("重设密码", "Reset password"),
    "done": ("已完成。", "Done."),
    # towns
    "towns": ("镇街园及简称", "Towns and their short forms"),
    "town_name": ("名称", "Name"),
    "aliases": ("简称（用分号分隔）", "Short forms (separated by ;)"),
    "edit_town": ("新增或修改镇街园", "Add or change a town"),
    "new_town": ("（新增）", "(new)"),
    "town_saved": ("已保存 {name}。", "{name} saved."),
    # audit
    "actor": ("操作人", "Actor"),
    "action": ("操作", "Action"),
    "all": ("全部", "All"),
    "since": ("起始日期", "From"),
    "until": ("截止日期", "To"),
    "at": ("时间", "Time"),
    "entity": ("对象", "Object"),
    "entity_id": ("编号", "Id"),
    "detail": ("说明", "Detail"),
    "before": ("修改前", "Before"),
    "after": ("修改后", "After"),
    "entries": ("共 {n} 条", "{n} entries"),
    "download_csv": ("下载 CSV", "Download CSV"),
    # agency accounts (issue 11 item 2)
    "credit_code_only": ("统一社会信用代码（仅机构用户）", "Credit code (agency accounts only)"),
    "agency_sign_in": ("服务机构的机构用户账号也在此登录。", "Agencies sign in here with their agency account too."),
}


# What the audit log's `action` and `entity` codes mean, for people (the CSV download keeps the codes).
AUDIT_TERMS: dict[str, tuple[str, str]] = {
    "sign_in": ("登录", "signed in"),
    "sign_in_failed": ("登录失败", "failed sign-in"),
    "sign_out": ("退出登录", "signed out"),
    "upload": ("上传文件", "upload"),
    "finding": ("扣分记录", "finding"),
    "interview": ("约谈", "interview"),
    "publish": ("发布", "publication"),
    "publication": ("公示版本", "publication"),
    "agency": ("服务机构", "agency"),
    "agency_renamed": ("机构更名", "agency renamed"),
    "town": ("镇街园", "town"),
    "user": ("账号", "account"),
    "user_create": ("创建账号", "account created"),
    "user_activate": ("启用账号", "account activated"),
    "user_deactivate": ("停用账号", "account deactivated"),
    "user_password": ("修改或重设密码", "password changed or reset"),
    "user_unlock": ("解除锁定", "account unlocked"),
    "sign_in_locked": ("登录受限（须等待）", "sign-in wait started"),
    "agency_document": ("机构上传扫描件", "agency filed a scan"),
    "practitioner_left": ("登记执业人员离职", "practitioner left"),
}


def term(code: str) -> str:
    """An audit code in the visitor's language, with the code itself: `发布（publish）`; unknown codes as they are."""
    if code not in AUDIT_TERMS:
        return code
    zh, en = AUDIT_TERMS[code]
    return f"{en} ({code})" if current() == "en" else f"{zh}（{code}）"


def t(key: str, **values: object) -> str:
    """The staff label `key` in the visitor's language, `{name}` placeholders filled from `values`."""
    zh, en = LABELS[key]
    text = en if current() == "en" else zh
    return text.format(**values) if values else text
