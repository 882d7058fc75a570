"""pytest plugin: with ``--consistency``, check the configured document sets as tests.

Registered through the ``pytest11`` entry point; without the flag it does nothing.
"""

from __future__ import annotations


def pytest_addoption(parser):  # type: ignore[no-untyped-def]
    group = parser.getgroup("consistency")
    group.addoption("--consistency", action="store_true", default=False,
                    help="check the configured document sets with consistency")
