"""Writing a command's output: to stdout, or to a file with a one-line error naming it."""

from __future__ import annotations

from typing import Optional, TextIO

from .errors import UsageError


def emit(text: str, output: Optional[str], stdout: TextIO) -> None:
    """Write ``text`` to ``output`` (a path; ``-`` or None means ``stdout``)."""
    if output and output != "-":
        try:
            with open(output, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(text)
        except OSError as exc:
            raise UsageError(f"{output}: cannot write output ({exc.strerror}); choose a writable path with --output")
    else:
        stdout.write(text)
