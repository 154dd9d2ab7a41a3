"""Text cleaning: raw text in, a list of tokens out.

Every step is a field of :class:`Cleaner` and can be switched off. The steps run in this order:

1. ``html``: drop tags (``<br />`` becomes a space) and the content of ``<script>`` and ``<style>`` elements, and
   decode the entities that end in ";" (``&amp;`` -> ``&``; "fast&not damaged" keeps its "not"); then, always, for
   a non-ASCII text: NFC (decomposed accents composed), other scripts' and typographic punctuation as ASCII
   (``…`` -> ``...``, ``。`` -> ``.``, ``؟`` -> ``?``), lone surrogates as U+FFFD (:func:`plain_text`); then
   ``normalize_unicode`` (off by default): NFKC (``ｇｒｅａｔ`` -> ``great``, ``ﬁ`` -> ``fi``) and drop the
   invisible characters that split words (zero-width space, soft hyphen, direction marks).
2. ``urls`` / ``mentions`` / ``hashtags``: replace, keep or remove web addresses, ``@user`` and ``#tags``.
3. ``emoji``: turn emoji and emoticons into words (``😍`` -> ``smiling face with heart eyes``), keep or remove them.
4. ``repeats``: squeeze characters repeated three or more times to two (``soooo`` -> ``soo``, ``!!!!`` -> ``!!``),
   whatever their case (``Mmmm`` -> ``Mm``, as ``mmmm`` -> ``mm``).
5. ``lowercase``; ``missing_apostrophes`` (off by default): read ``dont``, ``isnt``, ``cant`` ... (and
   ``didn t``, ``did'nt``) as ``don't``, ``isn't``, ``can't``, so that the next steps treat them alike.
6. tokenize with a fast regular expression (a word keeps its combining marks and inner joiners:
   :mod:`sentiment.marks`), or with spaCy (``tokenizer="spacy"``).
7. ``lemmatize``: spaCy lookup lemmas (``spacy.blank("en")`` + ``spacy-lookups-data``, works offline).
8. ``contractions``: expand (``don't`` -> ``do not``, ``it's`` -> ``it 's``).
9. ``negation``: prefix words after a negation with ``not_`` up to the next ``. , ; : ! ?`` (or a run of them:
    ``...``, ``?!``) or "but" (a quote or slash does not end it), so ``"not good"`` gives the
    feature ``not_good``, which differs from ``good``. A line break, an HTML block tag (``<br>``, ``<p>`` ...)
    and an emoji or emoticon end the scope too (``negation_scope=2``; models saved before this rule keep
    ``negation_scope=1``, under which the scope ran on over them); ``negation_scope=3`` ends it at a dash and
    a bracket too, and lets "not only" and "not just" start none (not the default: it scored a little lower
    on two of three polarity dev sets, ``benchmarks/results/cleaning_scope.md``).
10. ``stopwords``: drop English stop words (scikit-learn's list), never negating ones (``not``, ``no``,
    ``never``, ``cant``, ``noone`` ...) nor those that carry sentiment (``cry``, ``well``, ``too``, ``very``,
    ``but``, ``however`` ...: :data:`SENTIMENT_STOP_WORDS`); after the negation marking.

>>> Cleaner()("I don't like it :( <br/>Never again!!!!")
['i', 'do', 'not', 'not_like', 'not_it', 'frowning', 'face', 'never', 'not_again', '!!']
>>> Cleaner(negation_scope=1)("I don't like it :( <br/>Never again!!!!")
['i', 'do', 'not', 'not_like', 'not_it', 'not_frowning', 'not_face', 'never', 'not_again', '!!']
>>> Cleaner(negation_scope=3)("Not only cheap - it is not bad (the staff are great)")
['not', 'only', 'cheap', 'it', 'is', 'not', 'not_bad', 'the', 'staff', 'are', 'great']
"""

from __future__ import annotations

import functools
import html as _html
import itertools
import re
import unicodedata
from dataclasses import asdict, dataclass, fields
from functools import cached_property
from html.entities import html5 as _HTML5
from typing import Iterable, Iterator

from .checks import check_texts
from .errors import ConfigError, DataError, known_options
from .marks import MARKS, WORD

# Markup: a tag is a name (with ":" or "-" in it: Word's "<o:p>", custom elements), then name="value" attributes
# (a value may be unquoted or empty; a quoted one may hold ">", since version 25) and HTML's bare boolean attributes ("<td nowrap>"), but no other bare words:
# "<b and the screen>" and "Samsung<Apple for cameras, but Apple>Samsung" are text; within one line (for the
# Cleaner, over lines too: "<div\nid=a>"); a comment may span lines and holds no "<!--" (an unclosed one is given
# up at the next); CDATA and DOCTYPE too. The aspect models' tokenizer (sentiment.tokens) reads markup by the same
# pattern. The possessive quantifiers (*+, ++) match what plain ones would here, without the backtracking that
# made "<a" + 10,000 spaces take seconds.
_BARE_ATTRIBUTES = ("allowfullscreen|async|autofocus|autoplay|checked|compact|controls|declare|default|defer|disabled|"
                    "download|formnovalidate|hidden|inert|ismap|itemscope|loop|multiple|muted|nohref|noresize|noshade|"
                    "novalidate|nowrap|open|playsinline|readonly|required|reversed|scoped|selected")
HTML_TAG = (r"</?(?P<name>[A-Za-z][A-Za-z0-9]*+(?:[:-][A-Za-z0-9]++)*+)(?:[^\S\n]++(?:[A-Za-z_:][-\w:.]*+[^\S\n]*+"
            r"=[^\S\n]*+(?:\"[^\"<\n]*+\"|'[^'<\n]*+'|[^\s\"'<>`]++)?+|(?:" + _BARE_ATTRIBUTES + r")(?![-\w:.])))*"
            r"[^\S\n]*+/?[^\S\n]*+>|<!--(?s:(?!<!--|-->).)*+-->|<!DOCTYPE[^<>\n]*+>|<!\[CDATA\[(?s:(?!<!\[CDATA\[|\]\]>).)*+\]\]>")
_TAG = re.compile(HTML_TAG.replace(r"[^\S\n]", r"\s").replace(r"<>\n]", "<>]").replace(r"<\n]", "<]"),
                  re.IGNORECASE)  # here over lines too
# Entities are decoded where they end in ";" only (named, "&#39;", "&#x27;"), as the aspect tokenizer reads them:
# html.unescape also decodes HTML's legacy names without one, so "fast&not damaged" lost its "not" (to "¬") and
# "oven&microwave" became "ovenµwave".
_ENTITY_NAME = r"(?:[A-Za-z]++[0-9]*+|#[0-9]++|#[xX][0-9A-Fa-f]++);"  # after its "&"
_ENTITY = re.compile(rf"&{_ENTITY_NAME}")
# ... and the escaped ampersand of an entity escaped twice ("&amp;#39;", "&#38;quot;")
_ESCAPED_ENTITY = re.compile(rf"&(?:amp|AMP|#0*+38|#[xX]0*+26);(?={_ENTITY_NAME})")
# The content of a <script> or <style> element is code, not words: it goes with its tags (case-blind). An opening
# tag without its closing one keeps what follows as text: a review that names the tag, or a page cut short, keeps
# its words. Each opening searches on for its closing tag from where the last element ended, and once one finds
# none no later one of its name can: linear time, also for many unclosed "<script>".
_RAW_TEXT_OPENING = re.compile(r"<(script|style)(?![-\w:])", re.IGNORECASE)
_RAW_TEXT_CLOSING = {name: re.compile(rf"</{name}\s*+>", re.IGNORECASE) for name in ("script", "style")}
# A web address starts with http(s):// or with a www. that ends no word ("Awww...love it" holds none). It ends
# before a comma and before the punctuation that follows it ("see http://x.com, then"), which ends a negation
# scope, but keeps a bracketed part ("wiki/Foo_(bar)"). Beyond ASCII it holds letters, digits and marks
# ("wiki/Straße"), not an emoji or typographic punctuation glued to it ("t.co/x😂", "x.com/a—not good": the
# address ends there). The aspect models' tokenizer (sentiment.tokens) reads addresses by the same pattern.
_URL_CHAR = rf"(?![\s<>\"']|&(?!amp;)#?\w+;)[\x00-\x7f\w{MARKS}]"  # (no negated class: case-blind, [^...\x80-...] refuses "i", "k")
_BRACKETED = rf"\((?:(?![()]){_URL_CHAR})*\)"
_ADDRESS_TAIL = rf"(?:(?![(),]){_URL_CHAR}|{_BRACKETED})*(?:(?![(),.;:!?\]]){_URL_CHAR}|{_BRACKETED})"
# Since version 25 also an e-mail address and a bare domain of the common generic endings, with its path
# ("amazon.com", "imdb.com/title/x": "not buy from amazon.com again" ended its negation at the domain's dot).
# Marks typed for an apostrophe ("isn´t", "haven‘t", "don`t"); the aspect tokenizer reads them as one too.
TYPED_APOSTROPHES = "’‘`´‛ʹ＇"  # (since version 25 also the reversed one, the prime letter and the full-width one)
# A domain's parts start and end with a letter or a digit, each read whole (given back part by part only: "x.com."
# at a stop); its ending, in lower or upper case ("the end.Com", "movies@AMC.Loved it" hold none); no address
# starts inside a word, after an apostrophe or a slash ("O'Reilly.com"), and a name of digits alone ("1.2.com")
# or ASP.NET, VB.NET and ADO.NET are none.
_DOMAIN = r"(?:[A-Za-z0-9]++(?:-++[A-Za-z0-9]++)*+\.)+"
_NOT_BEFORE_ADDRESS = rf"(?<![\w{MARKS}.+@/'{TYPED_APOSTROPHES}-])"
_EMAIL = (rf"{_NOT_BEFORE_ADDRESS}[\w{MARKS}.+-]++@{_DOMAIN}(?-i:[a-z]{{2,}}+|[A-Z]{{2,}}+)(?![\w@-]|\.\w)")
_GENERIC_NAMES = ("com", "org", "net", "edu", "gov")
_GENERIC_ENDING = rf"(?-i:{'|'.join(_GENERIC_NAMES + tuple(map(str.upper, _GENERIC_NAMES)))})(?![\w@-]|\.\w)"
_BARE_DOMAIN = (rf"{_NOT_BEFORE_ADDRESS}(?![\d.-]++{_GENERIC_ENDING}|(?i:asp|vb|ado)\.net(?![\w-]))"
                rf"{_DOMAIN}{_GENERIC_ENDING}(?:/(?:{_ADDRESS_TAIL})?)?")
WEB_ADDRESS = rf"(?:(?:https?://|(?<!\w)www\.){_ADDRESS_TAIL}|{_EMAIL}|{_BARE_DOMAIN})"
_URL = re.compile(WEB_ADDRESS, re.IGNORECASE)


def _may_hold_address(text: str) -> bool:
    """A quick test before the full pattern (_URL): whether ``text`` holds what starts or ends a web address, in
    plain substring tests (three times as fast as one regular expression of them, which took a tenth of the
    cleaning of short texts)."""
    if "@" in text:
        return True
    low = text.lower()
    if "http" in low or "www" in low:
        return True
    for ending in _DOTTED_ENDINGS:
        if ending in low:
            return True
    return False


_DOTTED_ENDINGS = tuple(f".{name}" for name in _GENERIC_NAMES)

_MENTION = re.compile(rf"(?<![\w@])@(\w[\w{MARKS}]{{0,49}})")
# Digits are left alone: 1000 stays 1000. Case-blind, keeping the first two as written: "Mmmm" -> "Mm" reads as
# "mmmm" -> "mm" (the squeeze runs before lowercasing; it counted "Mmmm" as an "M" and three "m").
_REPEAT = re.compile(r"((\D)\2)\2+", re.IGNORECASE)
# ... and an emoji of several code points repeated: a flag (two regional indicators: 🇺🇸; or tag characters:
# England's), or one with its variation selector (❤️), skin tone (👍🏽), keycap ("#️⃣") or joined parts (👨‍👩‍👧); at most
# 10 of them, so that a long run of joined emoji is searched in linear time. A digit's keycap (1️⃣) is a digit:
# left alone, as 1000 is.
_REPEATED_EMOJI = re.compile("([\U0001f1e6-\U0001f1ff]{2}|[#*]\ufe0f?\u20e3|[^\x00-\x7f](?:[\ufe0f\u20e3"
                             "\U0001f3fb-\U0001f3ff\U000e0020-\U000e007f]|\u200d[^\x00-\x7f]){1,10})\\1\\1+")
# Characters that are no token of the regular expression, and no space: control characters, U+FFFD
_NO_TOKEN = re.compile("[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f\ufffd]")
# a quick test (twice as fast as _REPEAT's \D) for the texts _REPEAT may change
_TRIPLE = re.compile(r"(.)\1\1", re.DOTALL | re.IGNORECASE)
# A hashtag holds the apostrophes inside its words ("#don't" reads "don't", a negation), as a word does.
_HASHTAG = re.compile(rf"(?<![\w#&])#({WORD}(?:['{TYPED_APOSTROPHES}]{WORD})*)")
_APOSTROPHE = re.compile(f"[{TYPED_APOSTROPHES}ʼ׳]")  # ... and the Hebrew geresh, which Hebrew writes in words ("ג׳ירפה")
# Non-ASCII text, before any other step but HTML: canonical composition (NFC: a decomposed "phở" and the
# composed one are one word), lone surrogates (from undecodable bytes) as U+FFFD, and the punctuation of
# other scripts and typography as ASCII, so that it ends a negation scope and makes the same tokens:
# "…" (phones write it for "..."), CJK "。！？，" and their full-width and small forms ("．", "﹒﹗﹖﹐﹑﹔﹕"),
# Devanagari "।", Arabic "؟،؛", the full stops of Armenian "։", Ethiopic "።" and Myanmar "။".
_PLAIN = {
    **dict.fromkeys("’‘´ʼ", "'"), "…": "...", "‥": "..", **dict.fromkeys("。｡．﹒।॥۔։።။", "."),
    **dict.fromkeys("！﹗", "!"), **dict.fromkeys("？﹖؟", "?"), "‼": "!!", "⁇": "??", "⁈": "?!", "⁉": "!?",
    **dict.fromkeys("，、､﹐﹑،", ","), **dict.fromkeys("；﹔؛", ";"), **dict.fromkeys("：﹕", ":"),
}
_TO_PLAIN = re.compile(f"[{''.join(_PLAIN)}\ud800-\udfff]")  # a scan, then a look-up per match only
# Canonical ordering sorts a run of combining marks in quadratic time: "Zalgo" runs are cut to 30 marks first
_MARK_RUN = re.compile(f"([{MARKS}]{{30}})[{MARKS}]+")
_LONG_RUN = 50
_PUNCTUATION_RUN = re.compile(rf"[^\w\s]{{{_LONG_RUN},}}")
# ... and a run of 200+ characters without a space (minified JSON, "a:a:a:..."), in which spaCy looks for infixes
# in quadratic time too, gets spaces around its punctuation
# (a web address kept, urls="keep", stays whole up to 2,000 characters; a point or comma between digits stays)
_LONG_WORD = re.compile(r"(?<!\S)(?:(?!https?://|www\.)\S{200,}|\S{2000,})", re.IGNORECASE)
_INNER_PUNCTUATION = re.compile(r"(?<!\d)([^\w\s])|([^\w\s])(?!\d)")
_LONG_URL = 2000  # (no kept web address is longer: _LONG_WORD)
# Format characters that split a word without showing (zero-width space, soft hyphen, word joiner and invisible
# operators, direction marks and embeddings, byte-order mark); the zero-width joiner and non-joiner stay where
# they mean something (emoji sequences, Indic and Persian words) and go between two Latin letters, where they
# only hide a word ("ter\u200drible").
INVISIBLE_MARKS = "\u00ad\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff"  # a character class's ranges
_INVISIBLE = re.compile(f"[{INVISIBLE_MARKS}]"
                        "|(?<=[A-Za-z\u00c0-\u024f])[\u200c\u200d]+(?=[A-Za-z\u00c0-\u024f])")
# Words (with their combining marks: a Hindi word keeps its vowel signs) joined by inner apostrophes ("don't")
# or by the Hebrew gershayim of an acronym ("צה״ל"; around a word it is a quotation mark, and goes).
# A number with inner points, commas or colons ("9.99", "1,299", "10:30") is one token: its punctuation ends no
# negation scope. An apostrophe before a word is a quotation mark ("'not good'") and goes, but before the clitics
# that SST-style text writes apart ("it 's", "they 're") and "'tis" / "'twas".
_TOKEN = re.compile(rf"\d+(?:[.,:]\d+)+(?!\w)|{WORD}(?:['״]{WORD})*|'(?i:s|re|ve|ll|m|d|tis|twas)(?!\w)|[!?]+|[.,;:]")
# A negated verb written without its apostrophe ("dont", "Isnt", "CANT"), with a space for it ("didn t", as
# CARER's tweets write it; not before a hyphen, "can t-shirt", nor as a capital initial, "Can T. Smith") or with it
# before the "n" ("did'nt"): its "n" and "t" take one between them.
_MISSING_APOSTROPHE = re.compile(r"\b(do|does|did|is|are|was|were|has|have|had|would|should|could|must|need|ca|wo|ai"
                                 r"|sha)(?:(n)(t)|(n) (t)(?![-'])(?!(?-i:(?<=T)\.\s*[A-Z]))|'(n)(t))\b", re.IGNORECASE)

# Where a negation's scope ends besides punctuation (negation_scope=2): the text-level steps leave a line
# break there (at an HTML block tag, on both sides of an emoji, for a carriage return); the tokenizers turn
# line breaks into the marker token _BREAK, which only the token-level step sees: it ends the scope, then goes.
_BREAK = "\n"
_TOKEN_OR_BREAK = re.compile(_TOKEN.pattern + "|\n")
# HTML elements that break a line, as a <br> does.
BREAK_TAG_NAMES = frozenset({"br", "p", "div", "li", "ul", "ol", "dd", "dt", "dl", "hr", "h1", "h2", "h3", "h4", "h5", "h6",
                             "tr", "td", "th", "table", "thead", "tbody", "tfoot", "caption", "blockquote", "pre",
                             "section", "article", "header", "footer", "nav", "aside", "main", "figure", "figcaption",
                             "form", "details", "summary", "address"})
# The characters that break a line (those of str.splitlines but the ASCII separators \x1c-\x1e); those besides
# "\n" end a negation scope as "\n" does, and the aspect models' clauses and sentences end at every one.
LINE_BREAKS = "\n\r\x0b\x0c\x85\u2028\u2029"
LINE_BREAK = re.compile(f"[{LINE_BREAKS}]")
_OTHER_BREAKS = re.compile(f"[{LINE_BREAKS[1:]}]")
_BREAK_TAG = re.compile(rf"</?(?:{'|'.join(sorted(BREAK_TAG_NAMES))})\b", re.IGNORECASE)


def is_break_tag(tag: str) -> bool:
    """Whether the HTML tag ``tag`` (``<br/>``, ``</p>``) breaks a line, as :data:`BREAK_TAG_NAMES` says."""
    return bool(_BREAK_TAG.match(tag))


NEGATION_SCOPES = (1, 2, 3)  # 1: punctuation and "but" only (models saved before negation_scope existed)
# A dash that parts two clauses: an em dash or a horizontal bar, a hyphen or en dash beside another ("--"), or
# one with white space (or the text's edge) on a side, not before a digit ("-5"); not one inside a word or a
# number ("hard-drive", "2–3"). Each of its characters matches alone (the aspect models test one token).
DASH = re.compile(r"[—―]|[-–](?=[-–])|(?<=[-–])[-–]|(?<!\S)[-–](?!\d)|[-–](?!\S)")
DASH_CHARACTERS = "-\u2013\u2014\u2015"  # hyphen-minus, en dash, em dash, horizontal bar: those DASH reads
BRACKETS = frozenset("()[]{}")
# Where negation_scope=3 ends a scope besides those of 2: a dash or a bracket.
_SCOPE_MARK = re.compile(DASH.pattern + f"|[{re.escape(''.join(sorted(BRACKETS)))}]")
# A bracket or dash beside a face's eyes or nose, where a kept emoticon may begin or end ("sad):", "it(:").
# Its runs are bounded (50 characters of eyes, of brackets): a search from each character of a long run read the
# run to its end, in quadratic time ("(-(-(-..."); not inside a run of brackets either, where no face begins that
# did not at its start.
_FACE_BRACKET = re.compile(r"(?<![()\[\]{}])"
                           r"(?:(?<![^\W\d_])|(?![8xX]))(?=[-()\[\]{}]{0,50}[:;=8xX'])"  # eyes in it: a dash ("--") is
                           # no face, nor is the last letter of a word before one ("box--great")
                           r"(?:[:;=8xX'\-]{0,50}[()\[\]{}\-]{1,50}[:;=8xX'\-]{1,50}|[:;=8xX'\-]{1,50}[()\[\]{}\-]{1,50})")
# The words after "not" (or "isn't") that make it no negation (negation_scope=3): "not only cheap but also
# good", "isn't just good".
NOT_NEGATING = frozenset({"only", "just", "merely"})


def is_dash(before: str, mark: str, after: str) -> bool:
    """Whether ``mark`` (a dash's character or characters) between the characters ``before`` and ``after`` ("" at
    the text's edge, " " for white space) parts two clauses (:data:`DASH`)."""
    return DASH.match(before + mark + after, len(before)) is not None


def negates_nothing(words: list[str], i: int) -> bool:
    """Whether ``words[i]`` (lower case) is a "not" or "...n't" that negates nothing: one of :data:`NOT_NEGATING`
    follows ("not only", "isn't just")."""
    word = words[i]
    return (word == "not" or word.endswith("n't")) and i + 1 < len(words) and words[i + 1] in NOT_NEGATING

# The version of how this package reads text: the Cleaner's tokens, and the aspect models' tokens and sentences
# (sentiment.tokens.tokenize, sentiment.aspects.data.sentence_spans), for a given text and settings. A model
# records the one it was trained under (``reading_version`` in its config.json; an ensemble's members each their
# own), and loading a model trained under another version warns (:class:`~sentiment.errors.ReadingVersionWarning`).
# Raise it with any change that alters what those give for some text; tests/test_reading_version.py holds a
# fingerprint of how a sample built from the tables below reads, and fails for changes that alter it. What
# other libraries decide is not in it: emoji names (the emoji package), spaCy's tokenizer and lemmas.
# 1: as of 3 December 2026 (NFC, other scripts' punctuation, whole Indic words, "wo n't", emoji sequences).
# 2: normalize_unicode drops a zero-width joiner or non-joiner between two Latin letters.
# 3: the Hebrew geresh reads as an apostrophe: a word that holds one stays one word.
# 4: a Hebrew gershayim between two letters (an acronym: "צה״ל") keeps the word whole.
# 5: quoted words lose their quotation marks ("'not good'"); numbers keep inner points, commas and colons
#    ("9.99"); a web address leaves the punctuation after it; an emoticon may be glued to a word ("thanks:)"),
#    "):" only stands apart, a heart may have more 3s; ®, © and ™ go; repeated emoji count twice at most; HTML
#    tags are those of the aspect tokenizer (name="value" and HTML's boolean attributes, no other bare words;
#    since 18 the Cleaner also drops the tags of markup escaped twice, which the aspect tokenizer reads as text);
#    table and section tags and Unicode line separators end a negation scope.
# 6: the aspect tokenizer only (the Cleaner reads every text as under 5): a word keeps an apostrophe written as
#    an HTML entity ("Don&#x27;t"; not "&APOS;", which HTML does not decode), hexadecimal and digit-bearing
#    entities ("&#x201D;", "&frac12;") are one token, and the marks _INVISIBLE drops (soft hyphen, zero-width
#    and direction marks; also written as entities) are no tokens.
# 7: the Cleaner only: a double contraction expands whole ("couldn't've" -> "could not have", was "couldn't
#    not_have"); a smile, frown, grin, tongue or wink glued to a number is one ("10/10:)"), a heart glued to a
#    word too ("ily<3"; both lost to punctuation before); a flag repeated counts twice at most, as other emoji.
# 8: the Cleaner only: a "www." that ends a word starts no web address ("Awww...love it" lost "love" to
#    xxurl); a heart glued to a heart ("<3<3") and "=)" / "=(" glued to a word ("hi=(") read as faces.
# 9: the aspect models only: a sentence ends at a carriage return, U+2028 and the other line breaks the Cleaner
#    knows, not only at "\n"; "while", "yet" and "though" part a clause only where they contrast ("wait a while",
#    "as though", "not yet", "yet another", "the best yet" do not: polarity.contrast_use); a category's focus
#    keeps a short label with what follows its colon ("Food: awful").
# 10: the aspect models only: their tokenizer takes the Cleaner's apostrophes ("isn´t", "haven‘t", "don`t" and
#    their HTML entities are one word, as "isn't" is; they were three tokens, and no negation).
# 11: the Cleaner (and through its squeeze and entities the aspect tokenizer's token texts): entities decode only
#    with their ";" ("fast&not damaged" keeps "not"); <script> and <style> content goes; stop words keep "cant",
#    "couldnt", "hasnt", "noone"; a squeeze is case-blind ("Mmmm" as "mmmm"); spaCy's "..", "?!" end a negation
#    scope; lemmas read "can't" as "can not" (was "ca not"); a kept ":D" stays a face when lowercased (and with
#    lemmas); "．", "﹒﹗﹖﹐﹑﹔﹕", "։", "።", "။" punctuate as ASCII; the restaurant categories' clauses decode
#    entities as the Cleaner does.
# 12: the aspect models only: a dash (" - ", "--", "—") ends an aspect's clause and its negation, a bracket its
#    negation; "not only" / "not just" negate nothing and "but also" contrasts nothing; "e.g." and "i.e." end no
#    sentence; a word goes on over a soft hyphen, a zero-width space or a letter written as an entity
#    ("wonder&shy;ful", "clich&eacute;d"); a restaurant category's clauses end at an HTML block tag and after an
#    emoji, and a one-word label keeps what its dash introduces ("Service - terrible"). (The Cleaner gained
#    negation_scope=3, not the default: no default reading, nor any saved model's, changed.)
# 13: the aspect models only: a bracket ends no negation of the classical polarity model's features (version
#    12's rule cost it on both domains' dev splits: "The food was not good (the service was great)" marks
#    "not_great" again).
# 14: the aspect models only: a ".", "," or ":" inside a number ("2.1 GHz", "1,000", "8:00") and a "." after an
#    abbreviation or a single letter ("St.", "vs.", "e.g.", "o.k.") end no aspect clause or negation; ©, ® and ™
#    part no clause (the Cleaner drops them: "Norton™ antivirus"); an entity of white space ("&nbsp;") is no
#    token (the Cleaner reads it as a space).
# 15: a web address holds no emoji or typographic punctuation glued to it ("t.co/x😂", "x.com/a—not good"), keeps a
#    bracketed part and ends before a comma in the Cleaner too, and the aspect tokenizer's "www." ends no word
#    ("Awww.love"), as the Cleaner's does; England's, Scotland's and Wales's flags and the "#" and "*" keycaps
#    repeated count twice at most; a dash ("--") is no face (emoji="keep" with negation_scope=3). Options off by
#    default: stopwords keep the words that carry sentiment (SENTIMENT_STOP_WORDS); lemmas are looked up for the
#    regular expression's own tokens (a kept emoji stays whole, "'s" stays "'s", "Movies" reads "movie");
#    spaCy's tokenizer parts ".!?;" between two letters ("it.Would"), keeps an emoji of several code points
#    whole, and reads control characters and U+FFFD as spaces.
# 16: (a review of 15) a web address ends before other scripts' punctuation as written ("x.com/a…not",
#    "x.com/a。很好": the Cleaner read them as ASCII first, which an address holds) and at an HTML entity other
#    than "&amp;" ("x.com/a&mdash;not"), in the Cleaner and the aspect tokenizer alike; a word's last letter is no
#    face's eyes ("box--great", emoji="keep" with negation_scope=3). Options off by default: lemmas read "wo" /
#    "ca" before SST's "n't" only ("The AI not helpful" kept "AI"), and spaCy's tokenizer keeps a "#" keycap whole.
# 17: the aspect models only: "however", "though", "although", "while" and "whereas" in an aside between commas
#    that parts a bare subject from its predicate part no clause ("The service, however, was terrible"); a bare
#    subject (polarity.bare_subject) takes its predicate's words past such asides, brackets or an ellipsis ("The
#    service... was terrible": polarity.predicate_part), in the categories' clauses too, which drop a lone
#    contrast word and, as the aspect clauses, end at no stop after an abbreviation ("Mr. Smith"); "nothing but"
#    and "anything but" contrast nothing ("nothing" before "but" negates nothing, "anything but" negates).
# 18: the Cleaner (and through its faces the aspect tokenizer's token texts): a negated verb whose apostrophe is
#    written as a space or before the "n" reads as the contraction under missing_apostrophes ("didn t", as 2.9%
#    of CARER's tweets write it, and "did'nt"); "noone" negates; ";P", ";(", ":')", "=D", "xD" and "-_-" are
#    faces; a hashtag keeps the apostrophes inside its words ("#don't"); markup escaped twice ("&lt;br /&gt;")
#    goes as markup does.
# 19: (a review of 18) a spaced "n t" before a hyphen or an initial's stop is no negation ("can t-shirt", "Can
#    T. Smith"); "=D" glued to a letter ("A=D") and "xD" ("Fuji xD card") are no faces.
# 20: (a review of 19) a spaced "n t" before a stop reads as the contraction unless its "t" is a capital initial
#    ("I didn t. Then I left" lost its negation to 19's rule for "Can T. Smith").
# 21: the aspect models only: a subject of one word without a determiner, or two joined by "and", that starts a
#    sentence is a bare subject too ("Service, however, was awful": was read "Service" across a contrast
#    from "was awful"; "Food and service... were great"; not "Great pizza, however, wasn't a fan").
# 22: the aspect models only: a sentence adverb ("sadly", "unfortunately", "honestly", ...:
#    polarity.ASIDE_ADVERBS) opens an aside between commas as "however" does, so a bare subject takes the
#    predicate past it ("The keyboard, sadly, is mushy": the keyboard's clause was "The keyboard" alone, and the
#    category polarity of "The staff, honestly, were rude" was read from "The staff").
# 23: the Cleaner under urls="keep" only: the steps for mentions, hashtags, repeats and missing apostrophes leave a
#    kept web address alone, as the negation marks did ("https://x.com/dont-panic" started a negation under
#    missing_apostrophes, "https://x.com/@bob" held a mention, "https://x.com/#top" a hashtag).
# 24: the Cleaner: a grin or a tongue with more of its letter is a face (":DDD", ":-DD", "=DD", ":PP", glued
#    "wow:DD"; they read ":" and "dd"), kept whole with emoji="keep".
# 25: (a review of the cleaning) an e-mail address and a bare domain of a common generic ending ("amazon.com",
#    "imdb.com/title/x"; not "the end.Com") are web addresses; "‛", "ʹ" and "＇" are apostrophes; a quoted
#    attribute value may hold ">" ('<a title="a > b">'), in the Cleaner and the aspect tokenizer alike; the Cleaner
#    decodes entities escaped twice ("don&amp;#39;t") and reads "^_^", "^.^", ";-;", ";_;", ":*" and ":-*" as
#    faces. Options off by default: lemmas read "better" and "best" as "good", "worse" and "worst" as "bad"
#    (spaCy's table: "well", "wrong"); spaCy's tokenizer keeps "y'all" whole, and a kept web address that fills
#    the piece between two spaces ("wiki/Foo_(bar)").
# 26: the Cleaner: a full stop after a title ("Dr.", "Mr.", "St.", "vs.": TITLE_ABBREVIATIONS) ends no negation
#    scope ("I didn't like Dr. Smith's film" negates "smith" and "film"). The aspect tokenizer: the modifier
#    letter prime "ʹ" is no letter of a word (marks.WORD_CHARACTER), so "chefʹs" reads "chef" and "ʹs", as the
#    Cleaner reads it since 25 (and as "chef's"), and "--aspect chef" finds it.
# 27: (a review of 26) the stop of "ms.", "st." and "mt." ends a negation scope again ("It didn't load in 300 ms.
#    Great app"; "Ms." and "St." before a name with it), and the aspect tokenizer parts a possessive "'s" before a
#    modifier letter prime too ("chef'sʹ table": a word's end, which \b took "ʹ" to go on; tokens._S_ENDS).
# 28: the Cleaner under tokenizer="spacy" only: U+FFFD (and so an undecodable character) is a space before spaCy's
#    tokenizer as the documentation said, also in a text without a control character ("not \ufffd good" held a
#    token "not_\ufffd"); under negation_scope=3 with emoji="keep" only: a face that overlaps a bracket kept
#    beside eyes is kept whole too ("]:(" read ":", as 7% of random strings of faces and brackets read otherwise
#    than under negation_scope=2, whose tokens 3 keeps), and such a bracket is found within 50 characters of eyes
#    and brackets (a longer run, which took quadratic time, is kept in parts).
READING_VERSION = 28
# The versions that changed the aspect models' reading only (their tokens, sentences and clauses): a model that
# reads text with the Cleaner alone (a Pipeline, a TextVectorizer) read every text under them as under the
# version before, so it is not warned.
ASPECT_READING_ONLY = frozenset({6, 9, 10, 12, 13, 14, 17, 21, 22})
# The versions that changed the Cleaner's reading under some settings only, with those settings: a model whose
# Cleaner has none of them read every text under them as under the version before, so it is not warned either
# (26, 27: a title's stop, inside a negation scope only), unless it is an aspect model and the version changed the
# aspect models' own reading too (ASPECT_READING_TOO; 26, 27: the modifier letter prime).
SETTINGS_READING_ONLY = {23: {"urls": "keep"}, 26: {"negation": True}, 27: {"negation": True},
                         28: {"tokenizer": "spacy", "negation_scope": 3}}
ASPECT_READING_TOO = frozenset({26, 27})


def cleaner_reading(version: int, cleaner: "Cleaner | list[Cleaner] | None" = None, *, aspect: bool = False) -> int:
    """The text-reading version that reads every text as ``version`` does: the last one up to ``version`` that
    changed the Cleaner (with ``aspect``, or the aspect models' reading), or that changed it under the settings of
    ``cleaner`` where one is given (a list: those of any of them, the Cleaners a model reads with).

    >>> cleaner_reading(6), cleaner_reading(5), cleaner_reading(6, aspect=True)
    (5, 5, 6)
    >>> cleaner_reading(23, Cleaner()), cleaner_reading(23, Cleaner(), aspect=True), cleaner_reading(23, Cleaner(urls="keep"))
    (20, 22, 23)
    >>> cleaner_reading(26, Cleaner(negation=False)), cleaner_reading(26, Cleaner(negation=False), aspect=True)
    (25, 26)
    """
    cleaners = cleaner if isinstance(cleaner, (list, tuple)) else [] if cleaner is None else [cleaner]
    while (not aspect and version in ASPECT_READING_ONLY) or (
            cleaners and version in SETTINGS_READING_ONLY and not (aspect and version in ASPECT_READING_TOO) and not any(
                getattr(one, name) == value for one in cleaners for name, value in SETTINGS_READING_ONLY[version].items())):
        version -= 1
    return version

# Contractions are expanded per token (only tokens with an apostrophe, or "cannot", need work).
_IRREGULAR = {"won't": ["will", "not"], "can't": ["can", "not"], "shan't": ["shall", "not"],
              "ain't": ["are", "not"], "cannot": ["can", "not"], "n't": ["not"]}
_CLITICS = {"n't": "not", "'re": "are", "'ve": "have", "'ll": "will", "'m": "am", "'d": "would"}
# The stems that SST-style tokenization leaves before a separate "n't": "wo n't" reads as "will not".
_SPLIT_STEMS = {"wo": "will", "ca": "can", "sha": "shall", "ai": "are"}
_LONGEST_WHOLE = max(map(len, [*_IRREGULAR, *_CLITICS]))  # the longest token read whole above


def expand_contraction(token: str) -> list[str]:
    """``don't`` -> ``do not``, ``won't`` -> ``will not``, ``they're`` -> ``they are``; ``'s`` is split off;
    a double contraction expands whole (``couldn't've`` -> ``could not have``).

    >>> expand_contraction("Don't"), expand_contraction("it's"), expand_contraction("I'd've")
    (['Do', 'not'], ['it', "'s"], ['I', 'would', 'have'])
    """
    # A loop cuts the clitics off its end one by one (a recursion on the stem reached Python's limit on a token of
    # a thousand, "x'd'd'd...": a RecursionError); the stem left is the token but its last ``cut`` characters.
    low, words, cut = token.lower(), [], 0  # words: those of the clitics cut off, the last first
    apostrophe = low.find("'")
    while True:
        end = len(low) - cut
        whole = low[:end] if end <= _LONGEST_WHOLE else ""  # (no slice of a long stem per clitic: linear time)
        if whole in _IRREGULAR:
            return [*_IRREGULAR[whole], *reversed(words)]
        if whole in _CLITICS:  # SST-style separate clitic: "they 're"
            return [_CLITICS[whole], *reversed(words)]
        for size in (3, 2):
            clitic = low[max(end - size, 0):end]
            if clitic in _CLITICS and end > size:
                words.append(_CLITICS[clitic])
                cut += size
                break
            if clitic == "'s" and end > 2:
                stem = token[:len(token) - cut]
                return [stem[:-2], stem[-2:], *reversed(words)]
        else:  # no clitic at its end
            break
        if not 0 <= apostrophe < end - size:  # nor an apostrophe left in the stem
            break
    return [token[:len(token) - cut], *reversed(words)]


# Emoticons map to the same words as the emoji they stand for.
_EMOTICONS = {
    ":)": "smiling face", ":-)": "smiling face", "(:": "smiling face", ":]": "smiling face",
    "=)": "smiling face", ":D": "grinning face", ":-D": "grinning face",
    ";)": "winking face", ";-)": "winking face", ":(": "frowning face",
    ":-(": "frowning face", "):": "frowning face", ":[": "frowning face", "=(": "frowning face",
    ":'(": "crying face", ":,(": "crying face", ":P": "face with tongue", ":-P": "face with tongue",
    ":p": "face with tongue", ":/": "confused face", ":-/": "confused face", ":|": "neutral face",
    ":O": "astonished face", ":o": "astonished face", "<3": "red heart", "</3": "broken heart",
    ";P": "winking face with tongue", ";-P": "winking face with tongue", ";(": "crying face", ";-(": "crying face",
    ":')": "smiling face with tear", "=D": "grinning face", "-_-": "expressionless face",
    "^_^": "smiling face", "^.^": "smiling face", ";-;": "crying face", ";_;": "crying face", ":*": "kissing face",
    ":-*": "kissing face",
}
# An emoticon stands apart from words ("so good :)"), or is glued to the end of a word or a number when it is a
# smile, a frown, a grin, a tongue or a wink ("thanks:)", "hi=(", "wow:D", "10/10:)"; not "Note:Do", "A=D", nor the ":/"
# of an address, nor "1:(2+3)"), or to the end of a word or of another heart when it is a heart ("ily<3",
# "<3<3"; not "5<3"); "):" only after a space or at the start (not the ")" and ":" of "(really!): the"); a
# heart may have more 3s ("<333"), a grin or a tongue more of its letter (":DDD", ":PP"). A face is found whatever its letter's case: with emoji="keep" the faces are
# found after lowercasing, which made ":D" a ":" and a "d".
_EMOTICON = re.compile(
    r"(?:(?<![\w:;=])(?!\):)|(?<=[^\W_])(?=(?:[:;]-?(?:[()]|D+|P+)|=-?[()])(?![\w/]))|(?:(?<=[^\W\d_])|(?<=<3|33))(?=</?3)"
    r"|(?<!\S)(?=\):))"
    r"((?:" + "|".join(re.escape(e) for e in sorted(_EMOTICONS, key=len, reverse=True)) + r")"
    r"(?:(?<=<3)3+|(?<=D)D+|(?<=P)P+)?)[)(\]\[]*(?![\w*])", re.IGNORECASE
)
_EMOTICON_NAMES = {face.lower(): name for face, name in _EMOTICONS.items()}


def _may_hold_face(text: str) -> bool:
    """A quick test before the full pattern (_EMOTICON): whether ``text`` holds a face's eyes, a heart's "<" or
    "-_-", in plain substring tests (six times as fast as a regular expression of them)."""
    return ":" in text or ";" in text or "=" in text or "<" in text or "^" in text or "-_-" in text


# The faces in both cases, which spaCy's tokenizer may split (":d" -> ":", "d"; ";-;") when kept
_FACES_IN_BOTH_CASES = sorted({f(face) for face in _EMOTICONS for f in (str.lower, str.upper)})


def emoticon_name(emoticon: str) -> str:
    """The name of an emoticon :data:`_EMOTICON` found (its group 1: a heart may have more 3s, a grin or a
    tongue more of its letter; any case).

    >>> emoticon_name(":-DDD"), emoticon_name("<333"), emoticon_name(":pP")
    ('grinning face', 'red heart', 'face with tongue')
    """
    face = emoticon.lower()
    return _EMOTICON_NAMES.get(face) or _EMOTICON_NAMES[face.rstrip(face[-1]) + face[-1]]
# Symbols the emoji package counts as emoji that read as no word in a review: dropped, not named ("Nike®")
SYMBOLS = frozenset({"®", "©", "™", "®\ufe0f", "©\ufe0f", "™\ufe0f"})

NEGATION_MARK = "not_"  # the prefix of a word in a negation's scope
NEGATIONS = frozenset(
    "not no never nor none nobody noone nothing neither nowhere cannot without hardly barely scarcely".split()
)
_CLAUSE_MARKS = frozenset(".,;:!?")
_SCOPE_END = _CLAUSE_MARKS | {"but"}
_SCOPE_END_OR_BREAK = _SCOPE_END | {_BREAK}
# A token made only of that punctuation ends a scope too: spaCy keeps "...", "..", "?!" whole, where the regular
# expression gives "." and "!?" (a mark that a word or number holds, ".5", ends none).
_CLAUSE_PUNCTUATION = re.compile(f"[{re.escape(''.join(sorted(_CLAUSE_MARKS)))}]+")
# Titles before a name, and "vs.": their full stop ends no sentence, nor (since version 26) a negation scope ("I
# didn't like Dr. Smith's film" negates "smith" and "film", with either tokenizer). Not "ms", "st" or "mt" (since
# version 27): "in 300 ms.", "on Main St." end sentences too, and the Cleaner reads no capital after them. The
# aspect models' sentences know them all (sentiment.aspects.data.ABBREVIATIONS), and a lower-case word after.
TITLE_ABBREVIATIONS = ("mr", "mrs", "dr", "prof", "vs")
_TITLES = frozenset(TITLE_ABBREVIATIONS)
# Stop words (scikit-learn's list) that negate, written without their apostrophe or space, which NEGATIONS does
# not hold: stop-word removal keeps them, as it keeps every negation.
_NEGATING_STOP_WORDS = frozenset({"cant", "couldnt", "hasnt", "noone"})
# ... and the stop words of that list that carry sentiment, which stop-word removal keeps too: words of feeling
# or judgement ("it made me cry", "so empty", "a sincere apology", "well done"), of degree ("too long", "very
# good", "not enough", "the least funny") and of contrast ("good, but", "however", "although").
SENTIMENT_STOP_WORDS = frozenset(
    "cry empty sincere serious well thick thin "
    "very too so only least less few enough much more most mostly almost rather even "
    "but however although though yet nevertheless otherwise except whereas against".split()
)

CHOICES = {
    "urls": ("token", "remove", "keep"),
    "mentions": ("token", "remove", "keep"),
    "hashtags": ("word", "remove", "keep"),
    "emoji": ("words", "remove", "keep"),
    "tokenizer": ("regex", "spacy"),
}


# What `sentiment options` says of each option of the Cleaner (its docstring says more).
CLEANER_OPTION_HELP = {
    "normalize_unicode": "NFKC (full-width letters, ligatures) and no invisible characters inside words",
    "html": "drop HTML tags and decode entities (&amp; -> &)",
    "urls": 'web addresses -> xxurl ("token"), "remove" or "keep"',
    "mentions": '@user -> xxuser ("token"), "remove" or "keep"',
    "hashtags": '#great -> great ("word"), "remove" or "keep"',
    "emoji": 'emoji and emoticons -> their names as words ("words"), "remove" or "keep"',
    "repeats": "squeeze a character (not a digit) repeated 3 or more times to two (soooo -> soo)",
    "contractions": "expand contractions (don't -> do not)",
    "missing_apostrophes": "read dont, didn t, did'nt, cant ... as don't, didn't, can't ...",
    "lowercase": "lowercase the text",
    "tokenizer": '"regex" (fast) or "spacy" (spaCy\'s English tokenizer)',
    "lemmatize": "spaCy's lookup lemmas (movies -> movie)",
    "stopwords": "drop English stop words (never a negation or a word of sentiment)",
    "negation": "prefix the words after a negation with not_ (not good -> not not_good)",
    "negation_scope": "where a negation ends: 2 at punctuation, but, line breaks, emoji; 3 also at dashes, brackets; "
                      "1 at punctuation and but",
}


@known_options("the cleaning")
@dataclass(frozen=True)  # a value: its cached spaCy pipeline and checks hold for its options, never changed after
class Cleaner:
    """Configurable text cleaning; call it on one text to get its tokens.

    Parameters
    ----------
    normalize_unicode : bool
        Unicode NFKC normalisation (full-width letters, ligatures and decomposed accents become their plain
        forms; a few symbols that are also emoji, such as ``™``, become letters) and removal of invisible
        format characters that split a word (zero-width space, soft hyphen, word joiner, direction marks,
        byte-order mark, and a zero-width joiner or non-joiner between two Latin letters):
        ``ter\u200brible`` and ``ter\u200drible`` read as ``terrible``. Off by default so far: the benchmark
        figures and the models saved before it were made without it.
    html : bool
        Remove HTML tags (and the content of ``<script>`` and ``<style>`` elements) and decode the HTML entities
        that end in ";" (``&amp;``, ``&#39;``; not ``&amp`` or ``&not``, which text writes in words).
    urls, mentions : {"token", "remove", "keep"}
        Replace web addresses / ``@user`` mentions by the token ``xxurl`` / ``xxuser``, remove them, or keep them.
    hashtags : {"word", "remove", "keep"}
        ``#great`` becomes ``great``, is removed, or is kept as it is. "keep" leaves the text as written:
        the regex tokenizer then drops ``#`` and ``@`` (and splits an address into its words), while
        ``tokenizer="spacy"`` keeps ``#`` (as a token of its own), ``@bob`` and addresses whole.
    emoji : {"words", "remove", "keep"}
        Emoji and emoticons become their names as words, are removed, or are kept.
    repeats : bool
        Squeeze a character repeated three or more times to two, whatever its case (``Mmmm`` -> ``Mm``).
    contractions : bool
        Expand English contractions (``won't`` -> ``will not``).
    missing_apostrophes : bool
        Read negated verbs written without their apostrophe as contractions: ``dont``, ``didnt``, ``isnt``,
        ``cant``, ``wont``, ``aint`` ... become ``don't``, ``didn't``, ``isn't`` ... (and ``didn t`` and
        ``did'nt``, an apostrophe written as a space or before the ``n``), so that they start a
        negation scope and expand like them. Off by default so far: the benchmark figures and the models
        saved before it were made without it.
    lowercase : bool
        Lowercase the text.
    tokenizer : {"regex", "spacy"}
        A fast regular-expression tokenizer, or spaCy's English tokenizer.
    lemmatize : bool
        Replace tokens by spaCy lookup lemmas.
    stopwords : bool
        Drop English stop words; negations (also ``cant``, ``couldnt``, ``hasnt``, ``noone``) are never dropped.
    negation : bool
        Prefix the words in a negation's scope with ``not_``.
    negation_scope : {2, 3, 1}
        Where that scope ends: 2, at ``. , ; : ! ?``, "but", a line break, an HTML block tag (``<br>``, ``<p>``)
        or an emoji or emoticon (whose words are never negated, but by a negation in its own name: 🚭, "no
        smoking", reads as ``no not_smoking``); 3, there and at a dash (" - ", "--", "—"; not "hard-drive")
        or a bracket, and "not only" / "not just" negate nothing ("not only cheap but also good"); 1, at
        punctuation and "but" only, the rule of models saved before this option existed (they load with 1
        and keep their predictions).
    """

    normalize_unicode: bool = False
    html: bool = True
    urls: str = "token"
    mentions: str = "token"
    hashtags: str = "word"
    emoji: str = "words"
    repeats: bool = True
    contractions: bool = True
    missing_apostrophes: bool = False
    lowercase: bool = True
    tokenizer: str = "regex"
    lemmatize: bool = False
    stopwords: bool = False
    negation: bool = True
    negation_scope: int = 2

    def __post_init__(self) -> None:
        for name, choices in CHOICES.items():
            value = getattr(self, name)
            if not isinstance(value, str) or value not in choices:  # not an array: its "in" asks every element
                wrong = f"{name} needs a value (not null / None)" if value is None else f"{name}={value!r} is not valid"
                raise ConfigError(f"{wrong}; choose one of: {', '.join(choices)}")
        for f in fields(self):
            value = getattr(self, f.name)
            if f.type == "bool" and getattr(value, "dtype", None) is not None and value.dtype.kind == "b" and value.ndim == 0:
                # numpy's, as ParameterGrid gives a grid's array
                object.__setattr__(self, f.name, bool(value))
            elif f.type == "bool" and not isinstance(value, bool):
                raise ConfigError(f"{f.name} must be true or false, not {value!r}")
        if getattr(self.negation_scope, "dtype", None) is not None and self.negation_scope.dtype.kind in "iu" \
                and self.negation_scope.ndim == 0:
            object.__setattr__(self, "negation_scope", int(self.negation_scope))
        scope = self.negation_scope
        if not isinstance(scope, int) or isinstance(scope, bool) or scope not in NEGATION_SCOPES:
            raise ConfigError(f"negation_scope={scope!r} is not valid; choose 2 (line breaks, HTML breaks and emoji "
                              "end the scope too), 3 (dashes and brackets too, and 'not only' negates nothing) or 1 "
                              "(punctuation and 'but' only, as models saved before it)")

    @classmethod
    def option_names(cls) -> list[str]:
        return [f.name for f in fields(cls)]

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, options: dict) -> "Cleaner":
        """The Cleaner that :meth:`to_dict` gave ``options``; one saved before ``negation_scope`` existed
        gets ``negation_scope=1``, the rule its model was trained with.

        >>> old, new = {"negation": True}, Cleaner().to_dict()
        >>> Cleaner.from_dict(old).negation_scope, Cleaner.from_dict(new).negation_scope
        (1, 2)
        """
        return cls(**{"negation_scope": 1, **options})

    @property
    def _breaks(self) -> bool:
        """Whether line breaks, HTML block tags and emoji end the negation scope (then marked while cleaning)."""
        return self.negation and self.negation_scope >= 2

    # -- text-level steps ---------------------------------------------------------------
    def normalize(self, text: str) -> str:
        """Apply the text-level steps (1-5) and return the cleaned text."""
        return self._normalize(text, breaks=False)

    def _normalize(self, text: str, breaks: bool) -> str:
        """:meth:`normalize`; with ``breaks``, a line break also stands where the negation scope ends: at an
        HTML block tag and on both sides of an emoji (next to the spaces put there anyway), and for a carriage
        return. The tokens are the same either way: the tokenizers skip line breaks (or give them as _BREAK)."""
        if self.html and ("<" in text or "&" in text):
            tags = _tag_space_or_break if breaks else " "
            if "<" in text:
                text = _TAG.sub(tags, _without_raw_text(text))
            if "&" in text:
                # an entity escaped twice ("don&amp;#39;t", since version 25) loses its first escape, then all decode
                text = decode_entities(_ESCAPED_ENTITY.sub("&", text))
                if "<" in text:  # markup escaped twice, as some scraped pages hold it: "&lt;br /&gt;"
                    text = _TAG.sub(tags, _without_raw_text(text))
        text = self._addresses(text)  # before other scripts' punctuation reads as ASCII: "x.com/a…not" ends there
        if not text.isascii():
            text = plain_text(text)
        if self.normalize_unicode and not text.isascii():  # after the entities: "ter&shy;rible" hides a word too
            # typographic apostrophes first: NFKC writes "´" as a space and a combining accent
            text = _INVISIBLE.sub("", unicodedata.normalize("NFKC", _APOSTROPHE.sub("'", text)))
            text = self._addresses(text)  # a full-width address ("ｈｔｔｐ://...") is one now
        # the steps up to the apostrophes leave a web address kept as is alone ("https://x.com/@bob/dont-panic#top")
        if self.mentions != "keep" and "@" in text:
            text = self._outside_kept_addresses(text, functools.partial(
                _MENTION.sub, " xxuser " if self.mentions == "token" else " "))
        if self.hashtags != "keep" and "#" in text:
            text = self._outside_kept_addresses(text, functools.partial(
                _HASHTAG.sub, r" \1 " if self.hashtags == "word" else " "))
        if self.repeats:  # before the emoji are named: "😂😂😂😂" counts as two, as "!!!!" does
            text = self._outside_kept_addresses(text, _squeezed)
        if self.emoji != "keep":
            text = self._emoji(text, " \n " if breaks else " ")
        if "`" in text or not text.isascii():
            text = _APOSTROPHE.sub("'", text)
        if self.missing_apostrophes and ("nt" in (low := text.lower()) or "n t" in low):  # before lowercasing:
            # an initial is a capital ("Can T. Smith")
            text = self._outside_kept_addresses(text, functools.partial(_MISSING_APOSTROPHE.sub, _with_apostrophe))
        if self.lowercase:
            text = lowercased(text)
        if breaks and _OTHER_BREAKS.search(text):
            text = _OTHER_BREAKS.sub("\n", text)
        if breaks and self.negation_scope >= 3 and self.tokenizer == "regex" and _SCOPE_MARK.search(text):  # spaCy's tokens hold the marks: _spacy_tokens breaks there
            text = self._scope_marks(text)
        return text

    def _addresses(self, text: str) -> str:
        """``text`` with its web addresses replaced as ``urls`` says (a token, nothing, or kept)."""
        if self.urls != "keep" and _may_hold_address(text):
            text = _URL.sub(" xxurl " if self.urls == "token" else " ", text)
        return text

    def _scope_marks(self, text: str) -> str:
        """``text`` with a line break before each dash and bracket (where ``negation_scope=3`` ends a scope; the
        regular expression's tokens, which leave them out, stay those of scope 2), but within a web address
        kept as is or a face kept as written."""
        kept = [m.span() for m in _URL.finditer(text)] if self.urls == "keep" and _may_hold_address(text) else []
        if self.emoji == "keep":  # faces, and a bracket beside a face's eyes, which a break would make one ("sad):")
            kept += emoticon_spans(text) + [m.span() for m in _FACE_BRACKET.finditer(text)]
        out, position = [], 0
        for start, end in sorted(kept) + [(len(text), len(text))]:
            if start >= position:
                out += [_broken_before_marks(text, position, start), text[start:end]]
            elif end > position:  # overlapping the span before ("]:" and the face ":(" of "]:("): kept too
                out.append(text[position:end])
            position = max(position, end)
        return "".join(out)

    def _outside_kept_addresses(self, text: str, step) -> str:
        """``step`` (a function of a string) applied to ``text``, but to none of its web addresses where
        ``urls`` keeps them ("www." is no repeat, "https://x.com/@bob" no mention)."""
        if self.urls == "keep" and _may_hold_address(text):
            pieces = _URL.split(text)
            addresses = _URL.findall(text)
            return "".join(step(p) + a for p, a in zip(pieces, addresses + [""]))
        return step(text)

    def _emoji(self, text: str, edge: str = " ") -> str:
        """Emoji and emoticons as their names between two ``edge`` (or as one ``edge`` when removed)."""
        words = self.emoji == "words"
        if _may_hold_face(text):
            text = _EMOTICON.sub((lambda m: f"{edge}{emoticon_name(m.group(1))}{edge}") if words else edge, text)
        if _holds_emoji(text):
            name = functools.partial(self._emoji_name, edge=edge)
            replace = _emoji_lib().replace_emoji
            drop = functools.partial(self._emoji_dropped, edge=edge)
            text = "".join(replace(piece, replace=name if words else drop) for _, piece in _emoji_pieces(text))
        return text

    @staticmethod
    def _emoji_name(chars: str, data: dict, edge: str = " ") -> str:
        if chars in SYMBOLS:
            return " "
        name = data.get("en", "").strip(":").replace("_", " ").replace("-", " ")
        return f"{edge}{name}{edge}"

    @staticmethod
    def _emoji_dropped(chars: str, data: dict, edge: str = " ") -> str:
        return " " if chars in SYMBOLS else edge

    # -- token-level steps --------------------------------------------------------------
    def __call__(self, text: str) -> list[str]:
        """Clean one text and return its tokens."""
        if not isinstance(text, str):
            raise DataError(f"a Cleaner cleans one text (a string), not {type(text).__name__}; "
                            "for many texts use tokens_of(texts)")
        return self.tokens_of([text])[0]

    def tokens_of(self, texts: Iterable[str]) -> list[list[str]]:
        """Clean many texts; spaCy (when asked for) runs over them in batches."""
        texts = check_texts(texts, empty=True)
        breaks = self._breaks  # then the tokens hold _BREAK where a scope ends, until _token_steps drops them
        normalized = [self._normalize(t, breaks) for t in texts]
        pattern = _TOKEN_OR_BREAK if breaks else _TOKEN
        if self.tokenizer == "spacy":
            docs = self._spacy.pipe((_for_spacy(t, self.emoji == "keep") for t in normalized), batch_size=1000)
            tokenized = [_spacy_tokens(doc, _lemma_table() if self.lemmatize else None, breaks, self.emoji == "keep",
                                       breaks and self.negation_scope >= 3) for doc in docs]
        else:
            if self.emoji == "keep":
                tokenized = [_tokens_keeping_emoji(t, breaks) for t in normalized]
            else:
                tokenized = [(pattern if "\n" in t else _TOKEN).findall(t) for t in normalized]  # most have no break
            if self.lemmatize:
                tokenized = [_lemmatized(tokens, _lemma_table()) for tokens in tokenized]
        # which texts hold _BREAK (a line break, a kept emoji marked on both sides, a scope mark of
        # negation_scope 3): the token lists say it, whichever path put it there
        marked = (_BREAK in tokens for tokens in tokenized) if breaks else itertools.repeat(False)
        if self.stopwords:
            tokenized = [self._token_steps(tokens, marks) for tokens, marks in zip(tokenized, marked)]
        elif self.contractions or self.negation:  # most texts have no apostrophe and no negation: skip those
            tokenized = [
                self._token_steps(tokens, marks)
                if "'" in text or not NEGATIONS.isdisjoint(tokens if self.lowercase else map(str.lower, tokens))
                else [token for token in tokens if token != _BREAK] if marks
                else tokens
                for text, tokens, marks in zip(normalized, tokenized, marked)
            ]
        return tokenized

    def _token_steps(self, tokens: list[str], marked: bool = False) -> list[str]:
        """Contractions, then negation scope, then stop words; with ``marked``, ``tokens`` may hold _BREAK
        markers, which end the negation scope and are dropped."""
        if self.contractions:
            pieces: list[str] = []
            for token in tokens:
                if "'" in token or (len(token) == 6 and token.lower() == "cannot"):
                    expanded = expand_contraction(token)
                    if expanded[0] == "not" and pieces and pieces[-1].lower() in _SPLIT_STEMS:  # "wo n't('ve)"
                        pieces[-1] = _SPLIT_STEMS[pieces[-1].lower()]
                    pieces += expanded
                else:
                    pieces.append(token)
        else:
            pieces = list(tokens)
        lows = list(pieces) if self.lowercase else [piece.lower() for piece in pieces]  # pieces change below
        if self.negation:  # the scope is tracked before stop words go: "but" ends it even when dropped
            ends = _SCOPE_END_OR_BREAK if marked else _SCOPE_END
            negated = False
            for i, low in enumerate(lows):
                if low in ends or low[:1] in _CLAUSE_MARKS and (low[0] in "!?" or _CLAUSE_PUNCTUATION.fullmatch(low)):
                    negated = negated and low == "." and i > 0 and lows[i - 1] in _TITLES  # not at "Dr."
                elif low in NEGATIONS or ("'" in low and low.endswith("n't")):
                    if not (self.negation_scope >= 3 and negates_nothing(lows, i)):  # "not only", "isn't just"
                        negated = True
                elif negated:
                    pieces[i] = NEGATION_MARK + pieces[i]
        if self.stopwords:
            stop = self._stopwords_and_break if marked else self._stopwords
            return [piece for piece, low in zip(pieces, lows) if low not in stop]
        if marked:
            return [piece for piece in pieces if piece != _BREAK]
        return pieces

    @cached_property
    def _spacy(self):
        import spacy
        from spacy.attrs import LIKE_URL
        from spacy.util import compile_infix_regex

        nlp = spacy.blank("en")
        nlp.max_length = 2**62  # spaCy's limit guards its parser's memory; tokens and lookup lemmas need none
        # spaCy's like_url, which no step reads, searches a token with a pattern in quadratic time: a "word" of 40,000
        # digits and points ("10:30.10:30...", which _LONG_WORD leaves whole) took 2 s; it is asked of short ones only
        like_url = nlp.vocab.lex_attr_getters[LIKE_URL]
        nlp.vocab.lex_attr_getters = {**nlp.vocab.lex_attr_getters,
                                      LIKE_URL: lambda text: len(text) <= _LONG_URL and like_url(text)}
        # ".", "!", "?" and ";" between two letters part them, as they part the regular expression's tokens
        # ("worth it.Would never buy again!Great"; spaCy parts "it.Would" only): they end a negation scope
        infixes = compile_infix_regex([*nlp.Defaults.infixes, r"(?<=[^\W\d_])[.!?;]+(?=[^\W\d_])"])
        nlp.tokenizer.infix_finditer = infixes.finditer
        # a web address is ours (WEB_ADDRESS, where urls="keep" leaves them): spaCy's takes "it.would" for one; one
        # that fills a piece between spaces is whole before spaCy parts its brackets ("wiki/Foo_(bar)", since 25)
        address = re.compile(rf"(?:{WEB_ADDRESS})$", re.IGNORECASE).match
        nlp.tokenizer.url_match = nlp.tokenizer.token_match = address
        for form in ("y'all", "Y'all", "Y'ALL"):  # one word, as the regular expression reads it (spaCy: "y'", "all")
            nlp.tokenizer.add_special_case(form, [{"ORTH": form}])
        if self.emoji == "keep":  # a kept face is one token, also lowercased (spaCy knows ":D", not ":d"; ";-;", since
            for face in _FACES_IN_BOTH_CASES:  # version 25, not at all)
                if len(nlp.tokenizer(face)) > 1:
                    nlp.tokenizer.add_special_case(face, [{"ORTH": face}])
        return nlp

    @cached_property
    def _stopwords(self) -> frozenset[str]:
        from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

        return frozenset(ENGLISH_STOP_WORDS) - NEGATIONS - _NEGATING_STOP_WORDS - SENTIMENT_STOP_WORDS

    @cached_property
    def _stopwords_and_break(self) -> frozenset[str]:
        return self._stopwords | {_BREAK}

    def __getstate__(self):  # keep copies/pickles (used by joblib workers) free of cached spaCy objects
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def __setstate__(self, state):
        self.__dict__.update({"negation_scope": 1, **state})  # pickled before negation_scope existed: the old rule


def _squeezed(text: str) -> str:
    """``text`` with runs of three or more of a character, or of an emoji of several code points, cut to two."""
    if not text.isascii():
        text = _REPEATED_EMOJI.sub(r"\1\1", text)
    return _REPEAT.sub(r"\1", text) if _TRIPLE.search(text) else text


def _spaced(match: re.Match) -> str:
    return " ".join(match.group())


def _punctuation_spaced(match: re.Match) -> str:
    return _INNER_PUNCTUATION.sub(lambda m: f" {m.group()} ", match.group())


def _with_apostrophe(match: re.Match) -> str:
    """The negated verb :data:`_MISSING_APOSTROPHE` found, written with its apostrophe ("didnt" -> "didn't")."""
    return f"{match[1]}{match[2] or match[4] or match[6]}'{match[3] or match[5] or match[7]}"


def decode_entities(text: str) -> str:
    """``text`` with its HTML entities that end in ";" decoded (``&amp;`` -> ``&``, ``&#39;`` -> ``'``), as the
    Cleaner decodes them: not ``&amp`` or ``&not`` without one, which text writes in words ("fast&not damaged")."""
    return _ENTITY.sub(_entity, text) if "&" in text else text


def entity_spans(text: str) -> list[tuple[int, int, str]]:
    """The HTML entities of ``text`` that :func:`decode_entities` decodes: their spans and what each stands for, in
    order (entities never overlap)."""
    if "&" not in text:
        return []
    found = [(m.start(), m.end(), _entity(m)) for m in _ENTITY.finditer(text)]
    return [(start, end, char) for start, end, char in found if char != text[start:end]]


# A character reference to a number past Unicode's last (0x10FFFF), which html.unescape reads as U+FFFD, but only
# after converting its digits: thousands of them exceed Python's limit on converting a number (a ValueError).
_HUGE_CHARACTER_REFERENCE = re.compile(r"&#(?:[xX]0*[1-9a-fA-F][0-9a-fA-F]{6,}|0*[1-9][0-9]{7,});?")


def unescape(text: str) -> str:
    """``html.unescape(text)``, also for a character reference of thousands of digits (U+FFFD, as for any
    number past Unicode's last)."""
    return _html.unescape(_HUGE_CHARACTER_REFERENCE.sub("\ufffd", text) if "&#" in text else text)


def _entity(match: re.Match) -> str:
    """The character(s) an HTML entity that ends in ";" stands for; a name HTML does not know stays as written."""
    entity = match.group()
    if entity[1] == "#":  # html's rules for a number (none, a surrogate, 0x80-0x9F read as Windows-1252)
        return unescape(entity)
    return _HTML5.get(entity[1:], entity)  # with its ";": "&notit;" is no "¬" and "it;"


def _without_raw_text(text: str) -> str:
    """``text`` without its ``<script>`` and ``<style>`` elements (a space for each), see _RAW_TEXT_OPENING."""
    pieces, position, unclosed = [], 0, set()
    for opening in _RAW_TEXT_OPENING.finditer(text):
        name = opening.group(1).lower()
        if opening.start() < position or name in unclosed:  # inside an element gone, or none can close
            continue
        tag = _TAG.match(text, opening.start())
        if tag is None:  # "<script and the rest" is text
            continue
        closing = _RAW_TEXT_CLOSING[name].search(text, tag.end())
        if closing is None:
            unclosed.add(name)
            continue
        pieces += (text[position:opening.start()], " ")
        position = closing.end()
    return "".join(pieces) + text[position:] if pieces else text


def _tag_space_or_break(match: re.Match) -> str:
    """An HTML tag becomes a space, or a line break (a negation scope end) for a block tag such as ``<br>``."""
    return " \n " if is_break_tag(match.group()) else " "


def _is_scope_mark(doc, t) -> bool:
    """Whether the spaCy token ``t`` of ``doc`` is a bracket, or a dash (:data:`DASH`, read with the characters
    around it: "good - the", "good--the", not "hard-drive"), where ``negation_scope=3`` ends a scope."""
    text = t.text
    if text in BRACKETS:
        return True
    if not text or text.strip(DASH_CHARACTERS):
        return False
    before = " " if t.i == 0 or doc[t.i - 1].whitespace_ else doc[t.i - 1].text[-1:]
    after = " " if t.whitespace_ or t.i + 1 == len(doc) else doc[t.i + 1].text[:1]
    return is_dash(before, text, after)


def _broken_before_marks(text: str, start: int, end: int) -> str:
    """``text[start:end]`` with a line break before each dash and bracket (:data:`_SCOPE_MARK`, which sees the
    characters around the piece)."""
    out, position = [], start
    for mark in _SCOPE_MARK.finditer(text, start, end):
        out += [text[position:mark.start()], "\n"]
        position = mark.start()
    return "".join(out) + text[position:end]


@functools.cache
def _lemma_table():
    """spaCy's English lookup table of lemmas (``spacy-lookups-data``): what spaCy's lemmatizer in "lookup"
    mode reads, looked up here token by token (:func:`lemma_of`); read once (it is never changed)."""
    from spacy.lookups import load_lookups

    try:
        return load_lookups("en", ["lemma_lookup"]).get_table("lemma_lookup")
    except (OSError, ValueError, KeyError) as exc:  # spacy-lookups-data missing
        raise ConfigError("lemmatize=True needs the package spacy-lookups-data: pip install spacy-lookups-data") from exc


# The table reads "better" and "best" as "well", "worse" and "worst" as "wrong"; as "happier" reads "happy", they
# read as the adjectives they are degrees of (since version 25)
_LEMMAS_OF_DEGREES = {"better": "good", "best": "good", "worse": "bad", "worst": "bad"}


def lemma_of(token: str, lemmas) -> str:
    """The lemma of ``token`` in spaCy's lookup table ``lemmas``: as written ("Movies" -> "movie" too, where
    the table holds lower case only); "'s" (is, has or a possessive) stays "'s", as the contractions step
    leaves it, where the table has "have"; the degrees of good and bad read as they do
    (:data:`_LEMMAS_OF_DEGREES`, not the table's "well" and "wrong"); a token the table lacks stays as it is."""
    if token == "'s" or token == _BREAK:
        return token
    lemma = _LEMMAS_OF_DEGREES.get(token.lower())
    if lemma is not None:
        return lemma
    lemma = lemmas.get(token)
    if lemma is None and not token.islower():
        lemma = lemmas.get(token.lower())
    return lemma or token


def _lemmatized(tokens: list[str], lemmas) -> list[str]:
    """The lemma of each of the regular expression's ``tokens`` (a kept emoji or face stays whole), and of the
    words of a contraction, which spaCy's tokenizer splits off for its lemmas ("wasn't": "be not"); SST's "wo
    n't" reads "will not", as without lemmas (the lemma of "n't" is "not": the contractions step never sees it)."""
    out, previous = [], ""
    for token in tokens:
        words = expand_contraction(token) if "'" in token else (token,)
        if token.lower() == "n't" and previous.lower() in _SPLIT_STEMS and out:  # (not "The AI not helpful")
            out[-1] = _SPLIT_STEMS[previous.lower()]
        out += [lemma_of(word, lemmas) for word in words]
        previous = words[-1]
    return out


# spaCy's retokenizer looks for each merge among those before it (a list): in quadratic time, so that 17,000 flags
# took 3 s in one; it merges at most this many at once.
_MERGES = 500


def _spacy_tokens(doc, lemmas=None, breaks: bool = False, emoji_kept: bool = False,
                  marks: bool = False) -> list[str]:
    """The tokens of a spaCy ``doc`` (with ``lemmas``, a lookup table, their lemmas: :func:`lemma_of`),
    whitespace left out; with ``breaks``, _BREAK for each
    whitespace token that holds a line break, and (``emoji_kept``) on both sides of an emoji; with ``marks``
    (``negation_scope=3``), before each dash and bracket (:func:`_is_scope_mark`)."""
    if emoji_kept and not doc.text.isascii():  # an emoji of several code points is one token ("👍🏽", "❤️")
        spans = emoji_spans(doc.text)
        for first in range(0, len(spans), _MERGES):  # (spans of characters: the tokens merged before leave them)
            with doc.retokenize() as retokenizer:
                for start, end in spans[first:first + _MERGES]:
                    span = doc.char_span(start, end)
                    if span is not None and len(span) > 1:
                        retokenizer.merge(span)
    tokens: list[str] = []
    for t in doc:
        if t.is_space:
            if breaks and "\n" in t.text:
                tokens.append(_BREAK)
            continue
        if marks and _is_scope_mark(doc, t):
            tokens.append(_BREAK)
        token = t.text if lemmas is None else lemma_of(t.text, lemmas)
        if lemmas is not None and t.lower_ == "n't" and t.i and doc[t.i - 1].lower_ in _SPLIT_STEMS and tokens:
            # the lookup lemmas leave "ca" and "wo" of "can't", "won't" (and give "n't" as "not", so the
            # contractions step never sees the pair): "can not", "will not", as without lemmas
            tokens[-1] = _SPLIT_STEMS[doc[t.i - 1].lower_]
        if breaks and emoji_kept and (_EMOTICON.fullmatch(t.text) or _holds_emoji(t.text)):
            tokens += (_BREAK, token, _BREAK)
        else:
            tokens.append(token)
    return tokens


def _for_spacy(text: str, emoji_kept: bool) -> str:
    """``text`` as spaCy's tokenizer is given it: a kept emoji stands apart, so that spaCy's split of it (at "#" of
    "#️⃣", of "great👍🏽") ends where it ends; control characters and U+FFFD, which the regular expression's tokens
    leave out, are spaces; and spaCy, which splits a long run of punctuation one character at a time in quadratic
    time ("!?.," * 2000 took 11 s), gets a run of 50+ with spaces between its characters, so each is a token, as
    spaCy makes most of them anyway (a run glued to a word, or emoticons kept in it, now split too)."""
    if emoji_kept:
        text = _emoji_apart(text)
    if not text.isprintable() or "\ufffd" in text:  # (U+FFFD is printable)
        text = _NO_TOKEN.sub(" ", text)
    if len(text) >= _LONG_RUN:
        text = _LONG_WORD.sub(_punctuation_spaced, _PUNCTUATION_RUN.sub(_spaced, text))
    return text


def _emoji_apart(text: str) -> str:
    """``text`` with a space on both sides of each emoji (none for an ASCII text)."""
    if text.isascii():
        return text
    out, position = [], 0
    for start, end in emoji_spans(text):
        out += [text[position:start], " ", text[start:end], " "]
        position = end
    return "".join(out) + text[position:]


def _tokens_keeping_emoji(text: str, breaks: bool = False) -> list[str]:
    """Tokens of ``text`` where each emoticon (``:)``) and emoji (``😍``) is one token, as written; with
    ``breaks``, line breaks give _BREAK, and so do both sides of each emoji (it ends a negation scope)."""
    pattern = _TOKEN_OR_BREAK if breaks else _TOKEN
    spans = emoticon_spans(text) + emoji_spans(text)
    tokens, position = [], 0
    for start, end in sorted(spans):
        if start >= position:
            tokens += pattern.findall(text, position, start)
            tokens += (_BREAK, text[start:end], _BREAK) if breaks else (text[start:end],)
            position = end
    return tokens + pattern.findall(text, position)


@functools.cache
def _emoji_lib():
    import emoji  # the maintained Unicode emoji table; ~15 ms to import, only for non-ASCII text

    return emoji


# The emoji package's matcher slows down quadratically with the emoji joined by U+200D in one call (40,000
# took a minute), so it gets pieces of a text: cut at white space, or where no emoji sequence can go on.
_EMOJI_PIECE = 256
# Characters that go on an emoji sequence (joiner, variation selectors, keycap, skin tones, tag letters): no
# piece starts with one; nor after a joiner, nor between two flag letters.
_GOES_ON = re.compile("[\u200d\ufe0e\ufe0f\u20e3\U0001F3FB-\U0001F3FF\U000E0020-\U000E007F]")
_FLAG_LETTER = re.compile("[\U0001F1E6-\U0001F1FF]")


def _emoji_pieces(text: str) -> Iterator[tuple[int, str]]:
    """``(start, piece)``: consecutive pieces of ``text`` of about :data:`_EMOJI_PIECE` characters, cut at a
    space, else where no emoji sequence goes on (a run of 64 characters without such a place, which no real
    sequence is, is cut anyway)."""
    if len(text) <= _EMOJI_PIECE:
        yield 0, text
        return
    start = 0
    while len(text) - start > _EMOJI_PIECE:
        cut = text.rfind(" ", start + 1, start + _EMOJI_PIECE)
        if cut < 0:
            cut = start + _EMOJI_PIECE
            while cut < min(len(text), start + _EMOJI_PIECE + 64) and not _may_cut(text, cut, start):
                cut += 1
        yield start, text[start:cut]
        start = cut
    yield start, text[start:]


def _may_cut(text: str, k: int, start: int = 0) -> bool:
    """Whether no emoji sequence spans the characters ``k - 1`` and ``k`` (flag letters pair up from the
    first of their run, or from ``start``, where a piece began)."""
    if _GOES_ON.match(text, k) or text[k - 1] == "\u200d":
        return False
    if not (_FLAG_LETTER.match(text, k) and _FLAG_LETTER.match(text, k - 1)):
        return True
    letters = 0
    while k - letters - 1 >= start and _FLAG_LETTER.match(text, k - letters - 1):
        letters += 1
    return letters % 2 == 0


def emoticon_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each emoticon of ``text`` the Cleaner reads as a face or a heart (``:)``, ``:D``, ``<3``)."""
    return [m.span(1) for m in _EMOTICON.finditer(text)]


def mention_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each ``@user`` mention of ``text``, as the Cleaner finds them."""
    return [m.span() for m in _MENTION.finditer(text)]


def emoji_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each emoji of ``text``, a whole sequence as one ("👍🏽", "👨‍👩‍👧", "🇫🇷", "1️⃣")."""
    if not _holds_emoji(text):
        return []
    return [(start + e["match_start"], start + e["match_end"])
            for start, piece in _emoji_pieces(text) for e in _emoji_lib().emoji_list(piece)]


def _holds_emoji(text: str) -> bool:
    """Whether ``text`` may hold an emoji (one of its characters belongs to one); a quick test, ASCII first."""
    return not text.isascii() and not emoji_chars().isdisjoint(text)


@functools.cache
def emoji_chars() -> frozenset[str]:
    """The non-ASCII characters of all emoji: a text without any has no emoji (``é`` needs no look-up)."""
    return frozenset(char for sequence in _emoji_lib().EMOJI_DATA for char in sequence if not char.isascii())


def lowercased(text: str) -> str:
    """``text`` lowercased as the cleaner lowercases it: "İ" lowers to "i" and a combining dot, which is dropped
    ("İYİ" and "iyi" are one word)."""
    text = text.lower()
    return text.replace("i\u0307", "i") if "\u0307" in text else text


def plain_text(text: str) -> str:
    """``text`` in NFC, lone surrogates as U+FFFD, other scripts' and typographic punctuation as ASCII
    (see _PLAIN), runs of more than 30 combining marks cut to 30; what every Cleaner does first to a
    non-ASCII text."""
    text = _TO_PLAIN.sub(lambda m: _PLAIN.get(m.group(), "\ufffd"), text)
    if _MARK_RUN.search(text):
        text = _MARK_RUN.sub(r"\1", text)
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


def mark_negation(tokens: list[str]) -> list[str]:
    """Prefix the tokens after a negation with ``not_`` up to the next punctuation or "but".

    >>> mark_negation(["not", "good", ",", "but", "fine"])
    ['not', 'not_good', ',', 'but', 'fine']
    """
    return _NEGATION_ONLY._token_steps(tokens)


def clean(text: str, **options) -> list[str]:
    """Tokens of one text under the given cleaning options (see :class:`Cleaner`).

    >>> clean("Sooooo GOOD!!! @bob http://x.io", lowercase=False)
    ['Soo', 'GOOD', '!!', 'xxuser', 'xxurl']
    """
    if not isinstance(text, str):
        raise DataError(f"clean takes one text (a string), not {type(text).__name__}; "
                        "for many texts use Cleaner(...).tokens_of(texts)")
    return Cleaner(**options)(text)  # an unknown option is a ConfigError naming the valid ones


_NEGATION_ONLY = Cleaner(contractions=False, lowercase=False)
