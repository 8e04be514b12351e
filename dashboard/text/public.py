"""The public pages' labels (key → 中文, English); reached as `public.<key>` through dashboard.i18n.t."""

from __future__ import annotations

# key: (中文, English)
LABELS: dict[str, tuple[str, str]] = {
    # the site
    "site_title": ("江阴市安全生产技术服务机构诚信等级公示", "Jiangyin safety-service agency credit ratings"),
    "preparing": ("首次启动：正在准备数据库和演示数据，请稍候……",
                  "First start: preparing the database and the demo data, one moment…"),
    "database_unavailable": (
        "暂时无法连接数据库，请稍后再试。如持续出现，请联系江阴市应急管理局。",
        "The database cannot be reached right now; please try again later. If this persists, contact the bureau.",
    ),
    "page_failed": (
        "页面出错，请刷新后重试。问题已记录。",
        "This page failed; please reload and try again. The problem has been logged.",
    ),
    "site_caption": (
        "依据《江阴市工业企业安全生产技术服务工作管理办法（试行）》第十六条向社会公示",
        "Published to the public under Article 16 of the Jiangyin measures for safety technical services",
    ),
    "language": ("语言 Language", "语言 Language"),
    "section_public": ("公示", "Public"),
    "more_sections": ("本页更多内容（选择后显示）", "More on this page (shown when chosen)"),
    "page_overview": ("概览", "Overview"),
    "page_ratings": ("评定结果", "Ratings"),
    "page_blacklist": ("黑名单", "Blacklist"),
    "page_profile": ("机构详情", "Agency profile"),
    "page_compare": ("机构对比", "Compare agencies"),
    "page_open_data": ("数据下载", "Open data"),
    "page_check_file": ("核验文件", "Check a file"),
    "page_rules": ("评定办法", "The rules"),
    # shared
    "rated_year": ("评定年度", "Rated in"),
    "year_value": ("{year}年度", "{year}"),
    "no_publication": ("尚未发布任何年度的评定结果。", "No year's ratings have been published yet."),
    "notice_running": ("公示中：{year}年度评定结果（草案）正在公示（{opened_on}至{ends_on}），公示期内机构可提出异议；"
                       "正式结果以发布版本为准。",
                       "公示中 · Under notice: the draft ratings of {year} are shown for objections from {opened_on} to "
                       "{ends_on}; the published version is the official one."),
    "notice_ended": ("{year}年度评定结果公示期已于{ends_on}结束，待处理完异议后正式发布。",
                     "The notice of {year}'s ratings ended on {ends_on}; they will be published once every objection "
                     "is resolved."),
    "notice_ratings": ("查看公示中的{year}年度评定结果（草案）", "See the {year} ratings under notice (draft)"),
    "notice_ratings_note": ("公示期间的评定结果为草案，可能因异议处理而变化；正式结果以发布版本为准。",
                            "Ratings under notice are a draft and may change as objections are resolved; the "
                            "published version is the official one."),
    "demo_notice": (
        "演示数据：本页显示的是虚构的演示数据，并非真实的评定结果。",
        "Demo data: this page shows made-up demonstration data, not real ratings.",
    ),
    "version": ("版本", "Version"),
    "version_value": ("第{version}版", "version {version}"),
    "published_at": ("发布日期", "Published on"),
    "rating_date": ("评定日期", "Rating date"),
    "digest": ("SHA-256 摘要", "SHA-256 digest"),
    "previous_digest": ("上一版本的摘要", "Previous version's digest"),
    "none": ("无", "none"),
    "credit_code": ("统一社会信用代码", "USCC (credit code)"),
    "score_of": ("{bucket}得分", "{bucket} score"),
    "grade": ("诚信等级", "Grade"),
    "blacklist_clauses": ("列入黑名单条款", "Blacklisting clauses"),
    "towns_served": ("评分镇街园", "Towns that assessed"),  # published: the towns whose findings rated it
    "profile_link": ("详情", "Profile"),
    "open_profile": ("查看详情", "Open profile"),
    "clause_text": ("条款内容", "Clause text"),
    "clause_gloss": ("英文释义", "English gloss"),
    "points_nominal": ("应扣分", "Points per finding"),
    "points_charged": ("实扣分", "Points charged"),
    "rows_shown": ("显示 {shown} / {total} 家机构", "Showing {shown} of {total} {total:agency|agencies}"),
    "no_rows": ("没有符合条件的机构。", "No agency matches."),
    "no_match_query": (
        "{year}年度没有名称或统一社会信用代码包含“{q}”的机构。",
        "No agency rated in {year} has “{q}” in its name or credit code.",
    ),
    "no_rows_hint": (
        "请检查输入、清除等级或镇街园筛选，或换一个年度；未在本年度参评的机构可在“机构详情”中按名称查找。",
        "Check the spelling, clear the grade or town filter, or pick another year; an agency not rated this year "
        "can still be found by name under Agency profile.",
    ),
    "year_not_published": (
        "链接中的年度（{year}）尚无已发布的评定结果，下面显示{shown}年度。",
        "The year in the link ({year}) has no published ratings; showing {shown} instead.",
    ),
    "unknown_agency": ("没有找到该机构的已发布评定结果。", "No published rating of this agency was found."),
    # overview
    "overview_title": ("年度诚信等级概览", "The year at a glance"),
    "grade_counts": ("各等级机构数", "Agencies per grade"),
    "grade_chart": ("等级分布图", "Chart of the grades"),
    "count": ("机构数", "Agencies"),
    "publication": ("本年度公示信息", "This year's publication"),
    "corrections": ("更正记录", "Corrections"),
    "findings_added": ("新增扣分记录", "Findings added"),
    "added": ("新增扣分记录", "Findings added"),
    "withdrawn": ("撤销扣分记录", "Findings withdrawn"),
    "findings_withdrawn": ("撤销扣分记录", "Findings withdrawn"),
    "correction_changes": ("第{version}版更正了什么（{count}家机构）", "What version {version} changed · agencies: {count}"),
    "correction_changed_nothing": ("本次更正未改变任何机构的分数、等级或扣分记录。",
                                   "This correction changed no agency's score, grade or findings."),
    "profile_correction": ("第{version}版更正：总分 {total}，等级 {grade}", "Version {version} corrected: total {total}, grade {grade}"),
    "no_corrections": ("本年度结果发布后未作更正。", "This year's ratings have not been corrected."),
    "reason": ("更正原因", "Reason"),
    "search": ("搜索机构", "Search agencies"),
    "search_help": ("输入机构名称或统一社会信用代码的任意部分", "Any part of an agency's name or credit code"),
    "search_button": ("在评定结果中查找", "Find in the ratings"),
    "digest_help": (
        "摘要可用于核对下载的数据文件是否与公示版本一致（见“数据下载”）。",
        "Use the digest to check a downloaded file against this publication (see Open data).",
    ),
    # ratings
    "ratings_title": ("年度评定结果", "Ratings of the year"),
    "filter_grade": ("按等级筛选", "Filter by grade"),
    "filter_town": ("按服务镇街园筛选（服务合同）", "Filter by town served (contracts)"),
    "all_towns": ("全部镇街园", "All towns"),
    "all_grades": ("全部等级", "All grades"),
    "clause_texts": ("条款原文", "The clauses in full"),
    "sort": ("排序", "Sort by"),
    "sort_total_desc": ("总分从高到低", "Total, highest first"),
    "sort_total_asc": ("总分从低到高", "Total, lowest first"),
    "select_hint": (
        "勾选表格左侧的行，可打开机构详情或对比所选机构（2至4家）。",
        "Tick rows on the left of the table to open a profile or compare the chosen agencies (2 to 4).",
    ),
    "select_hint_long": (
        "点击“详情”打开机构详情；搜索或筛选到{n}家以内后，可勾选行进行对比。",
        "Click Profile to open an agency; narrow the list to {n} or fewer to tick rows and compare them.",
    ),
    "tick_rows": ("勾选行：打开详情或对比", "Tick rows to open or compare them"),
    "compare_selected": ("对比所选机构", "Compare the chosen agencies"),
    "matches": ("匹配的机构", "Matching agencies"),
    # blacklist
    "blacklist_title": ("黑名单", "Blacklist"),
    "blacklist_agencies": ("列入黑名单的服务机构", "Agencies on the blacklist"),
    "blacklist_practitioners": ("列入黑名单的执业人员", "Practitioners on the blacklist"),
    "listed_by": ("列入方式", "Listed"),
    "listed_by_clause": ("触犯条款直接列入", "by clause"),
    "listed_by_score": ("总分低于{min}分", "total below {min}"),
    "grounds_clauses": ("第{codes}项", "clause {codes}"),
    # 列入日期 is always the listing's date (the day the listing version was published); the act's date is 行为日期.
    "no_blacklist": ("本年度无服务机构列入黑名单。", "No agency is on this year's blacklist."),
    "no_blacklist_practitioners": ("本年度无执业人员列入黑名单。", "No practitioner is on this year's blacklist."),
    "blacklist_history": ("往年黑名单", "Earlier years' blacklists"),
    "no_history": ("往年无黑名单记录。", "No earlier blacklist."),
    "score_basis": ("年度总分 {total} 分，低于 {min} 分", "total of {total}, below {min}"),
    # profile
    "profile_title": ("机构详情", "Agency profile"),
    "choose_agency": ("选择机构（可输入名称或代码查找）", "Choose an agency (type a name or code)"),
    "choose_agency_placeholder": ("输入名称或代码", "Type a name or code"),
    "profile_blacklisted": ("列入{year}年度黑名单。认定依据：{grounds}", "On the {year} blacklist. Grounds: {grounds}"),
    "score_by_year": ("历年总分与等级", "Total and grade by year"),
    "explanation": ("扣分说明", "Why points were lost"),
    "explanation_year": ("{year}年度扣分说明", "{year}: why points were lost"),
    "no_charges": ("该年度无扣分记录。", "No points were lost this year."),
    "town_part": ("{bucket}：{score} 分（{reading}）", "{bucket}: {score} {score:point|points} ({reading})"),
    "town_reading_pooled": ("各镇街园扣分合并计入同一考核期", "every town's findings pooled in each period"),
    "town_reading_per_town_equal": ("各镇街园分别评分，取平均", "each town scores on its own; the mean of the towns"),
    "town_reading_per_town_contracts": ("各镇街园分别评分，按合同数加权平均",
                                        "each town scores on its own; the mean weighted by contracts"),
    "town_part_row": ("{town}：{score} 分（合同 {contracts} 份，权重 {weight}）",
                      "{town}: {score} {score:point|points} ({contracts} {contracts:contract|contracts}, weight {weight})"),
    "towns_served_all": ("评分镇街园（评定过该机构的镇街园）", "Towns that assessed (this agency's ratings)"),
    "specialties": ("执业人员专业构成", "Practitioners by specialty"),
    "people": ("人数", "People"),
    "specialties_note": (
        "来自机构报送的从业人员（上方服务情况之日在职），与服务情况同一口径，仅显示各专业人数，不显示任何个人信息；不属于公示评定结果。",
        "From the practitioners the agency filed (employed on the day of the service facts above), counted as the "
        "facts are; counts per specialty only, no personal data; not part of the rating.",
    ),
    "no_specialties": ("暂无执业人员专业信息（该机构尚未报送）。", "No practitioner specialties: the agency has filed nothing yet."),
    "compare_with_others": ("与其他机构对比", "Compare with other agencies"),
    "explanation_note": (
        "按条款列出各项扣分：评定单位、考核期、应扣分和考核期保底后实际扣分。",
        "Each finding by clause: who assessed it, the period, its nominal cost and what it cost after the period's floor.",
    ),
    # compare
    "compare_title": ("机构对比", "Compare agencies"),
    "compare_choose": ("选择2至4家机构", "Choose 2 to 4 agencies"),
    "compare_need_two": ("请至少选择2家机构进行对比。", "Choose at least two agencies to compare."),
    "grades_by_year": ("历年等级", "Grades by year"),
    "totals_by_year": ("历年总分", "Totals by year"),
    "points_lost": ("按条款类别累计扣分", "Points lost by clause group"),
    "clause_group": ("条款类别", "Clause group"),
    "findings_count": ("{n}次", "{n}×"),
    "points_value": ("{points}分（{n}次）", "{points} pts ({n}×)"),
    "blacklist_times": ("列入黑名单{n}次", "blacklisted {n}×"),
    "blacklist_history_compare": ("黑名单记录", "Blacklist history"),
    "never_blacklisted": ("从未列入黑名单", "never blacklisted"),
    "not_rated": ("未参评", "not rated"),
    # open data
    "open_data_title": ("数据下载", "Open data"),
    "open_data_intro": (
        "每个已发布版本均可下载：评定结果 CSV 与 XLSX（中文表头；XLSX 另含扣分明细、黑名单人员与更正变化）、扣分明细 CSV、"
        "更正变化 CSV、供程序读取的英文字段 CSV，以及带摘要和签名的 JSON 原件。扣分的“行为日期”是行为发生之日；"
        "“列入日期”是列入黑名单的版本发布之日。文件不含任何个人信息；每个文件、每个字段的说明见下方。",
        "Every published version downloads as: ratings CSV and XLSX (Chinese headers; the XLSX also holds the charges, "
        "listed practitioners and what a correction changed), the charges CSV, the changes CSV, a CSV with field names "
        "for programs, and the JSON original with its digest and signature. A finding's date of the act is the day it "
        "happened; a blacklist listing's date is the day the version that listed the subject was published (two "
        "columns, never one). The files hold no personal data; "
        "every file and field is described below.",
    ),
    "verify_hint": (
        "核对文件：在“核验文件”页上传下载的文件；或按下方“自行核验文件的步骤”，用任何编程语言离线核对，无需本网站和本系统的软件。"
        "没有签名的文件（签名功能启用前发布）只有列于 SHA256SUMS 清单才算真实。",
        "To check a file: upload it on the Check a file page, or follow “Check a file yourself” below, in any "
        "programming language, offline, without this site or its software. A file without a signature (published "
        "before signatures) is genuine only if it is on the SHA256SUMS list.",
    ),
    "open_data_fields": ("每个文件、每个字段的说明", "Every file and every field"),
    "open_data_steps": ("自行核验文件的步骤", "Check a file yourself"),
    "download": ("下载 {fmt}", "Download {fmt}"),
    "format_csv": ("评定结果 CSV", "Ratings CSV"),
    "format_xlsx": ("评定结果 XLSX", "Ratings XLSX"),
    "format_charges.csv": ("扣分明细 CSV", "Charges CSV"),
    "format_keys.csv": ("英文字段 CSV", "Field-name CSV"),
    "format_changes.csv": ("更正变化 CSV", "Changes CSV"),
    "format_json": ("JSON 原件（含签名）", "JSON original (signed)"),
    "signed_by": ("签名公钥", "Signed by key"),
    "unsigned": ("签名功能启用前发布，无签名", "published before signatures: no signature"),
    "earlier_versions": ("往年的文件与被更正取代的版本", "Other years' files and versions replaced by a correction"),
    "no_earlier_versions": ("只发布过这一个年度、这一个版本。", "This is the only year and the only version published."),
    "keys_title": ("发布签名公钥", "Publication signing keys"),
    "keys_intro": ("用这些公钥核验 JSON 原件的 Ed25519 签名。", "These keys check the Ed25519 signature of each JSON original."),
    "demo_key": ("演示密钥：由演示数据生成，不是主管部门的密钥", "Demo key: made with the demo data, not the bureau's key"),
    "edition_intro": ("全部已发布内容另有静态版：无需脚本，任何网站服务器、CDN 或镜像都可直接提供；每个文件都有固定网址，"
                      "分享的链接长期有效，并可用其中的 SHA256SUMS 核对。",
                      "Everything published is also a static edition: no scripts, served as is by any web server, CDN "
                      "or mirror; every file has a permanent address, so a shared link keeps working, and its "
                      "SHA256SUMS checks it."),
    "edition_link": ("打开静态版", "Open the static edition"),
    "download_keys": ("下载公钥（PEM）", "Download the public keys (PEM)"),
    "checksums_title": ("全部文件的 SHA-256 校验值", "SHA-256 of every file"),
    "checksums_intro": ("每个版本每种格式文件的 SHA-256；`sha256sum -c SHA256SUMS` 可一次核对一批下载的文件。",
                        "The SHA-256 of every file of every version; `sha256sum -c SHA256SUMS` checks a folder of "
                        "downloads at once."),
    "download_checksums": ("下载 SHA256SUMS", "Download SHA256SUMS"),
    "check_title": ("核验文件", "Check a file"),
    "check_intro": ("上传从本网站下载的评定结果文件（JSON、CSV 或 XLSX），查看它是哪一年度哪一版本、是否被改动、是否已被更正取代。"
                    "文件只在本次核验中读取，不会保存。",
                    "Upload a ratings file downloaded from this site (JSON, CSV or XLSX) to see which year and version "
                    "it is, whether it was altered, and whether it has been superseded. The file is read for this "
                    "check only and never stored."),
    "check_upload": ("选择文件", "Choose a file"),
    "check_too_big": ("文件超过 {mb} MB，不是本网站的导出文件", "The file is over {mb} MB: not an export of this site"),
    "check_open_data": ("查看全部版本", "See every version"),
    "current_version": ("现行版本", "current"),
    "superseded_version": ("已被更正", "superseded"),
    # rules
    "rules_title": ("评定办法", "The rules"),
    "rules_source": ("依据", "Source"),
    "rules_total": ("每年度满分 {total} 分，只扣分；评定周期为自然年度。", "Each year starts at {total} {total:point|points}, deductions only; the cycle is the calendar year."),
    "rules_buckets": ("分值构成", "Where the points come from"),
    "bucket": ("评定部分", "Part"),
    "bucket_points": ("分值", "Points"),
    "periods": ("考核期", "Periods"),
    "period_rule": (
        "每个考核期单独计分，扣分不低于该期保底分，即同一考核期内多项扣分合计不超过该期分值。",
        "Each period is scored on its own and never drops below its floor: findings in one period cost at most its points.",
    ),
    "floor": ("保底分", "Floor"),
    "period_points": ("每期分值", "Points per period"),
    "rules_grades": ("等级划分", "Grades"),
    "range_top": ("{min} ≤ 总分 ≤ {max}", "{min} ≤ total ≤ {max}"),
    "range_mid": ("{min} ≤ 总分 < {max}", "{min} ≤ total < {max}"),
    "range_blacklist": ("总分 < {max}，或触犯直接列入黑名单条款", "total < {max}, or any blacklisting clause"),
    "rules_clauses": ("扣分条款", "The clauses"),
    "effect": ("扣分", "Effect"),
    "effect_blacklist": ("直接列入黑名单", "blacklisted at once"),
    "effect_deduct": ("每次扣{points}分", "{points} {points:point|points} each time"),
    "effect_bonus": ("每次加{points}分", "{points} bonus {points:point|points} each time"),
    "assessors_town": ("镇街园安监部门", "Town supervision departments"),
    "assessors_bureau": ("市应急管理局", "The city bureau"),
    # blacklist listings (issue 12 item 3; docs/listings.md)
    "listings_current": ("现行黑名单列入记录", "Blacklist listings in force"),
    "listings_intro": (
        "每条列入记录自公示之日起列入，期满（默认一年）移出；列入满规定期限后，经申请并由市应急管理局决定，可提前移出（信用修复）。",
        "Each listing runs from its publication date to the end of its term (one year by default); after a minimum "
        "time the bureau may end it early on the agency's application (credit repair).",
    ),
    "no_listings": ("目前没有列入黑名单的主体。", "Nobody is on the blacklist now."),
    "listings_history": ("列入与移出记录", "History of listings and removals"),
    "no_listing_history": ("尚无列入或移出记录。", "No listing or removal yet."),
    "listing_subject": ("主体", "Listed"),
    "listing_listed": ("列入中", "listed"),
    "listing_removed_at_term": ("期满移出", "removed at term end"),
    "listing_repaired": ("信用修复移出", "removed early (credit repair)"),
    "listing_withdrawn": ("更正撤销", "withdrawn by a correction"),
    "event_action": ("事项", "Event"),
    "event_office": ("决定部门", "Decided by"),
    "listing_event_listed": ("列入", "listed"),
    "listing_event_amended": ("更正认定依据", "grounds corrected"),
    "listing_event_withdrawn": ("更正撤销", "withdrawn by a correction"),
    "listing_event_removed_at_term": ("期满移出", "removed at term end"),
    "listing_event_repair_granted": ("信用修复移出", "removed early (credit repair)"),
    "listing_event_repair_revoked": ("撤销信用修复，恢复列入", "credit repair revoked: listed again"),
    "listings_export": ("黑名单列入记录（信用平台格式）", "Blacklist listings (credit-platform format)"),
    "listings_export_intro": (
        "全部列入记录及其现状，字段为：主体名称、统一社会信用代码、列入原因、认定部门、列入日期、移出日期、状态；"
        "执业人员的统一社会信用代码为其所在机构的代码。",
        "Every listing and its status, in the fields credit platforms take (name, unified social credit code, "
        "grounds, deciding department, listing date, removal date, status; the file's headers are in Chinese); a "
        "practitioner's credit code is their agency's.",
    ),
    # service facts and the enterprise finder (issue 11 item 4): the agencies' own filings, apart from the rating
    "page_find": ("找服务机构", "Find an agency"),
    "facts_title": ("服务情况（机构自报）", "Service facts (as reported by the agency)"),
    "facts_caption": (
        "以下为该机构自行报送的备案和服务记录的统计（{year}年度，截至{as_of}；最近一次报送：{last}），未经核实，不属于评定结果。",
        "Counted from the agency's own filings ({year}, as of {as_of}; latest filing: {last}); not verified and not "
        "part of the rating.",
    ),
    "facts_none": ("该机构尚未报送服务记录（服务合同、执业人员、月度报送等）。",
                   "This agency has no filings yet (contracts, practitioners, monthly reports)."),
    "fact_towns": ("服务镇街园（服务合同）", "Towns served (contracts)"),
    "fact_clients": ("委托企业数", "Client enterprises"),
    "fact_contracts": ("服务合同数", "Contracts"),
    "fact_people": ("在职执业人员（按专业）", "Practitioners by specialty"),
    "fact_on_time": ("本年度月报按时报送", "Monthly reports on time this year"),
    "fact_visits_per_contract": ("每份合同服务次数", "Visits per contract"),
    "fact_last_filed": ("最近报送日期", "Latest filing"),
    "on_time_value": ("{pct}%（{on}/{due}个月）", "{pct}% ({on} of {due} {due:month|months})"),
    "none_due": ("尚无到期月报", "no report due yet"),
    "people_value": ("{parts}；共{n}人", "{parts}; {n} in all"),
    "people_part": ("{specialty}{n}人", "{specialty} {n}"),
    "visits_value": ("{per}（{visits}次/{contracts}份）", "{per} ({visits} {visits:visit|visits}, {contracts} {contracts:contract|contracts})"),
    "spec_机械": ("机械", "Mechanical"),
    "spec_电气": ("电气", "Electrical"),
    "spec_化工": ("化工", "Chemical"),
    "spec_消防": ("消防", "Fire safety"),
    "spec_其他": ("其他", "Other"),
    "find_title": ("找服务机构", "Find an agency"),
    "find_intro": (
        "选择企业所在镇街园和需要的专业：列出在该镇街园有服务合同、且有该专业在职执业人员的已评定机构，"
        "按最近一次公示的诚信等级从高到低、再按总分排序。",
        "Choose your town and the specialty you need: rated agencies with a contract in that town and a practitioner "
        "of that specialty on staff, best grade of their latest published rating first, then highest total.",
    ),
    "find_town": ("我的企业所在镇街园", "My enterprise's town"),
    "find_town_placeholder": ("请选择镇街园", "Choose a town"),
    "find_specialty": ("需要的专业", "Specialty needed"),
    "find_choose_town": ("请先选择企业所在的镇街园。", "Choose your enterprise's town first."),
    "find_no_filings": (
        "暂无服务机构报送服务合同和执业人员信息，暂时无法查找。机构报送后即可在此查找。",
        "No agency has filed its contracts and practitioners yet, so there is nothing to search; this page fills in "
        "as agencies file.",
    ),
    "find_none": (
        "{year}年度没有已评定的机构在{town}有服务合同且有{specialty}专业在职执业人员。可换一个专业，或在“评定结果”中按名称查找。",
        "No rated agency had a contract in {town} in {year} with a {specialty} practitioner on staff. Try another "
        "specialty, or look agencies up by name under Ratings.",
    ),
    "find_found": ("共{n}家机构（{year}年度服务合同，截至{as_of}）。", "{n} {n:agency|agencies} ({year} contracts, as of {as_of})."),
    "find_blacklisted": (
        "另有{n}家列入黑名单的机构在该镇街园有服务合同，不予推荐，未列出；详见“黑名单”。",
        "{n} more {n:agency|agencies} with a contract here {n:is|are} on the blacklist: {n:it is|they are} not offered "
        "here; see the Blacklist.",
    ),
    "find_unrated": ("另有{n}家机构尚无已公示的评定结果，未列出。", "{n} more {n:agency has|agencies have} no published rating and {n:is|are} not "
                                                    "listed."),
    "find_note": (
        "等级和总分为已公示的评定结果；服务镇街园、人数、按时率和服务次数为机构自报，未经核实，不属于评定结果。",
        "Grade and total are the published rating; towns, practitioners, reports on time and visits are the "
        "agency's own filings, not verified and not part of the rating.",
    ),
    "rating_year": ("评定年度", "Rated"),
    "people_of_specialty": ("该专业人数", "Practitioners"),
    "ratings_town_note": (
        "服务镇街园来自机构报送的{year}年度服务合同（机构自报，不属于评定结果）。",
        "Towns served come from the agencies' own {year} contracts (as filed; not part of the rating).",
    ),
    "ratings_town_no_filings": (
        "没有机构报送在该镇街园的{year}年度服务合同，按服务镇街园筛选暂无结果。",
        "No agency has filed a {year} contract in this town, so the town filter finds none.",
    ),
    "facts_compare_none": ("未报送", "no filings"),
    "facts_caption_all": (
        "以下为各机构自行报送的备案和服务记录的统计（{year}年度，截至{as_of}），未经核实，不属于评定结果。",
        "Counted from each agency's own filings ({year}, as of {as_of}); not verified and not part of the rating.",
    ),
    # what a buyer needs (issue 22 item 4): visits delivered against contracted; tick in Find, compare in one step
    "fact_visits_delivered": ("服务次数", "Visits delivered"),
    "visits_delivered_value": ("已完成 {delivered} / 合同约定 {contracted}", "{delivered} of {contracted} contracted"),
    "fact_contract_visits": ("各合同服务次数", "Visits by contract"),
    "contract_visits_line": ("{town}，{start}至{end}：已完成 {delivered} / 合同约定 {contracted}",
                             "{town}, {start} to {end}: {delivered} of {contracted} contracted"),
    "visits_delivered_column": ("服务次数（已完成/约定）", "Visits done / due"),
    "visits_delivered_help": ("合同期内已完成的服务次数 / 合同约定次数", "Visits delivered within the contracts / visits contracted"),
    "visits_counted_note": (
        "服务次数：服务日期在合同期限内（含首尾两天）、在本年度且截至统计日已报送的服务，同一企业同一天计一次，每次只计入一份合同；"
        "合同约定：年约定服务次数按合同在本年度的天数折算，向下取整。",
        "Visits delivered: visits dated within a contract's term (its first and last day included) and in this year, "
        "filed by the as-of day, one a day per client, each counted for one contract; contracted: the contract's "
        "visits a year prorated by its days in this year, rounded down.",
    ),
    "find_compare_toggle": ("对比其中几家", "Compare some of them"),
    "find_compare_choose": ("勾选要对比的机构（最多{n}家）", "Tick agencies to compare (up to {n})"),
    "find_compare_go": ("对比所选（{n}家）", "Compare selected ({n})"),
    "find_compare_need_two": ("勾选至少两家机构，即可一步对比。", "Tick two or more agencies to compare them in one step."),
    # layout (issue 13): tables show the columns that matter first; charts name their grade thresholds
    "all_columns": ("显示全部列", "Show every column"),
    "threshold": ("{grade} ≥{min}", "{grade} ≥{min}"),
    # spot-checks (监督抽查, docs/spot-checks.md)
    "page_spot_checks": ("监督抽查", "Spot-checks"),
    "spot_checks_title": ("监督抽查（双随机、一公开）", "Spot-checks (random agencies, random experts, public results)"),
    "spot_checks_intro": (
        "依据第十六条，市应急管理局组织专家对服务机构进行监督抽查。被查机构和检查专家都由公开可复核的抽取决定："
        "计划在抽取前公布，并附上密钥的承诺值（SHA-256）；抽取日公开密钥和一个事后才确定的公开随机值（如当日福彩号码），"
        "任何人可用下载的文件离线重新抽取，得到同样的名单。",
        "Under Article 16 the bureau has experts spot-check agencies. Both who is checked and who checks are drawn "
        "in a way anyone can repeat: the plan is published before the draw with a commitment (SHA-256) to a secret; "
        "on the draw day the secret and a public value fixed only afterwards (e.g. that day's lottery numbers) are "
        "published, and anyone can re-run the draw offline from the downloaded files and get the same list.",
    ),
    "spot_checks_none": ("尚未公布抽查计划。", "No spot-check plan has been announced yet."),
    "spot_plan_title": ("{year}年度抽查计划 {plan_id}", "Plan {plan_id} of {year}"),
    "spot_status_drawn": ("已抽取", "drawn"),
    "spot_status_announced": ("已公布，待抽取", "announced, not yet drawn"),
    "spot_population_rule": ("抽取范围", "Who can be drawn"),
    "spot_population": ("可抽机构数", "Agencies that can be drawn"),
    "spot_quotas": ("抽取数量", "How many"),
    "spot_quota_all": ("全部机构中抽取{n}家", "{n} of all agencies"),
    "spot_team": ("专家组", "Expert team"),
    "spot_team_value": ("每组{k}人，专家库{n}人", "{k} per team, from a pool of {n}"),
    "spot_commitment": ("密钥承诺值 SHA-256", "Commitment to the secret (SHA-256)"),
    "spot_download_plan": ("下载计划（JSON，已签名）", "Download the plan (JSON, signed)"),
    "spot_download_draw": ("下载抽取结果（JSON，已签名）", "Download the draw (JSON, signed)"),
    "spot_not_drawn": ("尚未抽取：密钥在抽取日公开。", "Not drawn yet: the secret is revealed on the draw day."),
    "spot_inputs": ("抽取输入", "Inputs of the draw"),
    "spot_secret": ("公开的密钥", "The revealed secret"),
    "spot_seed": ("种子", "Seed"),
    "spot_plans": ("各抽查计划及其承诺值（抽取前公布）", "Each plan and its commitment (announced before the draw)"),
    "spot_draws": ("抽取的输入、文件与复核命令", "Each draw's inputs, files and the command that re-runs it"),
    "spot_list": ("抽中的机构（按排序值从小到大）和专家组", "The drawn agencies (smallest rank key first) and their teams"),
    "spot_outcome": ("检查结果", "Result"),
    "spot_outcome_clear": ("未发现问题", "No problem found"),
    "spot_outcome_found": ("发现问题", "Problems found"),
    "spot_outcome_pending": ("待检查", "Not checked yet"),
    "spot_clauses": ("涉及条款", "Clauses"),
    "spot_clauses_note": ("涉及条款在该年度评定结果发布后公示。", "Clauses are shown once the year's ratings are published."),
    "spot_rerun": ("用下载的抽取结果文件重新抽取（Python 3.11，本系统源代码；也可按文档用任何语言实现）：",
                   "Re-run the draw from the downloaded file (Python 3.11 and this board's source code; or in any "
                   "language from the documentation):"),
    # 拒不整改报告 on the rules page: counts only
    "hr_title": ("企业拒不整改报告的办理情况", "Reports of enterprises refusing to fix hazards"),
    "hr_rule": ("服务机构发现事故隐患并书面提出整改意见，企业拒不整改的，应向企业所在镇街园报告，情况特殊的可直接报告市应急管理局；"
                "镇街园或市应急管理局应在收到后{ack}个工作日内受理、{close}个工作日内办结（第十三、十四条）。下表按收到年度和企业所在镇街园统计，"
                "只列数量，不公布企业名称和隐患内容。",
                "An agency that pointed out a hazard in writing reports an enterprise refusing to fix it to the "
                "enterprise's town, or in a special case straight to the city bureau; the town or the bureau "
                "acknowledges it within {ack} working {ack:day|days} of receiving it and closes it within {close} "
                "(Art. 13–14). Counted per year received and the enterprise's town: numbers only, no enterprise and "
                "no hazard."),
    "hr_none": ("暂无报告。", "No reports yet."),
    "hr_total": ("合计", "Total"),
    "hr_year": ("{year}年收到的报告", "Reports received in {year}"),
    "hr_received": ("收到", "Received"),
    "hr_acknowledged_in_time": ("按期受理", "Acknowledged in time"),
    "hr_closed_in_time": ("按期办结", "Closed in time"),
    "hr_open": ("办理中", "Open"),
    # 一企双查 服务成效 (db/supervision/effectiveness.py): counts only, dated, apart from the rating
    "effect_title": ("一企双查服务成效（{year}年）", "Town inspections of its clients ({year})"),
    "effect_caption": ("镇街园检查企业时同步检查为其服务的机构（第十五条）。统计截至{as_of}，为事实记录，不计入诚信等级评分。",
                       "When a town inspects an enterprise it also checks the agency serving it (第十五条). Counts to "
                       "{as_of}; a record of facts, not part of the rating."),
    "effect_none": ("本年度尚无镇街园检查该机构客户企业的记录。", "No town has inspected this agency's clients this year."),
    "effect_inspections": ("受检客户企业次数", "Inspections of its clients"),
    "effect_passed": ("检查项合格", "Checks passed"),
    "effect_failed": ("检查项不合格", "Checks failed"),
    "effect_unseen": ("发现隐患而机构此前90天服务记录未载明的次数", "Hazards found that its records of the 90 days before did not show"),
}
