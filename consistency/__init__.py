"""consistency: extract dated factual claims from articles and check them against each other.

Three ways in: this library, the ``consistency`` command, and CI enforcement (exit codes and
machine-readable formats). The library's front door:

- :func:`check` (paths, texts or sources -> :class:`Report` with sources, claims, findings);
- :func:`extract` (-> sources, claims, diagnostics) and :func:`run_checks` (claims -> findings);
- :func:`load_sources`, :func:`load_rules`.

The pipeline is imported on first use, so ``import consistency`` stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .model import Claim, Diagnostic, Finding, Report, Sentence, Source, TimeSpan

__version__ = "0.1.0"

__all__ = [
    "Claim",
    "Diagnostic",
    "Finding",
    "Report",
    "Sentence",
    "Source",
    "TimeSpan",
    "check",
    "extract",
    "load_rules",
    "load_sources",
    "run_checks",
    "__version__",
]

_API = {"check", "extract", "load_rules", "load_sources", "run_checks"}

if TYPE_CHECKING:  # pragma: no cover
    from .api import check, extract, load_rules, load_sources, run_checks


def __getattr__(name: str) -> Any:
    if name in _API:
        from . import api

        return getattr(api, name)
    raise AttributeError(f"module 'consistency' has no attribute {name!r}")
