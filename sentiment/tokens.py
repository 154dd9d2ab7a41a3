"""Tokens of a raw text with their character spans, for the models that point into the text (the aspect
models' terms, the words an explanation names).

The raw text is never rewritten: :func:`tokenize` finds tokens with a regular expression on it, keeps each
token's ``(start, end)`` span, and only the token's *feature string* is normalised with
:class:`sentiment.cleaning.Cleaner` (HTML entities, apostrophes, squeezed repeats, lowercase), so a span of
tokens maps back to ``text[start_of_first:end_of_last]``.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from .cleaning import (HTML_TAG, INVISIBLE_MARKS, TYPED_APOSTROPHES, WEB_ADDRESS, Cleaner, decode_entities, emoji_spans,
                       unescape)
from .marks import WORD, WORD_CHARACTER

# Markup: web addresses and HTML tags, by the Cleaner's patterns (WEB_ADDRESS, HTML_TAG: a name and name="value"
# attributes only, within one line).
_MARKUP = rf"(?P<markup>{WEB_ADDRESS}|{HTML_TAG})"
# Tokens: web addresses and HTML tags whole (markup: never part of an aspect term), then words (with inner
# apostrophes, or the Hebrew geresh and gershayim: "ג׳ירפה", "צה״ל"), HTML entities, and any other single non-space character, so that "hard-drive", "$20" or
# "i7-3770" split into pieces whose spans tile the term.
# A word goes on over combining marks (a decomposed "café" is one word, as the composed one is; a Hindi
# word keeps its vowel signs).
# An apostrophe may come as an HTML entity ("Don&#x27;t", "battery&#39;s", as many web pages write it): the
# word stays whole, as the Cleaner reads it once the entity is decoded (named entities are case-sensitive:
# "&APOS;" is no apostrophe). Invisible marks (the Cleaner's INVISIBLE_MARKS: soft hyphens, zero-width and
# direction marks; and joiners outside a word or an emoji sequence) are no tokens, also when written as an
# entity ("&#x200B;", "&shy;"): no token of the Cleaner comes from them either; nor is an entity of white space
# ("&nbsp;", "&#32;"), which the Cleaner reads as a space.
# The apostrophes are the Cleaner's (TYPED_APOSTROPHES: "isn´t", "haven‘t", "don`t" are one word, as "isn't" is).
# A word goes on over invisible marks ("wonder&shy;ful", "terri\u00adble": token_spans joins its pieces, and its
# feature string leaves the marks out) and over letters written as entities ("clich&eacute;d"), as a Cleaner
# that normalizes Unicode reads them.
APOSTROPHE = (rf"(?:['{TYPED_APOSTROPHES}]|&(?:#0*39|#x0*27|#0*8217|#x0*2019|#0*8216|#x0*2018|#0*96|#x0*60|#0*180"
               r"|#x0*b4|(?-i:apos|rsquo|lsquo|grave|acute));)")
_ENTITY = r"&(?:[a-z]+\d*|#\d+|#x[0-9a-f]+);"
_INVISIBLE_CHARS = INVISIBLE_MARKS + "\u200c\u200d"
_S_ENDS = rf"[sS](?!{WORD_CHARACTER})"  # a possessive's "s" (a word ends there: \\b would take "ʹ" for a letter)
_TOKEN = re.compile(_MARKUP + rf"|{WORD}(?:(?:{APOSTROPHE}|[׳״])(?!{_S_ENDS}){WORD})*|{APOSTROPHE}{_S_ENDS}|{_ENTITY}"
                    rf"|[^\w\s{_INVISIBLE_CHARS}]|\u02b9", re.IGNORECASE)  # ("ʹ": WORD_CHARACTER)
_ONLY_INVISIBLE = re.compile(f"[{_INVISIBLE_CHARS}]+")
_INVISIBLE_MARK = re.compile(f"[{INVISIBLE_MARKS}]+")
_MARKUP_ONLY = re.compile(_MARKUP, re.IGNORECASE)


def markup_spans(text: str) -> list[tuple[int, int]]:
    """The character spans of the web addresses and HTML tags in ``text``, where no aspect term lies."""
    return [m.span() for m in _MARKUP_ONLY.finditer(text)]


class Token(NamedTuple):
    text: str  # the normalised feature string
    start: int
    end: int
    markup: bool = False  # a web address or an HTML tag, which no aspect term includes


@lru_cache(maxsize=8)
def _cleaner(options: tuple) -> Cleaner:
    return Cleaner(**dict(options))


def token_cleaner(**options) -> Cleaner:
    """The Cleaner used per token: its text-level steps only (no negation or contraction rewriting)."""
    base = {"contractions": False, "negation": False, "stopwords": False, "lemmatize": False, "tokenizer": "regex"}
    base.update({k: v for k, v in options.items() if k in Cleaner.option_names()})
    return _cleaner(tuple(sorted(base.items())))


def normalize_token(raw: str, cleaner: Cleaner | None = None) -> str:
    """One raw token's feature string, as the Cleaner's text-level steps write it ("SOOOO" -> "soo")."""
    cleaner = cleaner or token_cleaner()
    out = cleaner.normalize(raw).strip()
    if not out.isascii() and _wordlike(raw):  # a word over a soft hyphen reads as the word (joiners stay:
        out = _INVISIBLE_MARK.sub("", out)  # a Persian word keeps its non-joiner, as the Cleaner reads it)
    return "_".join(out.split()) if out else raw.lower()


def token_spans(text: str) -> list[tuple[int, int, bool]]:
    """``(start, end, markup)`` of each token of ``text`` (as :func:`tokenize` finds them), ``markup`` true for a
    web address or an HTML tag."""
    pieces = [(m.start(), m.end(), m.group("markup") is not None) for m in _TOKEN.finditer(text)
              if not (m.group()[0] == "&" and _blank(unescape(m.group())))]
    if ("&" in text and ";" in text) or (not text.isascii() and _ONLY_INVISIBLE.search(text)):
        pieces = _words_whole(text, pieces)  # a letter entity or an invisible mark may part a word
    return pieces if text.isascii() else joined_tiles(pieces, emoji_spans(text))


def _blank(text: str) -> bool:
    """Whether an entity's text is no token: only invisible marks (``&shy;``, ``&zwj;``) or white space
    (``&nbsp;``, which the Cleaner reads as a space)."""
    return bool(_ONLY_INVISIBLE.fullmatch(text)) or text.isspace()


def _wordlike(raw: str) -> bool:
    """Whether a token is (part of) a word: it starts with a letter or digit, or it is an entity of letters."""
    return bool(_WORD_START.match(raw)) or (raw[:1] == "&" and decode_entities(raw).isalpha())


_WORD_START = re.compile(WORD_CHARACTER)


def _words_whole(text: str, pieces: list[tuple[int, int, bool]]) -> list[tuple[int, int, bool]]:
    """``pieces`` with the word pieces that only invisible marks (or nothing) part merged into one word
    ("wonder&shy;ful", "clich&eacute;d")."""
    out: list[tuple[int, int, bool]] = []
    last_wordlike = False  # whether out[-1] is a word (its first piece says it: only words are merged)
    for start, end, markup in pieces:
        wordlike = not markup and _wordlike(text[start:end])
        if wordlike and last_wordlike \
                and (out[-1][1] == start or _ONLY_INVISIBLE.fullmatch(decode_entities(text[out[-1][1]:start]))):
            out[-1] = (out[-1][0], end, False)
        else:
            out.append((start, end, markup))
            last_wordlike = wordlike
    return out


def tokenize(text: str, cleaner: Cleaner | None = None) -> list[Token]:
    """Tokens of the raw ``text`` with their character spans; ``text[t.start:t.end]`` is the raw token. An emoji
    sequence ("👍🏽", "👨‍👩‍👧", "🇫🇷") is one token, as the Cleaner reads it."""
    cleaner = cleaner or token_cleaner()
    features: dict[str, str] = {}  # each distinct raw token normalized once ("!" 40,000 times: once)
    tokens = []
    for start, end, markup in token_spans(text):
        raw = text[start:end]
        feature = features.get(raw)
        if feature is None:
            feature = features[raw] = normalize_token(raw, cleaner)
        tokens.append(Token(feature, start, end, markup))
    return tokens


def joined_tiles(pieces: list[tuple[int, int, bool]], wholes: list[tuple[int, int]]) -> list[tuple[int, int, bool]]:
    """``pieces`` (``(from, to, markup)``, in order) with those that tile one of ``wholes`` (spans in order, not
    overlapping: an emoji sequence, its characters and joiners) merged into one, not markup."""
    if not wholes:
        return pieces
    out, k = [], 0
    for start, end in wholes:
        while k < len(pieces) and pieces[k][0] < start:
            out.append(pieces[k])
            k += 1
        last = k
        while last < len(pieces) and pieces[last][1] <= end:
            last += 1
        if last - k > 1 and pieces[k][0] == start and pieces[last - 1][1] == end:
            out.append((start, end, False))
            k = last
    return out + pieces[k:]
