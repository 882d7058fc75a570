"""Where the pipeline's two parallel stages run: in process, on a local process pool, or on Dask.

The seam rests on two facts of the design (docs/architecture.md): extraction is a pure function of
(document, rule packs), and the engine compares claims only within a group: a block (subject,
predicate), one subject (subject-scoped checks) or one (predicate, value) (value-scoped checks).
So every back end runs the same three stages, and gives the same report byte for byte:

1. **map** ``extract_one(source, ruleset)`` over the documents (a failure becomes a
   :class:`~consistency.model.Diagnostic` naming the document; the others stand);
2. **resolve** subjects across documents: where the claims are on the driver (in process,
   process pool, and Dask until the resolver is split) exactly ``resolve(claims)``; on Dask with
   :attr:`Stages.resolve_split`, name counts are summed by a ``foldby`` reduction, the driver plans
   the mapping over the distinct names and broadcasts it, and each partition applies it;
3. **check** in passes (:attr:`Stages.check_passes`: by subject, and by (predicate, value) for
   value-scoped checks): claims go to a stable hash bucket of each pass's key (a hash shuffle on
   Dask, never a gather), the engine runs per bucket, and the findings are merged by id and
   sorted by :func:`model.finding_order`.

Dask is optional (``pip install "consistency[dask]"``); nothing here imports it until a Dask
executor is built. See docs/scaling.md for the measures and the choices.
"""

from __future__ import annotations

import contextlib
import gc
import operator
import os
import pickle
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Callable, Iterable, Iterator, List, Optional, Sequence, Tuple, Union

import attrs

from .model import Claim, Diagnostic, Finding, Source, finding_order, sorted_claims, stable_hash

__all__ = [
    "DASK_INSTALL_HINT",
    "ExecutorError",
    "Stages",
    "Outcome",
    "Executor",
    "InProcessExecutor",
    "ProcessPoolExecutorBackend",
    "DaskExecutor",
    "from_options",
    "block_bucket",
    "available_cores",
    "claim_block",
    "claim_subject",
    "ClaimValue",
    "merge_findings",
]

DASK_INSTALL_HINT = 'install the Dask extra: pip install "consistency[dask]"  (dask[distributed] and pyarrow)'

#: One document's result: its (dated) source and raw claims, or a diagnostic naming it.
DocResult = Union[Tuple[Source, List[Claim]], Diagnostic]


class ExecutorError(Exception):
    """An executor could not be built or reached: says what, and what to do (a user error)."""


# --------------------------------------------------------------------------------------------
# the stages: plain picklable callables, passed in by the caller (api.py) so this module never
# imports the rooms above it


@attrs.frozen(slots=True)
class Stages:
    """The pipeline's functions. Each must pickle by reference (module-level functions or
    ``functools.partial`` of them) because it crosses process boundaries."""

    extract_one: Callable[[Source, Any], Tuple[Source, List[Claim]]]
    resolve: Callable[[List[Claim], Any], List[Claim]]
    check: Callable[[List[Claim], Any], List[Finding]]
    #: ``resolve`` split in three, so a cluster resolves without gathering the claims:
    #: ``count(claims) -> {name: n}`` (summed across partitions: a reduction),
    #: ``plan(counts, ruleset) -> mapping`` (on the driver, over the distinct names) and
    #: ``apply(claims, mapping) -> claims`` (per partition). Must satisfy
    #: ``resolve(cs) == apply(cs, plan(count(cs)))``. ``None``: the cluster gathers the claims
    #: to the driver for ``resolve`` (exact, but not a scale-out).
    resolve_split: Optional[Tuple[Callable[..., Any], Callable[..., Any], Callable[..., Any]]] = None
    #: the engine as shuffles: each ``(key, check)`` pass partitions the claims by ``key(claim)``
    #: (``None``: this pass does not need the claim) and runs ``check`` on each partition; the
    #: passes' findings are merged by id. Must give what ``check(all claims)`` gives. ``None``:
    #: one pass keyed by :attr:`Claim.block` with ``check``.
    check_passes: Optional[Tuple[Tuple[Callable[[Claim], Any], Callable[..., Any]], ...]] = None

    def passes(self) -> Tuple[Tuple[Callable[[Claim], Any], Callable[..., Any]], ...]:
        return self.check_passes if self.check_passes is not None else ((claim_block, self.check),)


def claim_block(c: Claim) -> Tuple[str, str]:
    """The default shuffle key: the engine's block (subject, predicate)."""
    return c.block


def claim_subject(c: Claim) -> str:
    """Shuffle key for checks that see every claim of a subject (a block is inside one subject)."""
    return c.subject


@attrs.frozen(slots=True)
class ClaimValue:
    """Shuffle key for value-scoped checks: (predicate, value) for the listed predicates only."""

    predicates: Optional[frozenset] = None

    def __call__(self, c: Claim) -> Optional[Tuple[str, str]]:
        if self.predicates is not None and c.predicate not in self.predicates:
            return None
        return (c.predicate, str(c.value))


def _as_stages(check: Union["Stages", Callable[..., Any]]) -> "Stages":
    if isinstance(check, Stages):
        return check
    return Stages(extract_one=_no_stage, resolve=_no_stage, check=check)


def _no_stage(*args: Any) -> Any:  # pragma: no cover - never called
    raise ExecutorError("this stage was not given")


def merge_findings(groups: Iterable[Iterable[Finding]]) -> List[Finding]:
    """Findings of several partitions or passes as one list: one finding per id (the engine's
    preference when two passes produce one id), sorted by :func:`finding_order`."""
    found: dict = {}
    for fs in groups:
        for f in fs:
            old = found.get(f.id)
            if old is None or (finding_order(f), f.message, f.detail) < (finding_order(old), old.message, old.detail):
                found[f.id] = f
    return sorted(found.values(), key=finding_order)


@attrs.frozen(slots=True)
class Outcome:
    """What a pipeline run produced, already in the report's canonical order."""

    sources: Tuple[Source, ...]
    claims: Tuple[Claim, ...]
    findings: Tuple[Finding, ...]
    diagnostics: Tuple[Diagnostic, ...]
    #: per newly extracted document, its (source, unresolved claims): only when asked (caches)
    extracted: Tuple[Tuple[Source, Tuple[Claim, ...]], ...] = ()


def block_bucket(block: Any, buckets: int) -> int:
    """A stable bucket of a shuffle key (a block, a subject...): the same on every machine, run
    and Python hash seed."""
    if isinstance(block, tuple):
        return int(stable_hash(*block, length=8), 16) % buckets
    return int(stable_hash(block, length=8), 16) % buckets


def available_cores() -> int:
    """Cores this process may use (the affinity mask, not the machine's total)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # pragma: no cover - non-Linux
        return max(1, os.cpu_count() or 1)


def extraction_failed(source: Source, exc: BaseException) -> Diagnostic:
    """The diagnostic for a document whose extraction raised: names it; the others stand."""
    return Diagnostic(
        source.path or source.id,
        f"extraction failed ({type(exc).__name__}: {exc}); the document was skipped and the others "
        "stand - please report this as a bug",
    )


def _extract_safe(source: Source, ruleset: Any, extract_one: Callable[..., Any]) -> DocResult:
    """Run the per-document map; an exception becomes a diagnostic naming the document."""
    try:
        s, cs = extract_one(source, ruleset)
        return s, list(cs)
    except Exception as exc:  # one bad document never hides the others
        return extraction_failed(source, exc)


def _extract_chunk(sources: Sequence[Source], ruleset: Any, extract_one: Callable[..., Any]) -> List[DocResult]:
    ruleset = _unpack_ruleset(ruleset)
    return [_extract_safe(s, ruleset, extract_one) for s in sources]


def _extract_chunk_pickled(sources: Sequence[Source], ruleset: Any, extract_one: Callable[..., Any]) -> bytes:
    """A pool worker's chunk, pickled here, so the driver unpickles it with :func:`_loads`."""
    return pickle.dumps(_extract_chunk(sources, ruleset, extract_one), protocol=pickle.HIGHEST_PROTOCOL)


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """The cyclic garbage collector paused for a step that makes many objects that stay alive
    (unpickled claims, a shuffle's buckets) beside a large heap of others (a Dask worker holds
    its partitions' results): each full collection meanwhile walks the whole heap and frees
    nothing (extraction, resolution and the engine leave no cyclic garbage, measured), and it
    was half of a worker's resolve-and-split step at 10,000 articles. Re-enabled after, so
    any cycle is still collected; only ever paused by the thread that finds it enabled."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _loads(data: bytes) -> Any:
    """Unpickle (claims, findings...) with the cyclic collector paused (see :func:`_gc_paused`)."""
    with _gc_paused():
        return pickle.loads(data)


def _check_bucket(claims: Sequence[Claim], ruleset: Any, check: Callable[..., Any]) -> List[Finding]:
    return list(check(list(claims), _unpack_ruleset(ruleset)))


# The rule set crosses to pool and Dask workers as pickled bytes and is unpickled once per
# worker process (cached by digest); compiled patterns stay cached in the worker's modules.
_RULESETS: dict = {}


def _pack_ruleset(ruleset: Any) -> Tuple[str, bytes]:
    data = pickle.dumps(ruleset, protocol=pickle.HIGHEST_PROTOCOL)
    return ("rs:" + stable_hash(getattr(ruleset, "digest", ""), len(data), data[:64], data[-64:]), data)


def _is_packed(ruleset: Any) -> bool:
    return isinstance(ruleset, tuple) and len(ruleset) == 2 and isinstance(ruleset[0], str) and ruleset[0].startswith("rs:")


def _unpack_ruleset(ruleset: Any) -> Any:
    if _is_packed(ruleset):
        key, data = ruleset
        hit = _RULESETS.get(key)
        if hit is None:
            hit = _RULESETS[key] = pickle.loads(data)
        return hit
    return ruleset


def _collect(results: Sequence[DocResult], *, keep_extracted: bool) -> Tuple[list, list, list, list]:
    sources: list[Source] = []
    claims: list[Claim] = []
    diagnostics: list[Diagnostic] = []
    extracted: list = []
    for r in results:
        if isinstance(r, Diagnostic):
            diagnostics.append(r)
            continue
        s, cs = r
        sources.append(s)
        claims.extend(cs)
        if keep_extracted:
            extracted.append((s, tuple(cs)))
    return sources, claims, diagnostics, extracted


def _finish(sources: list, claims: list, findings: list, diagnostics: list, extracted: list) -> Outcome:
    return Outcome(
        sources=tuple(sorted(sources, key=lambda s: s.id)),
        claims=tuple(sorted_claims(claims)),
        findings=tuple(sorted(findings, key=finding_order)),
        diagnostics=tuple(sorted(diagnostics, key=lambda d: (d.path, d.line or 0, d.message))),
        extracted=tuple(extracted),
    )


# --------------------------------------------------------------------------------------------


class Executor:
    """One back end. ``run`` is the whole pipeline; ``map_documents`` and ``check_claims`` are
    its two parallel stages, for callers (a cache, the store) that hold some claims already."""

    name = "abstract"
    workers = 1

    def map_documents(self, sources: Sequence[Source], ruleset: Any, extract_one: Callable[..., Any]) -> List[DocResult]:
        """Extract every document; results in input order."""
        raise NotImplementedError

    def check_claims(self, claims: Sequence[Claim], ruleset: Any, check: Union[Stages, Callable[..., Any]]) -> List[Finding]:
        """Run the engine over ``claims`` (its passes shuffled by their keys where the back end is
        parallel); findings in :func:`finding_order`. ``check``: the :class:`Stages`, or a bare
        engine function compared block by block."""
        raise NotImplementedError

    def run(
        self,
        sources: Sequence[Source],
        ruleset: Any,
        stages: Stages,
        *,
        extracted: Sequence[Tuple[Source, Sequence[Claim]]] = (),
        run_checks: bool = True,
        keep_extracted: bool = False,
    ) -> Outcome:
        """Extract ``sources`` (plus claims already ``extracted``, e.g. cache hits), resolve
        subjects across all of them, and (``run_checks``) run the engine block by block."""
        results = self.map_documents(sources, ruleset, stages.extract_one)
        srcs, claims, diags, fresh = _collect(results, keep_extracted=keep_extracted)
        for s, cs in extracted:
            srcs.append(s)
            claims.extend(cs)
        claims = self.resolve(claims, ruleset, stages.resolve)
        findings = self.check_claims(claims, ruleset, stages) if run_checks else []
        return _finish(srcs, claims, findings, diags, fresh)

    def resolve(self, claims: List[Claim], ruleset: Any, resolve: Callable[..., Any]) -> List[Claim]:
        """Canonical subjects across documents: the claims are on the driver here, so exactly
        ``resolve(claims)`` as the in-process pipeline does."""
        return list(resolve(claims, ruleset))

    def close(self) -> None:
        """Release workers (a no-op for back ends that hold none)."""

    def __enter__(self) -> "Executor":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name} workers={self.workers}>"


class InProcessExecutor(Executor):
    """Everything in the calling process: the default, and what the tests use."""

    name = "in-process"
    workers = 1

    def map_documents(self, sources: Sequence[Source], ruleset: Any, extract_one: Callable[..., Any]) -> List[DocResult]:
        return [_extract_safe(s, ruleset, extract_one) for s in sources]

    def check_claims(self, claims: Sequence[Claim], ruleset: Any, check: Union[Stages, Callable[..., Any]]) -> List[Finding]:
        return sorted(_as_stages(check).check(list(claims), ruleset), key=finding_order)


def _warm(modules: Tuple[str, ...], sample: Optional[Tuple[Any, ...]] = None) -> int:
    import importlib
    import time as _time

    for m in modules:
        importlib.import_module(m)
    if sample is not None:
        extract_one, source, ruleset = sample
        if not _is_packed(ruleset):  # kept under the key later runs ship it with
            ruleset = _pack_ruleset(ruleset)
        _extract_safe(source, _unpack_ruleset(ruleset), extract_one)
    _time.sleep(0.05)  # let every worker take one
    return os.getpid()


def _chunks(items: Sequence[Any], n: int) -> List[Sequence[Any]]:
    return [items[i : i + n] for i in range(0, len(items), n)]


def _pool_context() -> Any:
    """``forkserver`` where there is one: safe beside threads (a Dask client), and the server
    imports the package once so each worker starts warm; ``spawn`` elsewhere."""
    import multiprocessing as mp

    methods = mp.get_all_start_methods()
    if "forkserver" in methods:
        ctx = mp.get_context("forkserver")
        ctx.set_forkserver_preload(["consistency.model", "consistency.executors"])
        return ctx
    return mp.get_context("spawn")  # pragma: no cover - non-POSIX


class ProcessPoolExecutorBackend(Executor):
    """A pool of worker processes on this machine (``--jobs N``).

    Documents go out in chunks (up to 64 documents, shrinking towards the end so the workers
    finish together); each chunk comes back as one pickle that the driver unpickles with the
    cyclic collector paused. The engine runs in the driver below ``min_parallel_claims`` (it
    costs about what shipping its claims would), on hash buckets of block keys above. A worker
    that dies costs one retry of the unfinished chunks on a fresh pool; a second death names the
    documents it took with it.
    """

    name = "process-pool"
    #: below this many claims the engine runs in the driver: shipping them costs more than it saves
    #: (measured: the engine takes ~15-25 us a claim, pickling it there and back about as much)
    min_parallel_claims = 500_000
    #: below this many documents extraction runs in the driver: starting workers costs more
    min_parallel_docs = 48

    def __init__(self, jobs: Optional[int] = None, *, min_parallel_docs: Optional[int] = None) -> None:
        if jobs is not None and jobs < 1:
            raise ExecutorError(f"--jobs must be at least 1, got {jobs}")
        self.workers = jobs or available_cores()
        if min_parallel_docs is not None:
            self.min_parallel_docs = min_parallel_docs
        self._pool: Optional[ProcessPoolExecutor] = None

    def _get_pool(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=_pool_context())
        return self._pool

    def start(self, modules: Sequence[str] = ("consistency.api",), sample: Optional[Tuple[Any, ...]] = None) -> None:
        """Start the workers now, import ``modules`` in each and, with ``sample`` =
        (extract_one, source, ruleset), extract it once there (lazy caches, e.g. dateparser's
        language data, fill on first use): so a timing measures throughput, not start-up."""
        pool = self._get_pool()
        for f in [pool.submit(_warm, tuple(modules), sample) for _ in range(self.workers * 2)]:
            f.result()

    def _discard_pool(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def _chunk_size(self, n: int) -> int:
        return max(1, min(64, -(-n // (self.workers * 8))))

    def _chunked(self, sources: Sequence[Any]) -> List[Sequence[Any]]:
        """Chunks that shrink towards the end (guided scheduling): big ones keep the per-chunk
        cost small, small last ones let the workers finish together instead of one waiting on
        the other's last big chunk."""
        size, out, i, n = self._chunk_size(len(sources)), [], 0, len(sources)
        least = min(size, 4)
        while i < n:
            k = min(size, max(least, -(-(n - i) // (self.workers * 4))))
            if n - i - k < least:  # no crumb at the end
                k = n - i
            out.append(sources[i : i + k])
            i += k
        return out

    def map_documents(self, sources: Sequence[Source], ruleset: Any, extract_one: Callable[..., Any]) -> List[DocResult]:
        sources = list(sources)
        if not sources:
            return []
        if len(sources) < self.min_parallel_docs or self.workers == 1:
            return [_extract_safe(s, ruleset, extract_one) for s in sources]
        packed = _pack_ruleset(ruleset)
        chunks = self._chunked(sources)
        results: List[Optional[List[DocResult]]] = [None] * len(chunks)
        for attempt in (1, 2):
            todo = [i for i, r in enumerate(results) if r is None]
            if not todo:
                break
            pool = self._get_pool()
            futures = {i: pool.submit(_extract_chunk_pickled, chunks[i], packed, extract_one) for i in todo}
            broken = False
            for i, fut in futures.items():
                try:
                    results[i] = _loads(fut.result())
                except BrokenProcessPool:
                    broken = True
            if broken:
                self._discard_pool()
        out: List[DocResult] = []
        for i, chunk in enumerate(chunks):
            r = results[i]
            if r is None:  # the pool broke twice on this chunk: name its documents
                out.extend(Diagnostic(s.path or s.id, "a worker process died twice while extracting this "
                                      "document (or one beside it); it was skipped - try --jobs 1 to find "
                                      "which document crashes the extractor") for s in chunk)
            else:
                out.extend(r)
        return out

    def check_claims(self, claims: Sequence[Claim], ruleset: Any, check: Union[Stages, Callable[..., Any]]) -> List[Finding]:
        st = _as_stages(check)
        if len(claims) < self.min_parallel_claims or self.workers == 1:
            return sorted(st.check(list(claims), ruleset), key=finding_order)
        nb = self.workers * 4
        packed = _pack_ruleset(ruleset)
        pool = self._get_pool()
        futs = []
        for key, fn in st.passes():
            buckets: List[List[Claim]] = [[] for _ in range(nb)]
            for c in claims:
                k = key(c)
                if k is not None:
                    buckets[block_bucket(k, nb)].append(c)
            futs.extend(pool.submit(_check_bucket, b, packed, fn) for b in buckets if b)
        return merge_findings(f.result() for f in futs)


# --------------------------------------------------------------------------------------------
# Dask


def _import_dask() -> Any:
    try:
        import dask  # noqa: F401
        import dask.bag  # noqa: F401
        import distributed
    except ImportError as exc:
        raise ExecutorError(f"--scheduler needs Dask, which is not installed ({exc.name} is missing); "
                            f"{DASK_INSTALL_HINT}") from None
    return distributed


def _dask_meta(results: Iterable[DocResult]) -> List[Union[Source, Diagnostic]]:
    # the text stays behind: the driver has it, and it is most of a source's bytes
    return [r if isinstance(r, Diagnostic) else attrs.evolve(r[0], text="") for r in results]


def _with_text(meta: Iterable[Union[Source, Diagnostic]], sources: Sequence[Source]) -> List[Union[Source, Diagnostic]]:
    texts = {(s.id, s.path): s.text for s in sources}
    return [m if isinstance(m, Diagnostic) else attrs.evolve(m, text=texts[(m.id, m.path)]) for m in meta]


class _Opaque:
    """Holds a task's argument or result for Dask: a bare tuple ``(f, ...)`` would be taken for a
    task, and a bare list crossing the wire is serialised item by item (~50 us an item, measured:
    more than pickling a claim); this goes as one pickle."""

    __slots__ = ("items",)

    def __init__(self, items: Sequence[Any]) -> None:
        self.items = tuple(items)

    def __getstate__(self) -> Tuple[Any, ...]:
        return self.items

    def __setstate__(self, state: Tuple[Any, ...]) -> None:
        self.items = state


def _extract_part(sources: _Opaque, ruleset: Any, extract_one: Callable[..., Any],
                  count: Optional[Callable[..., Any]]) -> Tuple[_Opaque, List[Claim], List[Tuple[str, int]]]:
    """One partition of documents, on a worker: (sources without their text, or diagnostics;
    raw claims; the partition's organisation-name counts, for the resolver's reduction)."""
    results = _extract_chunk(sources.items, ruleset, extract_one)
    claims = [c for r in results if not isinstance(r, Diagnostic) for c in r[1]]
    return _Opaque(_dask_meta(results)), claims, (sorted(count(claims).items()) if count is not None else [])


def _claims_part(claims: _Opaque, count: Optional[Callable[..., Any]]) -> Tuple[_Opaque, List[Claim], List[Tuple[str, int]]]:
    """Claims already extracted (cache hits) as one more partition."""
    cs = list(claims.items)
    return _Opaque(()), cs, (sorted(count(cs).items()) if count is not None else [])


def _pickled_claims(part: Tuple[Any, List[Claim], Any]) -> bytes:
    return pickle.dumps(part[1], protocol=pickle.HIGHEST_PROTOCOL)


def _extract_boxed(sources: _Opaque, ruleset: Any, extract_one: Callable[..., Any]) -> _Opaque:
    return _Opaque(_extract_chunk(sources.items, ruleset, extract_one))


def _check_boxed(items: _Opaque, ruleset: Any, fns: _Opaque) -> _Opaque:
    return _Opaque(_check_tagged(items.items, ruleset, fns))


def _counts_of(part: Tuple[Any, Any, List[Tuple[str, int]]]) -> List[Tuple[str, int]]:
    return part[2]


def _first(pair: Tuple[str, int]) -> str:
    return pair[0]


def _add_count(total: int, pair: Tuple[str, int]) -> int:
    return total + pair[1]


def _add(a: int, b: int) -> int:
    return a + b


def _split_by_keys(claims: Iterable[Claim], keys: Sequence[Callable[[Claim], Any]], buckets: int) -> List[List[Tuple[int, Claim]]]:
    """The send side of the shuffle: each claim, tagged with its pass, into the stable bucket of
    (pass, key) for every pass whose key it has."""
    out: List[List[Tuple[int, Claim]]] = [[] for _ in range(buckets)]
    where: dict = {}  # keys repeat (a subject has many claims): hash each once
    for c in claims:
        for i, key in enumerate(keys):
            k = key(c)
            if k is None:
                continue
            b = where.get((i, k))
            if b is None:
                b = where[(i, k)] = block_bucket((i, k), buckets)
            out[b].append((i, c))
    return out


def _resolve_part(part: Tuple[Any, List[Claim], Any], apply: Callable[..., Any], mapping: Any, keys: _Opaque,
                  buckets: int) -> tuple:
    """On the worker holding a partition: apply the subject mapping, pickle the resolved claims
    once for the driver's report, and cut them into the shuffle's buckets (none: no checks)."""
    with _gc_paused():
        claims = list(apply(list(part[1]), mapping))
        blob = pickle.dumps(claims, protocol=pickle.HIGHEST_PROTOCOL)
        if not buckets:
            return (blob,)
        return (blob, *(_Opaque(b) for b in _split_by_keys(claims, keys.items, buckets)))


def _check_parts(ruleset: Any, fns: _Opaque, *parts: _Opaque) -> _Opaque:
    """The receive side: one bucket's pieces from every partition (in partition order), checked."""
    with _gc_paused():
        return _Opaque(_check_tagged([item for part in parts for item in part.items], ruleset, fns))


def _check_tagged(items: Sequence[Tuple[int, Claim]], ruleset: Any, fns: _Opaque) -> List[Finding]:
    """One bucket holding claims of several passes: each pass's check on its own claims."""
    ruleset = _unpack_ruleset(ruleset)
    by_pass: dict = {}
    for i, c in items:
        by_pass.setdefault(i, []).append(c)
    out: List[Finding] = []
    for i in sorted(by_pass):
        out.extend(fns.items[i](by_pass[i], ruleset))
    return out


#: settings for a ``LocalCluster`` this executor starts for one run (``--scheduler local``): the
#: workers' statistical profiler and the event loops' frequent housekeeping cost a few percent of
#: CPU in every process for a dashboard nobody watches. A cluster given by address is left as is.
LOCAL_CLUSTER_CONFIG = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "1s",
    "distributed.admin.system-monitor.interval": "2s",
    "distributed.worker.memory.monitor-interval": "500ms",
}


class DaskExecutor(Executor):
    """A ``dask.distributed`` cluster: ``tcp://HOST:PORT`` of a running scheduler, or ``local``
    for a :class:`distributed.LocalCluster` on this machine (processes, one thread each).

    Documents go to the workers in partitions, inside tasks; each partition's claims stay on its
    worker. Subjects are resolved from name counts summed by a ``foldby`` reduction (see
    :class:`Stages`); then each partition applies the mapping and cuts its claims into stable hash
    buckets of the engine's keys, and each bucket's pieces meet on one worker and are checked there
    (a hash shuffle as tasks, never a gather). The driver receives the resolved claims once, pickled
    by the worker (the report lists them), the sources' metadata and the findings. A worker lost
    mid-run costs the recomputation of its tasks, not a result: every task is pure.
    """

    name = "dask"
    #: claims held by the driver below this many are checked there (as the pool does): sending
    #: them out and the findings back costs more than the engine (~15-25 us a claim)
    min_parallel_claims = 500_000
    #: source text per partition, at most (about): bounds a task's message and a retry's cost
    partition_chars = 4_000_000

    def __init__(
        self,
        scheduler: Optional[str] = None,
        *,
        client: Any = None,
        workers: Optional[int] = None,
        partitions: Optional[int] = None,
    ) -> None:
        distributed = _import_dask()
        self._own: list = []
        if client is None:
            if scheduler in (None, "local"):
                import dask

                n = workers or available_cores()
                with dask.config.set(LOCAL_CLUSTER_CONFIG):
                    cluster = distributed.LocalCluster(
                        n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None
                    )
                    self._own.append(cluster)
                    client = distributed.Client(cluster, set_as_default=False)
            else:
                try:
                    client = distributed.Client(scheduler, timeout="10s", set_as_default=False)
                except (OSError, TimeoutError) as exc:
                    raise ExecutorError(f"cannot reach the Dask scheduler at {scheduler} ({exc}); start one with "
                                        "'dask scheduler' and workers with 'dask worker "
                                        f"{scheduler}', or use --scheduler local") from None
            self._own.insert(0, client)
        self.client = client
        self.workers = max(1, len(client.scheduler_info().get("workers", {})) or (workers or 1))
        self.partitions = partitions

    def close(self) -> None:
        for thing in self._own:
            try:
                thing.close()
            except Exception:  # pragma: no cover - closing a dying cluster
                pass
        self._own = []

    def _nparts(self, sources: Sequence[Source]) -> int:
        n = len(sources)
        if self.partitions:
            return max(1, min(n, self.partitions))
        # a few partitions per worker (balance; a retry's cost), more when the text is large,
        # a multiple of the workers (no lone partition at the end), at least 8 documents each
        k = max(self.workers * 4, -(-sum(len(s.text) for s in sources) // self.partition_chars))
        k = -(-k // self.workers) * self.workers
        return max(1, min(n, k, -(-n // 8)))

    def _chunked(self, sources: Sequence[Source]) -> List[Sequence[Source]]:
        sources = list(sources)
        return _chunks(sources, max(1, -(-len(sources) // self._nparts(sources))))

    def _compute(self, *collections: Any) -> Tuple[Any, ...]:
        return tuple(self.client.compute(list(collections), sync=True))

    def map_documents(self, sources: Sequence[Source], ruleset: Any, extract_one: Callable[..., Any]) -> List[DocResult]:
        if not sources:
            return []
        client = self.client
        rs_f = client.submit(_ident, _pack_ruleset(ruleset), pure=False)
        # one submit per partition: each message stays small (no "large graph" to the scheduler)
        futs = [client.submit(_extract_boxed, _Opaque(chunk), rs_f, extract_one, pure=False)
                for chunk in self._chunked(sources)]
        try:
            return [r for part in client.gather(futs) for r in part.items]
        finally:
            _release(futs + [rs_f])

    def check_claims(self, claims: Sequence[Claim], ruleset: Any, check: Union[Stages, Callable[..., Any]]) -> List[Finding]:
        """Claims held by the driver: bucketed here by each pass's key and checked one bucket per
        task (no shuffle needed: they are sent once, straight to their bucket)."""
        st = _as_stages(check)
        if len(claims) < self.min_parallel_claims:
            return sorted(st.check(list(claims), ruleset), key=finding_order)
        client = self.client
        rs_f = client.submit(_ident, _pack_ruleset(ruleset), pure=False)
        passes = st.passes()
        buckets = _split_by_keys(claims, [key for key, _ in passes], max(1, self.workers * 4))
        fns = _Opaque([fn for _, fn in passes])
        futs = [client.submit(_check_boxed, _Opaque(b), rs_f, fns, pure=False) for b in buckets if b]
        try:
            return merge_findings(f.items for f in client.gather(futs))
        finally:
            _release(futs + [rs_f])

    def run(
        self,
        sources: Sequence[Source],
        ruleset: Any,
        stages: Stages,
        *,
        extracted: Sequence[Tuple[Source, Sequence[Claim]]] = (),
        run_checks: bool = True,
        keep_extracted: bool = False,
    ) -> Outcome:
        import dask
        import dask.bag as db

        if keep_extracted or not sources:
            return super().run(sources, ruleset, stages, extracted=extracted, run_checks=run_checks,
                               keep_extracted=keep_extracted)
        client = self.client
        # data reaches the workers inside tasks (client.submit), never by scatter: a worker lost
        # mid-run loses nothing the scheduler cannot recompute. The rule set goes as pickled bytes,
        # unpickled once per worker process and kept by digest (its compiled form stays warm)
        rs_f = client.submit(_ident, _pack_ruleset(ruleset), pure=False)
        count = stages.resolve_split[0] if stages.resolve_split is not None else None
        # 1. map: one task per partition, straight to the workers; results stay there as futures
        # (futures go in as positional arguments: inside keyword arguments they trip the scheduler)
        parts = [client.submit(_extract_part, _Opaque(chunk), rs_f, stages.extract_one, count, pure=False)
                 for chunk in self._chunked(sources)]
        pre = [c for _, cs in extracted for c in cs]
        if pre:
            parts.append(client.submit(_claims_part, _Opaque(pre), count, pure=False))
        metas = [client.submit(operator.getitem, p, 0, pure=False) for p in parts]
        held = [rs_f] + parts + metas
        try:
            if stages.resolve_split is None:
                # exact fallback: ``resolve`` needs every claim at once, so it runs on the driver
                # (which gathers the claims for the report anyway); checks go out bucket by bucket
                raw = [client.submit(_pickled_claims, p, pure=False) for p in parts]
                held += raw
                flat = [c for blob in client.gather(raw) for c in _loads(blob)]
                claims = list(stages.resolve(flat, ruleset))
                findings = self.check_claims(claims, ruleset, stages) if run_checks else []
            else:
                # 2. resolve: name counts summed by a foldby reduction (its result is as small as
                # the vocabulary); the driver plans the mapping over the distinct names
                _, plan, apply = stages.resolve_split
                counts = db.from_delayed([dask.delayed(_counts_of)(p) for p in parts])
                (pairs,) = self._compute(counts.foldby(_first, _add_count, 0, _add, 0))
                mapping_f = client.submit(_ident, plan(dict(pairs), ruleset), pure=False)
                # 3. each partition applies it where it is and cuts its claims into buckets of the
                # passes' keys; each bucket's pieces meet on one worker and are checked there
                passes = stages.passes()
                nb = max(1, self.workers * 4) if run_checks else 0
                keys = _Opaque([k for k, _ in passes])
                split = [client.submit(_resolve_part, p, apply, mapping_f, keys, nb, pure=False) for p in parts]
                blobs = [client.submit(operator.getitem, s, 0, pure=False) for s in split]
                held += [mapping_f] + split + blobs
                checks = []
                if run_checks:
                    fns = _Opaque([fn for _, fn in passes])
                    for b in range(nb):
                        pieces = [client.submit(operator.getitem, s, b + 1, pure=False) for s in split]
                        held += pieces
                        checks.append(client.submit(_check_parts, rs_f, fns, *pieces, pure=False))
                    held += checks
                got = client.gather(blobs + checks)
                claims = [c for blob in got[: len(blobs)] for c in _loads(blob)]
                findings = merge_findings(f.items for f in got[len(blobs):]) if run_checks else []
            meta_v = _with_text([m for part in client.gather(metas) for m in part.items], sources)
        finally:
            _release(held)
        srcs = [m for m in meta_v if isinstance(m, Source)] + [s for s, _ in extracted]
        diags = [m for m in meta_v if isinstance(m, Diagnostic)]
        return _finish(srcs, claims, findings, diags, [])


def _ident(x: Any) -> Any:
    return x


def _release(futures: Iterable[Any]) -> None:
    """Let the cluster forget a run's futures. (``client.cancel`` would also cancel their
    dependents, and trips an assertion in the scheduler for dependents no client holds.)"""
    for f in futures:
        f.release()


# --------------------------------------------------------------------------------------------


def from_options(jobs: Optional[int] = None, scheduler: Optional[str] = None) -> Executor:
    """The executor for the command line's ``--jobs N`` and ``--scheduler tcp://HOST:PORT|local``.

    No flags (``jobs=None``) or ``--jobs 0``: a pool over every available core, which still
    extracts in process when there are few documents (under ``min_parallel_docs``); ``--jobs 1``:
    in process. ``--scheduler`` wins over ``--jobs`` (with ``local``, ``--jobs`` sets the worker
    count). Raises :class:`ExecutorError` with the fix (e.g. how to install Dask) on a bad option.
    """
    if scheduler is not None:
        scheduler = scheduler.strip()
        if scheduler != "local" and "://" not in scheduler:
            raise ExecutorError(f"--scheduler {scheduler!r} is neither 'local' nor an address like tcp://HOST:8786")
        return DaskExecutor(scheduler, workers=jobs or None)
    if jobs is not None and jobs < 0:
        raise ExecutorError(f"--jobs must be 0 (every core) or a positive number, got {jobs}")
    n = jobs or available_cores()
    if n == 1:
        return InProcessExecutor()
    return ProcessPoolExecutorBackend(n)


def describe(executor: Executor) -> str:
    """One line for a run summary: which back end, how many workers."""
    return f"{executor.name} ({executor.workers} worker{'s' if executor.workers != 1 else ''})"

