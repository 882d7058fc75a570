"""The rule set turned into ready regular expressions, built once per RuleSet and cached.

Everything a pack says in words (cue lexicons, synonyms, aliases, titles) becomes one compiled
alternation per use, longest phrase first, matched on whole words over a quote-normalised copy
of the text (curly quotes and apostrophes mapped one-to-one, so offsets are unchanged).
"""

from __future__ import annotations

import functools
import re
import sys
import threading
from typing import Dict, Iterable, Iterator, List, Mapping, Optional, Sequence, Tuple

import attrs

from ..rulepack import MACROS, Attribute, Entity, RuleSet

__all__ = ["Compiled", "compiled", "phrase_re", "normalise"]

_TRANS = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'", "“": '"', "”": '"', "„": '"', "″": '"',
                        "–": "-", "—": "-", "\u00a0": " ", "\u2011": "-", "\u2010": "-"})


_PAIRS = tuple((chr(k), v) for k, v in _TRANS.items())
_SPECIAL = re.compile("[" + "".join(re.escape(a) for a, _ in _PAIRS) + "]")


def normalise(text: str) -> str:
    """Straight quotes, apostrophes and dashes; same length as ``text`` (offsets unchanged)."""
    if _SPECIAL.search(text) is None:
        return text
    for a, b in _PAIRS:  # str.replace per character is much faster than translate with a dict
        if a in text:
            text = text.replace(a, b)
    return text


class Hit:
    """A match-like record (start, end, text) from a :class:`PhraseIndex`."""

    __slots__ = ("_s", "_e", "_t")

    def __init__(self, s: int, e: int, t: str) -> None:
        self._s, self._e, self._t = s, e, t

    def start(self, *_: object) -> int:
        return self._s

    def end(self, *_: object) -> int:
        return self._e

    def span(self, *_: object) -> Tuple[int, int]:
        return (self._s, self._e)

    def group(self, *_: object) -> str:
        return self._t


_TOKW = re.compile(r"\w+")
_DIGITS = re.compile(r"\d+")
# a digit run not preceded by a word character, "." or ",": the lookbehind sits after the first
# digit so the engine can skip to digits (same matches as ``(?<![\w.,])\d+``, far faster)
_FIGURE = re.compile(r"\d(?<![\w.,]\d)\d*")


def tokens(n: str) -> List[Tuple[int, str]]:
    """(start, lower-case word) of every word of ``n``: the one pass the phrase indexes share."""
    low = n.lower()
    if len(low) == len(n):
        return [(m.start(), m.group()) for m in _TOKW.finditer(low)]
    return [(m.start(), m.group().lower()) for m in _TOKW.finditer(n)]


class PhraseIndex:
    """Whole-word phrase matching keyed on the first word: one dict lookup per word of the text,
    then one small anchored regex where a phrase may start (much faster than a big alternation)."""

    __slots__ = ("by_first",)

    def __init__(self, phrases: Iterable[str], flags: int = re.IGNORECASE) -> None:
        groups: Dict[str, List[str]] = {}
        for p in {normalise(p.strip()) for p in phrases if p.strip()}:
            words = _TOKW.findall(p.lower())
            if not words or not p[0].isalnum():
                continue
            keys = {words[0]}
            m = re.match(r"(\w+)[-\s](\w+)", p.lower())
            if m and "-" in p[: m.end()]:
                keys.add(m.group(1) + m.group(2))
            for k in keys:
                groups.setdefault(k, []).append(p)
        self.by_first: Dict[str, "re.Pattern[str]"] = {}
        for k, ps in groups.items():
            ps = sorted(set(ps), key=lambda s: (-len(s), s))
            self.by_first[k] = re.compile("(?:" + "|".join(_phrase_src(p) for p in ps) + r")(?![\w])", flags)

    def find(self, n: str, toks: Sequence[Tuple[int, str]], lo: int = 0, hi: Optional[int] = None) -> List[Hit]:
        hi = len(n) if hi is None else hi
        out: List[Hit] = []
        last = -1
        get = self.by_first.get
        for start, w in toks:
            if start < lo or start < last:
                continue
            if start >= hi:
                break
            rx = get(w)
            if rx is None:
                continue
            if start > 0 and (n[start - 1].isalnum() or n[start - 1] == "_"):
                continue
            m = rx.match(n, start, hi)
            if m is not None:
                out.append(Hit(start, m.end(), m.group()))
                last = m.end()
        return out


def _find_merged(merged: Dict[str, List[Tuple[object, "re.Pattern[str]"]]], n: str, toks: Sequence[Tuple[int, str]],
                 slots: Sequence[object]) -> Dict[object, List[Hit]]:
    out: Dict[object, List[Hit]] = {slot: [] for slot in slots}
    last: Dict[object, int] = {slot: -1 for slot in slots}
    get = merged.get
    for start, w in toks:
        cands = get(w)
        if cands is None:
            continue
        if start > 0 and (n[start - 1].isalnum() or n[start - 1] == "_"):
            continue
        for slot, rx in cands:
            if start < last[slot]:
                continue
            m = rx.match(n, start)
            if m is not None:
                out[slot].append(Hit(start, m.end(), m.group()))
                last[slot] = m.end()
    return out


def matches_at(rx: "re.Pattern[str]", n: str, starts: Iterable[int]) -> List["re.Match[str]"]:
    """``rx.match`` tried only at ``starts`` (ascending), without overlaps: the same matches as
    ``finditer`` for a pattern that can only begin at such a position, far faster."""
    out: List["re.Match[str]"] = []
    last = -1
    for st in starts:
        if st < last:
            continue
        m = rx.match(n, st)
        if m is not None:
            out.append(m)
            last = m.end()
    return out


# "(?<![\w'])[A-Z]" with the lookbehind after the capital, so the engine skips to capitals
_CAPSTART = re.compile(r"[A-Z](?<![\w'][A-Z])")


def cap_starts(n: str) -> List[int]:
    """Offsets where a capitalised word starts."""
    return [m.start() for m in _CAPSTART.finditer(n)]


def _phrase_src(p: str) -> str:
    """A phrase as a regex: spaces match spaces or hyphens ("re inspection" must match
    "re-inspection", key forms lose hyphens), a hyphen matches a hyphen, a space or nothing."""
    return "".join(_atoms(p))


def _atoms(p: str) -> Tuple[str, ...]:
    """:func:`_phrase_src` in one-character pieces: the units of the factored form."""
    out: List[str] = []
    for tok in re.split(r"(\s+|-)", normalise(p.strip())):
        if not tok:
            continue
        if tok.isspace():
            out.append(r"[\s-]+")
        elif tok == "-":
            out.append(r"[-\s]?")
        else:
            out.extend(re.escape(ch) for ch in tok)
    return tuple(out)


def _atom_trie(seqs: Iterable[Tuple[str, ...]]) -> str:
    """An alternation of atom sequences factored on common prefixes (the same language)."""
    root: dict = {}
    for seq in seqs:
        d = root
        for a in seq:
            d = d.setdefault(a, {})
        d[""] = {}

    def emit(d: dict) -> str:
        alts = [a + emit(sub) for a, sub in sorted(d.items()) if a]
        if not alts:
            return ""
        body = "(?:" + "|".join(alts) + ")"
        return body + "?" if "" in d else body

    return emit(root)


class PhraseRegex:
    """A whole-word phrase alternation that finds its matches fast and returns them exactly as the
    plain alternation (longest phrase first) would.

    ``re`` tries every branch of a flat alternation at every position; the factored copy (one branch
    per distinct prefix) finds where some phrase matches, and only there is the flat pattern run,
    so every match object is the flat pattern's own: same spans, same priority among phrases.
    """

    __slots__ = ("flat", "fast")

    def __init__(self, flat: "re.Pattern[str]", fast: "re.Pattern[str]") -> None:
        self.flat, self.fast = flat, fast

    @property
    def pattern(self) -> str:
        return self.flat.pattern

    @property
    def flags(self) -> int:
        return self.flat.flags

    @property
    def groupindex(self) -> Mapping[str, int]:
        return self.flat.groupindex

    def search(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> Optional["re.Match[str]"]:
        m = self.fast.search(string, pos, endpos)
        return None if m is None else self.flat.match(string, m.start(), endpos)

    def finditer(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> Iterator["re.Match[str]"]:
        fast, flat = self.fast.search, self.flat.match
        while True:
            m = fast(string, pos, endpos)
            if m is None:
                return
            f = flat(string, m.start(), endpos)
            if f is None:  # pragma: no cover - the two patterns accept the same language
                raise AssertionError(f"phrase index out of step at {m.start()}: {self.flat.pattern[:60]}")
            yield f
            pos = f.end() if f.end() > f.start() else f.start() + 1

    def findall(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> List[str]:
        return [m.group() for m in self.finditer(string, pos, endpos)]

    def match(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> Optional["re.Match[str]"]:
        return self.flat.match(string, pos, endpos)

    def fullmatch(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> Optional["re.Match[str]"]:
        return self.flat.fullmatch(string, pos, endpos)

    def __repr__(self) -> str:
        return f"PhraseRegex({self.flat.pattern[:60]!r})"


def phrase_re(phrases: Iterable[str], flags: int = re.IGNORECASE, *, group: Optional[str] = None) -> Optional[PhraseRegex]:
    """Whole-word alternation of ``phrases``, longest first (None when there are none)."""
    ps = sorted({normalise(p.strip()) for p in phrases if p.strip()}, key=lambda s: (-len(s), s))
    if not ps:
        return None
    alt = "|".join(_phrase_src(p) for p in ps)
    body = f"(?P<{group}>{alt})" if group else f"(?:{alt})"
    flat = re.compile(r"(?<![\w])" + body + r"(?![\w])", flags)
    fast = re.compile(r"(?<![\w])" + _atom_trie(_atoms(p) for p in ps) + r"(?![\w])", flags)
    return PhraseRegex(flat, fast)


@functools.lru_cache(maxsize=8192)
def _key(s: str) -> str:
    return re.sub(r"[\s-]+", " ", normalise(s).lower()).strip()


@attrs.define(slots=True)
class ValueSet:
    """One attribute's value vocabulary: a regex and phrase -> canonical value."""

    attribute: Attribute
    regex: Optional["re.Pattern[str]"]
    canon: Dict[str, str]
    triggers: Optional["re.Pattern[str]"]
    before: frozenset
    after: Optional["re.Pattern[str]"]
    exclude_after: Optional["re.Pattern[str]"]
    directions: Tuple[Tuple[str, "re.Pattern[str]"], ...]
    patterns: Tuple["re.Pattern[str]", ...]
    index: Optional[PhraseIndex] = None
    weak: frozenset = frozenset()


@attrs.define(slots=True)
class Compiled:
    ruleset: RuleSet
    lex: Dict[str, Optional["re.Pattern[str]"]]
    words: Dict[str, frozenset]
    groups: Dict[str, Dict[str, str]]  # lexicon group name -> phrase key -> group
    group_re: Dict[str, Optional["re.Pattern[str]"]]
    org_re: Optional["re.Pattern[str]"]
    anaphora_re: Optional["re.Pattern[str]"]
    place_res: Tuple["re.Pattern[str]", ...]
    place_at_caps: Tuple[bool, ...]  # patterns that can only start at a capitalised word
    entity_re: Optional["re.Pattern[str]"]
    entity_of: Dict[str, Entity]
    agent_kinds: frozenset
    suffix_kind: Dict[str, str]  # organisation suffix (key form) -> kind ("" when the pack gives none)
    place_kind: str
    title_words: frozenset  # capitalised words that are titles, never part of a name
    not_name: frozenset  # capitalised words never part of a name (case as the pack writes them)
    valuesets: Tuple[ValueSet, ...]
    quantity_attrs: Dict[str, Attribute]
    number_re: "re.Pattern[str]"
    numword: Dict[str, float]
    title_head_re: Optional["re.Pattern[str]"]
    person_re: "re.Pattern[str]"
    honorific_re: Optional["re.Pattern[str]"]
    speech_re: Optional["re.Pattern[str]"]
    numstart: Optional["re.Pattern[str]"] = None
    currency_chars: str = ""
    numword_index: Optional[PhraseIndex] = None
    multiply_index: Optional[PhraseIndex] = None
    entity_index: Optional[PhraseIndex] = None
    speech_index: Optional[PhraseIndex] = None
    according_index: Optional[PhraseIndex] = None
    merged: Dict[str, list] = attrs.Factory(dict)  # first word -> [(slot, regex)] over all indexes
    slots: Tuple[object, ...] = ()
    first_re: Optional["re.Pattern[str]"] = None  # whole words that start a phrase of ``merged``

    def scan(self, n: str, toks: Optional[Sequence[Tuple[int, str]]] = None) -> Dict[object, List[Hit]]:
        """Every phrase index in one pass over the words of ``n``: slots are valueset positions,
        "entity", "speech", "according", "numword" and "multiply"."""
        if toks is None:
            low = n.lower()
            if len(low) == len(n):
                # only the words that start some phrase (one regex pass) instead of every word
                rx = self.first_re
                it = rx.finditer(low) if rx is not None else _TOKW.finditer(low)
                return _find_merged(self.merged, n, [(m.start(), m.group()) for m in it], self.slots)
            toks = tokens(n)
        return _find_merged(self.merged, n, toks, self.slots)

    def number_starts(self, n: str) -> List[int]:
        """Where a figure may start: a digit not inside a word or number, or the currency sign before it."""
        out = []
        cur = self.currency_chars
        for m in _FIGURE.finditer(n):  # digit runs not after a word character, "." or ","
            i = m.start()
            j = i
            while j > 0 and n[j - 1] in cur and i - j < 3:
                j -= 1
            out.append(j)
        return out

    def canon_group(self, group: str, phrase: str) -> Optional[str]:
        return self.groups.get(group, {}).get(_key(phrase))


def _build(rs: RuleSet) -> Compiled:
    lexnames = ["plan", "plan_intent", "lifecycle_reference", "prediction", "negation", "no_longer", "speech", "according_to", "carry", "comparative",
                "title_modifier", "title_for", "title_national", "title_former", "filler",
                "role_start", "role_end"]
    lex = {n: phrase_re(rs.lexicon(n)) for n in lexnames}
    words = {n: frozenset(_key(w) for w in rs.lexicon(n)) for n in lexnames + ["not_name", "honorific", "title_head"]}
    groups: Dict[str, Dict[str, str]] = {}
    group_re: Dict[str, Optional[re.Pattern[str]]] = {}
    for g in ("hedge", "change", "multiply", "number", "scale", "unit", "ratio", "title_canonical", "fraction"):
        m: Dict[str, str] = {}
        allp: List[str] = []
        for name, phrases in rs.lexicon_groups(g):
            for p in phrases:
                m.setdefault(_key(p), name)
                allp.append(p)
        groups[g] = m
        group_re[g] = phrase_re(allp) if g not in ("unit", "scale") else None
    # organisations: capitalised place + suffix
    suffixes = sorted(set(rs.lexicon("organisation.suffixes")), key=lambda s: (-len(s), s))
    prefixes = sorted(set(rs.lexicon("organisation.prefixes")), key=lambda s: (-len(s), s))
    org_re = None
    if suffixes or prefixes:
        place = r"(?:[A-Z][a-z'-]+(?:\s+(?:upon|on|and|le|in)\s+[A-Z][a-z'-]+|\s+[A-Z][a-z'-]+){0,3}?)"
        forms = []
        if suffixes:
            forms.append(r"(?P<place>" + place + r")\s+(?P<suffix>" + "|".join(_phrase_src(s) for s in suffixes) + r")")
        if prefixes:
            forms.append(r"(?P<prefix>" + "|".join(_phrase_src(s) for s in prefixes) + r")\s+(?P<pplace>[A-Z][a-z'-]+(?:\s+[A-Z][a-z'-]+){0,2})")
        org_re = re.compile(r"(?<![\w])(?:" + "|".join(forms) + r")(?![\w])")
    anaphora_re = phrase_re(rs.lexicon("organisation.anaphora"))
    place_res = tuple(re.compile(normalise(p.source), p.flags) for p in rs.place_patterns)
    entity_of: Dict[str, Entity] = {}
    for e in rs.entities:
        for n in e.names:
            entity_of.setdefault(_key(n), e)
    entity_re = phrase_re(entity_of.keys()) if entity_of else None
    valuesets = []
    quantity_attrs = {}
    for a in sorted(rs.attributes.values(), key=lambda a: (-a.priority, a.pack, a.name)):
        if a.type == "quantity":
            quantity_attrs[a.name] = a
            continue
        if a.type == "role":
            continue
        canon: Dict[str, str] = {}
        for v in a.values:
            canon.setdefault(_key(v), v)
        for v, phrases in a.synonyms:
            for p in phrases:
                canon.setdefault(_key(p), v)
        valuesets.append(ValueSet(
            attribute=a,
            regex=phrase_re(canon.keys()),
            canon=canon,
            triggers=phrase_re(a.triggers),
            before=frozenset(_key(w) for w in a.context_before),
            after=phrase_re(a.context_after),
            exclude_after=phrase_re(a.exclude_after),
            directions=tuple((d, r) for d, ps in a.directions if (r := phrase_re(ps)) is not None),
            patterns=tuple(re.compile(normalise(p.source), p.flags) for p in a.patterns),
            index=PhraseIndex(canon.keys()),
            weak=frozenset(_key(w) for w in a.weak),
        ))
    numword: Dict[str, float] = {}
    for name, phrases in rs.lexicon_groups("number"):
        for p in phrases:
            numword[_key(p)] = float(name)
    unit_alt = "|".join(_phrase_src(p) if p[0].isalnum() else re.escape(p)
                        for p in sorted({p for _, ps in rs.lexicon_groups("unit") for p in ps if p[0].isalnum() or p == "%"}, key=lambda s: (-len(s), s)))
    cur_alt = "|".join(re.escape(p) for p in sorted({p for _, ps in rs.lexicon_groups("unit") for p in ps if not p[0].isalnum() and p != "%"}, key=lambda s: (-len(s), s)))
    scale_tight = [p for _, ps in rs.lexicon_groups("scale") for p in ps if len(p) <= 2]
    scale_word = [p for _, ps in rs.lexicon_groups("scale") for p in ps if len(p) > 2]
    numwords_alt = "|".join(_phrase_src(p) for p in sorted(numword, key=lambda s: (-len(s), s)))
    num = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?" + (f"|{numwords_alt}" if numwords_alt else "")
    parts = [r"(?<![\w.,£$€])"]
    parts.append(f"(?P<cur>{cur_alt})?" if cur_alt else "(?P<cur>(?!))?")
    parts.append(f"(?P<num>{num})")
    scale = []
    if scale_tight:
        scale.append("(?:" + "|".join(re.escape(s) for s in sorted(scale_tight, key=len, reverse=True)) + r")(?![\w])")
    if scale_word:
        scale.append(r"\s+(?:" + "|".join(_phrase_src(s) for s in sorted(scale_word, key=len, reverse=True)) + r")(?![\w])")
    parts.append(f"(?P<scale>{'|'.join(scale)})?" if scale else "(?P<scale>(?!))?")
    parts.append(rf"(?:\s*(?P<unit>{unit_alt})(?![\w]))?" if unit_alt else "(?P<unit>(?!))?")
    parts.append(r"(?![\w])" if not unit_alt else "")
    number_re = re.compile("".join(parts), re.IGNORECASE)
    hon = rs.lexicon("honorific")
    honorific_re = phrase_re(hon, 0)
    hon_alt = "|".join(re.escape(h) for h in sorted(hon, key=len, reverse=True)) or "(?!)"
    cap = r"[A-Z][a-z]+(?:['-][A-Z]?[a-z]+)?"
    person_re = re.compile(
        rf"(?<![\w'])(?:(?P<hon>{hon_alt})\.?\s+)?(?P<name>{cap}(?:\s+{cap}){{0,2}})(?![\w'])"
    )
    return Compiled(
        ruleset=rs, lex=lex, words=words, groups=groups, group_re=group_re, org_re=org_re,
        anaphora_re=anaphora_re, place_res=place_res,
        place_at_caps=tuple(p.source.startswith(MACROS["{place}"]) for p in rs.place_patterns), entity_re=entity_re, entity_of=entity_of,
        agent_kinds=frozenset(rs.lexicon("organisation.agent_kinds")), valuesets=tuple(valuesets),
        suffix_kind={**{_key(w): kind for kind, ws in rs.lexicon_groups("organisation.kind") for w in ws},
                     **{_key(w): kind for kind, ws in rs.lexicon_groups("organisation.pkind") for w in ws}},
        place_kind=(rs.lexicon("organisation.place_kind") or ("",))[-1],
        not_name=frozenset(rs.lexicon("not_name")),
        title_words=frozenset(w.capitalize() for t in rs.lexicon("title_head") for w in t.split() if len(w) > 2),
        quantity_attrs=quantity_attrs, number_re=number_re, numword=numword,
        title_head_re=phrase_re(rs.lexicon("title_head")), person_re=person_re, honorific_re=honorific_re,
        speech_re=phrase_re(rs.lexicon("speech")),
        currency_chars="".join(sorted({ch for _, ps in rs.lexicon_groups("unit") for p in ps if not p[0].isalnum() and p != "%" for ch in p})),
        numstart=re.compile(r"(?<![\w.,£$€])(?:" + (cur_alt + "|" if cur_alt else "") + r")?\d"),
        numword_index=PhraseIndex(numword.keys()) if numword else None,
        multiply_index=PhraseIndex([p for _, ps in rs.lexicon_groups("multiply") for p in ps]),
        entity_index=PhraseIndex(entity_of.keys()),
        speech_index=PhraseIndex(rs.lexicon("speech")),
        according_index=PhraseIndex(rs.lexicon("according_to")),
    )


_CACHE: Dict[Tuple[int, str], Compiled] = {}
_LOCK = threading.Lock()


def _merge(c: Compiled) -> None:
    pairs: List[Tuple[object, PhraseIndex]] = [(i, vs.index) for i, vs in enumerate(c.valuesets) if vs.index is not None]
    if c.entity_index is not None:
        pairs.append(("entity", c.entity_index))
    if c.speech_index is not None:
        pairs.append(("speech", c.speech_index))
    if c.numword_index is not None:
        pairs.append(("numword", c.numword_index))
    if c.according_index is not None:
        pairs.append(("according", c.according_index))
    if c.multiply_index is not None:
        pairs.append(("multiply", c.multiply_index))
    merged: Dict[str, list] = {}
    for slot, idx in pairs:
        for w, rx in idx.by_first.items():
            merged.setdefault(w, []).append((slot, rx))
    c.merged = merged
    c.slots = tuple(slot for slot, _ in pairs)
    c.first_re = re.compile(r"(?<!\w)" + _trie(merged) + r"(?!\w)") if merged else None


def _trie(words: Iterable[str]) -> str:
    """A regex alternation of ``words`` factored on common prefixes (far fewer branches to try)."""
    return _atom_trie(tuple(re.escape(ch) for ch in w) for w in words)


def compiled(rs: RuleSet) -> Compiled:
    """The compiled form of ``rs`` (built once per rule set)."""
    key = (id(rs), rs.digest)
    c = _CACHE.get(key)
    if c is None or c.ruleset is not rs:
        c = _build(rs)
        _merge(c)
        with _LOCK:
            if len(_CACHE) > 16:
                _CACHE.clear()
            _CACHE[key] = c
    return c


def key(s: str) -> str:
    return _key(s)
