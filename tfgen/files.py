"""Reading a user's file within a size budget: the one way tfgen reads input files.

A file larger than its reader's budget is refused without being read whole, and text that is not
UTF-8 is refused with the line of the first bad byte. Each reader words its own errors (it knows
what the file is meant to be); these functions only report what happened.
"""

from __future__ import annotations

from pathlib import Path


class NotUtf8(ValueError):
    """Bytes that are not UTF-8 text, with the line (1-based) of the first bad byte."""

    def __init__(self, error: UnicodeDecodeError, raw: bytes):
        super().__init__(f"{error.reason} at byte {error.start}")
        self.line = raw[: error.start].count(b"\n") + 1
        self.reason, self.start = error.reason, error.start


def read_bounded(path: Path, limit: int) -> bytes | None:
    """The file's bytes, or None when it holds more than `limit` bytes. OSError passes through."""
    with path.open("rb") as handle:
        data = handle.read(limit + 1)
    return data if len(data) <= limit else None


def utf8_text(raw: bytes) -> str:
    """`raw` decoded as UTF-8; NotUtf8 names the line where it is not."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise NotUtf8(err, raw) from None
