"""Reading an archive file as UTF-8 text, one line at a time, plain or gzip-compressed.

Lines are decoded one by one, so a file in the wrong encoding is reported with the
line and byte offset of the first bad byte, and a big file is never read whole.
"""

from __future__ import annotations

import codecs
import gzip
import zlib
from collections.abc import Generator
from pathlib import Path
from typing import BinaryIO

from assistant.corpus.issues import CorpusError, missing_file, not_utf8, utf16

_WIDE_BOMS = (
    (codecs.BOM_UTF32_LE, "UTF-32"),
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
)


def _open(path: Path) -> BinaryIO:
    try:
        if path.name.lower().endswith(".gz"):
            return gzip.open(path, "rb")  # type: ignore[return-value]
        return path.open("rb")
    except FileNotFoundError:
        raise missing_file(path) from None
    except IsADirectoryError:
        raise CorpusError(f"{path} is a directory — name a file") from None


def iter_lines(path: Path) -> Generator[tuple[int, str], None, None]:
    """Yield ``(1-based line number, text)`` with the line ending kept.

    Raises :class:`CorpusError` for text that is not UTF-8 (UTF-16/32, Latin-1) and for
    a broken gzip file. A UTF-8 byte-order mark is dropped.
    """
    with _open(path) as stream:
        offset = 0
        try:
            for number, raw in enumerate(stream, start=1):
                data = raw
                if number == 1:
                    for bom, name in _WIDE_BOMS:
                        if raw.startswith(bom):
                            raise utf16(path, name)
                    data = raw.removeprefix(codecs.BOM_UTF8)
                if b"\x00" in data:
                    raise utf16(path, "UTF-16") if number == 1 else _nul(path, number)
                try:
                    text = data.decode("utf-8")
                except UnicodeDecodeError as exc:
                    start = offset + len(raw) - len(data) + exc.start
                    raise not_utf8(path, number, start, data[exc.start]) from None
                offset += len(raw)
                yield number, text
        except (gzip.BadGzipFile, EOFError, zlib.error) as exc:
            raise CorpusError(
                f"{path}: not a readable gzip file ({exc}) — re-compress it with `gzip`, "
                "or drop the .gz suffix if it is plain text"
            ) from None


def _nul(path: Path, line: int) -> CorpusError:
    return CorpusError(f"{path}:{line}: NUL byte in text — the file is binary or corrupted")
