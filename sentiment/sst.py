"""The Stanford Sentiment Treebank's PTB trees: every labelled phrase of a sentence can become a training
example (:func:`read_sst_trees`), and :func:`sst_phrase_split` holds out whole sentences whose trees then
give no training phrases."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Collection

from .data import existing_file, not_utf8_error
from .errors import ConfigError, DataError
from .splits import train_dev_split


_TREE_TOKEN = re.compile(r"\(|\)|[^\s()]+")


_PTB_BRACKETS = {"-LRB-": "(", "-RRB-": ")"}  # whole tokens


_PTB_ESCAPED = re.compile(r"\\([/*])")  # inside tokens too: co-writer\/director, 9\/11


def read_sst_trees(path: str | Path, phrases: bool = False, binary: bool = False,
                   held_out: Collection[str] = (), every_sentence: bool = False) -> tuple[list[str], list[int]]:
    """Texts and labels (0..4) from Stanford Sentiment Treebank PTB trees: each distinct sentence once, or with
    ``every_sentence`` (no phrases) the sentence of every tree, as a scorer counts them (SST-5 dev has 1,101
    trees and 1,100 distinct sentences).

    ``phrases=True`` yields every labelled phrase (each distinct phrase once, the sentences first),
    a known large gain for training on SST. ``binary=True`` drops neutral (2) and maps 0-1 -> 0, 3-4 -> 1.
    ``held_out``: sentences kept out of training (e.g. for early stopping): they stay among the
    sentences, but their trees give no phrases, so a model trained on the phrases has not seen their
    parts (unless another tree has the same phrase).
    """
    if every_sentence and phrases:
        raise ConfigError("every_sentence gives sentences only; leave out phrases")
    file, trees = _read_trees(path)
    return _tree_examples(file, trees, phrases, binary, held_out, every_sentence)


def _read_trees(path: str | Path) -> tuple[Path, list[list[tuple[str, int]]]]:
    """The file and its parsed trees (each the list of its labelled nodes, the root first)."""
    file = existing_file(path)
    with open(file, encoding="utf-8-sig") as handle:  # a byte-order mark is not part of the first tree
        try:
            lines = handle.readlines()
        except UnicodeDecodeError:
            raise not_utf8_error(file) from None
    trees: list[list[tuple[str, int]]] = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        if "\ufeff" in line:  # files joined after each began with a byte-order mark: an invisible character
            raise DataError(f"{file} line {number} holds a byte-order mark (U+FEFF), as where files that each began "
                            "with one were joined; remove it (e.g. sed -i 's/\\xef\\xbb\\xbf//g' FILE)")
        try:
            trees.append(_parse_tree(line))
        except ValueError as exc:
            raise DataError(f"{file} line {number} is not a PTB sentiment tree ({exc})") from None
    return file, trees


def _tree_examples(file: Path, trees: list, phrases: bool, binary: bool,
                   held_out: Collection[str] = (), every_sentence: bool = False) -> tuple[list[str], list[int]]:
    """:func:`read_sst_trees` on trees already parsed."""
    # Sentences first, each with its own label (the first tree's, unless every_sentence); then every phrase not seen before.
    roots = [nodes[0] for nodes in trees]
    sentences = roots if every_sentence else list({root[0]: root for root in reversed(roots)}.values())[::-1]
    seen = {text for text, _ in sentences}
    parts: list[tuple[str, int]] = []
    if phrases:
        held_out = set(held_out)
        for nodes in trees:
            if nodes[0][0] in held_out:
                continue
            for text, label in nodes[1:]:
                if text not in seen:
                    seen.add(text)
                    parts.append((text, label))
    examples = sentences + parts
    if not examples:
        raise DataError(f"{file} holds no trees; give an SST trees file such as trees/train.txt")
    if binary:
        examples = [(t, int(label > 2)) for t, label in examples if label != 2]
        if not examples:
            what = "sentence and phrase" if phrases else "sentence"
            raise DataError(f"every {what} of {file} is neutral (label 2), which the two-class reading (SST-2) drops, "
                            "so none is left; give trees with positive or negative labels, or read them in five classes")
    texts, labels = zip(*examples)
    return list(texts), list(labels)


def sst_phrase_split(path: str | Path, fraction: float = 0.1, seed: int = 0, binary: bool = False,
                     exclude: Collection[str] = (), **names: str):
    """A dev split of SST trees for phrase-level training: ``(train_texts, train_labels, dev_texts, dev_labels)``.

    The dev part is a ``fraction`` of the trees' sentences (stratified, as :func:`train_dev_split`); the
    training part is every labelled phrase of the other trees. A split of the phrases themselves would
    score the model on parts of sentences it learnt whole. ``binary``: as :func:`read_sst_trees`. The
    sentences in ``exclude`` (a dev part split off before) are in neither part, and their trees give no
    phrases: the second split of a fit's training part, e.g. for early stopping. ``names``: how errors name
    the fraction and the way round it (train_dev_split's ``fraction_name`` and ``dev_name``).
    """
    file, trees = _read_trees(path)
    exclude = set(exclude)
    if exclude:
        trees = [nodes for nodes in trees if nodes[0][0] not in exclude]
    sentences, labels = _tree_examples(file, trees, phrases=False, binary=binary)
    _, _, dev_texts, dev_labels = train_dev_split(sentences, labels, fraction, seed, **names)
    held_out = set(dev_texts)
    texts, phrase_labels = _tree_examples(file, trees, phrases=True, binary=binary, held_out=held_out)
    train = [(t, y) for t, y in zip(texts, phrase_labels) if t not in held_out and t not in exclude]
    return [t for t, _ in train], [y for _, y in train], dev_texts, dev_labels


def _parse_tree(line: str) -> list[tuple[str, int]]:
    """All (phrase, label) nodes of one tree, the root first."""
    tokens = _TREE_TOKEN.findall(line)
    position = 0
    nodes: list[tuple[str, int]] = []

    def node() -> list[str]:
        nonlocal position
        if tokens[position] != "(":
            raise ValueError(f"expected '(' at token {position}")
        code = tokens[position + 1]
        if not (code.isascii() and code.isdigit()):  # int() takes "３" and "+3" too
            raise ValueError(f"a node's label is not a number 0..4 ({code!r})" if code not in "()" else
                             f"a node has no label (expected a number 0..4 after '(' at token {position})")
        label = int(code)
        if not 0 <= label <= 4:
            raise ValueError(f"label {label} is outside 0..4")
        position += 2
        slot = len(nodes)
        nodes.append(("", label))
        words: list[str] = []
        while tokens[position] != ")":
            if tokens[position] == "(":
                words.extend(node())
            else:
                word = tokens[position]
                words.append(_PTB_BRACKETS.get(word) or (_PTB_ESCAPED.sub(r"\1", word) if "\\" in word else word))
                position += 1
        position += 1
        if not words:  # "(2 )": a phrase of no words, which would train or score an empty text
            raise ValueError(f"a node labelled {label} holds no words")
        nodes[slot] = (" ".join(words), label)
        return words

    try:
        node()
    except IndexError:  # the tokens ran out inside a node
        raise ValueError("a bracket is not closed; each tree must be on a line of its own, not spread over "
                         "several lines as a pretty-printed tree is") from None
    except RecursionError:  # thousands of nested brackets: no sentence's tree is that deep
        raise ValueError("its brackets are nested too deeply (thousands of levels) for a sentence's tree") from None
    except ValueError as exc:  # one of the messages above
        raise ValueError(str(exc)) from None
    if position != len(tokens):
        raise ValueError("text after the end of the tree")
    return nodes
