"""The audit chain's key: a secret kept outside the database, so that whoever can write the
database cannot rewrite the chain or its head so that it still verifies.

From ``ASSISTANT_AUDIT_KEY`` when set, else from the file ``audit.key`` under
``ASSISTANT_HOME``, created with mode 0600 on first use (its directory 0700 when missing).
The key is never printed: ``repr`` shows only its id, a short fingerprint that tells two keys
apart without revealing either.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import secrets
from pathlib import Path

from assistant.config import Settings
from assistant.review.errors import ReviewError

MIN_LENGTH = 32


class AuditKey:
    def __init__(self, secret: bytes, source: str) -> None:
        if len(secret) < MIN_LENGTH:
            raise ReviewError(f"the audit key from {source} is shorter than {MIN_LENGTH} bytes")
        self._secret = secret
        self.source = source  # where it came from, for messages ("ASSISTANT_AUDIT_KEY", a path)
        self.id = self.mac("assistant audit key id")[:16]

    def mac(self, text: str) -> str:
        """HMAC-SHA256 of ``text`` (UTF-8) under this key, as hex."""
        return hmac.new(self._secret, text.encode("utf-8"), hashlib.sha256).hexdigest()

    def __repr__(self) -> str:
        return f"AuditKey(id={self.id!r}, source={self.source!r})"

    @classmethod
    def load(cls, settings: Settings) -> AuditKey:
        if settings.audit_key is not None:
            return cls(settings.audit_key.get_secret_value().encode("utf-8"), "ASSISTANT_AUDIT_KEY")
        return cls.from_file(settings.audit_key_file)

    @classmethod
    def from_file(cls, path: Path) -> AuditKey:
        """The key in ``path``, created there (0600) when there is none. Two processes
        creating it at once agree on one: it is written aside and linked into place."""
        if not path.exists():
            _create(path)
        if path.stat().st_mode & 0o077:
            os.chmod(path, 0o600)
        secret = path.read_bytes().strip()
        if len(secret) < MIN_LENGTH:
            raise ReviewError(
                f"the audit key file {path} is empty or damaged: restore it from the backup "
                "kept with the database (the audit chain cannot be verified without it)"
            )
        return cls(secret, str(path))


def _create(path: Path) -> None:
    if not path.parent.exists():
        path.parent.mkdir(mode=0o700, parents=True)
    aside = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    descriptor = os.open(aside, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w") as stream:
            stream.write(secrets.token_hex(32) + "\n")
            stream.flush()
            os.fsync(stream.fileno())
        with contextlib.suppress(FileExistsError):  # another process made one first: theirs
            os.link(aside, path)
    finally:
        aside.unlink(missing_ok=True)
