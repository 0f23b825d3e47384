"""Reading knowledge-base files: once, bounded, regular files only. No YAML here (so a warm start that
only hashes the files never imports the YAML parser)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

__all__ = ["MAX_FILE_BYTES", "FileProblem", "read_bytes", "write_atomically"]

MAX_FILE_BYTES = 1024 * 1024
"""Largest knowledge-base file accepted (1 MiB; the largest shipped file is a few KiB)."""


class FileProblem(Exception):
    """A knowledge-base file is not acceptable (``line`` 0 means the whole file)."""

    def __init__(self, line: int, message: str) -> None:
        self.line = line
        self.message = message
        super().__init__(line, message)


def read_bytes(path: Path) -> bytes:
    """The bytes of one knowledge-base file, read once: at most ``MAX_FILE_BYTES + 1`` bytes of a
    regular file. The file is opened non-blocking and checked with ``fstat`` on the open file, so a
    FIFO or device named ``*.yaml`` is refused without being read from (and cannot hang the loader).

    Raises:
        FileProblem: not a regular file.
        OSError: the file cannot be opened.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise FileProblem(0, "not a regular file")
        return handle.read(MAX_FILE_BYTES + 1)


def write_atomically(path: Path, content: bytes) -> None:
    """Write the whole file or nothing: a new temporary file beside it (created with mode 0666, so the
    umask gives it the usual permissions, as ``open`` would), then renamed into place."""
    import secrets

    directory = path.parent if str(path.parent) else Path(".")
    temporary = directory / f".{path.name}.{secrets.token_hex(6)}.tmp"
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
