"""The bureau's Ed25519 publication key: made by `python -m db keygen`, kept in a file outside the database.

The private key never enters the database; the public key does (table signingkey), so the site can show every key
that ever signed a version (`python -m db public-key --all` prints them), and `python -m db public-key` prints the
current one. Checking a file uses published keys only, never this private key's half (db.documents.verify). A key
made by the demo seed says so in its file, and the site marks it as a demo key.
"""

from __future__ import annotations

import base64
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from core.errors import CreditBoardError

ALGORITHM = "Ed25519"
DEMO_MARK = b"DEMO KEY made by the demo seed: not the bureau's key. Make a real one with `python -m db keygen`.\n"
KEY_ID_CHARS = 16  # of the SHA-256 hex of the raw public key


class SigningKeyError(CreditBoardError):
    """A signing key that is missing, unreadable or would be overwritten; the message says what to run."""


@dataclass(frozen=True)
class Signer:
    """A loaded private key: signs canonical bytes and names its public key."""

    private_key: Ed25519PrivateKey
    demo: bool

    @property
    def public_pem(self) -> str:
        return public_pem(self.private_key.public_key())

    @property
    def key_id(self) -> str:
        return key_id(self.private_key.public_key())

    def sign(self, message: bytes) -> str:
        """The Ed25519 signature of `message`, base64 (standard alphabet, padded)."""
        return base64.b64encode(self.private_key.sign(message)).decode("ascii")


def public_pem(key: Ed25519PublicKey) -> str:
    """The public key as SubjectPublicKeyInfo PEM text (what OpenSSL and every library read)."""
    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode("ascii")


def key_id(key: Ed25519PublicKey) -> str:
    """First 16 hex digits of SHA-256 over the 32 raw public-key bytes: a short name for the key."""
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:KEY_ID_CHARS]


def keygen(path: Path, *, demo: bool = False) -> Signer:
    """Make a new key at `path` (mode 0600, folders made); refuses to overwrite an existing file."""
    private = Ed25519PrivateKey.generate()
    pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise SigningKeyError(f"密钥文件已存在：{path}（不会覆盖；如需换用新密钥，请先移走旧文件）",
                              f"a key file already exists at {path} (never overwritten; move it away to make a new key)"
                              ) from None
    except OSError as exc:
        raise SigningKeyError(f"无法写入密钥文件 {path}：{exc.strerror}",
                              f"cannot write the key file {path}: {exc.strerror}") from None
    with os.fdopen(fd, "wb") as out:
        out.write((DEMO_MARK if demo else b"") + pem)
    return Signer(private, demo)


def load_signer(path: Path) -> Signer:
    """The key at `path`; SigningKeyError saying how to make one when there is none."""
    try:
        content = path.read_bytes()
    except FileNotFoundError:
        raise SigningKeyError(
            f"没有发布签名密钥（{path}）：请先运行 python -m db keygen，或用 SIGNING_KEY_FILE 指明密钥文件",
            f"no publication signing key at {path}: run python -m db keygen, or point SIGNING_KEY_FILE at the key"
        ) from None
    except OSError as exc:
        raise SigningKeyError(f"无法读取密钥文件 {path}：{exc.strerror}",
                              f"cannot read the key file {path}: {exc.strerror}") from None
    try:
        private = serialization.load_pem_private_key(content, password=None)
    except (ValueError, TypeError):
        private = None
    if not isinstance(private, Ed25519PrivateKey):
        raise SigningKeyError(f"{path} 不是 Ed25519 私钥（PEM）", f"{path} is not an Ed25519 private key (PEM)")
    return Signer(private, content.startswith(DEMO_MARK))


def load_public_keys(content: bytes) -> list[Ed25519PublicKey]:
    """Every Ed25519 public key in PEM text (one or several concatenated); SigningKeyError if there is none."""
    keys = []
    marker = b"-----BEGIN PUBLIC KEY-----"
    for part in content.split(marker)[1:]:
        try:
            key = serialization.load_pem_public_key(marker + part.split(b"-----END PUBLIC KEY-----")[0]
                                                    + b"-----END PUBLIC KEY-----\n")
        except ValueError:
            continue
        if isinstance(key, Ed25519PublicKey):
            keys.append(key)
    if not keys:
        raise SigningKeyError("文件中没有 Ed25519 公钥（PEM）", "no Ed25519 public key (PEM) in the file")
    return keys


def signature_valid(key: Ed25519PublicKey, message: bytes, signature_b64: str) -> bool:
    """True when `signature_b64` is `key`'s Ed25519 signature of `message`."""
    try:
        key.verify(base64.b64decode(signature_b64, validate=True), message)
    except (InvalidSignature, ValueError):
        return False
    return True
