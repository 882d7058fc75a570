"""The claim store: every claim ever extracted, as a partitioned Parquet dataset (pyarrow).

A store is a directory any Parquet tool can read (DuckDB, pandas, Spark)::

    DIR/store.json                                   what this is: format, schema version, buckets
    DIR/commits/c000001/claims/bucket=0042/part-0.parquet   claims whose subject hashes to bucket 42
    DIR/commits/c000001/sources/part-0.parquet       the documents of that commit (no text)
    DIR/commits/c000001/_commit.json                 counts, for humans
    DIR/_staging/                                    work in progress (ignored by Parquet tools)
    DIR/.lock                                        held (flock) by the one writer at a time

Claims are partitioned by a stable hash bucket of their subject (every block (subject, predicate)
lies inside one subject, and the engine's subject-scoped checks need all of a subject's claims),
and sorted by ``subject_id`` then ``block_id`` inside each file in small row groups, so reading
"only what the new claims touch" opens the touched buckets and, in them, only the row groups
whose ``subject_id`` range holds a wanted subject. Value-scoped checks (one role held by two
people) need the claims sharing a (predicate, value) across subjects: :func:`read_values` finds
them through the ``value_id`` column (a one-column scan). The claim columns are the JSON contract's claim fields, flattened
(``time_*``, ``span_start``/``span_end``), plus the source's metadata (``source_*``); see
:data:`CLAIM_COLUMNS` and docs/scaling.md.

**Atomic.** A writer builds the whole commit under ``_staging/`` and publishes it with one
``rename`` into ``commits/``: a commit is there entirely or not at all, for this module and for
any tool globbing ``commits/*/claims/*/*.parquet``. A writer killed before the rename leaves the
store as it was (the next writer clears ``_staging/``). **One writer at a time:** writers take an
exclusive ``flock`` on ``DIR/.lock`` (released by the kernel if the writer dies); a second writer
is refused with :class:`StoreLocked`, naming the holder. Readers take no lock and never see a
partial commit.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
import socket
import time
from bisect import bisect_left
from datetime import date
from pathlib import Path
from typing import Any, Dict, Iterable, Iterator, List, Mapping, Optional, Sequence, Tuple, Union

import attrs

from .model import Claim, Source, TimeSpan, stable_hash

__all__ = [
    "FORMAT",
    "STORE_VERSION",
    "DEFAULT_BUCKETS",
    "CLAIM_COLUMNS",
    "SOURCE_COLUMNS",
    "StoreError",
    "StoreLocked",
    "CommitInfo",
    "block_id",
    "subject_id",
    "value_id",
    "create",
    "info",
    "write",
    "read_blocks",
    "read_subjects",
    "read_values",
    "read_related",
    "read_related_by_id",
    "read_claims",
    "read_sources",
    "stored_digests",
    "files",
    "lock",
]

FORMAT = "consistency-claim-store"
STORE_VERSION = 1
DEFAULT_BUCKETS = 64
ROW_GROUP = 1024
PSTR = Union[str, "os.PathLike[str]"]

#: (column, Parquet type, meaning): the claims table. One row per claim.
CLAIM_COLUMNS: Tuple[Tuple[str, str, str], ...] = (
    ("id", "string", "claim id, as in the JSON contract (unique within a report)"),
    ("key", "string", "claim key: identity that survives edits elsewhere in the document"),
    ("source", "string", "source id (file stem) of the article"),
    ("subject", "string", "canonical subject"),
    ("predicate", "string", "attribute of a rule pack"),
    ("value", "string", "the value as text (numbers in Python repr); null when none"),
    ("value_type", "string", "str | int | float | null: how to read 'value' back"),
    ("value_number", "double", "the value as a number when it is one, else null"),
    ("unit", "string", "unit of a quantity"),
    ("qualifier", "string", "hedge: about, almost, more than..."),
    ("direction", "string", "change word: up, down, again, no_longer, new"),
    ("time_start", "date32", "first day of the claim's time (closed interval)"),
    ("time_end", "date32", "last day of the claim's time (closed interval)"),
    ("time_granularity", "string", "precision written; null when the claim has no time"),
    ("time_text", "string", "the time expression as written"),
    ("time_span_start", "int64", "offset of the time expression"),
    ("time_span_end", "int64", "end offset of the time expression (half-open)"),
    ("time_approximate", "bool", "the time was hedged"),
    ("time_modifier", "string", "before, after, by, since, until, about..."),
    ("time_anchor", "string", "what the time was resolved against"),
    ("time_basis", "string", "stated | carried | published | estimated | none"),
    ("modality", "string", "fact | plan | prediction | reported | negated"),
    ("speaker", "string", "who said it, when reported"),
    ("quote", "string", "the exact text the claim rests on"),
    ("span_start", "int64", "offset of the quote in the decoded source text"),
    ("span_end", "int64", "end offset of the quote (half-open)"),
    ("line", "int64", "1-based line of the quote"),
    ("column", "int64", "1-based column of the quote"),
    ("rule", "string", "pattern id that produced the claim"),
    ("confidence", "double", "0..1"),
    ("published", "date32", "the article's publication date"),
    ("published_range_start", "date32", "estimated publication range of an undated article"),
    ("published_range_end", "date32", "(closed interval)"),
    ("source_path", "string", "where the article was read from"),
    ("source_title", "string", "the article's title"),
    ("source_url", "string", "the article's URL, when known"),
    ("source_published_basis", "string", "how an undated article's range was inferred"),
    ("source_digest", "string", "digest of the article's bytes"),
    ("subject_id", "int64", "stable hash of the subject; bucket = subject_id % buckets"),
    ("block_id", "int64", "stable hash of (subject, predicate): the engine's block"),
    ("value_id", "int64", "stable hash of (predicate, value as text): value-scoped checks' group"),
)

#: the sources table, one row per document of a commit (the text itself is not stored).
SOURCE_COLUMNS: Tuple[Tuple[str, str, str], ...] = (
    ("id", "string", "source id"),
    ("path", "string", "where it was read from"),
    ("title", "string", "title"),
    ("published", "date32", "publication date"),
    ("published_range_start", "date32", "estimated range, when undated"),
    ("published_range_end", "date32", ""),
    ("published_basis", "string", "how the range was inferred"),
    ("url", "string", "URL"),
    ("encoding", "string", "encoding the bytes were decoded with"),
    ("body_start", "int64", "offset after header lines"),
    ("digest", "string", "digest of the bytes: the same document stored twice has the same digest"),
    ("claims", "int64", "how many claims it made"),
)


class StoreError(Exception):
    """The store cannot be used as asked: says which directory, what is wrong and what to do."""


class StoreLocked(StoreError):
    """Another writer holds the store."""


@attrs.frozen(slots=True)
class CommitInfo:
    """What one write published."""

    name: str
    claims: int
    sources: int
    buckets: int
    path: str


def _pa() -> Tuple[Any, Any, Any]:
    try:
        import pyarrow as pa
        import pyarrow.compute as pc
        import pyarrow.parquet as pq
    except ImportError:
        raise StoreError('the claim store needs pyarrow; install it with: pip install "consistency[store]"') from None
    return pa, pc, pq


def block_id(subject: str, predicate: str) -> int:
    """A stable 60-bit id of a block key (the same on every machine and run)."""
    return int(stable_hash(subject, predicate, length=15), 16)


def subject_id(subject: str) -> int:
    """A stable 60-bit id of a subject; its bucket is ``subject_id % buckets``."""
    return int(stable_hash(subject, length=15), 16)


def value_id(predicate: str, value: object) -> int:
    """A stable 60-bit id of a (predicate, value) group (value as text, as the engine groups it)."""
    return int(stable_hash(predicate, str(value), length=15), 16)


def _schema(columns: Sequence[Tuple[str, str, str]]) -> Any:
    pa, _, _ = _pa()
    types = {"string": pa.string(), "double": pa.float64(), "int64": pa.int64(), "date32": pa.date32(), "bool": pa.bool_()}
    return pa.schema([pa.field(n, types[t]) for n, t, _ in columns])


# --------------------------------------------------------------------------------------------
# layout


def _meta_path(root: Path) -> Path:
    return root / "store.json"


def create(directory: PSTR, *, buckets: int = DEFAULT_BUCKETS) -> Dict[str, Any]:
    """Make an empty store at ``directory`` (or return the existing store's description)."""
    root = Path(directory)
    if _meta_path(root).exists():
        return info(root)
    if root.exists() and any(p.name not in (".lock",) for p in root.iterdir()):
        raise StoreError(f"{root}: not a claim store (no store.json) and not empty; choose a new or empty directory for --store")
    if buckets < 1:
        raise StoreError(f"buckets must be at least 1, got {buckets}")
    root.mkdir(parents=True, exist_ok=True)
    meta = {"format": FORMAT, "version": STORE_VERSION, "buckets": buckets,
            "claims": [c[0] for c in CLAIM_COLUMNS], "sources": [c[0] for c in SOURCE_COLUMNS]}
    tmp = root / f".store.json.{os.getpid()}"
    tmp.write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, _meta_path(root))
    return meta


def info(directory: PSTR) -> Dict[str, Any]:
    """The store's description (format, version, buckets), checked."""
    root = Path(directory)
    try:
        meta = json.loads(_meta_path(root).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise StoreError(f"{root}: no claim store here (store.json is missing); create one with "
                         "'consistency extract PATH... --store DIR'") from None
    except (OSError, ValueError) as exc:
        raise StoreError(f"{_meta_path(root)}: unreadable ({exc}); restore it from a backup") from None
    if meta.get("format") != FORMAT or not isinstance(meta.get("buckets"), int):
        raise StoreError(f"{_meta_path(root)}: not a consistency claim store")
    if meta.get("version", 0) > STORE_VERSION:
        raise StoreError(f"{root}: store version {meta.get('version')} is newer than this consistency "
                         f"understands ({STORE_VERSION}); upgrade consistency")
    return meta


def _commits(root: Path) -> List[Path]:
    d = root / "commits"
    if not d.is_dir():
        return []
    return sorted(p for p in d.iterdir() if p.is_dir() and p.name.startswith("c") and p.name[1:].isdigit())


def files(directory: PSTR, table: str = "claims", buckets: Optional[Iterable[int]] = None) -> List[str]:
    """The Parquet files of the published commits (for DuckDB, pandas, Spark), oldest first."""
    root = Path(directory)
    want = None if buckets is None else {f"bucket={b:04d}" for b in buckets}
    out: List[str] = []
    for c in _commits(root):
        base = c / table
        if not base.is_dir():
            continue
        if table == "claims":
            parts = sorted(p for p in base.iterdir() if p.is_dir() and (want is None or p.name in want))
            for p in parts:
                out.extend(str(f) for f in sorted(p.glob("*.parquet")))
        else:
            out.extend(str(f) for f in sorted(base.glob("*.parquet")))
    return out


# --------------------------------------------------------------------------------------------
# the lock


@contextlib.contextmanager
def lock(directory: PSTR) -> Iterator[None]:
    """Hold the store's writer lock, or raise :class:`StoreLocked` naming the holder."""
    import fcntl

    root = Path(directory)
    root.mkdir(parents=True, exist_ok=True)
    path = root / ".lock"
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                raise
            try:
                holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip() or "another process"
            except OSError:  # pragma: no cover
                holder = "another process"
            raise StoreLocked(f"{root}: another writer holds the store ({holder}); wait for it to finish - "
                              "two writers at once are refused, never interleaved") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()} on {socket.gethostname()}".encode(), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _clear_staging(root: Path) -> None:
    st = root / "_staging"
    if st.is_dir():
        shutil.rmtree(st, ignore_errors=True)


# --------------------------------------------------------------------------------------------
# rows


def _value_cols(v: Any) -> Tuple[Optional[str], str, Optional[float]]:
    if v is None:
        return None, "null", None
    if isinstance(v, bool):  # never produced by extract, but keep it exact
        return str(v), "str", None
    if isinstance(v, int):
        return str(v), "int", float(v)
    if isinstance(v, float):
        return repr(v), "float", v
    return str(v), "str", None


def _value_back(text: Optional[str], kind: str) -> Any:
    if kind == "null" or text is None:
        return None
    if kind == "int":
        return int(text)
    if kind == "float":
        return float(text)
    return text


def _claim_rows(claims: Sequence[Claim], sources: Mapping[str, Source], buckets: int) -> Dict[int, Dict[str, list]]:
    names = [c[0] for c in CLAIM_COLUMNS]
    by_bucket: Dict[int, List[Tuple[int, int, Claim]]] = {}
    for c in claims:
        sid = subject_id(c.subject)
        by_bucket.setdefault(sid % buckets, []).append((sid, block_id(c.subject, c.predicate), c))
    out: Dict[int, Dict[str, list]] = {}
    for b, items in by_bucket.items():
        items.sort(key=lambda t: (t[0], t[1], t[2].source, t[2].span, t[2].predicate, str(t[2].value)))
        cols: Dict[str, list] = {n: [] for n in names}
        for sid, bid, c in items:
            s = sources.get(c.source)
            t = c.time
            val, kind, num = _value_cols(c.value)
            row = (
                c.id, c.key, c.source, c.subject, c.predicate, val, kind, num, c.unit, c.qualifier, c.direction,
                t.start if t else None, t.end if t else None, t.granularity if t else None, t.text if t else None,
                t.span[0] if t and t.span else None, t.span[1] if t and t.span else None,
                t.approximate if t else None, t.modifier if t else None, t.anchor if t else None,
                c.time_basis, c.modality, c.speaker, c.quote, c.span[0], c.span[1], c.line, c.column, c.rule,
                c.confidence, c.published,
                c.published_range[0] if c.published_range else None,
                c.published_range[1] if c.published_range else None,
                s.path if s else None, s.title if s else None, s.url if s else None,
                s.published_basis if s else None, s.digest if s else None, sid, bid, value_id(c.predicate, c.value),
            )
            for n, v in zip(names, row):
                cols[n].append(v)
        out[b] = cols
    return out


def _source_rows(sources: Sequence[Source], counts: Mapping[str, int]) -> Dict[str, list]:
    names = [c[0] for c in SOURCE_COLUMNS]
    cols: Dict[str, list] = {n: [] for n in names}
    for s in sorted(sources, key=lambda s: s.id):
        row = (s.id, s.path, s.title, s.published,
               s.published_range[0] if s.published_range else None,
               s.published_range[1] if s.published_range else None,
               s.published_basis, s.url, s.encoding, s.body_start, s.digest, counts.get(s.id, 0))
        for n, v in zip(names, row):
            cols[n].append(v)
    return cols


#: the columns a :class:`Claim` is rebuilt from, plus ``id`` (the rest serve other tools and pruning)
READ_COLUMNS: Tuple[str, ...] = (
    "id", "source", "subject", "predicate", "value", "value_type", "unit", "qualifier", "direction",
    "time_start", "time_end", "time_granularity", "time_text", "time_span_start", "time_span_end",
    "time_approximate", "time_modifier", "time_anchor", "time_basis", "modality", "speaker", "quote",
    "span_start", "span_end", "line", "column", "rule", "confidence", "published",
    "published_range_start", "published_range_end",
)


def _claims_from_table(tbl: Any) -> List[Claim]:
    """The table's rows as claims, column by column (one ``to_pylist`` per column, not per cell)."""
    return list(_claims_by_id(tbl).values()) if "id" in tbl.column_names else _claims_of(tbl)


def _claims_of(tbl: Any) -> List[Claim]:
    col = {n: tbl[n].to_pylist() for n in READ_COLUMNS if n != "id"}
    out: List[Claim] = []
    append = out.append
    for (source, subject, predicate, value, kind, unit, qualifier, direction, ts, te, tg, ttext, tss, tse, tapprox,
         tmod, tanchor, basis, modality, speaker, quote, s0, s1, line, column, rule, confidence, published,
         prs, pre) in zip(*(col[n] for n in READ_COLUMNS if n != "id")):
        time = None
        if tg is not None:
            time = TimeSpan(start=ts, end=te, granularity=tg, text=ttext or "", span=(tss, tse) if tss is not None else None,
                            approximate=bool(tapprox), modifier=tmod, anchor=tanchor or "absolute")
        append(Claim(
            source=source, subject=subject, predicate=predicate, value=_value_back(value, kind), quote=quote,
            span=(s0, s1), time=time, time_basis=basis, modality=modality, speaker=speaker, unit=unit,
            qualifier=qualifier, direction=direction, rule=rule or "", confidence=confidence, published=published,
            published_range=(prs, pre) if prs is not None else None, line=line, column=column,
        ))
    return out


def _claims_by_id(tbl: Any) -> Dict[str, Claim]:
    """The table's claims keyed by their stored ``id`` (rows repeating an id are read once), so
    callers need not hash every claim again to know its id."""
    ids = tbl["id"].to_pylist()
    first: Dict[str, int] = {}
    for i, cid in enumerate(ids):
        first.setdefault(cid, i)
    if len(first) < len(ids):
        pa, _, _ = _pa()
        tbl = tbl.take(pa.array(sorted(first.values()), type=pa.int64()))
        ids = tbl["id"].to_pylist()
    return dict(zip(ids, _claims_of(tbl)))


def _sources_from_table(tbl: Any) -> List[Source]:
    d = tbl.to_pydict()
    out = []
    for i in range(tbl.num_rows):
        prs, pre = d["published_range_start"][i], d["published_range_end"][i]
        out.append(Source(id=d["id"][i], path=d["path"][i] or "", text="", title=d["title"][i] or "",
                          published=d["published"][i], published_range=(prs, pre) if prs is not None else None,
                          published_basis=d["published_basis"][i] or "", url=d["url"][i],
                          encoding=d["encoding"][i] or "utf-8", body_start=d["body_start"][i] or 0,
                          digest=d["digest"][i] or ""))
    return out


# --------------------------------------------------------------------------------------------
# write


def _write_table(pq: Any, table: Any, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, str(path), row_group_size=ROW_GROUP, compression="zstd")


def write(claims: Iterable[Claim], sources: Iterable[Source], directory: PSTR, *,
          buckets: Optional[int] = None, lock_held: bool = False) -> CommitInfo:
    """Publish ``claims`` and their ``sources`` as one new commit, atomically, under the lock.

    Creates the store if needed (with ``buckets`` hash buckets, default :data:`DEFAULT_BUCKETS`).
    Raises :class:`StoreLocked` if another writer holds the store. ``lock_held``: the caller
    already holds :func:`lock` (to read, check and write as one step).
    """
    pa, _, pq = _pa()
    root = Path(directory)
    claims = list(claims)
    sources = list(sources)
    by_id = {s.id: s for s in sources}
    missing = sorted({c.source for c in claims} - set(by_id))
    if missing:
        raise StoreError(f"{root}: claims of source(s) {', '.join(missing[:5])} come without their source; "
                         "pass every claim's Source to store.write")
    with (contextlib.nullcontext() if lock_held else lock(root)):
        meta = create(root, buckets=buckets or DEFAULT_BUCKETS)
        nb = int(meta["buckets"])
        _clear_staging(root)  # debris of a writer that died before publishing
        existing = _commits(root)
        name = f"c{(int(existing[-1].name[1:]) + 1) if existing else 1:06d}"
        stage = root / "_staging" / f"{name}-{os.getpid()}"
        stage.mkdir(parents=True)
        counts: Dict[str, int] = {}
        for c in claims:
            counts[c.source] = counts.get(c.source, 0) + 1
        cschema, sschema = _schema(CLAIM_COLUMNS), _schema(SOURCE_COLUMNS)
        rows = _claim_rows(claims, by_id, nb)
        for b in sorted(rows):
            _write_table(pq, pa.Table.from_pydict(rows[b], schema=cschema), stage / "claims" / f"bucket={b:04d}" / "part-0.parquet")
        _write_table(pq, pa.Table.from_pydict(_source_rows(sources, counts), schema=sschema),
                     stage / "sources" / "part-0.parquet")
        (stage / "_commit.json").write_text(json.dumps({"commit": name, "claims": len(claims), "sources": len(sources),
                                                        "buckets": sorted(rows)}) + "\n", encoding="utf-8")
        _fsync_tree(stage)
        (root / "commits").mkdir(exist_ok=True)
        os.rename(stage, root / "commits" / name)  # the commit point: all of it, or none of it
        _fsync_dir(root / "commits")
        _clear_staging(root)
        return CommitInfo(name=name, claims=len(claims), sources=len(sources), buckets=len(rows),
                          path=str(root / "commits" / name))


def _fsync_dir(d: Path) -> None:
    try:
        fd = os.open(d, os.O_RDONLY)
    except OSError:  # pragma: no cover
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover - some filesystems refuse directory fsync
        pass
    finally:
        os.close(fd)


def _fsync_tree(d: Path) -> None:
    for dirpath, _, names in os.walk(d):
        for n in names:
            fd = os.open(os.path.join(dirpath, n), os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        _fsync_dir(Path(dirpath))


# --------------------------------------------------------------------------------------------
# read


def _read_matching(pq: Any, pc: Any, path: str, column: str, want: List[Any], want_array: Any,
                   columns: Optional[Sequence[str]] = None) -> Optional[Any]:
    """The rows of ``path`` whose ``column`` is in ``want`` (sorted), reading as little as it can:
    row groups whose min/max statistics cannot hold a wanted value are skipped; of the rest, the
    one key column is read first, and the other ``columns`` (all, for ``None``) only of the row
    groups where it matched."""
    f = pq.ParquetFile(path)
    md = f.metadata
    col = md.schema.to_arrow_schema().get_field_index(column)
    candidates = []
    for g in range(md.num_row_groups):
        st = md.row_group(g).column(col).statistics
        if st is None or not st.has_min_max:
            candidates.append(g)
            continue
        i = bisect_left(want, st.min)
        if i < len(want) and want[i] <= st.max:
            candidates.append(g)
    if not candidates:
        return None
    hit_rows = pc.indices_nonzero(pc.is_in(f.read_row_groups(candidates, columns=[column])[column],
                                           value_set=want_array)).to_pylist()
    if not hit_rows:
        return None
    bounds, n = [], 0
    for g in candidates:
        n += md.row_group(g).num_rows
        bounds.append(n)
    groups = sorted({candidates[bisect_left(bounds, r + 1)] for r in hit_rows})
    cols = None if columns is None else list(dict.fromkeys([*columns, column]))
    tbl = f.read_row_groups(groups, columns=cols)
    return tbl.filter(pc.is_in(tbl[column], value_set=want_array))


def _read_table(directory: PSTR, column: str, ids: Iterable[Any], buckets: Optional[Iterable[int]], *,
                table: str = "claims", columns: Optional[Sequence[str]] = READ_COLUMNS) -> Optional[Any]:
    """One Arrow table of the rows of every commit whose ``column`` is in ``ids`` (``None``: none)."""
    pa, pc, pq = _pa()
    want = sorted(set(ids))
    if not want:
        return None
    want_array = pa.array(want, type=pa.string() if isinstance(want[0], str) else pa.int64())
    tables = []
    for path in files(directory, table, buckets=buckets):
        t = _read_matching(pq, pc, path, column, want, want_array, columns)
        if t is not None and t.num_rows:
            tables.append(t.select(list(columns)) if columns is not None else t)
    if not tables:
        return None
    return pa.concat_tables(tables) if len(tables) > 1 else tables[0]


def _subject_table(directory: PSTR, subjects: Iterable[str]) -> Optional[Any]:
    nb = int(info(directory)["buckets"])
    ids = {subject_id(s) for s in subjects}
    return _read_table(directory, "subject_id", ids, sorted({i % nb for i in ids}))


def _value_table(directory: PSTR, pairs: Iterable[Tuple[str, object]]) -> Optional[Any]:
    info(directory)
    return _read_table(directory, "value_id", {value_id(p, v) for p, v in pairs}, None)


def read_subjects(directory: PSTR, subjects: Iterable[str]) -> List[Claim]:
    """Every stored claim about the given subjects (all their blocks): one bucket per subject,
    and in it only the row groups whose ``subject_id`` range can hold one."""
    t = _subject_table(directory, subjects)
    return [] if t is None else _claims_from_table(t)


def read_blocks(directory: PSTR, block_keys: Iterable[Tuple[str, str]]) -> Tuple[List[Claim], Dict[str, Source]]:
    """The stored claims of the given blocks (subject, predicate) and the sources they cite."""
    keys = set(block_keys)
    wanted = {block_id(s, p) for s, p in keys}
    claims = [c for c in read_subjects(directory, {s for s, _ in keys}) if block_id(c.subject, c.predicate) in wanted]
    return claims, read_sources(directory, {c.source for c in claims})


def read_values(directory: PSTR, pairs: Iterable[Tuple[str, object]]) -> List[Claim]:
    """Stored claims sharing a (predicate, value) with ``pairs``, whatever their subject (for
    value-scoped checks). Reads the ``value_id`` column of every file, then the matching row groups only."""
    t = _value_table(directory, pairs)
    return [] if t is None else _claims_from_table(t)


def read_related_by_id(directory: PSTR, claims: Sequence[Claim], value_key: Optional[Any] = None) -> Dict[str, Claim]:
    """What a check of ``claims`` needs from the store, keyed by each stored claim's ``id`` column
    (read, not re-hashed): every stored claim about their subjects and, with ``value_key``
    (``executors.ClaimValue``), every stored claim in their value groups."""
    pa, pc, _ = _pa()
    tables = [_subject_table(directory, {c.subject for c in claims})]
    if value_key is not None:
        values = _value_table(directory, {k for k in (value_key(c) for c in claims) if k is not None})
        if values is not None and tables[0] is not None:  # rows already read for their subject: once
            values = values.filter(pc.invert(pc.is_in(values["id"], value_set=tables[0]["id"])))
        tables.append(values)
    tables = [t for t in tables if t is not None and t.num_rows]
    if not tables:
        return {}
    return _claims_by_id(pa.concat_tables(tables) if len(tables) > 1 else tables[0])


def read_related(directory: PSTR, claims: Sequence[Claim], value_key: Optional[Any] = None) -> Tuple[List[Claim], Dict[str, Source]]:
    """What a check of ``claims`` needs from the store (:func:`read_related_by_id`), with the
    sources those claims cite."""
    out = list(read_related_by_id(directory, claims, value_key).values())
    return out, read_sources(directory, {c.source for c in out})


def read_claims(directory: PSTR) -> List[Claim]:
    """Every stored claim (a full scan: for re-checks and tools, not for the incremental path)."""
    pa, _, pq = _pa()
    paths = files(directory, "claims")
    info(directory)
    if not paths:
        return []
    return _claims_of(pa.concat_tables([pq.read_table(p, columns=list(READ_COLUMNS)) for p in paths]))


def read_sources(directory: PSTR, ids: Optional[Iterable[str]] = None) -> Dict[str, Source]:
    """Stored sources by id (all, or only ``ids``: then only the row groups whose id range can
    hold one are read); text is not stored, so ``Source.text`` is ''."""
    pa, pc, pq = _pa()
    want = None if ids is None else sorted(set(ids))
    if want is not None and not want:
        return {}
    out: Dict[str, Source] = {}
    want_array = None if want is None else pa.array(want, type=pa.string())
    for path in files(directory, "sources"):
        t = pq.read_table(path) if want is None else _read_matching(pq, pc, path, "id", want, want_array)
        if t is None:
            continue
        for s in _sources_from_table(t):
            out.setdefault(s.id, s)
    return out


def stored_digests(directory: PSTR, ids: Iterable[str]) -> Dict[str, str]:
    """For each of ``ids`` already in the store, the digest it was stored with."""
    return {i: s.digest for i, s in read_sources(directory, ids).items()}


_ = (date, time)
