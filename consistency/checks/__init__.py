"""The registry of checks: one module per check, in a fixed order.

Each check module's docstring is its user documentation; it defines ``ID`` (kebab-case),
``KIND`` (one of ``model.KINDS``), ``SEVERITY`` (default; ``DETAIL_SEVERITY`` may raise or lower
it for one outcome), ``APPLIES_TO`` (attribute types), ``SCOPE`` ("block": one subject and
attribute; "subject": every claim of a subject; "value": one attribute value across subjects),
``DEFAULT`` options (``TYPE_DEFAULTS`` per attribute type) and
``check(block, attribute, options) -> Iterator[Finding]``. Adding a check is one module here plus
one case file in ``tests/cases/<id>.toml``.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any, Dict, Mapping, Tuple

from . import (
    agreement,
    anachronism,
    approximate,
    conflict,
    lifecycle,
    prediction,
    refinement,
    role_conflict,
    transition,
    uncorroborated,
)
from ._block import Block

__all__ = ["REGISTRY", "DEFAULTS_BY_TYPE", "Block", "get", "ids", "explain", "defaults_for", "options_for", "applies"]

#: Every check, by id, in the order they run and are listed.
REGISTRY: Dict[str, ModuleType] = {
    m.ID: m
    for m in (
        conflict,
        role_conflict,
        lifecycle,
        transition,
        prediction,
        anachronism,
        refinement,
        approximate,
        agreement,
        uncorroborated,
    )
}

#: Checks run on an attribute whose rule pack lists none. ``uncorroborated`` is opt-in (noisy).
DEFAULTS_BY_TYPE: Mapping[str, Tuple[str, ...]] = {
    "ordinal": ("conflict", "transition", "prediction", "refinement", "agreement"),
    "enum": ("conflict", "transition", "prediction", "refinement", "agreement"),
    "lifecycle": ("lifecycle", "anachronism", "refinement", "agreement"),
    "quantity": ("conflict", "prediction", "refinement", "approximate", "agreement"),
    "role": ("role-conflict", "refinement", "agreement"),
    "event": ("conflict", "anachronism", "refinement", "agreement"),
}


def ids() -> Tuple[str, ...]:
    """The registered check ids, in registry order."""
    return tuple(REGISTRY)


def get(check_id: str) -> ModuleType:
    """The module of check ``check_id``; a ``KeyError`` naming the known checks otherwise."""
    try:
        return REGISTRY[check_id]
    except KeyError:
        raise KeyError(f"no such check {check_id!r}; known checks: {', '.join(REGISTRY)}") from None


def applies(check_id: str, attribute_type: str) -> bool:
    return attribute_type in get(check_id).APPLIES_TO


def defaults_for(attribute_type: str) -> Tuple[str, ...]:
    return DEFAULTS_BY_TYPE.get(attribute_type, ())


def options_for(check_id: str, attribute_type: str, overrides: Mapping[str, Any] | None = None) -> Dict[str, Any]:
    """The check's options for an attribute type: defaults, type defaults, then ``overrides``.
    Unknown option names raise ``KeyError`` naming the known ones."""
    mod = get(check_id)
    opts: Dict[str, Any] = dict(getattr(mod, "DEFAULT", {}))
    opts.update(getattr(mod, "TYPE_DEFAULTS", {}).get(attribute_type, {}))
    for k, v in (overrides or {}).items():
        if k not in opts:
            known = ", ".join(sorted(opts)) or "none"
            raise KeyError(f"check {check_id!r} has no option {k!r}; its options: {known}")
        opts[k] = v
    return opts


def explain(check_id: str) -> str:
    """What ``consistency rules show ID`` prints: the header facts, then the documentation."""
    mod = get(check_id)
    lines = [
        f"check {mod.ID}",
        f"kind: {mod.KIND}",
        f"default severity: {mod.SEVERITY}"
        + (
            " (" + ", ".join(f"{d}: {s}" for d, s in sorted(getattr(mod, "DETAIL_SEVERITY", {}).items())) + ")"
            if getattr(mod, "DETAIL_SEVERITY", None)
            else ""
        ),
        f"applies to: {', '.join(mod.APPLIES_TO)} attributes",
        f"compares: {_SCOPES[getattr(mod, 'SCOPE', 'block')]}",
        "on by default for: " + (", ".join(t for t, cs in DEFAULTS_BY_TYPE.items() if mod.ID in cs) or "none (opt-in)"),
    ]
    opts = dict(getattr(mod, "DEFAULT", {}))
    if opts:
        lines.append("options: " + ", ".join(f"{k} = {v!r}" for k, v in sorted(opts.items())))
    for t, o in sorted(getattr(mod, "TYPE_DEFAULTS", {}).items()):
        lines.append(f"  for {t}: " + ", ".join(f"{k} = {v!r}" for k, v in sorted(o.items())))
    return "\n".join(lines) + "\n\n" + (mod.__doc__ or "").strip() + "\n"


_SCOPES = {
    "block": "claims of one subject and attribute",
    "subject": "all claims of one subject, across attributes",
    "value": "claims giving one value of the attribute, across subjects",
}
