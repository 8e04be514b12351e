"""Which client a sign-in comes from: the proxy's last X-Forwarded-For hop, else the address, else the session."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from dashboard.staff import session as staff_session


def _context(monkeypatch, headers: dict, address) -> None:
    fake_st = SimpleNamespace(context=SimpleNamespace(headers=headers, ip_address=address))
    monkeypatch.setattr(staff_session, "st", fake_st)


@pytest.mark.parametrize(("headers", "address", "expected"), [
    ({"X-Forwarded-For": "198.51.100.4, 10.0.0.2"}, "10.0.0.1", "forwarded:10.0.0.2"),
    ({"X-Forwarded-For": " 198.51.100.4 "}, None, "forwarded:198.51.100.4"),
    ({}, "203.0.113.9", "ip:203.0.113.9"),
    ({"X-Forwarded-For": ""}, "203.0.113.9", "ip:203.0.113.9"),
])
def test_the_client_key_prefers_the_proxys_last_hop_then_the_address(monkeypatch, headers, address, expected):
    _context(monkeypatch, headers, address)
    assert staff_session.client_key() == expected


def test_without_an_address_the_client_key_is_the_browser_session(monkeypatch):
    _context(monkeypatch, {}, None)
    monkeypatch.setattr(staff_session, "get_script_run_ctx", lambda: SimpleNamespace(session_id="abc"))
    assert staff_session.client_key() == "session:abc"
