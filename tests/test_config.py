"""Configuration discovery, validation and errors that name the file, line and allowed keys."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from consistency import config
from consistency.config import ConfigError


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


FULL = """\
[project]
name = "newsroom"

[tool.consistency]
paths = ["articles", "more/one.txt"]
rules = ["core", "./packs/hospitals.toml"]
select = ["conflict"]
ignore = ["uncorroborated"]
fail-on = "warning"
format = "sarif"
baseline = "ci/baseline.json"
cache-dir = "build/cache"
max-bytes = 1000000

[tool.consistency.severity]
conflict = "warning"

[tool.consistency.per-path-ignores]
"archive/**" = ["conflict"]

[tool.consistency.tolerance]
staff_count = 5
vacancy_rate = { tolerance = 1.5, hedge-tolerance = 3 }

[tool.consistency.sets]
wards = ["articles/wards"]
"""


def test_full_pyproject_is_read_and_paths_are_relative_to_it(tmp_path):
    cfg = config.load(_write(tmp_path / "pyproject.toml", FULL))
    root = str(tmp_path.resolve())
    assert cfg.paths == (os.path.join(root, "articles"), os.path.join(root, "more", "one.txt"))
    assert cfg.rules == ("core", os.path.join(root, "packs", "hospitals.toml"))
    assert (cfg.select, cfg.ignore, cfg.fail_on, cfg.format) == (("conflict",), ("uncorroborated",), "warning", "sarif")
    assert cfg.baseline == os.path.join(root, "ci", "baseline.json")
    assert cfg.cache_dir == os.path.join(root, "build", "cache")
    assert cfg.max_bytes == 1_000_000
    assert cfg.severity == (("conflict", "warning"),)
    assert cfg.per_path_ignores == (("archive/**", ("conflict",)),)
    assert cfg.tolerance == (("staff_count", 5.0, None), ("vacancy_rate", 1.5, 3.0))
    assert cfg.sets == (("wards", (os.path.join(root, "articles", "wards"),)),)


def test_unknown_key_names_key_file_line_and_known_keys(tmp_path):
    p = _write(tmp_path / "pyproject.toml", "[tool.consistency]\npaths = ['a']\nfail_onn = 'error'\n")
    with pytest.raises(ConfigError) as err:
        config.load(p)
    msg = str(err.value)
    assert msg.startswith(f"{p}:3: unknown key 'fail_onn' in [tool.consistency]")
    assert "did you mean 'fail-on'" in msg and "known keys: paths, sets, rules" in msg


def test_underscore_spelling_is_accepted(tmp_path):
    p = _write(tmp_path / ".consistency.toml", "fail_on = 'info'\ncache_dir = 'c'\n")
    cfg = config.load(p)
    assert cfg.fail_on == "info" and cfg.cache_dir.endswith(os.sep + "c")


@pytest.mark.parametrize("body, needle, line", [
    ("fail-on = 'fatal'", "'fail-on' must be one of error, warning, info, got 'fatal'", 2),
    ("paths = 3", "'paths' must be a list of strings", 2),
    ("max-bytes = -1", "'max-bytes' must be a positive integer", 2),
    ("[tool.consistency.severity]\nconflict = 'loud'", "severity of 'conflict' must be one of", 3),
    ("[tool.consistency.tolerance]\nstaff = 'lots'", "tolerance of 'staff' must be a number or a table", 3),
    ("[tool.consistency.tolerance]\nstaff = {tol = 1}", "unknown key 'tol' in tolerance of 'staff'", 3),
    ("[tool.consistency.tolerance]\nstaff = -2", "must be zero or more", 3),
    ("[tool.consistency.per-path-ignores]\n'a/*' = 'conflict'", "", None),
])
def test_wrong_types_are_errors_with_lines(tmp_path, body, needle, line):
    p = _write(tmp_path / "pyproject.toml", "[tool.consistency]\n" + body + "\n")
    if not needle:  # a single string is accepted where a list is expected
        assert config.load(p).per_path_ignores == (("a/*", ("conflict",)),)
        return
    with pytest.raises(ConfigError) as err:
        config.load(p)
    assert needle in str(err.value)
    assert err.value.line == line and str(err.value).startswith(f"{p}:{line}:")


def test_invalid_toml_names_file_and_line(tmp_path):
    p = _write(tmp_path / "pyproject.toml", "[tool.consistency]\npaths = [\n")
    with pytest.raises(ConfigError) as err:
        config.load(p)
    assert "invalid TOML" in str(err.value) and str(p) in str(err.value)


def test_discovery_walks_up_and_prefers_dot_file_in_same_dir(tmp_path):
    _write(tmp_path / "pyproject.toml", "[tool.consistency]\nfail-on = 'warning'\n")
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    assert config.discover(deep) == (tmp_path / "pyproject.toml").resolve()
    _write(tmp_path / "a" / "pyproject.toml", "[project]\nname = 'x'\n")  # no [tool.consistency]: skipped
    assert config.discover(deep) == (tmp_path / "pyproject.toml").resolve()
    _write(tmp_path / "a" / ".consistency.toml", "fail-on = 'info'\n")
    assert config.discover(deep) == (tmp_path / "a" / ".consistency.toml").resolve()
    _write(tmp_path / "a" / "b" / "pyproject.toml", "[tool.consistency]\n")
    _write(tmp_path / "a" / "b" / ".consistency.toml", "")
    assert config.discover(deep / "doc.txt") == (deep / ".consistency.toml").resolve()


def test_find_and_load_from_first_path_then_cwd(tmp_path, monkeypatch):
    proj = tmp_path / "proj"
    _write(proj / ".consistency.toml", "fail-on = 'info'\n")
    _write(proj / "docs" / "a.txt", "x")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert config.find_and_load(None, [str(proj / "docs" / "a.txt")]).fail_on == "info"
    assert config.find_and_load(None, []).path is None  # nothing above the cwd: defaults
    with pytest.raises(ConfigError, match="configuration file not found"):
        config.find_and_load(str(tmp_path / "nope.toml"))


def test_config_is_data_never_code(tmp_path):
    marker = tmp_path / "pwned"
    p = _write(tmp_path / ".consistency.toml", f"paths = [\"__import__('os').system('touch {marker}')\"]\n")
    cfg = config.load(p)
    assert not marker.exists() and len(cfg.paths) == 1


@pytest.mark.parametrize("glob, path, expected", [
    ("archive/**", "archive/2019/a.txt", True),
    ("archive/**", "news/archive.txt", False),
    ("*.md", "deep/down/notes.md", True),
    ("*.md", "deep/down/notes.txt", False),
    ("news/*.txt", "news/a.txt", True),
    ("news/*.txt", "news/x/a.txt", False),
    ("**/drafts/*", "a/b/drafts/c.txt", True),
    ("drafts/", "drafts/c.txt", True),
])
def test_glob_match(tmp_path, glob, path, expected):
    assert config.glob_match(glob, str(tmp_path / path), str(tmp_path)) is expected
