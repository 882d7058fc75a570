"""Configuration: ``[tool.consistency]`` in the nearest ``pyproject.toml``, or ``.consistency.toml``.

Found the way Python tools find theirs: from a directory upwards, the first ``.consistency.toml``
(keys at its top level, or under ``[tool.consistency]``) or ``pyproject.toml`` with a
``[tool.consistency]`` table wins; in one directory ``.consistency.toml`` comes first. Paths in
the file are relative to the file's directory. Every key is validated; an unknown key or a wrong
type is a :class:`ConfigError` naming the file, the line, the key and what is allowed. The file
is data: it is parsed with :mod:`tomllib` and nothing in it is executed.
"""

from __future__ import annotations

import difflib
import os
import re
import tomllib
from pathlib import Path
from typing import Any, Mapping, Optional, Sequence, Tuple

import attrs

from .model import SEVERITIES

__all__ = ["KEYS", "ConfigError", "Config", "discover", "load", "find_and_load", "glob_match"]

FILENAMES = (".consistency.toml", "pyproject.toml")

#: every key, with what it holds (shown in errors and in docs/ci.md)
KEYS: dict[str, str] = {
    "paths": "list of files or directories to check (one document set)",
    "sets": "table: name -> list of paths, each checked as its own document set",
    "rules": "list of rule pack names or paths to pack files/folders",
    "select": "list of check ids to run (default: all)",
    "ignore": "list of check ids to skip",
    "severity": "table: check id -> error | warning | info",
    "per-path-ignores": "table: glob -> list of check ids ignored for findings whose documents all match",
    "tolerance": "table: attribute -> number, or {tolerance = n, hedge-tolerance = n}",
    "fail-on": "error | warning | info",
    "format": "default output format",
    "baseline": "path of the baseline file",
    "cache-dir": "directory of the claims cache",
    "max-bytes": "largest document read, in bytes",
}
_TOLERANCE_KEYS = ("tolerance", "hedge-tolerance")


class ConfigError(ValueError):
    """A configuration problem: ``path:line: message``, one line, with the fix."""

    def __init__(self, path: str, message: str, line: Optional[int] = None) -> None:
        self.path = path
        self.line = line
        self.detail = message
        super().__init__(f"{path}:{line}: {message}" if line else f"{path}: {message}")


@attrs.frozen(slots=True)
class Config:
    """Settings from a file (or the defaults when ``path`` is None); paths already resolved."""

    path: Optional[str] = None
    root: str = "."
    paths: Tuple[str, ...] = ()
    sets: Tuple[Tuple[str, Tuple[str, ...]], ...] = ()
    rules: Tuple[str, ...] = ()
    select: Tuple[str, ...] = ()
    ignore: Tuple[str, ...] = ()
    severity: Tuple[Tuple[str, str], ...] = ()
    per_path_ignores: Tuple[Tuple[str, Tuple[str, ...]], ...] = ()
    tolerance: Tuple[Tuple[str, Optional[float], Optional[float]], ...] = ()
    fail_on: Optional[str] = None
    format: Optional[str] = None
    baseline: Optional[str] = None
    cache_dir: Optional[str] = None
    max_bytes: Optional[int] = None

    def line_of(self, key: str) -> Optional[int]:
        """The line a top-level key is set on, when the file is known."""
        if self.path is None:
            return None
        try:
            return _line_of(Path(self.path).read_text(encoding="utf-8"), _section(self.path), key)
        except OSError:
            return None

    def error(self, key: str, message: str) -> ConfigError:
        return ConfigError(self.path or "<config>", f"[{key}] {message}", self.line_of(key))


def _section(path: str) -> str:
    return "tool.consistency" if Path(path).name == "pyproject.toml" else ""


def _table(data: Mapping[str, Any], path: str) -> Optional[Mapping[str, Any]]:
    tool = data.get("tool")
    if isinstance(tool, Mapping) and "consistency" in tool:
        return tool["consistency"]  # type: ignore[no-any-return]
    if Path(path).name == "pyproject.toml":
        return None
    return data


_HEADER = re.compile(r"^\s*\[+\s*([^\]]+?)\s*\]+\s*(?:#.*)?$")


def _line_of(text: str, section: str, key: str) -> Optional[int]:
    """Line number of ``key = ...`` (or ``[section.key]``) within ``section``; best effort."""
    current = ""
    key_re = re.compile(r"^\s*(?:\"%s\"|'%s'|%s)\s*=" % ((re.escape(key),) * 3))
    for i, line in enumerate(text.splitlines(), 1):
        m = _HEADER.match(line)
        if m:
            current = m.group(1).replace('"', "").replace(" ", "")
            if current == (f"{section}.{key}" if section else key):
                return i
            continue
        if current == section and key_re.match(line):
            return i
    return None


def discover(start: "str | os.PathLike[str]") -> Optional[Path]:
    """The config file that applies to ``start`` (a directory or file), searching upwards."""
    here = Path(start).resolve()
    if not here.is_dir():
        here = here.parent
    for d in (here, *here.parents):
        for name in FILENAMES:
            p = d / name
            if not p.is_file():
                continue
            if name == "pyproject.toml":
                try:
                    with open(p, "rb") as fh:
                        data = tomllib.load(fh)
                except (OSError, tomllib.TOMLDecodeError):
                    if "[tool.consistency" in p.read_text(encoding="utf-8", errors="replace"):
                        return p  # broken, but meant for us: load() reports the error
                    continue
                if _table(data, str(p)) is None:
                    continue
            return p
    return None


def _strs(cfg_path: str, text: str, key: str, value: Any, section: str) -> Tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ConfigError(cfg_path, f"'{key}' must be a list of strings, got {value!r}", _line_of(text, section, key))
    return tuple(value)


def _norm(key: str) -> str:
    return key.replace("_", "-")


def load(path: "str | os.PathLike[str]") -> Config:
    """Read and validate one config file."""
    p = Path(path)
    name = str(path)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise ConfigError(name, f"cannot read the configuration ({exc.strerror}); fix the path given to --config") from None
    try:
        text = raw.decode("utf-8")
        data = tomllib.loads(text)
    except UnicodeDecodeError:
        raise ConfigError(name, "the configuration is not UTF-8 text; save it as UTF-8") from None
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+)", str(exc))
        raise ConfigError(name, f"invalid TOML ({exc}); fix the syntax", int(m.group(1)) if m else None) from None
    table = _table(data, name)
    section = _section(name) if table is not data else ""
    if table is None:
        return Config(path=name, root=str(p.parent))
    if not isinstance(table, Mapping):
        raise ConfigError(name, "[tool.consistency] must be a table")
    root = p.resolve().parent
    out: dict[str, Any] = {}

    def here(v: str) -> str:
        return str(Path(v)) if Path(v).is_absolute() else os.path.normpath(str(root / v))

    for raw_key, value in table.items():
        key = _norm(raw_key)
        line = _line_of(text, section, raw_key)
        if key not in KEYS:
            close = difflib.get_close_matches(key, KEYS, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            where = f"[{section}]" if section else "the file"
            raise ConfigError(name, f"unknown key '{raw_key}' in {where}{hint}; known keys: {', '.join(KEYS)}", line)
        if key == "paths":
            out["paths"] = tuple(here(v) for v in _strs(name, text, raw_key, value, section))
        elif key == "sets":
            if not isinstance(value, Mapping) or not value:
                raise ConfigError(name, "'sets' must be a table of name = [paths]", line)
            out["sets"] = tuple((str(k), tuple(here(v) for v in _strs(name, text, str(k), vs, f"{section}.sets".strip(".")))) for k, vs in value.items())
        elif key == "rules":
            out["rules"] = tuple(_rule_ref(v, root) for v in _strs(name, text, raw_key, value, section))
        elif key in ("select", "ignore"):
            out[key] = _strs(name, text, raw_key, value, section)
        elif key == "severity":
            if not isinstance(value, Mapping):
                raise ConfigError(name, "'severity' must be a table: check-id = \"error\" | \"warning\" | \"info\"", line)
            for k, v in value.items():
                if v not in SEVERITIES:
                    raise ConfigError(name, f"severity of '{k}' must be one of {', '.join(SEVERITIES)}, got {v!r}",
                                      _line_of(text, f"{section}.severity".strip("."), k) or line)
            out["severity"] = tuple(sorted((str(k), str(v)) for k, v in value.items()))
        elif key == "per-path-ignores":
            if not isinstance(value, Mapping):
                raise ConfigError(name, "'per-path-ignores' must be a table: \"glob\" = [\"check-id\", ...]", line)
            sub = f"{section}.{raw_key}".strip(".")
            out["per_path_ignores"] = tuple((str(g), _strs(name, text, str(g), ids, sub)) for g, ids in value.items())
        elif key == "tolerance":
            out["tolerance"] = _tolerances(name, text, value, f"{section}.{raw_key}".strip("."), line)
        elif key == "fail-on":
            if value not in SEVERITIES:
                raise ConfigError(name, f"'fail-on' must be one of {', '.join(SEVERITIES)}, got {value!r}", line)
            out["fail_on"] = value
        elif key == "format":
            if not isinstance(value, str):
                raise ConfigError(name, f"'format' must be a string, got {value!r}", line)
            out["format"] = value
        elif key in ("baseline", "cache-dir"):
            if not isinstance(value, str) or not value:
                raise ConfigError(name, f"'{raw_key}' must be a path (string), got {value!r}", line)
            out[key.replace("-", "_")] = here(value)
        elif key == "max-bytes":
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                raise ConfigError(name, f"'max-bytes' must be a positive integer, got {value!r}", line)
            out["max_bytes"] = value
    return Config(path=name, root=str(root), **out)


def _rule_ref(v: str, root: Path) -> str:
    """A pack name stays a name; anything path-like is made relative to the config file."""
    if "/" in v or "\\" in v or v.endswith(".toml") or v.startswith(".") or (root / v).exists():
        return str(Path(v)) if Path(v).is_absolute() else os.path.normpath(str(root / v))
    return v


def _tolerances(name: str, text: str, value: Any, section: str, line: Optional[int]
                ) -> Tuple[Tuple[str, Optional[float], Optional[float]], ...]:
    if not isinstance(value, Mapping):
        raise ConfigError(name, "'tolerance' must be a table: attribute = number or {tolerance = n, hedge-tolerance = n}", line)
    out = []
    for attr, v in value.items():
        at = _line_of(text, section, attr) or line
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            tol, hedge = float(v), None
        elif isinstance(v, Mapping):
            bad = [k for k in v if _norm(k) not in _TOLERANCE_KEYS]
            if bad:
                raise ConfigError(name, f"unknown key '{bad[0]}' in tolerance of '{attr}'; known keys: "
                                  f"{', '.join(_TOLERANCE_KEYS)}", at)
            vals = {_norm(k): x for k, x in v.items()}
            for k, x in vals.items():
                if isinstance(x, bool) or not isinstance(x, (int, float)):
                    raise ConfigError(name, f"tolerance '{k}' of '{attr}' must be a number, got {x!r}", at)
            tol = float(vals["tolerance"]) if "tolerance" in vals else None
            hedge = float(vals["hedge-tolerance"]) if "hedge-tolerance" in vals else None
        else:
            raise ConfigError(name, f"tolerance of '{attr}' must be a number or a table, got {v!r}", at)
        for x in (tol, hedge):
            if x is not None and (x < 0 or x != x):
                raise ConfigError(name, f"tolerance of '{attr}' must be zero or more, got {x}", at)
        out.append((str(attr), tol, hedge))
    return tuple(sorted(out, key=lambda t: t[0]))


def find_and_load(explicit: Optional[str] = None, starts: Sequence["str | os.PathLike[str]"] = ()) -> Config:
    """The explicit file, or the one discovered from the first start (then the cwd), or defaults."""
    if explicit:
        if not Path(explicit).is_file():
            raise ConfigError(explicit, "configuration file not found; fix the path given to --config")
        return load(explicit)
    for start in (*starts[:1], "."):
        if start == "-":
            continue
        found = discover(start)
        if found is not None:
            return load(found)
    return Config(root=str(Path.cwd()))


_GLOB_CACHE: dict[str, "re.Pattern[str]"] = {}


def _glob_re(glob: str) -> "re.Pattern[str]":
    pat = _GLOB_CACHE.get(glob)
    if pat is None:
        g = glob.replace("\\", "/")
        anchored = "/" in g.rstrip("/")
        out, i = [], 0
        while i < len(g):
            if g.startswith("**/", i):
                out.append("(?:.*/)?")
                i += 3
            elif g.startswith("**", i):
                out.append(".*")
                i += 2
            elif g[i] == "*":
                out.append("[^/]*")
                i += 1
            elif g[i] == "?":
                out.append("[^/]")
                i += 1
            else:
                out.append(re.escape(g[i]))
                i += 1
        body = "".join(out)
        if g.endswith("/"):
            body += ".*"
        pat = re.compile(("" if anchored else "(?:.*/)?") + body + r"(?:/.*)?\Z")
        _GLOB_CACHE[glob] = pat
    return pat


def glob_match(glob: str, path: str, root: str = ".") -> bool:
    """Whether ``path`` matches ``glob`` (relative to ``root``; ``**`` spans folders; a glob
    without ``/`` matches a name at any depth, like .gitignore)."""
    p = Path(path)
    try:
        rel = os.path.relpath(p.resolve() if not p.is_absolute() else p, Path(root).resolve())
    except ValueError:  # another drive on Windows
        rel = str(p)
    rel = rel.replace(os.sep, "/")
    return bool(_glob_re(glob).match(rel))
