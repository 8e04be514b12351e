"""Small UI pieces of the staff pages: the agency picker, clause labels, relabelled tables."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from core.rulebook import Rulebook
from dashboard import data
from dashboard.i18n import pick, t
from dashboard.labels import assessor_label, bucket_score_labels, grade_labels, local_date, period_labels
from dashboard.plain import dataframe, md, text
from db.findings.recording import agency_choices
from db.publishing.notice import DraftChange
from db.publishing.population import YearPopulation
from db.publishing.preview import YearPreview
from db.uploads.repeats import source_text

NEW_AGENCY = "__new__"
# The "all" / "automatic" / "new" option of a picker: "", not None (None reads as "nothing chosen"; see keep).
NO_CHOICE = ""


def labels_of(labels: dict, other: Callable[[object], str] = str) -> Callable[[object], str]:
    """A format_func from labels made now: Streamlit (and AppTest) may call it outside the run, where the
    visitor's language is unknown, so the text is chosen while the page runs, not when the option is drawn.
    Options without a label read as `other(option)` (plain.text for options that come from data)."""
    return lambda option: labels[option] if option in labels else other(option)


_EMPTIED = "_widgets_emptied"  # keys `empty_after_save` set to None this run: keep them, so the browser hears it


def keep(key: str, default: object = None) -> str:
    """Send a widget's current value (else `default`) to the browser again on every run, and return its key.

    A picker whose option labels change (the English switch) otherwise keeps showing the old label, or shows
    nothing chosen, while the server still holds the value. Pass no index/value to the widget itself.
    """
    value = st.session_state.get(key, default)
    if value is None and key not in st.session_state.get(_EMPTIED, ()):
        # To Streamlit a value of None means "nothing chosen" (the placeholder), even where None is an option:
        # drop it and let the widget's own index decide.
        st.session_state.pop(key, None)
    else:
        st.session_state[key] = value
    return key


def agency_picker(key: str) -> tuple[str | None, str | None]:
    """A searchable agency selector with a "new agency" choice → (credit_code, agency_name or None)."""
    agencies = agency_choices(engine=data.engine())
    names = dict(zip(agencies["credit_code"], agencies["name"], strict=True))
    options = [*names, NEW_AGENCY]
    if not names:
        st.caption(t("staff.no_agencies"))
    choice = st.selectbox(
        t("staff.choose_agency"), options, index=None, key=keep(f"{key}_agency"), placeholder=t("common.choose"),
        format_func=labels_of({NEW_AGENCY: t("staff.agency_new"), **{c: f"{text(n)}（{c}）" for c, n in names.items()}}),
    )
    if choice == NEW_AGENCY:
        left, right = st.columns(2)
        code = left.text_input(t("staff.credit_code"), key=f"{key}_new_code", max_chars=24).strip()
        name = right.text_input(t("common.agency_full_name"), key=f"{key}_new_name", max_chars=200).strip()
        return (code or None), (name or None)
    return choice, (names.get(choice) if choice else None)


def clause_label(code: str, rulebook: Rulebook) -> str:
    """`2.5 一次扣10分 · <the beginning of the text>` for the picker (the full text shows under it)."""
    clause = rulebook.clause(code)
    group = next((pick(g.label_zh, g.label_en) for g in rulebook.groups if g.key == clause.group), "")
    return f"{code}　{group}　{clause.text_zh}"


def clause_text(code: str, rulebook: Rulebook) -> str:
    """The clause's full text (and its English gloss in English)."""
    clause = rulebook.clause(code)
    gloss = pick("", clause.gloss_en)
    return clause.text_zh + (f"  \n*{gloss}*" if gloss else "")


def relabel(frame: pd.DataFrame, keys: dict[str, str]) -> pd.DataFrame:
    """The columns in `keys` (column → label key), renamed to labels in the visitor's language."""
    return frame[list(keys)].rename(columns={c: t(k) for c, k in keys.items()})


def problems_table(problems: pd.DataFrame) -> pd.DataFrame:
    """A file's problems as the upload page shows them: row, column, message (in the visitor's language), value."""
    message = problems[pick("message_zh", "message_en")]
    return pd.DataFrame({
        # A problem of the whole file has no row or column: a dash, not Streamlit's grey "None".
        t("common.row"): [("—" if pd.isna(r) else str(int(r))) for r in problems["row"]],
        t("common.column"): problems["column"].fillna("—"), t("common.problem"): message,
        t("common.value"): problems["value"],
    })


PROBLEM_TABLE_ROWS = 20  # longer problem lists scroll inside the table, under a header that stays


def show_problems(problems: pd.DataFrame) -> None:
    """How many problems a file has, then every one of them as a static table whose cells wrap.

    Not st.dataframe: its cells are one line, so a long message was cut mid-sentence. st.table wraps, but renders
    Markdown, so every cell goes through plain.md (the text reads exactly as stored).
    """
    st.error(t("staff.problems_found", n=len(problems)))
    shown = problems_table(problems)
    shown = pd.DataFrame({md(c): [md(v) for v in shown[c]] for c in shown.columns})
    st.table(shown, hide_index=True, height="content" if len(shown) <= PROBLEM_TABLE_ROWS else 640)


def repeats_table(repeats: pd.DataFrame) -> pd.DataFrame:
    """A file's findings that repeat stored ones or earlier rows (db.uploads.repeats.REPEAT_COLUMNS): row … what it repeats."""
    return pd.DataFrame({
        t("common.row"): repeats["row"], t("common.agency_full_name"): repeats["agency_name"], t("staff.credit_code"): repeats["credit_code"],
        t("common.clause"): repeats["clause"], t("common.date"): repeats["date"],
        t("staff.repeat_source"): [source_text(*r) for r in zip(repeats["upload_id"], repeats["file_name"],
                                                            repeats["recorded_by"], repeats["same_as_row"], strict=True)],
    })


def diff_table(diff: pd.DataFrame, rulebook: Rulebook) -> pd.DataFrame:
    """A diff (db.publishing.publish.DIFF_COLUMNS) for people: agency, what changes, grade and total before and after."""
    grades = grade_labels(rulebook)
    change = diff["change"].map(lambda c: t(f"staff.change_{c}"))  # never the raw key (`score`, `grade`)
    return pd.DataFrame({
        t("common.agency_full_name"): diff["agency_name"], t("staff.credit_code"): diff["credit_code"], t("staff.change"): change,
        t("staff.grade_before"): diff["old_grade"].map(lambda g: grades.get(g, g)),
        t("staff.grade_after"): diff["new_grade"].map(lambda g: grades.get(g, g)),
        t("staff.total_before"): diff["old_total"].map(_number), t("staff.total_after"): diff["new_total"].map(_number),
        t("staff.clauses_before"): diff["old_blacklist_clauses"], t("staff.clauses_after"): diff["new_blacklist_clauses"],
    })


def _number(value: object) -> str:
    # A new or dropped agency has no total on one side: "—", not the word "None" a table would show.
    return "—" if value is None or pd.isna(value) or value == "" else f"{float(value):g}"


def ratings_table(ratings: pd.DataFrame, rulebook: Rulebook) -> pd.DataFrame:
    """A rating table (core.rating) for people: grades in words, every column under its label (never `town_score`)."""
    grades = grade_labels(rulebook)
    labels = {"credit_code": t("staff.credit_code"), "agency_name": t("common.agency_full_name"),
              "year": t("common.year"), **bucket_score_labels(rulebook), "total": t("common.total"),
              "grade": t("public.grade"), "blacklist_clauses": t("public.blacklist_clauses")}
    return ratings.assign(grade=ratings["grade"].map(lambda g: grades.get(g, g))).rename(columns=labels)


def take_secret(key: str) -> str:
    """Read a password field's value and blank it (in a submit callback), so the session keeps no copy of it."""
    value = st.session_state.get(key, "") or ""
    st.session_state[key] = ""
    return value


def outcome(key: str, kind: str | None = None, text: str | None = None) -> None:
    """Remember a callback's outcome for the page to show (kind "success" / "error"); or show and forget it."""
    if kind is not None:
        st.session_state[key] = (kind, text)
        return
    stored = st.session_state.pop(key, None)
    if stored:
        getattr(st, stored[0])(stored[1])


def saved(form: str, kind: str, text: str) -> None:
    """After a successful save: show `text` on the next run, empty the form there (`empty_after_save`), rerun.

    A form that keeps its text after saving invites a second click that stores the same record twice.
    """
    outcome(f"{form}_outcome", kind, text)
    st.session_state[f"{form}_saved"] = True
    st.rerun()


def empty_after_save(form: str, fields: dict[str, object]) -> None:
    """Before the form's widgets: if it was just saved, set each field (key → empty value) back to empty.

    Set, not popped: only a value put into session state before the widget reaches the browser's widget too.
    """
    emptied = set()
    if st.session_state.pop(f"{form}_saved", False):
        for key, value in fields.items():
            st.session_state[key] = value
            emptied.add(key)
    st.session_state[_EMPTIED] = emptied


def current_caption(current: dict | None) -> None:
    """Which version of the year the public sees now, or that the year is not published."""
    if current:
        st.caption(t("staff.current_version", version=current["version"], date=local_date(current["published_at"])))
    else:
        st.caption(t("staff.not_published"))


def show_changes(preview: YearPreview, rulebook: Rulebook, no_change: str) -> None:
    """Who changes grade or enters / leaves the blacklist; then every change and every rating, folded away."""
    st.markdown(f"**{t('staff.grade_changes')}**")
    if preview.grade_changes.empty:
        st.info(no_change)
    else:
        dataframe(diff_table(preview.grade_changes, rulebook), hide_index=True, width="stretch")
    with st.expander(t("staff.all_changes", n=len(preview.diff))):
        dataframe(diff_table(preview.diff, rulebook), hide_index=True, width="stretch")
    with st.expander(t("staff.all_ratings", n=len(preview.ratings))):
        dataframe(ratings_table(preview.ratings, rulebook), hide_index=True, width="stretch")


def floor_effects_table(effects: pd.DataFrame, rulebook: Rulebook, *, charged: tuple[str, ...]) -> pd.DataFrame:
    """A core.charge_effects table for people: row, agency, clause, assessor, period, date, points, then the
    `charged` columns (each labelled by the label key of its own name)."""
    periods = period_labels(rulebook)
    out = {
        t("common.row"): effects["row"].astype("int64"), t("common.agency_full_name"): effects["agency_name"],
        t("staff.credit_code"): effects["credit_code"], t("common.clause"): effects["clause"],
        t("common.assessor"): effects["assessor"].map(assessor_label), t("common.period"): effects["period"].map(
            lambda p: periods.get(p, p)),
        t("common.date"): effects["date"].map(local_date), t("staff.points_nominal"): effects["points_nominal"].astype("int64"),
    }
    for column in charged:
        out[t(f"staff.{column}")] = effects[column].astype("int64")
    return pd.DataFrame(out)


def show_floor_effects(preview: YearPreview, rulebook: Rulebook) -> None:
    """Before an import: the file's rows that cost nothing (or less) because their period was at its floor, and the
    stored findings the file pushes down (to 0). Computed in core.charge_effects; shown only when there are any."""
    if not preview.at_floor.empty:
        st.warning(t("staff.at_floor", rows=", ".join(str(int(r)) for r in preview.at_floor["row"]),
                     n=preview.at_floor["row"].nunique()),
                   icon=":material/vertical_align_bottom:")
        dataframe(floor_effects_table(preview.at_floor, rulebook, charged=("points_charged",)),
                  hide_index=True, width="stretch")
    if not preview.pushed.empty:
        st.warning(t("staff.pushed_to_zero", n=len(preview.pushed)), icon=":material/arrow_downward:")
        # No row: a stored finding's row is of another file (or of none, from the form) and would mislead here.
        table = floor_effects_table(preview.pushed, rulebook, charged=("charged_before", "charged_after"))
        dataframe(table.drop(columns=t("common.row")), hide_index=True, width="stretch")


def _draft_change_words(change: DraftChange, before: bool) -> str:
    key = ("staff.draft_change_" if before else "staff.draft_changed_") + ("new" if change.new_notice else "kept")
    return t(key, year=change.year, opened_on=local_date(change.opened_on), ends_on=local_date(change.ends_on))


def warn_draft_change(change: DraftChange | None) -> None:
    """Before a write that touches a year under 公示: what it does to the notice (db.publishing.notice.draft_change)."""
    if change is not None:
        st.warning(_draft_change_words(change, before=True), icon=":material/campaign:")


def saved_with_change(form: str, text: str, change: DraftChange | None) -> None:
    """`saved`, saying again after the write what it did to a year under notice (a warning when a new notice is due)."""
    if change is None:
        saved(form, "success", text)
        return
    saved(form, "warning" if change.new_notice else "success", f"{text}  \n{_draft_change_words(change, before=False)}")


def show_population(report: YearPopulation) -> None:
    """The year's population: count and table with sources, then last year's publication and who dropped out of it
    (a warning, in the visitor's language, when the year holds fewer agencies)."""
    st.subheader(t("common.agencies_rated"))
    st.caption(t("staff.population_rule"))
    agencies, year = report.agencies, report.year
    if agencies.empty:
        st.warning(t("staff.population_none", year=year))
    else:
        st.markdown(t("staff.population_count", year=year, n=len(agencies)))
        shown = agencies.assign(
            agency_name=agencies["agency_name"].map(lambda n: n or t("staff.name_unknown")),
            sources=agencies["sources"].map(lambda s: pick("、", ", ").join(t(f"staff.source_{k}") for k in s.split(";"))))
        dataframe(relabel(shown, {"credit_code": "staff.credit_code", "agency_name": "common.agency_full_name",
                                  "sources": "staff.col_sources"}), hide_index=True, width="stretch")
    if report.previous_version is None:
        return
    st.caption(t("staff.population_vs", previous=year - 1, version=report.previous_version, count=report.previous_count))
    dropped = len(report.dropped)
    if report.shrank:
        st.warning(t("staff.population_shrank", year=year, n=len(agencies), previous=year - 1, count=report.previous_count,
                     dropped=dropped), icon=":material/group_remove:")
    if dropped:
        st.caption(t("staff.population_dropped", dropped=dropped))
        dataframe(relabel(report.dropped, {"credit_code": "staff.credit_code", "agency_name": "common.agency_full_name"}),
                  hide_index=True, width="stretch")
