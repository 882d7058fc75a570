"""Hostile and broken input, end to end (issue 6): through the command line and the library.

Each case puts one bad input next to the five seeds and asserts three things: the message names
the file and says what to do; every other document is still checked and reported (the seeds'
findings are exactly those of a clean run); and the exit code is 2 when something was skipped.
Inputs that can be read (UTF-16, Latin-1, a stray byte in UTF-8) are read, with a warning where
the reading is a guess, and give the same claims as the clean UTF-8 text.

``tests/test_sources.py`` covers the loader's unit behaviour; this file covers what a user sees.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

import consistency
from consistency import api, cli, sources as sources_module

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SEED_IDS = sorted(p.stem for p in SEEDS.glob("*.txt"))

#: An article of our own (invented council, not a seed), Latin-1-encodable (straight quotes, one accented word).
ARTICLE = (
    "Watchdog downgrades Ashcombe\n\n"
    "3 May 2017\n\n"
    "Ashcombe County Council's children's services were rated inadequate by Ofsted in March 2016, "
    "the watchdog said.\n\n"
    "In 2017 the council's services were rated good by Ofsted, according to Nadia Okafor, "
    "the council's chief executive.\n\n"
    "Parents in the caf\u00e9 said little had changed.\n"
)


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    rc = cli.main(list(argv), stdout=out, stderr=err)
    return rc, out.getvalue(), err.getvalue()


def claims_of(report_json: dict, source_id: str) -> list[tuple]:
    return sorted((c["subject"], c["predicate"], str(c["value"]), c["quote"])
                  for c in report_json["claims"] if c["source"] == source_id)


@pytest.fixture(scope="module")
def clean() -> dict:
    """The seeds alone: what every hostile run must still report for them."""
    rc, out, err = run("report", "--format", "json", str(SEEDS))
    assert rc == 0, err
    return json.loads(out)


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A folder holding copies of the seeds; tests add one hostile file to it."""
    d = tmp_path / "articles"
    shutil.copytree(SEEDS, d)
    return d


def seeds_still_reported(data: dict, clean: dict) -> None:
    ids = {s["id"] for s in data["sources"]}
    assert set(SEED_IDS) <= ids
    for sid in SEED_IDS:
        assert claims_of(data, sid) == claims_of(clean, sid)
    seed_findings = {f["id"] for f in data["findings"] if set(f["sources"]) <= set(SEED_IDS)}
    assert seed_findings == {f["id"] for f in clean["findings"]}


def no_traceback(err: str) -> None:
    assert "Traceback" not in err and 'File "' not in err


# ---- inputs that must be skipped, with a message, exit 2 ---------------------------------------

SKIPPED = [
    ("picture.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8, "PNG image", "leave it out"),
    ("dump.txt", b"ab\x00\x01\x02\x00\xff\x00\x10\x00" * 400, "NUL bytes", "save it as plain UTF-8 text"),
    ("controls.md", bytes(range(1, 9)) * 300, "control codes", "save it as plain UTF-8 text"),
    ("empty.txt", b"", "is empty", "Add the article text or leave the file out"),
    ("blank.md", b"\n \t\r\n\n", "is empty", "Add the article text or leave the file out"),
    ("broken16.txt", b"\xff\xfe" + "Title\n\nText".encode("utf-16-le") + b"\x00\xd8A\x00", "not valid UTF-16",
     "re-save it as UTF-8"),
]  # fmt: skip


@pytest.mark.parametrize("name,raw,problem,fix", SKIPPED, ids=[s[0] for s in SKIPPED])
def test_unreadable_content_is_skipped_with_a_message_and_exit_2(tree, clean, name, raw, problem, fix):
    bad = tree / name
    bad.write_bytes(raw)
    rc, out, err = run("report", "--format", "json", str(tree))
    assert rc == 2
    no_traceback(err)
    line = next(ln for ln in err.splitlines() if str(bad) in ln)
    assert problem in line and fix in line and ": error: " in line
    assert "1 input(s) skipped" in err
    data = json.loads(out)
    assert Path(name).stem not in {s["id"] for s in data["sources"]}
    assert any(d["path"] == str(bad) and d["level"] == "error" for d in data["diagnostics"])
    seeds_still_reported(data, clean)


@pytest.mark.parametrize("name,raw,problem,fix", SKIPPED[:1] + SKIPPED[3:4], ids=["binary", "empty"])
def test_ci_gate_reports_everything_else_then_exits_2(tree, name, raw, problem, fix):
    bad = tree / name
    bad.write_bytes(raw)
    rc, out, err = run("check", "--no-cache", "--format", "json", str(tree))
    assert rc == 2
    no_traceback(err)
    assert any(str(bad) in ln and problem in ln and fix in ln for ln in err.splitlines())
    assert "exit code 2" in err
    assert set(SEED_IDS) <= {s["id"] for s in json.loads(out)["sources"]}


def test_library_returns_the_others_and_a_diagnostic(tree, clean):
    (tree / "empty.txt").write_bytes(b"")
    report = consistency.check([tree])
    assert [s.id for s in report.sources] == SEED_IDS
    (diag,) = [d for d in report.diagnostics if d.level == "error"]
    assert diag.path == str(tree / "empty.txt") and "is empty" in diag.message
    assert {f.id for f in report.findings} == {f["id"] for f in clean["findings"]}


# ---- inputs that can be read: read them, warn where it is a guess, same claims as UTF-8 ---------

@pytest.fixture(scope="module")
def utf8_claims(tmp_path_factory) -> list[tuple]:
    p = tmp_path_factory.mktemp("clean") / "ashcombe.txt"
    p.write_text(ARTICLE, encoding="utf-8")
    rc, out, err = run("report", "--format", "json", str(p))
    assert rc == 0 and not err, err
    claims = claims_of(json.loads(out), "ashcombe")
    assert len(claims) >= 2  # the article must give claims, or the comparisons below prove nothing
    return claims


DECODABLE = [
    ("utf-16 with BOM", lambda t: t.encode("utf-16"), None),
    ("utf-16-be with BOM", lambda t: b"\xfe\xff" + t.encode("utf-16-be"), None),
    ("utf-16-le without BOM", lambda t: t.encode("utf-16-le"), None),
    ("utf-16-be without BOM", lambda t: t.encode("utf-16-be"), None),
    ("latin-1", lambda t: t.encode("latin-1"), "read it as cp1252"),
    ("utf-8 with a stray byte mid-file",
     lambda t: t.replace("Parents", "Parents \udcff", 1).encode("utf-8", "surrogateescape"), "replaced by U+FFFD"),
]  # fmt: skip


@pytest.mark.parametrize("label,encode,warning", DECODABLE, ids=[d[0] for d in DECODABLE])
def test_other_encodings_are_read_and_give_the_same_claims(tree, clean, utf8_claims, label, encode, warning):
    p = tree / "ashcombe.txt"
    raw = encode(ARTICLE)
    p.write_bytes(raw)
    rc, out, err = run("report", "--format", "json", str(tree))
    no_traceback(err)
    assert rc == 0, err  # nothing was skipped
    data = json.loads(out)
    assert claims_of(data, "ashcombe") == utf8_claims
    seeds_still_reported(data, clean)
    mine = [ln for ln in err.splitlines() if str(p) in ln]
    if warning is None:
        assert mine == []
    else:
        (line,) = mine
        bad_line = raw[: next(i for i, b in enumerate(raw) if b >= 0x80)].count(b"\n") + 1
        assert f"{p}:{bad_line}: warning:" in line and warning in line and "Re-save the file as UTF-8" in line


def test_stray_byte_in_utf8_keeps_curly_quotes_and_their_claims(tmp_path):
    """One bad byte must not turn the whole article into cp1252 mojibake (it used to: no claims)."""
    text = ARTICLE.replace("council's", "council\u2019s").replace("caf\u00e9", "caf\u00e9 \udcff")
    p = tmp_path / "curly.txt"
    p.write_bytes(text.encode("utf-8", "surrogateescape"))
    report = consistency.check([p])
    (src,) = report.sources
    assert "\u2019" in src.text and "\u00e2\u20ac" not in src.text
    assert src.text.count("\ufffd") == 1
    clean = consistency.check([ARTICLE.replace("council's", "council\u2019s")])
    assert [(c.predicate, c.value) for c in report.claims] == [(c.predicate, c.value) for c in clean.claims]
    assert report.claims


# ---- size: a 50 MB article is refused by the cap, in bounded memory ----------------------------

def _peak_rss_mb(argv: list[str], *, stdin: bytes | None = None, cwd: Path = ROOT) -> tuple[int, str, float]:
    """Run ``python -m consistency ARGV`` under a small driver that reports its child's peak RSS."""
    driver = (
        "import resource, subprocess, sys\n"
        "r = subprocess.run([sys.executable, '-m', 'consistency', *sys.argv[1:]], stdin=sys.stdin, "
        "stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)\n"
        "sys.stderr.write(r.stderr.decode('utf-8', 'replace'))\n"
        "print(r.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    )
    p = subprocess.run([sys.executable, "-c", driver, *argv], input=stdin, capture_output=True, cwd=cwd,
                       timeout=120)
    rc, kb = p.stdout.decode().split()
    return int(rc), p.stderr.decode("utf-8", "replace"), int(kb) / 1024


@pytest.fixture(scope="module")
def big_article(tmp_path_factory) -> Path:
    p = tmp_path_factory.mktemp("big") / "huge.txt"
    para = (ARTICLE.split("\n\n", 2)[2] + "\n").encode("utf-8")
    with open(p, "wb") as f:
        f.write(b"A very long article\n\n3 May 2017\n\n")
        while f.tell() < 50 * 1024 * 1024:
            f.write(para * 1000)
    return p


#: Peak RSS allowed when a 50 MB input is refused: the interpreter, the package and, for stdin,
#: one buffer of at most max_bytes (5 MB by default). Measured ~30 MB (file) / ~50 MB (stdin).
RSS_BOUND_MB = 120


def test_50mb_article_is_refused_by_the_default_cap_in_bounded_memory(big_article):
    size = big_article.stat().st_size
    rc, err, rss = _peak_rss_mb(["check", "--no-cache", str(big_article), str(SEEDS)])
    assert rc == 2
    no_traceback(err)
    line = next(ln for ln in err.splitlines() if str(big_article) in ln)
    assert f"is {size:,} bytes, over the 5,000,000-byte limit" in line
    assert "--max-bytes" in line and "max-bytes = N in the configuration" in line
    assert "the other 5 were checked" in err
    assert rss < RSS_BOUND_MB, f"peak RSS {rss:.0f} MB"


def test_50mb_on_stdin_is_refused_in_bounded_memory(big_article):
    rc, err, rss = _peak_rss_mb(["check", "--no-cache", "-", str(SEEDS)], stdin=big_article.read_bytes())
    assert rc == 2
    no_traceback(err)
    assert any("<stdin>" in ln and "5,000,000-byte limit" in ln for ln in err.splitlines())
    assert "the other 5 were checked" in err
    assert rss < RSS_BOUND_MB, f"peak RSS {rss:.0f} MB"


def test_size_cap_is_configurable_by_flag_and_config(tmp_path):
    d = tmp_path / "docs"
    d.mkdir()
    (d / "long.txt").write_text(ARTICLE * 20)  # ~7 KB
    (d / "short.txt").write_text(ARTICLE)  # ~0.4 KB
    rc, out, err = run("check", "--no-cache", "--max-bytes", "2000", "--format", "json", str(d))
    assert rc == 2 and "2,000-byte limit" in err and str(d / "long.txt") in err
    assert [s["id"] for s in json.loads(out)["sources"]] == ["short"]
    (tmp_path / ".consistency.toml").write_text('paths = ["docs"]\nmax-bytes = 3000\n')
    rc, out, err = run("check", "--no-cache", "--config", str(tmp_path / ".consistency.toml"), "--format", "json")
    assert rc == 2 and "3,000-byte limit" in err
    assert [s["id"] for s in json.loads(out)["sources"]] == ["short"]
    rc, out, err = run("check", "--no-cache", "--max-bytes", "100000", "--format", "json", str(d))
    assert rc in (0, 1) and "limit" not in err


def test_library_load_sources_takes_max_bytes(tmp_path):
    p = tmp_path / "long.txt"
    p.write_text(ARTICLE * 20)
    found, diags = api.load_sources([p, ARTICLE], max_bytes=2000)
    assert [s.id for s in found] == ["text-1"]
    assert diags[0].path == str(p) and "2,000-byte limit" in diags[0].message


def test_library_check_takes_max_bytes(tmp_path):
    p = tmp_path / "long.txt"
    p.write_text(ARTICLE * 20)
    report = consistency.check([p], max_bytes=2000)  # type: ignore[call-arg]
    assert report.sources == () and "2,000-byte limit" in report.diagnostics[0].message


def test_report_command_takes_max_bytes(tmp_path):
    p = tmp_path / "long.txt"
    p.write_text(ARTICLE * 20)
    rc, out, err = run("report", "--max-bytes", "2000", str(p))
    assert rc == 2 and "2,000-byte limit" in err


# ---- many files ------------------------------------------------------------------------------

def test_20000_small_files_are_all_accounted_for(tmp_path):
    """Every file becomes a source or a diagnostic; none is lost, none counted twice."""
    root = tmp_path / "many"
    made: set[str] = set()
    t0 = time.perf_counter()
    for i in range(20_000):
        sub = root / f"d{i // 500:03d}"
        if i % 500 == 0:
            sub.mkdir(parents=True)
        p = sub / f"n{i:05d}.txt"
        if i % 4000 == 1:
            p.write_bytes(b"")  # 5 empty files
        elif i % 4000 == 2:
            p.write_bytes(b"\x00\x01\x02\x03" * 64)  # 5 binary files
        else:
            p.write_bytes(b"Note %d\n\n%d May 2017\n\nUnit %d reopened on Tuesday.\n" % (i, 1 + i % 28, i))
        made.add(str(p))
    (root / "d000" / "notes.csv").write_text("not an article")  # ignored: not .txt/.md
    made_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    report = consistency.check([root])
    took = time.perf_counter() - t0
    paths = [s.path for s in report.sources]
    errors = [d.path for d in report.diagnostics if d.level == "error"]
    assert len(paths) == 19_990 and len(errors) == 10
    assert len(set(paths)) == len(paths) and set(paths) | set(errors) == made
    assert len({s.id for s in report.sources}) == 19_990
    assert took < 45, f"pipeline over 20,000 files took {took:.1f}s (writing them {made_s:.1f}s)"


def test_symlink_loops_are_visited_once_and_a_looping_file_is_reported(tree, clean):
    (tree / "sub").mkdir()
    (tree / "sub" / "back").symlink_to("..", target_is_directory=True)  # sub/back -> articles
    (tree / "sub" / "self").symlink_to("self", target_is_directory=True)  # a link to itself
    (tree / "loop.txt").symlink_to("loop.txt")  # a file link to itself (ELOOP)
    rc, out, err = run("report", "--format", "json", str(tree))
    assert rc == 2
    no_traceback(err)
    line = next(ln for ln in err.splitlines() if str(tree / "loop.txt") in ln)
    assert "symbolic link that loops" in line and "fix the link or leave it out" in line
    data = json.loads(out)
    assert sorted(s["id"] for s in data["sources"]) == SEED_IDS  # each seed once, not once per loop
    seeds_still_reported(data, clean)
    rc, out, err = run("report", "--format", "json", str(tree / "loop.txt"), str(SEEDS))
    assert rc == 2 and str(tree / "loop.txt") in err
    assert sorted(s["id"] for s in json.loads(out)["sources"]) == SEED_IDS


def test_unreadable_file_is_reported_and_the_rest_checked(tree, clean, monkeypatch):
    secret = tree / "secret.txt"
    secret.write_text(ARTICLE)
    real_open = open

    def deny(path, *a, **k):  # the sandbox runs as root: chmod cannot make a file unreadable
        if os.fspath(path) == str(secret):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *a, **k)

    monkeypatch.setattr(sources_module, "open", deny, raising=False)
    for argv in (("report", "--format", "json", str(tree)), ("check", "--no-cache", "--format", "json", str(tree))):
        rc, out, err = run(*argv)
        assert rc == 2
        no_traceback(err)
        line = next(ln for ln in err.splitlines() if str(secret) in ln)
        assert "permission denied" in line and "fix its permissions" in line
        assert sorted(s["id"] for s in json.loads(out)["sources"]) == SEED_IDS


def test_unlistable_folder_is_reported_not_silently_lost(tree, clean, monkeypatch):
    locked = tree / "locked"
    locked.mkdir()
    (locked / "inside.txt").write_text(ARTICLE)
    real_scandir = os.scandir

    def deny(path=".", *a, **k):
        if os.fspath(path) == str(locked):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path, *a, **k)

    monkeypatch.setattr(sources_module.os, "scandir", deny)
    rc, out, err = run("report", "--format", "json", str(tree))
    assert rc == 2
    line = next(ln for ln in err.splitlines() if str(locked) in ln)
    assert "cannot be listed" in line and "fix its permissions" in line
    seeds_still_reported(json.loads(out), clean)


# ---- a folder where a file is expected --------------------------------------------------------

@pytest.mark.parametrize("argv,needle", [
    (["report", "-o", "{d}", "{seed}"], "cannot write output"),
    (["check", "--no-cache", "-o", "{d}", "{seed}"], "cannot write output"),
    (["check", "--no-cache", "--config", "{d}", "{seed}"], "--config"),
    (["check", "--no-cache", "--baseline", "{d}", "{seed}"], "cannot read the baseline"),
    (["baseline", "--no-cache", "-o", "{d}", "{seed}"], "{d}"),
    (["report", "--rules", "{d}", "{seed}"], "holds no .toml rule packs"),
])  # fmt: skip
def test_folder_where_a_file_is_expected_is_one_line_exit_2(tmp_path, argv, needle):
    d = tmp_path / "a-folder"
    d.mkdir()
    seed = str(SEEDS / f"{SEED_IDS[0]}.txt")
    argv = [a.format(d=d, seed=seed) for a in argv]
    rc, out, err = run(*argv)
    assert rc == 2
    no_traceback(err)
    lines = err.strip().splitlines()
    assert len(lines) == 1 and str(d) in lines[0] and needle.format(d=d) in lines[0]


def test_read_source_on_a_folder_names_it_and_the_fix(tmp_path):
    with pytest.raises(sources_module.SourceError) as e:
        sources_module.read_source(tmp_path)
    assert str(tmp_path) in str(e.value) and "is a folder" in str(e.value)


# ---- stdin and stdout closed early ------------------------------------------------------------

def _cli(argv: list[str], **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "consistency", *argv], capture_output=True, cwd=ROOT, timeout=60, **kw)


@pytest.mark.parametrize("how", ["empty", "closed"])
def test_stdin_empty_or_closed_is_reported_and_the_rest_checked(how):
    if how == "empty":
        p = _cli(["report", "--format", "json", "-", str(SEEDS)], stdin=subprocess.DEVNULL)
        needle = "is empty"
    else:  # fd 0 closed before Python starts: sys.stdin is None
        p = subprocess.run(["sh", "-c", 'exec "$0" -m consistency report --format json - "$1" 0<&-',
                            sys.executable, str(SEEDS)], capture_output=True, cwd=ROOT, timeout=60)
        needle = "no standard input to read"
    err = p.stderr.decode()
    assert p.returncode == 2, err
    no_traceback(err)
    line = next(ln for ln in err.splitlines() if "<stdin>" in ln)
    assert needle in line and ("pipe an article in" in line or "Add the article text" in line)
    assert sorted(s["id"] for s in json.loads(p.stdout)["sources"]) == SEED_IDS


def test_stdin_writer_that_stops_mid_article_still_gives_a_document():
    text = (SEEDS / f"{SEED_IDS[0]}.txt").read_bytes()
    cut = text[: len(text) // 3]
    cut = cut[: cut.rfind(b" ")]  # the writer died mid-sentence
    p = _cli(["report", "--format", "json", "-"], input=cut)
    assert p.returncode == 0, p.stderr.decode()
    (src,) = json.loads(p.stdout)["sources"]
    assert src["id"] == "stdin"


def test_stdout_closed_early_is_quiet():
    """The HTML report of the seeds (~200 KB) overflows the pipe buffer, so the writer does hit EPIPE."""
    p = subprocess.run(f'"{sys.executable}" -m consistency report --format html "{SEEDS}" | head -c 20 >/dev/null; '
                       'exit "${PIPESTATUS[0]}"', shell=True, executable="/bin/bash", capture_output=True, cwd=ROOT,
                       timeout=60)
    no_traceback(p.stderr.decode())
    assert p.stderr == b"" and p.returncode == 0


# ---- file names that are not UTF-8 -------------------------------------------------------------

def test_non_utf8_file_names_print_in_every_format(tmp_path, clean):
    """os.fsdecode turns such names into lone surrogates, which no UTF-8 output can carry; they used
    to crash SARIF always, and text/JSON/HTML wherever stdout is strict UTF-8 (a traceback)."""
    from consistency import formats

    d = tmp_path / "names"
    shutil.copytree(SEEDS, d)
    (d / "x").mkdir()
    raw_dir = os.fsencode(d / "x")
    with open(raw_dir + b"/caf\xe9.txt", "wb") as f:
        f.write(ARTICLE.encode())
    with open(raw_dir + b"/bad\xff.txt", "wb") as f:
        f.write(b"")
    for fmt in formats.names():
        rc, out, err = run("report", "--format", fmt, str(d))
        assert rc == 2, err
        (out + err).encode("utf-8")  # strict: no lone surrogate left
        assert "\\xff" in err and "is empty" in err
    data = json.loads(run("report", "--format", "json", str(d))[1])
    assert "caf\\xe9" in {s["id"] for s in data["sources"]}
    seeds_still_reported(data, clean)
    p = subprocess.run([sys.executable, "-m", "consistency", "check", "--no-cache", "--format", "sarif", str(d)],
                       capture_output=True, cwd=ROOT, timeout=60, env={**os.environ, "PYTHONIOENCODING": "utf-8:strict"})
    assert p.returncode == 2
    no_traceback(p.stderr.decode())
    json.loads(p.stdout)
