"""One atomic write for every file the product writes: the old file or the new one, never
half of one, no temporary file left behind, and a private mode from the start."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from assistant.files import write_atomically


def test_text_and_bytes_replace_the_file_and_leave_nothing_else(tmp_path: Path) -> None:
    page = tmp_path / "deep" / "page.md"
    write_atomically(page, "first")
    write_atomically(page, "ünïcode second".encode())
    assert page.read_text(encoding="utf-8") == "ünïcode second"
    assert [p.name for p in page.parent.iterdir()] == ["page.md"]


def test_a_secret_is_never_readable_by_others(tmp_path: Path) -> None:
    secret = write_atomically(tmp_path / "accounts.txt", "{}", mode=0o600)
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600


def test_a_failed_write_keeps_the_old_file_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = write_atomically(tmp_path / "page.md", "the approved page")

    def full_disk(descriptor: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(OSError, match="No space left"):
        write_atomically(page, "half of a new page")
    assert page.read_text(encoding="utf-8") == "the approved page"
    assert [p.name for p in tmp_path.iterdir()] == ["page.md"]
