"""PyTorch aspect models: a BiLSTM(-CRF) BIO tagger and a target-aware attention polarity model.

* :class:`BiLSTMTagger` (``extractor="lstm"``): per token its word embedding (initialised from
  Word2Vec vectors, fine-tuned), a character CNN over the raw token, a capitalisation class and
  optionally the word's Brown cluster prefixes (``clusters``), a
  BiLSTM over the sentence, per-token O/B/I scores and a CRF layer (or a plain softmax,
  ``crf=False``). Decoding is Viterbi over the CRF scores, with ``O -> I`` (and a first ``I``) forbidden,
  so every span is well formed; training leaves those paths in the CRF's normaliser, where gold BIO tags
  never lead, so their transitions only learn to score low. Spans map back to character offsets through the tokens' spans, as in the classical
  tagger (:func:`sentiment.tokens.tokenize`).
* :class:`AttentionPolarity` (``polarity="lstm"``): a BiLSTM over the sentence, each word's embedding
  joined with an embedding of its distance to the aspect (0 inside it); the aspect's mean state
  conditions an attention over the sentence (as in ATAE-LSTM / IAN); the attended context, the
  aspect state, a max-pool of the states and, optionally, the sentence-polarity "prior" scores of the
  aspect's clause, its context windows, the sentence and the part across a contrast word
  (:func:`sentiment.aspects.polarity.prior_texts`) feed the
  negative / neutral / positive layer.

Both train with the package's one loop (:func:`sentiment.models.trainer.train`): device ``"auto"``
(CUDA, then Apple MPS, then the CPU), seeded runs, Adam with gradient clipping and a plateau schedule,
early stopping on ``dev_fraction`` of the training sentences with the best weights kept. The tagger
feeds the trainer one row per *token* (a batch's rows are the global indices of its real tokens), so
the trainer's dev metric is the tag macro-F1. ``n_nets > 1`` trains that many networks (other seeds,
other held-out parts) and averages their scores.

Saved state: JSON (network configs, vocabularies, training history) and float32 weights (safetensors,
written by :class:`~sentiment.aspects.pipeline.AspectPipeline`), always loaded on the CPU first, so a
model trained on a GPU predicts on a machine without one. Importing this module imports torch; the
classical aspect models never import it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, replace

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from ..devices import check_device_name
from ..errors import ConfigError, DataError, NotFittedError
from ..models import hardware, saved_nets, trainer
from ..models.nets import attend, max_pool, run_lstm
from ..persistence import arrays_under, member_arrays, member_states, saved_vocabulary
from .clusters import WordClusters, lexeme_clusters
from ..tokens import Token, tokenize
from .data import POLARITIES, TAGS, tag_targets
from .extraction import tagged_spans
from .polarity import PRIOR_NAMES, clause_cuts, locate, prior_positive, prior_texts

PAD, UNKNOWN = 0, 1  # ids of padding and of an unknown word / character
FIRST_ID = 2  # the id of a vocabulary's first word or character: the ones above come after
MAX_CHARS = 16  # characters of a token seen by the character CNN
MAX_DISTANCE = 40  # distances to the aspect beyond this share one position embedding
# The tokens the polarity network reads on each side of the aspect: more than any training sentence holds
# (SemEval-2014's longest has 82 tokens, SST's fewer), so that no sentence it learnt from is cut, while a text
# of thousands of words without a full stop (one sentence, hundreds of aspects) takes time linear in its length.
CONTEXT = 100
PREDICT_BATCH_SIZE = 256
IMPOSSIBLE = -1e4  # score of a forbidden tag transition (O -> I, start -> I)


# -- vocabularies and word vectors ---------------------------------------------------------------
def train_word_vectors(token_lists: list[list[str]], vector_size: int = 100, seed: int = 0, epochs: int = 10):
    """gensim Word2Vec (skip-gram) on the training sentences' tokens, when no vectors file is given."""
    from gensim.models import Word2Vec

    model = Word2Vec(sentences=token_lists, vector_size=vector_size, window=5, min_count=1, sg=1,
                     epochs=epochs, seed=seed, workers=1)
    return model.wv


def build_vocabulary(token_lists: list[list[str]], keyed=None, extra_words: int = 0) -> list[str]:
    """The words of the training sentences (most frequent first), then up to ``extra_words`` more of
    the most frequent words of the vectors, so that common words unseen in training keep their vector."""
    counts = Counter(w for words in token_lists for w in words)
    words = [w for w, _ in counts.most_common()]
    if keyed is not None and extra_words > 0:
        seen = set(words)
        added = 0
        for w in keyed.index_to_key:
            if added >= extra_words:
                break
            if w not in seen:
                words.append(w)
                seen.add(w)
                added += 1
    return words


def unknown_rates(vocabulary: list[str], token_lists: list[list[str]], alpha: float) -> torch.Tensor | None:
    """Word dropout (Kiperwasser & Goldberg 2016): per word id the chance ``alpha / (alpha + count)``
    that a training step sees the unknown word instead, so rare words teach the network what to do with
    a word it has never seen (whose embedding would otherwise stay untrained). None when ``alpha`` is 0."""
    if not alpha:
        return None
    counts = Counter(w for words in token_lists for w in words)
    rates = [0.0] * FIRST_ID + [alpha / (alpha + counts[w]) if counts[w] else 0.0 for w in vocabulary]
    return torch.tensor(rates, dtype=torch.float32)


def embedding_matrix(words: list[str], keyed, dim: int, seed: int) -> np.ndarray:
    """Rows for padding, unknown and ``words``: the word vector when there is one, else small random
    values (scaled like the vectors)."""
    rng = np.random.default_rng(seed)
    scale = 0.1
    if keyed is not None and len(keyed.index_to_key):
        scale = float(np.std(keyed.vectors[: min(len(keyed.index_to_key), 10_000)]))
    matrix = rng.normal(0.0, scale, size=(FIRST_ID + len(words), dim)).astype(np.float32)
    matrix[PAD] = 0.0
    if keyed is not None:
        for i, w in enumerate(words, FIRST_ID):
            if w in keyed.key_to_index:
                matrix[i] = keyed[w]
    return matrix


def case_class(raw: str) -> int:
    """Capitalisation / shape class of a raw token: 1 lower, 2 Title, 3 UPPER, 4 has a digit,
    5 punctuation or symbol, 6 mixed (0 is padding)."""
    if any(c.isdigit() for c in raw):
        return 4
    if not any(c.isalpha() for c in raw):
        return 5
    if raw.islower():
        return 1
    if raw.isupper():
        return 3 if len(raw) > 1 else 2
    if raw[:1].isupper() and raw[1:].islower():
        return 2
    return 6


N_CASES = 7


# -- batches -------------------------------------------------------------------------------------
class PaddedBatches(trainer.PreparedBatches):
    """Rows of variable-length fields, in batches of similar length, padded once and kept on the device.

    ``fields``: per field, one array per row whose first axis is time (a second axis, e.g. characters,
    is padded too). ``dense``: optional fixed-size float features per row. With ``per_token=True`` the
    targets are one per token (the rows' targets concatenated) and a batch's ``rows`` are the global
    indices of its tokens, in row-major order (what :meth:`TaggerNet.forward` returns); otherwise one
    target and one index per row. Rows of length 0 must not be given. The batch inputs are the padded
    fields, the lengths (on the CPU, as packing needs) and the dense features.
    """

    def __init__(self, fields: list[list[np.ndarray]], y, batch_size: int, device: torch.device, *,
                 dense: np.ndarray | None = None, per_token: bool = False, rng=None) -> None:
        self.rng = rng
        lengths = np.array([len(a) for a in fields[0]], dtype=np.int64)
        if len(lengths) and lengths.min() < 1:
            raise ValueError("PaddedBatches needs rows of at least one token")
        starts = np.concatenate([[0], np.cumsum(lengths)])
        self.n = int(starts[-1]) if per_token else len(lengths)
        self.y = None if y is None else trainer.targets_array(np.concatenate(y) if per_token else y)
        self.batches = []
        for rows in trainer.by_length(lengths, batch_size, rng, trainer.longest_first(device)):
            padded = [trainer.pad_arrays([field[i] for i in rows]).to(device) for field in fields]
            inputs = [*padded, torch.from_numpy(lengths[rows])]
            if dense is not None:
                inputs.append(torch.as_tensor(dense[rows], dtype=torch.float32).to(device))
            index = np.concatenate([np.arange(starts[i], starts[i + 1]) for i in rows]) if per_token else rows
            targets = None if self.y is None else torch.as_tensor(self.y[index]).to(device)
            self.batches.append(trainer.Batch(tuple(inputs), targets, index))


def _train_nets(o: dict, n_rows: int, batches_of, new_net, matrix: np.ndarray, config, progress,
                before=None, groups=None) -> tuple[list, list]:
    """Train ``o["n_nets"]`` networks, each with its own seed and held-out part (``o["dev_fraction"]``) for
    early stopping: of the rows, or with ``groups`` (per row the sentences it comes from) of the
    sentences (:func:`~sentiment.models.trainer.hold_out_groups`). ``batches_of(rows, device, rng)`` gives
    the batches of those rows (shuffled with ``rng``; None: the held-out check); ``new_net()`` an
    untrained network whose embedding starts from ``matrix``; ``before(net, device, rng)``, if given,
    prepares each network before its training (e.g. pre-training). Returns the trained networks (on the
    CPU, in eval mode) and their training histories."""
    device = hardware.resolve_device(o["device"])
    nets, histories = [], []
    for k in range(o["n_nets"]):
        seed = o["seed"] + k
        rng = np.random.default_rng(seed)
        if groups is None:
            train_rows, dev_rows = trainer.hold_out_rows(n_rows, o["dev_fraction"], rng, always_draw=True)
        else:
            train_rows, dev_rows = trainer.hold_out_groups(groups, o["dev_fraction"], rng)
        with hardware.device_errors(device, advice=_training_advice(device)):
            batches = batches_of(train_rows, device, rng)
            dev = batches_of(dev_rows, device, None) if len(dev_rows) else None
            with hardware.seeded(seed, device):
                net = new_net()
                with torch.no_grad():
                    net.embedding.weight.copy_(torch.from_numpy(matrix))
                net.embedding.weight.requires_grad_(not o["freeze_embeddings"])
                if before is not None:
                    before(net, device, rng)
                histories.append(trainer.train(net, batches, dev, config, device, progress))
        nets.append(net.cpu().eval())
    return nets, histories


def _training_advice(device) -> str:
    """What a network too large for the ``device``'s memory calls for, in the aspect models' own options."""
    return "use a smaller hidden_size or fewer extra_words" + (", or device='cpu'" if device.type != "cpu" else "")


def network_options(p: dict, epochs: int, freeze: bool) -> dict:
    """The options of a network stage from an AspectPipeline's settings ``p``; ``freeze``: whether the
    stage keeps its word vectors fixed unless ``p["freeze_embeddings"]`` says otherwise."""
    return {"epochs": epochs, "freeze_embeddings": freeze if p["freeze_embeddings"] is None else p["freeze_embeddings"],
            "hidden_size": p["hidden_size"], "dropout": p["dropout"], "n_nets": p["n_nets"],
            "extra_words": p["extra_words"], "dev_fraction": p["dev_fraction"], "ema_epochs": p["ema_epochs"],
            "device": p["device"], "seed": p["seed"]}


def _encoder(n_in: int, hidden: int, layers: int, dropout: float) -> nn.LSTM:
    return nn.LSTM(n_in, hidden, num_layers=layers, bidirectional=True, batch_first=True,
                   dropout=dropout if layers > 1 else 0.0)


# -- the tagger ----------------------------------------------------------------------------------
@dataclass
class TaggerConfig:
    n_words: int
    n_chars: int
    embedding_dim: int = 100
    char_dim: int = 30
    char_filters: int = 50  # 0: no character CNN
    case_dim: int = 8  # 0: no capitalisation feature
    n_cluster_ids: int = 0  # ids of the word clusters' path prefixes (WordClusters.n_ids)
    n_prefixes: int = 0  # prefixes per word
    cluster_dim: int = 0  # 0: no word-cluster feature
    hidden_size: int = 128
    layers: int = 1
    dropout: float = 0.5
    crf: bool = True
    n_classes: int = len(TAGS)
    head: str = "softmax"  # the trainer's dev probabilities: a softmax over the per-token scores


class TaggerNet(nn.Module):
    """Word embedding + character CNN + capitalisation + word clusters -> BiLSTM -> per-token O/B/I
    scores (+ CRF)."""

    def __init__(self, config: TaggerConfig) -> None:
        super().__init__()
        self.config = c = config
        self.embedding = nn.Embedding(c.n_words, c.embedding_dim, padding_idx=PAD)
        width = c.embedding_dim
        if c.char_filters:
            self.char_embedding = nn.Embedding(c.n_chars, c.char_dim, padding_idx=PAD)
            self.char_cnn = nn.Conv1d(c.char_dim, c.char_filters, kernel_size=3, padding=1)
            width += c.char_filters
        if c.case_dim:
            self.case_embedding = nn.Embedding(N_CASES, c.case_dim, padding_idx=PAD)
            width += c.case_dim
        if c.cluster_dim:
            self.cluster_embedding = nn.Embedding(c.n_cluster_ids, c.cluster_dim, padding_idx=PAD)
            width += c.n_prefixes * c.cluster_dim
        self.dropout = nn.Dropout(c.dropout)
        self.lstm = _encoder(width, c.hidden_size, c.layers, c.dropout)
        self.scores = nn.Linear(2 * c.hidden_size, c.n_classes)
        if c.crf:
            # transitions[i, j]: score of tag j after tag i; start / end: of the first / last tag
            self.transitions = nn.Parameter(torch.zeros(c.n_classes, c.n_classes))
            self.start = nn.Parameter(torch.zeros(c.n_classes))
            self.end = nn.Parameter(torch.zeros(c.n_classes))
        # Per word id: the chance that training replaces it by the unknown word (word dropout, set by
        # the tagger's fit; not saved), so that the unknown word's embedding is trained too.
        self.register_buffer("unknown_rate", None, persistent=False)

    def emissions(self, words, chars, cases, clusters, lengths) -> torch.Tensor:
        """Per-token tag scores, (batch, time, tags). ``clusters``: (batch, time, prefixes) ids."""
        if self.training and self.unknown_rate is not None:
            drop = torch.rand(words.shape, device=words.device) < self.unknown_rate[words]
            words = words.masked_fill(drop, UNKNOWN)
        parts = [self.embedding(words)]
        if self.config.char_filters:
            parts.append(self.char_features(chars))
        if self.config.case_dim:
            parts.append(self.case_embedding(cases))
        if self.config.cluster_dim:
            parts.append(self.cluster_embedding(clusters).flatten(2))
        states = run_lstm(self.lstm, self.dropout(torch.cat(parts, dim=-1)), lengths)
        return self.scores(self.dropout(states))

    def char_features(self, chars: torch.Tensor) -> torch.Tensor:
        """Per token, the character CNN's filters max-pooled over the token's own characters, (batch, time,
        filters): the padding that fills a batch out to its longest token is left out of the max, so a
        token's features do not depend on the other texts of its batch (0 for padding tokens)."""
        b, t, n = chars.shape
        chars = chars.reshape(b * t, n)
        filters = self.char_cnn(self.char_embedding(chars).transpose(1, 2))  # (b*t, filters, n)
        padding = (chars == PAD).unsqueeze(1)
        pooled = filters.masked_fill(padding, torch.finfo(filters.dtype).min).max(dim=2).values
        return pooled.masked_fill(padding.all(dim=2), 0.0).reshape(b, t, -1)

    def forward(self, words, chars, cases, clusters, lengths) -> torch.Tensor:
        """Scores of the real tokens, (tokens, tags), row-major (the rows' tokens in order)."""
        return self.emissions(words, chars, cases, clusters, lengths)[words != PAD]

    def loss(self, logits, targets, inputs, class_weights=None):
        """The trainer's loss: CRF negative log-likelihood per token, or cross-entropy without a CRF.
        ``logits`` and ``targets`` are the real tokens' (as ``forward`` gives them); ``inputs``, the
        batch's inputs to ``forward``, place them in their rows. A target of ``trainer.NO_TARGET`` (a
        token of a dropped conflict term) is not known: it costs nothing without a CRF, and with one the
        likelihood is that of every tag there."""
        if not self.config.crf:
            if not (targets != trainer.NO_TARGET).any():  # (the mean over no token is not a number)
                return logits.sum() * 0.0
            return F.cross_entropy(logits.float(), targets, weight=class_weights, ignore_index=trainer.NO_TARGET)
        mask = inputs[0] != PAD
        emissions = logits.new_zeros((*mask.shape, logits.shape[-1]), dtype=torch.float32)
        emissions[mask] = logits.float()
        tags = targets.new_zeros(mask.shape)
        tags[mask] = targets
        return crf_nll(emissions, tags, mask, self.transitions, self.start, self.end).sum() / mask.sum()

    def transition_scores(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Transition, start and end scores for decoding, with O -> I and start -> I forbidden."""
        n = self.config.n_classes
        trans, start, end = np.zeros((n, n)), np.zeros(n), np.zeros(n)
        if self.config.crf:
            trans = self.transitions.detach().float().cpu().numpy().astype(np.float64)
            start = self.start.detach().float().cpu().numpy().astype(np.float64)
            end = self.end.detach().float().cpu().numpy().astype(np.float64)
        return constrain(trans, start, end)


def constrain(trans: np.ndarray, start: np.ndarray, end: np.ndarray):
    trans, start = trans.copy(), start.copy()
    o, i = TAGS.index("O"), TAGS.index("I")
    trans[o, i] = IMPOSSIBLE
    start[i] = IMPOSSIBLE
    return trans, start, end


def crf_nll(emissions, tags, mask, transitions, start, end) -> torch.Tensor:
    """Negative log-likelihood of the tag sequences under a linear-chain CRF, one value per row.
    ``mask``: real tokens (each row starts with at least one). A tag of ``trainer.NO_TARGET`` is not
    known: the likelihood is then that of all the paths through the known tags (a CRF trained on partial
    annotation, as Tsuboi et al. 2008), the log-sum over all paths of the emissions with every other tag
    of a known token ruled out, against the log-sum over all paths."""
    known = tags.unsqueeze(2) != trainer.NO_TARGET
    other = tags.unsqueeze(2) != torch.arange(emissions.shape[2], device=tags.device)
    gold = emissions.masked_fill(known & other, IMPOSSIBLE)
    both = torch.cat([emissions, gold])  # the two log-sums in one pass
    on_both = torch.cat([mask, mask])
    alpha = start + both[:, 0]  # (rows, tags): log-sum of all paths ending in each tag
    for t in range(1, both.shape[1]):
        nxt = torch.logsumexp(alpha.unsqueeze(2) + transitions + both[:, t].unsqueeze(1), dim=1)
        alpha = torch.where(on_both[:, t].unsqueeze(1), nxt, alpha)
    total = torch.logsumexp(alpha + end, dim=1)
    return total[:len(tags)] - total[len(tags):]


def viterbi(scores: np.ndarray, trans: np.ndarray, start: np.ndarray, end: np.ndarray) -> list[int]:
    """The best tag sequence for per-token ``scores`` (tokens x tags) and transition scores."""
    if not len(scores):
        return []
    best = start + scores[0]
    back = []
    for row in scores[1:]:
        total = best[:, None] + trans
        back.append(total.argmax(axis=0))
        best = total.max(axis=0) + row
    path = [int((best + end).argmax())]
    for pointers in reversed(back):
        path.append(int(pointers[path[-1]]))
    return path[::-1]


class BiLSTMTagger:
    """Aspect term extraction with a BiLSTM(-CRF) BIO tagger; see the module docstring.

    ``extra_words``: vocabulary beyond the training words (the vectors' most frequent words); they
    keep their vectors, which helps with words unseen in training, at the cost of model size.
    ``clusters``: how many words of the Brown cluster table (:mod:`sentiment.aspects.clusters`) the
    model keeps; each token's cluster path prefixes get ``cluster_dim``-wide embeddings (0, the
    default: none; on the SemEval dev splits they did not help this tagger, which has word vectors
    and a character CNN: ``benchmarks/results/aspects_tuning.md``).
    """

    name = "lstm"
    reads_word_vectors = True
    default_clusters = 0  # the pipeline's clusters=None: no gain with word vectors and a character CNN

    @classmethod
    def configured(cls, p: dict, *, cleaner, clusters: int) -> "BiLSTMTagger":
        """The tagger that an :class:`~sentiment.aspects.AspectPipeline` with settings ``p`` trains."""
        return cls(**network_options(p, p["tagger_epochs"], freeze=False), crf=p["crf"],
                   char_filters=50 if p["char_features"] else 0, clusters=clusters, cleaner=cleaner)

    def __init__(self, *, hidden_size: int = 128, layers: int = 1, dropout: float = 0.5, crf: bool = True,
                 char_filters: int = 50, case_dim: int = 8, epochs: int = 30, batch_size: int = 32,
                 lr: float = 2e-3, patience: int = 5, dev_fraction: float = 0.1, n_nets: int = 1,
                 extra_words: int = 0, freeze_embeddings: bool = False, word_dropout: float = 0.25,
                 clusters: int = 0, cluster_dim: int = 16, ema_epochs: float = 0.0, device: str = "auto",
                 seed: int = 0, cleaner=None) -> None:
        self.options = keyword_options(locals())
        self.cleaner = cleaner
        self.clusters_: WordClusters | None = None
        self.nets: list[TaggerNet] = []
        self.words_: list[str] = []
        self.chars_: list[str] = []
        self.history_: list[list[dict]] = []

    # -- inputs -----------------------------------------------------------------------------
    def _encode(self, texts: list[str]):
        """Tokens, and per text its word ids, character ids (tokens x chars), case classes and word
        cluster ids (tokens x prefixes; zeros when the model has no clusters)."""
        word_ids, char_ids, clusters = self._word_index, self._char_index, self.clusters_
        tokenized, fields = [], ([], [], [], [])
        for text in texts:
            toks = tokenize(text, self.cleaner)
            tokenized.append(toks)
            raws = [text[t.start:t.end] for t in toks]
            fields[0].append(np.array([word_ids.get(t.text, UNKNOWN) for t in toks], dtype=np.int64))
            chars = np.zeros((len(toks), min(MAX_CHARS, max((len(r) for r in raws), default=1))), dtype=np.int64)
            for i, raw in enumerate(raws):
                ids = [char_ids.get(c, UNKNOWN) for c in raw[:MAX_CHARS]]
                chars[i, :len(ids)] = ids
            fields[1].append(chars)
            fields[2].append(np.array([case_class(r) for r in raws], dtype=np.int64))
            fields[3].append(np.array([clusters.ids(t.text, r) for t, r in zip(toks, raws)], dtype=np.int64)
                             .reshape(len(toks), len(clusters.prefixes)) if clusters else np.zeros((len(toks), 1), dtype=np.int64))
        return tokenized, fields

    def _set_vocabularies(self, words, chars):
        self.words_, self.chars_ = list(words), list(chars)
        self._word_index = {w: i for i, w in enumerate(self.words_, FIRST_ID)}
        self._char_index = {c: i for i, c in enumerate(self.chars_, FIRST_ID)}

    # -- training ---------------------------------------------------------------------------
    def fit(self, sentences: list[dict], keyed=None, progress: bool = False) -> "BiLSTMTagger":
        """Train on sentence dicts; ``keyed``: gensim KeyedVectors (None: Word2Vec on these sentences)."""
        o = self.options
        texts = [s["text"] for s in sentences]
        tokens = [tokenize(t, self.cleaner) for t in texts]
        words = [[t.text for t in toks] for toks in tokens]
        if keyed is None:
            keyed = train_word_vectors(words, seed=o["seed"])
        dim = int(keyed.vector_size)
        char_counts = Counter(c for text, toks in zip(texts, tokens) for t in toks for c in text[t.start:t.end][:MAX_CHARS])
        self._set_vocabularies(build_vocabulary(words, keyed, o["extra_words"]),
                               [c for c, n in char_counts.most_common() if n >= 2 and not "\ud800" <= c <= "\udfff"])
        # (a lone surrogate, an undecodable byte, reads as an unknown character: UTF-8 model files cannot hold it)
        matrix = embedding_matrix(self.words_, keyed, dim, o["seed"])
        self.clusters_ = WordClusters(lexeme_clusters(o["clusters"])) if o["clusters"] and o["cluster_dim"] else None
        tokenized, fields = self._encode(texts)
        targets = [np.array([trainer.NO_TARGET if t is None else TAGS.index(t) for t in tag_targets(toks, s)], dtype=np.int64)
                   for toks, s in zip(tokenized, sentences)]
        keep = np.array([i for i, toks in enumerate(tokenized) if toks])
        if not len(keep):
            raise DataError("the training sentences hold no tokens; give sentences with words")
        config = trainer.TrainConfig(epochs=o["epochs"], lr=o["lr"], patience=o["patience"], stop_metric="macro_f1",
                                     ema_epochs=o["ema_epochs"])

        def batches_of(rows, device, rng):
            return PaddedBatches([[f[i] for i in keep[rows]] for f in fields], [targets[i] for i in keep[rows]],
                                 o["batch_size"] if rng is not None else PREDICT_BATCH_SIZE, device,
                                 per_token=True, rng=rng)

        rates = unknown_rates(self.words_, words, o["word_dropout"])

        def new_net():
            net = TaggerNet(TaggerConfig(
                n_words=FIRST_ID + len(self.words_), n_chars=FIRST_ID + len(self.chars_), embedding_dim=dim,
                char_filters=o["char_filters"], case_dim=o["case_dim"], hidden_size=o["hidden_size"],
                layers=o["layers"], dropout=o["dropout"], crf=o["crf"],
                **({"n_cluster_ids": self.clusters_.n_ids, "n_prefixes": len(self.clusters_.prefixes),
                    "cluster_dim": o["cluster_dim"]} if self.clusters_ else {})))
            net.unknown_rate = rates
            return net

        self.nets, self.history_ = _train_nets(o, len(keep), batches_of, new_net, matrix, config, progress)
        return self

    # -- prediction -------------------------------------------------------------------------
    def _check_fitted(self):
        if not self.nets:
            raise NotFittedError("this tagger is not fitted; call fit(...) first")

    @torch.no_grad()
    def tag_scores(self, texts: list[str]):
        """Tokens, per text the averaged per-token scores (tokens x tags) of the networks (log-softmax
        without a CRF), and the averaged transition scores for Viterbi decoding."""
        self._check_fitted()
        tokenized, fields = self._encode(texts)
        device = hardware.resolve_device(self.options["device"], fallback=True)
        keep = [i for i, toks in enumerate(tokenized) if toks]
        scores = [np.zeros((len(toks), len(TAGS))) for toks in tokenized]
        trans = [np.zeros((len(TAGS), len(TAGS))), np.zeros(len(TAGS)), np.zeros(len(TAGS))]
        for net in self.nets:
            for part, value in zip(trans, net.transition_scores()):
                part += value / len(self.nets)
        if not keep:
            return tokenized, scores, trans
        with hardware.device_errors(device, training=False):
            batches = PaddedBatches([[f[i] for i in keep] for f in fields], None, PREDICT_BATCH_SIZE, device)
            for net in self.nets:
                hardware.on_device(net, device).eval()
                for batch in batches:
                    emissions = net.emissions(*batch.inputs)  # full precision: the same tags on a GPU and a CPU
                    if not net.config.crf:
                        emissions = torch.log_softmax(emissions, dim=-1)
                    emissions = emissions.cpu().numpy().astype(np.float64)
                    for row, i in zip(emissions, batch.rows):
                        n = len(tokenized[keep[i]])
                        scores[keep[i]] += row[:n] / len(self.nets)
        return tokenized, scores, trans

    def extract(self, texts: list[str]) -> list[list[dict]]:
        tokenized, scores, trans = self.tag_scores(texts)
        return decode_viterbi(texts, tokenized, scores, trans)

    # -- state ------------------------------------------------------------------------------
    def get_state(self):
        self._check_fitted()
        state = {"name": self.name, "options": self.options, "words": self.words_, "chars": self.chars_,
                 "nets": [asdict(net.config) for net in self.nets], "history": self.history_}
        if self.clusters_:
            state["clusters"] = self.clusters_.get_state()
        return state, _net_arrays(self.nets)

    @classmethod
    def from_state(cls, state, arrays, cleaner=None) -> "BiLSTMTagger":
        # older files: trained without word dropout and clusters
        check_device_name(state["options"].get("device", "auto"))
        tagger = cls(**{"word_dropout": 0.0, "clusters": 0, **state["options"]}, cleaner=cleaner)
        tagger._set_vocabularies(saved_vocabulary(state["words"], "tagger's vocabulary"),
                                 saved_vocabulary(state["chars"], "tagger's characters"))
        if "clusters" in state:
            tagger.clusters_ = WordClusters.from_state(state["clusters"])
        tagger.history_ = list(state.get("history", []))
        tagger.nets = _load_nets(TaggerNet, TaggerConfig, state["nets"], arrays)
        clusters = tagger.clusters_
        for net in tagger.nets:
            _check_sizes(net.config, n_words=FIRST_ID + len(tagger.words_), n_chars=FIRST_ID + len(tagger.chars_),
                         n_classes=len(TAGS), **({"n_cluster_ids": clusters.n_ids, "n_prefixes": len(clusters.prefixes)}
                                                 if clusters else {"cluster_dim": 0}))
        return tagger


class CombinedTagger:
    """The BiLSTM-CRF tagger and the classical tagger decoded together: per token the network's tag scores
    plus the log-probabilities of the classical tagger's tags, one Viterbi path under the network's
    transitions (a product of the two models' opinions). They err differently (the network reads word
    vectors and characters, the classical tagger exact words, shapes and word clusters): dev extraction F1
    +3 points on restaurants and on laptops over the network alone in an exploratory run
    (``benchmarks/results/aspects_tuning.md``). Saved as its members' states, arrays under ``m0.``, ``m1.``.
    """

    name = "combined"
    reads_word_vectors = True  # its network does
    default_clusters = None  # the pipeline's clusters=None: each member its own default
    MEMBERS = ("lstm", "classical")

    def __init__(self, network: "BiLSTMTagger", classical) -> None:
        self.network, self.classical = network, classical

    @classmethod
    def configured(cls, p: dict, *, cleaner, clusters: int | None) -> "CombinedTagger":
        """Both taggers of an :class:`~sentiment.aspects.AspectPipeline` with settings ``p``."""
        from .extraction import ClassicalTagger

        return cls(*(member.configured(p, cleaner=cleaner,
                                       clusters=member.default_clusters if clusters is None else clusters)
                     for member in (BiLSTMTagger, ClassicalTagger)))

    def fit(self, sentences: list[dict], keyed=None, progress: bool = False) -> "CombinedTagger":
        self.network.fit(sentences, keyed=keyed, progress=progress)
        self.classical.fit(sentences, keyed=keyed, progress=progress)
        return self

    def extract(self, texts: list[str]) -> list[list[dict]]:
        tokenized, scores, trans = self.network.tag_scores(texts)
        _, probabilities = self.classical.tag_probabilities(texts, tokenized)  # one cleaner: the same tokens
        combined = [s + np.log(np.clip(p, 1e-6, 1.0)) for s, p in zip(scores, probabilities)]
        return decode_viterbi(texts, tokenized, combined, trans)

    def get_state(self):
        states, arrays = member_states((self.network, self.classical))
        return {"name": self.name, "members": states}, arrays

    @classmethod
    def from_state(cls, state, arrays, cleaner=None) -> "CombinedTagger":
        from .pipeline import stage_class

        members = state.get("members")
        if not isinstance(members, list) or [m.get("name") if isinstance(m, dict) else None
                                             for m in members] != list(cls.MEMBERS):
            raise ValueError(f"the saved combined extractor must hold an {' and a '.join(cls.MEMBERS)} tagger")
        return cls(*(stage_class("extractor", member).from_state(member, member_arrays(arrays, k), cleaner=cleaner)
                     for k, member in enumerate(members)))


def decode_viterbi(texts, tokenized, scores, trans) -> list[list[dict]]:
    """Viterbi tags, spans with character offsets; score = mean over the span's tokens of the softmax of
    ``scores`` (the network's, or for :class:`CombinedTagger` the sum with the classical tagger's
    log-probabilities) for the chosen tag (the CRF's transitions left out: a confidence, not the CRF's
    probability)."""
    results = []
    for text, toks, s in zip(texts, tokenized, scores):
        path = viterbi(s, *trans)
        chosen = _softmax(s)[np.arange(len(path)), path] if len(path) else np.zeros(0)
        results.append(tagged_spans(text, toks, [TAGS[i] for i in path], chosen))
    return results


def _softmax(scores: np.ndarray) -> np.ndarray:
    if not len(scores):
        return np.zeros((0, len(TAGS)))
    e = np.exp(scores - scores.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _net_arrays(nets) -> dict:
    """All networks' weights in one dict, network k's named ``net{k}.<name>``."""
    return {name: value for k, net in enumerate(nets) for name, value in saved_nets.net_arrays(net, f"net{k}.").items()}


def keyword_options(arguments: dict) -> dict:
    """A model's options, saved with it: its constructor's keyword arguments (the ``locals()`` of its
    ``__init__``, taken before it sets any other name), but the objects it is handed (``cleaner``, ``prior``)."""
    return {name: value for name, value in arguments.items() if name not in ("self", "cleaner", "prior")}


def _check_sizes(config, **sizes: int) -> None:
    """A ValueError (a damaged model) unless the saved network has the ``sizes`` that the model's word,
    character and cluster lists and its classes give: an id past an embedding's end fails only at predict
    (on a GPU it breaks the whole process's CUDA context), and inputs narrower than the LSTM expects pass
    torch's checks in packed form (a tagger without its cluster table would tag garbage)."""
    for name, size in sizes.items():
        if getattr(config, name) != size:
            raise ValueError(f"the network's {name} ({getattr(config, name)}) does not match its model ({size})")


def _load_nets(net_class, config_class, configs, arrays) -> list:
    nets = []
    for k, config in enumerate(configs):
        nets.append(saved_nets.build_net(net_class, config_class, config, arrays_under(arrays, f"net{k}.")))
    if not nets:
        raise ValueError("the saved model holds no network")
    return nets


# -- the polarity model --------------------------------------------------------------------------
@dataclass
class PolarityConfig:
    n_words: int
    embedding_dim: int = 100
    position_dim: int = 25
    hidden_size: int = 128
    layers: int = 1
    dropout: float = 0.5
    n_prior: int = 0  # prior features (log-odds of the sentence-polarity model's scores)
    n_classes: int = len(POLARITIES)
    head: str = "softmax"


class PolarityNet(nn.Module):
    """Target-aware BiLSTM: words + distance-to-aspect embeddings -> BiLSTM; attention over the states
    conditioned on the aspect's mean state; [attended, aspect, max-pool, prior] -> polarity logits."""

    def __init__(self, config: PolarityConfig) -> None:
        super().__init__()
        self.config = c = config
        self.embedding = nn.Embedding(c.n_words, c.embedding_dim, padding_idx=PAD)
        self.position = nn.Embedding(MAX_DISTANCE + 2, c.position_dim, padding_idx=PAD)
        self.dropout = nn.Dropout(c.dropout)
        self.lstm = _encoder(c.embedding_dim + c.position_dim, c.hidden_size, c.layers, c.dropout)
        width = 2 * c.hidden_size
        self.attention = nn.Sequential(nn.Linear(2 * width, width), nn.Tanh(), nn.Linear(width, 1, bias=False))
        self.head = nn.Linear(3 * width + c.n_prior, c.n_classes)

    def forward(self, words, positions, lengths, prior=None) -> torch.Tensor:
        """Logits. ``positions``: 1 + distance to the aspect (1 inside it, 0 padding)."""
        x = torch.cat([self.embedding(words), self.position(positions)], dim=-1)
        states = run_lstm(self.lstm, self.dropout(x), lengths)
        mask = (words != PAD).unsqueeze(-1)
        inside = (positions == 1).unsqueeze(-1).to(states.dtype)
        aspect = (states * inside).sum(dim=1) / inside.sum(dim=1).clamp(min=1.0)
        joined = torch.cat([states, aspect.unsqueeze(1).expand_as(states)], dim=-1)
        features = [self.dropout(torch.cat([attend(self.attention(joined), states, mask), aspect,
                                            max_pool(states, mask)], dim=-1))]
        if self.config.n_prior:  # a handful of strong features: no dropout
            features.append(prior.to(states.dtype))
        return self.head(torch.cat(features, dim=-1))


def _check_pretraining(texts, labels) -> None:
    unknown = sorted(set(labels) - set(POLARITIES))
    if len(texts) != len(labels) or unknown:
        raise DataError(f"pre-training needs one polarity ({', '.join(POLARITIES)}) per text; got {len(texts)} "
                        f"texts, {len(labels)} labels{', unknown: ' + str(unknown[:3]) if unknown else ''}")


class AttentionPolarity:
    """Aspect polarity with a target-aware attention BiLSTM; see the module docstring.

    ``prior``: a function from texts to the positive probability of a sentence-polarity model
    (as :class:`~sentiment.aspects.polarity.ClassicalPolarity` takes it), or None. The word vectors stay
    fixed by default (``freeze_embeddings``): with a few thousand aspects, fine-tuning them overfits
    (restaurants dev accuracy 0.691 fine-tuned, 0.713 fixed).
    """

    name = "lstm"
    reads_word_vectors = True

    @classmethod
    def configured(cls, p: dict, *, cleaner, prior) -> "AttentionPolarity":
        """The network that an :class:`~sentiment.aspects.AspectPipeline` with settings ``p`` trains."""
        return cls(**network_options(p, p["polarity_epochs"], freeze=True), cleaner=cleaner, prior=prior,
                   pretrain_epochs=p["pretrain_epochs"])

    def __init__(self, *, hidden_size: int = 128, layers: int = 1, dropout: float = 0.5, position_dim: int = 25,
                 epochs: int = 20, batch_size: int = 32, lr: float = 1e-3, patience: int = 4, min_epochs: int = 1,
                 dev_fraction: float = 0.1, n_nets: int = 1, extra_words: int = 0, freeze_embeddings: bool = True,
                 class_weight=None, ema_epochs: float = 0.0, device: str = "auto", seed: int = 0,
                 use_prior: bool = True, pretrain_epochs: int = 2, cleaner=None, prior=None) -> None:
        if not isinstance(min_epochs, int) or isinstance(min_epochs, bool) or not 1 <= min_epochs <= epochs:
            raise ConfigError(f"min_epochs must be a whole number from 1 to epochs ({epochs}), not {min_epochs!r}")
        if class_weight not in (None, "balanced"):  # the trainer would ignore anything else
            raise ConfigError(f"class_weight must be None or 'balanced', not {class_weight!r}")
        self.options = keyword_options(locals())
        self.cleaner, self.prior = cleaner, prior
        self.nets: list[PolarityNet] = []
        self.words_: list[str] = []
        self.history_: list[list[dict]] = []
        self.pretrained_on_ = 0  # texts of the pre-training (0: none)

    def _set_vocabulary(self, words):
        self.words_ = list(words)
        self._word_index = {w: i for i, w in enumerate(self.words_, FIRST_ID)}

    @property
    def _uses_prior(self) -> bool:
        return self.prior is not None and self.options["use_prior"]

    @property
    def _contrasted(self) -> bool:
        """Whether the prior features include the score of the part across a contrast word
        (:func:`~sentiment.aspects.polarity.contrasted_part`): for a network about to be trained, or one
        with more prior inputs than :data:`PRIOR_NAMES` (one saved before that feature has four)."""
        return not self.nets or self.nets[0].config.n_prior > len(PRIOR_NAMES)

    def _encode(self, items: list[tuple[str, int, int]], cache: dict[str, list[Token]] | None = None,
                with_prior: bool = True):
        """Per item its word ids and positions, and (with a prior, unless ``with_prior`` is false) the prior
        features. ``cache``: tokens of texts already tokenized (filled with the others)."""
        cache = {} if cache is None else cache
        contrasted, scored = self._contrasted, with_prior and self._uses_prior
        words, positions, pieces, cuts = [], [], [], {}  # cuts: clause_cuts of each text, found once
        for text, start, end in items:
            if text not in cache:
                cache[text] = tokenize(text, self.cleaner)
            toks = cache[text]
            if not toks:  # no word at all: one unknown token standing for the aspect
                words.append(np.array([UNKNOWN], dtype=np.int64))
                positions.append(np.array([1], dtype=np.int64))
                if scored:
                    pieces.append(prior_texts(text, toks, 0, 0, contrasted))
                continue
            first, last = locate(toks, start, end)
            read = range(max(0, first - CONTEXT), min(len(toks), last + CONTEXT))  # last: one past the aspect
            words.append(np.array([self._word_index.get(toks[i].text, UNKNOWN) for i in read], dtype=np.int64))
            distance = [first - i if i < first else max(0, i - last + 1) for i in read]
            positions.append(np.minimum(distance, MAX_DISTANCE).astype(np.int64) + 1)
            if scored:
                if text not in cuts:
                    cuts[text] = clause_cuts(text, toks)
                pieces.append(prior_texts(text, toks, first, last, contrasted, cuts[text]))
        dense = None
        if scored and items:
            p = np.clip(prior_positive(self.prior, pieces), 1e-4, 1 - 1e-4)
            dense = np.log(p / (1 - p)).astype(np.float32)
        return [words, positions], dense

    def fit(self, items: list[tuple[str, int, int]], labels: list[str], keyed=None, progress: bool = False,
            pretrain: tuple[list[str], list[str]] | None = None, groups=None) -> "AttentionPolarity":
        """Train on ``items`` (text, aspect start, aspect end) and their polarities.

        The early-stopping hold-out keeps the aspects of one sentence together: ``groups`` gives per item
        the sentences it comes from (:func:`~sentiment.aspects.polarity.aspect_groups`, which knows the
        two sentences of a contrast sentence); by default an item's text is its group.

        ``pretrain``: optional ``(texts, polarities)`` of whole texts (e.g. SST phrases mapped to
        negative / neutral / positive); each network first learns them for ``pretrain_epochs`` epochs,
        each text its own aspect, then keeps its encoder (embeddings, LSTM, attention) and starts a new
        output layer on the aspects: sentiment knowledge from far more text than the aspect data hold.
        The pre-training texts' words that have a vector join the vocabulary.
        """
        o = self.options
        if pretrain is not None:
            _check_pretraining(*pretrain)
        self.nets = []  # a refit reads the prior features as a new network does (_contrasted)
        pretraining = pretrain is not None and o["pretrain_epochs"] > 0
        texts = list(dict.fromkeys(text for text, _, _ in items))
        token_lists = [[t.text for t in tokenize(text, self.cleaner)] for text in texts]
        if keyed is None:
            keyed = train_word_vectors(token_lists, seed=o["seed"])
        dim = int(keyed.vector_size)
        pretrain_tokens: dict[str, list[Token]] = {}
        if pretraining:  # the pre-training's words that have a vector join in
            for text in pretrain[0]:
                pretrain_tokens[text] = tokenize(text, self.cleaner)
                token_lists.append([t.text for t in pretrain_tokens[text] if t.text in keyed.key_to_index])
        self._set_vocabulary(build_vocabulary(token_lists, keyed, o["extra_words"]))
        matrix = embedding_matrix(self.words_, keyed, dim, o["seed"])
        fields, dense = self._encode(items)
        y = np.array([POLARITIES.index(label) for label in labels], dtype=np.int64)
        config = trainer.TrainConfig(epochs=o["epochs"], lr=o["lr"],
                                     patience=o["patience"], min_epochs=o["min_epochs"], stop_metric="accuracy",
                                     class_weight=o["class_weight"], ema_epochs=o["ema_epochs"])

        def batches_of(rows, device, rng):
            return PaddedBatches([[f[i] for i in rows] for f in fields], y[rows],
                                 o["batch_size"] if rng is not None else PREDICT_BATCH_SIZE, device,
                                 dense=None if dense is None else dense[rows], rng=rng)

        def new_net():
            return PolarityNet(PolarityConfig(
                n_words=FIRST_ID + len(self.words_), embedding_dim=dim, position_dim=o["position_dim"],
                hidden_size=o["hidden_size"], layers=o["layers"], dropout=o["dropout"],
                n_prior=dense.shape[1] if dense is not None else 0))

        before = self._pretrainer(pretrain, pretrain_tokens, config, progress) if pretraining else None
        if groups is None:
            number = {text: k for k, text in enumerate(texts)}
            groups = [(number[text],) for text, _, _ in items]
        elif len(groups) != len(items):
            raise ValueError(f"groups must name the sentences of each item: {len(groups)} for {len(items)} items")
        self.nets, self.history_ = _train_nets(o, len(y), batches_of, new_net, matrix, config, progress, before,
                                               groups)
        self.pretrained_on_ = len(pretrain[0]) if pretraining else 0
        return self

    def _pretrainer(self, pretrain, tokens, config, progress):
        """``before`` for :func:`_train_nets`: train a copy of the network on the whole texts of
        ``pretrain`` (no prior features; ``tokens``: their tokens), then give the network its encoder."""
        texts, labels = pretrain
        keep = [i for i, t in enumerate(texts) if t.strip()]
        fields, _ = self._encode([(texts[i], 0, len(texts[i])) for i in keep], tokens, with_prior=False)
        y = np.array([POLARITIES.index(labels[i]) for i in keep], dtype=np.int64)
        config = trainer.TrainConfig(**{**asdict(config), "epochs": self.options["pretrain_epochs"], "schedule": None})

        def before(net, device, rng):
            donor = PolarityNet(replace(net.config, n_prior=0))
            donor.load_state_dict({k: v for k, v in net.state_dict().items() if not k.startswith("head.")},
                                  strict=False)
            donor.embedding.weight.requires_grad_(net.embedding.weight.requires_grad)
            batches = PaddedBatches(fields, y, self.options["batch_size"], device, rng=rng)
            trainer.train(donor, batches, None, config, device, progress)
            encoder = {k: v for k, v in donor.state_dict().items() if not k.startswith("head.")}
            net.load_state_dict(encoder, strict=False)

        return before

    def predict_proba(self, items: list[tuple[str, int, int]]) -> np.ndarray:
        """Probabilities in the order of :data:`POLARITIES`, averaged over the networks."""
        self._check_fitted()
        if not items:
            return np.zeros((0, len(POLARITIES)))
        fields, dense = self._encode(items)
        needs = self.nets[0].config.n_prior
        if needs and dense is None:
            raise ConfigError("this polarity model was trained with prior scores; load it with its prior model")
        device = hardware.resolve_device(self.options["device"], fallback=True)
        total = np.zeros((len(items), len(POLARITIES)))
        with hardware.device_errors(device, training=False):
            batches = PaddedBatches(fields, None, PREDICT_BATCH_SIZE, device, dense=dense if needs else None)
            for net in self.nets:
                probabilities, _ = trainer.predict(hardware.on_device(net, device), batches, device)
                total += probabilities / len(self.nets)
        return total / total.sum(axis=1, keepdims=True)

    def _check_fitted(self):
        if not self.nets:
            raise NotFittedError("this polarity model is not fitted; call fit(...) first")

    def get_state(self):
        self._check_fitted()
        state = {"name": self.name, "options": self.options, "words": self.words_,
                 "nets": [asdict(net.config) for net in self.nets], "history": self.history_,
                 "pretrained_on": self.pretrained_on_}
        return state, _net_arrays(self.nets)

    @classmethod
    def from_state(cls, state, arrays, cleaner=None, prior=None) -> "AttentionPolarity":
        check_device_name(state["options"].get("device", "auto"))
        model = cls(**state["options"], cleaner=cleaner, prior=prior)
        model._set_vocabulary(saved_vocabulary(state["words"], "polarity network's vocabulary"))
        model.history_ = list(state.get("history", []))
        model.pretrained_on_ = int(state.get("pretrained_on", 0))
        model.nets = _load_nets(PolarityNet, PolarityConfig, state["nets"], arrays)
        for net in model.nets:
            _check_sizes(net.config, n_words=FIRST_ID + len(model.words_), n_classes=len(POLARITIES))
            if net.config.n_prior not in (0, len(PRIOR_NAMES), len(PRIOR_NAMES) + 1):
                raise ValueError(f"the network's n_prior ({net.config.n_prior}) is none of the prior feature counts "
                                 f"(0, {len(PRIOR_NAMES)} or {len(PRIOR_NAMES) + 1})")
            if net.config.n_prior and prior is None:
                raise ValueError("its polarity network was trained with prior scores, and the model has no prior model")
        return model
