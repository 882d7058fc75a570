"""pytest plugin: with ``--consistency``, check the configured document sets as tests.

Registered through the ``pytest11`` entry point. Enabled by ``--consistency``, or by
``consistency = true`` / ``consistency_paths = ...`` in pytest's ini options; otherwise it does
nothing and imports nothing of the pipeline. Each document set becomes one test item per check
(``consistency[<set>]::<check-id>``) that fails with the check's failing findings, plus an
``inputs`` item when an input was skipped. Settings come from ``[tool.consistency]`` as for
``consistency check`` (paths, sets, rules, select/ignore, baseline, fail-on, ...).
"""

from __future__ import annotations

import argparse
from typing import Any, Optional, Sequence

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("consistency")
    group.addoption("--consistency", action="store_true", default=False,
                    help="check the configured document sets with consistency, one test per check")
    group.addoption("--consistency-config", metavar="FILE", default=None,
                    help="consistency configuration file (default: nearest pyproject.toml or .consistency.toml)")
    group.addoption("--consistency-no-cache", action="store_true", default=False,
                    help="do not use the consistency claims cache")
    parser.addini("consistency", type="bool", default=False, help="run consistency checks as tests")
    parser.addini("consistency_paths", type="args", default=[],
                  help="document paths to check (relative to the rootdir); default: paths from [tool.consistency]")


def _enabled(config: pytest.Config) -> bool:
    return bool(config.getoption("consistency") or config.getini("consistency") or config.getini("consistency_paths"))


_WARNINGS = pytest.StashKey[list]()


class ConsistencyFailure(Exception):
    """The failing findings of one check, already formatted."""


class ConsistencyItem(pytest.Item):
    """One check over one document set (or the set's inputs, or its configuration)."""

    def __init__(self, *, lines: Sequence[str], failing: bool, title: str, **kw: Any) -> None:
        super().__init__(**kw)
        self.lines = list(lines)
        self.failing = failing
        self.title = title
        self.add_marker("consistency")

    def runtest(self) -> None:
        if self.failing:
            raise ConsistencyFailure("\n".join([self.title, *self.lines]))
        if self.lines:  # non-failing findings are shown with -rA / on stdout capture
            print("\n".join(self.lines))

    def repr_failure(self, excinfo: Any, style: Optional[str] = None) -> Any:
        if isinstance(excinfo.value, ConsistencyFailure):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self) -> Any:
        return self.path, None, self.name


def _items(session: pytest.Session) -> list[ConsistencyItem]:
    from . import gate
    from .errors import UsageError
    from .formats import neutralise, outcomes

    config = session.config
    paths = [str(config.rootpath / p) for p in config.getini("consistency_paths")]
    args = argparse.Namespace(paths=paths, config=config.getoption("consistency_config"),
                              no_cache=config.getoption("consistency_no_cache"))
    out: list[ConsistencyItem] = []

    def item(name: str, lines: Sequence[str], failing: bool, title: str) -> None:
        out.append(ConsistencyItem.from_parent(session, name=name, nodeid=name, lines=lines, failing=failing,
                                               title=title))

    try:
        s = gate.settings(args)
    except UsageError as exc:
        item("consistency::configuration", [], True, f"consistency configuration error: {exc}")
        return out
    for set_name, set_paths in s.sets:
        prefix = f"consistency[{set_name}]"
        try:
            result = gate.run(list(set_paths), s)
        except UsageError as exc:
            item(f"{prefix}::configuration", [], True, f"consistency configuration error: {exc}")
            continue
        except Exception as exc:  # a rule pack error and the like: one failing item, never a crash
            item(f"{prefix}::configuration", [], True, f"consistency could not run: {type(exc).__name__}: {exc}")
            continue
        results = outcomes(result.report, status=result.status, reasons=result.reasons, fail_on=result.fail_on)
        for check_id in sorted(set(result.checks) | {r.finding.rule for r in results}):
            mine = [r for r in results if r.finding.rule == check_id]
            lines = []
            for r in mine:
                loc = f"{r.location.path}:{r.location.line}:{r.location.column}" if r.location else ",".join(r.finding.sources)
                note = "" if r.status in ("failing", "passing") else f" ({r.status})"
                lines.append(neutralise(f"{loc}: {r.finding.severity} {r.finding.message} [{r.finding.id}]{note}"))
            failing = [r for r in mine if r.failing]
            title = f"{check_id}: {len(failing)} finding(s) at or above {result.fail_on}" if failing else check_id
            item(f"{prefix}::{check_id}", lines, bool(failing), title)
        if result.diagnostics:
            lines = [neutralise(str(d)) for d in result.diagnostics]
            skipped = result.skipped
            item(f"{prefix}::inputs", lines, bool(skipped), f"{len(skipped)} input(s) skipped")
        config.stash.setdefault(_WARNINGS, []).extend(result.warnings)
    return out


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    if not _enabled(config):
        return
    items.extend(_items(session))


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "consistency: a consistency check over a document set")


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    for w in config.stash.get(_WARNINGS, []):
        terminalreporter.write_line(f"consistency: warning: {w}", yellow=True)
