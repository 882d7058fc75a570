"""Time expressions in one sentence -> :class:`~consistency.model.TimeSpan` closed intervals.

Candidates are found in one left-to-right pass: at each token that can start an expression
(a number, a month or weekday name, "the", "last", "early"...) one precompiled regex holding just
the alternatives that can start with that token is tried on the lower-cased sentence (month and
weekday names must be capitalised in the original). A sentence with no digit and no time word
is rejected by a quick test first. Candidates are checked (no dates from counts, money, section
numbers, ages, the modal "may", "Theresa May"), then normalised keeping the precision written
("October 2013" is the month, "in 2016" the year). dateparser is used only to normalise numeric
dates ("12/03/2016", day-month order), cached, with ``languages=['en']``; invalid dates ("29
February 2015", "31/04/2016") are rejected, never repaired. Relative expressions resolve against an
:class:`Anchor` (the publication date, or an undated article's estimated range), or against the
previous time in the text ("since then", "two weeks later"); with nothing to resolve against they
stay unresolved (``start = end = None``) with their text kept. Never reads the clock.

Conventions (documented once, used everywhere):

* intervals are closed; spans are ``(offset + local_start, offset + local_end)`` half-open;
* a span includes meaning-bearing prefixes (by, since, until, before, after, from, about,
  between...and) but not plain prepositions ("in", "on", "during");
* "early/mid/late YEAR" = Jan-Apr / May-Aug / Sep-Dec; of a month: days 1-10 / 11-20 / 21-end;
  "the start/end of MONTH" = first / last 10 days; "the end of YEAR" = December; all approximate;
* seasons are meteorological (spring = Mar-May ... winter = Dec-Feb of the next year), approximate;
* "2016/17" and "2016-17" are UK financial years (1 April 2016 - 31 March 2017);
* "by/since/until/before/after X": the interval is X itself and the word is kept as ``modifier``;
* "since then" is the previous time's start up to the anchor (``anchor="previous"``); "at the
  time", "that year", "the following month", "two weeks later" also hang on the previous time;
  "just over a year after <time>" hangs on the next time in the same sentence; an unresolved
  expression breaks the chain (nothing reaches back past it);
* "N years ago" is the calendar year N years before the anchor (approximate); "the last 12
  months"/"the past three years" end at the anchor; "the next year" is the 12 months after it;
  "the year to March" is the 12 months ending with the latest March on or before the anchor;
* "in six months" is a time only in a future clause ("rose in two years" is a duration);
* with an estimated range as anchor, an expression is resolved against both ends and the union
  is returned (``anchor="estimated"``; granularity "range" and approximate when the ends differ);
* tense (:func:`tense_at`) decides bare months, seasons, quarters and weekdays: past picks the
  latest occurrence starting on or before the anchor, future the earliest ending on or after it,
  no tense marker the occurrence nearest the anchor;
"""

from __future__ import annotations

import calendar
import functools
import re
from datetime import date, datetime, timedelta
from typing import Callable, List, Optional, Sequence, Tuple

import attrs

from .model import GRANULARITIES, TimeSpan

__all__ = ["Anchor", "tag", "tag_alone", "tag_sentences", "next_previous", "tense_at", "has_time_words"]

Interval = Tuple[date, date]


@attrs.frozen(slots=True)
class Anchor:
    """What relative expressions resolve against: the publication day, or an estimated range."""

    published: Optional[date] = None
    estimated: Optional[Tuple[date, date]] = None


# --------------------------------------------------------------------------------------------
# vocabulary

_MONTH_NO = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}
_WEEKDAY_NO = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6}
_NUM_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "eighteen": 18,
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "a couple of": 2, "couple of": 2,
}
_QUAL_MOD = {
    "just over": "more than", "more than": "more than", "over": "more than", "almost": "less than",
    "nearly": "less than", "just under": "less than", "under": "less than", "less than": "less than",
    "about": "about", "around": "about", "roughly": "about", "approximately": "about", "some": "about",
}
_PREFIX_MOD = {
    "by": "by", "since": "since", "until": "until", "till": "until", "up to": "until", "before": "before",
    "prior to": "before", "after": "after", "from": "from", "around": "about", "about": "about",
    "no later than": "by", "between": "between",
}

#: full month names, or abbreviations with a dot only when a number follows ("Sept. 4", "Dec. 2016"):
#: a sentence's closing full stop is never part of a span
MONTH = (
    r"(?:(?:january|february|march|april|may|june|july|august|september|october|november|december)\b"
    r"|(?:jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\b(?:\.(?=,?\s*\d))?)"
)
MONTHFULL = r"(?:january|february|march|april|may|june|july|august|september|october|november|december)\b"
WEEKDAY = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b"
DAY = r"(?<![\d£$€.,])(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?\b"
YEAR = r"(?<![\d£$€#])(?:19|20)\d\d(?![\d])"
NUM = (
    r"(?:\d{1,3}|a\s+couple\s+of|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve"
    r"|fifteen|eighteen|twenty|thirty|forty|fifty)"
)
QUAL = r"(?:just\s+over|just\s+under|more\s+than|less\s+than|over|under|almost|nearly|about|around|roughly|approximately|some)"
UNIT = r"(?:days?|weeks?|months?|years?|decades?)"

_ALTS = [
    ("iso", r"\b(?P<iso_y>(?:19|20)\d\d)-(?P<iso_m>[01]\d)-(?P<iso_d>[0-3]\d)(?![\d])"),
    ("numd", r"(?<![\d/.£$€,])(?P<nd>\d{1,2}[/.]\d{1,2}[/.](?:\d{4}|\d{2}))(?![\d]|[/.]\d)"),
    ("fy", rf"\b(?P<fy_a>{YEAR})\s?[/–-]\s?(?P<fy_b>(?:19|20)\d\d|\d\d)(?![\d%])"),
    ("tly", r"\bthis\s+time\s+last\s+year\b"),
    (
        "drange",
        rf"(?:\b(?P<dr_p>between|from)\s+)?(?P<dr_a>{DAY})\s*(?:(?:and|to|until|till)\s+|[-–]\s*)(?P<dr_b>{DAY})\s+"
        rf"(?:of\s+)?(?P<dr_m>{MONTH})(?:,?\s+(?P<dr_y>{YEAR}))?",
    ),
    (
        "dmy",
        rf"(?:\b(?P<dmy_wd>{WEEKDAY}),?\s+)?(?:\bthe\s+)?(?P<dmy_d>{DAY})(?:\s+of)?\s+(?P<dmy_m>{MONTH})"
        rf"(?:,?\s+(?P<dmy_y>{YEAR}))?",
    ),
    (
        "mdy",
        rf"(?:\b(?P<mdy_wd>{WEEKDAY}),?\s+)?\b(?P<mdy_m>{MONTH})\s+(?P<mdy_d>(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?)"
        rf"(?![\d,.]?\d|\s*(?:%|per\s*cent))(?:,?\s+(?P<mdy_y>{YEAR}))?\b",
    ),
    (
        "my",
        rf"(?:\b(?P<my_pp>early|mid|late)[-\s]+|\b(?:the\s+)?(?P<my_se>start|beginning|middle|end)\s+of\s+)?"
        rf"\b(?P<my_m>{MONTH})(?:\s+of)?,?\s+(?P<my_y>{YEAR})",
    ),
    (
        "yrto",
        rf"\bthe\s+(?:(?:financial\s+)?year|(?P<yt_n>{NUM})\s+months?)\s+(?:to|ending|ended)\s+(?:the\s+end\s+of\s+)?"
        rf"(?:(?P<yt_d>(?:3[01]|[12]\d|0?[1-9]))(?:st|nd|rd|th)?\s+)?(?P<yt_m>{MONTHFULL})"
        rf"(?:\s+(?P<yt_d2>(?:3[01]|[12]\d|0?[1-9]))(?:st|nd|rd|th)?\b,?)?(?:\s+(?P<yt_y>{YEAR}))?",
    ),
    (
        "mrel",
        rf"(?:\b(?P<mr_pp>early|mid|late|last|next|this)[-\s]+|\b(?:the\s+)?(?P<mr_se>start|beginning|middle|end)\s+of\s+)?"
        rf"\b(?P<mr_m>{MONTHFULL})(?:\s+(?:of\s+)?(?P<mr_rel>this|last|next)\s+year\b)?",
    ),
    (
        "part",
        rf"(?:\b(?P<pt_pp>early|mid|late)[-\s]+(?:in\s+)?|\b(?:the\s+)?(?P<pt_se>start|beginning|middle|end|first\s+half|second\s+half"
        rf"|(?:first|second|third|fourth|final|last)\s+quarter|spring|summer|autumn|winter)\s+of\s+)"
        rf"(?:(?P<pt_y>{YEAR})|(?P<pt_r>the|this|last|next)\s+(?P<pt_u>year|month)\b)",
    ),
    ("qtr", rf"\b(?:(?P<q_q>q[1-4])\s*(?P<q_y>{YEAR})|(?P<q_y2>{YEAR})\s*(?P<q_q2>q[1-4]))\b"),
    (
        "qbare",
        r"\bthe\s+(?P<qb_n>first|second|third|fourth|final)\s+(?P<qb_u>quarter|half)\b(?!ly|-)(?!\s+of\b)",
    ),
    ("decade", r"\b(?:the\s+)?(?:(?P<dc_pp>early|mid|late)[-\s]+)?(?P<dc_y>(?:19|20)\d0)(?:'s|’s|s)\b"),
    (
        "season",
        rf"(?:\b(?P<se_rel>this|last|next|early|late)\s+|\b(?P<se_the>the)\s+)?\b(?P<se_s>spring|summer|autumn|winter)\b"
        rf"(?:\s+(?:of\s+)?(?P<se_y>{YEAR})|\s+(?:of\s+)?(?P<se_ry>this|last|next)\s+year\b)?",
    ),
    (
        "ago",
        rf"\b(?:(?P<ag_q>{QUAL})\s+)?(?P<ag_n>{NUM})\s+(?P<ag_u>{UNIT})\s+ago\b",
    ),
    ("fwd", rf"\bin\s+(?P<fw_n>{NUM})\s+(?P<fw_u>days?|weeks?|months?|years?)(?P<fw_t>[’']?\s+time)?\b"),
    (
        "off",
        rf"\b(?:(?P<of_q>{QUAL})\s+)?(?P<of_n>{NUM})\s+(?P<of_u>days?|weeks?|months?|years?)\s+(?P<of_d>later|earlier|after|before|on)\b",
    ),
    (
        "trail",
        rf"\bthe\s+(?P<tr_w>last|past|previous|preceding|next|coming|following)\s+(?:(?P<tr_n>{NUM})\s+)?(?P<tr_u>{UNIT})\b(?!-)",
    ),
    ("within", rf"\bwithin\s+(?P<wi_n>{NUM})\s+(?P<wi_u>{UNIT})\b(?!-)"),
    (
        "unitrel",
        r"\bthe\s+(?P<ur_u>year|month|week|day)\s+(?P<ur_d>before|after|earlier|later)\b"
        r"(?!\s+(?:the|a|an|its|their|his|her|this|that|last|next|[0-9]))",
    ),
    ("later", r"\b(?P<lt_w>later|earlier)\s+(?:this|in\s+the)\s+(?P<lt_u>year|month|week)\b"),
    ("rel", r"\b(?P<rl_r>this|last|next)\s+(?P<rl_u>year|month|week)\b(?!-)"),
    ("dayw", r"\b(?P<dw>today|yesterday|tomorrow|tonight|last\s+night|this\s+(?:morning|afternoon|evening))\b"),
    (
        "prev",
        r"\b(?P<pv>since\s+then|at\s+the\s+time|at\s+that\s+time|by\s+then|until\s+then"
        r"|that\s+(?:year|month)|the\s+same\s+(?:year|month))\b(?![-’'])",
    ),
    (
        "wd",
        rf"(?:\b(?P<wd_r>last|next|this)\s+)?\b(?P<wd_d>{WEEKDAY})(?:'s|’s)?(?:\s+(?P<wd_p>morning|afternoon|evening|night))?",
    ),
    ("year", rf"\b(?P<yr>{YEAR})(?![,.]\d)(?!\s*(?:%|per\s*cent|percent))"),
]

_QUAL_W = "just more less over under almost nearly about around roughly approximately some"
_NUM_W = "a an one two three four five six seven eight nine ten eleven twelve fifteen eighteen twenty thirty forty fifty"
_PARTS_W = "early mid late the start beginning middle end"
#: the tokens each alternative can start with (#d digits, #m month names, #w weekday names)
_FIRST = {
    "iso": "#d", "numd": "#d", "drange": "between from #d", "fy": "#d", "tly": "this", "dmy": "#w the #d", "mdy": "#w #m",
    "my": _PARTS_W + " #m", "yrto": "the", "mrel": _PARTS_W + " last next this #m",
    "part": _PARTS_W + " first second third fourth final last spring summer autumn winter", "qtr": "q #d",
    "qbare": "the", "decade": "the early mid late #d", "season": "this last next early late the spring summer autumn winter",
    "ago": _QUAL_W + " " + _NUM_W + " #d", "fwd": "in", "off": _QUAL_W + " " + _NUM_W + " #d", "trail": "the", "within": "within", "unitrel": "the",
    "later": "later earlier", "rel": "this last next", "dayw": "today yesterday tomorrow tonight last this",
    "prev": "since at by until that the", "wd": "last next this #w", "year": "#d",
}
_MONTH_WORDS = frozenset(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sept sep oct nov dec".split()
)
_WEEKDAY_WORDS = frozenset(_WEEKDAY_NO)


def _families() -> dict:
    """One compiled regex per starting token, holding only the alternatives that can start there."""
    keys: dict = {}
    for name, _ in _ALTS:
        for k in _FIRST[name].split():
            keys.setdefault(k, []).append(name)
    out = {}
    for k, names in keys.items():
        src = "|".join(f"(?P<{n}>{p})" for n, p in _ALTS if n in names)
        out[k] = re.compile(src)
    return out


_FAMILY = _families()


def _guard(key: str, ahead: str) -> "re.Pattern[str]":
    """Put the lookahead ``ahead`` in front of the family of ``key``; return the unguarded family
    (the tests compare the two)."""
    plain = _FAMILY[key]
    _FAMILY[key] = re.compile(rf"(?={ahead})(?:{plain.pattern})")
    return plain


#: every alternative that can start at "the" goes on with one of these words or a digit ("the 3rd
#: of May", "the start of", "the past year"); most "the"s start none, and this lookahead turns them
#: away before a dozen alternatives are tried (tests compare it with the unguarded family)
_THE_NEXT = (
    r"\d|an?\s|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|eighteen|twenty|thirty"
    r"|forty|fifty|financial|year|month|week|day|start|beginning|middle|end|first|second|third|fourth|final"
    r"|last|spring|summer|autumn|winter|early|mid|late|past|previous|preceding|next|coming|following|same"
)
_THE_UNGUARDED = _guard("the", rf"the\s+(?:{_THE_NEXT})")
#: a number of one to three digits starts an expression only as a day ("3rd of May", "3 May",
#: "3-5 May", "12/03/2016") or a count of units ("3 years ago"); four digits may be anything (a
#: year); five or more, nothing. Counts, percentages and sums are turned away by this lookahead.
_DIGIT_NEXT = (
    r"\d{4}(?!\d)|\d{1,3}(?:st|nd|rd|th)?(?:[/.]|\s*(?:[-–]|and|to|until|till|of)"
    r"|\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|day|week|month|year|decade))"
)
_DIGIT_UNGUARDED = _guard("#d", _DIGIT_NEXT)
_DIGIT_FAMILY = _FAMILY["#d"]
#: every word that can start an expression -> the regex to try there
_WORD_FAMILY = {
    **{w: _FAMILY["#m"] for w in _MONTH_WORDS},
    **{w: _FAMILY["#w"] for w in _WEEKDAY_WORDS},
    **{w: r for w, r in _FAMILY.items() if not w.startswith("#")},
}
_MASTER_SRC = "|".join(f"(?P<{name}>{pat})" for name, pat in _ALTS)
#: the families run on the lower-cased sentence (case-sensitive matching is faster in ``re``);
#: this case-insensitive whole serves the rare text whose lower-casing changes its length
_MASTER_I = re.compile(_MASTER_SRC, re.I)

#: quick test: a sentence with no digit and none of these substrings cannot hold an expression
#: (every alternative that can match without a digit holds one of them; a test checks it)
_QUICK_WORDS = (
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    "day", "year", "month", "week", "spring", "summer", "autumn", "winter", "then", "time", "ago", "tonight", "half",
    "tomorrow", "night", "morning", "afternoon", "evening", "quarter", "decade",
)
_DIGIT = re.compile(r"[0-9]")
#: tokens at which an expression can start; only there is a regex tried
_TOKEN = re.compile(r"[a-z]+|[0-9]+")

_PREFIX = re.compile(
    r"(?:^|(?<=[^\w]))(no\s+later\s+than|prior\s+to|up\s+to|between|by|since|until|till|before|after|from|around|about"
    r"|in|on|during|of|at|to|and|through|throughout|within|for|or)\s+$",
    re.I,
)
_STRONG_PREP = frozenset(
    "in on during of at by since until till before after from through throughout within between around about".split()
) | {"prior to", "up to", "no later than"}
_BARE_OK_PREP = _STRONG_PREP | {"over"}  # a bare month/season needs one of these (or to/and within a range)

#: after a 4-digit number, these make it a count or an amount, not a year
_UNIT_AFTER = re.compile(
    r"\s*(?:-?(?:year|month|week|day)s?-old\b|-strong\b|m\b|bn\b|k\b|million|billion|thousand|hundred"
    r"|pounds?\b|euros?\b|dollars?\b|%|per\s*cent|percent|kg\b|km\b|miles?\b|metres?\b|hours?\b|minutes?\b"
    r"|times\b|people\b|staff\b|children\b|men\b|women\b|personnel\b|police\b|officers?\b|workers?\b"
    r"|pupils?\b|patients?\b|beds?\b|homes?\b|cases?\b|places?\b|jobs?\b|posts?\b|visits?\b(?!\s+(?:to|by|in|of)\b)"
    r"|calls?\b|referrals?\b|residents?\b|households?\b|families\b|adults?\b|students?\b|nurses?\b|doctors?\b"
    r"|prisoners?\b|inmates?\b|members?\b|votes?\b|signatures?\b|units?\b|houses?\b|of\s+(?:the|them|whom|these|those)\b)",
    re.I,
)
_RANGE_NEXT = re.compile(r"\s*(?:to|until|till|through|-|–|—)\s*(?=[A-Z0-9])")
#: a count noun a word or two after the number: "1998 other staff", "2015 new nurses"
_COUNT_NOUN_NEAR = re.compile(
    r"\s+(?:[a-z-]+\s+){1,2}(?:people|staff|children|men|women|pupils|patients|nurses|doctors|officers|workers"
    r"|beds|homes|cases|places|jobs|posts|families|adults|students|residents|prisoners|inmates|members|crimes|offences)\b",
    re.I,
)
_NEXT_WORD = re.compile(r"\s+([a-z][a-z’']*)")
_NOT_PLURAL = frozenset(
    "is was has as this its thus plus across does his hers ours yours theirs unless whereas besides perhaps always "
    "towards afterwards was's us yes less bus gas class process progress success address access status focus "
    "crisis analysis basis thesis census bonus campus virus".split()
)
_COUNT_BEFORE = re.compile(
    r"(?:(?:up|down)\s+from(?:\s+(?:about|around|some|nearly|almost|roughly))?"
    r"|(?:rose|fell|risen|fallen|increased|decreased|dropped|grew|climbed|jumped)\s+(?:to|by|from)(?:\s+(?:about|around|some|nearly|almost|roughly))?"
    r"|more\s+than|fewer\s+than|less\s+than|over|almost|nearly|some|up\s+to|at\s+least|approximately|roughly"
    r"|total\s+of|than|of\s+the|per|no\.?|number|section|article|clause|rule|regulation|part|page|pages|room|unit"
    r"|route|flight|model|version|code|[£$€#])\s*$",
    re.I,
)

_FUT_WORDS = frozenset("will shall won't won’t next upcoming forthcoming scheduled expected".split())
_FUT_BEFORE_TO = frozenset("is are going expect expects expected plan plans planning intend intends aim aims set".split())
_DUE_NOT = ("the", "a", "an", "its", "their", "his", "her", "this", "that", "these", "those", "lack", "poor", "concern",
            "high", "low", "ris", "fall", "increas", "reduc", "pressure", "staff", "cut")
_PAST_WORDS = frozenset(
    """was were had did said told found made took came went saw gave began became rose fell left held met won lost
    paid sent spent brought bought thought knew wrote spoke chose ran led got last ago previously emerged earlier""".split()
)
_TWORD = re.compile(r"[a-z]+(?:[’'][a-z]+)?")
_NOT_PAST_ED = frozenset(
    "need indeed speed proceed exceed succeed hundred embed breed greed seed feed weed shed bed red reed deed heed "
    "bleed creed steed sacred kindred naked wicked beloved rugged ragged expected scheduled".split()
)


# --------------------------------------------------------------------------------------------
# calendar helpers (all pure)


def _month_end(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


def _month_iv(y: int, m: int) -> Interval:
    return date(y, m, 1), _month_end(y, m)


def _year_iv(y: int) -> Interval:
    return date(y, 1, 1), date(y, 12, 31)


def _add_months(d: date, n: int) -> date:
    k = d.year * 12 + d.month - 1 + n
    y, m = divmod(k, 12)
    m += 1
    return date(y, m, min(d.day, calendar.monthrange(y, m)[1]))


def _shift(d: date, n: int, unit: str) -> date:
    if unit == "day":
        return d + timedelta(days=n)
    if unit == "week":
        return d + timedelta(weeks=n)
    if unit == "month":
        return _add_months(d, n)
    if unit == "year":
        return _add_months(d, 12 * n)
    if unit == "decade":
        return _add_months(d, 120 * n)
    raise ValueError(unit)


def _week_iv(d: date) -> Interval:
    s = d - timedelta(days=d.weekday())
    return s, s + timedelta(days=6)


def _unit_iv(d: date, unit: str) -> Interval:
    """The calendar unit (day, week, month, year) containing ``d``."""
    if unit == "day":
        return d, d
    if unit == "week":
        return _week_iv(d)
    if unit == "month":
        return _month_iv(d.year, d.month)
    return _year_iv(d.year)


def _thirds_of_month(y: int, m: int, part: str) -> Interval:
    end = _month_end(y, m)
    if part in ("early", "start", "beginning"):
        return date(y, m, 1), date(y, m, 10)
    if part in ("mid", "middle"):
        return date(y, m, 11), date(y, m, 20)
    if part == "late":
        return date(y, m, 21), end
    return end - timedelta(days=9), end  # "the end of"


def _year_part(y: int, part: str) -> Tuple[Interval, str]:
    if part == "early":
        return (date(y, 1, 1), date(y, 4, 30)), "quarter"
    if part == "mid":
        return (date(y, 5, 1), date(y, 8, 31)), "quarter"
    if part == "late":
        return (date(y, 9, 1), date(y, 12, 31)), "quarter"
    if part in ("start", "beginning"):
        return _month_iv(y, 1), "month"
    if part == "middle":
        return (date(y, 6, 1), date(y, 7, 31)), "month"
    if part == "end":
        return _month_iv(y, 12), "month"
    if part in ("first half", "second half"):
        return ((date(y, 1, 1), date(y, 6, 30)) if part.startswith("first") else (date(y, 7, 1), date(y, 12, 31))), "half"
    if part.endswith("quarter"):
        q = {"first": 1, "second": 2, "third": 3, "fourth": 4, "final": 4, "last": 4}[part.split()[0]]
        return _quarter_iv(y, q), "quarter"
    return _season_iv(y, part), "season"


def _quarter_iv(y: int, q: int) -> Interval:
    return date(y, 3 * q - 2, 1), _month_end(y, 3 * q)


def _season_iv(y: int, s: str) -> Interval:
    if s == "spring":
        return date(y, 3, 1), date(y, 5, 31)
    if s == "summer":
        return date(y, 6, 1), date(y, 8, 31)
    if s == "autumn":
        return date(y, 9, 1), date(y, 11, 30)
    return date(y, 12, 1), _month_end(y + 1, 2)  # winter


def _pick(iv: Callable[[int], Interval], ref: date, mode: str) -> Interval:
    """Choose the occurrence of a yearly period relative to ``ref``.

    past: latest starting on or before ref; future: earliest ending on or after ref;
    last: latest ending before ref; next: earliest starting after ref; this: the one
    containing ref, else the one in ref's year.
    """
    y = ref.year
    if mode == "this":
        for yy in (y - 1, y):
            s, e = iv(yy)
            if s <= ref <= e:
                return s, e
        return iv(y)
    if mode == "none":  # no tense marker: the occurrence nearest the reference day
        p, f = _pick(iv, ref, "past"), _pick(iv, ref, "future")
        if p == f:
            return p
        return p if (ref - p[1]).days <= (f[0] - ref).days else f
    if mode == "past":
        for yy in (y + 1, y, y - 1, y - 2):
            s, e = iv(yy)
            if s <= ref:
                return s, e
    elif mode == "future":
        for yy in (y - 2, y - 1, y, y + 1):
            s, e = iv(yy)
            if e >= ref:
                return s, e
    elif mode == "last":
        for yy in (y + 1, y, y - 1, y - 2):
            s, e = iv(yy)
            if e < ref:
                return s, e
    elif mode == "next":
        for yy in (y - 1, y, y + 1, y + 2):
            s, e = iv(yy)
            if s > ref:
                return s, e
    raise ValueError(f"no occurrence for mode {mode}")


def _num(s: str) -> int:
    s = " ".join(s.lower().split())
    if s.isdigit():
        return int(s)
    return _NUM_WORDS[s]


def _unit(s: str) -> str:
    return s.lower().rstrip("s")


def _gran_of_unit(unit: str) -> str:
    return {"day": "day", "week": "week", "month": "month", "year": "year", "decade": "decade"}[unit]


@functools.lru_cache(maxsize=4096)
def _dateparser_day(text: str) -> Optional[date]:
    """Fallback normaliser for numeric full dates ("12/03/2016", "3.5.16"): UK day-month order.

    dateparser handles two-digit years and separators; strict parsing rejects invalid dates
    (it never repairs "29/02/2015"). The result does not depend on RELATIVE_BASE because all three
    parts are required; a fixed base keeps it clock-free.
    """
    import dateparser  # deferred: only numeric dates need it, and importing it is slow

    dt = dateparser.parse(
        text,
        languages=["en"],
        settings={
            "RELATIVE_BASE": datetime(2000, 1, 1),
            "PREFER_DAY_OF_MONTH": "first",
            "DATE_ORDER": "DMY",
            "REQUIRE_PARTS": ["day", "month", "year"],
            "STRICT_PARSING": True,
        },
    )
    if dt is None or not 1900 <= dt.year <= 2099:
        return None
    return dt.date()


# --------------------------------------------------------------------------------------------
# tense


def _tense_markers(low: str) -> List[Tuple[int, int, str]]:
    """(start, end, 'past'|'future') for each tense marker of a lower-cased sentence."""
    toks = [(m.start(), m.end(), m.group()) for m in _TWORD.finditer(low)]
    out: List[Tuple[int, int, str]] = []
    n = len(toks)
    for i, (a, b, w) in enumerate(toks):
        nxt = toks[i + 1][2] if i + 1 < n else ""
        if w in _FUT_WORDS or w.endswith("'ll") or w.endswith("’ll"):
            out.append((a, b, "future"))
        elif nxt == "to" and w in _FUT_BEFORE_TO:
            out.append((a, toks[i + 1][1], "future"))
        elif w == "due" and nxt == "to" and i + 2 < n and not toks[i + 2][2].startswith(_DUE_NOT):
            out.append((a, toks[i + 1][1], "future"))
        elif w in _PAST_WORDS or (w in ("has", "have") and nxt == "been"):
            out.append((a, b, "past"))
        elif len(w) > 3 and w.endswith("ed") and w not in _NOT_PAST_ED:
            prev = toks[i - 1][2] if i else ""
            if prev not in ("be", "being", "is", "are", "am", "get", "gets"):  # "will be reviewed": a participle
                out.append((a, b, "past"))
    return out


_CLAUSE_BREAK = re.compile(r"[,;:()\"“”]")


def _nearest(markers: Sequence[Tuple[int, int, str]], start: int, end: int, low: str = "") -> str:
    """The kind of the nearest marker, preferring those in the same clause (no comma between)."""
    best: Optional[Tuple[int, str]] = None
    for a, b, kind in markers:
        if a < end and b > start:
            continue  # a marker inside the expression ("last October") says nothing about the clause
        dist = start - b if b <= start else a - end
        gap = (b, start) if b <= start else (end, a)
        if low and _CLAUSE_BREAK.search(low, *gap):
            dist += 1000  # another clause: only if nothing in this one decides
        if best is None or dist < best[0]:
            best = (dist, kind)
    return best[1] if best else "none"


def tense_at(text: str, start: int, end: int) -> str:
    """'past', 'future' or 'none' for an expression at ``text[start:end]``: the nearest marker wins.

    Future markers: will, 'll, shall, won't, is/are to, going to, expect(s/ed) to, plan(s) to,
    intend(s) to, aim(s) to, set to, due to (+ a verb, not "due to the..."), scheduled, expected,
    next. Past: was, were, had, has/have been, said and other common irregular past forms, last,
    ago, -ed verbs (not after be/is/are: "will be reviewed"). Markers inside the expression are
    ignored, and markers in another clause (across a comma) count only when the expression's own
    clause has none. With no marker at all it returns 'none': a bare month then takes the
    occurrence nearest the anchor ("the consultation closes on 30 November"), a weekday the
    one on or before it. A heuristic of one token loop, by design.
    """
    low = text.lower()
    if len(low) != len(text):
        low = "".join(ch if len(ch.lower()) != 1 else ch.lower() for ch in text)
    return _nearest(_tense_markers(low), start, end, low)


def has_time_words(text: str) -> bool:
    """Quick test: can this text hold a time expression at all?"""
    low = text.lower()
    return _DIGIT.search(low) is not None or _has_quick_word(low)


def _has_quick_word(low: str) -> bool:
    """Does ``low`` contain one of the quick words? (a plain loop: cheaper than any() over a generator)"""
    for w in _QUICK_WORDS:
        if w in low:
            return True
    return False


# --------------------------------------------------------------------------------------------
# candidates


@attrs.define(slots=True)
class _Cand:
    """A found expression before resolution: where, and how to resolve it."""

    s: int
    e: int
    kind: str  # abs | per | rel | prev | evt | since_then
    gran: str
    approx: bool = False
    mod: Optional[str] = None
    iv: Optional[Interval] = None  # abs
    per: Optional[Callable[[int], Interval]] = None  # per: yearly period
    mode: str = "past"  # per: past/future/tense/last/next/this
    rel: Optional[Callable[[date], Interval]] = None  # rel
    prevf: Optional[Callable[[TimeSpan, Optional[date]], Optional[Interval]]] = None  # prev
    evt: Optional[Tuple[int, str, str]] = None  # (n, unit, direction)
    weak: bool = False  # bare month after to/and: kept only inside a range
    year_free: bool = False  # bare month/season with no year: a range may complete it
    wd: int = 0  # wd: weekday number (Monday = 0)
    future_only: bool = False  # "in six months" is a time only when the clause is future
    pre: Optional[str] = None  # the preposition before the expression (lower-cased)
    ps: int = 0  # where that preposition starts
    parts: Optional[Tuple["_Cand", "_Cand"]] = None  # range: its two ends


_SKIP: _Cand = _Cand(0, 0, "skip", "unknown")  # returned for invalid dates: consume, tag nothing


def _cap(text: str, i: int) -> bool:
    return text[i].isupper()


_PREFIX_WORDS = frozenset(
    "by since until till before after from between around about in on during of at to and through throughout "
    "within for or over".split()
)


def _prefix(text: str, s: int) -> Tuple[Optional[str], int]:
    """The preposition just before ``s`` (lower-cased) and where it starts."""
    before = text[max(0, s - 16):s]
    stripped = before.rstrip()
    if not stripped or len(stripped) == len(before):
        return None, s
    cut = max(stripped.rfind(" "), stripped.rfind("\n"), stripped.rfind("\t"), stripped.rfind("("), stripped.rfind("\u201c"), stripped.rfind('"'))
    word = stripped[cut + 1:].lower()
    if word in ("to", "than"):  # "prior to", "up to", "no later than"
        two = _PREFIX.search(text, max(0, s - 24), s)
        if two is not None and " " in two.group(1).strip():
            return " ".join(two.group(1).lower().split()), two.start(1)
    if word not in _PREFIX_WORDS:
        return None, s
    return word, s - len(before) + cut + 1


def _year_ok(text: str, s: int, e: int, prep: Optional[str]) -> bool:
    """Is the 4-digit number at text[s:e] used as a year (not a count, an amount or a label)?"""
    before = text[max(0, s - 22):s]
    cb = _COUNT_BEFORE.search(before)
    if cb and (prep not in ("in", "since", "by", "until", "during", "before", "after", "from", "between") or " " in cb.group().strip()):
        return False
    after = text[e:e + 30]
    if after[:1] == "-" and after[1:2].isalpha():
        return False
    if _UNIT_AFTER.match(after):
        return False
    if prep not in ("in", "since", "by", "until", "during", "before", "after", "between") and _COUNT_NOUN_NEAR.match(after):
        return False
    if prep in _STRONG_PREP or prep == "to" or prep == "and":
        return True
    m = _NEXT_WORD.match(after)
    if m:
        w = m.group(1).lower()
        if len(w) > 3 and w.endswith("s") and not w.endswith("ss") and w not in _NOT_PLURAL and "'" not in w and "’" not in w:
            return False
    return True


def _find(text: str, low: str) -> List[_Cand]:
    """One left-to-right pass: try the master regex at each token that can start an expression."""
    out: List[_Cand] = []
    if len(low) != len(text):  # lower-casing changed offsets (rare letters): slower scan of the original
        for m in _MASTER_I.finditer(text):
            c = _convert(text, m)
            if c is not None and c is not _SKIP:
                out.append(c)
        return out
    last = 0
    digit_family, family_of, convert = _DIGIT_FAMILY, _WORD_FAMILY.get, _convert  # locals: a hot loop
    for t in _TOKEN.finditer(low):
        w = t.group()
        fam = digit_family if w[0] <= "9" else family_of(w)
        if fam is None:
            continue
        ts = t.start()
        if ts < last:
            continue
        m = fam.match(low, ts)
        if m is None:
            continue
        c = convert(text, m)
        if c is _SKIP:
            last = m.end()  # an invalid date: consumed, never repaired into a month
        elif c is not None:
            out.append(c)
            last = m.end()
    return out


def _convert(text: str, m: "re.Match[str]") -> Optional[_Cand]:  # noqa: C901 - one dispatch table
    k = m.lastgroup
    g = m.group
    s, e = m.span()
    prep, ps = _prefix(text, s)
    pmod = _PREFIX_MOD.get(prep) if prep else None
    if pmod == "between":
        pmod = None
    cs = ps if pmod else s

    def C(kind: str, gran: str, **kw: object) -> _Cand:
        mod = kw.pop("mod", None)
        return _Cand(cs, e, kind, gran, mod=pmod or mod, pre=prep, ps=ps, **kw)  # type: ignore[arg-type]

    if k == "iso":
        y, mo, d = int(g("iso_y")), int(g("iso_m")), int(g("iso_d"))
        try:
            dd = date(y, mo, d)
        except ValueError:
            return _SKIP
        return C("abs", "day", iv=(dd, dd))
    if k == "numd":
        dd = _dateparser_day(g("nd"))
        return _SKIP if dd is None else C("abs", "day", iv=(dd, dd))
    if k == "fy":
        a, b = int(g("fy_a")), g("fy_b")
        if _UNIT_AFTER.match(text[e:e + 30]) or _COUNT_BEFORE.search(text[max(0, s - 22):s]):
            return None
        bb = int(b) if len(b) == 4 else (a // 100) * 100 + int(b)
        slash = "/" in m.group("fy")
        if bb == a + 1 and (slash or len(b) == 2):  # "2016/17", "2016-17", "2016/2017"; "2016-2017" is a range
            return C("abs", "financial_year", iv=(date(a, 4, 1), date(bb, 3, 31)))
        if len(b) == 2 and bb <= a:
            return None
        if a < bb <= a + 100:
            return C("abs", "range", iv=(date(a, 1, 1), date(bb, 12, 31)))
        return None
    if k == "tly":
        return C("rel", "month", approx=True, rel=lambda r: _unit_iv(_shift(r, -1, "year"), "month"))
    if k == "drange":  # "between 3 and 7 May", "from 2 to 14 March 2017", "12-14 March"
        if not _cap(text, m.start("dr_m")):
            return None
        mo = _MONTH_NO[g("dr_m").lower()[:3]]
        d1, d2 = (int(re.match(r"\d+", g(x)).group()) for x in ("dr_a", "dr_b"))  # type: ignore[union-attr]
        if not d1 < d2:
            return None
        cs2 = m.start()  # "between"/"from" are part of this match
        if g("dr_y"):
            try:
                iv = (date(int(g("dr_y")), mo, d1), date(int(g("dr_y")), mo, d2))
            except ValueError:
                return _SKIP
            return _Cand(cs2, e, "abs", "range", iv=iv, pre=prep, ps=ps)
        if d2 > (29 if mo == 2 else calendar.monthrange(2001, mo)[1]):
            return _SKIP
        return _Cand(cs2, e, "per", "range", per=lambda y, mo=mo, d1=d1, d2=d2: (date(y, mo, d1), date(y, mo, d2)), mode="tense", pre=prep, ps=ps)
    if k in ("dmy", "mdy"):
        p = "dmy_" if k == "dmy" else "mdy_"
        mi = m.start(p + "m")
        if not _cap(text, mi):
            return None
        mo = _MONTH_NO[g(p + "m").lower()[:3]]
        d = int(re.match(r"\d+", g(p + "d")).group())  # type: ignore[union-attr]
        ys = g(p + "y")
        if ys:
            try:
                dd = date(int(ys), mo, d)
            except ValueError:
                return _SKIP  # invalid dates are rejected, never repaired
            return C("abs", "day", iv=(dd, dd))
        if d > (29 if mo == 2 else calendar.monthrange(2001, mo)[1]):
            return _SKIP
        if k == "mdy":
            # "May 12" with no year: refuse when a count follows ("in May 12 staff left")
            if _UNIT_AFTER.match(text[e:e + 30]) or not _year_ok(text, e, e, None):
                return None
        return C("per", "day", per=lambda y, mo=mo, d=d: (date(y, mo, d), date(y, mo, d)), mode="tense", year_free=True)
    if k == "my":
        if not _cap(text, m.start("my_m")):
            return None
        mo, y = _MONTH_NO[g("my_m").lower()[:3]], int(g("my_y"))
        part = (g("my_pp") or g("my_se") or "").lower()
        if part:
            mod = {"early": "early", "mid": "mid", "late": "late", "end": "end", "start": "start", "beginning": "start", "middle": "mid"}[part]
            return C("abs", "week", iv=_thirds_of_month(y, mo, part), approx=True, mod=mod)
        return C("abs", "month", iv=_month_iv(y, mo))
    if k == "yrto":
        mo = _MONTH_NO[g("yt_m").lower()[:3]]
        if not _cap(text, m.start("yt_m")):
            return None
        n = _num(g("yt_n")) if g("yt_n") else 12
        dd = int(g("yt_d") or g("yt_d2")) if (g("yt_d") or g("yt_d2")) else None

        def window(y: int, mo: int = mo, n: int = n, dd: Optional[int] = None) -> Interval:
            end = date(y, mo, dd) if dd else _month_end(y, mo)
            return _add_months(end, -n) + timedelta(days=1), end

        if dd is not None:
            window = functools.partial(window, dd=dd)  # type: ignore[assignment]
        if g("yt_y"):
            try:
                return C("abs", "range", iv=window(int(g("yt_y"))))
            except ValueError:
                return None
        return _yrto_rel(C, window)
    if k == "mrel":
        mi = m.start("mr_m")
        if not _cap(text, mi):
            return None
        mo = _MONTH_NO[g("mr_m").lower()[:3]]
        pp = (g("mr_pp") or "").lower()
        se = (g("mr_se") or "").lower()
        rel = (g("mr_rel") or "").lower()
        part = se or (pp if pp in ("early", "mid", "late") else "")
        if part:
            per = lambda y, mo=mo, part=part: _thirds_of_month(y, mo, part)  # noqa: E731
            gran, approx = "week", True
            mod = {"early": "early", "mid": "mid", "late": "late", "end": "end", "start": "start", "beginning": "start", "middle": "mid"}[part]
        else:
            per = lambda y, mo=mo: _month_iv(y, mo)  # noqa: E731
            gran, approx, mod = "month", False, None
        if rel:
            off = {"this": 0, "last": -1, "next": 1}[rel]
            return C("rel", gran, approx=approx, mod=mod, rel=lambda r, per=per, off=off: per(r.year + off))
        if pp in ("last", "next", "this"):
            return C("per", gran, approx=approx, mod=mod, per=per, mode=pp)
        weak = False
        if not part and prep not in _BARE_OK_PREP:
            if prep in ("to", "and", "or") or _RANGE_NEXT.match(text, e):
                weak = True  # kept only if it turns out to be one end of a range
            else:
                return None  # "Theresa May", "May's figures": a bare month needs a preposition
        return C("per", gran, approx=approx, mod=mod, per=per, mode="tense", weak=weak, year_free=not part)
    if k == "part":
        part = " ".join((g("pt_pp") or g("pt_se") or "").lower().split())
        if part == "last quarter":
            part = "final quarter"
        approx = not (part.endswith("quarter") or part.endswith("half"))
        modmap = {"early": "early", "mid": "mid", "late": "late", "end": "end", "start": "start", "beginning": "start", "middle": "mid"}
        mod = modmap.get(part)
        if g("pt_y"):
            y = int(g("pt_y"))
            iv, gran = _year_part(y, part)
            return C("abs", gran, iv=iv, approx=approx, mod=mod)
        off = {"the": 0, "this": 0, "last": -1, "next": 1}[g("pt_r").lower()]
        if g("pt_u").lower() == "month":  # "the end of the month", "early next month"
            if part not in ("early", "mid", "late", "start", "beginning", "middle", "end"):
                return None
            return C(
                "rel", "week", approx=True, mod=mod,
                rel=lambda r, off=off, part=part: _thirds_of_month(_add_months(r, off).year, _add_months(r, off).month, part),
            )
        gran = _year_part(2001, part)[1]
        return C("rel", gran, approx=approx, mod=mod, rel=lambda r, off=off, part=part: _year_part(r.year + off, part)[0])
    if k == "qtr":
        q = int((g("q_q") or g("q_q2"))[1])
        y = int(g("q_y") or g("q_y2"))
        return C("abs", "quarter", iv=_quarter_iv(y, q))
    if k == "qbare":
        n = {"first": 1, "second": 2, "third": 3, "fourth": 4, "final": 4}[g("qb_n").lower()]
        if g("qb_u").lower() == "quarter":
            per = lambda y, n=n: _quarter_iv(y, n)  # noqa: E731
            gran = "quarter"
        else:
            if n > 2:
                return None
            per = lambda y, n=n: _year_part(y, "first half" if n == 1 else "second half")[0]  # noqa: E731
            gran = "half"
        return C("per", gran, per=per, mode="tense")
    if k == "decade":
        y = int(g("dc_y"))
        if y % 10:
            return None
        pp = (g("dc_pp") or "").lower()
        if pp:
            a, b = {"early": (0, 3), "mid": (4, 6), "late": (7, 9)}[pp]
            return C("abs", "decade", iv=(date(y + a, 1, 1), date(y + b, 12, 31)), approx=True, mod=pp)
        return C("abs", "decade", iv=(date(y, 1, 1), date(y + 9, 12, 31)))
    if k == "season":
        ss = g("se_s").lower()
        rel = (g("se_rel") or "").lower()
        per = lambda y, ss=ss: _season_iv(y, ss)  # noqa: E731
        mod = rel if rel in ("early", "late") else None
        if g("se_y"):
            return C("abs", "season", iv=per(int(g("se_y"))), approx=True, mod=mod)
        if g("se_ry"):
            off = {"this": 0, "last": -1, "next": 1}[g("se_ry").lower()]
            return C("rel", "season", approx=True, mod=mod, rel=lambda r, off=off: per(r.year + off))
        if rel in ("this", "last", "next"):
            return C("per", "season", approx=True, per=per, mode=rel)
        if g("se_the") and (prep in _BARE_OK_PREP or prep in ("to", "and")):
            return C("per", "season", approx=True, per=per, mode="tense", mod=mod, weak=prep in ("to", "and"), year_free=True)
        if rel in ("early", "late") and prep in _BARE_OK_PREP:
            return C("per", "season", approx=True, per=per, mode="tense", mod=mod, year_free=True)
        return None
    if k == "ago":
        n = _num(g("ag_n"))
        u = _unit(g("ag_u"))
        qmod = _QUAL_MOD.get(" ".join(g("ag_q").lower().split())) if g("ag_q") else None
        if u == "decade":
            n, u = n * 10, "year"
        gran = _gran_of_unit(u)
        return C("rel", gran, approx=u != "day", mod=qmod, rel=lambda r, n=n, u=u: _unit_iv(_shift(r, -n, u), u))
    if k == "fwd":  # "in six months", "in two years' time": ahead of the anchor (future only, see tag)
        n = _num(g("fw_n"))
        u = _unit(g("fw_u"))
        c = C("rel", _gran_of_unit(u), approx=u != "day", rel=lambda r, n=n, u=u: _unit_iv(_shift(r, n, u), u))
        c.future_only = not g("fw_t")
        return c
    if k == "off":
        n = _num(g("of_n"))
        u = _unit(g("of_u"))
        d = g("of_d").lower()
        qmod = _QUAL_MOD.get(" ".join(g("of_q").lower().split())) if g("of_q") else None
        c = _Cand(s, e, "evt", _gran_of_unit(u), approx=True, mod=qmod, evt=(n, u, d))
        return c
    if k == "within":  # "within three years": from the day after the anchor to three years on
        n = _num(g("wi_n"))
        u = _unit(g("wi_u"))
        return C("rel", "range", rel=lambda r, n=n, u=u: (r + timedelta(days=1), _shift(r, n, u)))
    if k == "trail":
        w = g("tr_w").lower()
        u = _unit(g("tr_u"))
        plural = g("tr_u").lower().endswith("s")
        n = _num(g("tr_n")) if g("tr_n") else 1
        if plural and not g("tr_n") or (not plural and n != 1):
            return None  # "the past few years" (vague) or "the last 3 year"
        if w in ("last", "past"):
            return C("rel", "range", rel=lambda r, n=n, u=u: (_shift(r, -n, u) + timedelta(days=1), r))
        if w in ("next", "coming"):
            if u == "day" and n == 1:
                return C("prev", "day", prevf=lambda p, r: (p.end + timedelta(days=1), p.end + timedelta(days=1)) if p.end else None)  # type: ignore[operator]
            return C("rel", "range", rel=lambda r, n=n, u=u: (r + timedelta(days=1), _shift(r, n, u)))
        # following / previous / preceding: hangs on the previous time in the text
        sign = 1 if w == "following" else -1

        def pf(p: TimeSpan, r: Optional[date], n: int = n, u: str = u, sign: int = sign) -> Optional[Interval]:
            assert p.start is not None and p.end is not None
            if sign < 0 and p.granularity in ("range", "financial_year"):  # "the last 12 months compared to the previous year"
                return _shift(p.start, -n, u), _shift(p.end, -n, u), p.granularity  # type: ignore[return-value]
            if n == 1:
                base = p.end if sign > 0 else p.start
                return _unit_iv(_shift(base, sign, u), u)
            if sign > 0:
                return p.end + timedelta(days=1), _shift(p.end, n, u)
            return _shift(p.start, -n, u), p.start - timedelta(days=1)

        return C("prev", _gran_of_unit(u) if n == 1 else "range", prevf=pf, rel=(lambda r, u=u, sign=sign: _unit_iv(_shift(r, sign, u), u)) if n == 1 and sign < 0 else None)
    if k == "unitrel":  # "the year before", "the month after": the unit next to the previous time
        u = g("ur_u").lower()
        sign = -1 if g("ur_d").lower() in ("before", "earlier") else 1
        return C("prev", u, prevf=lambda p, r, u=u, sign=sign: _adjacent(p, u, sign))
    if k == "later":
        w = g("lt_w").lower()
        u = g("lt_u").lower()
        if w == "later":
            return C("rel", u, mod="later", rel=lambda r, u=u: (r, _unit_iv(r, u)[1]))
        return C("rel", u, mod="earlier", rel=lambda r, u=u: (_unit_iv(r, u)[0], r))
    if k == "rel":
        off = {"this": 0, "last": -1, "next": 1}[g("rl_r").lower()]
        u = g("rl_u").lower()
        return C("rel", u, rel=lambda r, off=off, u=u: _unit_iv(_shift(r, off, u), u))
    if k == "dayw":
        w = " ".join(g("dw").lower().split())
        off = {"yesterday": -1, "tomorrow": 1, "last night": -1}.get(w, 0)
        return C("rel", "day", rel=lambda r, off=off: (r + timedelta(days=off),) * 2)  # type: ignore[return-value]
    if k == "prev":
        w = " ".join(g("pv").lower().split())
        if w == "since then":
            return _Cand(s, e, "since_then", "range", mod="since")
        if w in ("by then", "until then"):
            return _Cand(s, e, "prev", "range", mod=w.split()[0], prevf=lambda p, r: (p.start, p.end, p.granularity))  # type: ignore[arg-type,return-value]
        if w.endswith("year"):
            return _Cand(s, e, "prev", "year", prevf=lambda p, r: _year_iv(p.start.year) if p.end.year == p.start.year else None)  # type: ignore[union-attr]
        if w.endswith("month"):
            return _Cand(s, e, "prev", "month", prevf=lambda p, r: _month_iv(p.start.year, p.start.month) if (p.start.year, p.start.month) == (p.end.year, p.end.month) else None)  # type: ignore[union-attr]
        return _Cand(s, e, "prev", "range", prevf=lambda p, r: (p.start, p.end, p.granularity))  # type: ignore[arg-type,return-value]
    if k == "wd":
        if not _cap(text, m.start("wd_d")):
            return None
        wd = _WEEKDAY_NO[g("wd_d").lower()]
        rel = (g("wd_r") or "").lower()
        possessive = m.group("wd").lower().endswith("s") and m.group("wd")[-2] in "'’"
        if not rel and not g("wd_p") and not possessive and prep not in ("on", "by", "until", "since", "from", "before", "after", "till"):
            return None
        mode = {"last": "last", "next": "next", "this": "this"}.get(rel, "tense")
        return C("wd", "day", mode=mode, wd=wd)
    if k == "year":
        if not _year_ok(text, s, e, prep):
            return None
        y = int(g("yr"))
        return C("abs", "year", iv=_year_iv(y))
    return None


def _yrto_rel(C: Callable[..., _Cand], window: Callable[[int], Interval]) -> _Cand:
    """"the year to March" with no year: the most recent such window ending on or before the anchor."""

    def rel(r: date) -> Interval:
        for y in (r.year, r.year - 1):
            w = window(y)
            if w[1] <= r:
                return w
        return window(r.year - 2)

    return C("rel", "range", rel=rel)


def _adjacent(p: TimeSpan, u: str, sign: int) -> Tuple[date, ...]:
    """The unit before/after a previous time; a window (financial year, "the last 12 months") shifts whole."""
    assert p.start is not None and p.end is not None
    if p.granularity in ("range", "financial_year") and u == "year":
        return _shift(p.start, sign, u), _shift(p.end, sign, u), p.granularity
    return _unit_iv(_shift(p.start if sign < 0 else p.end, sign, u), u)


def _weekday(ref: date, wd: int, mode: str) -> Interval:
    if mode == "next" or mode == "future":
        d = ref + timedelta(days=(wd - ref.weekday() - 1) % 7 + 1)
    elif mode == "last":
        d = ref - timedelta(days=(ref.weekday() - wd - 1) % 7 + 1)
    elif mode == "this":
        d = ref + timedelta(days=(wd - ref.weekday()) % 7)
    else:  # past, and untensed: on or before ref (a weekday in news is usually the week before)
        d = ref - timedelta(days=(ref.weekday() - wd) % 7)
    return d, d


# --------------------------------------------------------------------------------------------
# ranges

_RANGE_GAP = re.compile(r"\s*(?:and|to|until|till|through|-|–|—)\s*$", re.I)


def _merge_ranges(text: str, cands: List[_Cand]) -> List[_Cand]:
    """Join "between X and Y", "from X to Y", "January to March 2014", "X-Y" into one range."""
    out: List[_Cand] = []
    i = 0
    while i < len(cands):
        a = cands[i]
        if i + 1 < len(cands):
            b = cands[i + 1]
            gap = text[a.e:b.s]
            if b.s >= a.e and len(gap) <= 9 and _RANGE_GAP.match(gap) and a.kind in ("abs", "per", "rel") and b.kind in ("abs", "per", "rel"):
                prep, ps = a.pre, a.ps
                joined = gap.strip().lower()
                intro = prep in ("between", "from") and (joined == "and") == (prep == "between")
                completes = a.year_free and b.kind == "abs" and b.gran in _COMPLETES
                if intro or (completes and joined != "and"):
                    start = min(ps, a.s) if intro else a.s
                    out.append(_Cand(start, b.e, "range", "range", approx=a.approx or b.approx, parts=(a, b)))
                    i += 2
                    continue
            if a.year_free and b.kind == "abs" and b.gran in _COMPLETES and b.iv is not None and _LIST_GAP.match(gap) and a.per is not None:
                # "in June and July 2019": June takes its year from July 2019 (two spans, not a range)
                y = b.iv[0].year
                iv = a.per(y)
                if iv[0] > b.iv[0]:
                    iv = a.per(y - 1)
                a = attrs.evolve(a, kind="abs", iv=iv, weak=False)
        if not a.weak:
            out.append(a)
        i += 1
    return out


_COMPLETES = ("day", "week", "month", "season")  # "June and July 2019", not "March and 2001"
_LIST_GAP = re.compile(r"\s*(?:,\s*|(?:,\s*)?(?:and|or)\s+)$", re.I)


# --------------------------------------------------------------------------------------------
# resolution


def _refs(anchor: Anchor) -> Tuple[Tuple[date, ...], str]:
    if anchor.published is not None:
        return (anchor.published,), "published"
    if anchor.estimated is not None:
        return (anchor.estimated[0], anchor.estimated[1]), "estimated"
    return (), "unresolved"


def _over_refs(fn: Callable[[date], Optional[Interval]], refs: Tuple[date, ...]) -> Tuple[Optional[Interval], bool]:
    """Resolve against each reference date; an estimated range gives the union (and says it widened)."""
    if len(refs) == 1:  # the usual case: a published date
        iv = fn(refs[0])
        return (None if iv is None else (iv[0], iv[1])), False
    ivs = [fn(r) for r in refs]
    if not ivs or any(iv is None for iv in ivs):
        return None, False
    s = min(iv[0] for iv in ivs)  # type: ignore[index]
    e = max(iv[1] for iv in ivs)  # type: ignore[index]
    return (s, e), len(set(ivs)) > 1


def _resolve_one(c: _Cand, text: str, refs: Tuple[date, ...], refkind: str, prev: Optional[TimeSpan], tense: Callable[[int, int], str]) -> Tuple[Optional[Interval], str, bool]:
    """(interval, anchor label, widened) for a candidate; interval None when it cannot be anchored."""
    k = c.kind
    if k == "abs":
        return c.iv, "absolute", False
    if k == "per":
        mode = tense(c.s, c.e) if c.mode == "tense" else c.mode
        iv, wide = _over_refs(lambda r: _pick(c.per, r, mode), refs)  # type: ignore[arg-type]
        return iv, refkind if iv else "unresolved", wide
    if k == "wd":
        mode = tense(c.s, c.e) if c.mode == "tense" else c.mode
        iv, wide = _over_refs(lambda r: _weekday(r, c.wd, mode), refs)
        return iv, refkind if iv else "unresolved", wide
    if k == "rel":
        iv, wide = _over_refs(c.rel, refs)  # type: ignore[arg-type]
        return iv, refkind if iv else "unresolved", wide
    if k == "prev":
        if prev is not None and prev.start is not None and c.prevf is not None:
            iv = c.prevf(prev, refs[-1] if refs else None)
            if iv is not None:
                # a third element overrides the granularity ("at the time" keeps the previous one)
                return (iv[0], iv[1]), "previous", iv[2] if len(iv) == 3 else False
        if c.rel is not None:  # "the previous year" with nothing before it: the year before the anchor
            iv, wide = _over_refs(c.rel, refs)
            return iv, refkind if iv else "unresolved", wide
        return None, "unresolved", False
    if k == "since_then":
        if prev is None or prev.start is None or not refs:
            return None, "unresolved", False
        if refs[-1] < prev.start:
            return None, "unresolved", False
        return (prev.start, refs[-1]), "previous", False
    if k == "range":
        assert c.parts is not None
        a, b = c.parts
        if a.year_free and b.kind == "abs" and b.iv is not None:
            y = b.iv[0].year
            ai = a.per(y)  # type: ignore[misc]
            if ai[0] > b.iv[0]:
                ai = a.per(y - 1)  # type: ignore[misc]
            bi: Optional[Interval] = b.iv
            lab = "absolute"
            wide = False
        else:
            ai, la, wa = _resolve_one(a, text, refs, refkind, prev, tense)
            bi, lb, wb = _resolve_one(b, text, refs, refkind, prev, tense)
            lab = la if la != "absolute" else lb
            wide = wa or wb
        if ai is None or bi is None or bi[1] < ai[0]:
            return None, "unresolved", False
        return (ai[0], bi[1]), lab, wide
    return None, "unresolved", False


def tag(text: str, anchor: Anchor, *, offset: int = 0, previous: Optional[TimeSpan] = None) -> List[TimeSpan]:
    """All time expressions in one sentence, in order, as :class:`TimeSpan` (spans offset by ``offset``).

    ``previous`` is the last resolved time before this sentence; "since then", "two weeks later",
    "the following month" and "at the time" hang on it (or on an earlier time in the sentence).
    """
    return _tag(text, anchor, offset, previous, False)  # type: ignore[return-value]


def tag_alone(text: str, anchor: Anchor, *, offset: int = 0) -> Optional[List[TimeSpan]]:
    """:func:`tag`'s result when it does not depend on ``previous`` (the sentence's first expression
    does not hang on an earlier time), else None. Lets a caller skip tagging the sentences it has no
    use for and still know the last time before the ones it needs."""
    return _tag(text, anchor, offset, None, True)


#: candidates whose resolution may read the previous time
_READS_PREVIOUS = frozenset({"prev", "since_then", "evt", "range"})


def _tag(text: str, anchor: Anchor, offset: int, previous: Optional[TimeSpan], probe: bool) -> Optional[List[TimeSpan]]:
    if not text:
        return []
    low = text.lower()
    if _DIGIT.search(low) is None and not _has_quick_word(low):
        return []
    cands = _merge_ranges(text, _find(text, low))
    if not cands:
        return []
    refs, refkind = _refs(anchor)
    markers: List[Tuple[int, int, str]] = []
    have_markers = False

    def tense(s: int, e: int) -> str:
        nonlocal markers, have_markers
        if not have_markers:
            markers = _tense_markers(low if len(low) == len(text) else text.lower()[: len(text)])
            have_markers = True
        return _nearest(markers, s, e, low)

    results: List[Optional[TimeSpan]] = [None] * len(cands)
    cur_prev = previous if previous is not None and previous.start is not None else None
    for i, c in enumerate(cands):
        if c.kind == "evt" and c.evt is not None and c.evt[2] in ("after", "before"):
            continue
        if c.future_only and tense(c.s, c.e) != "future":
            cands[i] = attrs.evolve(c, kind="dropped")  # "rose in two years": a duration, not a time
            continue
        if probe and c.kind in _READS_PREVIOUS:
            return None  # the first expression may hang on the time before the sentence
        probe = False  # from here on only the sentence's own times are read
        if c.kind == "evt":
            results[i] = _make_evt(text, c, cur_prev, offset)
        else:
            results[i] = _make(text, c, refs, refkind, cur_prev, tense, offset)
        r = results[i]
        if r is not None:
            # an expression we could not anchor breaks the chain: "the previous year" after an
            # unresolved "the last 12 months" must not hang on some older time instead
            cur_prev = r if r.start is not None else None
    for i, c in enumerate(cands):  # "a year after <time>": hangs on the next time in the sentence
        if results[i] is None and c.kind == "evt":
            base = next((r for r in results[i + 1:] if r is not None and r.start is not None), None)
            results[i] = _make_evt(text, c, base, offset)
    return [r for r in results if r is not None]


def _span(text: str, c: _Cand, offset: int) -> Tuple[str, Tuple[int, int]]:
    return text[c.s:c.e], (offset + c.s, offset + c.e)


def _make(text: str, c: _Cand, refs: Tuple[date, ...], refkind: str, prev: Optional[TimeSpan], tense: Callable[[int, int], str], offset: int) -> TimeSpan:
    t, sp = _span(text, c, offset)
    try:
        iv, lab, wide = _resolve_one(c, text, refs, refkind, prev, tense)
    except (ValueError, OverflowError, KeyError):
        iv, lab, wide = None, "unresolved", False
    if iv is None or iv[0] > iv[1]:
        return TimeSpan(None, None, "unknown", t, sp, c.approx, c.mod, "unresolved")
    if isinstance(wide, str):  # granularity given by the previous time
        return TimeSpan(iv[0], iv[1], wide, t, sp, c.approx, c.mod, lab)
    gran = "range" if wide else c.gran
    return TimeSpan(iv[0], iv[1], gran, t, sp, c.approx or wide, c.mod, lab)


def _make_evt(text: str, c: _Cand, base: Optional[TimeSpan], offset: int) -> TimeSpan:
    """"two weeks later", "just over a year after <time>": the base interval shifted by the offset."""
    t, sp = _span(text, c, offset)
    assert c.evt is not None
    n, u, d = c.evt
    sign = -1 if d in ("earlier", "before") else 1
    if base is None or base.start is None or base.end is None:
        return TimeSpan(None, None, "unknown", t, sp, True, c.mod, "unresolved")
    try:
        s, e = _shift(base.start, sign * n, u), _shift(base.end, sign * n, u)
    except (ValueError, OverflowError):
        return TimeSpan(None, None, "unknown", t, sp, True, c.mod, "unresolved")
    gran = base.granularity if base.granularity in GRANULARITIES and base.granularity != "unknown" else c.gran
    return TimeSpan(s, e, gran, t, sp, True, c.mod, "previous")


def tag_sentences(sentences: Sequence[Tuple[int, str]], anchor: Anchor, previous: Optional[TimeSpan] = None) -> List[List[TimeSpan]]:
    """Tag a document's sentences (``(offset, text)`` pairs) in order, threading ``previous`` along.

    ``previous`` for a sentence is the last expression before it when that one was resolved, and
    ``None`` when it was not (the chain breaks rather than reaching back to an older time).
    """
    out: List[List[TimeSpan]] = []
    for off, s in sentences:
        spans = tag(s, anchor, offset=off, previous=previous)
        if spans:
            previous = next_previous(spans)
        out.append(spans)
    return out


def next_previous(spans: Sequence[TimeSpan]) -> Optional[TimeSpan]:
    """What ``previous`` should be after a sentence with these spans (callers threading by hand)."""
    last = spans[-1] if spans else None
    return last if last is not None and last.start is not None else None
