"""Writing a file so that a reader, or a crash, never sees half of it.

``write_atomically`` writes a temporary file beside the target (named for this process and
thread, so concurrent writers do not share it), flushes it to disk, renames it over the target
and, on POSIX, syncs the directory so that the rename itself survives a power cut. A reader
sees the old file or the new one. ``mode`` sets the permissions from the start (0o600 for a
file only its owner may read); otherwise the usual ones (0o666 less the umask).
"""

from __future__ import annotations

import os
import threading
from pathlib import Path


def write_atomically(path: Path, data: str | bytes, mode: int = 0o666) -> Path:
    """Replaces ``path`` with ``data`` (text is written as UTF-8); returns ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}-{threading.get_ident()}.tmp")
    raw = data.encode("utf-8") if isinstance(data, str) else data
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    try:
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(raw)
            stream.flush()
            os.fsync(stream.fileno())
        temporary.replace(path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    if os.name == "posix":
        directory = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
    return path
