"""Reading articles: seeds' metadata and furniture, own texts in other layouts, encodings, bad inputs."""

from __future__ import annotations

import io
import os
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from consistency.model import Source
from consistency.sentences import segment
from consistency.sources import (
    SourceError,
    decode,
    find_furniture,
    load_sources,
    parse_date,
    read_source,
    source_from_text,
)

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def seed(prefix: str) -> Source:
    (path,) = SEEDS.glob(prefix + "_*.txt")
    return read_source(path)


def body(src: Source) -> str:
    """The segmented body, one unit a line."""
    return "\n".join(s.text for s in segment(src))


def furniture_text(src: Source) -> list[str]:
    return [src.text[a:b] for a, b in src.furniture]


# --------------------------------------------------------------------------------------------
# Seeds
# --------------------------------------------------------------------------------------------

SEED_META = [
    ("000", "Northamptonshire children’s services no longer rated inadequate", date(2016, 4, 27)),
    ("001", "Children's services in Northamptonshire are improving", date(2014, 7, 7)),
    ("002", "Northamptonshire children's services rated 'inadequate' again", date(2019, 7, 29)),
    ("004", "Children’s services improving - but still a way to go says council", None),
]


@pytest.mark.parametrize("prefix,title,published", SEED_META)
def test_seed_title_and_date(prefix: str, title: str, published: date | None) -> None:
    src = seed(prefix)
    assert src.title == title
    assert src.published == published
    assert src.id.startswith(prefix + "_")
    assert src.encoding == "utf-8"
    assert len(src.digest) == 64


def test_seed_dateline_first_gets_derived_title() -> None:
    src = seed("003")
    assert src.published == date(2013, 3, 20)
    # No title line: the title is the start of the first sentence, cut at a word boundary.
    assert src.title.startswith("Northamptonshire County Council has today announced")
    assert src.title.endswith("…") and len(src.title) <= 91
    assert not src.text[: src.body_start].strip().startswith("Northamptonshire")
    # A derived title is not emitted as a heading (it is not a line of its own).
    assert all(s.kind != "heading" or s.text != src.title for s in segment(src))


def test_seed_body_starts_after_dateline_and_byline() -> None:
    src = seed("002")
    head = src.text[: src.body_start]
    assert "Joanne Parkes" in head and "Monday, July 29, 2019" in head
    first = segment(src)[1]
    assert first.text.startswith("Northamptonshire's children's services' have been rated inadequate")


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_seed_no_furniture_left(prefix: str) -> None:
    text = body(seed(prefix))
    for junk in ("Most popular", "/ month", "Back to", "News home", "Subscribe", "membership", "Latest print issues"):
        assert junk not in text, junk
    assert "\nEnds\n" not in "\n" + text + "\n"


def test_seed_trailing_navigation_is_one_span() -> None:
    src = seed("000")
    assert furniture_text(src)[-1] == "Back to\n\nNews home\n\nMost popular"


def test_seed_ends_terminator_and_navigation() -> None:
    src = seed("001")
    f = furniture_text(src)
    assert f[-1].startswith("Ends") and f[-1].endswith("Most popular")
    # The unpunctuated last paragraph is still part of the body.
    assert segment(src)[-1].text.endswith("report back to government")


def test_seed_notes_to_editors_kept() -> None:
    src = seed("003")
    text = body(src)
    assert "Notes to editors" in text
    assert "a team of ten inspectors arrived in the county in January" in text
    assert src.furniture == ()


@pytest.mark.parametrize("prefix,caption", [
    ("002", "Northamtonshire's DCS Sally Hodges said she accepted the findings \"entirely\""),
    ("004", "Northamptonshire County Council says children's services are improving, but there is still"),
])  # fmt: skip
def test_seed_repeated_caption_counted_once(prefix: str, caption: str) -> None:
    src = seed(prefix)
    assert src.text.count(caption) == 2
    assert sum(caption in s.text for s in segment(src)) == 1


def test_seed_membership_blurb_is_furniture_but_last_quote_is_not() -> None:
    src = seed("002")
    f = furniture_text(src)
    assert f[-1].startswith("CYP Now Digital membership") and f[-1].endswith("Subscribe")
    assert segment(src)[-1].text == 'Children in Northamptonshire deserve nothing less."'


def test_load_seed_folder() -> None:
    sources, diags = load_sources([SEEDS])
    assert [s.id[:3] for s in sources] == ["000", "001", "002", "003", "004"]
    assert diags == []


# --------------------------------------------------------------------------------------------
# Own articles in other layouts
# --------------------------------------------------------------------------------------------

HOSPITAL = """Skip to main content
Home > News > Latest news

Oakshire hospital trust told to improve maternity care

By Priya Nandra, Health reporter
Tuesday 14 May 2019 09:30 BST

Oakshire Hospitals NHS Trust has been rated requires improvement by the Care Quality Commission.

Chief executive Dr. Ana Patel said: "We accept the report. We will act on it."

Share this page

Related news

Oakshire trust opens new A&E unit

Oakshire maternity unit rated good

Follow us on Twitter
Cookie settings
"""


def test_hospital_press_page() -> None:
    src = source_from_text(HOSPITAL)
    assert src.title == "Oakshire hospital trust told to improve maternity care"
    assert src.published == date(2019, 5, 14)
    text = body(src)
    for junk in ("Skip to", "Home >", "Priya Nandra", "Share this page", "Related news", "new A&E unit",
                 "rated good", "Follow us", "Cookie"):  # fmt: skip
        assert junk not in text, junk
    assert "rated requires improvement by the Care Quality Commission." in text
    assert 'We will act on it."' in text


NEWSPAPER = """Title: Riverton police force placed under enhanced monitoring
Published: 2021-03-02
Source: https://example.org/news/riverton-police

Riverton police force placed under enhanced monitoring

Riverton Constabulary was placed under enhanced monitoring by the inspectorate in February.

The force pays £1,200 a week for agency call handlers, the report found.

Premium subscription
• Unlimited articles
• Ad-free reading

Subscribe from £4.99 a month
"""


def test_header_lines_win() -> None:
    src = source_from_text(NEWSPAPER)
    assert src.title == "Riverton police force placed under enhanced monitoring"
    assert src.published == date(2021, 3, 2)
    assert src.url == "https://example.org/news/riverton-police"
    sents = segment(src)
    # the repeated title line after the header is consumed, the header's title is the heading
    assert sents[0].kind == "heading" and sents[0].paragraph == 0
    assert [s.text for s in sents].count(src.title) == 1
    text = body(src)
    assert "£1,200 a week for agency call handlers" in text  # a price in a sentence is not furniture
    for junk in ("Premium subscription", "Unlimited articles", "Ad-free", "£4.99"):
        assert junk not in text, junk


def test_header_date_beats_dateline_and_bad_header_date_warns(tmp_path: Path) -> None:
    src = source_from_text("Date: 2020-01-05\n\nA headline\n\n3 March 2019\n\nText here.\n")
    assert src.published == date(2020, 1, 5)
    assert "3 March 2019" not in body(src)
    p = tmp_path / "x.txt"
    p.write_text("Published: 05/06/2019\n\nA headline\n\nText here.\n", encoding="utf-8")
    sources, diags = load_sources([p])
    assert sources[0].published is None
    assert any("ambiguous" in d.message and d.level == "warning" and d.line == 1 for d in diags)


def test_front_matter() -> None:
    src = source_from_text('---\ntitle: "Eastmoor prison inspection"\ndate: 2018-11-30\n---\n\nThe prison was found unsafe.\n')
    assert src.title == "Eastmoor prison inspection"
    assert src.published == date(2018, 11, 30)
    sents = segment(src)
    assert [(s.text, s.kind, s.paragraph) for s in sents] == [
        ("Eastmoor prison inspection", "heading", 0),
        ("The prison was found unsafe.", "sentence", 1),
    ]


def test_byline_and_dateline_after_standfirst_become_furniture() -> None:
    text = "School rated outstanding\n\nInspectors praised its teaching.\n\nBy Sam Cole\n5th of June, 2017\n\nThe school has 900 pupils.\n"
    src = source_from_text(text)
    assert src.published == date(2017, 6, 5)
    assert [s.text for s in segment(src)][1:] == ["Inspectors praised its teaching.", "The school has 900 pupils."]


def test_sentence_starting_with_by_is_not_a_byline() -> None:
    src = source_from_text("Trust sets deadline\n\n2 May 2020\n\nBy April 2021 the trust must cut waiting lists.\n")
    assert body(src).endswith("By April 2021 the trust must cut waiting lists.")


def test_press_release_ends_terminator_keeps_notes() -> None:
    text = "Westbury prison criticised\r\n\r\n3 March 2018\r\n\r\nInspectors said the prison was unsafe.\r\n\r\n- ENDS -\r\n\r\nNotes to editors\r\nThe prison holds 600 men.\r\n\r\nPrint this page\r\n"
    src = source_from_text(text)
    assert src.published == date(2018, 3, 3)
    assert furniture_text(src) == ["- ENDS -", "Print this page"]
    assert [s.text for s in segment(src)] == [
        "Westbury prison criticised",
        "Inspectors said the prison was unsafe.",
        "Notes to editors",
        "The prison holds 600 men.",
    ]


def test_undated_untitled_plain_text() -> None:
    src = source_from_text("The ward reopened after the inspection. Staff numbers rose.")
    assert src.published is None
    assert src.body_start == 0
    assert src.title == "The ward reopened after the inspection."
    assert len(segment(src)) == 2


def test_markdown_heading_title() -> None:
    src = source_from_text("# Kingsbridge council leader resigns\n\nPublished 4 October 2022\n\nThe leader quit on Monday.\n")
    assert src.title == "Kingsbridge council leader resigns"
    assert src.published == date(2022, 10, 4)


@pytest.mark.parametrize("line", [
    "Share this page", "Related news", "Follow us on Twitter", "Cookie settings", "Back to top", "Most read",
    "Sign up to our newsletter", "Subscribe", "Advertisement", "Facebook | Twitter | Email", "Tags: NHS, hospitals",
    "Is this page useful?", "Page last updated: 12 May 2019", "-ends-", "ENDS", "###",
])  # fmt: skip
def test_navigation_lines_are_furniture(line: str) -> None:
    text = f"The trust was rated good in 2019.\n\n{line}\n"
    assert furniture_text(source_from_text(text, id="t")) == [line]


@pytest.mark.parametrize("line", [
    "Share prices fell by 5 per cent after the report.",
    "Related to this, the trust said it would appoint a new chief executive.",
    "Back to school plans were delayed until September.",
    "Subscribe to the view that the board failed, and you miss the point.",
    "Home Office officials visited the prison in 2017.",
    "The council pays £500 a week for each placement.",
    "Placements cost £4,000 a week",
    "From April, parking will cost £2 a day.",
    "About 40 per cent of staff were agency workers.",
    "End of life care was rated good.",
])  # fmt: skip
def test_real_sentences_are_not_furniture(line: str) -> None:
    text = f"The trust was rated good in 2019.\n\n{line}\n\nShare this page\n"
    src = source_from_text(text)
    assert line not in "".join(furniture_text(src))
    assert line in body(src)


def test_related_list_stops_at_a_sentence() -> None:
    text = "Body sentence one.\n\nRead more\n\nTrust fined over delays\n\nThe fine was paid in March.\n"
    src = source_from_text(text)
    assert furniture_text(src) == ["Read more\n\nTrust fined over delays"]
    assert body(src).endswith("The fine was paid in March.")


def test_promo_block_needs_a_promo_heading() -> None:
    # Bullets of the article above an inline price line stay: no promo heading between them.
    text = "Key findings\n\n• 40 beds closed\n• 3 wards shut\n\nSubscribe from £4.99 a month\n\nThe trust said it would reopen them.\n"
    src = source_from_text("Title: X\n\n" + text)
    b = body(src)
    assert "40 beds closed" in b and "3 wards shut" in b
    assert "£4.99" not in b


def test_repeated_line_only_when_consecutive() -> None:
    text = "Title line\n\nA caption here\nA caption here\n\nThe body says so.\n\nA caption here\n"
    src = source_from_text(text)
    assert furniture_text(src) == ["A caption here"]
    assert [s.text for s in segment(src)].count("A caption here") == 2


# --------------------------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("s,expected", [
    ("27 April 2016", date(2016, 4, 27)),
    ("07 July 2014", date(2014, 7, 7)),
    ("Monday, July 29, 2019", date(2019, 7, 29)),
    ("Thu 1st Sept 2022", date(2022, 9, 1)),
    ("2019-07-29T10:00:00Z", date(2019, 7, 29)),
    ("29 February 2016", date(2016, 2, 29)),
    ("29 February 2015", None),
    ("31 April 2019", None),
    ("29/07/2019", None),
    ("July 2019", None),
    ("360 social workers", None),
])  # fmt: skip
def test_parse_date(s: str, expected: date | None) -> None:
    assert parse_date(s) == expected


def test_invalid_dateline_is_rejected() -> None:
    src = source_from_text("Trust news\n\n29 February 2015\n\nA sentence.\n")
    assert src.published is None


def test_weekday_mismatch_warns(tmp_path: Path) -> None:
    p = tmp_path / "w.txt"
    p.write_text("Trust news\n\nTuesday, July 29, 2019\n\nA sentence.\n")
    sources, diags = load_sources([p])
    assert sources[0].published == date(2019, 7, 29)
    assert [d.level for d in diags] == ["warning"] and "Monday" in diags[0].message


# --------------------------------------------------------------------------------------------
# Encodings and bad inputs
# --------------------------------------------------------------------------------------------

ARTICLE = "Café closure\n\n3 March 2018\n\nThe café’s owner said “no”.\n"


@pytest.mark.parametrize("raw,encoding", [
    (ARTICLE.encode("utf-8"), "utf-8"),
    (b"\xef\xbb\xbf" + ARTICLE.encode("utf-8"), "utf-8-sig"),
    (b"\xff\xfe" + ARTICLE.encode("utf-16-le"), "utf-16-le"),
    (b"\xfe\xff" + ARTICLE.encode("utf-16-be"), "utf-16-be"),
    (ARTICLE.encode("utf-16-le"), "utf-16-le"),
    (ARTICLE.encode("utf-16-be"), "utf-16-be"),
    (ARTICLE.encode("cp1252"), "cp1252"),
])  # fmt: skip
def test_decodings(tmp_path: Path, raw: bytes, encoding: str) -> None:
    p = tmp_path / "cafe.txt"
    p.write_bytes(raw)
    sources, diags = load_sources([p])
    (src,) = sources
    assert src.text == ARTICLE  # BOM removed, nothing else changed
    assert src.encoding == encoding
    assert src.published == date(2018, 3, 3)
    assert src.title == "Café closure"
    assert [d.level for d in diags] == (["warning"] if encoding == "cp1252" else [])


def test_latin1_fallback_for_undefined_cp1252_bytes() -> None:
    raw = "Caf\xe9 \x81 closed in 2019 after the inspection.\n".encode("latin-1")
    text, enc, warns = decode(raw, "f.txt")
    assert enc == "latin-1" and text == raw.decode("latin-1")
    assert warns and "not valid UTF-8" in warns[0].message and warns[0].line == 1


def test_crlf_offsets_index_the_text() -> None:
    text = "Headline here\r\n\r\n12 May 2019\r\n\r\nFirst sentence. Second one.\r\nThird line\r\n"
    src = source_from_text(text)
    assert src.text == text and src.published == date(2019, 5, 12)
    sents = segment(src)
    assert [s.text for s in sents] == ["Headline here", "First sentence.", "Second one.", "Third line"]
    assert all(text[s.start : s.end] == s.text for s in sents)


def test_source_from_text_strips_bom() -> None:
    assert source_from_text("\ufeffHello world.").text == "Hello world."


@pytest.mark.parametrize("raw,needle", [
    (b"", "is empty"),
    (b"  \n\n\t ", "is empty"),
    (b"\xff\xfe" + " \n".encode("utf-16-le"), "only whitespace"),
    (b"abc\x00\x01\x02\x00\xff\x00\x10" * 50, "NUL bytes"),
    (bytes(range(1, 32)) * 40, "control codes"),
    (b"%PDF-1.7\n...", "PDF"),
    (b"\x89PNG\r\n\x1a\n....", "PNG"),
])  # fmt: skip
def test_bad_files_become_diagnostics(tmp_path: Path, raw: bytes, needle: str) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(raw)
    good = tmp_path / "good.txt"
    good.write_text(ARTICLE)
    sources, diags = load_sources([bad, good])
    assert [s.id for s in sources] == ["good"]
    assert len(diags) == 1 and diags[0].path == str(bad) and diags[0].level == "error"
    assert needle in diags[0].message
    with pytest.raises(SourceError) as e:
        read_source(bad)
    assert str(bad) in str(e.value)


def test_missing_file_and_too_large(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_text("x " * 600)
    sources, diags = load_sources([tmp_path / "nope.txt", big], max_bytes=1000)
    assert sources == []
    msgs = {Path(d.path).name: d.message for d in diags}
    assert "does not exist" in msgs["nope.txt"] and "check the spelling" in msgs["nope.txt"]
    assert "1,000-byte limit" in msgs["big.txt"]
    with pytest.raises(SourceError, match="does not exist"):
        read_source(tmp_path / "nope.txt")


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import consistency.sources as sources_module

    p = tmp_path / "secret.txt"
    p.write_text(ARTICLE)
    real_open = open

    def deny(path, *a, **k):  # type: ignore[no-untyped-def]
        if str(path) == str(p):
            raise PermissionError(13, "Permission denied")
        return real_open(path, *a, **k)

    monkeypatch.setattr(sources_module, "open", deny, raising=False)
    good = tmp_path / "good.txt"
    good.write_text(ARTICLE)
    sources, diags = load_sources([p, good])
    assert [s.id for s in sources] == ["good"]
    assert diags[0].path == str(p) and "permission denied" in diags[0].message


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_special_file_is_not_read(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    sources, diags = load_sources([fifo])  # must not block waiting for a writer
    assert sources == [] and "not a regular file" in diags[0].message


def test_directory_walk(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "a").mkdir()
    (tmp_path / ".hidden").mkdir()
    (tmp_path / "a" / "one.txt").write_text(ARTICLE)
    (tmp_path / "a" / "two.md").write_text("# Two\n\nText.\n")
    (tmp_path / "a" / "image.png").write_bytes(b"\x89PNG....")
    (tmp_path / "a" / "notes.html").write_text("<p>x</p>")
    (tmp_path / "b" / "three.TXT").write_text("Three.\n")
    (tmp_path / ".hidden" / "secret.txt").write_text("Hidden.\n")
    (tmp_path / "b" / "loop").symlink_to(tmp_path, target_is_directory=True)  # a symlink loop
    (tmp_path / "empty").mkdir()
    sources, diags = load_sources([tmp_path, tmp_path / "empty"])
    assert [s.id for s in sources] == ["one", "two", "three"]
    assert [Path(s.path).relative_to(tmp_path).as_posix() for s in sources] == ["a/one.txt", "a/two.md", "b/three.TXT"]
    assert len(diags) == 1 and diags[0].path == str(tmp_path / "empty") and "no .txt or .md" in diags[0].message


def test_duplicate_ids_are_disambiguated_deterministically(tmp_path: Path) -> None:
    for d in ("2016", "2019"):
        (tmp_path / d).mkdir()
        (tmp_path / d / "report.txt").write_text(f"Report of {d}.\n")
    (tmp_path / "2019" / "report.md").write_text("Markdown twin.\n")
    a, da = load_sources([tmp_path / "2019", tmp_path / "2016"])
    b, db = load_sources([tmp_path / "2016", tmp_path / "2019"])
    ids = {s.path: s.id for s in a}
    assert ids == {s.path: s.id for s in b}
    assert ids[str(tmp_path / "2016" / "report.txt")] == "2016/report"
    assert ids[str(tmp_path / "2019" / "report.txt")] == "2019/report.txt"
    assert ids[str(tmp_path / "2019" / "report.md")] == "report.md"
    assert len(set(ids.values())) == 3
    assert sum(d.level == "info" for d in da) == 3


def test_same_file_twice_is_read_once(tmp_path: Path) -> None:
    p = tmp_path / "one.txt"
    p.write_text(ARTICLE)
    sources, diags = load_sources([p, tmp_path, str(p)])
    assert [s.id for s in sources] == ["one"] and diags == []


def test_stdin() -> None:
    raw = b"\xff\xfe" + ARTICLE.encode("utf-16-le")
    sources, diags = load_sources(["-"], stdin=io.BytesIO(raw))
    (src,) = sources
    assert (src.id, src.path, src.published, src.text) == ("stdin", "<stdin>", date(2018, 3, 3), ARTICLE)
    sources, diags = load_sources(["-", "-"], stdin=io.BytesIO(b"Hello.\n"))
    assert len(sources) == 1 and diags[0].level == "warning"
    sources, diags = load_sources(["-"], stdin=io.BytesIO(b""))
    assert sources == [] and "is empty" in diags[0].message


def test_digest_is_of_raw_bytes(tmp_path: Path) -> None:
    import hashlib

    raw = b"\xef\xbb\xbfHello.\n"
    p = tmp_path / "h.txt"
    p.write_bytes(raw)
    assert read_source(p).digest == hashlib.sha256(raw).hexdigest()


# --------------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------------


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=600))
def test_load_never_raises_on_arbitrary_bytes(tmp_path: Path, raw: bytes) -> None:
    p = tmp_path / "any.txt"
    p.write_bytes(raw)
    sources, diags = load_sources([p])
    assert len(sources) + sum(d.level == "error" for d in diags) == 1
    for s in sources:
        assert 0 <= s.body_start <= len(s.text)
        assert all(0 <= a <= b <= len(s.text) for a, b in s.furniture)
        for x in segment(s):
            assert s.text[x.start : x.end] == x.text


LINES = st.sampled_from([
    "", " ", "\r", "Back to", "Most popular", "From £15 / month", "Subscribe", "• Item", "Ends", "27 April 2016",
    "Title: A", "Date: 2019-01-01", "By Jane Doe", "Notes to editors", "---", "# Head", "A sentence. Another one.",
])  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(LINES, st.text(max_size=40)), max_size=12), st.sampled_from(["\n", "\r\n"]))
def test_source_from_text_never_raises(lines: list[str], eol: str) -> None:
    text = eol.join(lines)
    src = source_from_text(text)
    t = src.text
    assert 0 <= src.body_start <= len(t)
    prev = -1
    for a, b in src.furniture:
        assert prev <= a <= b <= len(t)
        assert t[a:b] == t[a:b].strip()
        prev = b
    for x in segment(src):
        assert t[x.start : x.end] == x.text
        assert not src.in_furniture(x.start, x.end)


BROADCASTER = """Ambulance response times worsen in Eastfield

Image source, Getty Images
Image caption, Paramedics at Eastfield station
Paramedics at Eastfield station

Published
March 5, 2019

Response times for the most urgent calls rose to nine minutes in 2018, figures show.

Media playback is unsupported on your device

The service said it had hired 120 paramedics.

Related Topics

  • NHS
  • Eastfield

More on this story

  • Ambulance chief quits
"""


def test_broadcaster_layout() -> None:
    src = source_from_text(BROADCASTER)
    assert src.published == date(2019, 3, 5)
    assert [s.text for s in segment(src)] == [
        "Ambulance response times worsen in Eastfield",
        "Image caption, Paramedics at Eastfield station",  # the caption kept once, its repeat dropped
        "Response times for the most urgent calls rose to nine minutes in 2018, figures show.",
        "The service said it had hired 120 paramedics.",
    ]


def test_title_after_navigation_is_not_a_byline() -> None:
    src = source_from_text("Skip to content\nOakshire Council Fined\n12 May 2019\n\nThe council was fined.\n")
    assert src.title == "Oakshire Council Fined"
    assert furniture_text(src) == ["Skip to content"]


def test_byline_after_leading_dateline_is_not_a_title() -> None:
    src = source_from_text("20 March 2013\nBy Jane Doe\n\nThe council was fined £2m for the failures.\n")
    assert src.published == date(2013, 3, 20)
    assert src.title == "The council was fined £2m for the failures."
    assert body(src) == "The council was fined £2m for the failures."


def test_find_furniture_from_offset_and_sorted() -> None:
    text = "Share this page\n\nBody text here.\n\nSubscribe\n\nMore body.\n\nBack to top\nMost read\n"
    spans = find_furniture(text, start=text.index("Body"))
    assert [text[a:b] for a, b in spans] == ["Subscribe", "Back to top\nMost read"]
    assert spans == sorted(spans)
