"""The library's front door: load articles, extract their claims, check them against each other.

>>> import consistency
>>> report = consistency.check(["seeds/"])          # doctest: +SKIP
>>> [f.kind for f in report.findings][:3]           # doctest: +SKIP

Every function here is a thin composition of the rooms below it (see docs/architecture.md).
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import os
from pathlib import Path
from typing import TYPE_CHECKING, Collection, Iterable, Mapping, Optional, Protocol, Sequence, Tuple, Union

import attrs

from . import baseline, checks as _checks, dating, engine, executors, extract as _extract, rulepack, sentences, sources
from .model import Claim, Diagnostic, Finding, Report, Source, stable_hash
from .rulepack import RuleSet

if TYPE_CHECKING:  # pragma: no cover
    from . import store

__all__ = ["Input", "load_sources", "load_rules", "prepare", "extract", "check", "run_checks", "stages"]

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
    # inline acceptance lines ("<!-- consistency: accept F... -- reason -->") are never read as claims
    return [baseline.mark(s) for s in found], diagnostics


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
    inputs: Iterable[Input],
    rules: RulesArg = None,
    *,
    cache: Optional[ClaimsCache] = None,
    executor: Optional["executors.Executor"] = None,
    max_bytes: Optional[int] = None,
) -> Tuple[list[Source], list[Claim], list[Diagnostic]]:
    """Sources, their claims (subjects resolved across documents) and any diagnostics.

    With a ``cache``, a document whose bytes, id and rule packs are unchanged is not re-extracted.
    With an ``executor`` (:mod:`consistency.executors`: a process pool or Dask), documents are
    extracted there; the result is the same whatever the back end (default: in process).
    ``max_bytes`` caps the size of one document (default: :data:`sources.DEFAULT_MAX_BYTES`).
    """
    ruleset = load_rules(rules)
    raw, diagnostics = load_sources(inputs, max_bytes=max_bytes)
    if _parallel(executor):
        out = _run_with(executor, raw, diagnostics, ruleset, cache=cache, stages=stages(ruleset=ruleset),
                        run_checks=False)
        return list(out.sources), list(out.claims), list(out.diagnostics)
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
                diagnostics.append(executors.extraction_failed(src, exc))
                continue
            if cache is not None:
                cache.put(key, s, cs)
        done.append(s)
        claims.extend(cs)
        diagnostics.extend(_undated(s))
    return done, _extract.resolve(claims, ruleset), diagnostics


def _undated(source: Source) -> list[Diagnostic]:
    """A warning for an article with neither a publication date nor an estimate from its text."""
    if source.published is not None or source.published_range is not None:
        return []
    return [Diagnostic(source.path, "no publication date found and none could be inferred; relative times stay "
                       "unresolved - add a 'Published: YYYY-MM-DD' line at the top", level="warning")]


def _parallel(executor: Optional["executors.Executor"]) -> bool:
    """Whether to go through the executor seam (the in-process executor keeps the plain loop)."""
    return executor is not None and not isinstance(executor, executors.InProcessExecutor)


def stages(
    *,
    select: Optional[Collection[str]] = None,
    ignore: Optional[Collection[str]] = None,
    severities: Optional[Mapping[str, str]] = None,
    ruleset: Optional[RuleSet] = None,
) -> "executors.Stages":
    """The pipeline's stages as picklable functions, for :meth:`executors.Executor.run`.

    The engine runs as two shuffles: by subject (every block and subject-scoped check sees all
    it needs: a block lies inside one subject) and, for value-scoped checks (role-conflict), by
    (predicate, value) over the predicates that have one (all, when ``ruleset`` is not given).
    """
    sel = frozenset(select) if select is not None else None
    ign = frozenset(ignore) if ignore is not None else frozenset()
    sev = dict(severities) if severities is not None else None
    check_fn = functools.partial(engine.run, select=sel, ignore=ign or None, severities=sev)
    value_ids = frozenset(cid for cid in _checks.ids() if getattr(_checks.get(cid), "SCOPE", "block") == "value")
    other_ids = frozenset(_checks.ids()) - value_ids
    passes: tuple = ((executors.claim_subject, functools.partial(engine.run, select=sel, ignore=ign | value_ids,
                                                                 severities=sev)),)
    preds: Optional[frozenset] = None
    if ruleset is not None:
        attributes: dict = {}
        for p in ruleset.packs:
            for a in p.attributes:
                attributes.setdefault(a.name, a)  # first pack wins, as in the engine
        preds = frozenset(n for n, a in attributes.items()
                          if any(getattr(m, "SCOPE", "block") == "value" for _, m, _ in engine.plan(a, select=sel, ignore=ign)))
    if value_ids and (preds is None or preds):
        passes += ((executors.ClaimValue(preds), functools.partial(engine.run, select=sel, ignore=ign | other_ids,
                                                                    severities=sev)),)
    return executors.Stages(extract_one=extract_one, resolve=_extract.resolve, check=check_fn,
                            resolve_split=_resolve_split(), check_passes=passes)


def _resolve_split() -> Optional[tuple]:
    """``extract.resolve`` as count / plan / apply, when the resolver exposes those parts, so a
    Dask cluster sums name counts instead of gathering every claim (see executors.Stages)."""
    mod = importlib.import_module(f"{__package__}.extract.resolve")
    if all(callable(getattr(mod, n, None)) for n in ("org_names", "canon_map", "apply_map")):
        return (mod.org_names, _plan_names, mod.apply_map)
    return None


def _plan_names(counts: Mapping[str, int], ruleset: RuleSet) -> dict:
    mod = importlib.import_module(f"{__package__}.extract.resolve")
    return dict(mod.canon_map(dict(counts))) if counts else {}


def _run_with(
    executor: "executors.Executor",
    raw: list[Source],
    diagnostics: list[Diagnostic],
    ruleset: RuleSet,
    *,
    cache: Optional[ClaimsCache],
    stages: "executors.Stages",
    run_checks: bool,
) -> "executors.Outcome":
    """The pipeline through an executor: cache hits stay on the driver, misses go to the workers."""
    todo: list[Source] = []
    hits: list[Tuple[Source, list[Claim]]] = []
    for src in _unique(raw, diagnostics):
        hit = cache.get(cache_key(src, ruleset)) if cache is not None else None
        if hit is not None:
            hits.append(hit)
        else:
            todo.append(src)
    out = executor.run(todo, ruleset, stages, extracted=hits, run_checks=run_checks, keep_extracted=cache is not None)
    if cache is not None:
        for s, cs in out.extracted:
            cache.put(cache_key(s, ruleset), s, list(cs))
    diags = list(diagnostics) + list(out.diagnostics)
    for s in out.sources:
        diags.extend(_undated(s))
    return attrs.evolve(out, diagnostics=tuple(diags), extracted=())


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
    executor: Optional["executors.Executor"] = None,
    max_bytes: Optional[int] = None,
) -> Report:
    """Load, extract and check: the whole pipeline, returning a deterministic :class:`Report`.

    ``inputs`` are paths (files, directories, ``-``), article texts or :class:`Source` objects;
    ``rules`` are pack names or paths (default: every shipped pack) or a loaded :class:`RuleSet`.
    ``executor`` runs extraction and the block-by-block checks on a process pool or a Dask
    cluster (:func:`consistency.executors.from_options`); the report is the same byte for byte.
    """
    if isinstance(inputs, (str, os.PathLike, Source)):
        inputs = [inputs]
    ruleset = load_rules(rules)
    if _parallel(executor):
        raw, diagnostics = load_sources(inputs, max_bytes=max_bytes)
        st = stages(select=select, ignore=ignore, severities=severities, ruleset=ruleset)
        out = _run_with(executor, raw, diagnostics, ruleset, cache=cache, stages=st, run_checks=True)
        return Report(sources=out.sources, claims=out.claims, findings=out.findings, diagnostics=out.diagnostics)
    srcs, claims, diagnostics = extract(inputs, ruleset, cache=cache, max_bytes=max_bytes)
    findings = run_checks(claims, ruleset, select=select, ignore=ignore, severities=severities)
    return Report(sources=srcs, claims=claims, findings=findings, diagnostics=diagnostics)


def _new_against_store(
    srcs: list[Source], directory: "str | os.PathLike[str]", diagnostics: list[Diagnostic]
) -> list[Source]:
    """Drop documents the store already holds: the same bytes are noted and skipped; the same id
    with other bytes is an error (the store never holds two versions of one id)."""
    from . import store as _store

    if not Path(directory, "store.json").exists():
        return srcs
    held = _store.stored_digests(directory, [s.id for s in srcs])
    fresh: list[Source] = []
    for s in srcs:
        d = held.get(s.id)
        if d is None:
            fresh.append(s)
        elif d == s.digest:
            diagnostics.append(Diagnostic(s.path, f"already in the store {os.fspath(directory)} with the same content; "
                                          "not extracted again", level="info"))
        else:
            diagnostics.append(Diagnostic(s.path, f"source id {s.id!r} is already in the store {os.fspath(directory)} "
                                          "with different content; it was skipped - rename the file to add it as a "
                                          "new document", level="error"))
    return fresh


def extract_to_store(
    inputs: Iterable[Input],
    directory: "str | os.PathLike[str]",
    rules: RulesArg = None,
    *,
    executor: Optional["executors.Executor"] = None,
    cache: Optional[ClaimsCache] = None,
    buckets: Optional[int] = None,
) -> Tuple[Report, Optional["store.CommitInfo"]]:
    """``consistency extract PATH... --store DIR``: extract and publish one commit to the store.

    Documents already stored (same id and bytes) are skipped with a note. Returns the report of
    what was extracted (no findings) and the commit (``None`` when there was nothing new).
    """
    from . import store as _store

    ruleset = load_rules(rules)
    raw, diagnostics = load_sources(inputs)
    with _store.lock(directory):
        fresh = _new_against_store(_unique(raw, diagnostics), directory, diagnostics)
        out = _run_with(executor or executors.InProcessExecutor(), fresh, diagnostics, ruleset, cache=cache,
                        stages=stages(ruleset=ruleset), run_checks=False)
        commit = None
        if out.sources:
            commit = _store.write(out.claims, out.sources, directory, buckets=buckets, lock_held=True)
    return Report(sources=out.sources, claims=out.claims, findings=(), diagnostics=out.diagnostics), commit


def _touching_new(
    findings: Sequence[Finding], new_claims: Sequence[Claim], stored: Mapping[str, Claim]
) -> Tuple[list[Finding], list[Claim]]:
    """The findings that involve a new claim, and the stored claims they cite (in read order).

    ``stored`` is keyed by the ids read from the store, so no stored claim is hashed again; if a
    cited id is not among them (a store written by a version that computed ids differently), the
    ids are recomputed, so the result never depends on the shortcut."""
    new_ids = {c.id for c in new_claims}
    kept = [f for f in findings if any(cid in new_ids for cid in f.claims)]
    cited = {cid for f in kept for cid in f.claims} - new_ids
    if not cited <= stored.keys():
        stored = {c.id: c for c in stored.values()}
    return kept, [c for cid, c in stored.items() if cid in cited]


def check_against_store(
    inputs: Union[Input, Iterable[Input]],
    directory: "str | os.PathLike[str]",
    rules: RulesArg = None,
    *,
    update: bool = False,
    select: Optional[Collection[str]] = None,
    ignore: Optional[Collection[str]] = None,
    severities: Optional[Mapping[str, str]] = None,
    executor: Optional["executors.Executor"] = None,
    buckets: Optional[int] = None,
) -> Tuple[Report, Optional["store.CommitInfo"]]:
    """``consistency check NEW_PATH... --store DIR [--update]``: check new documents against the
    stored record, reading only what their claims touch (their subjects' claims, and for
    value-scoped checks the claims sharing a value).

    The report holds the new documents, their claims, and the findings that involve at least one
    new claim; each finding with a stored claim also brings that claim and its (stored) source.
    With ``update`` the new documents are published to the store in the same locked step.
    """
    from . import store as _store

    if isinstance(inputs, (str, os.PathLike, Source)):
        inputs = [inputs]
    ruleset = load_rules(rules)
    if not update:
        _store.info(directory)  # a clear error when there is no store to check against
    raw, diagnostics = load_sources(inputs)
    ex = executor or executors.InProcessExecutor()
    lock = _store.lock(directory) if update else contextlib.nullcontext()
    with lock:
        fresh = _new_against_store(_unique(raw, diagnostics), directory, diagnostics)
        st = stages(select=select, ignore=ignore, severities=severities, ruleset=ruleset)
        out = _run_with(ex, fresh, diagnostics, ruleset, cache=None, stages=st, run_checks=False)
        new_claims = list(out.claims)
        stored: dict[str, Claim] = {}
        if new_claims and Path(directory, "store.json").exists():
            value_keys = [k for k, _ in st.passes() if isinstance(k, executors.ClaimValue)]
            stored = _store.read_related_by_id(directory, new_claims, value_keys[0] if value_keys else None)
        findings = ex.check_claims(new_claims + list(stored.values()), ruleset, st)
        kept, old = _touching_new(findings, new_claims, stored)
        # only the sources the report cites are read (not those of every stored claim read)
        stored_sources = _store.read_sources(directory, {c.source for c in old}) if old else {}
        old_sources = [stored_sources[i] for i in sorted({c.source for c in old}) if i in stored_sources]
        commit = None
        if update and out.sources:
            commit = _store.write(new_claims, out.sources, directory, buckets=buckets, lock_held=True)
    report = Report(sources=list(out.sources) + old_sources, claims=new_claims + old, findings=kept,
                    diagnostics=out.diagnostics)
    return report, commit

