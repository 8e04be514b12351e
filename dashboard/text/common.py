"""The words every part of the site shares (key → 中文, English); reached as `common.<key>` through dashboard.i18n.t."""

from __future__ import annotations

# key: (中文, English)
LABELS: dict[str, tuple[str, str]] = {
}
