"""The library's front door: load articles, extract their claims, check them against each other.

>>> import consistency
>>> report = consistency.check(["seeds/"])          # doctest: +SKIP
>>> [f.kind for f in report.findings][:3]           # doctest: +SKIP

Every function here is a thin composition of the rooms below it (see docs/architecture.md).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable, Collection, Iterable, Mapping, Optional, Protocol, Sequence, Tuple, Union

import attrs

from . import dating, engine, extract as _extract, rulepack, sentences, sources
from .model import Claim, Diagnostic, Finding, Report, Source, stable_hash
from .rulepack import RuleSet

__all__ = ["Input", "load_sources", "load_rules", "prepare", "extract", "check", "run_checks"]

#: A path (file, directory or "-" for stdin), an article's text, or a ready :class:`Source`.
Input = Union[str, "os.PathLike[str]", Source]

RulesArg = Union[None, RuleSet, Sequence[Union[str, "os.PathLike[str]"]]]


def load_rules(rules: RulesArg = None) -> RuleSet:
    """A :class:`RuleSet` from names or paths of packs (``None``: every shipped pack)."""
    if isinstance(rules, RuleSet):
        return rules
    return rulepack.load(rules)


def _is_text(item: str) -> bool:
    return "\n" in item or len(item) > 4096


def load_sources(inputs: Iterable[Input], *, max_bytes: Optional[int] = None) -> Tuple[list[Source], list[Diagnostic]]:
    """Read every input; a bad input becomes a :class:`Diagnostic` and never hides the others.

    Strings containing a newline are taken as article texts (ids ``text-1``, ``text-2``...);
    other strings and path-likes are files, directories or ``-`` (stdin).
    """
    found: list[Source] = []
    paths: list[Union[str, os.PathLike[str]]] = []
    n_text = 0
    for item in inputs:
        if isinstance(item, Source):
            found.append(item)
        elif isinstance(item, str) and _is_text(item):
            n_text += 1
            found.append(sources.source_from_text(item, id=f"text-{n_text}", path=f"<text-{n_text}>"))
        else:
            paths.append(item)
    diagnostics: list[Diagnostic] = []
    if paths:
        kw = {} if max_bytes is None else {"max_bytes": max_bytes}
        loaded, diags = sources.load_sources(paths, **kw)
        found.extend(loaded)
        diagnostics.extend(diags)
    return found, diagnostics


def prepare(source: Source) -> Tuple[Source, tuple]:
    """Segment a source and, when it is undated, estimate its publication range from its text."""
    sents = sentences.segment(source)
    if source.published is None and source.published_range is None:
        guess = dating.estimate(source, sents)
        if guess is not None:
            rng, basis = guess
            source = attrs.evolve(source, published_range=rng, published_basis=basis)
    return source, sents


def extract_one(source: Source, ruleset: RuleSet) -> Tuple[Source, list[Claim]]:
    """The per-document map: a pure function of (document, rules)."""
    source, sents = prepare(source)
    return source, _extract.extract(source, ruleset, sents)


class ClaimsCache(Protocol):
    """What :func:`extract` needs of a claims cache (see :mod:`consistency.cache`)."""

    def get(self, key: str) -> Optional[Tuple[Source, list[Claim]]]: ...

    def put(self, key: str, source: Source, claims: Sequence[Claim]) -> None: ...


def cache_key(source: Source, ruleset: RuleSet) -> str:
    """Claims depend on the document's bytes, its id and path, the rule packs and the version."""
    from . import __version__

    return stable_hash(source.digest or source.text, source.id, source.path, ruleset.digest, __version__, length=32)


def extract(
    inputs: Iterable[Input], rules: RulesArg = None, *, cache: Optional[ClaimsCache] = None
) -> Tuple[list[Source], list[Claim], list[Diagnostic]]:
    """Sources, their claims (subjects resolved across documents) and any diagnostics.

    With a ``cache``, a document whose bytes, id and rule packs are unchanged is not re-extracted.
    """
    ruleset = load_rules(rules)
    raw, diagnostics = load_sources(inputs)
    done: list[Source] = []
    claims: list[Claim] = []
    for src in _unique(raw, diagnostics):
        key = cache_key(src, ruleset) if cache is not None else ""
        hit = cache.get(key) if cache is not None else None
        if hit is not None:
            s, cs = hit
        else:
            try:
                s, cs = extract_one(src, ruleset)
            except Exception as exc:  # one bad document never hides the others
                diagnostics.append(Diagnostic(src.path, f"extraction failed ({type(exc).__name__}: {exc}); "
                                              "the document was skipped - please report this as a bug"))
                continue
            if cache is not None:
                cache.put(key, s, cs)
        done.append(s)
        claims.extend(cs)
        if s.published is None and s.published_range is None:
            diagnostics.append(Diagnostic(s.path, "no publication date found and none could be inferred; "
                                          "relative times stay unresolved - add a 'Published: YYYY-MM-DD' line at the top",
                                          level="warning"))
    return done, _extract.resolve(claims, ruleset), diagnostics


def _unique(items: list[Source], diagnostics: list[Diagnostic]) -> list[Source]:
    seen: dict[str, Source] = {}
    for s in sorted(items, key=lambda s: (s.id, s.path)):
        if s.id in seen:
            diagnostics.append(Diagnostic(s.path, f"source id {s.id!r} is also used by {seen[s.id].path}; "
                                          "this copy was skipped - rename one of the files", level="error"))
            continue
        seen[s.id] = s
    return list(seen.values())


def run_checks(
    claims: Sequence[Claim],
    rules: RulesArg = None,
    *,
    select: Optional[Collection[str]] = None,
    ignore: Optional[Collection[str]] = None,
    severities: Optional[Mapping[str, str]] = None,
) -> list[Finding]:
    """Run the rule engine over claims already extracted."""
    return engine.run(claims, load_rules(rules), select=select, ignore=ignore, severities=severities)


def check(
    inputs: Union[Input, Iterable[Input]],
    rules: RulesArg = None,
    *,
    select: Optional[Collection[str]] = None,
    ignore: Optional[Collection[str]] = None,
    severities: Optional[Mapping[str, str]] = None,
    cache: Optional[ClaimsCache] = None,
) -> Report:
    """Load, extract and check: the whole pipeline, returning a deterministic :class:`Report`.

    ``inputs`` are paths (files, directories, ``-``), article texts or :class:`Source` objects;
    ``rules`` are pack names or paths (default: every shipped pack) or a loaded :class:`RuleSet`.
    """
    if isinstance(inputs, (str, os.PathLike, Source)):
        inputs = [inputs]
    ruleset = load_rules(rules)
    srcs, claims, diagnostics = extract(inputs, ruleset, cache=cache)
    findings = run_checks(claims, ruleset, select=select, ignore=ignore, severities=severities)
    return Report(sources=srcs, claims=claims, findings=findings, diagnostics=diagnostics)


ProgressFn = Callable[[str], None]
_ = Path  # re-exported type for annotations in callers
