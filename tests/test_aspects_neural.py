"""PyTorch aspect models (sentiment.aspects.neural): training, two-aspect sentences, save/load, offsets.

Tiny synthetic data, CPU only; the CUDA check runs only where a GPU is present.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from sentiment.aspects import AspectPipeline  # noqa: E402
from sentiment.aspects import neural  # noqa: E402
from sentiment.aspects.data import POLARITIES, TAGS, bio_tags  # noqa: E402
from sentiment.tokens import token_cleaner, tokenize  # noqa: E402
from sentiment.errors import ConfigError, ModelFileError  # noqa: E402
from sentiment.models import hardware, saved_nets, trainer  # noqa: E402

from conftest import craft_stage  # noqa: E402
from test_aspects import synthetic  # noqa: E402

SMALL = {"hidden_size": 16, "epochs": 12, "batch_size": 16, "dev_fraction": 0.0}


@pytest.fixture(autouse=True, scope="module")
def _one_thread():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="module")
def data():
    return synthetic(120, seed=1)


@pytest.fixture(scope="module")
def vectors(data):
    words = [[t.text for t in tokenize(s["text"])] for s in data]
    return neural.train_word_vectors(words, vector_size=16, epochs=3)


@pytest.fixture(scope="module")
def tiny_pipeline(data):
    return AspectPipeline(extractor="lstm", polarity="lstm", prior=None, tagger_epochs=12, polarity_epochs=12,
                          hidden_size=24, dropout=0.1, freeze_embeddings=False, dev_fraction=0.0,
                          device="cpu").fit(data)


def test_training_lowers_the_loss(data, vectors):
    tagger = neural.BiLSTMTagger(**{**SMALL, "epochs": 4}, cleaner=token_cleaner()).fit(data, vectors)
    losses = [r["train_loss"] for r in tagger.history_[0]]
    assert losses[-1] < losses[0]
    items = [(s["text"], a["from"], a["to"]) for s in data for a in s["aspects"]]
    labels = [a["polarity"] for s in data for a in s["aspects"]]
    polarity = neural.AttentionPolarity(**{**SMALL, "epochs": 4}, cleaner=token_cleaner()).fit(items, labels, vectors)
    losses = [r["train_loss"] for r in polarity.history_[0]]
    assert losses[-1] < losses[0]


def brute_force_nll(emissions, transitions, start, end, row: int, n: int, tags: list[int]) -> float:
    """The CRF negative log-likelihood of the first ``n`` tags of ``row``, by listing every tag path: the log-sum
    of the scores of all paths against that of the paths through the known tags (``trainer.NO_TARGET``: any)."""
    import itertools

    def score(path):
        s = start[path[0]] + emissions[row, 0, path[0]] + end[path[-1]]
        for t in range(1, n):
            s = s + transitions[path[t - 1], path[t]] + emissions[row, t, path[t]]
        return s

    paths = list(itertools.product(range(emissions.shape[2]), repeat=n))
    fits = [p for p in paths if all(g == trainer.NO_TARGET or g == q for g, q in zip(tags, p))]
    total = torch.logsumexp(torch.stack([score(p) for p in paths]), 0)
    return (total - torch.logsumexp(torch.stack([score(p) for p in fits]), 0)).item()


def test_crf_loss_matches_brute_force():
    torch.manual_seed(0)
    emissions = torch.randn(2, 3, 3)
    transitions, start, end = torch.randn(3, 3), torch.randn(3), torch.randn(3)
    tags = torch.tensor([[0, 1, 2], [2, 0, 0]])
    mask = torch.tensor([[True, True, True], [True, True, False]])
    nll = neural.crf_nll(emissions, tags, mask, transitions, start, end)
    for row, n in enumerate((3, 2)):  # every tag known: one path through them, the gold one
        expected = brute_force_nll(emissions, transitions, start, end, row, n, tags[row, :n].tolist())
        assert nll[row].item() == pytest.approx(expected, abs=1e-4)


def test_crf_loss_with_unknown_tags_counts_every_path_through_the_known_ones():
    torch.manual_seed(1)
    emissions = torch.randn(2, 4, 3)
    transitions, start, end = torch.randn(3, 3), torch.randn(3), torch.randn(3)
    unknown = trainer.NO_TARGET
    tags = torch.tensor([[0, unknown, unknown, 2], [unknown, 1, 0, 0]])
    mask = torch.tensor([[True, True, True, True], [True, True, True, False]])
    nll = neural.crf_nll(emissions, tags, mask, transitions, start, end)
    for row, n in enumerate((4, 3)):
        expected = brute_force_nll(emissions, transitions, start, end, row, n, tags[row, :n].tolist())
        assert nll[row].item() == pytest.approx(expected, abs=1e-4)
    assert neural.crf_nll(emissions, torch.full_like(tags, unknown), mask, transitions, start, end).abs().max() < 1e-5


def test_tokens_of_unknown_tag_cost_nothing_and_are_not_scored():
    net = neural.TaggerNet(neural.TaggerConfig(n_words=4, n_chars=3, embedding_dim=5, char_filters=0, case_dim=0,
                                               hidden_size=4, dropout=0.0, crf=False))
    logits = torch.randn(3, 3)
    targets = torch.tensor([1, trainer.NO_TARGET, 0])
    inputs = (torch.tensor([[2, 3, 2]]),)
    expected = torch.nn.functional.cross_entropy(logits[[0, 2]], targets[[0, 2]])
    assert net.loss(logits, targets, inputs).item() == pytest.approx(expected.item())
    none = net.loss(logits.requires_grad_(), torch.full((3,), trainer.NO_TARGET), inputs)
    assert none.item() == 0.0
    none.backward()  # a batch of unknown tags only trains nothing, and is no error
    truth = np.array([1, trainer.NO_TARGET, 0])
    probabilities = np.array([[0.1, 0.9, 0.0], [1.0, 0.0, 0.0], [0.8, 0.1, 0.1]])
    assert trainer.dev_scores(truth, probabilities) == trainer.dev_scores(truth[[0, 2]], probabilities[[0, 2]])
    assert trainer.dev_scores(truth, probabilities)[0] == 1.0


def test_word_dropout_trains_the_unknown_word_and_is_off_when_predicting():
    rates = neural.unknown_rates(["pizza", "rare"], [["pizza", "pizza", "pizza", "rare"]], alpha=0.25)
    assert rates[:2].tolist() == [0.0, 0.0]  # padding and the unknown word itself
    assert rates[2].item() == pytest.approx(0.25 / 3.25) and rates[3].item() == pytest.approx(0.2)
    assert neural.unknown_rates(["pizza"], [["pizza"]], alpha=0) is None
    torch.manual_seed(0)
    net = neural.TaggerNet(neural.TaggerConfig(n_words=4, n_chars=3, embedding_dim=5, char_filters=0, case_dim=0,
                                               hidden_size=4, dropout=0.0))
    net.unknown_rate = torch.tensor([0.0, 0.0, 1.0, 1.0])  # every word dropped while training
    words, lengths = torch.tensor([[2, 3, 0]]), torch.tensor([2])
    unknown = torch.tensor([[neural.UNKNOWN, neural.UNKNOWN, 0]])
    chars, cases = torch.zeros(1, 3, 1, dtype=torch.long), torch.zeros(1, 3, dtype=torch.long)
    net.train()
    clusters = torch.zeros(1, 3, 1, dtype=torch.long)
    assert torch.equal(net.emissions(words, chars, cases, clusters, lengths),
                       net.emissions(unknown, chars, cases, clusters, lengths))
    net.eval()
    assert not torch.equal(net.emissions(words, chars, cases, clusters, lengths),
                           net.emissions(unknown, chars, cases, clusters, lengths))
    assert "unknown_rate" not in net.state_dict()  # not part of the model file


def test_a_tokens_character_features_ignore_the_batchs_padding():
    torch.manual_seed(0)
    net = neural.TaggerNet(neural.TaggerConfig(n_words=4, n_chars=6, embedding_dim=5, char_filters=7, case_dim=0,
                                               hidden_size=4, dropout=0.0)).eval()
    with torch.no_grad():  # every real position's output below 0, a fully padded position's exactly 0 (the bias):
        net.char_cnn.weight.fill_(-1.0)  # padding in the max would win it
        net.char_cnn.bias.fill_(0.0)
        net.char_embedding.weight.abs_()
        short = torch.tensor([[[2, 3, 0]]])  # one token of two characters, padded to 3
        wide = torch.tensor([[[2, 3, 0, 0, 0, 0]], [[4, 5, 2, 3, 4, 5]]])  # the same token beside a longer one
        alone = net.char_features(short)[0, 0]
        assert torch.allclose(alone, net.char_features(wide)[0, 0])
        assert torch.allclose(alone, net.char_features(torch.tensor([[[2, 3]]]))[0, 0])
        assert torch.equal(net.char_features(torch.zeros(1, 1, 3, dtype=torch.long)), torch.zeros(1, 1, 7))


def test_aspects_found_in_a_batch_are_those_found_alone(tiny_pipeline, data):
    texts = [s["text"] for s in data[:30]] + ["The supercalifragilisticexpialidocious keyboard and the screen"]
    together = tiny_pipeline.predict_aspects(texts)
    alone = [tiny_pipeline.predict_aspects([text])[0] for text in texts]

    def found(results):
        return [[(a["from"], a["to"], a["polarity"]) for a in aspects] for aspects in results]

    def scores(results):
        return [s for aspects in results for a in aspects for s in (a["score"], a["extraction_score"])]

    assert found(together) == found(alone)
    assert scores(together) == pytest.approx(scores(alone), abs=1e-5)  # they differ only in float rounding
    assert any(found(together)[-1])


def test_viterbi_finds_the_best_path_of_all():
    """Viterbi against a brute force over every tag path of short sentences, under the BIO constraints."""
    import itertools

    rng = np.random.default_rng(0)
    for n in (1, 2, 3, 4, 5):
        for _ in range(20):
            scores = rng.normal(size=(n, len(TAGS)))
            trans, start, end = neural.constrain(rng.normal(size=(len(TAGS), len(TAGS))), rng.normal(size=len(TAGS)),
                                                 rng.normal(size=len(TAGS)))

            def total(path):
                return (start[path[0]] + end[path[-1]] + sum(scores[t, k] for t, k in enumerate(path))
                        + sum(trans[a, b] for a, b in zip(path, path[1:])))

            best = max(itertools.product(range(len(TAGS)), repeat=n), key=total)
            assert neural.viterbi(scores, trans, start, end) == list(best)
    assert neural.viterbi(np.zeros((0, len(TAGS))), trans, start, end) == []


def test_viterbi_never_starts_a_span_with_i():
    trans, start, end = neural.constrain(np.zeros((3, 3)), np.zeros(3), np.zeros(3))
    scores = np.log(np.array([[0.1, 0.1, 0.8], [0.6, 0.1, 0.3], [0.4, 0.2, 0.4]]))
    path = [TAGS[i] for i in neural.viterbi(scores, trans, start, end)]
    assert path[0] != "I" and all(not (a == "O" and b == "I") for a, b in zip(path, path[1:]))


def test_two_aspects_of_opposite_polarity(tiny_pipeline):
    text = "The pizza was great but the service was awful."
    found = tiny_pipeline.predict_aspects([text])[0]
    assert [a["term"] for a in found] == ["pizza", "service"]
    assert [a["polarity"] for a in found] == ["positive", "negative"]
    by_term = tiny_pipeline.predict_aspects([text], aspects=["service", "pizza"])[0]
    assert [(a["term"], a["polarity"]) for a in by_term] == [("pizza", "positive"), ("service", "negative")]


def test_the_polarity_network_reads_a_bounded_context_around_each_aspect(tiny_pipeline):
    net = tiny_pipeline.polarity_
    filler = "and it was a day like many others " * 40  # 320 tokens without a full stop: one sentence
    text = filler + "but the service was awful " + filler
    start = text.index("service")
    (words,), (positions,) = net._encode([(text, start, start + len("service"))])[0]
    assert len(words) == 2 * neural.CONTEXT + 1 and positions[neural.CONTEXT] == 1  # the aspect, in the middle
    assert net.predict_proba([(text, start, start + 7)]).argmax() == POLARITIES.index("negative")
    short = "The pizza was great but the service was awful."  # a sentence shorter than the context: read whole
    (words,), _ = net._encode([(short, 4, 9)])[0]
    assert len(words) == len(tokenize(short))


def test_offsets_survive(tiny_pipeline):
    texts = ["I thought the Battery Life was superb although the keyboard seemed dreadful.",
             "  The  camera  was  lovely!!  "]
    for text, found in zip(texts, tiny_pipeline.predict_aspects(texts)):
        assert found
        for a in found:
            assert text[a["from"]:a["to"]] == a["term"]
    tokens = tokenize(texts[0])
    tags = bio_tags(tokens, [{"from": 14, "to": 26}])
    assert tags[3:5] == ["B", "I"]


def test_save_load_gives_identical_predictions(tiny_pipeline, tmp_path):
    texts = ["The sushi was superb, the price was horrible.", "Then the waiter arrived at noon.", ""]
    before = tiny_pipeline.predict_aspects(texts)
    items = [("The sushi was superb, the price was horrible.", 4, 9), ("x", 0, 1)]
    probs = tiny_pipeline.polarity_proba(items)
    tiny_pipeline.save(tmp_path / "m")
    assert not any(p.suffix in (".pkl", ".pt", ".pth") for p in (tmp_path / "m").rglob("*"))
    loaded = AspectPipeline.load(tmp_path / "m")
    assert isinstance(loaded.extractor_, neural.BiLSTMTagger)
    assert isinstance(loaded.polarity_, neural.AttentionPolarity)
    assert loaded.predict_aspects(texts) == before
    np.testing.assert_allclose(loaded.polarity_proba(items), probs, rtol=1e-6, atol=1e-7)
    assert probs.shape == (2, len(POLARITIES))


def test_mean_polarity_averages_both_models_and_saves_them(data, tmp_path):
    from sentiment.aspects.polarity import ClassicalPolarity, MeanPolarity

    pipe = AspectPipeline(polarity="mean", prior=None, bits=12, polarity_epochs=8, hidden_size=16,
                          dev_fraction=0.0, device="cpu", categories=False).fit(data)
    assert isinstance(pipe.polarity_, MeanPolarity)
    classical, network = pipe.polarity_.members
    assert isinstance(classical, ClassicalPolarity) and isinstance(network, neural.AttentionPolarity)
    items = [("The sushi was superb, the price was horrible.", 4, 9), ("The sushi was superb, the price was horrible.", 26, 31)]
    probs = pipe.polarity_proba(items)
    np.testing.assert_allclose(probs, (classical.predict_proba(items) + network.predict_proba(items)) / 2)
    assert [POLARITIES[i] for i in probs.argmax(axis=1)] == ["positive", "negative"]
    pipe.save(tmp_path / "m")
    loaded = AspectPipeline.load(tmp_path / "m")
    assert [type(m) for m in loaded.polarity_.members] == [ClassicalPolarity, neural.AttentionPolarity]
    np.testing.assert_allclose(loaded.polarity_proba(items), probs, rtol=1e-6, atol=1e-7)


def test_softmax_tagger_and_prior_features(data, vectors):
    tagger = neural.BiLSTMTagger(**SMALL, crf=False, char_filters=0, case_dim=0, cleaner=token_cleaner())
    found = tagger.fit(data, vectors).extract(["The camera was great."])[0]
    assert [a["term"] for a in found] == ["camera"]
    items = [(s["text"], a["from"], a["to"]) for s in data for a in s["aspects"]]
    labels = [a["polarity"] for s in data for a in s["aspects"]]
    prior = lambda texts: np.array([0.9 if ("great" in t or "superb" in t) else 0.3 for t in texts])
    model = neural.AttentionPolarity(**{**SMALL, "epochs": 2}, cleaner=token_cleaner(), prior=prior)
    model.fit(items, labels, vectors)
    assert model.nets[0].config.n_prior == 5  # clause, windows, sentence, the part across a contrast word
    assert model.predict_proba(items[:3]).shape == (3, 3)
    contrast = [("The screen was awful, but the camera was great.", 30, 36)]
    assert model._encode(contrast)[1][0, 4] == pytest.approx(np.log(0.3 / 0.7), rel=1e-4)  # "The screen was awful,"
    # a network trained before the contrast part was a feature reads four, as it was trained
    from dataclasses import replace

    model.nets = [neural.PolarityNet(replace(model.nets[0].config, n_prior=4))]
    assert model._encode(contrast)[1].shape == (1, 4) and model.predict_proba(contrast).shape == (1, 3)


def test_pretraining_carries_sentiment_words_the_aspect_data_lack():
    # The aspect data never use "splendid" or "atrocious"; the pre-training texts use them beside words
    # the aspect data know, so a pre-trained encoder reads them alike and the aspect layer follows.
    polarity_of = {"splendid": "positive", "great": "positive", "lovely": "positive",
                   "atrocious": "negative", "awful": "negative", "poor": "negative"}
    sentences = [f"The {n} was {a}." for n in ("pizza", "screen", "waiter", "battery", "menu")
                 for a in ("great", "lovely", "awful", "poor")] * 3
    items = [(t, 4, t.index(" was")) for t in sentences]
    labels = [polarity_of[t.split()[-1].rstrip(".")] for t in sentences]
    pretrain_texts = [f"{n} {w}" for w in polarity_of for n in ("stuff", "it was", "so", "the work was")] * 5
    pretrain_labels = [polarity_of[t.split()[-1]] for t in pretrain_texts]
    words = [[t.text for t in tokenize(s)] for s in sentences] + [t.split() for t in pretrain_texts]
    vectors = neural.train_word_vectors(words, vector_size=16, epochs=3)
    options = {**SMALL, "epochs": 10, "lr": 0.01, "dropout": 0.1, "pretrain_epochs": 20, "cleaner": token_cleaner()}
    probe = [("The soup was splendid.", 4, 8), ("The soup was atrocious.", 4, 8)]
    positive = POLARITIES.index("positive")

    model = neural.AttentionPolarity(**options).fit(items, labels, vectors, pretrain=(pretrain_texts, pretrain_labels))
    assert model.pretrained_on_ == len(pretrain_texts)
    assert {"splendid", "atrocious"} <= set(model.words_)  # the pre-training's words join the vocabulary
    splendid, atrocious = model.predict_proba(probe)[:, positive]
    assert splendid - atrocious > 0.2
    plain = neural.AttentionPolarity(**options).fit(items, labels, vectors)  # the same without pre-training
    splendid, atrocious = plain.predict_proba(probe)[:, positive]
    assert plain.pretrained_on_ == 0 and abs(splendid - atrocious) < 0.05
    with pytest.raises(neural.DataError, match="one polarity"):
        neural.AttentionPolarity(**options).fit(items, labels, vectors, pretrain=(["good stuff"], ["great"]))


def test_pipeline_pretrains_on_a_file_and_saves_only_its_name(data, sst_file, tmp_path):
    import json

    from sentiment.sst import read_sst_trees

    pipe = AspectPipeline(extractor="classical", polarity="lstm", prior=None, polarity_epochs=2, hidden_size=16,
                          pretrain=str(sst_file), dev_fraction=0.0, device="cpu", categories=False).fit(data)
    assert pipe.polarity_.pretrained_on_ == len(read_sst_trees(sst_file, phrases=True)[0])
    pipe.save(tmp_path / "m")
    config = json.loads((tmp_path / "m" / "config.json").read_text())
    assert config["pipeline"]["pretrain"] == "train.txt"
    loaded = AspectPipeline.load(tmp_path / "m")
    assert loaded.polarity_.pretrained_on_ == pipe.polarity_.pretrained_on_
    texts = ["The pizza was great but the service was awful."]
    assert loaded.predict_aspects(texts) == pipe.predict_aspects(texts)
    # only the name was kept: a refit or clone must not read another "train.txt" of the working folder
    assert loaded.get_params()["pretrain"] is None and loaded.get_params()["vectors_path"] is None
    loaded.save(tmp_path / "again")  # saved again, it still says what it learnt from
    assert json.loads((tmp_path / "again" / "config.json").read_text())["pipeline"]["pretrain"] == "train.txt"


def test_combined_extractor_decodes_both_taggers_together_and_saves_them(data, tmp_path):
    import json

    from sentiment.aspects.extraction import ClassicalTagger
    from sentiment.errors import ModelFileError

    pipe = AspectPipeline(extractor="combined", polarity="classical", prior=None, tagger_epochs=6, hidden_size=16,
                          dev_fraction=0.0, device="cpu", categories=False).fit(data)
    combined = pipe.extractor_
    assert isinstance(combined.network, neural.BiLSTMTagger) and isinstance(combined.classical, ClassicalTagger)
    assert combined.classical.clusters == ClassicalTagger.default_clusters and not combined.network.clusters_
    texts = [s["text"] for s in data[:40]]
    tokenized, scores, trans = combined.network.tag_scores(texts)
    _, probabilities = combined.classical.tag_probabilities(texts)
    by_hand = neural.decode_viterbi(texts, tokenized, [s + np.log(np.clip(p, 1e-6, 1)) for s, p in
                                                      zip(scores, probabilities)], trans)
    assert combined.extract(texts) == by_hand
    assert any(spans for spans in by_hand)
    # the classical tagger's vote counts: sure that every token is outside any aspect, it vetoes them all
    sure_outside = [np.tile([[1.0, 0.0, 0.0]], (len(t), 1)) for t in tokenized]
    combined.classical.tag_probabilities = lambda texts, tokens=None: (tokenized, sure_outside)
    assert combined.extract(texts) == [[] for _ in texts]
    del combined.classical.tag_probabilities
    pipe.save(tmp_path / "m")
    loaded = AspectPipeline.load(tmp_path / "m")
    assert loaded.predict_aspects(texts) == pipe.predict_aspects(texts)
    state_file = tmp_path / "m" / "extractor" / "state.json"
    state = json.loads(state_file.read_text())
    assert [m["name"] for m in state["members"]] == ["lstm", "classical"]
    state["members"].reverse()
    state_file.write_text(json.dumps(state))
    from sentiment.persistence import checksum

    config = json.loads((tmp_path / "m" / "config.json").read_text())
    config["files"]["extractor/state.json"] = checksum(state_file)
    (tmp_path / "m" / "config.json").write_text(json.dumps(config))
    with pytest.raises(ModelFileError, match="combined extractor must hold an lstm and a classical tagger"):
        AspectPipeline.load(tmp_path / "m")


def test_bad_options():
    with pytest.raises(ConfigError, match="extractor"):
        AspectPipeline(extractor="gru")
    with pytest.raises(ConfigError, match="n_nets"):
        AspectPipeline(polarity="lstm", n_nets=0)
    with pytest.raises(ConfigError, match="device"):
        AspectPipeline(extractor="lstm", device="tpu")
    with pytest.raises(ConfigError, match="class_weight must be None or 'balanced', not"):
        neural.AttentionPolarity(class_weight={"negative": 2.0})  # would be ignored by the trainer
    assert neural.AttentionPolarity(class_weight="balanced").options["class_weight"] == "balanced"


def test_both_networks_train_with_the_pipelines_weight_average(data, monkeypatch):
    seen = []
    real = trainer.train
    monkeypatch.setattr(trainer, "train", lambda net, batches, dev, config, *a: seen.append(
        (type(net).__name__, config.ema_epochs)) or real(net, batches, dev, config, *a))
    AspectPipeline(extractor="lstm", polarity="lstm", prior=None, tagger_epochs=1, polarity_epochs=1, hidden_size=8,
                   ema_epochs=0.5, device="cpu").fit(data)
    assert sorted(seen) == [("PolarityNet", 0.5), ("TaggerNet", 0.5)]
    for bad in (-1, "often", True, float("nan")):
        with pytest.raises(ConfigError, match="ema_epochs must be a number from 0 to 10000"):
            AspectPipeline(polarity="lstm", ema_epochs=bad)
    items = [(s["text"], a["from"], a["to"]) for s in data for a in s["aspects"]][:20]
    labels = [a["polarity"] for s in data for a in s["aspects"]][:20]
    with pytest.raises(ConfigError, match="ema_epochs must be a number of at least 0"):  # the classes alone
        neural.AttentionPolarity(**{**SMALL, "epochs": 1}, ema_epochs=-2, cleaner=token_cleaner()).fit(
            items, labels, neural.train_word_vectors([["a"]], vector_size=16, epochs=1))


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_trained_on_gpu_loads_on_cpu(data, tmp_path, monkeypatch):
    pipe = AspectPipeline(extractor="lstm", polarity="lstm", prior=None, tagger_epochs=2, polarity_epochs=2,
                          hidden_size=16, device="cuda").fit(data)
    pipe.save(tmp_path / "gpu")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    loaded = AspectPipeline.load(tmp_path / "gpu")
    assert hardware.resolve_device(loaded.polarity_.options["device"], fallback=True).type == "cpu"
    assert len(loaded.predict_aspects(["The pizza was great."])) == 1


def test_polarity_network_holds_out_whole_sentences(data, vectors, monkeypatch):
    seen = []
    real = trainer.hold_out_groups
    monkeypatch.setattr(trainer, "hold_out_groups", lambda groups, *a: seen.append(groups) or real(groups, *a))
    items = [(s["text"], a["from"], a["to"]) for s in data for a in s["aspects"]]
    labels = [a["polarity"] for s in data for a in s["aspects"]]
    options = {**SMALL, "epochs": 1, "dev_fraction": 0.2}
    neural.AttentionPolarity(**options, cleaner=token_cleaner()).fit(items, labels, vectors)
    groups = seen[-1]  # by default an item's text is its group: aspects of one sentence stay together
    assert len(groups) == len(items) and len(set(groups)) == len({text for text, _, _ in items})
    assert all((groups[i] == groups[j]) == (items[i][0] == items[j][0]) for i in range(20) for j in range(20))
    train, dev = real(groups, 0.2, np.random.default_rng(0))
    assert {items[i][0] for i in train}.isdisjoint(items[i][0] for i in dev)
    with pytest.raises(ValueError, match="groups"):
        neural.AttentionPolarity(**options, cleaner=token_cleaner()).fit(items, labels, vectors, groups=[(0,)])


def test_a_network_too_large_for_memory_is_refused_in_words(data, vectors, tiny_pipeline, monkeypatch):
    with pytest.raises(ConfigError, match=r"does not fit in the memory of the cpu device.*; use a smaller hidden_size or fewer extra_words$"):
        neural.BiLSTMTagger(**{**SMALL, "hidden_size": 10**11, "epochs": 1, "device": "cpu"},
                            cleaner=token_cleaner()).fit(data, vectors)

    def out_of_memory(*args, **kwargs):
        raise RuntimeError("CUDA out of memory. Tried to allocate 2 GiB")

    monkeypatch.setattr(trainer, "predict", out_of_memory)
    with pytest.raises(ConfigError, match=r"does not fit in the memory.*; predict fewer or shorter texts"):
        tiny_pipeline.polarity_.predict_proba([("the food was great", 4, 8)])


@pytest.mark.parametrize("stage, edit", [
    ("extractor", lambda s: s["words"].extend(["x0", "x1"])),
    ("extractor", lambda s: s.update(chars=s["chars"][:-1])),
    ("polarity", lambda s: s["words"].append("zzz")),
])
def test_a_vocabulary_that_does_not_fit_its_network_is_refused_at_load(tiny_pipeline, tmp_path, stage, edit):
    """Word or character ids past an embedding's end would fail only at predict (on a GPU, breaking the
    process's CUDA context)."""
    path = tiny_pipeline.save(tmp_path / "m")
    craft_stage(path, stage, edit_state=edit)
    with pytest.raises(ModelFileError, match=r"the network's n_(words|chars) \(\d+\) does not match its model"):
        AspectPipeline.load(path)


@pytest.mark.parametrize("stage, edit, what", [
    ("extractor", lambda s: s["words"].__setitem__(0, s["words"][1]), "tagger's vocabulary"),
    ("extractor", lambda s: s["chars"].__setitem__(0, ""), "tagger's characters"),
    ("polarity", lambda s: s["words"].__setitem__(1, None), "polarity network's vocabulary"),
])
def test_a_vocabulary_of_repeated_or_empty_words_is_refused_at_load(tiny_pipeline, tmp_path, stage, edit, what):
    """A word given twice would leave its first id unused, and another's vector read for it."""
    path = tiny_pipeline.save(tmp_path / "m")
    craft_stage(path, stage, edit_state=edit)
    with pytest.raises(ModelFileError, match=f"the {what} is not a list of distinct words"):
        AspectPipeline.load(path)


@pytest.mark.parametrize("model_class", [neural.BiLSTMTagger, neural.AttentionPolarity])
def test_a_network_model_saves_every_option_of_its_constructor(model_class):
    import inspect

    given = {name: p.default for name, p in inspect.signature(model_class).parameters.items()
             if name not in ("cleaner", "prior")}
    assert model_class().options == given


@pytest.mark.parametrize("model_class, net_class, config, says", [
    (neural.AttentionPolarity, neural.PolarityNet, neural.PolarityConfig(n_words=5, n_classes=2), "n_classes"),
    (neural.AttentionPolarity, neural.PolarityNet, neural.PolarityConfig(n_words=5, n_prior=2), "n_prior"),
    (neural.BiLSTMTagger, neural.TaggerNet, neural.TaggerConfig(n_words=5, n_chars=4, n_classes=2), "n_classes"),
    # cluster embeddings without the cluster table that gives their ids: packed inputs narrower than the
    # LSTM expects pass torch's checks, and the tagger would tag garbage
    (neural.BiLSTMTagger, neural.TaggerNet,
     neural.TaggerConfig(n_words=5, n_chars=4, n_cluster_ids=6, n_prefixes=2, cluster_dim=3), "cluster_dim"),
])
def test_a_network_of_a_shape_its_model_cannot_use_is_refused_at_load(model_class, net_class, config, says):
    """A network whose weights fit its settings, but whose settings do not fit the model around it, fails at
    load, not at predict (or never, with wrong answers)."""
    small = dataclasses.replace(config, embedding_dim=4, hidden_size=3)
    state = {"name": "lstm", "options": {"device": "cpu"}, "words": ["good", "bad", "food"], "chars": ["a", "b"],
             "nets": [dataclasses.asdict(small)], "history": []}
    if model_class is neural.AttentionPolarity:
        del state["chars"]
    with pytest.raises(ValueError, match=f"the network's {says} "):
        model_class.from_state(state, saved_nets.net_arrays(net_class(small), "net0."))


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has a GPU")
def test_a_missing_device_is_refused_before_anything_trains(data, monkeypatch):
    def no_training(*args, **kwargs):
        raise AssertionError("word vectors trained before the device was checked")

    monkeypatch.setattr(neural, "train_word_vectors", no_training)
    with pytest.raises(ConfigError, match="device='cuda', but this machine has no CUDA GPU"):
        AspectPipeline(extractor="lstm", prior=None, device="cuda").fit(data)
