"""Passwords and session tokens, done once: argon2 hashes, a dummy hash for unknown users, the password policy."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from core.errors import CreditBoardError

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1024  # argon2 takes any length; a cap keeps a megabyte "password" from costing memory

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters



@cache
def _dummy_hash() -> str:
    """Verified against when the username is unknown, so that an unknown user costs as long as a wrong password
    (nobody learns which usernames exist from the response time). Its password is random and thrown away.

    Made at the first use, not at import: an argon2 hash costs up to a second on a busy machine, which every start
    of the site (and its first page) paid whether anyone signed in or not.
    """
    return _hasher.hash(secrets.token_urlsafe(32))


def __getattr__(name: str) -> str:  # `security.DUMMY_HASH`, made on first use
    if name == "DUMMY_HASH":
        return _dummy_hash()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class PasswordPolicyError(CreditBoardError):
    """A password refused by the policy; the message is bilingual and never repeats the password."""


def check_password_policy(password: str) -> None:
    """Raise PasswordPolicyError unless `password` is at least MIN_PASSWORD_LENGTH characters."""
    if not isinstance(password, str) or len(password) < MIN_PASSWORD_LENGTH:
        raise PasswordPolicyError(
            f"密码至少需要{MIN_PASSWORD_LENGTH}个字符", f"the password needs at least {MIN_PASSWORD_LENGTH} characters"
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise PasswordPolicyError(
            f"密码不能超过{MAX_PASSWORD_LENGTH}个字符", f"the password may have at most {MAX_PASSWORD_LENGTH} characters"
        )
    if password.strip() == "":
        raise PasswordPolicyError("密码不能全是空白", "the password cannot be all blanks")


def hash_password(password: str) -> str:
    """The argon2id hash of a password that passes the policy."""
    check_password_policy(password)
    return _hasher.hash(password)


def verify_password(password: str, password_hash: str) -> bool:
    """True when `password` matches `password_hash`; False for a mismatch or a malformed hash, never an error."""
    try:
        return _hasher.verify(password_hash, password[:MAX_PASSWORD_LENGTH])
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def verify_dummy(password: str) -> bool:
    """Spend the time of one verification on the dummy hash; always False (the unknown-user path)."""
    verify_password(password, _dummy_hash())
    return False


def rehash(password: str) -> str:
    """A fresh hash of a password just verified at sign-in (the policy applies when a password is set)."""
    return _hasher.hash(password)


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with older parameters and should be replaced at the next sign-in."""
    try:
        return _hasher.check_needs_rehash(password_hash)
    except InvalidHashError:
        return True


def keyed_digest(key: str, text: str) -> str:
    """HMAC-SHA256 of `text` under `key`, as 64 hex digits: stands in for text that must not be stored as typed."""
    return hmac.new(key.encode("utf-8"), text.encode("utf-8"), hashlib.sha256).hexdigest()


def new_session_token() -> str:
    """A fresh random session token (256 bits, URL-safe)."""
    return secrets.token_urlsafe(32)

