"""A deterministic synthetic news corpus for benchmarks: inspection and intervention stories.

``generate(n, seed=0, places=None)`` returns ``n`` (id, text) articles of about 4 KB in news style: a headline,
a dateline in one of several styles (or none: about one in twelve is undated), and paragraphs
about invented councils, hospitals, police forces, prisons and schools, with dates of every
precision, figures that are not dates (money, percentages, counts, section numbers, ages),
ratings, people with roles, quotes and plans. Same (n, seed, places) -> byte-identical output.

``places`` sets how many places the organisations are in (8 kinds of body each: county council,
hospital, police force, prison...). The default, ``None``, is the 24 hand-written places (192
organisations): a dense corpus where 100 articles touch most organisations, and what every
published figure used. A larger number adds invented place names built from syllables
(deterministic, distinct, never fuzzy-merged by the subject resolver), e.g. ``places=2000`` for
~16,000 organisations: closer to a real archive, where a new article touches a small share of
the record. A smaller number uses the first ``places`` hand-written names. Beyond 24 places the
people named grow too (:func:`surnames`: 20 first names x up to 190 surnames), as in a real archive.
"""

from __future__ import annotations

import difflib
import random
from datetime import date, timedelta
from typing import List, Tuple

__all__ = ["generate", "place_names", "surnames"]

_PLACES = [
    "Ashcombe", "Brindlemoor", "Calderwick", "Dunhallow", "Elmstead", "Farrowby", "Greywater", "Hollinsford",
    "Ivybridge Vale", "Kestleton", "Langmere", "Marrowfield", "Northolme", "Oakhurst", "Penwarden", "Quarrington",
    "Rushmead", "Saltcote", "Thornleigh", "Upper Wexley", "Varley", "Whitlow", "Yarncliffe", "Zennor Cross",
]
# syllables for invented place names (places > 24): onset + middle + ending. Two names whose
# first words are near-identical would be merged by the subject resolver (difflib ratio >= 0.9):
# each new name is kept only if no kept name is that close (see _invented)
_ONSETS = ["Ash", "Bram", "Cald", "Dorn", "Elk", "Fell", "Gask", "Holm", "Ilk", "Kend", "Lind", "Mord", "Nant",
           "Orm", "Pens", "Quen", "Rav", "Sand", "Tarn", "Ulls", "Wend", "Yarr", "Zeal", "Brock", "Crest", "Drum",
           "Glen", "Hask", "Marsk", "Stam"]
_MIDDLES = ["al", "en", "ol", "ur", "im", "ob", "ex", "ay"]
_ENDINGS = ["bury", "combe", "dale", "field", "ford", "gate", "ham", "hurst", "ley", "mere", "minster", "moor",
            "stead", "stow", "thorpe", "wick", "worth", "brook", "caster", "holt", "port", "shaw", "wold", "by"]
_MADE: List[str] = []  # invented names kept so far, in order (the list only grows: prefixes are stable)
_MADE_STATE: dict = {}


def _too_close(a: str, b: str) -> bool:
    if abs(len(a) - len(b)) > 2:
        return False
    m = difflib.SequenceMatcher(None, a, b)
    return m.real_quick_ratio() >= 0.85 and m.quick_ratio() >= 0.85 and m.ratio() >= 0.85


def _invented(count: int) -> List[str]:
    """The first ``count`` invented names: candidates in a fixed shuffled order, each kept unless a
    kept name (or a hand-written one) is within ratio 0.85 of it. Names that close differ by at
    most one edit, so they share their first or their last three letters: only those are compared."""
    if not _MADE_STATE:
        cands = [o + m + e for o in _ONSETS for m in _MIDDLES for e in _ENDINGS]
        random.Random("corpus-places").shuffle(cands)
        _MADE_STATE.update(cands=iter(cands), by_head={}, by_tail={})
        for nm in _PLACES:
            w = nm.split()[0].lower()
            _MADE_STATE["by_head"].setdefault(w[:3], []).append(w)
            _MADE_STATE["by_tail"].setdefault(w[-3:], []).append(w)
    head, tail = _MADE_STATE["by_head"], _MADE_STATE["by_tail"]
    for nm in _MADE_STATE["cands"]:
        if len(_MADE) >= count:
            break
        w = nm.lower()
        if any(_too_close(w, x) for x in head.get(w[:3], []) + tail.get(w[-3:], [])):
            continue
        _MADE.append(nm)
        head.setdefault(w[:3], []).append(w)
        tail.setdefault(w[-3:], []).append(w)
    return _MADE[:count]


def place_names(count: "int | None" = None) -> List[str]:
    """``count`` distinct place names, deterministic: the 24 hand-written ones first (all of them
    for ``None``), then invented ones (a few thousand at most)."""
    if count is None:
        return list(_PLACES)
    if count < 1:
        raise ValueError(f"places must be at least 1, got {count}")
    if count <= len(_PLACES):
        return _PLACES[:count]
    out = list(_PLACES) + _invented(count - len(_PLACES))
    if len(out) < count:
        raise ValueError(f"places: at most {len(out)} distinct place names can be made, asked for {count}")
    return out


_BODIES = [
    ("{p} County Council", "children's services", "Ofsted"),
    ("{p} Borough Council", "adult social care", "the Care Quality Commission"),
    ("{p} General Hospital", "maternity services", "the Care Quality Commission"),
    ("{p} NHS Foundation Trust", "emergency care", "the Care Quality Commission"),
    ("{p} Police", "crime recording", "HM Inspectorate of Constabulary"),
    ("HMP {p}", "safety and decency", "HM Inspectorate of Prisons"),
    ("{p} Academy", "teaching and leadership", "Ofsted"),
    ("{p} Fire and Rescue Service", "prevention work", "the fire inspectorate"),
]
_RATINGS = ["inadequate", "requires improvement", "good", "outstanding"]
_FIRST = ["Alison", "Brian", "Chloe", "David", "Esther", "Farid", "Grace", "Hamid", "Imogen", "James", "Kiran", "Lucy",
          "Mohammed", "Nadia", "Owen", "Priya", "Rhys", "Sarah", "Tom", "Yasmin"]
_LAST = ["Ashworth", "Bell", "Carter", "Dhillon", "Evans", "Fletcher", "Gill", "Hughes", "Iqbal", "Jones", "Khan",
         "Lowe", "Morgan", "Nash", "Okafor", "Patel", "Reid", "Shaw", "Turner", "Walsh"]
_ROLES = ["chief executive", "director of children's services", "deputy leader", "cabinet member for health",
          "chief constable", "governor", "head teacher", "medical director", "chief inspector", "council leader",
          "independent chair of the improvement board", "director of nursing"]
_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"]
_WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]


def _dateline(r: random.Random, d: date) -> str:
    style = r.randrange(6)
    if style == 0:
        return f"{d.day} {_MONTHS[d.month - 1]} {d.year}"
    if style == 1:
        return f"{d.day:02d} {_MONTHS[d.month - 1]} {d.year}"
    if style == 2:
        return f"{['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'][d.weekday()]}, {_MONTHS[d.month - 1]} {d.day}, {d.year}"
    if style == 3:
        return f"Published: {d.isoformat()}"
    if style == 4:
        return f"By {r.choice(_FIRST)} {r.choice(_LAST)}\n{d.day} {_MONTHS[d.month - 1][:3]} {d.year}"
    return f"Updated {d.day} {_MONTHS[d.month - 1]} {d.year}"


# invented surnames, added to the people's names when places > 24 (a bigger world names more people)
_SURNAME_HEADS = ["Ab", "Bel", "Cor", "Dal", "Fen", "Gor", "Har", "Jen", "Kil", "Lor", "Mel", "Nor", "Pel", "Rad",
                  "Sel", "Tor", "Wal"]
_SURNAME_TAILS = ["bey", "croft", "ett", "ing", "ley", "man", "ridge", "sby", "ton", "well"]


def surnames(places: "int | None" = None) -> List[str]:
    """People's surnames: the 20 hand-written ones, plus invented ones in proportion to ``places``
    beyond 24 (20 per 24 places, at most 170 more), so a corpus of more organisations also names
    more people (20 first names x these surnames)."""
    if places is None or places <= len(_PLACES):
        return list(_LAST)
    extra = [h + t for h in _SURNAME_HEADS for t in _SURNAME_TAILS]
    random.Random("corpus-surnames").shuffle(extra)
    return list(_LAST) + extra[: min(len(extra), round(len(_LAST) * places / len(_PLACES)) - len(_LAST))]


def _sentences(r: random.Random, pub: date, body: str, service: str, inspectorate: str, place: str,
               last: List[str] = _LAST) -> List[str]:
    y = pub.year
    py = y - r.randint(1, 4)
    m1, m2 = r.sample(_MONTHS, 2)
    person = f"{r.choice(_FIRST)} {r.choice(last)}"
    person2 = f"{r.choice(_FIRST)} {r.choice(last)}"
    role, role2 = r.sample(_ROLES, 2)
    old, new = r.sample(_RATINGS, 2)
    n_staff = r.randint(40, 1500)
    pct = r.randint(3, 60)
    money = r.choice(["£1.2m", "£4m", "£15m", "£70m", "£250,000", "£3.5bn", "$2m"])
    wd = r.choice(_WEEKDAYS)
    day = r.randint(1, 28)
    pool = [
        f"{body} has been rated {new} by {inspectorate}, after being judged {old} in {py}.",
        f"Inspectors visited in {m1} and found that {service} had improved since the last inspection.",
        f"The previous inspection, in {m2} {py}, found serious weaknesses in leadership and oversight.",
        f"{person}, {role} at {body}, said on {wd} that the findings were \"a fair reflection of where we are\".",
        f"\"We were fully aware of the challenge we faced {r.choice(['two', 'three', 'four'])} years ago,\" {person} said.",
        f"About {n_staff} staff work in {service}, and around {pct} per cent of posts are filled by agency workers.",
        f"The service must save {money} by {r.choice(['the end of the year', f'April {y + 2}', str(y + 1), f'March {y + 1}'])}.",
        f"It was placed under a Section {r.choice([114, 31, 12, 5])} notice in {r.choice(_MONTHS)} {py + 1}, limiting new spending.",
        f"Referrals rose by {pct} per cent in the last 12 months compared with the previous year.",
        f"A new {r.choice(['academy', 'triage hub', 'recovery plan', 'training programme'])} will open later this year, {person2} said.",
        f"{person2}, the {role2}, said the aim was to reach a {r.choice(_RATINGS)} rating in the next year.",
        f"Since then, {body} has appointed a new management team and reduced waiting times.",
        f"In {r.choice(['early', 'mid', 'late'])} {py}, the regulator issued a warning notice about staffing.",
        f"Between {py} and {max(py + 1, y - 1)}, complaints fell from {r.randint(200, 900)} to {r.randint(50, 199)}.",
        f"The figures for {py}/{str(py + 1)[2:]} show spending of {money} on temporary staff.",
        f"The board will meet on {r.choice(_WEEKDAYS)} to discuss the report, which was published today.",
        f"A {r.randint(18, 80)}-year-old patient was among {r.randint(3, 40)} people who complained in {r.choice(_MONTHS)}.",
        f"Only {r.randint(1, 6)} of {r.randint(7, 12)} wards met the standard, and {r.randint(1, 9)},{r.randint(100, 999)} cases were reviewed.",
        f"The plans were shelved in {r.choice(_MONTHS)} {y - 1}, but revived again in {r.choice(_MONTHS)} this year.",
        f"By {day} {r.choice(_MONTHS)} {y + 1}, every team is expected to have a permanent manager.",
        f"Officials say the new structure will be operational by {r.choice(['spring', 'summer', 'autumn'])} {y + 1}.",
        f"{person} added: \"We know there is still work to do, and we may need more time.\"",
        f"The {inspectorate.replace('the ', '')} report said the service \"requires improvement to be good\" in {r.randint(2, 6)} areas.",
        f"Last year, {r.randint(20, 400)} children were placed outside the county, up from {r.randint(10, 99)} a year earlier.",
        f"Waiting lists have grown over the past three years, according to data released on {day} {r.choice(_MONTHS)}.",
        f"The trust's deficit reached {money} in the year to March.",
        f"A spokesperson for {body} said: \"We accept the findings and have already acted on most of them.\"",
        "The second is that the service still relies too much on interim managers, the report says.",
        f"Union representatives at {place} said morale had been low since {r.choice(_MONTHS)} {py}.",
        f"{person2} was appointed {role2} in {r.choice(['the summer of', 'the spring of', 'the autumn of'])} {py + 1}.",
        f"The council set up a monthly improvement board after the inspection in {py}.",
        f"Now the focus is on recruitment, with {r.randint(10, 90)} newly qualified workers due to start in {r.choice(_MONTHS)}.",
        f"The watchdog will return in {r.choice(['six months', 'a year', 'the next 12 months'])} to check progress.",
        f"In Q{r.randint(1, 4)} {py + 1} the number of open cases peaked at {r.randint(1000, 4000)}.",
        f"The figures, which cover the 2010s, show a steady decline until {py}.",
    ]
    service_cap = service[0].upper() + service[1:]
    plain = [  # background, quotes and description with no time in them (real articles have many)
        f"{person} said the report made \"difficult reading\" but that staff had worked hard.",
        "The report praised the commitment of frontline staff but criticised the quality of supervision.",
        f"{service_cap} in {place} have faced rising demand and a shortage of experienced staff.",
        "Inspectors said managers did not always know whether their decisions were making a difference.",
        f"\"We need to get better at recruiting and keeping permanent staff,\" {person2} said.",
        "The inspectorate found that record keeping was inconsistent across teams.",
        "Families told inspectors they did not always know who to contact when things went wrong.",
        f"{body} said it would study the findings carefully before responding in full.",
        "Opposition councillors called for an independent review of how the service is run.",
        f"The {role} said the organisation was \"on the right track\" despite the setbacks.",
        "Local campaigners welcomed the report but said it did not go far enough.",
        "Partner agencies, including schools and health services, have been asked to share information sooner.",
        f"\"There is still a long way to go,\" {person} told a meeting of the scrutiny committee.",
        "Some teams were carrying caseloads well above the recommended level, the report says.",
        "The inspectors also highlighted good work by a small specialist team.",
        "A union official said staff felt under pressure and undervalued.",
        "The chair of the improvement board has written to the minister about progress.",
        "Managers have introduced weekly audits of case files to check the quality of work.",
        f"{person2} said the priority was making sure vulnerable people were safe.",
        "Critics say the problems were known about for a long time before anything was done.",
        "The findings will be discussed by the full council, which meets in public.",
        "The organisation employs a mix of permanent and temporary staff across several sites.",
        "\"We accept the findings and we are determined to put things right,\" the statement said.",
        "Staff turnover remains one of the biggest challenges, according to the report.",
    ]
    pool += r.sample(plain, 24)
    r.shuffle(pool)
    return pool


def _article(r: random.Random, i: int, places: List[str], last: List[str]) -> str:
    pub = date(2012, 1, 1) + timedelta(days=r.randrange(365 * 9))
    place = r.choice(places)
    tmpl, service, inspectorate = r.choice(_BODIES)
    body = tmpl.format(p=place)
    headline = r.choice([
        f"{body} {service} rated '{r.choice(_RATINGS)}'",
        f"{service.capitalize()} at {body} improving - but still a way to go",
        f"Watchdog criticises {body} over {service}",
        f"{body} sets out recovery plan",
    ])
    parts = [headline, ""]
    if r.randrange(12):  # about one in twelve articles is undated
        parts += [_dateline(r, pub), ""]
    sents = _sentences(r, pub, body, service, inspectorate, place, last)
    while sum(len(s) + 1 for s in sents) < 4200:  # about 4 KB: add another round of varied sentences
        sents += _sentences(r, pub, body, service, inspectorate, place, last)
    text_len = 0
    para: List[str] = []
    for s in sents:
        para.append(s)
        text_len += len(s) + 1
        if len(para) >= r.randint(1, 3):
            parts.append(" ".join(para))
            parts.append("")
            para = []
        if text_len > 3800:
            break
    if para:
        parts.append(" ".join(para))
    if r.randrange(4) == 0:
        parts += ["", "Back to", "", "News home"]
    return "\n".join(parts).strip() + "\n"


def generate(n: int, seed: int = 0, places: "int | None" = None) -> List[Tuple[str, str]]:
    """``n`` synthetic articles as (id, text); deterministic for a given (n, seed, places).

    ``places``: how many places the organisations are in (``None``: the 24 hand-written ones,
    192 organisations; see the module's docstring).
    """
    r = random.Random(seed)
    names, last = place_names(places), surnames(places)
    return [(f"synth-{seed}-{i:05d}", _article(r, i, names, last)) for i in range(n)]


if __name__ == "__main__":  # print one article to look at
    import sys

    k = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    print(generate(k + 1)[k][1])
