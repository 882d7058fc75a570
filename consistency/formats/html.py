"""The self-contained HTML report: summary, a timeline per subject, findings, and the source texts.

One file with inline CSS, SVG and a little plain JavaScript; it loads nothing from the network
(a Content-Security-Policy pins the inline style and script by hash, so nothing else can run).
Jinja2 renders it with autoescaping on; SVG is built by :mod:`consistency.svg`, which escapes
too. The same report always gives the same bytes: no clock, no random ids, stable ordering.
"""

from __future__ import annotations

import base64
import hashlib
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Mapping, Optional, Sequence, Tuple

from markupsafe import Markup, escape

from ..model import KINDS, MODALITIES, SEVERITIES, Claim, Report, Source
from .. import svg as _svg
from .. import timeline_layout as tl

__all__ = ["render"]

_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"

#: Above this many rows a subject's claims table starts folded (still readable without JavaScript).
FOLD_ROWS = 200
#: Above this many sources their texts start folded.
FOLD_SOURCES = 40
#: Above this many findings the side-by-side quotes are built in the browser from the claims
#: table when a finding is chosen (without JavaScript each finding links to its claims' rows).
INLINE_QUOTES = 300


@lru_cache(maxsize=1)
def _env() -> Any:
    import jinja2  # an added dependency: see docs/html-report.md

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(_TEMPLATES)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


@lru_cache(maxsize=1)
def _assets() -> Tuple[str, str]:
    css = (_TEMPLATES / "report.css").read_text(encoding="utf-8")
    js = (_TEMPLATES / "report.js").read_text(encoding="utf-8")
    return css, js


def _csp_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def _default_ruleset() -> object:
    """The shipped rule packs, if they load; the page still renders without them."""
    try:
        from .. import rulepack

        load = getattr(rulepack, "load", None)
        return load() if load is not None else None
    except Exception:  # any failure only costs the ordinal colour order
        return None


def marked_text(source: Source, claims: Sequence[Claim], ids: Optional[Mapping[int, str]] = None) -> Markup:
    """The source text, escaped, with every claim's quoted span wrapped in ``<mark>``.

    Overlapping spans are split at every boundary; each piece lists the claims covering it in
    ``data-claims``. The piece where a claim starts carries ``id="q-<claim id>"`` (claims that
    start at the same offset get an empty ``<mark>`` anchor each), so ``#q-<id>`` always works.
    """
    text = source.text
    spans = [(c.span[0], c.span[1], ids[id(c)] if ids else c.id) for c in claims if _in_text(c, text)]
    if not spans:
        return Markup(escape(text))
    cuts = sorted({0, len(text)} | {a for a, _, _ in spans} | {b for _, b, _ in spans})
    starts: dict[int, list[str]] = {}
    for a, _, cid in sorted(spans):
        starts.setdefault(a, []).append(cid)
    out: list[str] = []
    for a, b in zip(cuts, cuts[1:]):
        piece = escape(text[a:b])
        covering = sorted(cid for s, e, cid in spans if s <= a and b <= e)
        if not covering:
            out.append(str(piece))
            continue
        first = starts.get(a, [])
        for extra in first[1:]:
            out.append(f'<mark class="anchor" id="q-{escape(extra)}" data-claims="{escape(extra)}"></mark>')
        ident = f' id="q-{escape(first[0])}"' if first else ""
        out.append(f'<mark{ident} data-claims="{escape(" ".join(covering))}">{piece}</mark>')
    return Markup("".join(out))


def _in_text(c: Claim, text: str) -> bool:
    """Whether the claim's span really holds its quote (only then can the text mark it)."""
    return c.span[0] < c.span[1] <= len(text) and text[c.span[0] : c.span[1]] == c.quote


def _claim_view(c: Claim, cid: str, sources: Mapping[str, Source], in_text: set[str], titles: bool) -> dict[str, Any]:
    s = sources.get(c.source)
    return {
        "id": cid,
        "label": tl.claim_label(c),
        "about": tl.time_label(c),
        "modality": c.modality,
        "speaker": c.speaker or "",
        "quote": c.quote,
        "source": c.source,
        "source_title": (s.title if titles and s is not None and s.title else c.source),
        "published": tl.publication_label(s, basis=False),
        "estimated_pub": bool(s is not None and s.published is None and s.published_range is not None),
        "in_text": cid in in_text,
    }


def _lane_legends(timeline: Optional[tl.Timeline]) -> list[dict[str, Any]]:
    out = []
    if timeline is None:
        return out
    for lane in timeline.lanes:
        if not lane.legend:
            continue
        ordered = lane.legend[0][1][0] == "ramp"
        out.append({
            "label": lane.label,
            "ordered": ordered,
            "entries": [{"value": v, "swatch": _svg.swatch_svg(t, v)} for v, t in lane.legend],
        })
    return out


def _summary(report: Report) -> dict[str, Any]:
    by_kind = {k: {s: 0 for s in SEVERITIES} for k in KINDS}
    for f in report.findings:
        by_kind[f.kind][f.severity] += 1
    rows = [{"kind": k, "counts": [by_kind[k][s] for s in SEVERITIES], "total": sum(by_kind[k].values())} for k in KINDS if sum(by_kind[k].values())]
    modality = {m: 0 for m in MODALITIES}
    for c in report.claims:
        modality[c.modality] += 1
    return {
        "sources": len(report.sources),
        "dated": sum(1 for s in report.sources if s.published is not None),
        "estimated": sum(1 for s in report.sources if s.published is None and s.published_range is not None),
        "undated": sum(1 for s in report.sources if s.date_range is None),
        "claims": len(report.claims),
        "undated_claims": sum(1 for c in report.claims if c.when is None),
        "subjects": len({c.subject for c in report.claims}),
        "findings": len(report.findings),
        "rows": rows,
        "severities": SEVERITIES,
        "modality": [(m, n) for m, n in modality.items() if n],
        "by_severity": [(s, sum(1 for f in report.findings if f.severity == s)) for s in SEVERITIES],
    }


def _safe_url(url: Optional[str]) -> Optional[str]:
    """Only plain web addresses become links; anything else (javascript:, data:) stays text."""
    if url and url.strip().lower().startswith(("http://", "https://")) and not any(ch in url for ch in "\"'<> \t\n"):
        return url.strip()
    return None


def render(report: Report, *, ruleset: object = None, limits: Optional[tl.Limits] = None, title: str = "Consistency report", **options: Any) -> str:
    """The report as one self-contained HTML page (a str; write it with UTF-8).

    ``ruleset`` (a loaded :class:`~consistency.rulepack.RuleSet`) gives lane labels and the
    order of ordinal scales for the colour ramp; by default the shipped packs are tried.
    ``limits`` sets when a lane is aggregated into time bins; ``status`` (finding id -> "baselined"
    or "accepted") adds a badge to those findings. Other options are ignored so
    every format can be called the same way.
    """
    if ruleset is None:
        ruleset = _default_ruleset()
    specs = tl.lane_specs(ruleset)
    limits = limits or tl.Limits()
    sources = {s.id: s for s in report.sources}
    ids = {id(c): c.id for c in report.claims}  # claim ids are hashes: compute each once
    claims_by_source: dict[str, list[Claim]] = {}
    for c in report.claims:
        claims_by_source.setdefault(c.source, []).append(c)
    texts = []
    in_text: set[str] = set()
    for s in report.sources:
        cs = claims_by_source.get(s.id, [])
        body = marked_text(s, cs, ids)
        in_text.update(ids[id(c)] for c in cs if _in_text(c, s.text))
        texts.append({
            "id": s.id,
            "title": s.title or s.id,
            "path": s.path,
            "url": _safe_url(s.url),
            "raw_url": s.url or "",
            "published": tl.publication_label(s),
            "estimated": s.published is None and s.published_range is not None,
            "claims": len(cs),
            "body": body,
        })
    titles = len(report.sources) <= FOLD_SOURCES  # large reports name sources by id (titles in the Sources table)
    views = {ids[id(c)]: _claim_view(c, ids[id(c)], sources, in_text, titles) for c in report.claims}
    order = {ids[id(c)]: tl.time_key(c, ids[id(c)]) for c in report.claims}
    subjects = []
    slug_of: dict[str, str] = {}
    for subject, cs, timeline in _layout(report, specs, limits, ids):
        slug_of[subject] = timeline[0]
        lanes = []
        for pred in sorted({c.predicate for c in cs}, key=lambda p: tl.lane_order(p, specs)):
            rows = [views[cid] for cid in sorted((ids[id(c)] for c in cs if c.predicate == pred), key=order.__getitem__)]
            spec = specs.get(pred)
            lanes.append({"label": spec.label if spec and spec.label else pred.replace("_", " "), "rows": rows})
        subjects.append({
            "name": subject,
            "slug": timeline[0],
            "svg": _svg.timeline_svg(timeline[1]) if timeline[1] is not None else None,
            "legends": _lane_legends(timeline[1]),
            "aggregated": [ln.label for ln in (timeline[1].lanes if timeline[1] else ()) if ln.aggregated],
            "lanes": lanes,
            "count": len(cs),
            "fold": len(cs) > FOLD_ROWS,
        })
    status = options.get("status") or {}
    findings = []
    for f in report.findings:
        findings.append({
            "id": f.id,
            "kind": f.kind,
            "kind_label": f.kind.replace("_", " "),
            "severity": f.severity,
            "subject": f.subject,
            "slug": slug_of.get(f.subject, ""),
            "predicate": f.predicate.replace("_", " "),
            "message": f.message,
            "detail": f.detail,
            "rule": f.rule,
            "status": status.get(f.id, "") if isinstance(status, Mapping) else "",
            "claims": " ".join(sorted(f.claims, key=lambda c: order.get(c, (date.max, date.max, "", c)))),
            "quotes": [views[cid] for cid in sorted((c for c in f.claims if c in views), key=order.__getitem__)],
        })
    summary = _summary(report)
    css, js = _assets()
    csp = f"default-src 'none'; img-src data:; style-src {_csp_hash(css)}; script-src {_csp_hash(js)}; base-uri 'none'; form-action 'none'"
    page = _env().get_template("report.html.j2").render(
        title=title,
        summary=summary,
        sources=texts,
        subjects=subjects,
        findings=findings,
        filter_kinds=[k for k in KINDS if any(f.kind == k for f in report.findings)],
        filter_severities=[s for s in SEVERITIES if any(f.severity == s for f in report.findings)],
        filter_subjects=sorted({f.subject for f in report.findings}),
        diagnostics=[str(d) for d in report.diagnostics],
        defs=_svg.defs_svg(),
        css=Markup(css),
        js=Markup(js),
        csp=csp,
        fold_sources=len(report.sources) > FOLD_SOURCES,
        inline_quotes=len(report.findings) <= INLINE_QUOTES,
    )
    return page


def _layout(report: Report, specs: Mapping[str, tl.LaneSpec], limits: tl.Limits, ids: Mapping[int, str]) -> Iterable[Tuple[str, list[Claim], Tuple[str, Optional[tl.Timeline]]]]:
    for subject, slug, cs, timeline in tl.layout_report(report, specs, limits, ids):
        yield subject, cs, (slug, timeline)
