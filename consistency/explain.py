"""Human-readable listings of rule packs, attributes and checks (``consistency rules``)."""

from __future__ import annotations

import inspect
from typing import Optional

from tabulate import tabulate

from .errors import UsageError
from .rulepack import Attribute, RulePack, RuleSet

__all__ = ["listing", "show"]


def _checks_registry() -> dict:
    from . import checks

    return dict(checks.REGISTRY)


def listing(ruleset: RuleSet) -> str:
    """Packs, their attributes (type, values, checks) and the registered checks."""
    out: list[str] = []
    rows = [(p.name, p.version, len(p.entities), len(p.attributes), p.path, p.description) for p in ruleset.packs]
    out.append("Rule packs")
    out.append(tabulate(rows, headers=["pack", "version", "entities", "attributes", "file", "description"]))
    out.append("")
    rows2 = []
    for p in ruleset.packs:
        for a in p.attributes:
            vals = ", ".join(a.values[:6]) + (" ..." if len(a.values) > 6 else "")
            rows2.append((a.name, p.name, a.type, vals or (a.unit or ""), ", ".join(a.checks),
                          len(a.triggers) + len(a.patterns)))
    out.append("Attributes")
    out.append(tabulate(rows2, headers=["attribute", "pack", "type", "values / unit", "checks", "cues"]))
    out.append("")
    rows3 = []
    for cid, mod in _checks_registry().items():
        doc = (inspect.getdoc(mod) or "").splitlines()
        rows3.append((cid, getattr(mod, "KIND", ""), getattr(mod, "SEVERITY", ""), doc[0] if doc else ""))
    out.append("Checks")
    out.append(tabulate(rows3, headers=["check", "kind", "severity", "summary"]))
    out.append("")
    out.append("'consistency rules show NAME' explains a pack, an attribute or a check.")
    return "\n".join(out) + "\n"


def _show_pack(p: RulePack) -> str:
    lines = [f"pack {p.name} (version {p.version})", f"file: {p.path}"]
    if p.description:
        lines.append(p.description)
    if p.requires:
        lines.append("requires: " + ", ".join(p.requires))
    lines.append("")
    if p.entities:
        lines.append("Entities")
        lines.append(tabulate([(e.name, e.kind, "yes" if e.scoped else "", ", ".join(e.aliases)) for e in p.entities],
                              headers=["name", "kind", "scoped", "aliases"]))
        lines.append("")
    if p.attributes:
        lines.append("Attributes: " + ", ".join(a.name for a in p.attributes))
    if p.lexicon:
        lines.append("")
        lines.append("Lexicons")
        for name, words in p.lexicon:
            lines.append(f"  {name}: " + ", ".join(words))
    return "\n".join(lines) + "\n"


def _show_attribute(a: Attribute) -> str:
    lines = [f"attribute {a.name} ({a.type}) from pack {a.pack}"]
    if a.label:
        lines.append(f"label: {a.label}")
    if a.description:
        lines.append(a.description)
    if a.values:
        order = " < ".join(a.values) if a.type == "ordinal" else ", ".join(a.values)
        lines.append(f"values: {order}")
    for value, syns in a.synonyms:
        lines.append(f"  {value}: " + ", ".join(syns))
    if a.unit:
        lines.append(f"unit: {a.unit}; tolerance: {a.tolerance:g} (+{a.hedge_tolerance:g} when hedged)")
    if a.transitions:
        lines.append("transitions: " + ", ".join(f"{x} -> {y}" for x, y in a.transitions))
    if a.state_roles:
        lines.append("state roles: " + ", ".join(f"{s}={r}" for s, r in a.state_roles))
    if a.triggers:
        lines.append("triggers: " + ", ".join(a.triggers))
    for pat in a.patterns:
        lines.append(f"pattern {pat.id}: {pat.source}")
    lines.append("checks: " + (", ".join(a.checks) or "(none)"))
    for c, k, v in a.options:
        lines.append(f"  {c}.{k} = {v!r}")
    return "\n".join(lines) + "\n"


def show(ruleset: RuleSet, name: str) -> str:
    """Explain one pack, attribute or check by name; a clear error names what exists."""
    for p in ruleset.packs:
        if p.name == name:
            return _show_pack(p)
    attr: Optional[Attribute] = ruleset.attribute(name)
    if attr is not None:
        return _show_attribute(attr)
    registry = _checks_registry()
    if name in registry:
        mod = registry[name]
        head = f"check {name}: kind {getattr(mod, 'KIND', '?')}, default severity {getattr(mod, 'SEVERITY', '?')}"
        return head + "\n\n" + (inspect.getdoc(mod) or "") + "\n"
    known = sorted([p.name for p in ruleset.packs] + list(ruleset.attributes) + list(registry))
    raise UsageError(f"no such pack, attribute or check {name!r}; known: {', '.join(known)}")
