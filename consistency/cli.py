"""The ``consistency`` command: report, claims, timeline, rules (and check/baseline for CI).

Exit codes: 0 success; 1 findings at or above the failing severity (``check``); 2 a usage,
configuration or input error, reported in one line on stderr that names the file and the fix.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from typing import Optional, Sequence, TextIO

from tabulate import tabulate

from . import __version__, api
from .model import Claim, Finding, Report, Source
from .errors import UsageError
from .output import emit
from .rulepack import RulePackError
from .sources import DEFAULT_MAX_BYTES as _DEFAULT_MAX_BYTES

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2



def _date_label(s: Source) -> str:
    if s.published is not None:
        return s.published.isoformat()
    if s.published_range is not None:
        a, b = s.published_range
        return f"{a.isoformat()}..{b.isoformat()} (estimated)"
    return "undated"


def _clean(value: object) -> str:
    """Document text made safe for a terminal: control and bidi characters shown as escapes."""
    from .formats import neutralise

    return neutralise(str(value))


def _short(text: str, n: int = 90) -> str:
    text = _clean(" ".join(text.split()))
    return text if len(text) <= n else text[: n - 1] + "…"


def _time_label(c: Claim) -> str:
    if c.time is None:
        return ""
    t = c.time
    if t.start is None:
        return f"{t.text!r}?"
    span = t.start.isoformat() if t.start == t.end else f"{t.start.isoformat()}..{t.end.isoformat()}"  # type: ignore[union-attr]
    mod = f"{t.modifier} " if t.modifier else ""
    return f"{mod}{span} ({t.granularity}{', ' + c.time_basis if c.time_basis != 'stated' else ''})"


def sources_table(report: Report) -> str:
    rows = [(_clean(s.id), _short(s.title, 60), _date_label(s)) for s in report.sources]
    return tabulate(rows, headers=["source", "title", "published"], tablefmt="simple")


def claims_table(claims: Sequence[Claim]) -> str:
    rows = [
        (_clean(c.source), _clean(c.subject), c.predicate,
         _clean(f"{c.value}{' ' + c.unit if c.unit and c.unit != 'count' else ''}"),
         _clean(_time_label(c)), c.modality, _clean(c.speaker or ""), _short(c.quote, 70))
        for c in claims
    ]
    return tabulate(rows, headers=["source", "subject", "predicate", "value", "when", "modality", "speaker", "quote"],
                    tablefmt="simple")


_SECTIONS = (
    ("Conflicts", ("conflict", "anachronism")),
    ("Lifecycle, predictions and transitions", ("lifecycle", "prediction", "transition")),
    ("Agreements", ("refinement", "approximate_agreement", "agreement")),
    ("Uncorroborated", ("uncorroborated",)),
)


def findings_text(findings: Sequence[Finding]) -> str:
    out: list[str] = []
    for title, kinds in _SECTIONS:
        group = [f for f in findings if f.kind in kinds]
        if not group:
            continue
        out.append(f"{title} ({len(group)})")
        for f in group:
            out.append(f"  [{f.severity}] {f.rule}: {_clean(f.subject)} / {f.predicate}: {_clean(f.message)}")
        out.append("")
    return "\n".join(out).rstrip() + ("\n" if out else "")


def report_text(report: Report) -> str:
    parts = [f"Sources ({len(report.sources)})", sources_table(report), ""]
    for s in report.sources:
        if s.published is None and s.published_range is not None and s.published_basis:
            parts.append(f"{_clean(s.id)}: publication date estimated from its text: {_clean(s.published_basis)}")
    if parts[-1] != "":
        parts.append("")
    if report.claims:
        parts.append(f"{len(report.claims)} claims; {len(report.findings)} findings")
        parts.append("")
    if report.findings:
        parts.append(findings_text(report.findings))
    for d in report.diagnostics:
        parts.append(_clean(d))
    return "\n".join(parts).rstrip() + "\n"


def timeline_text(report: Report, subject: Optional[str] = None) -> str:
    touching: dict[str, list[str]] = {}
    for f in report.findings:
        for cid in f.claims:
            touching.setdefault(cid, []).append(f"{f.kind}:{f.id}")
    subjects = sorted({c.subject for c in report.claims})
    if subject:
        needle = subject.casefold()
        subjects = [s for s in subjects if needle in s.casefold()]
    out: list[str] = []
    for subj in subjects:
        rows = []
        claims = [c for c in report.claims if c.subject == subj]
        claims.sort(key=lambda c: (c.when or (None, None))[0] is None and (1,) or (0, c.when[0], c.when[1]),)  # type: ignore[index]
        for c in claims:
            rows.append((_clean(_time_label(c)) or "(undated)", c.predicate, _clean(c.value), c.modality,
                         _clean(c.source), ", ".join(touching.get(c.id, []))))
        out.append(f"== {_clean(subj)}")
        out.append(tabulate(rows, headers=["when", "predicate", "value", "modality", "source", "findings"],
                            tablefmt="simple"))
        out.append("")
    return "\n".join(out) if out else "no claims\n"




def _render(report: Report, fmt: str, kind: str) -> str:
    if fmt == "json":
        return report.to_json()
    if fmt == "text":
        if kind == "claims":
            parts = []
            for s in report.sources:
                cs = [c for c in report.claims if c.source == s.id]
                parts.append(f"== {_clean(s.id)}  {_short(s.title, 60)}  ({_date_label(s)}): {len(cs)} claims")
                parts.append(claims_table(cs) if cs else "(no claims)")
                parts.append("")
            return "\n".join(parts)
        return report_text(report)
    try:
        from . import formats
    except ImportError:  # pragma: no cover - formats always ship
        raise UsageError(f"unknown format {fmt!r}; use text or json")
    try:
        return formats.render(report, fmt)
    except KeyError as exc:
        raise UsageError(str(exc.args[0]) if exc.args else f"unknown format {fmt!r}")


def _add_common(p: argparse.ArgumentParser, *, formats: Sequence[str]) -> None:
    p.add_argument("paths", nargs="+", metavar="PATH", help="article files, directories (recursive) or - for stdin")
    p.add_argument("--rules", action="append", metavar="PACK", help="rule pack name or path (repeatable; default: all shipped packs)")
    p.add_argument("--format", default="text", choices=list(formats), help="output format (default: text)")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    p.add_argument("--max-bytes", type=int, default=None, metavar="N",
                   help="skip (with a diagnostic) any document larger than N bytes (default: %d)" % _DEFAULT_MAX_BYTES)
    from .gate import add_executor_arguments

    add_executor_arguments(p)


def _available_formats() -> list[str]:
    names = ["text", "json"]
    try:
        from . import formats

        names += [n for n in formats.names() if n not in names]
    except Exception:
        pass
    return names


def _executor(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from .gate import executor_for

    return executor_for(args)


def _cmd_report(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    with _executor(args) as ex:
        report = api.check(args.paths, args.rules, max_bytes=args.max_bytes, executor=ex)
    emit(_render(report, args.format, "report"), args.output, out)
    return _input_status(report, err)


def _cmd_claims(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    if getattr(args, "store", None):
        return _extract_to_store(args, out, err)
    with _executor(args) as ex:
        srcs, claims, diags = api.extract(args.paths, args.rules, max_bytes=args.max_bytes, executor=ex)
    report = Report(sources=srcs, claims=claims, findings=(), diagnostics=diags)
    emit(_render(report, args.format, "claims"), args.output, out)
    return _input_status(report, err)


def _extract_to_store(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """``extract PATH... --store DIR``: publish the claims to the Parquet claim store."""
    from . import store as _store

    try:
        with _executor(args) as ex:
            report, commit = api.extract_to_store(args.paths, args.store, args.rules, executor=ex)
    except _store.StoreError as exc:
        raise UsageError(str(exc)) from None
    if commit is None:
        out.write(f"nothing new to add to {args.store} ({len(report.sources)} document(s) read)\n")
    else:
        out.write(f"added {commit.claims} claim(s) of {commit.sources} document(s) to {args.store} "
                  f"(commit {commit.name})\n")
    return _input_status(report, err)


def _cmd_timeline(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    with _executor(args) as ex:
        report = api.check(args.paths, args.rules, max_bytes=args.max_bytes, executor=ex)
    text = report.to_json() if args.format == "json" else timeline_text(report, args.subject)
    emit(text, args.output, out)
    return _input_status(report, err)


def _cmd_rules(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from . import explain

    ruleset = api.load_rules(args.rules)
    if args.action == "show":
        if not args.name:
            raise UsageError("rules show needs a NAME: a pack, an attribute or a check id (see 'consistency rules')")
        text = explain.show(ruleset, args.name)
    else:
        text = explain.listing(ruleset)
    out.write(text if text.endswith("\n") else text + "\n")
    return EXIT_OK


def _input_status(report: Report, err: TextIO) -> int:
    bad = [d for d in report.diagnostics if d.level == "error"]
    for d in report.diagnostics:
        err.write(f"consistency: {_clean(d)}\n")
    if bad:
        err.write(f"consistency: {len(bad)} input(s) skipped; the other {len(report.sources)} were processed\n")
        return EXIT_ERROR
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="consistency",
        description="Extract dated factual claims from articles and flag where sources agree, conflict or change over time.",
    )
    parser.add_argument("--version", action="version", version=f"consistency {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    fmts = _available_formats()

    p = sub.add_parser("report", help="sources, claims and findings of a set of articles")
    _add_common(p, formats=fmts)
    p.set_defaults(func=_cmd_report)

    for name, help_text in (("claims", "the dated claims each article makes"),
                            ("extract", "the dated claims each article makes; with --store DIR, add them to a claim store")):
        p = sub.add_parser(name, help=help_text)
        _add_common(p, formats=["text", "json"])
        p.add_argument("--store", metavar="DIR", help="write the claims to the Parquet claim store in DIR")
        p.set_defaults(func=_cmd_claims)

    p = sub.add_parser("timeline", help="the dated history of each subject, one row per claim")
    _add_common(p, formats=["text", "json"])
    p.add_argument("--subject", metavar="TEXT", help="only subjects containing TEXT (case-insensitive)")
    p.set_defaults(func=_cmd_timeline)

    p = sub.add_parser("rules", help="list rule packs, attributes and checks; 'rules show NAME' explains one")
    p.add_argument("action", nargs="?", choices=["list", "show"], default="list")
    p.add_argument("name", nargs="?", help="a pack, attribute or check id")
    p.add_argument("--rules", action="append", metavar="PACK", help="rule pack name or path (repeatable)")
    p.set_defaults(func=_cmd_rules)

    try:
        from . import gate
    except ImportError:
        gate = None  # type: ignore[assignment]
    if gate is not None:
        gate.add_commands(sub, fmts)
    return parser


def main(argv: Optional[Sequence[str]] = None, *, stdout: Optional[TextIO] = None, stderr: Optional[TextIO] = None) -> int:
    """Run the command line; returns the exit code instead of raising SystemExit."""
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    parser = build_parser()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse already printed a usage line and the error
        return int(exc.code or 0)
    if not getattr(args, "func", None):
        parser.print_help(out)
        return EXIT_ERROR
    try:
        return int(args.func(args, out, err))
    except UsageError as exc:
        err.write(f"consistency: error: {exc}\n")
        return EXIT_ERROR
    except RulePackError as exc:
        err.write(f"consistency: error: {exc}\n")
        return EXIT_ERROR
    except BrokenPipeError:  # e.g. `consistency report seeds | head`
        return EXIT_OK
    except KeyboardInterrupt:
        err.write("consistency: interrupted\n")
        return 130

