"""Text cleaning: raw text in, a list of tokens out.

Every step is a field of :class:`Cleaner` and can be switched off. The steps run in this order:

1. ``html``: drop tags (``<br />`` becomes a space) and decode entities (``&amp;`` -> ``&``).
2. ``urls`` / ``mentions`` / ``hashtags``: replace, keep or remove web addresses, ``@user`` and ``#tags``.
3. ``emoji``: turn emoji and emoticons into words (``😍`` -> ``smiling face with heart eyes``), keep or remove them.
4. ``repeats``: squeeze characters repeated three or more times to two (``soooo`` -> ``soo``, ``!!!!`` -> ``!!``).
5. ``lowercase``.
6. tokenize with a fast regular expression, or with spaCy (``tokenizer="spacy"``).
7. ``lemmatize``: spaCy lookup lemmas (``spacy.blank("en")`` + ``spacy-lookups-data``, works offline).
8. ``contractions``: expand (``don't`` -> ``do not``, ``it's`` -> ``it 's``).
9. ``stopwords``: drop English stop words, never negations (``not``, ``no``, ``never`` ...).
10. ``negation``: prefix words after a negation with ``not_`` up to the next punctuation, so
    ``"not good"`` gives the feature ``not_good``, which differs from ``good``.

>>> Cleaner()("I don't like it :( <br/>Never again!!!!")
['i', 'do', 'not', 'not_like', 'not_it', 'not_frowning', 'not_face', 'never', 'not_again', '!!']
"""

from __future__ import annotations

import functools
import html as _html
import re
from dataclasses import asdict, dataclass, fields
from functools import cached_property
from typing import Iterable

from .errors import ConfigError, DataError

# A tag starts with its name (or "!" for <!-- comments --> and <!DOCTYPE>): "I <3 it >_<" keeps its middle.
_TAG = re.compile(r"</?[A-Za-z!][^<>]{0,500}>")
_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"']+", re.IGNORECASE)
_MENTION = re.compile(r"(?<![\w@])@(\w{1,50})")
_HASHTAG = re.compile(r"(?<![\w#&])#(\w+)")
_REPEAT = re.compile(r"(\D)\1\1+")  # digits are left alone: 1000 stays 1000
_TRIPLE = re.compile(r"(.)\1\1", re.DOTALL)  # a quick test (4x faster than _REPEAT's \D) for texts _REPEAT may change
_APOSTROPHE = re.compile(r"[’‘`´]")
_TOKEN = re.compile(r"\w+(?:'\w+)*|'\w+|[!?]+|[.,;:]")

# Contractions are expanded per token (only tokens with an apostrophe, or "cannot", need work).
_IRREGULAR = {"won't": ["will", "not"], "can't": ["can", "not"], "shan't": ["shall", "not"],
              "ain't": ["are", "not"], "cannot": ["can", "not"], "n't": ["not"]}
_CLITICS = {"n't": "not", "'re": "are", "'ve": "have", "'ll": "will", "'m": "am", "'d": "would"}


def expand_contraction(token: str) -> list[str]:
    """``don't`` -> ``do not``, ``won't`` -> ``will not``, ``they're`` -> ``they are``; ``'s`` is split off.

    >>> expand_contraction("Don't"), expand_contraction("it's")
    (['Do', 'not'], ['it', "'s"])
    """
    low = token.lower()
    if low in _IRREGULAR:
        return list(_IRREGULAR[low])
    if low in _CLITICS:  # SST-style separate clitic: "they 're"
        return [_CLITICS[low]]
    for clitic in (low[-3:], low[-2:]):
        if clitic in _CLITICS and len(low) > len(clitic):
            return [token[: -len(clitic)], _CLITICS[clitic]]
        if clitic == "'s" and len(low) > 2:
            return [token[:-2], token[-2:]]
    return [token]


# Emoticons map to the same words as the emoji they stand for.
_EMOTICONS = {
    ":)": "smiling face", ":-)": "smiling face", "(:": "smiling face", ":]": "smiling face",
    "=)": "smiling face", ":D": "grinning face", ":-D": "grinning face",
    ";)": "winking face", ";-)": "winking face", ":(": "frowning face",
    ":-(": "frowning face", "):": "frowning face", ":[": "frowning face", "=(": "frowning face",
    ":'(": "crying face", ":,(": "crying face", ":P": "face with tongue", ":-P": "face with tongue",
    ":p": "face with tongue", ":/": "confused face", ":-/": "confused face", ":|": "neutral face",
    ":O": "astonished face", ":o": "astonished face", "<3": "red heart", "</3": "broken heart",
}
_EMOTICON = re.compile(
    r"(?<![\w:;=])(" + "|".join(re.escape(e) for e in sorted(_EMOTICONS, key=len, reverse=True)) + r")[)(\]\[]*(?!\w)"
)

NEGATIONS = frozenset(
    "not no never nor none nobody nothing neither nowhere cannot without hardly barely scarcely".split()
)
_SCOPE_END = frozenset(".,;:!?") | {"but"}

CHOICES = {
    "urls": ("token", "remove", "keep"),
    "mentions": ("token", "remove", "keep"),
    "hashtags": ("word", "remove", "keep"),
    "emoji": ("words", "remove", "keep"),
    "tokenizer": ("regex", "spacy"),
}


@dataclass
class Cleaner:
    """Configurable text cleaning; call it on one text to get its tokens.

    Parameters
    ----------
    html : bool
        Remove HTML tags and decode HTML entities.
    urls, mentions : {"token", "remove", "keep"}
        Replace web addresses / ``@user`` mentions by the token ``xxurl`` / ``xxuser``, remove them, or keep them.
    hashtags : {"word", "remove", "keep"}
        ``#great`` becomes ``great``, is removed, or is kept as it is.
    emoji : {"words", "remove", "keep"}
        Emoji and emoticons become their names as words, are removed, or are kept.
    repeats : bool
        Squeeze a character repeated three or more times to two.
    contractions : bool
        Expand English contractions (``won't`` -> ``will not``).
    lowercase : bool
        Lowercase the text.
    tokenizer : {"regex", "spacy"}
        A fast regular-expression tokenizer, or spaCy's English tokenizer.
    lemmatize : bool
        Replace tokens by spaCy lookup lemmas.
    stopwords : bool
        Drop English stop words; negations are never dropped.
    negation : bool
        Prefix the words in a negation's scope with ``not_``.
    """

    html: bool = True
    urls: str = "token"
    mentions: str = "token"
    hashtags: str = "word"
    emoji: str = "words"
    repeats: bool = True
    contractions: bool = True
    lowercase: bool = True
    tokenizer: str = "regex"
    lemmatize: bool = False
    stopwords: bool = False
    negation: bool = True

    def __post_init__(self) -> None:
        for name, choices in CHOICES.items():
            if getattr(self, name) not in choices:
                raise ConfigError(f"{name}={getattr(self, name)!r} is not valid; choose one of: {', '.join(choices)}")
        for f in fields(self):
            if f.type == "bool" and not isinstance(getattr(self, f.name), bool):
                raise ConfigError(f"{f.name} must be true or false, not {getattr(self, f.name)!r}")

    @classmethod
    def option_names(cls) -> list[str]:
        return [f.name for f in fields(cls)]

    def to_dict(self) -> dict:
        return asdict(self)

    # -- text-level steps ---------------------------------------------------------------
    def normalize(self, text: str) -> str:
        """Apply the text-level steps (1-5) and return the cleaned text."""
        if self.html and ("<" in text or "&" in text):
            text = _html.unescape(_TAG.sub(" ", text))
        if self.urls != "keep" and ("http" in text or "www" in text or "HTTP" in text or "WWW" in text):
            text = _URL.sub(" xxurl " if self.urls == "token" else " ", text)
        if self.mentions != "keep" and "@" in text:
            text = _MENTION.sub(" xxuser " if self.mentions == "token" else " ", text)
        if self.hashtags != "keep" and "#" in text:
            text = _HASHTAG.sub(r" \1 " if self.hashtags == "word" else " ", text)
        if self.emoji != "keep":
            text = self._emoji(text)
        if self.repeats:
            text = self._squeeze_repeats(text)
        if "`" in text or not text.isascii():
            text = _APOSTROPHE.sub("'", text)
        if self.lowercase:
            text = text.lower()
        return text

    def _squeeze_repeats(self, text: str) -> str:
        if self.urls == "keep" and ("http" in text or "www" in text):  # kept addresses stay intact ("www.")
            pieces = _URL.split(text)
            addresses = _URL.findall(text)
            squeezed = [_REPEAT.sub(r"\1\1", piece) for piece in pieces]
            return "".join(p + a for p, a in zip(squeezed, addresses + [""]))
        return _REPEAT.sub(r"\1\1", text) if _TRIPLE.search(text) else text

    def _emoji(self, text: str) -> str:
        words = self.emoji == "words"
        if ":" in text or ";" in text or "=" in text or "<3" in text or "</3" in text:
            text = _EMOTICON.sub((lambda m: f" {_EMOTICONS[m.group(1)]} ") if words else " ", text)
        if not text.isascii() and not _emoji_chars().isdisjoint(text):
            text = _emoji_lib().replace_emoji(text, replace=self._emoji_name if words else " ")
        return text

    @staticmethod
    def _emoji_name(chars: str, data: dict) -> str:
        name = data.get("en", "").strip(":").replace("_", " ").replace("-", " ")
        return f" {name} "

    # -- token-level steps --------------------------------------------------------------
    def __call__(self, text: str) -> list[str]:
        """Clean one text and return its tokens."""
        return self.tokens_of([text])[0]

    def tokens_of(self, texts: Iterable[str]) -> list[list[str]]:
        """Clean many texts; spaCy (when asked for) runs over them in batches."""
        normalized = [self.normalize(t) for t in texts]
        if self.tokenizer == "spacy" or self.lemmatize:
            docs = self._spacy.pipe(normalized, batch_size=1000)
            tokenized = [
                [(t.lemma_ if self.lemmatize and t.lemma_ else t.text) for t in doc if not t.is_space] for doc in docs
            ]
            if self.tokenizer == "regex":  # lemmas from spaCy, token boundaries from our pattern
                tokenized = [_TOKEN.findall(" ".join(toks)) for toks in tokenized]
        elif self.emoji == "keep":
            tokenized = [_tokens_keeping_emoji(t) for t in normalized]
        else:
            tokenized = [_TOKEN.findall(t) for t in normalized]
        if self.stopwords:
            tokenized = [self._token_steps(tokens) for tokens in tokenized]
        elif self.contractions or self.negation:  # most texts have no apostrophe and no negation: skip those
            tokenized = [
                self._token_steps(tokens)
                if "'" in text or not NEGATIONS.isdisjoint(tokens if self.lowercase else map(str.lower, tokens))
                else tokens
                for text, tokens in zip(normalized, tokenized)
            ]
        return tokenized

    def _token_steps(self, tokens: list[str]) -> list[str]:
        """Contractions, then negation scope, then stop words."""
        if self.contractions:
            pieces: list[str] = []
            for token in tokens:
                if "'" in token or (len(token) == 6 and token.lower() == "cannot"):
                    pieces += expand_contraction(token)
                else:
                    pieces.append(token)
        else:
            pieces = list(tokens)
        lows = list(pieces) if self.lowercase else [piece.lower() for piece in pieces]  # pieces change below
        if self.negation:  # the scope is tracked before stop words go: "but" ends it even when dropped
            negated = False
            for i, low in enumerate(lows):
                if low in _SCOPE_END or low[0] in "!?":
                    negated = False
                elif low in NEGATIONS or ("'" in low and low.endswith("n't")):
                    negated = True
                elif negated:
                    pieces[i] = "not_" + pieces[i]
        if self.stopwords:
            stop = self._stopwords
            return [piece for piece, low in zip(pieces, lows) if low not in stop]
        return pieces

    @cached_property
    def _spacy(self):
        import spacy

        nlp = spacy.blank("en")
        if self.lemmatize:
            nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
            try:
                nlp.initialize()
            except (OSError, ValueError) as exc:  # spacy-lookups-data missing
                raise ConfigError(
                    "lemmatize=True needs the package spacy-lookups-data: pip install spacy-lookups-data"
                ) from exc
        return nlp

    @cached_property
    def _stopwords(self) -> frozenset[str]:
        from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

        return frozenset(ENGLISH_STOP_WORDS) - NEGATIONS

    def __getstate__(self):  # keep copies/pickles (used by joblib workers) free of cached spaCy objects
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def __setstate__(self, state):
        self.__dict__.update(state)


def _tokens_keeping_emoji(text: str) -> list[str]:
    """Tokens of ``text`` where each emoticon (``:)``) and emoji (``😍``) is one token, as written."""
    spans = [m.span(1) for m in _EMOTICON.finditer(text)]
    if not text.isascii() and not _emoji_chars().isdisjoint(text):
        spans += [(e["match_start"], e["match_end"]) for e in _emoji_lib().emoji_list(text)]
    tokens, position = [], 0
    for start, end in sorted(spans):
        if start >= position:
            tokens += _TOKEN.findall(text, position, start)
            tokens.append(text[start:end])
            position = end
    return tokens + _TOKEN.findall(text, position)


@functools.cache
def _emoji_lib():
    import emoji  # the maintained Unicode emoji table; ~15 ms to import, only for non-ASCII text

    return emoji


@functools.cache
def _emoji_chars() -> frozenset[str]:
    """The non-ASCII characters of all emoji: a text without any has no emoji (``é`` needs no look-up)."""
    return frozenset(char for sequence in _emoji_lib().EMOJI_DATA for char in sequence if not char.isascii())


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
    try:
        return Cleaner(**options)(text)
    except TypeError as exc:
        raise ConfigError(f"{exc}; valid options: {', '.join(Cleaner.option_names())}") from None


_NEGATION_ONLY = Cleaner(contractions=False, lowercase=False)
