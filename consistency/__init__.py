"""consistency: extract dated factual claims from articles and check them against each other.

Three ways in: this library (:func:`check`, :func:`extract`, :func:`load_sources`), the
``consistency`` command, and CI enforcement (exit codes and machine-readable formats).
"""

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
    "__version__",
]
