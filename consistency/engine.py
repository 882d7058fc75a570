"""The rule engine: block claims by (subject, predicate), run each attribute's checks per block.

Claims are only ever compared inside a block (never all pairs over the corpus): one subject and
attribute by default, all claims of one subject for subject-scoped checks (anachronism), or one
attribute value across subjects for value-scoped checks (role-conflict). Each block is sorted
canonically before any check sees it and the findings are sorted with ``model.finding_order``,
so the same claims in any order give the identical list. Finding ids hash the check id and the
claims' keys (no counters), so a baseline survives re-runs.

Claims whose predicate no attribute of the rule set defines are skipped: the engine knows what to
compare only through a rule pack.
"""

from __future__ import annotations

import gc
from typing import Any, Collection, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

import attrs

from . import checks as _checks
from .checks import Block
from .model import SEVERITIES, Claim, Finding, finding_order
from .rulepack import Attribute, RuleSet

__all__ = ["run", "plan", "Block"]

_Plan = Tuple[Tuple[str, Any, Dict[str, Any]], ...]  # (check id, module, options)


def _attributes(ruleset: RuleSet) -> Dict[str, Attribute]:
    out: Dict[str, Attribute] = {}
    for p in ruleset.packs:
        for a in p.attributes:
            out.setdefault(a.name, a)  # first pack wins, like RuleSet.attribute
    return out


def _validate_ids(ids: Optional[Collection[str]], what: str) -> Optional[frozenset]:
    if ids is None:
        return None
    if isinstance(ids, str):
        ids = [ids]
    for i in ids:
        try:
            _checks.get(i)
        except KeyError as exc:
            raise KeyError(f"{what}: {exc.args[0]}") from None
    return frozenset(ids)


def _validate_severities(sev: Optional[Mapping[str, str]], where: str) -> Dict[str, str]:
    out: Dict[str, str] = {}
    for key, level in (sev or {}).items():
        check_id = key.split(":", 1)[0]
        try:
            _checks.get(check_id)
        except KeyError as exc:
            raise KeyError(f"{where}: severity for {key!r}: {exc.args[0]}") from None
        if level not in SEVERITIES:
            raise ValueError(f"{where}: severity for {key!r} must be one of {', '.join(SEVERITIES)}; got {level!r}")
        out[key] = level
    return out


def plan(
    attribute: Attribute,
    *,
    select: Optional[Collection[str]] = None,
    ignore: Optional[Collection[str]] = None,
) -> _Plan:
    """Which checks run on ``attribute`` and with what options.

    The attribute's ``checks`` (or the defaults for its type when it lists none), in registry
    order; ``select`` replaces that list with every selected check that applies to the type;
    ``ignore`` removes checks. Errors in the pack's lists name the attribute and pack.
    """
    where = f"attribute {attribute.name!r}" + (f" of pack {attribute.pack!r}" if attribute.pack else "")
    listed = attribute.checks or _checks.defaults_for(attribute.type)
    for cid in listed:
        try:
            mod = _checks.get(cid)
        except KeyError as exc:
            raise ValueError(f"{where} lists {exc.args[0]}") from None
        if attribute.type not in mod.APPLIES_TO:
            raise ValueError(
                f"{where} lists check {cid!r}, which does not apply to {attribute.type} attributes"
                f" (it applies to {', '.join(mod.APPLIES_TO)}); remove it from checks"
            )
    sel = frozenset(select) if select is not None else None
    ign = frozenset(ignore or ())
    chosen: List[str] = []
    for cid, mod in _checks.REGISTRY.items():
        if sel is not None:
            on = cid in sel and attribute.type in mod.APPLIES_TO
        else:
            on = cid in listed
        if on and cid not in ign:
            chosen.append(cid)
    out = []
    for cid in chosen:
        overrides = {k: v for c, k, v in attribute.options if c == cid}
        try:
            opts = _checks.options_for(cid, attribute.type, overrides)
        except KeyError as exc:
            raise ValueError(f"{where}: {exc.args[0]}") from None
        out.append((cid, _checks.get(cid), opts))
    return tuple(out)


def _severity(f: Finding, attr_sev: Mapping[str, str], caller: Mapping[str, str]) -> Finding:
    for table in (caller, attr_sev):
        for key in (f"{f.rule}:{f.detail}", f.rule):
            level = table.get(key)
            if level is not None:
                return f if level == f.severity else attrs.evolve(f, severity=level)
    return f


def run(
    claims: Sequence[Claim],
    ruleset: RuleSet,
    *,
    select: Optional[Collection[str]] = None,
    ignore: Optional[Collection[str]] = None,
    severities: Optional[Mapping[str, str]] = None,
) -> List[Finding]:
    """All findings over ``claims``, sorted; independent of the order of ``claims``.

    ``select``/``ignore`` take check ids (unknown ids raise ``KeyError`` naming the known ones);
    ``severities`` maps a check id, or ``"check:detail"``, to error/warning/info and wins over the
    rule packs' ``severities``, which win over the checks' defaults.
    """
    gc_was_enabled = gc.isenabled()
    gc.disable()  # millions of small acyclic objects: automatic collection passes would only re-scan them
    try:
        return _run(claims, ruleset, select=select, ignore=ignore, severities=severities)
    finally:
        if gc_was_enabled:
            gc.enable()


def _run(
    claims: Sequence[Claim],
    ruleset: RuleSet,
    *,
    select: Optional[Collection[str]],
    ignore: Optional[Collection[str]],
    severities: Optional[Mapping[str, str]],
) -> List[Finding]:
    claims = list(claims)  # iterated more than once; keeps every claim alive while ids are cached
    sel = _validate_ids(select, "select")
    ign = _validate_ids(ignore, "ignore")
    caller_sev = _validate_severities(severities, "severities")
    attributes = _attributes(ruleset)
    plans: Dict[str, _Plan] = {}
    attr_sev: Dict[str, Dict[str, str]] = {}
    for name, a in attributes.items():
        plans[name] = plan(a, select=sel, ignore=ign)
        attr_sev[name] = _validate_severities(dict(a.severities), f"attribute {name!r}")

    # per attribute, once: which checks run at which scope, with what options
    scoped: Dict[str, Dict[str, List[Tuple[str, Any, Dict[str, Any]]]]] = {}
    active: Dict[str, frozenset] = {}
    options: Dict[str, Dict[str, Dict[str, Any]]] = {}
    for name, p in plans.items():
        by_scope: Dict[str, List[Tuple[str, Any, Dict[str, Any]]]] = {"block": [], "subject": [], "value": []}
        for item in p:
            by_scope[item[1].SCOPE].append(item)
        scoped[name] = by_scope
        active[name] = frozenset(cid for cid, _, _ in p)
        options[name] = {cid: o for cid, _, o in p}

    blocks: Dict[Tuple[str, str], List[Claim]] = {}
    for c in claims:
        k = (c.subject, c.predicate)
        b = blocks.get(k)
        if b is None:
            if c.predicate not in plans:
                continue
            blocks[k] = [c]
        else:
            b.append(c)

    need_subject = {n for n in plans if scoped[n]["subject"]}
    need_value = {n for n in plans if scoped[n]["value"]}
    by_subject: Dict[str, List[Claim]] = {}
    if need_subject:
        subjects = {s for (s, pred) in blocks if pred in need_subject}
        for (s, _), members in blocks.items():
            if s in subjects:
                by_subject.setdefault(s, []).extend(members)
    by_value: Dict[Tuple[str, str], List[Claim]] = {}

    found: Dict[str, Finding] = {}
    built: Dict[Tuple[str, str], Block] = {}  # blocks a subject-scoped check may reuse
    idents: Dict[int, Tuple[str, str]] = {}  # claim id and key, hashed once per run

    def emit(fs: Iterable[Finding], name: str) -> None:
        sev = attr_sev[name]
        for f in fs:
            if sev or caller_sev:
                f = _severity(f, sev, caller_sev)
            old = found.get(f.id)
            if old is None or (finding_order(f), f.message, f.detail) < (finding_order(old), old.message, old.detail):
                found[f.id] = f

    for (subject, predicate), members in blocks.items():
        block_checks = scoped[predicate]["block"]
        if predicate in need_value:
            for c in members:
                by_value.setdefault((predicate, str(c.value)), []).append(c)
        if not block_checks:
            continue
        attribute = attributes[predicate]
        block = Block(subject, predicate, members, attribute, active=active[predicate], options=options[predicate],
                      idents=idents)
        if predicate in need_subject:
            built[(subject, predicate)] = block
        for cid, mod, opts in block_checks:
            emit(mod.check(block, attribute, opts), predicate)

    for subject, members in by_subject.items():
        preds = sorted({c.predicate for c in members} & need_subject)
        ordered = None
        for predicate in preds:
            attribute = attributes[predicate]
            same = built.get((subject, predicate))
            if same is not None and len(blocks[(subject, predicate)]) == len(members):
                block = same  # the subject has claims of this attribute only: the same block
            else:
                block = Block(subject, predicate, ordered if ordered is not None else members, attribute,
                              active=active[predicate], options=options[predicate], presorted=ordered is not None,
                              scope="subject", idents=idents)
            ordered = block.claims
            for cid, mod, opts in scoped[predicate]["subject"]:
                emit(mod.check(block, attribute, opts), predicate)

    for (predicate, value), members in by_value.items():
        if len({c.subject for c in members}) < 2:
            continue
        attribute = attributes[predicate]
        block = Block(value, predicate, members, attribute, active=active[predicate], options=options[predicate],
                      scope="value", idents=idents)
        for cid, mod, opts in scoped[predicate]["value"]:
            emit(mod.check(block, attribute, opts), predicate)

    return sorted(found.values(), key=finding_order)
