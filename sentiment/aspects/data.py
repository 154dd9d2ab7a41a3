"""Aspect data: SemEval-2014 Task 4 XML and JSONL readers, sentence spans, BIO tags of tokens.

A *sentence* is a dict ``{"id", "text", "aspects": [{"term", "from", "to", "polarity"}],
"categories": [{"category", "polarity"}]}``; ``from``/``to`` are character offsets into ``text``
(end exclusive), as in the SemEval files. Every reader checks that ``text[from:to] == term``. Aspects
labelled ``conflict`` are dropped unless the reader is asked to keep them; a sentence that had some
keeps their terms apart, as ``"conflict_terms": [{"term", "from", "to"}]``, so that the taggers learn
neither that they are terms nor that they are not (:func:`tag_targets`).

Offsets survive cleaning because the raw text is never rewritten: the tokens
(:func:`sentiment.tokens.tokenize`) keep their character spans, so a predicted span of tokens maps back to
``text[start_of_first:end_of_last]``.
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
from pathlib import Path

from ..cleaning import BREAK_TAG_NAMES, LINE_BREAK, LINE_BREAKS, TITLE_ABBREVIATIONS
from ..checks import short_repr
from ..data import (COMPRESSION, compression_in, existing_file, json_kind, json_problem, noting_repeats,
                    not_utf8_error, read_json_line)
from ..errors import DataError, reencode_hint, with_article
from ..persistence import one_line
from ..tokens import HTML_TAG, Token

POLARITIES = ("negative", "neutral", "positive")
ALL_POLARITIES = POLARITIES + ("conflict",)
TAGS = ("O", "B", "I")

# Where a sentence may end: punctuation then white space, a line break, an HTML tag; or (``space``, no end) a run
# of spaces none of those follow, taken whole so that no match is tried again from each of its characters. A
# punctuation run is tried from its first character only: the same matches, in linear time.
# Devanagari "।", Arabic "؟" and the ellipsis end one as "." does; CJK "。！？" need no white space after them.
# A line break is any of the Cleaner's (LINE_BREAKS: "\r", U+2028 ...).
_SENTENCE_END = re.compile(rf"(?<![.!?।॥؟…۔])[.!?।॥؟…۔]++[\"'”’)\]]*+\s+|[。！？]++[\"'”’)\]」』）]*+\s*"
                           rf"|\s*[{LINE_BREAKS}]\s*|[^\S{LINE_BREAKS}]*+(?P<tag>{HTML_TAG})[^\S{LINE_BREAKS}]*"
                           rf"|(?P<space>[^\S{LINE_BREAKS}]++)", re.IGNORECASE)
# Abbreviations whose full stop ends no sentence ("Cafe St. Bart's", "3 vs. 4 items", "Sat, Nov. 6th", "e.g. Word").
ABBREVIATIONS = (*TITLE_ABBREVIATIONS, "ms", "st", "mt", "jr", "sr", "approx", "jan", "feb", "mar", "apr", "jun", "jul",
                 "aug", "sep", "sept", "oct", "nov", "dec", "e.g", "i.e", "cf")
_ABBREVIATION = re.compile(r"(?<![\w.])(?:" + "|".join(map(re.escape, ABBREVIATIONS)) + r")\.$", re.IGNORECASE)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """``(from, to)`` of each sentence of ``text``: it is cut after ``.``, ``!`` or ``?`` (or ``…``, ``।``,
    ``؟``; with any closing quotes or brackets) followed by white space and a word that does not start in
    lower case ("The service... was slow" and "(Tom!) was rude" stay whole), after CJK ``。！？`` (no
    white space needed), but not after a common abbreviation ("St.",
    "Dr.", "vs.", "Nov.", "e.g.", "i.e."), and at line breaks ("\\n", "\\r", U+2028 ...: the Cleaner's
    :data:`~sentiment.cleaning.LINE_BREAKS`), also HTML ones (``<br>``, ``</p>``, ...; the tag belongs to
    neither side). Spans hold no outer white space."""
    spans, start = [], 0
    for end in _SENTENCE_END.finditer(text):
        if end.group("space") is not None:
            continue
        tag = end.group("tag")
        if tag is not None and (end.group("name") or "").lower() not in BREAK_TAG_NAMES:
            continue  # an inline tag (<b>, <a href=...>) goes on with the sentence
        if (tag is None and not LINE_BREAK.search(end.group()) and end.group()[0] not in "。！？"  # a CJK stop always ends one
                and (text[end.end():end.end() + 1].islower()
                     or _ABBREVIATION.search(text, max(end.start() - 8, 0), end.start() + 1))):
            continue
        stop = end.start() if tag is not None else end.start() + len(end.group().rstrip())  # punctuation stays
        spans.append(_stripped(text, start, stop))
        start = end.end()
    spans.append(_stripped(text, start, len(text)))
    return [(a, b) for a, b in spans if a < b]


def _stripped(text: str, start: int, end: int) -> tuple[int, int]:
    """``(start, end)`` narrowed to leave out the white space at both ends of ``text[start:end]``."""
    piece = text[start:end]
    return start + len(piece) - len(piece.lstrip()), end - len(piece) + len(piece.rstrip())


def tag_targets(tokens: list[Token], sentence: dict) -> list[str | None]:
    """The BIO tags a tagger learns for the tokens of ``sentence`` (:func:`bio_tags` of its aspects), None for
    a token of a dropped conflict term (``sentence["conflict_terms"]``) that no aspect covers: such a term
    is an aspect term whose polarity the data leave out, so it is neither learnt as a term (the reader
    dropped it) nor as no term (it is one); the taggers leave its tokens out of their training."""
    tags: list[str | None] = list(bio_tags(tokens, sentence["aspects"]))
    for term in sentence.get("conflict_terms", ()):
        for i in _overlapping(tokens, term["from"], term["to"]):
            if tags[i] == "O":
                tags[i] = None
    return tags


def bio_tags(tokens: list[Token], aspects: list[dict]) -> list[str]:
    """B/I/O per token: a token is inside an aspect when its span overlaps the aspect's characters."""
    tags = ["O"] * len(tokens)
    for aspect in sorted(aspects, key=lambda a: a["from"]):
        inside = _overlapping(tokens, aspect["from"], aspect["to"])
        for n, i in enumerate(inside):
            tags[i] = "B" if n == 0 else "I"
    return tags


def spans_from_tags(tokens: list[Token], tags: list[str]) -> list[tuple[int, int, int, int]]:
    """``(first_token, last_token + 1, from, to)`` per tagged span; an ``I`` after ``O`` starts a span.
    Markup tokens (web addresses, HTML tags) count as ``O``: a span ends before one."""
    spans, start = [], None
    tags = ["O" if token.markup else tag for token, tag in zip(tokens, tags)]
    for i, tag in enumerate(tags + ["O"]):
        if start is not None and tag != "I":
            spans.append((start, i, tokens[start].start, tokens[i - 1].end))
            start = None
        if tag in ("B", "I") and start is None:
            start = i
    return spans


def _overlapping(tokens: list[Token], start: int, end: int) -> list[int]:
    """The positions of the tokens that share a character with ``start:end``."""
    return [i for i, t in enumerate(tokens) if t.start < end and t.end > start]


def aspect_token_range(tokens: list[Token], start: int, end: int) -> tuple[int, int]:
    """The tokens that overlap the characters ``start:end`` (at least one token)."""
    inside = _overlapping(tokens, start, end)
    if not inside:  # a span between tokens (only spaces): the nearest token
        nearest = min(range(len(tokens)), key=lambda i: abs(tokens[i].start - start)) if tokens else 0
        return nearest, nearest + 1
    return inside[0], inside[-1] + 1


# -- readers ---------------------------------------------------------------------------------------
# what a note on gold aspect terms inside web addresses or HTML tags says of them (markup_note, the CLI's evaluate)
NEVER_TERMS = "which are never part of a term (since text-reading version 25 also e-mail addresses and bare domains)"


def aspects_in_markup(sentences: list[dict]) -> list[tuple[str, str]]:
    """The gold aspects (and dropped conflict terms) of ``sentences`` whose span lies in a web address or an HTML
    tag, which no model reads as (part of) a term: ``(term, markup)`` pairs ("Dell" in "Dell.com")."""
    from ..tokens import markup_spans

    found = []
    for sentence in sentences:
        text = sentence["text"]
        if not any(mark in text for mark in "<.@:"):  # (no markup without one: "http://localhost" has its ":")
            continue
        markup = markup_spans(text)
        for aspect in [*sentence["aspects"], *sentence.get("conflict_terms", ())]:
            found += [(aspect["term"], text[start:end]) for start, end in markup
                      if start < aspect["to"] and aspect["from"] < end]
    return found


def markup_note(sentences: list[dict], consequence: str) -> str | None:
    """A note on the gold aspects of ``sentences`` inside web addresses or HTML tags (:func:`aspects_in_markup`),
    ending with its ``consequence`` there; None where there are none."""
    found = aspects_in_markup(sentences)
    if not found:
        return None
    term, markup = found[0]
    return (f"note: {len(found)} gold aspect term(s) lie inside web addresses or HTML tags (e.g. {term!r} in "
            f"{markup[:60]!r}), {NEVER_TERMS}: {consequence}")



def conflict_note(files: list[tuple]) -> str | None:
    """A note on the aspects labelled conflict that were left out of the sentences read from each ``(path,
    sentences)`` of ``files`` (kept as their ``conflict_terms``), and how to keep them; None where there are none."""
    held = [f"{n} in {Path(path).name}" for path, sentences in files
            if (n := sum(len(sentence.get("conflict_terms", ())) for sentence in sentences))]
    if not held:
        return None
    return (f"note: the aspects labelled conflict are left out ({', '.join(held)}); --set keep_conflict=true keeps "
            "them as terms to find (no polarity is learnt for them)")


def unpolarised_note(sentences: list[dict]) -> str | None:
    """A note on the training aspects without a polarity (terms to find alone), which the polarity model
    leaves out; None where every aspect has one (conflict ones kept with keep_conflict have theirs)."""
    aspects = [a for s in sentences for a in s["aspects"]]
    bare = sum(a.get("polarity") is None for a in aspects)
    if not bare or bare == len(aspects):  # (none at all: the polarity model cannot be trained, which fit says)
        return None
    return (f"note: {bare} of the {len(aspects)} training aspects have no polarity: the taggers learn to find their "
            "terms, and the polarity model leaves them out")


def read_aspect_data(path, keep_conflict: bool = False) -> list[dict]:
    """Sentences from a SemEval-2014 Task 4 XML file (train or gold test) or a JSONL file.

    ``conflict`` aspects are dropped unless ``keep_conflict``. Categories keep theirs: a conflict
    category is still one the sentence speaks of (category detection learns it); category polarity
    training and scoring use only negative / neutral / positive.
    """
    file = Path(path)
    if str(path) == "-":  # said as for a table
        existing_file(path)
    if file.is_dir():
        raise DataError(f"{file} is a directory; give a SemEval-2014 XML or a JSONL file")
    if not file.exists():
        raise DataError(f"aspect data file {file} does not exist; pass a SemEval-2014 XML or a JSONL file")
    existing_file(file)  # a pipe or a device: said so
    with open(file, "rb") as handle:
        head = handle.read(200)
    packed = next((suffix for suffix in COMPRESSION if file.name.lower().endswith(suffix)), None) or compression_in(head)
    if packed is not None:
        raise DataError(f"{file} is compressed ({COMPRESSION[packed].name}); aspect data are read as plain XML or "
                        "JSONL: decompress it first")
    suffix = file.suffix.lower()
    if suffix == ".xml":
        return read_semeval_xml(file, keep_conflict)
    if suffix in (".jsonl", ".json", ".ndjson"):
        return read_aspect_jsonl(file, keep_conflict)
    head = head.removeprefix(b"\xef\xbb\xbf").lstrip()  # past a UTF-8 byte-order mark
    if head.startswith(b"<"):
        return read_semeval_xml(file, keep_conflict)
    if head.startswith((b"{", b"[")):
        return read_aspect_jsonl(file, keep_conflict)
    raise DataError(f"{file}: unknown aspect data format; give a SemEval-2014 .xml file or a .jsonl file (a table "
                    "of texts and labels is sentence-level data, for a polarity or emotion model, not an aspect model)")


def _declared_encoding(file: Path) -> str | None:
    """The encoding the XML declaration names, if it names one."""
    with open(file, "rb") as handle:
        start = handle.read(200).removeprefix(b"\xef\xbb\xbf")
    declared = re.match(rb"\s*<\?xml[^>]*encoding\s*=\s*[\"']([\w.-]+)", start)
    return declared.group(1).decode("ascii") if declared else None


def _declares_another_encoding(file: Path) -> bool:
    """Whether the XML declaration names an encoding other than UTF-8 (the parser then decodes it)."""
    declared = _declared_encoding(file)
    return declared is not None and declared.lower().replace("_", "-") not in ("utf-8", "utf8")


def _is_utf8(file: Path) -> bool:
    try:
        file.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def read_semeval_xml(path, keep_conflict: bool = False) -> list[dict]:
    """The ``<sentences>`` of a SemEval-2014 Task 4 file (``aspectTerms`` and ``aspectCategories``)."""
    import xml.etree.ElementTree as ET

    file = Path(path)
    try:
        root = ET.parse(file).getroot()
    except ET.ParseError as exc:
        if not _declares_another_encoding(file) and not _is_utf8(file):
            raise not_utf8_error(file) from None
        raise DataError(
            f"{file} is not well-formed XML ({exc}); fix the file or pass the original SemEval-2014 XML"
        ) from None
    except (LookupError, ValueError) as exc:  # an encoding the XML parser cannot read: "Shift_JIS", "bogus"
        declared = _declared_encoding(file) or "latin1"
        raise DataError(f"{file} declares the encoding {declared!r}, which the XML reader cannot read ({one_line(exc)}); "
                        f"re-encode it as UTF-8 ({reencode_hint(declared)}) and write encoding=\"UTF-8\" in its "
                        "<?xml ...?> line") from None
    if root.tag != "sentences":
        raise DataError(f"{file}: the root element is <{root.tag}>, not <sentences>; pass a SemEval-2014 Task 4 XML file")
    sentences = []
    for n, node in enumerate(root.iter("sentence")):
        _check_xml_sentence(file, node, node.get("id", str(n)))
        if node.find(".//sentence") is not None:  # else read twice: as a part of this one and as a sentence
            raise DataError(f"{file}: sentence {node.get('id', n)} holds another <sentence>; end each sentence "
                            "(</sentence>) before the next begins")
        text_node = node.find("text")
        if text_node is None:
            raise DataError(f"{file}: sentence {node.get('id', n)} has no <text>; fix the file")
        if len(text_node):  # <text>The <b>food</b></text>: the offsets cannot be known to count the tags or not
            raise DataError(f"{file}: the <text> of sentence {node.get('id', n)} holds an element <{text_node[0].tag}>; "
                            "SemEval text is plain: write < and & as &lt; and &amp;, or remove the tags")
        aspects = []
        for term in node.iterfind("aspectTerms/aspectTerm"):
            try:
                aspects.append({"term": term.attrib["term"], "from": int(term.attrib["from"]),
                                "to": int(term.attrib["to"]), "polarity": term.attrib.get("polarity")})
            except (KeyError, ValueError):
                raise DataError(
                    f"{file}: sentence {node.get('id', n)} has an aspectTerm without valid term/from/to "
                    f"attributes ({dict(term.attrib)}); fix the file"
                ) from None
        categories = [{"category": c.get("category"), "polarity": c.get("polarity")}
                      for c in node.iterfind("aspectCategories/aspectCategory")]
        sentences.append({"id": node.get("id", str(n)), "text": text_node.text or "", "aspects": aspects,
                          "categories": categories})
    if not sentences:
        raise DataError(f"{file} holds no <sentence> elements; pass a SemEval-2014 Task 4 XML file")
    checked = []
    for sentence in sentences:
        try:
            checked.append(check_sentence(sentence, f"{file}: sentence {sentence['id']}", keep_conflict))
        except DataError as exc:
            hint = _xml_offsets_hint(sentence)
            if hint is None:
                raise
            raise DataError(f"{exc} ({hint})") from None
    return checked


def _xml_offsets_hint(sentence: dict) -> str | None:
    """Why the terms of a SemEval XML ``sentence`` may miss their offsets where the file itself is right, as XML
    reads it: a line end written CR LF is read as a line feed alone (offsets that counted the CR run past the
    term), and a tab or line end inside an attribute as a space ("battery<TAB>life"); None where neither is so,
    or every term is at its offsets (the error is another)."""
    text = sentence["text"]
    missed = [a for a in sentence["aspects"] if text[a["from"]:a["to"]] != a["term"]]
    if not missed:
        return None
    written = text.replace("\n", "\r\n")
    if written != text and all(written[a["from"]:a["to"]] == a["term"] for a in sentence["aspects"]):
        return ("the offsets count each line end as two characters, CR LF, which XML reads as one, a line feed: count "
                "it as one, or write the CR as &#13; in the file")
    if all(re.sub(r"[\t\r\n]", " ", text[a["from"]:a["to"]]) == a["term"] for a in missed):
        return ("XML reads a tab or line end inside an attribute as a space, and the text has one inside the term: "
                "write it in term=\"...\" as &#9; (tab) or &#10; (line feed)")
    return None


# The elements of a SemEval-2014 sentence and the attributes of its terms and categories. A name close to one
# of them ("polarty", <AspectTerms>) is refused, as it would be left out without a word (a term without its
# polarity); others are left alone (re-releases of the files add "implicit_sentiment", "opinion_words").
_XML_SHAPE = {"sentence": {"text": None, "aspectTerms": "aspectTerm", "aspectCategories": "aspectCategory"},
              "aspectTerm": ("term", "polarity", "from", "to"), "aspectCategory": ("category", "polarity")}


def _check_xml_sentence(file: Path, node, sentence_id: str) -> None:
    """Refuse a <sentence> element (``node``) whose parts the reader would miss: a term or category outside
    its list, an element or attribute named almost as one it reads (a misspelling), another element inside
    a list, a second <text>."""
    where = f"{file}: sentence {sentence_id}"
    elements = _XML_SHAPE["sentence"]
    lists = {item: tag for tag, item in elements.items() if item}  # aspectTerm: aspectTerms
    for child in node:
        if child.tag in lists:  # <aspectTerm> without its <aspectTerms>
            raise DataError(f"{where} holds an <{child.tag}> outside <{lists[child.tag]}>; put the sentence's "
                            f"<{child.tag}> elements inside one <{lists[child.tag]}>")
        if child.tag not in elements:
            meant = _misspelt(child.tag, [*elements, *lists])
            if meant:
                raise DataError(f"{where} holds <{child.tag}>, not <{meant}>, which the reader reads; fix the name")
            continue  # an element of a re-release the reader has no use for
        item = elements[child.tag]
        for part in child if item else ():
            if part.tag != item:
                raise DataError(f"{where}: its <{child.tag}> holds <{part.tag}>, not <{item}> alone; fix the file")
            for name in part.attrib:
                meant = name not in _XML_SHAPE[item] and _misspelt(name, [a for a in _XML_SHAPE[item]
                                                                          if a not in part.attrib])
                if meant:
                    raise DataError(f"{where}: an <{item}> has the attribute {name}, not {meant}, which the reader "
                                    "reads; fix the name")
    if len(node.findall("text")) > 1:
        raise DataError(f"{where} has {len(node.findall('text'))} <text> elements; give each sentence one")


def _misspelt(name: str, known: list[str]) -> str | None:
    """The one of ``known`` that ``name`` is a misspelling of (another case, a letter or two off), or None."""
    import difflib

    same = [k for k in known if k.lower() == name.lower()]
    close = same or difflib.get_close_matches(name.lower(), [k.lower() for k in known], n=1, cutoff=0.8)
    return next((k for k in known if k.lower() == close[0].lower()), None) if close else None


def read_aspect_jsonl(path, keep_conflict: bool = False) -> list[dict]:
    """One sentence per line: ``{"id", "text", "aspects": [{"term","from","to","polarity"}], "categories": [...]}``;
    ``id`` and ``categories`` are optional. A file that holds one JSON array of such objects is read too
    (its sentences numbered as items)."""
    file = Path(path)
    sentences = []
    try:
        with open(file, encoding="utf-8-sig") as handle:  # -sig: a byte-order mark is skipped
            lines = list(handle)
    except UnicodeDecodeError:
        raise not_utf8_error(file) from None
    first = next((line.lstrip() for line in lines if line.strip()), "")
    if first.startswith("["):  # a JSON array (.json), not JSON Lines
        return _read_aspect_array(file, "".join(lines), keep_conflict)
    keys: set = set()
    for line_no, line in enumerate(lines, 1):
        if not line.strip():
            continue
        record, problem = read_json_line(line, lone_surrogates=True)
        if problem is not None:
            raise DataError(f"{file}, line {line_no} cannot be read as a JSON object ({problem}); give one JSON "
                            "object per line") from None
        if not isinstance(record.get("text"), str):
            raise DataError(f'{file}, line {line_no}: each line needs an object with a "text" string')
        keys.update(record)
        record.setdefault("id", str(line_no))
        sentences.append(check_sentence(record, f"{file}, line {line_no}", keep_conflict))
    if not sentences:
        raise DataError(f"{file} holds no sentences; give one JSON object per line")
    if "aspects" not in keys and "label" in keys:
        raise DataError(f'{file} has a "label" and no "aspects" in any line: labelled texts for a polarity or emotion '
                        "model, not aspect data for an aspect model; or give each sentence its aspects")
    return sentences


def _read_aspect_array(file: Path, text: str, keep_conflict: bool) -> list[dict]:
    """The sentences of a JSON array of sentence objects (items numbered from 1); an object that gives a key
    twice is refused, as a JSON Lines line that does."""
    repeated: list[str] = []
    try:
        records = json.loads(text, object_pairs_hook=noting_repeats(repeated))
    except (ValueError, RecursionError) as exc:
        where = f", line {exc.lineno}" if isinstance(exc, json.JSONDecodeError) else ""
        raise DataError(f"{file}: not valid JSON ({json_problem(exc)}{where}); give a JSON array of sentence "
                        "objects or one JSON object per line") from None
    if repeated:
        raise DataError(f"{file}: an object of its array gives the key {repeated[0]!r} twice, so which value is meant "
                        "is unclear; keep one")
    if not records:
        raise DataError(f"{file} holds no sentences (an empty JSON array); put one object per sentence in it")
    sentences = []
    for n, record in enumerate(records, 1):
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            raise DataError(f'{file}, item {n}: each item needs an object with a "text" string')
        sentences.append(check_sentence({"id": str(n), **record}, f"{file}, item {n}", keep_conflict))
    return sentences


def check_sentence(record: dict, where: str = "sentence", keep_conflict: bool = False) -> dict:
    """Validate one sentence dict (offsets inside the text and matching the term) and drop conflict aspects
    unless ``keep_conflict`` (their terms go to ``"conflict_terms"``, see the module's docstring)."""
    if not isinstance(record, dict):
        raise DataError(f'{where}: a sentence is an object with "text" and "aspects" (got {with_article(json_kind(record))})')
    text = record.get("text")
    if not isinstance(text, str):
        raise DataError(f'{where}: "text" must be a string')
    for key, shape in (("aspects", '{"term", "from", "to", "polarity"}'), ("categories", '{"category", "polarity"}'),
                       ("conflict_terms", '{"term", "from", "to"}')):
        if record.get(key) is not None and not isinstance(record[key], (list, tuple)):
            raise DataError(f'{where}: "{key}" must be a list of objects {shape} (got {with_article(json_kind(record[key]))}); '
                            "fix it")
    _check_key_names(record, _SENTENCE_KEYS, where, "the sentence")
    given = []  # (term, from, to, polarity) of each aspect and each conflict term of a sentence read before
    for a in record.get("aspects") or []:
        if isinstance(a, dict):
            _check_key_names(a, _ASPECT_KEYS, where, f"an aspect ({short_repr(a.get('term'))})")
        term, start, end = _term_span(a, text, where, "aspect")
        polarity = a.get("polarity")
        if polarity is not None and polarity not in ALL_POLARITIES:
            raise DataError(f"{where}: unknown polarity {polarity!r} for {term!r}; use one of {', '.join(ALL_POLARITIES)}")
        given.append((term, start, end, polarity))
    for a in record.get("conflict_terms") or []:  # a sentence read before, its conflict aspects dropped
        given.append((*_term_span(a, text, where, "conflict term"), "conflict"))
    aspects, dropped, seen = [], [], {}
    for term, start, end, polarity in given:
        if (start, end) in seen:  # the same term given twice: once is enough (it would count twice in the scores)
            if seen[start, end] != polarity:
                raise DataError(f"{where}: the aspect {term!r} at {start}-{end} is given twice, as "
                                f"{seen[start, end]} and as {polarity}; keep the one that is right")
            continue
        seen[start, end] = polarity
        if polarity == "conflict" and not keep_conflict:
            dropped.append({"term": term, "from": start, "to": end})
        else:
            aspects.append({"term": term, "from": start, "to": end, "polarity": polarity})
    categories: dict[str, dict] = {}
    for c in record.get("categories") or []:
        if isinstance(c, dict):
            _check_key_names(c, _CATEGORY_KEYS, where, "a category")
        name = c.get("category") if isinstance(c, dict) else None
        if not isinstance(name, str) or not name.strip():
            raise DataError(f'{where}: each category needs a "category" name, a non-empty string (got {c!r})')
        if c.get("polarity") is not None and c["polarity"] not in ALL_POLARITIES:
            raise DataError(f"{where}: unknown polarity {c['polarity']!r} for category {name!r}; "
                            f"use one of {', '.join(ALL_POLARITIES)}")
        if name in categories:  # as an aspect given twice
            if categories[name]["polarity"] != c.get("polarity"):
                raise DataError(f"{where}: the category {name!r} is given twice, as {categories[name]['polarity']} "
                                f"and as {c.get('polarity')}; keep the one that is right")
            continue
        categories[name] = {"category": name, "polarity": c.get("polarity")}
    categories = list(categories.values())
    if categories and not text.strip():
        raise DataError(f"{where}: the text is empty but has categories; give its text or leave the sentence out")
    sentence = {"id": str(record.get("id", "")), "text": text, "aspects": aspects, "categories": categories}
    return {**sentence, "conflict_terms": dropped} if dropped else sentence


_SENTENCE_KEYS = ("id", "text", "aspects", "categories", "conflict_terms")
_ASPECT_KEYS = ("term", "from", "to", "polarity")
_CATEGORY_KEYS = ("category", "polarity")


def _check_key_names(record: dict, known: tuple[str, ...], where: str, what: str) -> None:
    """Refuse a key of ``record`` named almost as one of the ``known`` keys that it lacks (a misspelling:
    "aspect", "polarty"), which the reader would pass over, as the XML reader refuses such attributes; other
    keys are left alone (a data set's own fields)."""
    for key in record:  # not "id": "idx", "uid", "_id" are ids of their own, and a lost id loses no data
        meant = isinstance(key, str) and key not in known and _misspelt(key, [k for k in known
                                                                          if k not in record and k != "id"])
        if meant:
            raise DataError(f'{where}: {what} has the key "{key}", not "{meant}", which the reader reads; fix the name')


def _term_span(a, text: str, where: str, what: str) -> tuple[str, int, int]:
    """The checked term and ``(from, to)`` of an aspect (or conflict term) dict ``a`` of ``text``: whole numbers
    inside the text whose characters are the term; white space at the term's edges (SemEval's laptops have
    "uninstall\xa0") is left out of the span, which no tagger could find exactly."""
    if not isinstance(a, dict) or "term" not in a or "from" not in a or "to" not in a:
        raise DataError(f'{where}: each {what} needs "term", "from" and "to" (got {a!r})')
    try:
        start, end = _offset(a["from"]), _offset(a["to"])
    except (TypeError, ValueError, OverflowError):  # OverflowError: 1e400 in JSON is infinity
        raise DataError(f"{where}: {what} offsets must be integers (got from={a['from']!r}, to={a['to']!r}); "
                        "give 0-based character positions, end exclusive") from None
    if start >= end and 0 <= start <= len(text):
        raise DataError(f"{where}: {what} {a['term']!r} has from={start} and to={end}, an empty or reversed span; \"to\" is "
                        "the position after the term's last character (0-based, end exclusive) - fix them")
    term = a["term"]
    if not 0 <= start < end <= len(text):
        raise DataError(
            f"{where}: {what} {a['term']!r} has offsets {start}:{end} outside the text (length {len(text)}); "
            "offsets are 0-based character positions, end exclusive - fix them" + _units_hint(text, term, start, end)
        )
    if text[start:end] != term:
        if isinstance(term, str) and unicodedata.normalize("NFC", text[start:end]) == unicodedata.normalize("NFC", term):
            raise DataError(f"{where}: text[{start}:{end}] and the term {term!r} write the same letters in different "
                            "Unicode forms (an accent as a letter of its own or as a combining mark); write texts and "
                            "terms in one form (NFC: Python's unicodedata.normalize('NFC', s)) and count the offsets "
                            "again")
        raise DataError(
            f"{where}: text[{start}:{end}] is {text[start:end]!r}, not the term {term!r}; "
            "fix the offsets (0-based characters, end exclusive) or the term" + _units_hint(text, term, start, end)
        )
    if not term.strip():
        raise DataError(f"{where}: the {what} at {start}:{end} is white space alone ({term!r}); give the words of "
                        "the aspect, or leave it out")
    leading, trailing = len(term) - len(term.lstrip()), len(term) - len(term.rstrip())
    return term.strip(), start + leading, end - trailing


def _units_hint(text: str, term, start: int, end: int) -> str:
    """Where the offsets ``start:end`` that miss ``term`` in ``text`` place it exactly when counted in UTF-16 code
    units (JavaScript's string indices, in which a character beyond U+FFFF, an emoji, is two) or in UTF-8 bytes,
    a note that says so; else ""."""
    if not isinstance(term, str) or text.isascii():
        return ""
    for units, size, counted in (("utf-16-le", 2, "UTF-16 code units, as JavaScript does, an emoji as two"),
                                 ("utf-8", 1, "UTF-8 bytes")):
        encoded = text.encode(units, "surrogatepass")
        if encoded[start * size:end * size].decode(units, "replace") == term:
            return f" (they count {counted}; count characters, code points, as Python's str indices do)"
    return ""


def _offset(value) -> int:
    """A character offset: an int, a whole-number float (``4.0``) or digits (``"4"``, as XML gives them);
    not a bool (``true`` would read as 1) nor a fraction. Raises TypeError/ValueError/OverflowError."""
    if type(value).__name__ in ("bool", "bool_"):  # numpy's bool_ too
        raise TypeError("a boolean is not an offset")
    if isinstance(value, float) and not value.is_integer():  # 10.5, inf, nan
        raise ValueError("not a whole number")
    return int(value)


def read_polarity_texts(path) -> tuple[list[str], list[str]]:
    """Whole texts, each with a polarity (negative / neutral / positive), to pre-train the ``lstm``
    polarity model on: SST trees (every labelled phrase; labels 0-1 negative, 2 neutral, 3-4 positive)
    or a labelled table (``text`` and ``label`` columns) whose labels are those three names."""
    from ..data import looks_like_trees, read_labelled
    from ..sst import read_sst_trees

    if looks_like_trees(path):
        texts, labels = read_sst_trees(path, phrases=True)
        return texts, [POLARITIES[(label > 1) + (label > 2)] for label in labels]
    texts, labels = read_labelled(path)
    unknown = sorted({str(label) for label in labels} - set(POLARITIES))
    if unknown:
        raise DataError(f"{path}: pre-training labels must be {', '.join(POLARITIES)} (found {', '.join(unknown[:3])}); "
                        "relabel the file or give SST trees")
    return list(texts), [str(label) for label in labels]


def split_sentences(sentences: list[dict], fraction: float = 0.15, seed: int = 0) -> tuple[list[dict], list[dict]]:
    """Train/dev split by sentence (a plain random split, as aspects of one sentence must stay together)."""
    from ..splits import train_dev_split

    index = list(range(len(sentences)))
    train_idx, _, dev_idx, _ = train_dev_split(index, [[0]] * len(index), fraction=fraction, seed=seed)
    return [sentences[i] for i in train_idx], [sentences[i] for i in dev_idx]


CONTRAST_JOINS = (", but ", "; however, ", ", although ", ", while ", ", whereas ")
# a connective that opens the second sentence ("But the staff ...", "However, ...", "So, ...") gives way to
# the join; "so", "still", ... only before a comma ("So good!" keeps its "so")
_OPENING_LINK = re.compile(r"(?:but|however|yet|and|also|plus|although|though)\b[\s,]*"
                           r"|(?:so|still|overall|anyway|besides)\s*,\s*", re.IGNORECASE)


def contrastive_sentences(sentences: list[dict], fraction: float, seed: int = 0) -> list[dict]:
    """Synthetic two-clause sentences for training the polarity models: a sentence whose aspects all
    share one polarity, a contrastive link (", but ", "; however, ", ...) and a sentence whose aspects
    all share another, each aspect keeping its polarity (offsets shifted). About ``fraction`` times as
    many as there are such sentences. Each names the two it joins (``"sources"``: their indices in
    ``sentences``), so a hold-out can keep it with them; a connective that opens the second sentence
    ("But the staff ...") gives way to the join.

    SemEval sentences mostly carry one opinion, so a model can score well by reading the whole
    sentence; "The camera struggles in low light, but the battery lasts for days" then gets one
    polarity for both aspects. These pairs make the aspect's own clause what decides, as in the
    "AddDiff" robustness tests of Xing et al. (2020, "Tasty Burgers, Soggy Fries").
    """
    import random

    by_polarity: dict[str, list[int]] = {p: [] for p in POLARITIES}
    for n, s in enumerate(sentences):
        found = {a.get("polarity") for a in s["aspects"]}
        if len(found) == 1 and (p := found.pop()) in POLARITIES and s["text"].strip():
            by_polarity[p].append(n)
    pool = [n for group in by_polarity.values() for n in group]
    rng = random.Random(seed)
    out: list[dict] = []
    for k in range(int(round(fraction * len(pool)))):
        i = rng.choice(pool)
        first = sentences[i]
        other = [p for p in POLARITIES if by_polarity[p] and p != first["aspects"][0]["polarity"]]
        if not other:
            break
        j = rng.choice(by_polarity[rng.choice(other)])
        second = sentences[j]
        end = max(a["to"] for a in first["aspects"])  # the end stripped of punctuation, never into a term
        left = first["text"][:end] + first["text"][end:].rstrip().rstrip(".!?;,").rstrip()
        right = second["text"].lstrip()
        opening = _OPENING_LINK.match(right)
        if opening and opening.end() < len(right) and not any(
                a["from"] < len(second["text"]) - len(right) + opening.end() for a in second["aspects"]):
            right = right[opening.end():]  # never a term's first letters
        starts_term = any(a["from"] == len(second["text"]) - len(right) for a in second["aspects"])
        if len(right) > 1 and right[0].isupper() and right[1].islower() and not starts_term:
            right = right[0].lower() + right[1:]
        join = rng.choice(CONTRAST_JOINS)
        shift = len(left) + len(join) - (len(second["text"]) - len(right))
        text = left + join + right
        aspects = [dict(a) for a in first["aspects"]]
        aspects += [{**a, "from": a["from"] + shift, "to": a["to"] + shift} for a in second["aspects"]]
        out.append({"id": f"contrast-{k}", "text": text, "aspects": aspects, "categories": [], "sources": (i, j)})
    return out


_SURROGATE = re.compile("[\ud800-\udfff]")


def encodable(texts: list[str]) -> list[str]:
    """``texts`` with each lone surrogate (an undecodable byte, as Python keeps it) as U+FFFD, one
    character for one, so offsets stay: the models' hashed features must encode as UTF-8. A text
    without one is returned as the same object."""
    return [t if t.isascii() or not _SURROGATE.search(t) else _SURROGATE.sub("\ufffd", t) for t in texts]


def as_sentences(data, keep_conflict: bool, what: str = "") -> list[dict]:
    """Checked sentence dicts of ``data`` (sentence dicts, or a SemEval XML / JSONL file); ``what`` ("dev")
    names the argument in errors."""
    if isinstance(data, (str, os.PathLike)):
        checked = read_aspect_data(data, keep_conflict)  # (JSON may escape a lone surrogate: "\udcff")
    else:
        named = f"{what} " if what else ""
        if isinstance(data, dict):
            raise DataError(f"give {what + ' as ' if what else ''}a list of sentence dicts (or a SemEval XML / JSONL "
                            "file), not one sentence dict")
        if isinstance(data, (bytes, bytearray)) or not hasattr(data, "__iter__"):
            raise DataError(f"give {what + ' as ' if what else ''}a list of sentence dicts or the path of a SemEval "
                            f"XML / JSONL file, not {type(data).__name__}")
        data = list(data)
        if not data:
            raise DataError(f"no {named}sentences given; pass sentence dicts or a SemEval XML / JSONL file")
        checked = [check_sentence(s, f"{named}sentence {i}", keep_conflict) for i, s in enumerate(data)]
    texts = encodable([s["text"] for s in checked])
    return [s if text is s["text"] else {**s, "text": text} for s, text in zip(checked, texts)]
