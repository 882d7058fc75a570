"""The claims cache: each document's prepared Source and claims in SQLite, keyed by
:func:`consistency.api.cache_key` (document bytes, id, path, rule packs' digest, version).

A second run on an unchanged corpus re-extracts nothing; editing a file re-extracts that file;
changing a rule pack changes every key. The last report of each distinct invocation is kept too
(``runs``), keyed by its settings and a content hash of its input files, so a run on an unchanged
corpus skips parsing and checking as well. The cache can only ever cost a re-extraction: a row that
does not decode to exactly what was stored (checksum, classes, fields) is a miss; a corrupt
database file is moved aside and rebuilt, a locked one is bypassed, each with one warning.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from datetime import date
from pathlib import Path
from typing import Any, Callable, Optional, Sequence, Tuple

import attrs

from .model import Claim, Diagnostic, Finding, Report, Source, TimeSpan

__all__ = ["DEFAULT_DIR", "ClaimsCache", "encode", "decode"]

DEFAULT_DIR = ".consistency_cache"
FILENAME = "claims.sqlite3"
SCHEMA = 3


_TAGS: dict[type, str] = {Source: "S", Claim: "C", TimeSpan: "T", Finding: "F", Diagnostic: "D", Report: "R"}
_BY_TAG = {tag: cls for cls, tag in _TAGS.items()}
_FIELDS = {cls: tuple(a.name for a in attrs.fields(cls)) for cls in _TAGS}
_set = object.__setattr__


def _enc(v: Any) -> Any:
    t = type(v)
    if v is None or t is str or t is int or t is float or t is bool:
        return v  # JSON keeps int and float apart and floats exact (repr)
    if t is date:
        return {"d": v.isoformat()}
    if t is tuple or t is list:
        return [_enc(x) for x in v]  # both come back as tuples
    if t is dict:
        return {"m": [[_enc(k), _enc(x)] for k, x in v.items()]}
    tag = _TAGS.get(t)
    if tag is None:
        raise TypeError(f"cannot cache a value of type {t.__name__}")
    return {tag: [_enc(getattr(v, name)) for name in _FIELDS[t]]}


def _tup(x: list) -> tuple:
    return tuple(_tup(y) if type(y) is list else y for y in x)


def _hook(d: dict) -> Any:
    """Rebuild dates and model objects; every JSON array is a tuple in the model."""
    if len(d) == 1:
        for tag, v in d.items():
            if tag == "d":
                return date.fromisoformat(v)
            if tag == "m":
                return {k: _tup(x) if type(x) is list else x for k, x in v}
            cls = _BY_TAG[tag]
            names = _FIELDS[cls]
            if len(v) != len(names):
                raise ValueError(f"cached {cls.__name__} has {len(v)} fields, expected {len(names)}")
            # Stored values were valid objects and the row's checksum matched: set the slots directly
            # (attrs' __init__ would re-run every validator, the slowest part of a warm run).
            obj = cls.__new__(cls)
            for name, x in zip(names, v):
                _set(obj, name, _tup(x) if type(x) is list else x)
            return obj
    raise ValueError("unexpected object in a cache row")


def encode(source: Source, claims: Sequence[Claim]) -> str:
    """Compact JSON that :func:`decode` turns back into equal objects (every attrs field, exact types)."""
    return json.dumps([_enc(source), [_enc(c) for c in claims]], ensure_ascii=False, separators=(",", ":"))


def decode(text: str) -> Tuple[Source, list[Claim]]:
    src, claims = json.loads(text, object_hook=_hook)
    if type(src) is not Source or not all(type(c) is Claim for c in claims):
        raise ValueError("cache row does not hold a Source and Claims")
    return src, list(claims)


def dumps(value: Any) -> str:
    """JSON for any mix of plain values, tuples, dates and model objects (see :func:`loads`)."""
    return json.dumps(_enc(value), ensure_ascii=False, separators=(",", ":"))


def loads(text: str) -> Any:
    return json.loads(text, object_hook=_hook)


def encode_report(report: Report) -> str:
    return json.dumps(_enc(report), ensure_ascii=False, separators=(",", ":"))


def decode_report(text: str) -> Report:
    report = json.loads(text, object_hook=_hook)
    if type(report) is not Report:
        raise ValueError("cache row does not hold a Report")
    return report


def _fingerprint() -> str:
    """Changes with the storage schema, the model's fields and the package's code, so a cache
    written by other code (an upgrade, or an edit in a development checkout) is never trusted."""
    h = hashlib.blake2b(digest_size=16)
    h.update(repr((SCHEMA, sorted((c.__name__, f) for c, f in _FIELDS.items()))).encode())
    pkg = Path(__file__).resolve().parent
    for p in sorted(pkg.rglob("*.py")):
        try:
            st = p.stat()
        except OSError:
            continue
        h.update(f"{p.relative_to(pkg)}:{st.st_size}:{st.st_mtime_ns}\n".encode())
    return h.hexdigest()


def _checksum(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


class ClaimsCache:
    """A :class:`consistency.api.ClaimsCache` in ``<directory>/claims.sqlite3``.

    Writes are batched and committed every ``batch`` puts and on :meth:`close` (use it as a
    context manager). ``warn`` receives one-line warnings; they are also kept in ``warnings``.
    """

    def __init__(self, directory: "str | os.PathLike[str]" = DEFAULT_DIR, *, timeout: float = 5.0,
                 batch: int = 256, warn: Optional[Callable[[str], None]] = None) -> None:
        self.directory = Path(directory)
        self.path = self.directory / FILENAME
        self.timeout = timeout
        self.batch = batch
        self.warnings: list[str] = []
        self._warn_fn = warn
        self._pending: list[Tuple[str, str, str]] = []
        self.hits = self.misses = 0
        self._db: Optional[sqlite3.Connection] = None
        self.fingerprint = _fingerprint()
        self._open()

    # -- lifecycle -------------------------------------------------------------------------------
    def _warn(self, message: str) -> None:
        self.warnings.append(message)
        if self._warn_fn is not None:
            self._warn_fn(message)

    def _connect(self) -> sqlite3.Connection:
        self.directory.mkdir(parents=True, exist_ok=True)
        ignore = self.directory / ".gitignore"
        if not ignore.exists():
            try:
                ignore.write_text("# created by consistency: the claims cache is not for version control\n*\n")
            except OSError:
                pass
        db = sqlite3.connect(str(self.path), timeout=self.timeout, isolation_level=None, check_same_thread=False)
        try:
            db.execute(f"PRAGMA busy_timeout = {int(self.timeout * 1000)}")
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = NORMAL")
            db.execute("CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL)")
            row = db.execute("SELECT v FROM meta WHERE k = 'fingerprint'").fetchone()
            if row is None or row[0] != self.fingerprint:  # written by other code: start afresh
                db.execute("BEGIN IMMEDIATE")
                for table in ("claims", "runs", "renders"):
                    db.execute(f"DROP TABLE IF EXISTS {table}")
                db.execute("INSERT OR REPLACE INTO meta VALUES ('fingerprint', ?)", (self.fingerprint,))
                db.execute("COMMIT")
            db.execute("CREATE TABLE IF NOT EXISTS claims (key TEXT PRIMARY KEY, sum TEXT NOT NULL, data TEXT NOT NULL)")
            db.execute("CREATE TABLE IF NOT EXISTS runs (spec TEXT PRIMARY KEY, inputs TEXT NOT NULL, "
                       "sum TEXT NOT NULL, data TEXT NOT NULL, slim TEXT NOT NULL)")
            db.execute("CREATE TABLE IF NOT EXISTS renders (spec TEXT NOT NULL, key TEXT NOT NULL, "
                       "inputs TEXT NOT NULL, sum TEXT NOT NULL, text TEXT NOT NULL, PRIMARY KEY (spec, key))")
            db.execute("SELECT count(*) FROM claims LIMIT 1").fetchone()
        except BaseException:
            db.close()
            raise
        return db

    def _open(self) -> None:
        try:
            self._db = self._connect()
            return
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                self._warn(f"{self.path}: the claims cache is locked by another run ({exc}); "
                           "continuing without it - documents are extracted afresh")
                self._db = None
                return
            problem: BaseException = exc
        except (sqlite3.DatabaseError, OSError) as exc:
            problem = exc
        # corrupt (or not a database): move it aside and start again
        try:
            for suffix in ("", "-wal", "-shm"):
                p = Path(str(self.path) + suffix)
                if p.exists():
                    p.replace(str(p) + ".corrupt")
            self._db = self._connect()
            self._warn(f"{self.path}: the claims cache was unreadable ({problem}); it was moved to "
                       f"{self.path.name}.corrupt and rebuilt")
        except (sqlite3.Error, OSError) as exc:
            self._db = None
            self._warn(f"{self.path}: the claims cache is unusable ({problem}; {exc}); continuing without it - "
                       "use --cache-dir to choose another directory or --no-cache")

    @property
    def enabled(self) -> bool:
        return self._db is not None

    def _fail(self, exc: BaseException, doing: str) -> None:
        self._warn(f"{self.path}: claims cache {doing} failed ({exc}); continuing without the cache")
        try:
            if self._db is not None:
                self._db.close()
        except sqlite3.Error:
            pass
        self._db = None
        self._pending.clear()

    # -- the protocol ----------------------------------------------------------------------------
    def get(self, key: str) -> Optional[Tuple[Source, list[Claim]]]:
        if self._db is None:
            self.misses += 1
            return None
        for k, _s, data in reversed(self._pending):
            if k == key and data:
                self.hits += 1
                return decode(data)
        try:
            row = self._db.execute("SELECT sum, data FROM claims WHERE key = ?", (key,)).fetchone()
        except sqlite3.Error as exc:
            self._fail(exc, "read")
            self.misses += 1
            return None
        if row is None:
            self.misses += 1
            return None
        try:
            if _checksum(row[1]) != row[0]:
                raise ValueError("checksum mismatch")
            value = decode(row[1])
        except Exception:
            self.misses += 1
            self._pending.append((key, "", ""))  # delete the bad row at the next flush
            return None
        self.hits += 1
        return value

    def put(self, key: str, source: Source, claims: Sequence[Claim]) -> None:
        if self._db is None:
            return
        data = encode(source, claims)
        self._pending.append((key, _checksum(data), data))
        if len(self._pending) >= self.batch:
            self.flush()

    def flush(self) -> None:
        if self._db is None or not self._pending:
            self._pending.clear()
            return
        rows = [r for r in self._pending if r[2]]
        bad = [(r[0],) for r in self._pending if not r[2]]
        try:
            with_tx = self._db
            with_tx.execute("BEGIN IMMEDIATE")
            if bad:
                with_tx.executemany("DELETE FROM claims WHERE key = ?", bad)
            with_tx.executemany("INSERT OR REPLACE INTO claims (key, sum, data) VALUES (?, ?, ?)", rows)
            with_tx.execute("COMMIT")
        except sqlite3.Error as exc:
            try:
                self._db.execute("ROLLBACK")
            except sqlite3.Error:
                pass
            self._warn(f"{self.path}: could not save {len(rows)} document(s) to the claims cache ({exc}); "
                       "they will be extracted again next time")
        self._pending.clear()

    # -- whole runs ----------------------------------------------------------------------------
    def _run_row(self, spec: str, inputs: str, column: str) -> Optional[str]:
        if self._db is None:
            return None
        try:
            row = self._db.execute(f"SELECT inputs, sum, {column} FROM runs WHERE spec = ?", (spec,)).fetchone()
        except sqlite3.Error as exc:
            self._fail(exc, "read")
            return None
        if row is None or row[0] != inputs:
            return None
        return row[2]  # type: ignore[no-any-return]

    def get_run(self, spec: str, inputs: str) -> Optional[Report]:
        """The report of the last run with these settings (``spec``), if its inputs were these."""
        data = self._run_row(spec, inputs, "data")
        if data is None:
            return None
        try:
            if _checksum(data) != self._run_row(spec, inputs, "sum"):
                raise ValueError("checksum mismatch")
            return decode_report(data)
        except Exception:
            return None

    def get_run_summary(self, spec: str, inputs: str) -> Optional[Any]:
        """The small summary stored with :meth:`put_run` (decoded), without reading the report."""
        slim = self._run_row(spec, inputs, "slim")
        if slim is None:
            return None
        try:
            value = loads(slim[32:])
            if _checksum(slim[32:]) != slim[:32]:
                raise ValueError("checksum mismatch")
            return value
        except Exception:
            return None

    def put_run(self, spec: str, inputs: str, report: Report, summary: Any = None) -> None:
        """Remember one run per ``spec`` (the previous one with the same settings is replaced),
        with an optional small ``summary`` (any value :func:`dumps` takes) to read back quickly."""
        if self._db is None:
            return
        data = encode_report(report)
        slim = dumps(summary)
        self.flush()
        try:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.execute("DELETE FROM renders WHERE spec = ?", (spec,))
            self._db.execute("INSERT OR REPLACE INTO runs (spec, inputs, sum, data, slim) VALUES (?, ?, ?, ?, ?)",
                             (spec, inputs, _checksum(data), data, _checksum(slim) + slim))
            self._db.execute("COMMIT")
        except sqlite3.Error as exc:
            self._rollback()
            self._warn(f"{self.path}: could not save this run to the cache ({exc}); the next run re-checks")

    def get_render(self, spec: str, inputs: str, key: str) -> Optional[str]:
        """Output rendered earlier from the same run with the same options, if any."""
        if self._db is None:
            return None
        try:
            row = self._db.execute("SELECT inputs, sum, text FROM renders WHERE spec = ? AND key = ?",
                                   (spec, key)).fetchone()
        except sqlite3.Error as exc:
            self._fail(exc, "read")
            return None
        if row is None or row[0] != inputs or _checksum(row[2]) != row[1]:
            return None
        return row[2]  # type: ignore[no-any-return]

    def put_render(self, spec: str, inputs: str, key: str, text: str) -> None:
        if self._db is None:
            return
        try:
            self._db.execute("INSERT OR REPLACE INTO renders (spec, key, inputs, sum, text) VALUES (?, ?, ?, ?, ?)",
                             (spec, key, inputs, _checksum(text), text))
        except sqlite3.Error as exc:
            self._warn(f"{self.path}: could not save the output to the cache ({exc})")

    def _rollback(self) -> None:
        try:
            if self._db is not None:
                self._db.execute("ROLLBACK")
        except sqlite3.Error:
            pass

    def clear(self) -> None:
        """Forget every cached document."""
        self._pending.clear()
        if self._db is not None:
            try:
                for table in ("claims", "runs", "renders"):
                    self._db.execute(f"DELETE FROM {table}")
            except sqlite3.Error as exc:
                self._fail(exc, "clear")

    def __len__(self) -> int:
        if self._db is None:
            return 0
        self.flush()
        try:
            return int(self._db.execute("SELECT count(*) FROM claims").fetchone()[0])
        except sqlite3.Error:
            return 0

    def close(self) -> None:
        self.flush()
        if self._db is not None:
            try:
                self._db.close()
            except sqlite3.Error:
                pass
            self._db = None

    def __enter__(self) -> "ClaimsCache":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
