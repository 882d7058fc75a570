"""The quick test in ``timex.tag`` (no digit and no time word: no expression) never hides one."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings, strategies as st

from consistency import timex

A = timex.Anchor(published=date(2019, 5, 15))

# every word a family regex can start with, plus the words expressions continue with
_WORDS = sorted(timex._WORD_FAMILY) + [
    "morning", "afternoon", "evening", "night", "quarter", "half", "decade", "decades", "year", "years", "month",
    "week", "day", "days", "ago", "time", "then", "of", "to", "ending", "ended", "following", "previous", "past",
    "coming", "council", "rated", "good", "and", "'s",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_WORDS), min_size=1, max_size=8))
def test_a_digit_free_expression_always_holds_a_quick_word(words: list) -> None:
    low = " ".join(words)
    found = timex._find(low, low)  # the candidates, without the quick test in front
    if any(c.kind not in ("skip", "dropped") for c in found):
        assert timex._has_quick_word(low), (low, found)


def test_expressions_without_digits_or_month_names_are_tagged() -> None:
    # each once slipped past the quick test when the sentence had no digit
    for sentence, text in [
        ("The board will decide tomorrow.", "tomorrow"),
        ("Inspectors arrived this morning.", "this morning"),
        ("The vote took place last night.", "last night"),
        ("The ward reopened this afternoon.", "this afternoon"),
        ("Figures for the second quarter were worse.", "the second quarter"),
    ]:
        spans = timex.tag(sentence, A)
        assert [t.text for t in spans] == [text], sentence
        assert spans[0].start is not None


def test_sentence_with_no_time_stays_empty() -> None:
    assert timex.tag("The council said it would listen to parents and carers.", A) == []


# --- the lookahead in front of the "the" family turns away only what the family would refuse

_SRC_WORDS = sorted(set(__import__("re").findall(r"[a-z]{1,}", " ".join(p for _, p in timex._ALTS))))
_NEXT = _SRC_WORDS + ["council", "authority", "3rd", "12", "1990s", "2019", "a couple of", "an", "spring's", "q3"]
_AFTER = ["", " of May", " of 2019", " half of 2018", " quarter", " year", " month to March", " months to June 2017",
          " 12 months", " year before", " same year", " of the year", "s", " of this year", " following month"]


def _same_match(low: str, family: str = "the") -> None:
    """The guarded family matches exactly as the plain one did."""
    guarded = timex._FAMILY[family].match(low, 0)
    plain = (timex._THE_UNGUARDED if family == "the" else timex._DIGIT_UNGUARDED).match(low, 0)
    assert (guarded is None) == (plain is None), low
    if plain is not None:
        assert guarded.span() == plain.span() and guarded.lastgroup == plain.lastgroup, low
        assert guarded.groupdict() == plain.groupdict(), low


def test_the_guard_keeps_every_match_of_the_plain_family() -> None:
    for w in _NEXT:
        for after in _AFTER:
            for sep in (" ", "  ", "\n"):
                _same_match(f"the{sep}{w}{after} was agreed")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_NEXT + ["the", "of", "to", "and", "last", "year"]), min_size=1, max_size=6),
       st.sampled_from([" ", "  ", "\t", "-", "\n"]))
def test_the_guard_agrees_on_arbitrary_continuations(words: list, sep: str) -> None:
    _same_match("the" + sep + " ".join(words))


def test_the_guard_refuses_ordinary_nouns_quickly() -> None:
    assert timex._FAMILY["the"].match("the council said", 0) is None
    assert timex._FAMILY["the"].match("the start of 2019", 0) is not None


# --- the lookahead in front of the digit family: short numbers start a time only as days or counts

_DIGIT_AFTER = ["", " ", "st", "rd ", "/", ".", "-", " - ", "–", " and ", " to ", " until ", " of ", " may", " sept",
                " december", " days", " day ", " weeks", " year", " decade", "%", " per cent", "m", ",000", " people",
                "s", "'s", " q3", "q1", "/17", "-17", "-03-04", " million", ".5", " times", "th of", "nd june"]


def _same_digit_match(low: str) -> None:
    _same_match(low, "#d")


@settings(max_examples=400, deadline=None)
@given(st.integers(0, 10 ** 6), st.lists(st.sampled_from(_DIGIT_AFTER), max_size=4), st.sampled_from(["", "0"]))
def test_the_digit_guard_keeps_every_match_of_the_plain_family(number: int, after: list, pad: str) -> None:
    _same_digit_match(pad + str(number) + "".join(after) + " 2016 ago later")


def test_the_digit_guard_on_every_length_and_continuation() -> None:
    for digits in ("3", "12", "31", "100", "2016", "19", "20167", "201612"):
        for a in _DIGIT_AFTER:
            for b in _DIGIT_AFTER:
                _same_digit_match(digits + a + b + " 2017")
    assert timex._FAMILY["#d"].match("45 per cent", 0) is None
