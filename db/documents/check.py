"""Re-checking every stored version: rebuilt from its rows, against its digest, the chain, its signature, its seal."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select, text
from sqlalchemy.engine import Engine
from sqlmodel import Session

from core.text import counted
from db.documents.check_rows import row_faults
from db.documents.export import DocumentTables, ExportError, publication_tables, stored_content
from db.documents.signing import load_public_keys, signature_valid
from db.store.links import STATEMENT_CHECKED_LINKS
from db.store.models import Publication, PublicationSeal, SigningKey, aware

# Trigger names the migrations make (0001/0002 UPDATE/DELETE guards, 0004 for scores, 0007 seals, 0017 spot-checks): a dropped one
# is a database anyone can quietly edit, so its absence is a finding too.
ROW_TABLES = ("publishedrating", "publishedscore", "publishedcharge", "publishedpractitioner")
# Announced spot-check plans and their draws (0017) are guarded the same way, under the same trigger names.
GUARDED_TABLES = ("publication", *ROW_TABLES, "publicationseal", "signingkey", "spotcheckplan", "spotcheckdraw")


@dataclass(frozen=True)
class Discrepancy:
    """One thing wrong with the stored record, in both languages; `year`/`version` None for the database itself."""

    year: int | None
    version: int | None
    message_zh: str
    message_en: str


def _expected_triggers(dialect: str) -> set[str]:
    if dialect == "postgresql":
        names = {f"{t}_immutable" for t in GUARDED_TABLES} | {f"{t}_no_truncate" for t in GUARDED_TABLES}
        names |= {f"{t}_linked" for t in STATEMENT_CHECKED_LINKS.values()}  # in place of per-row foreign keys
    else:
        names = {f"{t}_no_{op}" for t in GUARDED_TABLES for op in ("update", "delete")}
    return names | {f"{t}_sealed" for t in ROW_TABLES}


def _present_triggers(session: Session) -> set[str]:
    if session.bind.dialect.name == "postgresql":
        query = text("SELECT tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                     "WHERE NOT t.tgisinternal AND pg_table_is_visible(c.oid)")
    else:
        query = text("SELECT name FROM sqlite_master WHERE type = 'trigger'")
    return set(session.execute(query).scalars())


def _rebuilt(session: Session, p: Publication, note: Callable[[str, str], None]) -> DocumentTables | None:
    """The version rebuilt from its stored rows, or None after naming the rows it cannot be rebuilt from."""
    try:
        content = stored_content(session, p.id)
        faults = row_faults(session, p.id, *content)
        if not faults:
            return publication_tables(session, p, content)
    except (ValueError, TypeError, ArithmeticError, ExportError) as exc:  # a stored value no reader of ours expects
        faults = [("存储的行无法还原为发布的文件（数据被改动）",
                   f"the stored rows cannot be rebuilt into the published document (rows changed: {exc})")]
    for zh, en in faults:
        note(zh, en)
    return None


def check_store(*, engine: Engine) -> list[Discrepancy]:
    """Every difference between the stored versions and what their rows, chain and keys say; [] when all is well."""
    found: list[Discrepancy] = []
    with Session(engine) as session:
        missing = sorted(_expected_triggers(engine.dialect.name) - _present_triggers(session))
        if missing:
            found.append(Discrepancy(None, None, f"保护已发布数据的触发器缺失：{', '.join(missing)}",
                                     f"triggers guarding published rows are missing: {', '.join(missing)}"))
        keys = {k.key_id: load_public_keys(k.public_key.encode())[0] for k in session.execute(select(SigningKey)).scalars()}
        sealed = set(session.execute(select(PublicationSeal.publication_id)).scalars())
        publications = list(session.execute(select(Publication).order_by(Publication.year, Publication.version))
                            .scalars())
        signed_since = min((aware(p.published_at) for p in publications if p.signature), default=None)
        previous: Publication | None = None
        for p in publications:
            def note(zh: str, en: str, p: Publication = p) -> None:
                found.append(Discrepancy(p.year, p.version, f"{p.year}年度第{p.version}版：{zh}",
                                         f"{p.year} version {p.version}: {en}"))

            chained_to = previous.digest if previous is not None and previous.year == p.year else ""
            expected_version = previous.version + 1 if previous is not None and previous.year == p.year else 1
            if p.version != expected_version:
                note(f"版本号不连续（应为第{expected_version}版）", f"versions are not consecutive (expected {expected_version})")
            if p.previous_digest != chained_to:
                note("上一版本摘要与上一版本不符（链条断开）", "previous_digest is not the digest of the version before (chain broken)")
            tables = _rebuilt(session, p, note)
            canonical = None  # None: no document to digest or check a signature against (its rows are named)
            if tables is not None:
                digest, canonical = tables.digest_and_bytes()
                if digest != p.digest:
                    note("由存储的行重新计算的摘要与发布时的摘要不符（数据被改动）",
                         "the digest recomputed from the stored rows differs from the published digest (rows changed)")
                if len(tables.ratings) != p.agency_count:
                    note(f"机构数应为{p.agency_count}，存储了{len(tables.ratings)}",
                         f"{counted(p.agency_count, 'agency', 'agencies')} published, {len(tables.ratings)} stored")
            if p.signature:
                key = keys.get(p.key_id)
                if key is None:
                    note(f"签名公钥 {p.key_id} 不在公钥列表中", f"signing key {p.key_id} is not in the key list")
                elif canonical is not None and not signature_valid(key, canonical, p.signature):
                    note("签名无效", "the signature does not verify")
            elif signed_since is not None and aware(p.published_at) >= signed_since:
                note("签名启用后发布的版本没有签名", "no signature, though published after signing began")
            if p.id not in sealed:
                note("未封存（其行仍可被添加）", "not sealed (rows could still be added)")
            previous = p
    return found
