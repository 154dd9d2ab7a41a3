"""Finding the aspect terms a user names (``predict --aspect TERM``, ``predict_aspects(texts, aspects=...)``) in
texts: as whole words in any case and spacing, a letter in any of its Unicode forms or as an HTML entity, never
inside a web address, an HTML tag or an entity (:func:`locate_terms`, :func:`terms_found`)."""

from __future__ import annotations

import bisect
import functools
import html.entities
import itertools
import re
import unicodedata

from ..cleaning import LINE_BREAKS, TYPED_APOSTROPHES, entity_spans
from ..errors import DataError, counted
from ..marks import JOINERS, MARKS, UNSPACED, WORD_CHARACTER
from ..tokens import APOSTROPHE, markup_spans


HOW_TERMS_MATCH = "terms match as whole words, in any case, outside web addresses and HTML tags"  # (said where none does)


def locate_terms(texts: list[str], aspects, found: set | None = None,
                 found_in: list[set] | None = None) -> list[list[dict]]:
    """Spans of the given terms in each text (case-insensitive, "ß" as "ss", any run of spaces where the term has one;
    whole words, or inside a run of a script written without spaces: Chinese, Japanese, Thai); a text
    without any of them gets none, and neither does a web address or HTML tag that holds one. A span that two terms find ("pizza", "Pizza") is given once;
    overlapping spans of different terms ("pizza", "pizza crust") are each given. ``found`` (a set), where
    given, gets the terms (stripped) that some text holds; ``found_in`` (a list), a set per text of the terms
    (stripped) that it holds."""
    if isinstance(aspects, str):
        aspects = [aspects]
    if isinstance(aspects, (bytes, dict)) or not hasattr(aspects, "__iter__") or getattr(aspects, "ndim", 1) == 0:
        raise DataError(f"aspects must be a term, a list of terms, or one list of terms per text, not "
                        f"{type(aspects).__name__} ({aspects!r:.60})")
    aspects = list(aspects)

    def is_list(terms) -> bool:  # one text's terms: a list, tuple, set, or 1-D array or Series
        return isinstance(terms, (list, tuple, set, frozenset)) or getattr(terms, "ndim", 0) == 1

    per_text = [list(a) for a in aspects] if aspects and all(map(is_list, aspects)) else [aspects] * len(texts)
    if len(per_text) != len(texts):
        raise DataError(f"{counted(len(per_text), 'aspect list')} for {counted(len(texts), 'text')}; give one list per text or one list for all")
    results = []
    for text, terms in zip(texts, per_text):
        spans, markup, entities = [], markup_spans(text), _Entities(text)
        held: set[str] = set()
        for term in terms:
            if not isinstance(term, str) or not term.strip():
                raise DataError(f"aspect {term!r} is not a non-empty string; pass the aspect terms as text")
            matches = _outside(_term_pattern(term), text, markup, entities)
            if matches:
                held.add(term.strip())
            spans.extend({"term": text[m.start():m.end()], "from": m.start(), "to": m.end()} for m in matches)
        unique = {(a["from"], a["to"]): a for a in spans}  # a term given twice ("pizza", "Pizza") is one aspect
        results.append([unique[key] for key in sorted(unique)])
        if found is not None:
            found |= held
        if found_in is not None:
            found_in.append(held)
    return results


def unfound_terms(terms: list[str], found: set[str]) -> list[str]:
    """The ``terms`` (stripped, each once, in their order) that are not in ``found``, the terms that
    :func:`locate_terms` (or :func:`terms_found`) found in some text."""
    return [term for term in dict.fromkeys(t.strip() for t in terms) if term not in found]


def terms_found(texts: list[str], terms: list[str]) -> set[str]:
    """The ``terms`` (one list for all ``texts``) that :func:`locate_terms` finds in at least one of the texts."""
    read = [(text, markup_spans(text), _Entities(text)) for text in texts]
    return {term for term in terms if any(_outside(_term_pattern(term), *parts, first=True) for parts in read)}


@functools.lru_cache(maxsize=4096)
def _term_pattern(term: str) -> "_TermPattern":
    """The case-blind pattern of a term given by the user (:func:`locate_terms`), built once per term. The
    text may write a character of it as an HTML entity ("Fish &amp; chips", "caf&eacute;"), an apostrophe as
    any the tokenizer reads as one ("chef’s", "chef&#39;s") and a space as white space or ``&nbsp;``, not a line
    break, where the aspect models' sentences end ("battery\nlife" is no "battery life")."""
    term = _VARIATION_SELECTORS.sub("", term) or term  # "❤️" is "❤" as an emoji: each character may have one or not
    return _TermPattern(rf"(?:(?![{LINE_BREAKS}])\s|&(?:nbsp|#0*160|#x0*a0);)+".join(_either_form(word)
                                                                                     for word in term.split()))


# whole words ("ice" is not in "service"), but where a script written without spaces meets the match's edge
# (Chinese "电影" in "这部电影很好看"); never cut from its marks, but with a variation selector after its last
# letter in the span, as an extracted term's ("pizza" + U+FE0F, the emoji form that some keyboards add) ("chefʹs"
# holds "chef": the modifier letter prime is no letter there, WORD_CHARACTER)
_LEFT_EDGE = rf"(?:(?<!{WORD_CHARACTER})(?<![{MARKS}{JOINERS}])|(?<=[{UNSPACED}])|(?=[{UNSPACED}]))"
_RIGHT_EDGE = rf"(?![{MARKS}])(?:(?!{WORD_CHARACTER})(?![{JOINERS}])|(?=[{UNSPACED}])|(?<=[{UNSPACED}]))"
_LEFT, _RIGHT = (re.compile(edge, re.IGNORECASE) for edge in (_LEFT_EDGE, _RIGHT_EDGE))


class _TermPattern:
    """A term's pattern between the word edges, searched as the one pattern ``_LEFT_EDGE + term + _RIGHT_EDGE``
    would be, without compiling the edges' large classes of marks for every term (tens of milliseconds each):
    the term alone is looked for, the edges checked where it is found, and the whole pattern, compiled only
    then, tried where the term's longest reading fails the right edge and a shorter one might pass it."""

    def __init__(self, term: str) -> None:
        self._term = term
        self._core = re.compile(term, re.IGNORECASE)
        self._whole: re.Pattern | None = None

    def search(self, text: str, pos: int = 0) -> re.Match | None:
        while (match := self._core.search(text, pos)) is not None:
            start = match.start()
            if _LEFT.match(text, start):
                if _RIGHT.match(text, match.end()):
                    return match
                if self._whole is None:
                    self._whole = re.compile(_LEFT_EDGE + self._term + _RIGHT_EDGE, re.IGNORECASE)
                if (whole := self._whole.match(text, start)) is not None:
                    return whole
            pos = start + 1
        return None


_VARIATION_SELECTORS = re.compile("[\ufe00-\ufe0f]")  # the text or emoji form of the character before
_OPTIONAL_SELECTOR = f"{_VARIATION_SELECTORS.pattern}?"  # after each letter of a term (and "1️⃣": before its keycap)


def _either_form(word: str) -> str:
    """A pattern for ``word`` as written, or with each accented letter in any form the text may have it:
    composed ("é"), decomposed ("e" + accent), or partly composed with the other marks in any order that
    means the same ("ệ" as "ê" + dot below, "ẹ" + circumflex, "e" + dot below + circumflex, ...)."""
    parts = []
    letters = _LETTER.findall(unicodedata.normalize("NFC", word))
    i = 0
    while i < len(letters):
        letter = letters[i]
        if letter in "ßẞ" or (letter in "sS" and i + 1 < len(letters) and letters[i + 1] in "sS"):
            parts.append(_SHARP_S + _OPTIONAL_SELECTOR)  # German capitals write "ß" as "SS", Swiss German "ss"
            i += 1 if letter in "ßẞ" else 2
            continue
        forms = sorted(_equivalent_forms(letter), key=lambda form: (-len(form), form))  # the longest first
        written = [_marks_as_entities(form) for form in forms] + _entities(letter)
        parts.append((APOSTROPHE if letter in APOSTROPHES else written[0] if len(written) == 1
                      else "(?:" + "|".join(written) + ")") + _OPTIONAL_SELECTOR)  # whichever way it is written
        i += 1
    either = "".join(parts)
    # the word as typed, where NFC changed it: each letter's forms above match the composed text only (a
    # word NFC leaves alone matches its own letters there, so a second branch would only add backtracking,
    # exponential in the words a failed match tries); an atomic group, so that a text both branches match is
    # matched once, never tried again through the other (a term of many such words failed in exponential time)
    return either if unicodedata.normalize("NFC", word) == word else f"(?>{either}|{re.escape(word)})"


# "ß" (and its capital "ẞ") and "ss" as one another (case-blind: "SS" too), or as HTML entities
_SHARP_S = rf"(?:s{_OPTIONAL_SELECTOR}s|[ßẞ]|&(?:(?-i:szlig)|#0*223|#x0*df|#0*7838|#x0*1e9e);)"


def _marks_as_entities(form: str) -> str:
    """A pattern for one spelling of a letter (a character and the combining marks after it), each mark as
    written or as its numeric HTML entity ("cafe&#769;" is "café" with its accent written apart)."""
    marks = "".join(f"(?:{re.escape(mark)}|&#0*{ord(mark)};|&#x0*{ord(mark):x};)" for mark in form[1:])
    return re.escape(form[0]) + (_OPTIONAL_SELECTOR + marks if marks else "")  # a selector before the marks too


APOSTROPHES = "'" + TYPED_APOSTROPHES  # what the tokenizer reads as an apostrophe (APOSTROPHE: also as an entity)


def _entities(letter: str) -> list[str]:
    """Patterns of the HTML entities that write ``letter`` (one character; none for an ASCII letter or digit), or
    it in the other case: its name ("&eacute;", "&Eacute;": HTML's names are case-sensitive) and its numbers
    ("&#233;", "&#xe9;")."""
    if len(letter) != 1 or (letter.isascii() and letter.isalnum()):
        return []
    patterns = []
    for char in dict.fromkeys(c for c in (letter, letter.lower(), letter.upper()) if len(c) == 1):
        name = html.entities.codepoint2name.get(ord(char))
        patterns.append(rf"&(?:{f'(?-i:{name})|' if name else ''}#0*{ord(char)}|#x0*{ord(char):x});")
    return patterns


# A letter as NFC leaves it: one character, with the marks that did not compose into it (a Devanagari nukta
# stays apart: "फ़" precomposed, U+095E, is one of the letters NFC never composes).
_LETTER = re.compile(f".[{MARKS}]*", re.DOTALL)


def _equivalent_forms(char: str) -> set[str]:
    """The spellings of the NFC letter ``char`` (a character and the marks NFC leaves after it) that Unicode
    counts as the same (canonically equivalent): its base letter with some of its marks composed into one
    character, the rest after it in any order with the same meaning, and the precomposed characters NFC
    never composes. Letters of more than three marks keep two forms (all composed and all decomposed), so
    a term cannot blow the pattern up."""
    decomposed = unicodedata.normalize("NFD", char)
    forms = {char, decomposed, *_singletons().get(char, ())}  # Greek oxia "ά" (U+1F71) is tonos "ά" (U+03AC)
    base, marks = decomposed[0], decomposed[1:]
    if not 1 <= len(marks) <= 3:
        return forms
    for size in range(len(marks) + 1):
        for chosen in itertools.combinations(range(len(marks)), size):
            head = unicodedata.normalize("NFC", base + "".join(marks[i] for i in chosen))
            if len(head) != 1:
                continue
            rest = [marks[i] for i in range(len(marks)) if i not in chosen]
            forms.update(form for order in itertools.permutations(rest) if
                         unicodedata.normalize("NFD", form := head + "".join(order)) == decomposed)
    return forms


@functools.lru_cache(maxsize=1)
def _singletons() -> dict[str, tuple[str, ...]]:
    """NFC letter -> the other single characters that Unicode counts as the same letter (the CJK and Greek
    compatibility forms whose normal form is another character, and the precomposed letters NFC writes
    decomposed, such as the Devanagari nukta letters); built once, on first use."""
    found: dict[str, list[str]] = {}
    for code in range(0x80, 0x30000):
        char = chr(code)
        composed = unicodedata.normalize("NFC", char)
        if composed != char:
            found.setdefault(composed, []).append(char)
    return {char: tuple(others) for char, others in found.items()}


def _outside(pattern: re.Pattern, text: str, markup: list[tuple[int, int]], entities: "_Entities",
             first: bool = False) -> list[re.Match]:
    """The matches of ``pattern`` in ``text`` that overlap none of the ``markup`` spans and cut no HTML entity
    (:class:`_Entities`: an entity counts as the character it stands for), each looked for from where the last
    one ended, or past the start of a match refused ("&eacute;a a a" holds "a a" after the refused first one);
    ``first``: the first such match alone (whether the text holds the term)."""
    found, at = [], 0
    while (match := pattern.search(text, at)) is not None:
        if _inside_any(match.span(), markup) or entities.cut(*match.span(), text):
            at = match.start() + 1
            continue
        found.append(match)
        if first:
            break
        at = match.end()
    return found


_WORD_CHARACTER = re.compile(rf"{WORD_CHARACTER}|[{MARKS}{JOINERS}]")
_UNSPACED_CHARACTER = re.compile(f"[{UNSPACED}]")


class _Entities:
    """The HTML entities of a text, for the term matches (:func:`_outside`): a match neither starts nor ends
    inside one ("amp" in "&amp;") nor beside one that writes a letter, digit, mark or joiner of the same word
    ("caf" in "caf&eacute;", "cafe" in "cafe&#769;"), as the term pattern's word edges read the characters
    themselves: a word may end where a script written without spaces meets the match's edge, but a mark after
    it always goes on with it."""

    def __init__(self, text: str) -> None:
        spans = [(a, b, chars) for a, b, chars in entity_spans(text) if chars]
        self.starts = [a for a, _, _ in spans]
        self.ends = [b for _, b, _ in spans]
        self.joining_starts = {a for a, _, chars in spans if _joins(chars[0])}  # on a word that ends before it
        self.joining_ends = {b for _, b, chars in spans if _joins(chars[-1])}  # on a word that starts after it
        self.mark_starts = {a for a, _, chars in spans if _MARK.match(chars[0])}

    def cut(self, start: int, end: int, text: str) -> bool:
        """Whether the match ``text[start:end]`` cuts an entity or goes on a word that one writes."""
        if not self.starts:
            return False
        for at in (start, end):
            i = bisect.bisect_left(self.starts, at)  # the entities that start before ``at``: [:i]
            if i and self.ends[i - 1] > at:
                return True
        return (end in self.mark_starts
                or start in self.joining_ends and not _UNSPACED_CHARACTER.match(text[start])
                or end in self.joining_starts and not _UNSPACED_CHARACTER.match(text[end - 1]))


def _joins(char: str) -> bool:
    """Whether ``char`` (written as an entity) is part of a word beside it: a letter, digit, mark or joiner, not
    one of a script written without spaces."""
    return bool(_WORD_CHARACTER.match(char)) and not _UNSPACED_CHARACTER.match(char)


_MARK = re.compile(f"[{MARKS}]")


def _inside_any(span: tuple[int, int], markup: list[tuple[int, int]]) -> bool:
    """Whether ``span`` overlaps one of the ``markup`` spans (in order, not overlapping each other)."""
    i = bisect.bisect_left(markup, (span[1],))  # the markup spans that start before span ends: [:i]
    return i > 0 and markup[i - 1][1] > span[0]
