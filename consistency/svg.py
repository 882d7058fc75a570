"""Geometry to SVG markup for the HTML report: timelines, marks, bins and finding links.

Every string that may come from a document is escaped here (text and attributes alike), so the
returned :class:`markupsafe.Markup` can be placed in a template as is. Numbers are written with
fixed precision so the same geometry always gives the same bytes.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from .timeline_layout import AXIS_H, MARK_H, POINT_R, Bin, Lane, Link, Mark, Timeline, Tone

__all__ = ["colour", "timeline_svg", "defs_svg", "swatch_svg", "RAMP", "PALETTE"]

#: Ordered ramp, lowest to highest step of a scale (red, amber, blue: distinct for most colour
#: vision; labels and patterns carry the meaning too).
RAMP = ((0.0, (178, 24, 43)), (0.5, (214, 140, 20)), (1.0, (33, 102, 172)))
#: Unordered values (Okabe-Ito, without yellow).
PALETTE = ("#0072b2", "#d55e00", "#009e73", "#cc79a7", "#56b4e9", "#e69f00", "#000000", "#7f7f7f")
PLAIN = "#5b6b7f"
PUB = "#3a3a3a"
CONFLICT = "#c00000"


def _num(v: float) -> str:
    s = f"{v:.2f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def _attrs(**kw: object) -> str:
    """Escaped attributes; None/False omitted; ``class_`` -> ``class``, ``aria_label`` -> ``aria-label``."""
    out = []
    for k, v in kw.items():
        if v is None or v is False:
            continue
        name = k.rstrip("_").replace("_", "-")
        if isinstance(v, float):
            v = _num(v)
        out.append(f' {name}="{escape(str(v))}"')
    return "".join(out)


def colour(tone: Tone) -> str:
    """The fill of a tone: a position on the ordered ramp, a palette entry, or neutral."""
    kind, pos = tone
    if kind == "ramp":
        for (p0, c0), (p1, c1) in zip(RAMP, RAMP[1:]):
            if pos <= p1:
                t = 0.0 if p1 == p0 else (pos - p0) / (p1 - p0)
                rgb = tuple(round(a + (b - a) * t) for a, b in zip(c0, c1))
                return "#%02x%02x%02x" % rgb
        return "#%02x%02x%02x" % RAMP[-1][1]
    if kind == "cat":
        return PALETTE[int(pos) % len(PALETTE)]
    if kind == "pub":
        return PUB
    return PLAIN


def defs_svg() -> Markup:
    """Shared patterns and arrowheads, once per page (referenced by id from every timeline)."""
    return Markup(
        '<svg class="defs" width="0" height="0" aria-hidden="true" focusable="false"><defs>'
        '<pattern id="cx-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
        '<rect width="6" height="6" fill="#ffffff" fill-opacity="0.15"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#ffffff" stroke-width="2.4"/></pattern>'
        '<pattern id="cx-hatch-dark" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#3a3a3a" stroke-width="1.4"/></pattern>'
        '<marker id="cx-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
        '<path d="M0,0 L10,5 L0,10 z" fill="#333333"/></marker>'
        "</defs></svg>"
    )


def swatch_svg(tone: Tone, label: str) -> Markup:
    """A small legend swatch (decorative: the label next to it says the value)."""
    return Markup(
        f'<svg class="swatch" width="14" height="10" aria-hidden="true" focusable="false">'
        f'<rect width="14" height="10" rx="2"{_attrs(fill=colour(tone))}/></svg>'
    )


def _mark(m: Mark) -> str:
    fill = colour(m.tone)
    classes = ["mark", f"mod-{m.modality}"] + (["kind-pub"] if m.kind == "pub" else [])
    if m.approximate:
        classes.append("approx")
    if m.estimated:
        classes.append("est")
    if m.conflict:
        classes.append("has-conflict")
    outlined = m.modality in ("plan", "prediction", "negated")
    dash = {"plan": "5 3", "prediction": "2 2", "reported": "1 2"}.get(m.modality)
    shape_attrs = dict(
        fill="#ffffff" if outlined else fill,
        stroke=fill,
        stroke_width=2.0 if outlined else None,
        stroke_dasharray=dash,
        opacity=0.55 if m.estimated else None,
    )
    href = f"#claim-{m.key}" if m.kind == "claim" else f"#src-{m.key}"
    out = [
        f"<a{_attrs(class_=' '.join(classes), href=href, data_claim=m.key if m.kind == 'claim' else None, data_source=m.key if m.kind == 'pub' else None)}>",
        f"<title>{escape(m.title)}</title>",
    ]
    cy = m.y + MARK_H / 2
    if m.shape == "point":
        cx = m.cx
        if m.kind == "pub":
            pts = f"{_num(cx)},{_num(cy - POINT_R)} {_num(cx + POINT_R)},{_num(cy)} {_num(cx)},{_num(cy + POINT_R)} {_num(cx - POINT_R)},{_num(cy)}"
            out.append(f"<polygon{_attrs(class_='shape', points=pts, **shape_attrs)}/>")
        else:
            out.append(f"<circle{_attrs(class_='shape', cx=cx, cy=cy, r=POINT_R, **shape_attrs)}/>")
            if m.approximate or m.estimated:
                out.append(f"<circle{_attrs(class_='hatch', cx=cx, cy=cy, r=POINT_R, fill='url(#cx-hatch-dark)' if outlined else 'url(#cx-hatch)')}/>")
    else:
        w = m.x1 - m.x0
        out.append(f"<rect{_attrs(class_='shape', x=m.x0, y=m.y, width=w, height=float(MARK_H), rx=2.0, **shape_attrs)}/>")
        if m.approximate or m.estimated:
            hatch = "url(#cx-hatch-dark)" if outlined or m.kind == "pub" else "url(#cx-hatch)"
            out.append(f"<rect{_attrs(class_='hatch', x=m.x0, y=m.y, width=w, height=float(MARK_H), rx=2.0, fill=hatch)}/>")
    if m.modality == "negated":
        out.append(f"<line{_attrs(class_='strike', x1=m.x0, y1=m.y + MARK_H, x2=m.x1, y2=m.y, stroke=fill, stroke_width=1.5)}/>")
    if m.conflict:
        out.append(f"<rect{_attrs(class_='ring', x=m.x0 - 3, y=m.y - 3, width=m.x1 - m.x0 + 6, height=MARK_H + 6.0, rx=4.0, fill='none', stroke=CONFLICT, stroke_width=2.0)}/>")
    if m.label:
        cls = "lbl inside" if m.label_inside else "lbl"
        out.append(f"<text{_attrs(class_=cls, x=m.label_x, y=m.y + MARK_H - 2.0, text_anchor='end' if m.label_anchor == 'end' else None)}>{escape(m.label)}</text>")
    out.append("</a>")
    return "".join(out)


def _bin(b: Bin, lane: Lane) -> str:
    out = [f"<g{_attrs(class_='bin', tabindex='0', role='img')}><title>{escape(b.title)}</title>"]
    for s in b.segments:
        out.append(f"<rect{_attrs(x=b.x0, y=s.y0, width=max(b.x1 - b.x0, 1.0), height=max(s.y1 - s.y0, 0.5), fill=colour(s.tone))}/>")
    if b.label:
        top = b.segments[0].y0 if b.segments else lane.y + 14
        out.append(f"<text{_attrs(class_='count', x=(b.x0 + b.x1) / 2, y=top - 3, text_anchor='middle')}>{escape(b.label)}</text>")
    out.append("</g>")
    return "".join(out)


def _link(k: Link) -> str:
    classes = f"link link-{k.kind} sev-{k.severity}"
    out = [f"<g{_attrs(class_=classes, data_finding=k.finding, data_claims=' '.join(k.claims))}><title>{escape(k.title)}</title>"]
    pts = k.points
    for i, ((x1, y1), (x2, y2)) in enumerate(zip(pts, pts[1:])):
        d = f"M{_num(x1)},{_num(y1)} C{_num(x1)},{_num(k.apex_y)} {_num(x2)},{_num(k.apex_y)} {_num(x2)},{_num(y2 - (2 if k.arrow else 0))}"
        out.append(f"<path{_attrs(class_='arc', d=d, fill='none', marker_end='url(#cx-arrow)' if k.arrow else None)}/>")
    out.append(f"<text{_attrs(class_='link-label', x=k.label_x, y=k.apex_y + 3.0, text_anchor='middle')}>{escape(k.label)}</text>")
    out.append("</g>")
    return "".join(out)


def _lane(lane: Lane, tl: Timeline, index: int) -> str:
    out = [f"<g{_attrs(class_='lane' + (' aggregated' if lane.aggregated else ''), data_predicate=lane.predicate or None, data_lane=lane.predicate or 'published', id='lane-' + lane.key)}>"]
    if index % 2 == 0:
        out.append(f"<rect{_attrs(class_='band', x=0.0, y=lane.y, width=tl.width, height=lane.height)}/>")
    label = lane.label if len(lane.label) <= 26 else lane.label[:25] + "…"
    full = f"<title>{escape(lane.label)}</title>" if label != lane.label else ""
    out.append(f"<text{_attrs(class_='lane-label', x=8.0, y=lane.y + 17)}>{full}{escape(label)}</text>")
    notes = []
    if lane.aggregated:
        noun = "claims" if lane.predicate else "sources"
        notes.append(f"{lane.total} {noun} by {lane.bin_unit}")
    if lane.undated:
        notes.append(f"+{lane.undated} undated")
    if notes:
        out.append(f"<text{_attrs(class_='lane-note', x=8.0, y=lane.y + 31)}>{escape('; '.join(notes))}</text>")
    for b in lane.bins:
        out.append(_bin(b, lane))
    for m in lane.marks:
        out.append(_mark(m))
    for k in lane.links:  # links above marks so their labels stay readable
        out.append(_link(k))
    out.append("</g>")
    return "".join(out)


def timeline_svg(tl: Timeline) -> Markup:
    """The whole inline SVG of one subject's timeline."""
    ax = tl.axis
    out = [
        f"<svg{_attrs(class_='timeline', id='tl-' + tl.slug, viewBox=f'0 0 {_num(tl.width)} {_num(tl.height)}', width=tl.width, height=tl.height, role='group', aria_label=f'Timeline of {tl.subject}: {len(tl.lanes)} lanes')}"
        ">"
    ]
    out.append(f"<line{_attrs(class_='axis', x1=ax.x0, y1=AXIS_H - 6.0, x2=ax.x1, y2=AXIS_H - 6.0)}/>")
    if ax.ticks:  # one path for all grid lines: fewer elements on large pages
        d = "".join(f"M{_num(t.x)},{_num(AXIS_H - 10.0)}V{_num(tl.height - 4)}" for t in ax.ticks)
        out.append(f"<path{_attrs(class_='grid', d=d)}/>")
    for t in ax.ticks:
        out.append(f"<text{_attrs(class_='tick', x=t.x + 3, y=AXIS_H - 11.0)}>{escape(t.label)}</text>")
    for i, lane in enumerate(tl.lanes):
        out.append(_lane(lane, tl, i))
    out.append(f"<line{_attrs(class_='publine', x1=0.0, y1=0.0, x2=0.0, y2=tl.height, visibility='hidden')}/>")
    out.append("</svg>")
    return Markup("".join(out))
