"""Brown word clusters for the aspect taggers (sentiment.aspects.clusters): the table read from
spacy-lookups-data, prefix ids and features, and taggers that keep their own copy of it."""

from __future__ import annotations

import json

import numpy as np
import pytest

from sentiment.aspects import AspectPipeline, clusters as clusters_module
from sentiment.aspects.clusters import UNKNOWN, WordClusters, lexeme_clusters
from sentiment.tokens import token_cleaner
from sentiment.aspects.extraction import token_features
from sentiment.tokens import tokenize
from sentiment.errors import ConfigError

from test_aspects import synthetic


@pytest.fixture(scope="module")
def table():
    return lexeme_clusters(20_000)


def test_the_table_groups_product_nouns_apart_from_verbs(table):
    assert len(table) == 20_000 and all(w == w.lower() for w in table)

    def shared(a, b):  # how many leading path bits two words share (the path starts at the lowest bit)
        return next((k for k in range(64) if (table[a] >> k) & 1 != (table[b] >> k) & 1), 64)

    assert shared("battery", "camera") >= 10 and shared("pizza", "keyboard") >= 10  # the same noun class
    assert shared("battery", "lasts") < 4 and shared("camera", "struggles") < 4  # nouns vs verbs: apart early


def test_prefix_ids_and_features():
    clusters = WordClusters({"battery": 0b1001, "camera": 0b1101, "lasts": 0b10}, prefixes=(2, 4))
    assert clusters.ids("battery")[0] == clusters.ids("camera")[0]  # share their first 2 bits (01)
    assert clusters.ids("battery")[1] != clusters.ids("camera")[1]
    assert clusters.ids("Battery") == clusters.ids("battery")  # looked up lower-cased
    assert clusters.ids("zzz", "battery") == clusters.ids("battery")  # the first form that has one
    assert clusters.ids("zzz") == [UNKNOWN, UNKNOWN]
    assert len({i for w in ("battery", "camera", "lasts") for i in clusters.ids(w)}) == 5
    assert max(i for w in ("battery", "camera", "lasts") for i in clusters.ids(w)) < clusters.n_ids
    assert clusters.features("lasts") == ["c2=2", "c4=2"] and clusters.features("zzz") == ["c=none"]
    again = WordClusters.from_state(json.loads(json.dumps(clusters.get_state())))
    assert [again.ids(w) for w in ("battery", "lasts", "zzz")] == [clusters.ids(w) for w in ("battery", "lasts", "zzz")]


def test_a_missing_lookups_package_is_a_clear_error(monkeypatch):
    def missing(*_):
        raise ModuleNotFoundError("spacy_lookups_data")

    monkeypatch.setattr(clusters_module.resources, "files", missing)
    with pytest.raises(ConfigError, match="spacy-lookups-data"):
        clusters_module._package_table("lexeme_cluster")


def test_classical_tagger_reads_the_clusters_of_a_word_and_its_neighbours(table):
    clusters = WordClusters(table)
    text = "The screen flickers"
    plain = token_features(tokenize(text), text)[1]
    rich = token_features(tokenize(text), text, clusters=clusters)[1]
    added = set(rich) - set(plain)
    assert {f"0{c}" for c in clusters.features("screen")} <= added
    assert {f"1{c}" for c in clusters.features("flickers")} <= added and "2c=/s" in added


def test_taggers_keep_their_table_and_load_without_the_package(monkeypatch, tmp_path):
    data = synthetic(80, seed=3)
    model = AspectPipeline(prior=None, bits=12, clusters=5_000).fit(data)
    assert len(model.extractor_.clusters_.table) == 5_000
    texts = ["The sushi was superb, the price was horrible.", "Our waiter was rude."]
    before = model.predict_aspects(texts)
    model.save(tmp_path / "m")

    def unavailable(*_):
        raise AssertionError("a saved model must not read spacy-lookups-data")

    monkeypatch.setattr(clusters_module, "_package_table", unavailable)
    loaded = AspectPipeline.load(tmp_path / "m")
    assert loaded.params["clusters"] == 5_000 and loaded.predict_aspects(texts) == before


def test_no_clusters_and_models_saved_before_them(tmp_path):
    model = AspectPipeline(prior=None, bits=12, clusters=0).fit(synthetic(80, seed=3))
    assert model.extractor_.clusters_ is None
    model.save(tmp_path / "m")
    config = json.loads((tmp_path / "m" / "config.json").read_text())
    del config["pipeline"]["clusters"]  # an older file
    (tmp_path / "m" / "config.json").write_text(json.dumps(config))
    assert AspectPipeline.load(tmp_path / "m").params["clusters"] == 0
    with pytest.raises(ConfigError, match="clusters"):
        AspectPipeline(clusters=-1)


def test_bilstm_tagger_gives_unseen_words_their_cluster():
    torch = pytest.importorskip("torch")
    from sentiment.aspects import neural

    torch.set_num_threads(1)
    data = synthetic(60, seed=2)
    words = [[t.text for t in tokenize(s["text"])] for s in data]
    vectors = neural.train_word_vectors(words, vector_size=8, epochs=1)
    tagger = neural.BiLSTMTagger(hidden_size=8, epochs=1, dev_fraction=0.0, clusters=5_000, cluster_dim=4,
                                 cleaner=token_cleaner()).fit(data, vectors)
    assert "car" not in tagger.words_ and "breaks" not in tagger.words_
    _, fields = tagger._encode(["The car breaks", ""])
    ids = fields[3][0]
    assert ids.shape == (3, len(tagger.clusters_.prefixes)) and fields[3][1].shape == (0, 4)
    assert (ids[1:] != UNKNOWN).all() and not np.array_equal(ids[1], ids[2])  # noun and verb told apart
    state, arrays = tagger.get_state()
    loaded = neural.BiLSTMTagger.from_state(json.loads(json.dumps(state)), arrays, cleaner=token_cleaner())
    assert loaded.extract(["The car breaks"]) == tagger.extract(["The car breaks"])
    lost = {k: v for k, v in state.items() if k != "clusters"}  # a network that reads clusters, without their table
    with pytest.raises(ValueError, match=r"the network's cluster_dim \(4\) does not match its model \(0\)"):
        neural.BiLSTMTagger.from_state(lost, arrays)
    # a file saved before word dropout and clusters: neither option, nor a cluster table
    plain = neural.BiLSTMTagger(hidden_size=8, epochs=1, dev_fraction=0.0, word_dropout=0.0,
                                cleaner=token_cleaner()).fit(data, vectors)
    state, arrays = plain.get_state()
    old = {**state, "options": {k: v for k, v in state["options"].items() if k not in ("clusters", "word_dropout")}}
    loaded = neural.BiLSTMTagger.from_state(old, arrays, cleaner=token_cleaner())
    assert (loaded.options["clusters"], loaded.options["word_dropout"]) == (0, 0.0)
    assert loaded.extract(["The car breaks"]) == plain.extract(["The car breaks"])


def test_by_default_the_classical_tagger_reads_clusters_and_the_lstm_tagger_does_not():
    from sentiment.aspects.extraction import ClassicalTagger
    from sentiment.aspects.neural import BiLSTMTagger

    model = AspectPipeline(prior=None, bits=12).fit(synthetic(40, seed=4))
    assert model.params["clusters"] is None
    assert len(model.extractor_.clusters_.table) == ClassicalTagger.default_clusters == 100_000
    assert BiLSTMTagger.default_clusters == 0


def test_the_id_cache_stays_bounded(monkeypatch):
    from sentiment.aspects import clusters

    monkeypatch.setattr(clusters, "CACHE_SIZE", 3)
    words = clusters.WordClusters({"good": 0b1011, "bad": 0b0110})
    first = words.ids("good")
    for word in ("a", "b", "c", "d", "e"):
        words.ids(word)
    assert len(words._cache) <= 3 and words.ids("good") == first


@pytest.mark.parametrize("edit, message", [
    ({"prefixes": [2_000_000_000]}, "not lengths from 1 to 63 bits"), ({"prefixes": [True]}, "not lengths"),
    ({"clusters": [1.5, 2, 3]}, "not whole numbers"), ({"clusters": [-1, 2, 3]}, "not whole numbers"),
])
def test_crafted_cluster_tables_are_refused(edit, message):
    state = {"prefixes": [4, 6], "words": ["a", "b", "c"], "clusters": [5, 6, 7], **edit}
    with pytest.raises(ValueError, match=message):
        WordClusters.from_state(state)
    assert WordClusters.from_state({"prefixes": [4, 6], "words": ["a", "b", "c"], "clusters": [5, 6, 7]}).n_ids > 2
