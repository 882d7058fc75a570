"""Data to geometry for the HTML report: one timeline per subject, one lane per predicate.

Pure, deterministic functions from model objects to frozen geometry values (pixels in an SVG
viewBox). No colours and no markup here: :mod:`consistency.svg` draws what this module places.
Labels never overlap (greedy row packing over each mark plus its label); a lane with too many
claims to draw one by one is aggregated into time bins with counts and a value distribution.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Iterable, Mapping, Optional, Sequence, Tuple

import attrs

from .model import Claim, Finding, Report, Source

__all__ = [
    "LaneSpec",
    "Tone",
    "Axis",
    "Tick",
    "Mark",
    "Segment",
    "Bin",
    "Link",
    "Lane",
    "Timeline",
    "Limits",
    "layout_report",
    "layout_subject",
    "lane_specs",
    "text_width",
    "pack_rows",
    "claim_label",
    "time_label",
    "publication_label",
    "time_key",
    "lane_order",
    "make_axis",
    "short",
    "slug",
    "subjects_in_order",
    "drawable",
]

# ---------------------------------------------------------------------------------------------
# Constants of the drawing (pixels in the viewBox)

WIDTH = 960.0
GUTTER = 176.0  # lane labels on the left
RIGHT = 16.0
ROW_H = 22.0
MARK_H = 12.0
POINT_R = 5.5
LEVEL_H = 13.0  # one level of finding links above a lane's marks
LANE_PAD = 8.0
AXIS_H = 28.0
BIN_LANE_H = 64.0
CHAR_W = 6.3  # average advance of the 11px label font, for collision estimates
MIN_BAR_W = 4.0
LABEL_GAP = 4.0


@attrs.frozen(slots=True)
class Limits:
    """When a lane stops being drawn claim by claim: more marks or more label rows than this."""

    max_marks: int = 60
    max_rows: int = 8
    max_link_levels: int = 6


@attrs.frozen(slots=True)
class LaneSpec:
    """What the rule pack says about a predicate: its label, type and (ordinal) scale order."""

    name: str
    label: str = ""
    type: str = ""
    values: Tuple[str, ...] = ()
    order: int = 1_000_000


#: How a mark is coloured: ("ramp", position 0..1 on an ordered scale), ("cat", palette index),
#: ("pub", 0) for publications, or ("plain", 0).
Tone = Tuple[str, float]


@attrs.frozen(slots=True)
class Tick:
    x: float
    label: str


@attrs.frozen(slots=True)
class Axis:
    """A closed range of days mapped linearly onto [x0, x1]; ``x(d)`` is the left edge of day d."""

    start: date
    end: date
    x0: float
    x1: float
    ticks: Tuple[Tick, ...] = ()

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def x(self, d: date) -> float:
        return self.x0 + (d - self.start).days * (self.x1 - self.x0) / self.days


@attrs.frozen(slots=True)
class Mark:
    """One claim (or one publication) drawn over its interval: a point for a day, else a bar."""

    key: str
    kind: str  # claim | pub
    shape: str  # point | bar
    x0: float
    x1: float
    y: float  # top of the mark
    label: str
    label_x: float
    label_anchor: str  # start | end
    label_inside: bool
    tone: Tone
    value: str
    modality: str = "fact"
    approximate: bool = False
    estimated: bool = False
    title: str = ""  # tooltip and accessible name: value, both dates, modality, source, quote
    conflict: bool = False

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2


@attrs.frozen(slots=True)
class Segment:
    value: str
    count: int
    tone: Tone
    y0: float
    y1: float


@attrs.frozen(slots=True)
class Bin:
    """An aggregated time bin: how many claims fall in it and their values, stacked."""

    x0: float
    x1: float
    start: date
    end: date
    count: int
    segments: Tuple[Segment, ...]
    title: str
    label: str  # count shown above the bar, "" when it would collide


@attrs.frozen(slots=True)
class Link:
    """A finding drawn between the marks of its claims, as arcs in time order above the lane."""

    finding: str
    kind: str
    severity: str
    points: Tuple[Tuple[float, float], ...]  # mark anchors, in time order
    apex_y: float
    label: str
    label_x: float
    arrow: bool
    claims: Tuple[str, ...]
    title: str


@attrs.frozen(slots=True)
class Lane:
    key: str
    predicate: str
    label: str
    y: float
    height: float
    marks: Tuple[Mark, ...] = ()
    bins: Tuple[Bin, ...] = ()
    links: Tuple[Link, ...] = ()
    legend: Tuple[Tuple[str, Tone], ...] = ()
    undated: int = 0
    aggregated: bool = False
    total: int = 0
    bin_unit: str = ""


@attrs.frozen(slots=True)
class Timeline:
    subject: str
    slug: str
    width: float
    height: float
    axis: Axis
    lanes: Tuple[Lane, ...]
    claims: int


# ---------------------------------------------------------------------------------------------
# Small pure helpers


def text_width(text: str, char_w: float = CHAR_W) -> float:
    """A deterministic estimate of a label's width (no font metrics in Python)."""
    return len(text) * char_w


def pack_rows(extents: Sequence[Tuple[float, float]], gap: float = 2.0) -> list[int]:
    """Greedy interval packing: the lowest row whose last extent ends before each one starts.

    ``extents`` must be in drawing order; returns a row index per extent. Two extents in the
    same row never overlap (with ``gap`` pixels between them).
    """
    ends: list[float] = []
    rows: list[int] = []
    for a, b in extents:
        for i, e in enumerate(ends):
            if e + gap <= a:
                ends[i] = b
                rows.append(i)
                break
        else:
            ends.append(b)
            rows.append(len(ends) - 1)
    return rows


def _fmt_value(c: Claim) -> str:
    v = c.value
    if v is None:
        text = "(no value)"
    elif isinstance(v, (int, float)) and not isinstance(v, bool):
        text = f"{v:,}" if isinstance(v, int) else f"{v:,.6g}"
    else:
        text = " ".join(str(v).split()) or "(blank)"  # one line: labels are drawn on one line
    unit = (c.unit or "").strip()
    if unit in _CURRENCY:
        text = f"{_CURRENCY[unit]}{text}"
    elif unit in ("%", "per cent", "percent"):
        text = f"{text}%"
    elif unit and unit not in ("count", "number"):
        text = f"{text} {unit}"
    if c.qualifier:
        text = f"{c.qualifier} {text}"
    return text


_CURRENCY = {"GBP": "£", "USD": "$", "EUR": "€", "£": "£", "$": "$", "€": "€"}
MAX_LABEL = 44


def short(text: str, limit: int = MAX_LABEL) -> str:
    """A label cut to ``limit`` characters with an ellipsis (the full text is in the title)."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def claim_label(c: Claim) -> str:
    """The text written next to a mark: the value, with modality and precision in words."""
    text = _fmt_value(c)
    if c.modality == "negated":
        text = f"not {text}"
    elif c.modality == "plan":
        text = f"{text} (plan)"
    elif c.modality == "prediction":
        text = f"{text} (forecast)"
    elif c.modality == "reported":
        text = f"{text} (reported)"
    if _estimated(c):
        text = f"{text} (est.)"
    elif c.time is not None and c.time.approximate:
        text = f"≈ {text}"
    return text


def time_label(c: Claim) -> str:
    """What time the claim is about, with its precision: never the publication date."""
    t = c.time
    if t is None or t.start is None or t.end is None:
        if t is not None and t.text:
            return f"{t.text!s} (unresolved)"
        return "undated"
    if t.start == t.end:
        iv = t.start.isoformat()
    else:
        iv = f"{t.start.isoformat()} to {t.end.isoformat()}"
    bits = [t.granularity.replace("_", " ")]
    if t.approximate:
        bits.append("approximate")
    if t.modifier:
        bits.append(t.modifier)
    if _estimated(c):
        bits.append("estimated")
    elif c.time_basis == "published":
        bits.append("as of publication")
    elif c.time_basis == "carried":
        bits.append("carried from earlier in the text")
    written = f"“{t.text}” " if t.text else ""
    return f"{written}{iv} ({', '.join(bits)})"


def publication_label(s: Optional[Source], basis: bool = True) -> str:
    """The publication date, or the estimated range marked as estimated (``basis``: and how)."""
    if s is None:
        return "unknown source"
    if s.published is not None:
        return s.published.isoformat()
    if s.published_range is not None:
        a, b = s.published_range
        how = f": {s.published_basis}" if s.published_basis and basis else ""
        return f"between {a.isoformat()} and {b.isoformat()} (estimated{how})"
    return "undated"


def _estimated(c: Claim) -> bool:
    return c.time_basis == "estimated" or (c.time is not None and c.time.anchor == "estimated")


def slug(text: str, taken: set[str]) -> str:
    """An id-safe, unique, deterministic slug (callers pass subjects in a stable order)."""
    base = "".join(ch.lower() if ch.isascii() and ch.isalnum() else "-" for ch in text).strip("-")
    base = "-".join(p for p in base.split("-") if p)[:40].strip("-") or "subject"
    out, n = base, 2
    while out in taken:
        out = f"{base}-{n}"
        n += 1
    taken.add(out)
    return out


# ---------------------------------------------------------------------------------------------
# Rule pack -> lane specs


def lane_specs(ruleset: object) -> dict[str, LaneSpec]:
    """Predicate name -> spec from a loaded RuleSet; ``{}`` when there is none or it is unusable."""
    if ruleset is None:
        return {}
    specs: dict[str, LaneSpec] = {}
    try:
        packs = getattr(ruleset, "packs")
        n = 0
        for p in packs:
            for a in p.attributes:
                if a.name not in specs:
                    specs[a.name] = LaneSpec(
                        name=a.name, label=a.label or a.name.replace("_", " "), type=a.type, values=tuple(a.values), order=n
                    )
                    n += 1
    except (AttributeError, TypeError):
        return {}
    return specs


_TYPE_ORDER = {"ordinal": 0, "lifecycle": 1, "event": 2, "role": 3, "enum": 4, "quantity": 5}


def _tones(spec: LaneSpec, claims: Sequence[Claim], ids: Mapping[int, str]) -> Tuple[dict[str, Tone], Tuple[Tuple[str, Tone], ...]]:
    """Tone per value and the lane legend: an ordered ramp for ordinal scales, else categories."""
    seen: list[str] = []
    for c in sorted(claims, key=lambda c: time_key(c, ids[id(c)])):
        v = _fmt_value(c) if spec.type == "quantity" else str(c.value)
        if v not in seen:
            seen.append(v)
    if spec.type == "ordinal" and spec.values:
        scale = list(spec.values) + [v for v in seen if v not in spec.values]
        n = max(len(spec.values) - 1, 1)
        tones: dict[str, Tone] = {}
        for v in scale:
            tones[v] = ("ramp", round(spec.values.index(v) / n, 4)) if v in spec.values else ("plain", 0.0)
        legend = tuple((v, tones[v]) for v in spec.values)
        return tones, legend
    if spec.type == "quantity":
        return {v: ("plain", 0.0) for v in seen}, ()
    tones = {v: ("cat", float(i)) for i, v in enumerate(seen)}
    legend = tuple((v, tones[v]) for v in seen[:12]) if len(seen) <= 12 else ()
    return tones, legend


def time_key(c: Claim, cid: str) -> Tuple[object, ...]:
    """Time order of claims (undated last), ties broken by value and id: total and stable."""
    w = c.when
    return (w[0] if w else date.max, w[1] if w else date.max, str(c.value), cid)


# ---------------------------------------------------------------------------------------------
# Axis


def make_axis(first: date, last: date, x0: float = GUTTER, x1: float = WIDTH - RIGHT) -> Axis:
    """Whole calendar years around [first, last], with year ticks thinned to stay legible."""
    start = date(first.year, 1, 1)
    end = date(last.year, 12, 31)
    years = last.year - first.year + 1
    step = 1
    while (x1 - x0) / years * step < 38:
        step = {1: 2, 2: 5, 5: 10, 10: 20, 20: 50}.get(step, step * 2)
    axis = Axis(start, end, x0, x1)
    ticks = [Tick(round(axis.x(date(y, 1, 1)), 2), str(y)) for y in range(first.year, last.year + 1) if (y - first.year) % step == 0]
    return attrs.evolve(axis, ticks=tuple(ticks))


# ---------------------------------------------------------------------------------------------
# Lanes


@attrs.frozen(slots=True)
class _Item:
    key: str
    start: date
    end: date
    label: str
    value: str
    tone: Tone
    point: bool
    kind: str = "claim"
    modality: str = "fact"
    approximate: bool = False
    estimated: bool = False
    title: str = ""
    conflict: bool = False


def _place(items: Sequence[_Item], axis: Axis) -> Tuple[list[Tuple[float, float, float, str, bool]], list[Tuple[float, float]]]:
    """Horizontal geometry of each item and the extent it occupies with its label."""
    geo = []
    extents = []
    for it in items:
        a = axis.x(it.start)
        b = axis.x(it.end + timedelta(days=1))
        if it.point:
            a, b = (a + b) / 2 - POINT_R, (a + b) / 2 + POINT_R
        elif b - a < MIN_BAR_W:
            mid = (a + b) / 2
            a, b = mid - MIN_BAR_W / 2, mid + MIN_BAR_W / 2
        lw = text_width(it.label)
        if not it.label:
            lx, anchor, inside, ext = b, "start", False, (a, b)
        elif not it.point and b - a >= lw + 8:
            lx, anchor, inside, ext = a + 4, "start", True, (a, b)
        elif b + LABEL_GAP + lw <= axis.x1 + RIGHT:
            lx, anchor, inside, ext = b + LABEL_GAP, "start", False, (a, b + LABEL_GAP + lw)
        else:
            lx, anchor, inside, ext = a - LABEL_GAP, "end", False, (a - LABEL_GAP - lw, b)
        geo.append((round(a, 2), round(b, 2), round(lx, 2), anchor, inside))
        extents.append(ext)
    return geo, extents


def _bin_unit(axis: Axis) -> str:
    years = axis.end.year - axis.start.year + 1
    per_month = (axis.x1 - axis.x0) / (years * 12)
    if per_month >= 14:
        return "month"
    if per_month * 3 >= 14:
        return "quarter"
    return "year"


def _bin_of(d: date, unit: str) -> Tuple[date, date]:
    if unit == "month":
        start = date(d.year, d.month, 1)
        nxt = date(d.year + (d.month == 12), d.month % 12 + 1, 1)
    elif unit == "quarter":
        m = (d.month - 1) // 3 * 3 + 1
        start = date(d.year, m, 1)
        nxt = date(d.year + (m == 10), (m + 2) % 12 + 1, 1)
    else:
        start, nxt = date(d.year, 1, 1), date(d.year + 1, 1, 1)
    return start, nxt - timedelta(days=1)


def _aggregate(items: Sequence[_Item], axis: Axis, top: float, order: Sequence[str], noun: str = "claim") -> Tuple[Tuple[Bin, ...], str]:
    """Bins by month, quarter or year (whichever is at least ~14px wide), stacked by value.

    An item falls in the bin of its interval's midpoint, so a year-long claim counts once.
    Values that share a neutral tone (figures, publications) make one segment; the tooltip
    lists the commonest values.
    """
    unit = _bin_unit(axis)
    groups: dict[Tuple[date, date], dict[str, int]] = {}
    tone_of: dict[str, Tone] = {}
    for it in items:
        mid = it.start + (it.end - it.start) / 2
        dist = groups.setdefault(_bin_of(mid, unit), {})
        dist[it.value] = dist.get(it.value, 0) + 1
        tone_of.setdefault(it.value, it.tone)
    rank = {v: i for i, v in enumerate(order)}
    biggest = max((sum(d.values()) for d in groups.values()), default=1)
    inner = BIN_LANE_H - 18
    bins = []
    last_label_end = -1e9
    for (start, end), dist in sorted(groups.items()):
        x0, x1 = axis.x(start), axis.x(end + timedelta(days=1))
        count = sum(dist.values())
        h = max(inner * count / biggest, 2.0)
        y = top + 14 + inner - h
        values = sorted(dist, key=lambda v: (rank.get(v, len(rank)), v))
        stacks: list[Tuple[str, int, Tone]] = []
        for v in values:
            tone = tone_of[v]
            if stacks and tone[0] in ("plain", "pub") and stacks[-1][2] == tone:
                stacks[-1] = (stacks[-1][0], stacks[-1][1] + dist[v], tone)
            else:
                stacks.append((v if tone[0] not in ("plain", "pub") else "", dist[v], tone))
        segs = []
        for v, n, tone in stacks:
            sh = h * n / count
            segs.append(Segment(v, n, tone, round(y, 2), round(y + sh, 2)))
            y += sh
        common = values if len(values) <= 8 else sorted(values, key=lambda v: (-dist[v], rank.get(v, len(rank)), v))[:8]
        parts = ", ".join(f"{v}: {dist[v]}" for v in common)
        if len(values) > len(common):
            parts += f", and {len(values) - len(common)} other values"
        period = start.isoformat()[: 7 if unit != "year" else 4]
        if unit == "quarter":
            period = f"{start.year} Q{(start.month - 1) // 3 + 1}"
        title = f"{period}: {count} {noun}{'s' * (count != 1)} ({parts})"
        label = str(count)
        lw = text_width(label)
        lx0 = (x0 + x1) / 2 - lw / 2
        if lx0 < last_label_end + 2:
            label = ""
        else:
            last_label_end = lx0 + lw
        bins.append(Bin(round(x0 + 0.5, 2), round(x1 - 0.5, 2), start, end, count, tuple(segs), title, label))
    return tuple(bins), unit


def _lane(
    key: str,
    predicate: str,
    label: str,
    items: Sequence[_Item],
    undated: int,
    axis: Axis,
    top: float,
    limits: Limits,
    legend: Tuple[Tuple[str, Tone], ...],
    order: Sequence[str],
    link_requests: Sequence[Tuple[Finding, Sequence[str]]],
) -> Lane:
    items = sorted(items, key=lambda it: (it.start, it.end, it.value, it.key))
    geo, extents = _place(items, axis)
    rows = pack_rows(extents) if items else []
    n_rows = max(rows, default=-1) + 1
    if len(items) > limits.max_marks or n_rows > limits.max_rows:
        bins, unit = _aggregate(items, axis, top, order, "source" if items[0].kind == "pub" else "claim")
        return Lane(key, predicate, label, top, BIN_LANE_H, bins=bins, legend=legend, undated=undated,
                    aggregated=True, total=len(items), bin_unit=unit)
    # finding links: pack their horizontal extents into levels above the marks
    anchors_x = {it.key: (g[0] + g[1]) / 2 for it, g in zip(items, geo)}
    by_key = {it.key: it for it in items}
    pending = []
    for f, ids in link_requests:
        present = [i for i in ids if i in by_key]
        if len(present) < 2:
            continue
        present.sort(key=lambda i: (by_key[i].start, by_key[i].end, i))
        xs = [anchors_x[i] for i in present]
        text = _link_label(f)
        mid = (xs[-2] + xs[-1]) / 2
        lw = text_width(text, 5.8)
        ext = (min(min(xs), mid - lw / 2), max(max(xs), mid + lw / 2))
        pending.append((ext, f, present, text, mid))
    pending.sort(key=lambda p: (p[0][0], p[0][1], p[1].id))
    levels = pack_rows([p[0] for p in pending], gap=4.0)
    n_levels = min(max(levels, default=-1) + 1, limits.max_link_levels)
    band = n_levels * LEVEL_H + (6 if n_levels else 0)
    marks_top = top + LANE_PAD + band
    y_of = {}
    marks = []
    for it, (a, b, lx, anchor, inside), r in zip(items, geo, rows):
        y = round(marks_top + r * ROW_H, 2)
        y_of[it.key] = y
        marks.append(
            Mark(it.key, it.kind, "point" if it.point else "bar", a, b, y, it.label, lx, anchor, inside, it.tone, it.value,
                 it.modality, it.approximate, it.estimated, it.title, it.conflict)
        )
    links = []
    for (ext, f, present, text, mid), lvl in zip(pending, levels):
        lvl = min(lvl, n_levels - 1)
        apex = round(top + LANE_PAD + (n_levels - 1 - lvl) * LEVEL_H + 4, 2)
        pts = tuple((round(anchors_x[i], 2), y_of[i]) for i in present)
        links.append(Link(f.id, f.kind, f.severity, pts, apex, text, round(mid, 2),
                          f.kind in ("transition", "lifecycle", "refinement"), tuple(present), f"{f.kind.replace('_', ' ')}: {short(f.message, 160)}"))
    height = LANE_PAD + band + max(n_rows, 1) * ROW_H + LANE_PAD / 2
    return Lane(key, predicate, label, top, round(height, 2), tuple(marks), (), tuple(links), legend, undated, False, len(items))


_LINK_WORD = {
    "conflict": "≠ conflict",
    "agreement": "= agree",
    "approximate_agreement": "≈ agree",
    "refinement": "⊂ refines",
    "anachronism": "anachronism",
    "prediction": "forecast",
    "uncorroborated": "uncorroborated",
}


def _link_label(f: Finding) -> str:
    d = (f.detail or "").strip()
    if f.kind == "transition":
        arrow = {"up": "↑", "down": "↓"}.get(d, "→")
        return f"{arrow} {d}" if d else "→ change"
    if f.kind == "lifecycle":
        return f"↻ {d}" if d else "↻ lifecycle"
    if f.kind == "prediction" and d:
        return f"forecast {d}"
    return _LINK_WORD.get(f.kind, f.kind)


# ---------------------------------------------------------------------------------------------
# Subjects


def _claim_item(c: Claim, cid: str, tone: Tone, source: Optional[Source], findings: Sequence[Finding]) -> _Item:
    assert c.time is not None and c.time.start is not None and c.time.end is not None
    label = claim_label(c)
    pub = publication_label(source, basis=False)
    drawn = short(label)
    lines = [
        f"{c.predicate.replace('_', ' ')}: {_fmt_value(c)}",
        f"About: {time_label(c)}",
        f"Published: {pub}",
        f"Modality: {c.modality}",
        f"Source: {c.source}",
    ]
    if c.speaker:
        lines.append(f"Speaker: {c.speaker}")
    lines.append(f"“{short(c.quote, 100)}”")
    if findings:
        kinds = sorted({f.kind.replace("_", " ") for f in findings})
        lines.append(f"Findings: {len(findings)} ({', '.join(kinds)})")
    return _Item(
        key=cid,
        start=c.time.start,
        end=c.time.end,
        label=drawn,
        value=_fmt_value(c) if tone[0] == "plain" else str(c.value),
        tone=tone,
        point=c.time.start == c.time.end,
        modality=c.modality,
        approximate=bool(c.time.approximate),
        estimated=_estimated(c),
        title="\n".join(lines),
        conflict=any(f.kind == "conflict" for f in findings),
    )


def layout_subject(
    subject: str,
    claims: Sequence[Claim],
    findings: Sequence[Finding],
    sources: Mapping[str, Source],
    specs: Mapping[str, LaneSpec],
    slug_: str,
    limits: Limits = Limits(),
    ids: Optional[Mapping[int, str]] = None,
) -> Optional[Timeline]:
    """One subject's timeline: lanes per predicate (rule-pack order), then its publications.

    Returns None when none of the subject's claims has a resolved time (they still appear in
    the page's tables). ``ids`` maps ``id(claim)`` to ``claim.id`` when the caller has them
    (claim ids are hashes: computing them once per render matters for large reports).
    """
    ids = ids if ids is not None else {id(c): c.id for c in claims}
    dated = [c for c in claims if drawable(c)]
    if not dated:
        return None
    used_sources = sorted({c.source for c in claims if c.source in sources})
    days: list[date] = [d for c in dated for d in c.when]  # type: ignore[union-attr]
    for sid in used_sources:
        rng = sources[sid].date_range
        if rng:
            days.extend(rng)
    axis = make_axis(min(days), max(days))
    by_claim: dict[str, list[Finding]] = {}
    for f in findings:
        for cid in f.claims:
            by_claim.setdefault(cid, []).append(f)
    predicates = sorted({c.predicate for c in claims}, key=lambda p: lane_order(p, specs))
    lanes: list[Lane] = []
    y = AXIS_H
    for pred in predicates:
        spec = specs.get(pred, LaneSpec(pred, pred.replace("_", " ")))
        pcs = [c for c in claims if c.predicate == pred]
        tones, legend = _tones(spec, pcs, ids)
        items = []
        for c in pcs:
            if not drawable(c):
                continue
            v = _fmt_value(c) if spec.type == "quantity" else str(c.value)
            cid = ids[id(c)]
            items.append(_claim_item(c, cid, tones.get(v, ("plain", 0.0)), sources.get(c.source), by_claim.get(cid, ())))
        order = list(spec.values) if spec.type == "ordinal" else [v for v, _ in legend] or sorted(tones)
        reqs = [(f, f.claims) for f in findings if f.predicate == pred]
        lane = _lane(f"{slug_}--{pred}", pred, spec.label or pred.replace("_", " "), items, len(pcs) - len(items),
                     axis, y, limits, legend, order, reqs)
        lanes.append(lane)
        y += lane.height
    pubs = []
    for sid in used_sources:
        s = sources[sid]
        rng = s.date_range
        if rng is None:
            continue
        est = s.published is None
        title = f"Source {s.id} published {publication_label(s, basis=False)}"
        pubs.append(_Item(sid, rng[0], rng[1], "", "estimated" if est else "published", ("pub", 0.0), not est,
                          kind="pub", estimated=est, approximate=est, title=title))
    if pubs:
        lane = _lane(f"{slug_}--published", "", "sources published", pubs, 0, axis, y, limits, (), ["published", "estimated"], ())
        lanes.append(lane)
        y += lane.height
    return Timeline(subject, slug_, WIDTH, round(y + 6, 2), axis, tuple(lanes), len(claims))


def lane_order(pred: str, specs: Mapping[str, LaneSpec]) -> Tuple[int, int, str]:
    s = specs.get(pred)
    if s is None:
        return (9, 0, pred)
    return (_TYPE_ORDER.get(s.type, 8), s.order, pred)


#: Dates a timeline can place (a parser's year 1 or 9999 would stretch every axis to nothing).
FIRST_DAY, LAST_DAY = date(1000, 1, 1), date(8999, 12, 31)


def drawable(c: Claim) -> bool:
    """Whether a claim has a resolved time a timeline can draw (else it is only listed)."""
    w = c.when
    return w is not None and FIRST_DAY <= w[0] and w[1] <= LAST_DAY


def subjects_in_order(claims: Iterable[Claim]) -> list[Tuple[str, list[Claim]]]:
    """Subjects with their claims, most claims first, then by name: a total, stable order."""
    groups: dict[str, list[Claim]] = {}
    for c in claims:
        groups.setdefault(c.subject, []).append(c)
    return sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))


def layout_report(
    report: Report, specs: Mapping[str, LaneSpec], limits: Limits = Limits(), ids: Optional[Mapping[int, str]] = None
) -> list[Tuple[str, str, list[Claim], Optional[Timeline]]]:
    """(subject, slug, claims, timeline or None) for every subject of the report, in page order."""
    ids = ids if ids is not None else {id(c): c.id for c in report.claims}
    sources = {s.id: s for s in report.sources}
    findings_by_subject: dict[str, list[Finding]] = {}
    for f in report.findings:
        findings_by_subject.setdefault(f.subject, []).append(f)
    taken: set[str] = set()
    out = []
    for subject, cs in subjects_in_order(report.claims):
        sl = slug(subject, taken)
        tl = layout_subject(subject, cs, findings_by_subject.get(subject, []), sources, specs, sl, limits, ids)
        out.append((subject, sl, cs, tl))
    return out
