"""The CI gate: ``consistency check`` and ``consistency baseline``.

``check`` runs the pipeline with the settings of the config file and the command line (flags
win), suppresses what the baseline and inline acceptances allow, renders the chosen format, and
returns the exit code: 0 nothing fails, 1 some finding reaches ``--fail-on``, 2 a usage,
configuration or input error (an input that was skipped also makes it 2, after all results are
printed). :func:`run` is the same gate as a function, for the pytest plugin and for libraries.
"""

from __future__ import annotations

import argparse
import os
from typing import TYPE_CHECKING, Any, Callable, Mapping, Optional, Sequence, TextIO, Tuple

import attrs

from . import baseline as _baseline
from . import config as _config
from .errors import UsageError
from .output import emit
from .model import SEVERITIES, Diagnostic, Finding, Report, finding_order, stable_hash

if TYPE_CHECKING:  # pragma: no cover
    from .rulepack import RuleSet

__all__ = ["UsageError", "Settings", "Result", "add_commands", "settings", "run", "run_sets", "cmd_check", "cmd_baseline"]

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


@attrs.frozen(slots=True)
class Settings:
    """Everything one gate run needs, config and flags already merged."""

    sets: Tuple[Tuple[str, Tuple[str, ...]], ...] = ()
    rules: Tuple[str, ...] = ()
    select: Tuple[str, ...] = ()
    ignore: Tuple[str, ...] = ()
    severity: Tuple[Tuple[str, str], ...] = ()
    per_path_ignores: Tuple[Tuple[str, Tuple[str, ...]], ...] = ()
    tolerance: Tuple[Tuple[str, Optional[float], Optional[float]], ...] = ()
    fail_on: str = "error"
    format: str = "text"
    output: Optional[str] = None
    baseline: Optional[str] = None
    cache_dir: Optional[str] = ".consistency_cache"
    max_bytes: Optional[int] = None
    statistics: bool = False
    root: str = "."
    config_path: Optional[str] = None
    jobs: Optional[int] = None
    scheduler: Optional[str] = None


class Result:
    """One gate run: the findings (per-path ignores applied), what is suppressed and why.

    ``report`` is the full :class:`Report`; after a run served from the cache it is read from
    the cache only when something asks for it (the gate itself needs just the findings).
    """

    def __init__(
        self,
        *,
        report: Optional[Report] = None,
        status: Mapping[str, str],
        reasons: Mapping[str, str],
        gone: int,
        checks: Tuple[str, ...],
        fail_on: str,
        warnings: Tuple[str, ...] = (),
        findings: Optional[Sequence[Finding]] = None,
        diagnostics: Optional[Sequence[Diagnostic]] = None,
        documents: Optional[int] = None,
        load: Optional[Callable[[], Report]] = None,
        render_cache: Optional[Tuple[str, str, str]] = None,
    ) -> None:
        if report is None and load is None:
            raise ValueError("a Result needs a report or a way to load it")
        self._report = report
        self._load = load
        self.findings: Tuple[Finding, ...] = tuple(report.findings if findings is None and report else findings or ())
        self.diagnostics: Tuple[Diagnostic, ...] = tuple(
            report.diagnostics if diagnostics is None and report else diagnostics or ())
        self.documents = len(report.sources) if documents is None and report else int(documents or 0)
        self.status, self.reasons, self.gone = dict(status), dict(reasons), gone
        self.checks, self.fail_on, self.warnings = tuple(checks), fail_on, tuple(warnings)
        self._render_cache = render_cache  # (cache dir, run spec, inputs fingerprint)

    @property
    def report(self) -> Report:
        if self._report is None:
            assert self._load is not None
            full = self._load()
            self._report = Report(sources=full.sources, claims=full.claims, findings=self.findings,
                                  diagnostics=self.diagnostics)
        return self._report

    @property
    def failing(self) -> list[Finding]:
        from .formats import fails

        return [f for f in self.findings if f.id not in self.status and fails(f.severity, self.fail_on)]

    @property
    def skipped(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.level == "error"]

    @property
    def exit_code(self) -> int:
        if self.skipped:
            return EXIT_ERROR
        return EXIT_FINDINGS if self.failing else EXIT_OK

    def render(self, fmt: str, *, name: str = "documents", **extra: Any) -> str:
        """The output in format ``fmt``; reused from the cache when this run and these options
        were rendered before (rendering is a pure function of both)."""
        from . import __version__, formats

        options = dict(status=dict(self.status), reasons=dict(self.reasons), fail_on=self.fail_on, gone=self.gone,
                       checks=list(self.checks), set_name=name, **extra)
        key = ""
        if self._render_cache is not None:
            key = stable_hash(fmt, sorted((k, repr(v)) for k, v in options.items()), [f.id for f in self.findings],
                              self.diagnostics, __version__, length=32)
            text = self._cached(lambda c: c.get_render(self._render_cache[1], self._render_cache[2], key))
            if text is not None:
                return text  # type: ignore[no-any-return]
        text = formats.render(self.report, fmt, **options)
        if self._render_cache is not None:
            self._cached(lambda c: c.put_render(self._render_cache[1], self._render_cache[2], key, text))
        return text

    def _cached(self, fn: Callable[[Any], Any]) -> Any:
        from .cache import ClaimsCache

        assert self._render_cache is not None
        with ClaimsCache(self._render_cache[0]) as c:
            return fn(c)


# ---- settings ----------------------------------------------------------------------------------

def _split(values: Optional[Sequence[str]]) -> Optional[Tuple[str, ...]]:
    """Repeatable, comma-separated flag values as one tuple (None when the flag was not given)."""
    if values is None:
        return None
    out = [v.strip() for item in values for v in item.split(",")]
    return tuple(v for v in out if v)


def _known_checks() -> list[str]:
    from .formats import known_checks

    return known_checks()


def _validate_ids(ids: Sequence[str], where: str, known: Sequence[str]) -> None:
    if not known:
        return  # the check registry is not there yet: the engine will ignore unknown ids
    bad = [i for i in ids if i not in known]
    if bad:
        raise UsageError(f"unknown check id {bad[0]!r} in {where}; known checks: {', '.join(known)}")


def _relative(path: str) -> str:
    """A configured path as the user would type it: relative to the current directory when it
    lies below it (outputs and code-scanning locations then name repository files), else absolute."""
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive
        return path
    return path if rel == ".." or rel.startswith(".." + os.sep) else rel


def settings(args: argparse.Namespace) -> Settings:
    """Merge the config file (explicit or discovered) with the command-line flags; flags win."""
    paths = [p for p in (getattr(args, "paths", None) or [])]
    try:
        cfg = _config.find_and_load(getattr(args, "config", None), paths)
    except _config.ConfigError as exc:
        raise UsageError(str(exc)) from None
    if paths:
        sets: Tuple[Tuple[str, Tuple[str, ...]], ...] = (("documents", tuple(paths)),)
    else:
        sets = tuple((name, tuple(_relative(p) for p in ps)) for name, ps in cfg.sets)
        if cfg.paths:
            sets += (("documents", tuple(_relative(p) for p in cfg.paths)),)
        if not sets:
            where = cfg.path or "pyproject.toml"
            raise UsageError(f"no PATH given; pass the articles to check, or set paths = [...] under "
                             f"[tool.consistency] in {where}")
    select = _split(getattr(args, "select", None))
    ignore = _split(getattr(args, "ignore", None))
    known = _known_checks()
    _validate_ids(select or (), "--select", known)
    _validate_ids(ignore or (), "--ignore", known)
    if known:
        for key, ids in (("select", cfg.select), ("ignore", cfg.ignore), ("severity", [c for c, _ in cfg.severity]),
                         ("per-path-ignores", [i for _, ids in cfg.per_path_ignores for i in ids])):
            bad = [i for i in ids if i not in known]
            if bad:
                raise UsageError(str(cfg.error(key, f"unknown check id {bad[0]!r}; known checks: {', '.join(known)}")))
    fmt = getattr(args, "format", None) or cfg.format or "text"
    from . import formats

    if fmt not in formats.names():
        raise UsageError(str(cfg.error("format", f"unknown format {fmt!r}; known formats: {', '.join(formats.names())}")))
    cache_dir: Optional[str]
    if getattr(args, "no_cache", False):
        cache_dir = None
    else:
        cache_dir = getattr(args, "cache_dir", None) or cfg.cache_dir or os.path.join(cfg.root, ".consistency_cache")
    rules = tuple(getattr(args, "rules", None) or ()) or cfg.rules
    if not getattr(args, "rules", None):
        _check_config_rules(cfg)
    return Settings(
        sets=sets, rules=rules,
        select=select if select is not None else cfg.select,
        ignore=ignore if ignore is not None else cfg.ignore,
        severity=cfg.severity, per_path_ignores=cfg.per_path_ignores, tolerance=cfg.tolerance,
        fail_on=getattr(args, "fail_on", None) or cfg.fail_on or "error",
        format=fmt, output=getattr(args, "output", None),
        baseline=None if getattr(args, "no_baseline", False) else (getattr(args, "baseline", None) or cfg.baseline),
        cache_dir=cache_dir,
        max_bytes=getattr(args, "max_bytes", None) or cfg.max_bytes,
        statistics=bool(getattr(args, "statistics", False)),
        root=cfg.root, config_path=cfg.path,
        jobs=getattr(args, "jobs", None), scheduler=getattr(args, "scheduler", None),
    )


def _check_config_rules(cfg: "_config.Config") -> None:
    """A pack the configuration names must exist: say so at the config's line, not later."""
    from . import rulepack

    shipped = sorted(p.stem for p in rulepack.shipped_packs())
    for ref in cfg.rules:
        if ref not in shipped and not os.path.exists(ref):
            raise UsageError(str(cfg.error("rules", f"no rule pack {ref!r} (shipped packs: {', '.join(shipped) or 'none'}); "
                                                      "fix the name, or give the path of a .toml pack or folder")))


# ---- running -----------------------------------------------------------------------------------

def with_tolerances(ruleset: "RuleSet", overrides: Sequence[Tuple[str, Optional[float], Optional[float]]],
                    where: str = "the configuration") -> "RuleSet":
    """``ruleset`` with attribute tolerances replaced; its digest changes with them (cache keys)."""
    if not overrides:
        return ruleset
    known = sorted(ruleset.attributes)
    table = {name: (tol, hedge) for name, tol, hedge in overrides}
    for name in table:
        if name not in ruleset.attributes:
            raise UsageError(f"{where}: [tolerance] unknown attribute {name!r}; known attributes: {', '.join(known)}")
    packs = []
    for pack in ruleset.packs:
        attrs_ = []
        for a in pack.attributes:
            if a.name in table:
                tol, hedge = table[a.name]
                a = attrs.evolve(a, tolerance=a.tolerance if tol is None else tol,
                                 hedge_tolerance=a.hedge_tolerance if hedge is None else hedge)
            attrs_.append(a)
        packs.append(attrs.evolve(pack, attributes=tuple(attrs_)))
    return attrs.evolve(ruleset, packs=tuple(packs), digest=stable_hash(ruleset.digest, tuple(sorted(table.items())), length=32))


def _per_path_ignored(f: Finding, rules: Sequence[Tuple[str, Tuple[str, ...]]], root: str,
                      paths: Mapping[str, str]) -> bool:
    for glob, ids in rules:
        if f.rule in ids and f.sources and all(_config.glob_match(glob, paths.get(s, s), root) for s in f.sources):
            return True
    return False


def inputs_fingerprint(paths: Sequence[str], max_bytes: Optional[int] = None) -> Optional[str]:
    """A content hash of every article the inputs name (walked as :mod:`sources` walks them), or
    None when it cannot be known without reading them the full way (stdin, unreadable entries)."""
    import hashlib

    from .sources import ARTICLE_SUFFIXES

    h = hashlib.blake2b(digest_size=20)
    h.update(repr((os.getcwd(), tuple(paths), max_bytes)).encode("utf-8", "surrogatepass"))
    seen: set[tuple[int, int]] = set()

    def add_file(path: str) -> bool:
        try:
            st = os.stat(path)
            real = os.path.realpath(path)
            h.update(f"\0f{path}\0{real}\0{st.st_size}\0{int(os.path.islink(path))}".encode("utf-8", "surrogatepass"))
            if max_bytes is not None and st.st_size > max_bytes:
                return True  # only its size matters: it is skipped
            with open(path, "rb") as fh:
                h.update(hashlib.blake2b(fh.read(), digest_size=20).digest())
            return True
        except (OSError, ValueError):
            return False

    def visit(d: str) -> bool:
        st = os.stat(d)
        if (st.st_dev, st.st_ino) in seen:
            h.update(f"\0loop{d}".encode("utf-8", "surrogatepass"))
            return True
        seen.add((st.st_dev, st.st_ino))
        with os.scandir(d) as it:
            entries = sorted(it, key=lambda e: e.name)
        for e in entries:
            if e.name.startswith("."):
                continue
            full = os.path.join(d, e.name)
            if e.is_dir():
                h.update(f"\0d{full}".encode("utf-8", "surrogatepass"))
                if not visit(full):
                    return False
            elif e.name.lower().endswith(ARTICLE_SUFFIXES) and not add_file(full):
                return False
        return True

    try:
        for p in paths:
            if p == "-":
                return None
            if os.path.isdir(p):
                h.update(f"\0D{p}".encode("utf-8", "surrogatepass"))
                if not visit(p):
                    return None
            elif os.path.exists(p):
                if not add_file(p):
                    return None
            else:
                h.update(f"\0missing{p}\0{int(os.path.islink(p))}".encode("utf-8", "surrogatepass"))
    except (OSError, ValueError):
        return None
    return h.hexdigest()


def _pipeline(paths: Sequence[str], s: Settings, ruleset: "RuleSet", cache: Any) -> Report:
    """Load, mark acceptance lines as furniture, extract and check: the report before gate rules."""
    from . import api

    raw, diagnostics = api.load_sources(paths, max_bytes=s.max_bytes)
    sources = [_baseline.mark(src) for src in raw]
    for src in sources:
        diagnostics.extend(_baseline.find_acceptances(src)[1])
    with executor_for(s) as ex:
        report = api.check(sources, ruleset, select=list(s.select) or None, ignore=list(s.ignore) or None,
                           severities=dict(s.severity) or None, cache=cache, executor=ex)
    return Report(sources=report.sources, claims=report.claims, findings=report.findings,
                  diagnostics=[*report.diagnostics, *diagnostics])


def executor_for(s: "Settings | argparse.Namespace") -> Any:
    """The back end for ``--jobs`` / ``--scheduler`` (a context manager); a bad option is a usage error."""
    from . import executors

    try:
        return executors.from_options(jobs=getattr(s, "jobs", None), scheduler=getattr(s, "scheduler", None))
    except executors.ExecutorError as exc:
        raise UsageError(str(exc)) from None


def _summary(report: Report) -> dict[str, Any]:
    """What the gate needs of a report, small enough to read back fast from the cache."""
    accepted = [(a.path, a.line, a.ids, a.reason) for src in report.sources
                for a in _baseline.find_acceptances(src)[0]]
    return {"findings": report.findings, "diagnostics": report.diagnostics, "documents": len(report.sources),
            "paths": {src.id: src.path for src in report.sources}, "accepted": accepted}


def run(paths: Sequence[str], s: Settings, *, warn: Optional[Callable[[str], None]] = None) -> Result:
    """Check one document set with settings ``s``; errors in settings raise, bad inputs become diagnostics.

    With a cache, a run whose settings and input files (by content) match the previous run is
    answered from it without parsing, extracting or checking anything.
    """
    from . import __version__, api

    ruleset = with_tolerances(api.load_rules(list(s.rules) or None), s.tolerance, s.config_path or "the configuration")
    warnings: list[str] = []

    def _warn(msg: str) -> None:
        warnings.append(msg)
        if warn is not None:
            warn(msg)

    spec = stable_hash(tuple(paths), s.max_bytes, ruleset.digest, s.select, s.ignore, s.severity, __version__,
                       length=32)
    cache = None
    if s.cache_dir:
        from .cache import ClaimsCache

        cache = ClaimsCache(s.cache_dir, warn=_warn)
    report: Optional[Report] = None
    summary: Optional[dict[str, Any]] = None
    inputs: Optional[str] = None
    try:
        inputs = inputs_fingerprint(paths, s.max_bytes) if cache is not None and cache.enabled else None
        if inputs is not None:
            summary = cache.get_run_summary(spec, inputs)  # type: ignore[union-attr]
        if summary is None:
            report = _pipeline(paths, s, ruleset, cache)
            summary = _summary(report)
            if inputs is not None:
                cache.put_run(spec, inputs, report, summary)  # type: ignore[union-attr]
    finally:
        if cache is not None:
            cache.close()

    acceptances = [_baseline.Acceptance(path, line, tuple(ids), reason) for path, line, ids, reason in summary["accepted"]]
    findings = [f for f in summary["findings"]
                if not _per_path_ignored(f, s.per_path_ignores, s.root, summary["paths"])]
    ids: frozenset[str] = frozenset()
    if s.baseline:
        try:
            ids = _baseline.load(s.baseline)
        except _baseline.BaselineError as exc:
            raise UsageError(str(exc)) from None
    status, reasons, gone, adiags = _baseline.apply(findings, baseline=ids, acceptances=acceptances)
    diagnostics = sorted([*summary["diagnostics"], *adiags], key=lambda d: (d.path, d.line or 0, d.message))
    checks = _known_checks()
    if s.select:
        checks = [c for c in checks if c in s.select]
    checks = [c for c in checks if c not in s.ignore]
    common = dict(status=status, reasons=reasons, gone=gone, checks=tuple(checks), fail_on=s.fail_on,
                  warnings=tuple(warnings), findings=findings, diagnostics=diagnostics,
                  documents=summary["documents"])
    render_cache = (str(s.cache_dir), spec, inputs) if inputs is not None else None
    if report is not None:
        full = Report(sources=report.sources, claims=report.claims, findings=findings, diagnostics=diagnostics)
        return Result(report=full, render_cache=render_cache, **common)  # type: ignore[arg-type]
    cache_dir = str(s.cache_dir)
    run_inputs = inputs

    def load() -> Report:
        from .cache import ClaimsCache

        with ClaimsCache(cache_dir, warn=_warn) as c:
            full = c.get_run(spec, run_inputs) if run_inputs is not None else None
        if full is None:  # the cache changed under us: do the work
            full = _pipeline(paths, s, ruleset, None)
        return full

    return Result(load=load, render_cache=render_cache, **common)  # type: ignore[arg-type]


def _merge(results: Sequence[Result]) -> Result:
    if len(results) == 1:
        return results[0]

    def load() -> Report:
        sources = {s.id: s for r in results for s in r.report.sources}
        claims = {c.id: c for r in results for c in r.report.claims}
        return Report(sources=sources.values(), claims=claims.values(), findings=(), diagnostics=())

    findings = {f.id: f for r in results for f in r.findings}
    diags = {(d.path, d.line, d.message): d for r in results for d in r.diagnostics}
    return Result(
        load=load,
        findings=sorted(findings.values(), key=finding_order),
        diagnostics=sorted(diags.values(), key=lambda d: (d.path, d.line or 0, d.message)),
        documents=sum(r.documents for r in results),
        status={k: v for r in results for k, v in r.status.items()},
        reasons={k: v for r in results for k, v in r.reasons.items()},
        gone=min(r.gone for r in results),  # a baseline id is gone only if no set has it
        checks=tuple(sorted({c for r in results for c in r.checks})),
        fail_on=results[0].fail_on,
        warnings=tuple(w for r in results for w in r.warnings),
    )


def run_sets(s: Settings, *, warn: Optional[Callable[[str], None]] = None) -> Result:
    """Every document set of ``s``, each checked on its own, merged into one result."""
    return _merge([run(list(paths), s, warn=warn) for _name, paths in s.sets])


# ---- commands ----------------------------------------------------------------------------------



def _say(stderr: TextIO, message: str) -> None:
    from .formats import neutralise

    stderr.write(f"consistency: {neutralise(message)}\n")


def _check_store(args: argparse.Namespace, s: Settings, stdout: TextIO, stderr: TextIO) -> int:
    """``check NEW... --store DIR [--update]``: new documents against the stored record."""
    from . import api, formats, store as _store

    paths = [p for _, ps in s.sets for p in ps]
    ruleset = with_tolerances(api.load_rules(list(s.rules) or None), s.tolerance, s.config_path or "the configuration")
    try:
        with executor_for(s) as ex:
            report, commit = api.check_against_store(
                paths, args.store, ruleset, update=bool(args.update), select=list(s.select) or None,
                ignore=list(s.ignore) or None, severities=dict(s.severity) or None, executor=ex)
    except _store.StoreError as exc:
        raise UsageError(str(exc)) from None
    emit(formats.render(report, s.format), s.output, stdout)
    for d in report.diagnostics:
        _say(stderr, str(d))
    if commit is not None:
        _say(stderr, f"added {commit.claims} claim(s) of {commit.sources} document(s) to {args.store}")
    rank = {sev: i for i, sev in enumerate(SEVERITIES)}
    failing = [f for f in report.findings if rank[f.severity] <= rank[s.fail_on]]
    if any(d.level == "error" for d in report.diagnostics):
        return EXIT_ERROR
    return EXIT_FINDINGS if failing else EXIT_OK


def cmd_check(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    s = settings(args)
    if getattr(args, "store", None):
        return _check_store(args, s, stdout, stderr)
    if getattr(args, "update", False):
        raise UsageError("--update needs --store DIR (the claim store to add the documents to)")
    result = run_sets(s, warn=lambda m: _say(stderr, f"warning: {m}"))
    name = s.sets[0][0] if len(s.sets) == 1 else "+".join(n for n, _ in s.sets)
    to_file = bool(s.output and s.output != "-")
    extra = {"statistics": s.statistics, "diagnostics": to_file} if s.format == "text" else {}
    emit(result.render(s.format, name=name, **extra), s.output, stdout)
    for d in result.diagnostics:  # input problems always go to stderr, once
        _say(stderr, str(d))
    if s.statistics and s.format != "text":
        from .formats.text import statistics

        stderr.write(statistics(result.findings) + "\n")
    if result.gone:
        _say(stderr, f"{result.gone} baselined finding(s) no longer occur; refresh the baseline with "
                     f"'consistency baseline PATH... -o {s.baseline}' to drop them")
    if result.skipped:
        _say(stderr, f"{len(result.skipped)} input(s) skipped; the other {result.documents} were "
                     "checked (exit code 2)")
    return result.exit_code


def cmd_baseline(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    s = settings(args)
    target = getattr(args, "output", None) or s.baseline
    if not target:
        raise UsageError("baseline needs -o FILE (or baseline = \"FILE\" under [tool.consistency])")
    s = attrs.evolve(s, baseline=None)
    result = run_sets(s, warn=lambda m: _say(stderr, f"warning: {m}"))
    try:
        n = _baseline.write(target, result.findings)
    except _baseline.BaselineError as exc:
        raise UsageError(str(exc)) from None
    for d in result.diagnostics:
        _say(stderr, str(d))
    _say(stderr, f"recorded {n} finding(s) of {result.documents} document(s) in {target}")
    if result.skipped:
        _say(stderr, f"{len(result.skipped)} input(s) skipped; their findings are not in the baseline (exit code 2)")
        return EXIT_ERROR
    return EXIT_OK


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="*", metavar="PATH",
                   help="article files, directories (recursive) or - for stdin (default: paths from the config)")
    p.add_argument("--rules", action="append", metavar="PACK", help="rule pack name or path (repeatable)")
    p.add_argument("--select", action="append", metavar="IDS", help="only these check ids (comma-separated, repeatable)")
    p.add_argument("--ignore", action="append", metavar="IDS", help="skip these check ids (comma-separated, repeatable)")
    p.add_argument("--config", metavar="FILE", help="configuration file (default: nearest pyproject.toml or .consistency.toml)")
    p.add_argument("--no-cache", action="store_true", help="do not read or write the claims cache")
    p.add_argument("--cache-dir", metavar="DIR", help="claims cache directory (default: .consistency_cache)")
    p.add_argument("--max-bytes", type=int, metavar="N", help="largest document to read, in bytes")
    add_executor_arguments(p)


def add_executor_arguments(p: argparse.ArgumentParser) -> None:
    """``--jobs`` and ``--scheduler``, shared by every command that extracts."""
    p.add_argument("--jobs", type=int, metavar="N",
                   help="worker processes (default: every core; 1 = in process; small inputs stay in process)")
    p.add_argument("--scheduler", metavar="ADDR",
                   help="run on a Dask cluster: tcp://HOST:8786, or 'local' for a LocalCluster (needs consistency[dask])")


def add_commands(sub: Any, formats: Sequence[str]) -> None:
    """Add ``check`` and ``baseline`` to the ``consistency`` command's subparsers."""
    p = sub.add_parser("check", help="CI gate: exit 1 when a finding reaches --fail-on, 2 on errors",
                       description="Check articles against each other and exit 0 (pass), 1 (findings at or above "
                                   "--fail-on) or 2 (usage, configuration or input error; skipped inputs too).")
    _common(p)
    p.add_argument("--format", choices=list(formats), default=None, help="output format (default: text)")
    p.add_argument("-o", "--output", metavar="FILE", help="write the output to FILE instead of stdout")
    p.add_argument("--fail-on", choices=list(SEVERITIES), default=None, help="lowest failing severity (default: error)")
    p.add_argument("--baseline", metavar="FILE", help="fail only on findings not recorded in FILE")
    p.add_argument("--no-baseline", action="store_true", help="ignore the baseline named in the configuration")
    p.add_argument("--statistics", action="store_true", help="count findings per check")
    p.add_argument("--store", metavar="DIR", help="check the documents against the claim store in DIR "
                   "(see 'consistency extract --store')")
    p.add_argument("--update", action="store_true", help="with --store: also add the documents to the store")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("baseline", help="record today's findings so that check --baseline fails only on new ones")
    _common(p)
    p.add_argument("-o", "--output", metavar="FILE", help="the baseline file to write (default: baseline from the config)")
    p.set_defaults(func=cmd_baseline)
