"""The words the public pages, the staff workspace and the agency portal share (key → 中文, English), each written
once; reached as `common.<key>` through dashboard.i18n.t."""

from __future__ import annotations

from core.service_records import KIND_LABELS, RECORD_COLUMNS

# The six service-record files in English (their Chinese names are core.service_records.KIND_LABELS).
_RECORD_KINDS_EN = {
    "registry": "Agency registry (附件1)", "practitioners": "Practitioners", "changes": "Changes",
    "contracts": "Service contracts", "visits": "Visits (附件2)", "reports": "Monthly reports",
}

# The service-record files' columns in English (their Chinese labels are core.service_records.RECORD_COLUMNS'), for
# the stored rows a page shows (the suggestions' evidence): `common.rec_<column>`.
_RECORD_COLUMNS_EN = {
    "address": "Registered address",
    "office_address": "Office in the city", "legal_rep": "Legal representative", "phone": "Phone",
    "filed_on": "Filed on", "commitment_on": "Commitment letter filed on", "certificate": "Certificate no.", "joined_on": "Joined on", "left_on": "Left on",
    "item": "What changed", "changed_on": "Changed on", "reported_on": "Reported on",
    "client_code": "Client's credit code", "client_name": "Client", "town": "Client's town", "signed_on": "Signed on", "start": "Service starts", "end": "Service ends", "submitted_on": "Submitted on", "written_advice": "Written advice given",
}

# key: (中文, English)
LABELS: dict[str, tuple[str, str]] = {
    "year": ("年度", "Year"),
    "agencies_rated": ("参评机构", "Agencies rated"),
    "agency": ("服务机构", "Agency"),
    "agency_name": ("机构名称", "Agency"),
    "total": ("总分", "Total"),
    "clause": ("条款", "Clause"),
    "assessor": ("评定单位", "Assessed by"),
    "period": ("考核期", "Period"),
    "bureau": ("市应急管理局", "City bureau"),
    "agency_full_name": ("机构名称", "Agency name"),
    "credit_code": ("统一社会信用代码", "Credit code"),
    "practitioner": ("执业人员", "Practitioner"),
    "grounds": ("认定依据", "Grounds"),
    "department": ("认定部门", "Decided by"),
    "listed_on": ("列入日期", "Listed on"),
    "act_on": ("行为日期", "Date of the act"),
    "specialty": ("专业", "Specialty"),
    "kind": ("类别", "Kind"),
    "removed_on": ("移出日期", "Removed on"),
    "status": ("状态", "Status"),
    "date": ("日期", "Date"),
    "sign_out": ("退出登录", "Sign out"),
    "choose": ("请选择", "Choose"),
    "row": ("行", "Row"),
    "column": ("列", "Column"),
    "problem": ("问题", "Problem"),
    "value": ("内容", "Value"),
    "town": ("镇街园", "Town"),
    "filed_on": ("提出日期", "Filed on"),
    "objection": ("异议内容", "Objection"),
    "resolution_reason": ("处理理由", "Reason"),
    "finding_action": ("扣分记录处理", "Finding"),
    "finding_id": ("扣分记录编号", "Finding no."),
    "objection_open": ("待处理", "open"),
    "objection_upheld": ("成立", "upheld"),
    "objection_rejected": ("不成立", "rejected"),
    "finding_withdrawn": ("已撤销", "withdrawn"),
    "agency_short": ("机构", "Agency"),
    "scan_commitment": ("守法诚信承诺书", "Commitment letter"),
    "scan_registry": ("附件1盖章件", "Signed 附件1"),
    "file_name": ("文件名", "File name"),
    "size": ("大小（字节）", "Size (bytes)"),
    # The files staff upload and agencies file (the portal's practitioners and monthly pages are named for theirs).
    "kind_findings": ("年度扣分记录", "Findings of the year"),
    "kind_roster": ("参评机构名录", "Roster of agencies"),
    **{f"kind_{k}": (zh, _RECORD_KINDS_EN[k]) for k, zh in KIND_LABELS.items()},
    # (a column whose words the site has under another key is labelled by that key: dashboard.labels.RECORD_LABELS)
    **{f"rec_{c.key}": (c.label_zh, en) for cs in RECORD_COLUMNS.values() for c in cs
       if (en := _RECORD_COLUMNS_EN.get(c.key))},
    # a month (2026-02-01 stored) as people write it: 2026年2月 / Feb 2026
    "month_of": ("{year}年{month}月", "{month} {year}"),
    # spot-checks: words the public page and the staff page share
    "spot_draw_day": ("抽取日期", "Draw day"),
    "spot_public_value": ("公开随机值", "Public value"),
    "spot_checked_on": ("检查日期", "Checked on"),
    # 拒不整改报告 (hazard-refusal reports): the form's fields, the states and outcomes, shared by portal and staff
    "hr_enterprise_code": ("企业统一社会信用代码", "Enterprise's credit code"),
    "hr_enterprise_name": ("企业名称", "Enterprise"),
    "hr_town": ("企业所在镇街园", "Enterprise's town"),
    "hr_hazard": ("隐患描述", "Hazard"),
    "hr_found_on": ("发现隐患日期", "Hazard found on"),
    "hr_major": ("重大事故隐患", "Major hazard"),
    "hr_advice_on": ("书面整改意见日期", "Written advice given on"),
    "hr_advice_no": ("书面整改意见编号", "Written advice no."),
    "hr_rectify_by": ("整改期限", "Deadline given"),
    "hr_response": ("企业整改情况（拒不整改的表现）", "What the enterprise did"),
    "hr_addressee": ("报送单位", "Addressed to"),
    "hr_to_town": ("企业所在镇街园", "The enterprise's town"),
    "hr_to_bureau": ("市应急管理局（情况特殊）", "The city bureau (special case)"),
    "hr_bureau_reason": ("直接报送市应急管理局的理由", "Why straight to the bureau"),
    "hr_scan": ("报告扫描件（可选，PDF/JPG/PNG，最多{mb} MB）", "Scan of the report (optional; PDF/JPG/PNG, at most {mb} MB)"),
    "hr_received_on": ("收到日期", "Received on"),
    "hr_status": ("状态", "Status"),
    "hr_status_received": ("待受理", "Received"),
    "hr_status_acknowledged": ("已受理", "Acknowledged"),
    "hr_status_closed": ("已办结", "Closed"),
    "hr_outcome": ("办理结果", "Outcome"),
    "hr_outcome_rectified": ("已整改", "Rectified"),
    "hr_outcome_case": ("已立案查处", "Case opened"),
    "hr_outcome_unfounded": ("经核查不属实", "Unfounded"),
    "hr_case_no": ("立案编号", "Case no."),
    "hr_outcome_reason": ("说明", "Note"),
    "hr_acknowledged_on": ("受理日期", "Acknowledged on"),
    "hr_closed_on": ("办结日期", "Closed on"),
    "hr_close_due": ("办结期限", "Close by"),
    "hr_acknowledge_due": ("受理期限", "Acknowledge by"),
    "hr_id": ("报告编号", "Report no."),
    "hr_major_yes": ("重大", "major"),
    "hr_major_no": ("一般", "not major"),
}
