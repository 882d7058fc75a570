"""Safety (issue 6): rule packs and configs are data; every output format escapes document text.

Two articles of our own (an invented council) carry a payload in their titles and quotes, and
their *file names* carry one too (file names become source ids, paths and parts of finding
messages): HTML and Markdown markup, XML breakers, GitHub workflow commands (``%0A::error::``),
terminal escape sequences (SGR colours, OSC 8 links, BEL), a carriage return that would overwrite
the line, and a template expression. Every format (``formats.names()``) is rendered over them,
through the CI gate and through ``consistency report``, and parsed back where it has a grammar.
"""

from __future__ import annotations

import ast
import html.parser
import io
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import consistency
from consistency import cli, formats, rulepack

ROOT = Path(__file__).resolve().parent.parent

PAYLOAD = ("<script>alert(1)</script> & \"q\" 'a' | *b* _i_ [l](http://x) @team #12 \x1b[31mRED\x1b[0m "
           "\x1b]8;;http://evil.example\x07link\x1b]8;;\x07 \rOVERWRITE %0A::error::forged ]]> <!-- --> {{7*7}}")
#: File names cannot hold "/" or NUL; everything else goes.
NAME = "<b>&amp;|*_[x]@t #1 %0A::error::forged \x1b[31m\x1b]8;;evil\x07\r"

A = (f"Ofsted rates Ashcombe {PAYLOAD}\n\n3 May 2017\n\n"
     f"Ashcombe County Council's children's services were rated inadequate by Ofsted in March 2016, {PAYLOAD} "
     "the watchdog said.\n\n"
     f"Nadia Okafor, the council's chief executive, said: \"We accept it {PAYLOAD}.\"\n")
B = (f"Ashcombe inspection {PAYLOAD}\n\n9 June 2017\n\n"
     f"Ashcombe County Council's children's services were rated good by Ofsted in March 2016, {PAYLOAD} "
     "inspectors said.\n\n"
     f"Nadia Okafor, the council's chief executive, said: \"We are pleased {PAYLOAD}.\"\n")

#: What must never reach a terminal raw: ESC (SGR, OSC 8), BEL, CR, other C0/C1 controls.
RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("hostile-text")
    (d / f"{NAME}a.txt").write_text(A)
    (d / f"{NAME}b.txt").write_text(B)
    (d / f"{NAME}empty.txt").write_bytes(b"")  # a diagnostic whose path carries the payload
    return d


@pytest.fixture(scope="module")
def report(corpus) -> consistency.Report:
    r = consistency.check([corpus])
    # the payload must really reach every field the formats print, or the test proves nothing
    assert len(r.sources) == 2 and all("\x1b" in s.title and "<script>" in s.title for s in r.sources)
    assert any("\x1b[31m" in c.quote and "<script>" in c.quote and "\x07" in c.quote for c in r.claims)
    kinds = {f.kind for f in r.findings}
    assert {"conflict", "agreement"} <= kinds
    assert all("\x1b" in f.message and "<b>" in f.message for f in r.findings)
    assert any("\x1b" in d.path and d.level == "error" for d in r.diagnostics)
    return r


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    rc = cli.main(list(argv), stdout=out, stderr=err)
    return rc, out.getvalue(), err.getvalue()


def test_every_registered_format_is_covered():
    assert set(formats.names()) == set(CHECKERS), "a new format needs an escaping check here"


# ---- one checker per format --------------------------------------------------------------------

def check_text(out: str, report) -> None:
    assert not RAW_CONTROL.search(out), repr(RAW_CONTROL.search(out).group(0))
    assert "\\x1b[31m" in out  # shown as an escape, not interpreted


def check_json(out: str, report) -> None:
    data = json.loads(out)
    assert not RAW_CONTROL.search(out)  # JSON escapes controls itself
    assert sorted(s["title"] for s in data["sources"]) == sorted(s.title for s in report.sources)
    assert {c["quote"] for c in data["claims"]} == {c.quote for c in report.claims}


def check_markdown(out: str, report) -> None:
    assert not RAW_CONTROL.search(out)
    for bad in ("<script", "<b>", "<!--", "](http", "@team", "#1 ", "*b*", "_i_"):
        assert bad not in out, bad
    rows = [ln for ln in out.splitlines() if ln.startswith("| ") and not ln.startswith("| status")]
    assert len(rows) == len(report.findings)
    for row in rows:  # five cells: every "|" from a document is escaped
        assert len(re.findall(r"(?<!\\)\|", row)) == 6, row


def check_sarif(out: str, report) -> None:
    data = json.loads(out)
    assert not RAW_CONTROL.search(out)
    (run_,) = data["runs"]
    msgs = [r["message"]["text"] for r in run_["results"]]
    assert sorted(msgs) == sorted(f.message for f in report.findings)  # exact, after JSON decoding
    for r in run_["results"]:
        uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        assert not re.search(r"[\s<>\"\x00-\x1f]", uri), uri  # percent-encoded


def check_junit(out: str, report) -> None:
    root = ET.fromstring(out)  # well-formed XML despite "]]>", "<!--", "&", controls
    text = "".join(root.itertext()) + "".join(v for el in root.iter() for v in el.attrib.values())
    assert "<b>&amp;|" in text  # markup from the file name survives as text, unescaped once parsed
    # XML 1.0 cannot carry ESC, BEL and most C0 controls: shown as escapes. CR, LF and TAB are legal
    # XML characters and kept (a file name's CR comes back as a CR, not as markup).
    assert not RAW_CONTROL.search(re.sub("[\r\n\t]", "", text))
    assert "\\x1b[31m" in text


def check_github(out: str, report) -> None:
    lines = out.splitlines()
    assert lines and all(ln.startswith(("::error ", "::warning ", "::notice ")) for ln in lines), lines
    assert len(lines) == len(report.findings) + len(report.diagnostics)
    for ln in lines:  # one command per line; properties hold no ":" or ",", so none ends early
        assert re.match(r"^::(error|warning|notice) (?:[A-Za-z]+=[^:,\r\n]*,?)+::", ln), ln
        assert not RAW_CONTROL.search(ln) and "\r" not in ln
    assert "%250A%3A%3Aerror%3A%3Aforged" in out  # the file name's literal "%0A::error::" as a property
    assert "%250A::error::forged" in out  # ... and as message data: "%" escaped, so the runner cannot decode it


class _Tags(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.comments: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_comment(self, data):
        self.comments.append(data)

    def handle_data(self, data):
        self.text.append(data)


def check_html(out: str, report) -> None:
    p = _Tags()
    p.feed(out)
    assert p.tags.count("script") == 1  # the report's own, pinned by its CSP hash
    assert "b" not in p.tags and "i" not in p.tags  # from the file name: never markup
    assert not any(" -- " in c for c in p.comments)
    assert "<script>alert(1)</script>" in "".join(p.text)  # shown as text
    assert "{{7*7}}" in out and ">49<" not in out  # templates are not evaluated on document text
    assert "\x1b" not in out or "&#27;" in out or "\\x1b" in out or "\x1b" in "".join(p.text)


CHECKERS = {"text": check_text, "json": check_json, "markdown": check_markdown, "sarif": check_sarif,
            "junit": check_junit, "github": check_github, "html": check_html}


@pytest.mark.parametrize("fmt", sorted(CHECKERS))
def test_library_render_escapes_document_text(report, fmt):
    if fmt not in formats.names():
        pytest.skip(f"{fmt} is not available here")
    CHECKERS[fmt](formats.render(report, fmt), report)


@pytest.mark.parametrize("fmt", sorted(CHECKERS))
def test_ci_gate_output_escapes_document_text(corpus, report, fmt):
    rc, out, err = run("check", "--no-cache", "--fail-on", "info", "--format", fmt, str(corpus))
    assert rc == 2  # the empty file was skipped
    CHECKERS[fmt](out, report)
    assert not RAW_CONTROL.search(err), "stderr of the gate must not carry raw control characters"


@pytest.mark.parametrize("fmt", [f for f in sorted(CHECKERS) if f != "text"])
def test_report_command_escapes_document_text(corpus, report, fmt):
    rc, out, err = run("report", "--format", fmt, str(corpus))
    assert rc == 2
    CHECKERS[fmt](out, report)


@pytest.mark.parametrize("command", ["report", "claims", "timeline"])
def test_text_commands_neutralise_terminal_escapes(corpus, command):
    rc, out, err = run(command, str(corpus))
    assert not RAW_CONTROL.search(out + err.replace("\n", "")), repr(RAW_CONTROL.search(out + err).group(0))


# ---- rule packs and configs are data -----------------------------------------------------------

EVIL = ["__import__('os').system('touch PWNED')", "$(touch PWNED)", "`touch PWNED`", "{{ cycler.__init__ }}",
        "!!python/object/apply:os.system ['touch PWNED']", "<script>alert(1)</script>"]


def _evil_pack() -> str:
    s = [json.dumps(e) for e in EVIL]
    return f"""\
[pack]
name = "evil"
description = {s[0]}
requires = ["core"]

[lexicon]
plan = [{s[1]}, {s[2]}]

[[entity]]
name = {s[0]}
kind = "regulator"
aliases = [{s[3]}, {s[4]}]
description = {s[5]}

[attribute.grade]
type = "ordinal"
label = {s[5]}
description = {s[0]}
values = ["poor", "fair", "good"]
triggers = ["graded"]
checks = ["conflict"]

[attribute.grade.synonyms]
poor = [{s[0]}, "poor"]
"""


def test_pack_values_are_kept_as_strings_and_never_run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    pack_path = tmp_path / "evil.toml"
    pack_path.write_text(_evil_pack())
    rs = rulepack.load([pack_path])
    pack = rs.pack("evil")
    assert pack.description == EVIL[0]
    assert pack.entities[0].name == EVIL[0] and pack.entities[0].aliases == (EVIL[3], EVIL[4])
    assert rs.attribute("grade").synonyms_of("poor") == (EVIL[0], "poor")
    assert EVIL[1] in rs.lexicon("plan")
    text = f"Head\n\n3 May 2017\n\n{EVIL[0]} said the prison was graded poor in 2016. {EVIL[1]} {EVIL[2]}\n"
    for argv in (["report", "--rules", str(pack_path), "--format", "html", "-o", "out.html", "-"],
                 ["rules", "show", "grade", "--rules", str(pack_path)], ["rules", "--rules", str(pack_path)]):
        with monkeypatch.context() as m:
            m.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(text.encode())))
            rc, out, err = run(*argv)
        assert rc == 0, err
        assert "Traceback" not in err
    assert not (tmp_path / "PWNED").exists()
    assert "<script>alert(1)</script>" not in (tmp_path / "out.html").read_text()


def test_config_values_are_data(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.txt").write_text(A)
    (tmp_path / ".consistency.toml").write_text(
        'paths = ["docs"]\n'
        f'baseline = {json.dumps(EVIL[1])}\n'
        f'cache-dir = {json.dumps(EVIL[2])}\n'
        f'[severity]\nconflict = {json.dumps(EVIL[0])}\n')
    rc, out, err = run("check")
    assert rc == 2 and "Traceback" not in err
    assert "severity of 'conflict' must be one of error, warning, info" in err
    assert not (tmp_path / "PWNED").exists()


#: Functions that would turn data into code or objects.
_DANGEROUS_CALLS = {"eval", "exec", "compile", "__import__", "loads", "load", "import_module", "system", "popen",
                    "Popen", "run", "call", "check_output"}
_SAFE_LOADERS = {"tomllib.loads", "tomllib.load", "json.loads", "json.load"}


@pytest.mark.parametrize("module", ["rulepack.py", "config.py", "baseline.py", "sources.py", "cache.py"])
def test_modules_reading_user_files_never_execute_them(module):
    """Static check: the modules that read packs, configs, baselines, articles and the cache call
    no evaluator, no unpickler, no shell; the only dynamic import is the package's own registry."""
    tree = ast.parse((ROOT / "consistency" / module).read_text())
    own = {n.name for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [a.name for a in node.names] + ([node.module] if isinstance(node, ast.ImportFrom) and node.module else [])
            assert not {"pickle", "marshal", "shelve", "yaml", "subprocess", "dill"} & set(names), (module, names)
        if not isinstance(node, ast.Call):
            continue
        fn = node.func
        name = fn.attr if isinstance(fn, ast.Attribute) else fn.id if isinstance(fn, ast.Name) else ""
        if name not in _DANGEROUS_CALLS:
            continue
        dotted = ast.unparse(fn)
        if dotted in _SAFE_LOADERS or dotted in own or dotted.startswith(("re.", "self._db", "conn.", "db.")):
            continue
        if name == "import_module":  # only constant, package-internal names
            assert node.args and isinstance(node.args[0], ast.Constant), (module, ast.unparse(node))
            assert str(node.args[0].value).startswith("consistency."), (module, ast.unparse(node))
            continue
        if name == "compile" and isinstance(fn, ast.Attribute):
            continue  # re.compile and friends
        pytest.fail(f"{module}: {ast.unparse(node)} may execute data")
