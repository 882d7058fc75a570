"""Extraction time grows linearly with the length of one document (a shape test, not a timing).

A long article used to cost time quadratic in its length (every claim scanned every speech region
and counted newlines from the start of the text). Here a ~800 KB article must take well under
sixteen times (quadratic) what a ~200 KB one takes: the bound is 8x against an expected 4x.
"""

from __future__ import annotations

import time

from consistency import rulepack
from consistency.extract import extract
from consistency.extract.modality import Speech, SpeechIndex, speaker_at
from consistency.model import Source
from consistency.sentences import segment
from consistency.sources import source_from_text

_PARAS = [
    "Ofsted rated {place} County Council's children's services inadequate in {month} {year}, and said referrals "
    "had risen by {n} per cent.",
    "\"We have turned the corner,\" said {name}, the director of children's services. \"The next inspection will "
    "show it.\"",
    "The council was issued with a statutory direction in {month} {year}. It plans to set up a children's trust "
    "by April {year2}, according to its annual report.",
    "Share this page",
    "{place} Borough Council was judged good after a full inspection in {year}, the inspectorate said. About {n} "
    "per cent of social workers were agency staff.",
    "{name}, deputy leader of {place} Council, said the council must find £{n}m of savings, and that {n} social "
    "workers had joined in the last 12 months.",
]
_PLACES = ["Oldcastle", "Brymoor", "Kelvedon", "Ashwick", "Tarnby", "Wexcombe", "Pollard Green"]
_NAMES = ["Maria Lent", "Oscar Fife", "Jude Amari", "Celia Brook", "Rami Haddad"]
_MONTHS = ["January", "March", "May", "July", "September", "November"]


def _article(size: int) -> str:
    """A dated article of about ``size`` characters: varied paragraphs, figures and years."""
    parts = ["Councils under scrutiny", "", "12 March 2019", ""]
    n = sum(len(p) + 1 for p in parts)
    i = 0
    while n < size:
        p = _PARAS[i % len(_PARAS)].format(
            place=_PLACES[i % len(_PLACES)], name=_NAMES[i % len(_NAMES)], month=_MONTHS[i % len(_MONTHS)],
            year=2010 + i % 9, year2=2019 + i % 3, n=5 + i,
        )
        parts += [p, ""]
        n += len(p) + 2
        i += 1
    return "\n".join(parts)


def _cpu(text: str, rs: rulepack.RuleSet) -> tuple:
    best = None
    claims = []
    for _ in range(2):
        t0 = time.process_time()
        src = source_from_text(text, id="long")
        claims = extract(src, rs, segment(src))
        dt = time.process_time() - t0
        best = dt if best is None else min(best, dt)
    return best, claims


def test_extraction_time_is_linear_in_document_length() -> None:
    rs = rulepack.load()
    small, large = _article(200_000), _article(800_000)
    t_small, c_small = _cpu(small, rs)
    t_large, c_large = _cpu(large, rs)
    assert len(c_small) > 50 and len(c_large) > 3 * len(c_small)  # the articles do yield claims throughout
    assert any(c.speaker for c in c_large[-50:])  # speech late in the long article is still attributed
    assert t_large < 8 * t_small, f"800 KB took {t_large:.2f}s, 200 KB {t_small:.2f}s: worse than linear"


def test_line_and_column_of_late_claims_match_a_count_from_the_start() -> None:
    rs = rulepack.load()
    text = _article(120_000)
    src = source_from_text(text, id="long")
    claims = extract(src, rs, segment(src))
    assert len(claims) > 20
    for c in claims[-20:]:
        a = c.span[0]
        assert (c.line, c.column) == (text.count("\n", 0, a) + 1, a - (text.rfind("\n", 0, a) + 1) + 1)


def test_source_fast_paths_agree_with_the_plain_definitions() -> None:
    text = ("line one\nline two is longer\n\n" * 2000) + "tail"
    furniture = tuple((i, i + 5) for i in range(0, len(text) - 10, 97))
    src = Source(id="x", path="x", text=text, furniture=furniture)
    for off in list(range(0, 300)) + list(range(len(text) - 300, len(text) + 1)) + [len(text) // 2]:
        assert src.line_col(off) == (text.count("\n", 0, off) + 1, off - (text.rfind("\n", 0, off) + 1) + 1)
    for a, b in [(0, 1), (4, 6), (5, 96), (96, 98), (97, 97), (len(text) - 20, len(text)), (1000, 5000), (50, 60)]:
        assert src.in_furniture(a, b) == any(s < b and a < e for s, e in furniture), (a, b)


def test_speech_index_returns_the_first_region_in_list_order() -> None:
    regions = [Speech(100, 200, "a"), Speech(0, 10_000, "long"), Speech(150, 160, "b"), Speech(120, 300, "c"),
               Speech(9_000, 9_100, "d"), Speech(20_000, 20_050, None)]
    idx = SpeechIndex(regions)
    for a, b in [(150, 155), (5, 9), (250, 260), (9_050, 9_060), (20_000, 20_051), (20_000, 20_052),
                 (150, 201), (30_000, 30_001), (199, 201), (10_000, 10_001)]:
        assert speaker_at(idx, a, b) == speaker_at(regions, a, b), (a, b)
