"""Everything an AppTest page puts in front of a visitor, as text: every element's strings, tables and chart data."""

from __future__ import annotations

from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.message import Message
from streamlit import dataframe_util


def _bytes_text(blob: bytes) -> str:
    # Tables and chart data travel as Arrow IPC bytes: decode them so their cells are scanned too.
    try:
        return dataframe_util.convert_arrow_bytes_to_pandas_df(blob).to_csv()
    except Exception:  # noqa: BLE001 (not Arrow: scan it as text)
        return blob.decode("utf-8", errors="replace")


def proto_text(message: Message) -> list[str]:
    """Every string and decoded byte field of a protobuf message, recursively."""
    out: list[str] = []
    for field, value in message.ListFields():
        if field.message_type is not None and field.message_type.GetOptions().map_entry:
            for key, item in value.items():
                out.append(str(key))
                out.extend(proto_text(item) if isinstance(item, Message) else [str(item)])
            continue
        values = value if field.is_repeated else [value]
        for item in values:
            if field.type == FieldDescriptor.TYPE_MESSAGE:
                out.extend(proto_text(item))
            elif field.type == FieldDescriptor.TYPE_STRING:
                out.append(item)
            elif field.type == FieldDescriptor.TYPE_BYTES:
                out.append(_bytes_text(item))
    return out


def page_text(app) -> str:
    """All text of every element of the app's last run (main area and sidebar)."""
    parts: list[str] = []

    def walk(node) -> None:
        proto = getattr(node, "proto", None)
        if isinstance(proto, Message):
            parts.extend(proto_text(proto))
        children = getattr(node, "children", None)
        if isinstance(children, dict):
            for child in children.values():
                walk(child)

    walk(app._tree)
    return "\n".join(parts)


def choose_section(app, page: str, section: str):
    """Choose `section` in the page's row of further sections (dashboard.ui.more): only then is it drawn."""
    return app.pills(key=f"more_{page}").set_value(section).run()



def ratings_table(app):
    """The ratings page's table: st.dataframe exposes its key only while rows can be ticked (a switch, off at first)."""
    return next(d for d in app.dataframe if {"credit_code", "total"} <= set(d.value.columns))
