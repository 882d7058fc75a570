"""The HTML report: structure, determinism, escaping, layout geometry and aggregation.

Reports are built here from model objects (an invented story in our own words), so these tests
do not depend on the extraction pipeline. ``tests/test_browser.py`` imports ``story_report``
and ``hostile_report`` from this module.
"""

from __future__ import annotations

import html
import re
from datetime import date, timedelta
from html.parser import HTMLParser
from typing import Optional

import pytest
from hypothesis import given, settings, strategies as st

from consistency import svg as svgmod
from consistency import timeline_layout as tl
from consistency.formats import html as html_format
from consistency.model import Claim, Finding, Report, Source, TimeSpan
from consistency.rulepack import Attribute, RulePack, RuleSet

SCALE = ("inadequate", "requires improvement", "good", "outstanding")
MAIN = "Harwick Borough Council"
TRUST = "Harwick Borough Council: children's trust"


def ruleset() -> RuleSet:
    attrs_ = (
        Attribute("rating", "ordinal", label="inspection rating", values=SCALE),
        Attribute("delivery_model", "lifecycle", label="children's trust", values=("planned", "shelved", "announced")),
        Attribute("agency_share", "quantity", label="agency social workers", unit="%"),
    )
    return RuleSet(packs=(RulePack(name="test", path="<test>", attributes=attrs_),))


# ------------------------------------------------------------------------------------------
# An invented story mirroring the seeds' shape, in different words.

TEXTS = {
    "a-2013": (
        "Harwick children's services judged inadequate",
        date(2013, 3, 14),
        None,
        "Harwick children's services judged inadequate\n\n14 March 2013\n\n"
        "Inspectors said on Thursday that Harwick Borough Council's services for vulnerable children "
        "were inadequate, following a three-week visit in February 2013.\n"
        "The council's leader, Petra Lune, said the findings were accepted in full.\n",
    ),
    "b-2016": (
        "Harwick climbs out of the lowest grade",
        date(2016, 5, 3),
        None,
        "Harwick climbs out of the lowest grade\n\n3 May 2016\n\n"
        "After an inspection in March 2016, Harwick's children's services now require improvement.\n"
        "In 2013 the council had been judged inadequate.\n"
        "Councillor Mara Quill said: \"Our children's trust will be up and running later this year.\"\n"
        "About 40 per cent of the council's social workers came from agencies in 2016.\n",
    ),
    "c-2019": (
        "Harwick slips back to inadequate",
        date(2019, 7, 22),
        None,
        "Harwick slips back to inadequate\n\n22 July 2019\n\n"
        "Harwick's services for children have been rated inadequate once more after two visits in June 2019.\n"
        "The council was last given the lowest grade in 2013.\n"
        "Plans for a children's trust were dropped in August 2018.\n"
        "In May 2019 ministers announced that a new children's trust would take over.\n"
        "A quarter of social workers were agency staff in 2016, the report said.\n",
    ),
    "d-undated": (
        "Harwick still struggling, says council",
        None,
        (date(2014, 1, 1), date(2014, 12, 31)),
        "Harwick still struggling, says council\n\n"
        "The council says services for children in Harwick remain inadequate a year after the inspection.\n",
    ),
}


def _source(sid: str) -> Source:
    title, pub, rng, text = TEXTS[sid]
    return Source(id=sid, path=f"{sid}.txt", text=text, title=title, published=pub, published_range=rng,
                  published_basis="year of the inspection it mentions" if rng else "")


def _claim(sid: str, quote: str, subject: str, predicate: str, value: object, time: Optional[TimeSpan], **kw: object) -> Claim:
    text = TEXTS[sid][3]
    start = text.index(quote)
    pub = TEXTS[sid][1]
    return Claim(source=sid, subject=subject, predicate=predicate, value=value, quote=quote,
                 span=(start, start + len(quote)), time=time, published=pub, published_range=TEXTS[sid][2], **kw)


def _month(y: int, m: int, text: str, **kw: object) -> TimeSpan:
    nxt = date(y + (m == 12), m % 12 + 1, 1)
    return TimeSpan(date(y, m, 1), nxt - timedelta(days=1), "month", text=text, **kw)


def _year(y: int, text: str, **kw: object) -> TimeSpan:
    return TimeSpan(date(y, 1, 1), date(y, 12, 31), "year", text=text, **kw)


def story_claims() -> dict[str, Claim]:
    return {
        "r2013": _claim("a-2013", "were inadequate, following a three-week visit in February 2013", MAIN, "rating",
                        "inadequate", _month(2013, 2, "February 2013"), time_basis="stated", speaker=None),
        "said2013": _claim("a-2013", "Inspectors said on Thursday", MAIN, "statement", "inspection published",
                           TimeSpan(date(2013, 3, 14), date(2013, 3, 14), "day", text="on Thursday"), time_basis="stated"),
        "r2016": _claim("b-2016", "After an inspection in March 2016, Harwick's children's services now require improvement",
                        MAIN, "rating", "requires improvement", _month(2016, 3, "March 2016"), time_basis="stated"),
        "r2013b": _claim("b-2016", "In 2013 the council had been judged inadequate", MAIN, "rating", "inadequate",
                         _year(2013, "In 2013"), time_basis="stated"),
        "plan": _claim("b-2016", "Our children's trust will be up and running later this year", TRUST, "delivery_model",
                       "planned", TimeSpan(date(2016, 5, 3), date(2016, 12, 31), "range", text="later this year",
                                           approximate=True, anchor="published"),
                       time_basis="stated", modality="plan", speaker="Mara Quill"),
        "agency40": _claim("b-2016", "About 40 per cent of the council's social workers came from agencies in 2016",
                           MAIN, "agency_share", 40, _year(2016, "in 2016"), unit="%", qualifier="about", time_basis="stated"),
        "r2019": _claim("c-2019", "rated inadequate once more after two visits in June 2019", MAIN, "rating", "inadequate",
                        _month(2019, 6, "June 2019"), time_basis="stated", direction="again"),
        "r2013c": _claim("c-2019", "The council was last given the lowest grade in 2013", MAIN, "rating", "inadequate",
                         _year(2013, "in 2013"), time_basis="stated"),
        "shelved": _claim("c-2019", "Plans for a children's trust were dropped in August 2018", TRUST, "delivery_model",
                          "shelved", _month(2018, 8, "August 2018"), time_basis="stated"),
        "announced": _claim("c-2019", "In May 2019 ministers announced that a new children's trust would take over", TRUST,
                            "delivery_model", "announced", _month(2019, 5, "In May 2019"), time_basis="stated", direction="again"),
        "agency25": _claim("c-2019", "A quarter of social workers were agency staff in 2016", MAIN, "agency_share", 25,
                           _year(2016, "in 2016"), unit="%", time_basis="stated", modality="reported", speaker="the report"),
        "est": _claim("d-undated", "services for children in Harwick remain inadequate a year after the inspection", MAIN,
                      "rating", "inadequate", TimeSpan(date(2014, 1, 1), date(2014, 12, 31), "range",
                                                        text="a year after the inspection", approximate=True, anchor="estimated"),
                      time_basis="estimated"),
        "undated": _claim("d-undated", "The council says services", MAIN, "statement", "council statement", None),
    }


def story_findings(c: dict[str, Claim]) -> list[Finding]:
    def f(rule: str, kind: str, sev: str, subject: str, pred: str, keys: list[str], msg: str, detail: str = "") -> Finding:
        cl = [c[k] for k in keys]
        return Finding(rule=rule, kind=kind, severity=sev, subject=subject, predicate=pred, claims=tuple(x.id for x in cl),
                       sources=tuple(sorted({x.source for x in cl})), message=msg, claim_keys=tuple(x.key for x in cl), detail=detail)

    return [
        f("transition", "transition", "info", MAIN, "rating", ["r2013", "r2016"], "Rating rose from inadequate (2013) to requires improvement (2016).", "up"),
        f("transition", "transition", "info", MAIN, "rating", ["r2016", "r2019"], "Rating fell from requires improvement (2016) to inadequate (2019).", "down"),
        f("lifecycle", "lifecycle", "warning", TRUST, "delivery_model", ["plan", "shelved", "announced"],
          "The trust planned for 2016 was shelved in August 2018 and announced again in May 2019.", "revived"),
        f("refinement", "refinement", "info", MAIN, "rating", ["r2013b", "r2013"], "February 2013 refines 2013."),
        f("agreement", "agreement", "info", MAIN, "rating", ["r2013b", "r2013c"], "Two sources agree the 2013 rating was inadequate."),
        f("conflict", "conflict", "error", MAIN, "agency_share", ["agency40", "agency25"],
          "Agency share in 2016: about 40% in b-2016, 25% in c-2019."),
    ]


def story_report() -> Report:
    c = story_claims()
    return Report(sources=[_source(s) for s in TEXTS], claims=list(c.values()), findings=story_findings(c))


HOSTILE = '<script>alert("x")</script></svg>" onmouseover="alert(1)" <a href="javascript:alert(2)">go</a> {{ 7*7 }}'


def hostile_report() -> Report:
    title = f"Title {HOSTILE}"
    text = f"{title}\n\n1 June 2020\n\nThe Lakeside Hospital {HOSTILE} was rated good in May 2020.\n"
    quote = f"The Lakeside Hospital {HOSTILE} was rated good in May 2020"
    start = text.index(quote)
    src = Source(id="evil", path="evil.txt", text=text, title=title, published=date(2020, 6, 1), url="javascript:alert(3)")
    subj = f"Lakeside Hospital {HOSTILE}"
    c1 = Claim(source="evil", subject=subj, predicate="rating", value=f"good {HOSTILE}", quote=quote, span=(start, start + len(quote)),
               time=_month(2020, 5, "May 2020"), time_basis="stated", speaker=HOSTILE)
    c2 = Claim(source="evil", subject=subj, predicate="rating", value="inadequate", quote=quote, span=(start, start + len(quote)),
               time=_month(2019, 5, "May 2020"), time_basis="stated", modality="reported")
    fnd = Finding(rule="conflict", kind="conflict", severity="error", subject=subj, predicate="rating", claims=(c1.id, c2.id),
                  sources=("evil",), message=f"conflict {HOSTILE}", detail=HOSTILE)
    return Report(sources=[src], claims=[c1, c2], findings=[fnd])


# ------------------------------------------------------------------------------------------
# A tiny DOM for assertions (the stdlib parser; no extra dependency)


class Node:
    def __init__(self, tag: str, attrs: dict[str, Optional[str]], parent: Optional["Node"]) -> None:
        self.tag, self.attrs, self.parent, self.children = tag, attrs, parent, []  # type: ignore[var-annotated]

    def text(self) -> str:
        return "".join(ch if isinstance(ch, str) else ch.text() for ch in self.children)

    def iter(self):  # type: ignore[no-untyped-def]
        for ch in self.children:
            if isinstance(ch, Node):
                yield ch
                yield from ch.iter()

    def find_all(self, tag: str, **attrs: str) -> list["Node"]:
        out = []
        for n in self.iter():
            if n.tag != tag:
                continue
            if all((k.rstrip("_").replace("_", "-") in n.attrs) and (v is True or v in (n.attrs.get(k.rstrip("_").replace("_", "-")) or "").split() or n.attrs.get(k.rstrip("_").replace("_", "-")) == v) for k, v in attrs.items()):
                out.append(n)
        return out

    def by_id(self, ident: str) -> Optional["Node"]:
        for n in self.iter():
            if n.attrs.get("id") == ident:
                return n
        return None


VOID = {"meta", "br", "input", "link", "img", "hr", "rect", "circle", "line", "path", "polygon"}


class TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", {}, None)
        self.cur = self.root

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        n = Node(tag, dict(attrs), self.cur)
        self.cur.children.append(n)
        if tag not in VOID:
            self.cur = n

    def handle_startendtag(self, tag, attrs):  # type: ignore[no-untyped-def]
        self.cur.children.append(Node(tag, dict(attrs), self.cur))

    def handle_endtag(self, tag):  # type: ignore[no-untyped-def]
        if tag in VOID:
            return
        n = self.cur
        while n is not None and n.tag != tag:
            n = n.parent
        assert n is not None, f"unbalanced </{tag}>"
        self.cur = n.parent or self.root

    def handle_data(self, data):  # type: ignore[no-untyped-def]
        self.cur.children.append(data)


def parse(page: str) -> Node:
    b = TreeBuilder()
    b.feed(page)
    b.close()
    assert b.cur is b.root, f"unclosed element <{b.cur.tag}>"
    return b.root


@pytest.fixture(scope="module")
def story() -> Report:
    return story_report()


@pytest.fixture(scope="module")
def page(story: Report) -> str:
    return html_format.render(story, ruleset=ruleset())


@pytest.fixture(scope="module")
def dom(page: str) -> Node:
    return parse(page)


# ------------------------------------------------------------------------------------------
# The page as a whole


def test_page_is_one_self_contained_document(page: str) -> None:
    assert page.startswith("<!DOCTYPE html>")
    assert "<script src" not in page and "<link" not in page and "@import" not in page
    assert not re.search(r"""(?:src|href|xlink:href)\s*=\s*["']?(?:https?:)?//""", page)
    assert not re.search(r"url\(\s*['\"]?(?:https?:)?//", page)
    assert "http://" not in page and "https://" not in page
    assert page.count("<script>") == 1 and page.count("<style>") == 1
    assert "Content-Security-Policy" in page and "default-src 'none'" in html.unescape(page)


def test_same_report_gives_identical_bytes_whatever_the_input_order() -> None:
    c = story_claims()
    r1 = story_report()
    r2 = Report(sources=list(reversed([_source(s) for s in TEXTS])), claims=list(reversed(list(c.values()))),
                findings=list(reversed(story_findings(c))))
    a = html_format.render(r1, ruleset=ruleset())
    b = html_format.render(r2, ruleset=ruleset())
    assert a == b
    assert a.encode("utf-8") == html_format.render(story_report(), ruleset=ruleset()).encode("utf-8")


def test_csp_hashes_match_the_inline_style_and_script(page: str) -> None:
    import base64
    import hashlib

    css = page.split("<style>", 1)[1].split("</style>", 1)[0]
    js = page.split("<script>", 1)[1].split("</script>", 1)[0]
    for body in (css, js):
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in html.unescape(page)


def test_summary_counts_and_sources_with_dates(dom: Node, story: Report) -> None:
    summary = dom.by_id("summary")
    assert summary is not None
    text = " ".join(summary.text().split())
    assert f"{len(story.sources)} sources" in text
    assert "1 with an estimated date" in text
    assert f"{len(story.claims)} claims" in text
    assert f"{len(story.findings)} findings" in text
    counts = summary.find_all("table", class_="counts")[0]
    first_row = counts.find_all("tbody")[0].find_all("tr")[0]
    assert "conflict" in first_row.text()  # conflicts first
    src_rows = {r.attrs["data-source"]: " ".join(r.text().split()) for r in dom.by_id("sources").find_all("tr") if "data-source" in r.attrs}
    assert "2016-05-03" in src_rows["b-2016"]
    assert "estimated" in src_rows["d-undated"] and "2014-01-01" in src_rows["d-undated"] and "2014-12-31" in src_rows["d-undated"]
    assert "estimated" not in src_rows["b-2016"]


def test_one_timeline_per_dated_subject_and_one_lane_per_predicate(dom: Node, story: Report) -> None:
    svgs = dom.find_all("svg", class_="timeline")
    subjects = sorted({c.subject for c in story.claims})
    assert len(svgs) == len(subjects)
    main = dom.by_id("tl-harwick-borough-council")
    assert main is not None
    preds = [g.attrs["data-predicate"] for g in main.find_all("g", class_="lane") if g.attrs.get("data-predicate")]
    assert preds == ["rating", "agency_share", "statement"]  # ordinal first, then quantity, then unknown
    assert main.find_all("g", class_="lane")[-1].attrs["id"].endswith("--published")


def _lane(dom: Node, svg_id: str, pred: str) -> Node:
    svg = dom.by_id(svg_id)
    assert svg is not None
    return [g for g in svg.find_all("g", class_="lane") if g.attrs.get("data-predicate") == pred][0]


def _marks(lane: Node) -> list[Node]:
    return lane.find_all("a", class_="mark")


def _x(mark: Node) -> float:
    shape = [n for n in mark.iter() if "shape" in (n.attrs.get("class") or "").split()][0]
    if shape.tag == "circle":
        return float(shape.attrs["cx"])
    if shape.tag == "polygon":
        return float(shape.attrs["points"].split(",")[0])
    return float(shape.attrs["x"])


def test_rating_lane_reads_inadequate_requires_improvement_inadequate_in_time_order(dom: Node) -> None:
    lane = _lane(dom, "tl-harwick-borough-council", "rating")
    marks = sorted(_marks(lane), key=_x)
    labels = [m.find_all("text")[0].text() for m in marks]
    # 2013 month and year (the refinement), 2014 estimated, 2016, 2019
    assert [lb.replace("≈ ", "") for lb in labels] == [
        "inadequate", "inadequate", "inadequate", "inadequate (est.)", "requires improvement", "inadequate"]
    shown = [lb for lb in labels if "est." not in lb]
    assert shown[-3:] == ["inadequate", "requires improvement", "inadequate"]


def test_ordinal_values_take_ordered_ramp_colours_with_text_labels(dom: Node) -> None:
    lane = _lane(dom, "tl-harwick-borough-council", "rating")
    fills = {}
    for m in _marks(lane):
        shape = [n for n in m.iter() if "shape" in (n.attrs.get("class") or "").split()][0]
        fills.setdefault(m.find_all("text")[0].text().replace("≈ ", "").replace(" (est.)", ""), set()).add(shape.attrs["fill"])
    assert fills["inadequate"] == {svgmod.colour(("ramp", 0.0))}
    assert fills["requires improvement"] == {svgmod.colour(("ramp", round(1 / 3, 4)))}
    legend = [p for p in dom.by_id("subj-harwick-borough-council").find_all("p", class_="legend")][0]
    assert [s.text().strip() for s in legend.find_all("span", class_="lg-item")] == list(SCALE)
    assert "lowest to highest" in legend.text()


def test_precision_and_modality_are_drawn_differently(dom: Node, story: Report) -> None:
    c = story_claims()
    svg = dom.by_id("tl-harwick-borough-council")
    def mark(cid: str) -> Node:
        return [m for m in dom.find_all("a", class_="mark") if m.attrs.get("data-claim") == cid][0]
    # a day is a point, a month a bar
    assert mark(c["said2013"].id).find_all("circle", class_="shape")
    assert mark(c["r2016"].id).find_all("rect", class_="shape")
    # estimated: faded and hatched, labelled est.
    est = mark(c["est"].id)
    assert "est" in est.attrs["class"].split()
    assert est.find_all("rect", class_="shape")[0].attrs["opacity"] == "0.55" and est.find_all("rect", class_="hatch")
    # plan: outlined and dashed, white fill, labelled (plan); approximate hatched
    plan = mark(c["plan"].id)
    shape = plan.find_all("rect", class_="shape")[0]
    assert shape.attrs["fill"] == "#ffffff" and shape.attrs.get("stroke-dasharray") == "5 3"
    assert "(plan)" in plan.text()
    fact = mark(c["r2016"].id).find_all("rect", class_="shape")[0]
    assert "stroke-dasharray" not in fact.attrs
    # the bar covers its whole month: March 2016 is ~31 days wide
    ax_days = (date(2019, 12, 31) - date(2013, 1, 1)).days + 1
    width = float(fact.attrs["width"])
    assert abs(width - 31 * (tl.WIDTH - tl.RIGHT - tl.GUTTER) / ax_days) < 0.05
    assert svg is not None


def test_titles_and_aria_labels_say_both_dates(dom: Node) -> None:
    c = story_claims()
    m = [m for m in dom.find_all("a", class_="mark") if m.attrs.get("data-claim") == c["r2016"].id][0]
    title = m.find_all("title")[0].text()
    assert "About: “March 2016” 2016-03-01 to 2016-03-31 (month" in title
    assert "Published: 2016-05-03" in title
    assert "Modality: fact" in title
    assert "now require improvement" in title
    assert m.find_all("title")[0] is [n for n in m.children if isinstance(n, Node)][0]  # first child: the accessible name


def test_findings_are_links_between_their_claims(dom: Node, story: Report) -> None:
    svg = dom.by_id("tl-harwick-borough-council")
    links = {g.attrs["data-finding"]: g for g in svg.find_all("g", class_="link")}
    kinds = {f.id: f for f in story.findings}
    conflict = [f for f in story.findings if f.kind == "conflict"][0]
    g = links[conflict.id]
    assert "link-conflict" in g.attrs["class"] and "≠ conflict" in g.text()
    # conflicting marks wear a red ring
    for cid in conflict.claims:
        m = [m for m in svg.find_all("a", class_="mark") if m.attrs.get("data-claim") == cid][0]
        assert m.find_all("rect", class_="ring")
    # transitions: an arrow, drawn from the earlier to the later claim
    for fid, g in links.items():
        if kinds[fid].kind != "transition":
            continue
        path = g.find_all("path")[0]
        assert path.attrs["marker-end"] == "url(#cx-arrow)"
        nums = [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", path.attrs["d"])]
        assert nums[0] < nums[-2]
        assert ("↑ up" in g.text()) or ("↓ down" in g.text())
    trust = dom.by_id("tl-harwick-borough-council-children-s-trust")
    life = trust.find_all("g", class_="link-lifecycle")[0]
    assert "↻ revived" in life.text() and len(life.find_all("path")) == 2


def test_findings_list_conflicts_first_with_quotes_side_by_side(dom: Node, story: Report) -> None:
    items = dom.by_id("finding-list").find_all("li", class_="finding")
    assert [li.attrs["data-kind"] for li in items][0] == "conflict"
    assert len(items) == len(story.findings)
    life = [li for li in items if li.attrs["data-kind"] == "lifecycle"][0]
    quotes = [q.find_all("blockquote")[0].text() for q in life.find_all("figure", class_="q")]
    assert [q.strip("“”") for q in quotes] == [
        "Our children's trust will be up and running later this year",
        "Plans for a children's trust were dropped in August 2018",
        "In May 2019 ministers announced that a new children's trust would take over"]
    assert all(li.attrs["data-subject"] and li.attrs["data-severity"] for li in items)
    options = [o.attrs["value"] for o in dom.by_id("f-kind").find_all("option")]
    assert options[:2] == ["", "conflict"]


def test_every_quote_is_marked_in_its_source_text(dom: Node, story: Report) -> None:
    for s in story.sources:
        pre = dom.by_id(f"src-{s.id}").find_all("pre", class_="text")[0]
        assert pre.text() == s.text  # the marks change nothing of what is written
    for c in story.claims:
        anchor = dom.by_id(f"q-{c.id}")
        assert anchor is not None and anchor.tag == "mark", c.quote
        covering = [m for m in dom.find_all("mark") if c.id in (m.attrs.get("data-claims") or "").split()]
        assert "".join(m.text() for m in covering) == c.quote


def test_without_javascript_every_fact_is_in_the_markup(dom: Node, story: Report) -> None:
    for c in story.claims:
        row = dom.by_id(f"claim-{c.id}")
        assert row is not None
        text = row.text()
        assert c.quote in text
        assert tl.time_label(c) in text and tl.claim_label(c) in text
        assert tl.publication_label(story.source(c.source), basis=False) in text
        assert c.modality in text
        if c.speaker:
            assert c.speaker in text
    # the filter form and highlight buttons need JavaScript: the stylesheet shows them only under html.js
    css = html_format._assets()[0]
    assert ".filters,.choose{display:none}" in css and ".js .filters{display:flex" in css
    assert "js" not in (dom.find_all("html")[0].attrs.get("class") or "")


def test_ruleset_is_optional(story: Report, monkeypatch: pytest.MonkeyPatch) -> None:
    from consistency import rulepack

    def broken(*a: object, **k: object) -> None:
        raise rulepack.RulePackError("x.toml", "broken on purpose")

    monkeypatch.setattr(rulepack, "load", broken, raising=False)
    page = html_format.render(story, ruleset=None)
    dom = parse(page)
    lane = _lane(dom, "tl-harwick-borough-council", "rating")
    fills = {m.find_all("text")[0].text(): [n for n in m.iter() if "shape" in (n.attrs.get("class") or "").split()][0].attrs["fill"] for m in _marks(lane)}
    # unknown scale: categorical colours in the order values are first seen in time
    assert fills["inadequate"] == svgmod.PALETTE[0] and fills["requires improvement"] == svgmod.PALETTE[1]


def test_report_to_html_goes_through_the_registry_when_it_exists(story: Report) -> None:
    formats = pytest.importorskip("consistency.formats")
    if not hasattr(formats, "render"):
        pytest.skip("consistency.formats has no registry yet")
    try:
        out = story.to_html()
    except (KeyError, ValueError) as exc:
        pytest.skip(f"html not registered yet: {exc}")
    assert out.startswith("<!DOCTYPE html>") and "tl-harwick-borough-council" in out


# ------------------------------------------------------------------------------------------
# Escaping


def test_document_text_is_escaped_everywhere() -> None:
    rep = hostile_report()
    page = html_format.render(rep, ruleset=ruleset())
    assert page.count("<script") == 1  # ours only
    assert "<script>alert" not in page
    assert '" onmouseover="' not in page and "onmouseover=\"alert" not in page
    assert page.count("</svg>") == page.count("<svg")
    assert 'href="javascript:' not in page.lower() and "href='javascript:" not in page.lower()
    assert '<a href="javascript' not in page
    dom = parse(page)
    # written as is: the text, title and value read back exactly
    assert dom.by_id("h-src-evil").text() == rep.sources[0].title
    assert any(HOSTILE in t.text() for t in dom.by_id("tl-lakeside-hospital-script-alert-x-script").find_all("title"))
    pre = dom.by_id("src-evil").find_all("pre")[0]
    assert pre.text() == rep.sources[0].text
    assert "{{ 7*7 }}" in page and "49" not in dom.by_id("src-evil").text()
    labels = [t.text() for t in dom.find_all("text", class_="lbl")]
    assert tl.short(f"good {HOSTILE}") in labels and labels[1].startswith('good <script>alert("x")</script></svg>')
    assert any(f"good {HOSTILE}" in t.text() for t in dom.find_all("title"))
    assert any(HOSTILE in li.text() for li in dom.find_all("li", class_="finding"))
    for n in dom.iter():
        for k, v in n.attrs.items():
            assert not k.startswith("on"), (n.tag, k)
            if k in ("href", "src"):
                assert not (v or "").strip().lower().startswith("javascript"), v


@given(st.text(min_size=1, max_size=60))
@settings(max_examples=150, deadline=None)
def test_any_text_round_trips_through_svg_escaping(value: str) -> None:
    c = Claim(source="s", subject="S", predicate="p", value=value, quote="q", span=(0, 1), time=_month(2020, 1, "x"))
    tlx = tl.layout_subject("S", [c], [], {}, {}, "s")
    assert tlx is not None
    out = svgmod.timeline_svg(tlx)
    node = parse(f"<div>{out}</div>")
    label = [t.text() for t in node.find_all("text", class_="lbl")]
    assert label == [tl.short(tl.claim_label(c))]
    assert "<script" not in str(out).lower()


# ------------------------------------------------------------------------------------------
# Geometry: collisions, determinism, aggregation


@given(st.lists(st.tuples(st.floats(0, 900), st.floats(0, 200)), max_size=60))
@settings(max_examples=150, deadline=None)
def test_pack_rows_never_overlaps(spans: list[tuple[float, float]]) -> None:
    extents = sorted((a, a + w) for a, w in spans)
    rows = tl.pack_rows(extents, gap=2.0)
    by_row: dict[int, list[tuple[float, float]]] = {}
    for e, r in zip(extents, rows):
        by_row.setdefault(r, []).append(e)
    for es in by_row.values():
        for (a0, a1), (b0, b1) in zip(es, es[1:]):
            assert a1 + 2.0 <= b0
    # rows are used in order (no gaps)
    assert set(rows) == set(range(len(set(rows))))


def _extent(m: tl.Mark) -> tuple[float, float]:
    if not m.label or m.label_inside:
        return (m.x0, m.x1)
    w = tl.text_width(m.label)
    if m.label_anchor == "end":
        return (m.label_x - w, m.x1)
    return (m.x0, m.label_x + w)


dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 12, 31))


@st.composite
def claim_sets(draw):  # type: ignore[no-untyped-def]
    n = draw(st.integers(1, 40))
    out = []
    for i in range(n):
        a = draw(dates)
        days = draw(st.sampled_from([0, 0, 30, 364, 800]))
        b = min(a + timedelta(days=days), date(2030, 12, 31))
        value = draw(st.sampled_from(SCALE + ("a much longer label for a value",)))
        gran = "day" if a == b else "range"
        out.append(Claim(source=f"s{i % 3}", subject="S", predicate=draw(st.sampled_from(["rating", "other"])), value=value,
                         quote=f"q{i:02d}", span=(i, i + 3), time=TimeSpan(a, b, gran), modality=draw(st.sampled_from(["fact", "plan"]))))
    return out


@given(claim_sets())
@settings(max_examples=60, deadline=None)
def test_labels_never_collide_and_layout_is_deterministic(claims: list[Claim]) -> None:
    specs = tl.lane_specs(ruleset())
    a = tl.layout_subject("S", claims, [], {}, specs, "s")
    b = tl.layout_subject("S", list(reversed(claims)), [], {}, specs, "s")
    assert a == b
    assert a is not None
    for lane in a.lanes:
        rows: dict[float, list[tuple[float, float]]] = {}
        for m in lane.marks:
            rows.setdefault(m.y, []).append(_extent(m))
            assert lane.y <= m.y and m.y + tl.MARK_H <= lane.y + lane.height
        for es in rows.values():
            es.sort()
            for (a0, a1), (b0, b1) in zip(es, es[1:]):
                assert a1 <= b0 + 0.01
        if not lane.aggregated:
            assert len(lane.marks) == len([c for c in claims if c.predicate == lane.predicate])
    # lanes stack without overlapping
    for l1, l2 in zip(a.lanes, a.lanes[1:]):
        assert l1.y + l1.height <= l2.y + 0.01


def big_lane_report(n: int = 600) -> Report:
    text = "x" * 10
    srcs = [Source(id=f"s{i:04d}", path=f"s{i}.txt", text=text, published=date(2010 + i % 10, 1 + i % 12, 1 + i % 28)) for i in range(n)]
    claims = []
    for i, s in enumerate(srcs):
        y, m = 2010 + i % 10, 1 + (i * 7) % 12
        claims.append(Claim(source=s.id, subject="Big Trust", predicate="rating", value=SCALE[i % 4], quote="x" * 4, span=(0, 4),
                            time=_month(y, m, "m"), published=s.published))
    return Report(sources=srcs, claims=claims, findings=[])


def test_dense_lanes_are_aggregated_into_bins_with_counts_and_value_distribution() -> None:
    rep = big_lane_report(600)
    a = tl.layout_report(rep, tl.lane_specs(ruleset()))
    timeline = a[0][3]
    assert timeline is not None
    rating = [ln for ln in timeline.lanes if ln.predicate == "rating"][0]
    assert rating.aggregated and not rating.marks and rating.bin_unit in ("quarter", "year")
    assert sum(b.count for b in rating.bins) == 600
    for b in rating.bins:
        assert sum(s.count for s in b.segments) == b.count
        order = [SCALE.index(s.value) for s in b.segments]
        assert order == sorted(order)  # stacked in scale order
        assert f"{b.count} claims" in b.title
    pubs = timeline.lanes[-1]
    assert pubs.aggregated and sum(b.count for b in pubs.bins) == 600
    page = html_format.render(rep, ruleset=ruleset())
    dom = parse(page)
    assert len(dom.find_all("g", class_="bin")) == len(rating.bins) + len(pubs.bins)
    assert not [m for m in dom.find_all("a", class_="mark")]
    assert "Aggregated" in page
    assert len([r for r in dom.find_all("tr", class_="claim")]) == 600  # every claim still listed
    details = dom.find_all("details", class_="claims")[0]
    assert "open" not in details.attrs  # folded: 600 rows


def test_bin_labels_do_not_collide() -> None:
    rep = big_lane_report(600)
    timeline = tl.layout_report(rep, tl.lane_specs(ruleset()))[0][3]
    for lane in timeline.lanes:
        spans = sorted(((b.x0 + b.x1) / 2 - tl.text_width(b.label) / 2, (b.x0 + b.x1) / 2 + tl.text_width(b.label) / 2) for b in lane.bins if b.label)
        for (a0, a1), (b0, b1) in zip(spans, spans[1:]):
            assert a1 <= b0


def test_subject_without_dated_claims_has_no_timeline_but_its_claims_are_listed() -> None:
    s = Source(id="u", path="u.txt", text="The Ward Hospital said so.", title="Ward")
    c = Claim(source="u", subject="Ward Hospital", predicate="rating", value="good", quote="said so", span=(18, 25))
    page = html_format.render(Report(sources=[s], claims=[c], findings=[]), ruleset=ruleset())
    dom = parse(page)
    assert not dom.find_all("svg", class_="timeline")
    assert dom.by_id(f"claim-{c.id}") is not None and "undated" in dom.by_id(f"claim-{c.id}").text()
    assert "nothing to place in time" in page


def test_empty_report_renders() -> None:
    page = html_format.render(Report(sources=[], claims=[], findings=[]), ruleset=None)
    assert "No claims were found." in page and "No findings." in page
    parse(page)


@given(st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=80), st.lists(st.tuples(st.integers(0, 80), st.integers(0, 20)), max_size=6))
@settings(max_examples=150, deadline=None)
def test_marked_text_keeps_the_text_and_anchors_every_claim(text: str, spans: list[tuple[int, int]]) -> None:
    claims = []
    for i, (a, w) in enumerate(spans):
        a = min(a, len(text) - 1)
        b = min(a + max(w, 1), len(text))
        claims.append(Claim(source="s", subject="S", predicate="p", value=i, quote=text[a:b], span=(a, b)))
    src = Source(id="s", path="s", text=text)
    out = str(html_format.marked_text(src, claims))
    node = parse(f"<pre>{out}</pre>")
    assert node.text() == text.replace("\r\n", "\n").replace("\r", "\n") or node.text() == text
    for c in claims:
        assert node.by_id(f"q-{c.id}") is not None


def test_large_reports_link_claims_instead_of_inlining_quotes(story: Report, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(html_format, "INLINE_QUOTES", 0)
    dom = parse(html_format.render(story, ruleset=ruleset()))
    life = [li for li in dom.find_all("li", class_="finding") if li.attrs["data-kind"] == "lifecycle"][0]
    assert not life.find_all("figure")
    assert life.find_all("div", class_="quotes")[0].attrs.get("data-lazy") == "1"
    c = story_claims()
    hrefs = [a.attrs["href"] for a in life.find_all("p", class_="claim-links")[0].find_all("a")]
    assert hrefs == [f"#claim-{c[k].id}" for k in ("plan", "shelved", "announced")]  # time order
    assert life.attrs["data-claims"].split() == [c[k].id for k in ("plan", "shelved", "announced")]


def test_status_option_marks_baselined_findings(story: Report) -> None:
    f = story.findings[0]
    dom = parse(html_format.render(story, ruleset=ruleset(), status={f.id: "baselined"}, fail_on="error", set_name="x"))
    li = dom.by_id(f"finding-{f.id}")
    assert [s.text() for s in li.find_all("span", class_="status")] == ["baselined"]
    assert sum(len(x.find_all("span", class_="status")) for x in dom.find_all("li", class_="finding")) == 1


def test_output_does_not_depend_on_the_hash_seed() -> None:
    import hashlib
    import subprocess
    import sys
    from pathlib import Path

    here = Path(__file__).resolve().parent
    code = ("import sys, hashlib; sys.path.insert(0, %r); import test_html as t; "
            "from consistency.formats import html; "
            "print(hashlib.sha256(html.render(t.story_report(), ruleset=t.ruleset()).encode()).hexdigest())") % str(here)
    digests = set()
    for seed in ("1", "2"):
        env = {**__import__("os").environ, "PYTHONHASHSEED": seed}
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60, cwd=here.parent)
        assert out.returncode == 0, out.stderr
        digests.add(out.stdout.strip())
    expected = hashlib.sha256(html_format.render(story_report(), ruleset=ruleset()).encode()).hexdigest()
    assert digests == {expected}


def test_only_web_addresses_become_links() -> None:
    good = Source(id="w", path="w.txt", text="The Fenwick Hospital was rated good.", title="Fenwick", published=date(2021, 1, 5),
                  url="https://news.example.org/fenwick?a=1&b=2")
    bad = Source(id="v", path="v.txt", text="The Fenwick Hospital was rated good.", title="Fenwick", published=date(2021, 1, 6),
                 url="data:text/html,<script>alert(1)</script>")
    dom = parse(html_format.render(Report(sources=[good, bad], claims=[], findings=[]), ruleset=None))
    links = [a for a in dom.by_id("src-w").find_all("a") if a.attrs.get("href", "").startswith("http")]
    assert [a.attrs["href"] for a in links] == ["https://news.example.org/fenwick?a=1&b=2"]
    assert "noopener" in links[0].attrs["rel"] and "noreferrer" in links[0].attrs["rel"]
    assert not [a for a in dom.by_id("src-v").find_all("a") if a.attrs.get("href", "").startswith("data:")]
    assert "data:text/html,<script>alert(1)</script>" in dom.by_id("src-v").text()


def test_dates_at_the_ends_of_the_calendar_are_listed_not_drawn() -> None:
    s = Source(id="x", path="x.txt", text="The Mere Hospital was rated good.", published=date(2020, 1, 2))
    far = [Claim(source="x", subject="Mere Hospital", predicate="rating", value="good", quote="rated good", span=(22, 32),
                 time=TimeSpan(a, b, "year"), published=date(2020, 1, 2))
           for a, b in ((date(1, 1, 1), date(1, 12, 31)), (date(9999, 1, 1), date(9999, 12, 31)))]
    near = Claim(source="x", subject="Mere Hospital", predicate="rating", value="good", quote="was rated good", span=(18, 32),
                 time=_year(2019, "2019"), published=date(2020, 1, 2))
    dom = parse(html_format.render(Report(sources=[s], claims=far + [near], findings=[]), ruleset=ruleset()))
    assert [m.attrs["data-claim"] for m in dom.find_all("a", class_="mark") if m.attrs.get("data-claim")] == [near.id]
    assert all(dom.by_id(f"claim-{c.id}") is not None for c in far)
    assert "+2 undated" in dom.by_id("tl-mere-hospital").text()
