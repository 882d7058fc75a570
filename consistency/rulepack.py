"""Rule packs: the domain knowledge, as data. Load TOML, validate, compile once.

A pack never executes code: it declares entities with aliases, attributes (predicates) with
their value type and vocabulary, cue words, patterns, and which checks apply. See
``docs/rulepacks.md`` for the format. This module defines the compiled, frozen types that
extraction and the engine read; the loader validates every key and reports errors naming the
file, the line, the key path, what was expected and what was found.
"""

from __future__ import annotations

import difflib
import hashlib
import re
import tomllib
from pathlib import Path
from typing import Iterable, Mapping, Optional, Sequence, Tuple, Union

import attrs

__all__ = [
    "ATTRIBUTE_TYPES",
    "STATE_ROLES",
    "RulePackError",
    "Entity",
    "Pattern",
    "Attribute",
    "RulePack",
    "RuleSet",
    "load",
    "parse_pack",
    "shipped_packs",
]

#: ordinal: ordered scale (low to high); enum: unordered values; lifecycle: states with allowed
#: transitions; quantity: a number with unit and tolerance; role: a person's title at an
#: organisation; event: a dated, named occurrence (value is the event name).
ATTRIBUTE_TYPES = ("ordinal", "enum", "lifecycle", "quantity", "role", "event")

#: What a lifecycle state means to the lifecycle check.
STATE_ROLES = ("plan", "start", "realised", "reversed", "revived", "ended")


class RulePackError(ValueError):
    """A rule pack could not be loaded: names the file, line, key path, expectation and fix."""

    def __init__(self, path: str, message: str, *, line: Optional[int] = None, key: str = "") -> None:
        self.path = path
        self.line = line
        self.key = key
        self.detail = message
        where = f"{path}:{line}" if line else path
        keypart = f" [{key}]" if key else ""
        super().__init__(f"{where}{keypart}: {message}")


@attrs.frozen(slots=True)
class Entity:
    """A named thing with its canonical name, kind (organisation, inspectorate, body, measure,
    delivery model, ...) and aliases. ``scoped`` entities (a trust, a measure) belong to the
    article's main organisation, so their canonical subject is ``"<organisation>: <name>"``."""

    name: str
    kind: str
    aliases: Tuple[str, ...] = ()
    scoped: bool = False
    pack: str = ""
    #: attributes (predicates) this entity can be the subject of, e.g. ("share",) for a measure
    attributes: Tuple[str, ...] = ()
    description: str = ""

    @property
    def names(self) -> Tuple[str, ...]:
        return (self.name,) + tuple(a for a in self.aliases if a != self.name)


@attrs.frozen(slots=True)
class Pattern:
    """A compiled, vetted regular expression with an id (``pack:attribute:n``) for provenance."""

    id: str
    source: str
    flags: int = 0

    def regex(self) -> "re.Pattern[str]":
        return re.compile(self.source, self.flags)


@attrs.frozen(slots=True)
class Attribute:
    """A predicate claims can be made about, with its value type and the checks that apply.

    ``values`` is the scale from lowest to highest (ordinal), the allowed values (enum), the
    states (lifecycle) or the event names (event). ``synonyms`` maps each canonical value to
    the phrases that signal it. ``transitions`` lists allowed (from, to) lifecycle moves and
    ``state_roles`` what each state means (plan, start, realised, reversed, revived, ended).
    ``tolerance`` is absolute in ``unit``; a hedged figure ("about 40") gets
    ``hedge_tolerance`` more. ``options`` parameterises checks: ``((check_id, key, value), ...)``.
    """

    name: str
    type: str
    pack: str = ""
    label: str = ""
    description: str = ""
    values: Tuple[str, ...] = ()
    synonyms: Tuple[Tuple[str, Tuple[str, ...]], ...] = ()
    triggers: Tuple[str, ...] = ()
    patterns: Tuple[Pattern, ...] = ()
    subject_kinds: Tuple[str, ...] = ()
    transitions: Tuple[Tuple[str, str], ...] = ()
    state_roles: Tuple[Tuple[str, str], ...] = ()
    unit: Optional[str] = None
    tolerance: float = 0.0
    hedge_tolerance: float = 0.0
    single_valued: bool = True
    checks: Tuple[str, ...] = ()
    options: Tuple[Tuple[str, str, object], ...] = ()
    severities: Tuple[Tuple[str, str], ...] = ()
    #: lifecycle states a history may start in (default: the first value)
    initial: Tuple[str, ...] = ()
    #: change words by direction (up, down, again, no_longer, new): ((direction, phrases), ...)
    directions: Tuple[Tuple[str, Tuple[str, ...]], ...] = ()
    #: words one of which must stand just before (or after) a one-word value term
    context_before: Tuple[str, ...] = ()
    context_after: Tuple[str, ...] = ()
    #: words that, right after a value term, show it describes something else ("good progress")
    exclude_after: Tuple[str, ...] = ()
    #: whether a trigger must co-occur with the value in the clause
    requires_trigger: bool = True
    #: what claims about it are about: organisation, entity, measure or person
    subject: str = "organisation"
    priority: int = 0
    #: drop claims of this attribute that have no stated or carried time (mentions of an event)
    needs_time: bool = False
    #: synonyms too vague alone ("creation of"): a claim from one needs a stated time or a plan cue
    weak: Tuple[str, ...] = ()

    def synonyms_of(self, value: str) -> Tuple[str, ...]:
        for v, phrases in self.synonyms:
            if v == value:
                return phrases
        return ()

    def rank(self, value: object) -> Optional[int]:
        """Position of ``value`` on an ordinal scale (0 = lowest), or None."""
        try:
            return self.values.index(str(value))
        except ValueError:
            return None

    def role_of(self, state: object) -> Optional[str]:
        for s, role in self.state_roles:
            if s == state:
                return role
        return None

    def allows(self, before: str, after: str) -> bool:
        """Whether a lifecycle may move from ``before`` to ``after`` (staying put is allowed)."""
        return before == after or (before, after) in self.transitions

    def option(self, check: str, key: str, default: object = None) -> object:
        for c, k, v in self.options:
            if c == check and k == key:
                return v
        return default

    def severity_for(self, check: str, default: str) -> str:
        for c, sev in self.severities:
            if c == check:
                return sev
        return default


@attrs.frozen(slots=True)
class RulePack:
    """One loaded pack file."""

    name: str
    path: str
    version: str = "1"
    description: str = ""
    requires: Tuple[str, ...] = ()
    entities: Tuple[Entity, ...] = ()
    attributes: Tuple[Attribute, ...] = ()
    # cue vocabularies (modality, hedges, direction words, titles, furniture...), by name
    lexicon: Tuple[Tuple[str, Tuple[str, ...]], ...] = ()
    digest: str = ""
    #: regexes with a (?P<place>...) group naming the organisation by its place ("<Place>'s children's services")
    place_patterns: Tuple[Pattern, ...] = ()


@attrs.frozen(slots=True)
class RuleSet:
    """The packs in force for a run, merged. ``digest`` changes whenever any pack's bytes do."""

    packs: Tuple[RulePack, ...]
    digest: str = ""

    @property
    def attributes(self) -> Mapping[str, Attribute]:
        return {a.name: a for p in self.packs for a in p.attributes}

    def attribute(self, name: str) -> Optional[Attribute]:
        for p in self.packs:
            for a in p.attributes:
                if a.name == name:
                    return a
        return None

    @property
    def entities(self) -> Tuple[Entity, ...]:
        return tuple(e for p in self.packs for e in p.entities)

    def lexicon(self, name: str) -> Tuple[str, ...]:
        """All phrases any pack lists under lexicon ``name`` (packs extend each other)."""
        out: list[str] = []
        for p in self.packs:
            for n, words in p.lexicon:
                if n == name:
                    out.extend(w for w in words if w not in out)
        return tuple(out)

    def lexicon_groups(self, prefix: str) -> Tuple[Tuple[str, Tuple[str, ...]], ...]:
        """Grouped lexicons ``[lexicon.PREFIX] group = [...]`` as ((group, phrases), ...), pack order."""
        groups: dict[str, list[str]] = {}
        for p in self.packs:
            for n, words in p.lexicon:
                if n.startswith(prefix + "."):
                    g = groups.setdefault(n[len(prefix) + 1:], [])
                    g.extend(w for w in words if w not in g)
        return tuple((g, tuple(ws)) for g, ws in groups.items())

    @property
    def place_patterns(self) -> Tuple[Pattern, ...]:
        return tuple(pt for p in self.packs for pt in p.place_patterns)

    def pack(self, name: str) -> Optional[RulePack]:
        for p in self.packs:
            if p.name == name:
                return p
        return None


# --------------------------------------------------------------------------------------------
# Loader: TOML -> validated, compiled RulePack / RuleSet. Data only: nothing in a pack executes.
# --------------------------------------------------------------------------------------------

#: Placeholders a pack's regular expressions may use (expanded before compiling).
MACROS = {
    # words are separated by a space only: a hyphen belongs to the word ("Stoke-on-Trent"), so a long
    # hyphenated token has one reading rather than one per way of splitting it (polynomial backtracking)
    "{Name}": r"[A-Z][\w'’.-]*(?: (?:[A-Z][\w'’.-]*|of|upon|on|in|and)){0,4}",
    "{place}": r"(?P<place>[A-Z][a-z]+(?:[ -][A-Z][a-z]+){0,3})",
    "{apos}": r"['’]",
}
MAX_PATTERN_LENGTH = 400
CHECK_ID = re.compile(r"^[a-z][a-z0-9-]*$")
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]*$")

_PACK_KEYS = {
    "name": (str, True),
    "version": (str, False),
    "description": (str, False),
    "requires": (list, False),
}
_ORG_KEYS = {
    "suffixes": ((list, dict), False),
    "prefixes": ((list, dict), False),
    "place_kind": (str, False),
    "anaphora": (list, False),
    "place_patterns": (list, False),
    "agent_kinds": (list, False),
}
_ENTITY_KEYS = {
    "name": (str, True),
    "kind": (str, True),
    "aliases": (list, False),
    "scoped": (bool, False),
    "attributes": (list, False),
    "description": (str, False),
}
_ATTR_KEYS = {
    "type": (str, True),
    "label": (str, False),
    "description": (str, False),
    "values": (list, False),
    "synonyms": (dict, False),
    "triggers": (list, False),
    "patterns": (list, False),
    "subject_kinds": (list, False),
    "transitions": (list, False),
    "initial": (list, False),
    "state_roles": (dict, False),
    "unit": (str, False),
    "tolerance": ((int, float), False),
    "hedge_tolerance": ((int, float), False),
    "single_valued": (bool, False),
    "checks": (list, False),
    "options": (dict, False),
    "severities": (dict, False),
    "directions": (dict, False),
    "context_before": (list, False),
    "context_after": (list, False),
    "exclude_after": (list, False),
    "requires_trigger": (bool, False),
    "subject": (str, False),
    "priority": (int, False),
    "needs_time": (bool, False),
    "weak": (list, False),
}
_TOP_KEYS = {"pack", "lexicon", "organisations", "entity", "attribute"}
_SUBJECTS = ("organisation", "entity", "person", "measure")
_TYPE_NAMES = {str: "a string", list: "a list", dict: "a table", bool: "true or false", int: "an integer",
               (int, float): "a number", (list, dict): "a list, or a table of kind = list"}


def _tname(v: object) -> str:
    if isinstance(v, bool):
        return "a boolean"
    if isinstance(v, dict):
        return "a table"
    if isinstance(v, list):
        return "a list"
    if isinstance(v, str):
        return f"the string {v!r}"
    if isinstance(v, (int, float)):
        return f"the number {v!r}"
    return type(v).__name__


class _Ctx:
    """Where we are in one pack file: its path and text, to name the line of a key path."""

    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.lines = text.splitlines()

    def line_of(self, key: str) -> Optional[int]:
        parts = [p for p in re.split(r"\.(?![^\[]*\])", key) if p]
        parts = [re.sub(r"\[\d+\]$", "", p) for p in parts]
        idx_m = re.search(r"\[(\d+)\]", key)
        best_line, best_depth = None, -1
        # find the deepest table header that prefixes the key path
        count = 0
        for i, raw in enumerate(self.lines):
            s = raw.strip()
            m = re.match(r"^\[\[?\s*([^\]]+?)\s*\]\]?", s)
            if not m:
                continue
            hdr = [h.strip().strip('"') for h in m.group(1).split(".")]
            if hdr == parts[: len(hdr)] and len(hdr) > best_depth:
                if s.startswith("[[") and idx_m is not None and len(hdr) == 1:
                    if count != int(idx_m.group(1)):
                        count += 1
                        continue
                    count += 1
                best_line, best_depth = i, len(hdr)
        start = best_line if best_line is not None else 0
        rest = parts[best_depth:] if best_depth > 0 else parts
        for want in rest:
            for j in range(start + (1 if best_line is not None else 0), len(self.lines)):
                s = self.lines[j].strip()
                if j > start and s.startswith("[") and best_line is not None and not s.startswith('["') and re.match(r"^\[\[?[A-Za-z\"]", s) and rest[0] == want:
                    break
                if re.match(r'^"?' + re.escape(want) + r'"?\s*=', s) or re.match(r"^" + re.escape(want) + r"\s*=", s):
                    start = j
                    best_line = j
                    break
        return best_line + 1 if best_line is not None else None

    def error(self, key: str, expected: str, found: str, fix: str) -> RulePackError:
        return RulePackError(
            self.path, f"expected {expected}, found {found}. Fix: {fix}", line=self.line_of(key), key=key
        )


def _check_keys(ctx: _Ctx, table: Mapping[str, object], schema: Mapping[str, tuple], where: str) -> None:
    for k, v in table.items():
        if k not in schema:
            near = difflib.get_close_matches(k, list(schema), n=1)
            hint = f"did you mean {near[0]!r}?" if near else f"remove it (allowed: {', '.join(sorted(schema))})"
            raise ctx.error(f"{where}.{k}" if where else k, f"one of the keys {', '.join(sorted(schema))}",
                            f"the unknown key {k!r}", hint)
        typ, _req = schema[k]
        ok = isinstance(v, typ) and not (typ in (int, (int, float)) and isinstance(v, bool))
        if not ok:
            raise ctx.error(f"{where}.{k}" if where else k, _TYPE_NAMES.get(typ, str(typ)), _tname(v),
                            f"write {k} as {_TYPE_NAMES.get(typ, str(typ))}")
    for k, (typ, req) in schema.items():
        if req and k not in table:
            raise ctx.error(where or k, f"the key {k!r} ({_TYPE_NAMES.get(typ, str(typ))})", "nothing",
                            f"add {k} = ... under [{where}]" if where else f"add {k}")


def _strings(ctx: _Ctx, value: object, key: str) -> Tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
        bad = next((x for x in value if not isinstance(x, str)), value) if isinstance(value, list) else value
        raise ctx.error(key, "a list of strings", _tname(bad), 'quote every item, e.g. ["a", "b"]')
    out = []
    for x in value:
        if not x.strip():
            raise ctx.error(key, "non-empty strings", "an empty string", "remove the empty item")
        if x not in out:
            out.append(x)
    return tuple(out)


def _unsafe_regex(tree: object) -> Optional[str]:
    """Why a parsed pattern risks catastrophic backtracking (nested or ambiguous repeats), or None."""
    from re import _constants as C  # type: ignore[attr-defined]

    REPEATS = (C.MAX_REPEAT, C.MIN_REPEAT, getattr(C, "POSSESSIVE_REPEAT", None))

    def first(seq: object) -> Optional[set]:  # None = could start with anything
        for op, av in seq:  # type: ignore[attr-defined]
            if op is C.LITERAL:
                return {chr(av).lower()}
            if op is C.SUBPATTERN:
                return first(av[-1])
            if op in (C.AT,):
                continue
            if op is C.BRANCH:
                out: set = set()
                for alt in av[1]:
                    f = first(alt)
                    if f is None:
                        return None
                    out |= f
                return out
            if op in REPEATS and av[0] >= 1:
                return first(av[2])
            return None
        return set()

    def has_repeat(seq: object) -> bool:
        for op, av in seq:  # type: ignore[attr-defined]
            if op in REPEATS and av[1] > 1:
                return True
            if op is C.SUBPATTERN and has_repeat(av[-1]):
                return True
            if op is C.BRANCH and any(has_repeat(a) for a in av[1]):
                return True
        return False

    def ambiguous_branch(seq: object) -> bool:
        for op, av in seq:  # type: ignore[attr-defined]
            if op is C.BRANCH:
                seen: set = set()
                for alt in av[1]:
                    if len(alt) == 0:
                        return True
                    f = first(alt)
                    if f is None or f & seen:
                        return True
                    seen |= f
                if any(ambiguous_branch(alt) for alt in av[1]):
                    return True
            elif op is C.SUBPATTERN and ambiguous_branch(av[-1]):
                return True
        return False

    def walk(seq: object, in_repeat: bool) -> Optional[str]:
        for op, av in seq:  # type: ignore[attr-defined]
            if op in REPEATS:
                lo, hi, body = av
                unbounded = hi is C.MAXREPEAT or hi > 10
                if unbounded and has_repeat(body):
                    return "a repeated group contains another repeat (like (a+)+ or (.*)*)"
                if unbounded and hasattr(body, "getwidth") and body.getwidth()[0] == 0:
                    return "a repeated group can match nothing (like (a?)*)"
                if unbounded and ambiguous_branch(body):
                    return "a repeated group has alternatives that can match the same text (like (a|a)* or (a|ab)+)"
                if unbounded:
                    for op2, av2 in body:
                        if op2 is C.SUBPATTERN:
                            av2 = av2[-1]
                            for op3, av3 in av2:
                                if op3 is C.BRANCH:
                                    firsts = [first(alt) for alt in av3[1]]
                                    seen: set = set()
                                    for f in firsts:
                                        if f is None or f & seen:
                                            return "a repeated group has alternatives that can match the same text (like (a|a)*)"
                                        seen |= f
                        elif op2 is C.BRANCH:
                            return "a repeated alternation (like (a|b)*) that may overlap"
                r = walk(body, True)
                if r:
                    return r
            elif op is C.SUBPATTERN:
                r = walk(av[-1], in_repeat)
                if r:
                    return r
            elif op is C.BRANCH:
                for alt in av[1]:
                    r = walk(alt, in_repeat)
                    if r:
                        return r
        return None

    return walk(tree, False) or _polynomial_regex(tree)


#: Characters a single-character item is probed with to see whether two items overlap.
_PROBE = ("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_ \t\n.,;:!?'\"-\u2019\u201c\u00e9%£$/()&#@+*="
          "\u00a0")


def _polynomial_regex(tree: object) -> Optional[str]:
    """Why a parsed pattern backtracks polynomially (two overlapping repeats in a row, like
    ``\\w*\\w*``, or a repeat whose body starts with another repeat, like ``(.*a){10}``), or None.

    Both shapes pass the nested-repeat test above yet take seconds to hours on a few hundred
    characters of unlucky text, and the extractor runs patterns over whole documents.
    """
    from re import _constants as C  # type: ignore[attr-defined]

    REPEATS = (C.MAX_REPEAT, C.MIN_REPEAT, getattr(C, "POSSESSIVE_REPEAT", None))
    cats = {
        C.CATEGORY_DIGIT: str.isdigit, C.CATEGORY_NOT_DIGIT: lambda c: not c.isdigit(),
        C.CATEGORY_SPACE: str.isspace, C.CATEGORY_NOT_SPACE: lambda c: not c.isspace(),
        C.CATEGORY_WORD: lambda c: c.isalnum() or c == "_", C.CATEGORY_NOT_WORD: lambda c: not (c.isalnum() or c == "_"),
    }

    def chars(item: object) -> Optional[set]:
        """The probe characters one single-character item matches; None if it is not one."""
        op, av = item  # type: ignore[misc]
        if op is C.ANY:
            return set(_PROBE) - {"\n"}
        if op is C.LITERAL:
            return {c for c in _PROBE if c.lower() == chr(av).lower()}
        if op is C.NOT_LITERAL:
            return {c for c in _PROBE if c.lower() != chr(av).lower()}
        if op is C.IN:
            neg = bool(av) and av[0][0] is C.NEGATE
            out = set()
            for c in _PROBE:
                hit = False
                for iop, iav in av:
                    if iop is C.LITERAL and c.lower() == chr(iav).lower():
                        hit = True
                    elif iop is C.RANGE and (iav[0] <= ord(c) <= iav[1] or iav[0] <= ord(c.swapcase()) <= iav[1]):
                        hit = True
                    elif iop is C.CATEGORY and iav in cats and cats[iav](c):
                        hit = True
                if hit != neg:
                    out.add(c)
            return out
        return None

    def long_repeat(item: object) -> Optional[set]:
        op, av = item  # type: ignore[misc]
        if op in REPEATS and (av[1] is C.MAXREPEAT or av[1] > 10) and len(av[2]) == 1:
            return chars(av[2][0])
        return None

    def group_start(item: object) -> Optional[set]:
        """What a repeated group (``(?:[ -]\\w+){0,4}``) can start with, if a single character."""
        op, av = item  # type: ignore[misc]
        if op not in REPEATS or not (av[1] is C.MAXREPEAT or av[1] > 1):
            return None
        body = list(av[2])
        while len(body) == 1 and body[0][0] is C.SUBPATTERN:
            body = list(body[0][1][-1])
        return chars(body[0]) if body else None

    def leads_with_repeat(seq: object) -> bool:
        for op, av in seq:  # type: ignore[attr-defined]
            if op is C.AT:
                continue
            if op in REPEATS:
                return av[1] is C.MAXREPEAT or av[1] > 1
            if op is C.SUBPATTERN:
                return leads_with_repeat(av[-1])
            if op is C.BRANCH:
                return any(leads_with_repeat(alt) for alt in av[1])
            return False
        return False

    def walk(seq: object) -> Optional[str]:
        items = list(seq)  # type: ignore[call-overload]
        for i, (op, av) in enumerate(items):
            if i and (a := long_repeat(items[i - 1])) is not None:
                b = long_repeat((op, av))
                if b is not None and a & b:
                    return "two repeats in a row can match the same characters (like \\w*\\w* or .*.*)"
                g = group_start((op, av))
                if g is not None and a & g:
                    return "a repeat is followed by a repeated group that can start with the same characters (like \\w*(?:-\\w+){0,4})"
            if op in REPEATS:
                if (av[1] is C.MAXREPEAT or av[1] > 1) and leads_with_repeat(av[2]):
                    return "a repeated group starts with another repeat (like (.*a){10} or (a{1,9}){1,9})"
                r = walk(av[2])
            elif op is C.SUBPATTERN:
                r = walk(av[-1])
            elif op is C.BRANCH:
                r = next((x for x in (walk(alt) for alt in av[1]) if x), None)
            else:
                r = None
            if r:
                return r
        return None

    return walk(tree)


def compile_pattern(ctx: _Ctx, source: str, key: str, pid: str, flags: int = re.IGNORECASE) -> Pattern:
    """Expand macros, vet and compile one pack regex (raises RulePackError naming ``key``)."""
    from re import _parser as P  # type: ignore[attr-defined]

    if len(source) > MAX_PATTERN_LENGTH:
        raise ctx.error(key, f"a pattern of at most {MAX_PATTERN_LENGTH} characters",
                        f"{len(source)} characters", "split it into several shorter patterns")
    expanded = expand_macros(source)
    try:
        re.compile(expanded, flags)
    except re.error as exc:
        raise ctx.error(key, "a valid regular expression", f"{source!r} ({exc})",
                        "fix the expression (test it with python -c 'import re; re.compile(...)')") from None
    why = _unsafe_regex(P.parse(expanded, flags))
    if why:
        raise ctx.error(key, "a pattern without nested or ambiguous repetition", f"{source!r}: {why}",
                        "make the inner part fixed-length, or list the variants as separate patterns")
    return Pattern(pid, expanded, flags)


def expand_macros(source: str) -> str:
    out = source
    for k, v in MACROS.items():
        out = out.replace(k, v)
    return out


def _known_checks(explicit: Optional[Iterable[str]]) -> Optional[frozenset]:
    if explicit is not None:
        return frozenset(explicit)
    try:  # lazy: the engine sits downstream; use its registry when it is importable
        import importlib

        mod = importlib.import_module("consistency.checks")
        reg = getattr(mod, "REGISTRY", None)
        if reg:
            return frozenset(reg)
    except Exception:  # noqa: BLE001 - no registry yet: only the id format is checked
        return None
    return None


def _option_problem(check: str, attr_type: str, table: Mapping[str, object]) -> Optional[str]:
    """What is wrong with options for ``check`` per the engine's registry (lazy import), or None."""
    try:
        import importlib

        mod = importlib.import_module("consistency.checks")
        options_for = getattr(mod, "options_for", None)
        if options_for is None or check not in getattr(mod, "REGISTRY", {}):
            return None
        options_for(check, attr_type, dict(table))
    except KeyError as exc:
        return str(exc.args[0]) if exc.args else "an unknown option"
    except Exception:  # noqa: BLE001 - no registry: options are passed through unchecked
        return None
    return None


def _parse_attribute(ctx: _Ctx, pack: str, name: str, t: Mapping[str, object], checks: Optional[frozenset]) -> Attribute:
    where = f"attribute.{name}"
    if not isinstance(t, dict):
        raise ctx.error(where, "a table [attribute.NAME]", _tname(t), f"write [attribute.{name}] with type = ...")
    if not _NAME.match(name):
        raise ctx.error(where, "an attribute name of letters, digits, _ . -", repr(name), "rename the attribute")
    _check_keys(ctx, t, _ATTR_KEYS, where)
    typ = t["type"]
    if typ not in ATTRIBUTE_TYPES:
        near = difflib.get_close_matches(str(typ), ATTRIBUTE_TYPES, n=1)
        raise ctx.error(f"{where}.type", f"one of {', '.join(ATTRIBUTE_TYPES)}", repr(typ),
                        f"use {near[0]!r}" if near else "pick one of the listed types")
    values = _strings(ctx, t.get("values", []), f"{where}.values")
    if typ in ("ordinal", "enum", "lifecycle", "event") and not values:
        raise ctx.error(f"{where}.values", f"a non-empty list of values for a {typ} attribute", "no values",
                        'add values = ["...", ...] (lowest first for an ordinal scale)')
    vset = set(values)

    def need_value(v: str, key: str) -> None:
        if v not in vset:
            near = difflib.get_close_matches(v, values, n=1)
            raise ctx.error(key, f"one of the declared values ({', '.join(values)})", repr(v),
                            f"use {near[0]!r}" if near else f"add {v!r} to {where}.values")

    syn = t.get("synonyms", {})
    synonyms = []
    for v, phrases in syn.items():  # type: ignore[union-attr]
        need_value(v, f"{where}.synonyms.{v}")
        synonyms.append((v, _strings(ctx, phrases, f"{where}.synonyms.{v}")))
    transitions = []
    for i, pair in enumerate(t.get("transitions", [])):  # type: ignore[union-attr]
        if not (isinstance(pair, list) and len(pair) == 2 and all(isinstance(x, str) for x in pair)):
            raise ctx.error(f"{where}.transitions", 'pairs like ["planned", "set up"]', _tname(pair),
                            "write each transition as a two-item list [from, to]")
        need_value(pair[0], f"{where}.transitions")
        need_value(pair[1], f"{where}.transitions")
        transitions.append((pair[0], pair[1]))
    initial = _strings(ctx, t.get("initial", []), f"{where}.initial")
    for v in initial:
        need_value(v, f"{where}.initial")
    roles = []
    for s, role in t.get("state_roles", {}).items():  # type: ignore[union-attr]
        need_value(s, f"{where}.state_roles.{s}")
        if role not in STATE_ROLES:
            raise ctx.error(f"{where}.state_roles.{s}", f"one of {', '.join(STATE_ROLES)}", _tname(role),
                            "pick the role that says what reaching this state means")
        roles.append((s, role))
    if typ == "lifecycle":
        if not transitions:
            raise ctx.error(where, "transitions for a lifecycle attribute", "none",
                            'add transitions = [["planned", "set up"], ...]')
        starts = list(initial) or [values[0]]
        seen = set(starts)
        frontier = list(starts)
        while frontier:
            cur = frontier.pop()
            for a, b in transitions:
                if a == cur and b not in seen:
                    seen.add(b)
                    frontier.append(b)
        unreachable = [v for v in values if v not in seen]
        if unreachable:
            raise ctx.error(f"{where}.transitions", f"every state reachable from {', '.join(starts)}",
                            f"unreachable state(s) {', '.join(map(repr, unreachable))}",
                            "add a transition into them, or list them in initial = [...]")
    directions = []
    for d, phrases in t.get("directions", {}).items():  # type: ignore[union-attr]
        directions.append((d, _strings(ctx, phrases, f"{where}.directions.{d}")))
    chk = _strings(ctx, t.get("checks", []), f"{where}.checks")
    for c in chk:
        if not CHECK_ID.match(c) or (checks is not None and c not in checks):
            near = difflib.get_close_matches(c, sorted(checks or ()), n=1)
            raise ctx.error(f"{where}.checks", "a known check id" + (f" ({', '.join(sorted(checks))})" if checks else " (lowercase letters, digits, -)"),
                            repr(c), f"use {near[0]!r}" if near else "see `consistency rules` for the check ids")
    options = []
    for c, table in t.get("options", {}).items():  # type: ignore[union-attr]
        if not isinstance(table, dict):
            raise ctx.error(f"{where}.options.{c}", "a table of option = value", _tname(table),
                            f"write [attribute.{name}.options.{c}] with key = value lines")
        if c not in chk:
            raise ctx.error(f"{where}.options.{c}", f"options for a check listed in {where}.checks", repr(c),
                            f"add {c!r} to checks, or remove these options")
        for k, v in table.items():
            options.append((c, k, tuple(v) if isinstance(v, list) else v))
        for k in table:
            problem = _option_problem(c, str(typ), {k: table[k]})
            if problem:
                raise ctx.error(f"{where}.options.{c}.{k}", "an option the check knows", problem,
                                f"see `consistency rules show {c}` for its options")
    sev = []
    for c, s in t.get("severities", {}).items():  # type: ignore[union-attr]
        if s not in ("error", "warning", "info"):
            raise ctx.error(f"{where}.severities.{c}", "error, warning or info", _tname(s), "pick a severity")
        if c not in chk:
            raise ctx.error(f"{where}.severities.{c}", f"a check listed in {where}.checks", repr(c),
                            f"add {c!r} to checks")
        sev.append((c, s))
    pats = []
    for i, p in enumerate(_strings(ctx, t.get("patterns", []), f"{where}.patterns")):
        pats.append(compile_pattern(ctx, p, f"{where}.patterns", f"{pack}:{name}:{i}"))
    subject = t.get("subject", "organisation")
    if subject not in _SUBJECTS:
        raise ctx.error(f"{where}.subject", f"one of {', '.join(_SUBJECTS)}", repr(subject),
                        "organisation: the article's organisation; entity/measure: a declared entity; person: a named person")
    tol = float(t.get("tolerance", 0.0))  # type: ignore[arg-type]
    htol = float(t.get("hedge_tolerance", 0.0))  # type: ignore[arg-type]
    if tol < 0 or htol < 0:
        raise ctx.error(f"{where}.tolerance", "a number >= 0", str(min(tol, htol)), "use 0 or a positive number")
    return Attribute(
        name=name,
        type=str(typ),
        pack=pack,
        label=str(t.get("label", name.replace("_", " "))),
        description=str(t.get("description", "")),
        values=values,
        synonyms=tuple(synonyms),
        triggers=_strings(ctx, t.get("triggers", []), f"{where}.triggers"),
        patterns=tuple(pats),
        subject_kinds=_strings(ctx, t.get("subject_kinds", []), f"{where}.subject_kinds"),
        transitions=tuple(transitions),
        state_roles=tuple(roles),
        unit=t.get("unit"),  # type: ignore[arg-type]
        tolerance=tol,
        hedge_tolerance=htol,
        single_valued=bool(t.get("single_valued", True)),
        checks=chk,
        options=tuple(options),
        severities=tuple(sev),
        initial=initial,
        directions=tuple(directions),
        context_before=_strings(ctx, t.get("context_before", []), f"{where}.context_before"),
        context_after=_strings(ctx, t.get("context_after", []), f"{where}.context_after"),
        exclude_after=_strings(ctx, t.get("exclude_after", []), f"{where}.exclude_after"),
        requires_trigger=bool(t.get("requires_trigger", True)),
        subject=str(subject),
        priority=int(t.get("priority", 0)),  # type: ignore[arg-type]
        needs_time=bool(t.get("needs_time", False)),
        weak=_weak_of(ctx, t, where),
    )


def _weak_of(ctx: "_Ctx", t: Mapping[str, object], where: str) -> Tuple[str, ...]:
    weak = _strings(ctx, t.get("weak", []), f"{where}.weak")
    known = {p.lower() for ps in dict(t.get("synonyms", {})).values() for p in ps}  # type: ignore[arg-type]
    for w in weak:
        if w.lower() not in known:
            raise ctx.error(f"{where}.weak", "phrases listed among the synonyms", repr(w),
                            "add it to a value's synonyms or remove it from weak")
    return weak


def parse_pack(text: str, path: str = "<string>", *, known_checks: Optional[Iterable[str]] = None,
               data: Optional[bytes] = None) -> RulePack:
    """Validate and compile one pack from its TOML text; errors are :class:`RulePackError`."""
    ctx = _Ctx(path, text)
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+)", str(exc))
        raise RulePackError(path, f"not valid TOML: {exc}. Fix the syntax at that line (strings need quotes, "
                            "tables [name], lists [\"a\", \"b\"])", line=int(m.group(1)) if m else None) from None
    checks = _known_checks(known_checks)
    for k in doc:
        if k not in _TOP_KEYS:
            near = difflib.get_close_matches(k, sorted(_TOP_KEYS), n=1)
            raise ctx.error(k, f"a top-level table among {', '.join(sorted(_TOP_KEYS))}", f"the unknown key {k!r}",
                            f"did you mean {near[0]!r}?" if near else "remove it")
    head = doc.get("pack")
    if not isinstance(head, dict):
        raise ctx.error("pack", "a [pack] table with name = \"...\"", _tname(head) if head is not None else "nothing",
                        'start the file with [pack] and name = "my-pack"')
    _check_keys(ctx, head, _PACK_KEYS, "pack")
    name = head["name"]
    if not _NAME.match(name):
        raise ctx.error("pack.name", "a name of letters, digits, _ . -", repr(name), "rename the pack")
    requires = _strings(ctx, head.get("requires", []), "pack.requires")
    lex: list[Tuple[str, Tuple[str, ...]]] = []
    lexdoc = doc.get("lexicon", {})
    if not isinstance(lexdoc, dict):
        raise ctx.error("lexicon", "a [lexicon] table", _tname(lexdoc), "write [lexicon] then name = [\"...\"] lines")
    for lname, words in lexdoc.items():
        if isinstance(words, dict):
            for g, ws in words.items():
                lex.append((f"{lname}.{g}", _strings(ctx, ws, f"lexicon.{lname}.{g}")))
        else:
            lex.append((lname, _strings(ctx, words, f"lexicon.{lname}")))
    orgs = doc.get("organisations", {})
    if not isinstance(orgs, dict):
        raise ctx.error("organisations", "an [organisations] table", _tname(orgs), "write [organisations]")
    _check_keys(ctx, orgs, _ORG_KEYS, "organisations")
    for part, kindlex in (("suffixes", "kind"), ("prefixes", "pkind")):
        suf = orgs.get(part, [])
        if isinstance(suf, dict):
            allsuf: list[str] = []
            for kind, words in suf.items():
                ws = _strings(ctx, words, f"organisations.{part}.{kind}")
                lex.append((f"organisation.{kindlex}.{kind}", ws))
                allsuf.extend(w for w in ws if w not in allsuf)
            lex.append((f"organisation.{part}", tuple(allsuf)))
        elif suf:
            lex.append((f"organisation.{part}", _strings(ctx, suf, f"organisations.{part}")))
    for k in ("anaphora", "agent_kinds"):
        if k in orgs:
            lex.append((f"organisation.{k}", _strings(ctx, orgs[k], f"organisations.{k}")))
    if "place_kind" in orgs:
        lex.append(("organisation.place_kind", (str(orgs["place_kind"]),)))
    place_patterns = []
    for i, p in enumerate(_strings(ctx, orgs.get("place_patterns", []), "organisations.place_patterns")):
        if "{place}" not in p:
            raise ctx.error("organisations.place_patterns", "a pattern containing {place}", repr(p),
                            "mark where the place name goes with {place}")
        place_patterns.append(compile_pattern(ctx, p, "organisations.place_patterns", f"{name}:place:{i}", 0))
    entities = []
    ents = doc.get("entity", [])
    if not isinstance(ents, list):
        raise ctx.error("entity", "an array of tables [[entity]]", _tname(ents), "write each entity as [[entity]]")
    for i, e in enumerate(ents):
        where = f"entity[{i}]"
        if not isinstance(e, dict):
            raise ctx.error(where, "a table", _tname(e), "write [[entity]] then name = ..., kind = ...")
        _check_keys(ctx, e, _ENTITY_KEYS, where)
        entities.append(Entity(
            name=e["name"], kind=e["kind"], aliases=_strings(ctx, e.get("aliases", []), f"{where}.aliases"),
            scoped=bool(e.get("scoped", False)), pack=name,
            attributes=_strings(ctx, e.get("attributes", []), f"{where}.attributes"),
            description=str(e.get("description", "")),
        ))
    attrs_doc = doc.get("attribute", {})
    if not isinstance(attrs_doc, dict):
        raise ctx.error("attribute", "tables [attribute.NAME]", _tname(attrs_doc), "write [attribute.NAME]")
    attributes = tuple(_parse_attribute(ctx, name, an, at, checks) for an, at in attrs_doc.items())
    raw = data if data is not None else text.encode("utf-8")
    return RulePack(
        name=name, path=path, version=str(head.get("version", "1")), description=str(head.get("description", "")),
        requires=requires, entities=tuple(entities), attributes=attributes, lexicon=tuple(lex),
        digest=hashlib.sha256(raw).hexdigest(), place_patterns=tuple(place_patterns),
    )


def _shipped_dir() -> Optional[Path]:
    """Where the shipped packs are: ``consistency/rules`` when installed (the wheel maps the
    checkout's top-level ``rules/`` there), else the checkout's ``rules/``."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "rules", here.parent / "rules"):
        if candidate.is_dir() and any(candidate.glob("*.toml")):
            return candidate
    return None


def shipped_packs() -> list[Path]:
    """The packs that come with consistency, sorted by file name."""
    d = _shipped_dir()
    return sorted(d.glob("*.toml")) if d else []


def _read_pack(path: Path, known_checks: Optional[Iterable[str]]) -> RulePack:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise RulePackError(str(path), f"cannot read the pack ({exc.strerror}); check the path") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RulePackError(str(path), f"not UTF-8 text (byte {exc.start}); save the pack as UTF-8") from None
    return parse_pack(text, str(path), known_checks=known_checks, data=data)


def _resolve_spec(spec: Union[str, Path]) -> list[Path]:
    shipped = {p.stem: p for p in shipped_packs()}
    if isinstance(spec, str) and spec in shipped:
        return [shipped[spec]]
    p = Path(spec)
    if p.is_dir():
        files = sorted(p.glob("*.toml"))
        if not files:
            raise RulePackError(str(p), "the folder holds no .toml rule packs; point at a pack file or a folder of packs")
        return files
    if p.is_file():
        return [p]
    names = ", ".join(sorted(shipped)) or "none"
    raise RulePackError(str(spec), f"no such rule pack or file (shipped packs: {names}); give a shipped pack's name "
                        "or the path of a .toml file or folder")


def load(names_or_paths: Optional[Sequence[Union[str, Path]]] = None, *,
         known_checks: Optional[Iterable[str]] = None) -> RuleSet:
    """Load, validate and merge rule packs: shipped names or paths (files or folders), with their
    ``requires``; ``None`` loads every shipped pack. Raises :class:`RulePackError`."""
    if isinstance(names_or_paths, (str, Path)):
        names_or_paths = [names_or_paths]
    specs = list(names_or_paths) if names_or_paths is not None else [p for p in shipped_packs()]
    by_name: dict[str, RulePack] = {}
    order: list[str] = []
    loaded_paths: dict[str, RulePack] = {}

    def add_file(path: Path, chain: Tuple[str, ...]) -> RulePack:
        key = str(path.resolve())
        if key in loaded_paths:
            return loaded_paths[key]
        pack = _read_pack(path, known_checks)
        if pack.name in by_name and by_name[pack.name].path != pack.path:
            raise RulePackError(pack.path, f"a pack named {pack.name!r} is already loaded from {by_name[pack.name].path}; "
                                "rename one of them ([pack] name)", key="pack.name")
        loaded_paths[key] = pack
        for req in pack.requires:
            if req in chain:
                raise RulePackError(pack.path, f"requires form a cycle: {' -> '.join(chain + (pack.name, req))}; "
                                    "remove one of the requires", key="pack.requires")
            if req in by_name:
                continue
            local = path.parent / f"{req}.toml"
            target = local if local.is_file() else None
            if target is None:
                shipped = {p.stem: p for p in shipped_packs()}
                target = shipped.get(req)
            if target is None:
                raise RulePackError(pack.path, f"requires the pack {req!r}, which is neither shipped nor next to this "
                                    "file; add it or remove it from requires", key="pack.requires")
            add_file(target, chain + (pack.name,))
        if pack.name not in by_name:
            by_name[pack.name] = pack
            order.append(pack.name)
        return pack

    for spec in specs:
        for f in _resolve_spec(spec):
            add_file(f, ())
    packs = tuple(by_name[n] for n in order)
    seen: dict[str, str] = {}
    for p in packs:
        for a in p.attributes:
            if a.name in seen:
                raise RulePackError(p.path, f"attribute {a.name!r} is also declared by the pack {seen[a.name]!r}; "
                                    "rename one of them", key=f"attribute.{a.name}")
            seen[a.name] = p.name
    names = set(seen)
    for p in packs:
        for i, e in enumerate(p.entities):
            for a in e.attributes:
                if a not in names:
                    near = difflib.get_close_matches(a, sorted(names), n=1)
                    text = Path(p.path).read_text(encoding="utf-8") if Path(p.path).is_file() else ""
                    raise _Ctx(p.path, text).error(
                        f"entity[{i}].attributes", f"attributes declared by the loaded packs ({', '.join(sorted(names))})",
                        repr(a), f"use {near[0]!r}" if near else "declare the attribute or add the pack that does to requires")
    h = hashlib.sha256()
    for p in sorted(packs, key=lambda p: p.name):
        h.update(p.name.encode())
        h.update(p.digest.encode())
    return RuleSet(packs=packs, digest=h.hexdigest()[:32])
