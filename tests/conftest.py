"""Fixtures for the whole suite: one publication signing key for the session (publishing refuses without one)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from db.publishing.signing import keygen


@pytest.fixture(autouse=True, scope="session")
def signing_key_file(tmp_path_factory) -> Iterator[str]:
    """SIGNING_KEY_FILE pointed at a fresh key for every test and every subprocess it starts (they inherit it)."""
    path = tmp_path_factory.mktemp("keys") / "publication-signing-key.pem"
    keygen(path)
    before = os.environ.get("SIGNING_KEY_FILE")
    os.environ["SIGNING_KEY_FILE"] = str(path)
    yield str(path)
    if before is None:
        os.environ.pop("SIGNING_KEY_FILE", None)
    else:
        os.environ["SIGNING_KEY_FILE"] = before
