"""The helpers shared by the sentence and the aspect neural models (sentiment.models.trainer)."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from sentiment.aspects import neural as aspect_neural  # noqa: E402
from sentiment.aspects.pipeline import AspectPipeline  # noqa: E402
from sentiment.errors import ConfigError  # noqa: E402
from sentiment.models import hardware, neural, saved_nets, trainer  # noqa: E402


# The two functions hold_out_rows replaced, as they were, to check it draws the same rows.
def old_aspect_hold_out(n, fraction, rng):
    n_dev = int(round(n * fraction))
    order = rng.permutation(n)
    if n_dev < 1 or n_dev >= n:
        return np.arange(n), np.arange(0)
    return np.sort(order[n_dev:]), np.sort(order[:n_dev])


def old_model_hold_out(X, y, fraction, rng):
    n_dev = int(round(len(y) * fraction))
    if n_dev < 1 or n_dev >= len(y):
        return X, y, None
    order = rng.permutation(len(y))
    dev_rows, train_rows = np.sort(order[:n_dev]), np.sort(order[n_dev:])
    take = (lambda rows: [X[i] for i in rows]) if isinstance(X, list) else (lambda rows: X[rows])
    return take(train_rows), y[train_rows], (take(dev_rows), y[dev_rows])


def test_the_models_training_defaults_are_the_trainers():
    """The mlp and lstm options and the trainer's settings name the same defaults, so that the aspect
    networks, which pass only some settings, train as the documented options say."""
    import dataclasses

    from sentiment.models.neural import TRAINING_DEFAULTS

    trainer_defaults = {f.name: f.default for f in dataclasses.fields(trainer.TrainConfig)}
    shared = TRAINING_DEFAULTS.keys() & trainer_defaults.keys()
    assert len(shared) >= 10
    assert {k: TRAINING_DEFAULTS[k] for k in shared} == {k: trainer_defaults[k] for k in shared}


def test_hold_out_rows_fixed_seed():
    train, dev = trainer.hold_out_rows(10, 0.3, np.random.default_rng(0))
    assert train.tolist() == [0, 1, 3, 5, 7, 8, 9]
    assert dev.tolist() == [2, 4, 6]


# no row, one row, too small a fraction to hold any out, everything but one row held out, and the usual case
CASES = [(0, 0.1, 0), (1, 0.5, 0), (5, 0.05, 1), (5, 0.9, 2), (37, 0.2, 7)]


@pytest.mark.parametrize("n, fraction, seed", CASES)
def test_aspect_hold_out_unchanged(n, fraction, seed):
    old_rng, new_rng = np.random.default_rng(seed), np.random.default_rng(seed)
    old = old_aspect_hold_out(n, fraction, old_rng)
    new = trainer.hold_out_rows(n, fraction, new_rng, always_draw=True)
    assert [a.tolist() for a in new] == [a.tolist() for a in old]
    assert new_rng.random() == old_rng.random()  # the generator is left in the same state (later shuffles)


@pytest.mark.parametrize("n, fraction, seed", CASES)
def test_model_hold_out_unchanged(n, fraction, seed):
    X_list = [[i] for i in range(n)]
    X_array, y = np.arange(2 * n).reshape(n, 2), np.arange(n) % 3
    for X in (X_list, X_array):
        old_rng, new_rng = np.random.default_rng(seed), np.random.default_rng(seed)
        old = old_model_hold_out(X, y, fraction, old_rng)
        new = neural._hold_out(X, y, fraction, new_rng)
        if old[2] is None:
            assert new[2] is None and new[0] is X and new[1] is y
        elif set(old[2][1]) - set(old[1]):  # a class held out entirely: its rows train now (see below)
            assert set(new[1]) == set(y)
        else:
            assert np.array_equal(new[0], old[0]) and np.array_equal(new[1], old[1])
            assert np.array_equal(new[2][0], old[2][0]) and np.array_equal(new[2][1], old[2][1])
        assert new_rng.random() == old_rng.random()


def test_the_hold_out_never_takes_every_text_of_a_class():
    y = np.array([0, 1] * 30 + [2])  # one text of class 2
    multi = np.eye(3, dtype=np.uint8)[y]  # the same as labels of several per text
    for seed in range(100):
        for labels in (y, multi):
            X_train, y_train, dev = neural._hold_out(np.arange(61), labels, 0.1, np.random.default_rng(seed))
            assert 60 in X_train and 60 not in dev[0]  # the class-2 text always trains
            assert sorted(X_train.tolist() + dev[0].tolist()) == list(range(61))
            assert len(dev[0]) == 6 - (60 in np.random.default_rng(seed).permutation(61)[:6])


def test_the_hold_out_keeps_in_training_a_class_whose_weighted_texts_it_would_take():
    y = np.array([0, 1] * 30)
    weights = np.zeros(60)
    weights[[5, 6]] = 1.0  # one weighted text of each class: the rest weigh nothing
    for seed in range(50):
        X_train, _, dev = neural._hold_out(np.arange(60), y, 0.25, np.random.default_rng(seed), weights)
        assert {5, 6} <= set(X_train.tolist())  # each class has a text that counts in training
        assert sorted(X_train.tolist() + ([] if dev is None else dev[0].tolist())) == list(range(60))


def test_the_hold_out_leaves_a_row_without_a_label_that_every_training_row_has():
    multi = np.ones((40, 2), dtype=np.uint8)
    multi[[7], 0] = 0  # one text lacks label 0: there is something to learn about label 0 only if it trains
    for seed in range(50):
        X_train, y_train, dev = neural._hold_out(np.arange(40), multi, 0.25, np.random.default_rng(seed))
        assert 7 in X_train.tolist() and not y_train[:, 0].all()
        assert sorted(X_train.tolist() + dev[0].tolist()) == list(range(40))


def test_the_hold_out_returns_only_weighted_rows_of_a_class_its_weighted_training_rows_lack():
    y = np.array([0, 1] * 20)
    weights = np.ones(40)
    weights[1::2] = 0.0
    weights[[1, 3]] = 1.0  # class 1: two texts that count, eighteen that weigh nothing
    for seed in range(50):
        rows = np.random.default_rng(seed).permutation(40)[:10]
        if not {1, 3} <= set(rows.tolist()):  # both weighted class-1 texts held out: the case tested
            continue
        X_train, _, dev = neural._hold_out(np.arange(40), y, 0.25, np.random.default_rng(seed), weights)
        assert {1, 3} <= set(X_train.tolist())  # back to training: they weigh something
        assert {r for r in rows.tolist() if r % 2 and r not in (1, 3)} <= set(dev[0].tolist())  # those that weigh 0 stay


@pytest.mark.parametrize("kind", ["features", "sparse", "sequences", "sequences longest first"])
def test_batches_carry_the_weights_of_their_rows(kind, monkeypatch):
    """Shuffled feature batches and length-bucketed sequence batches (also longest first, as on a GPU): each
    row keeps its own weight (scaled to a mean of 1)."""
    monkeypatch.setattr(trainer, "longest_first", lambda device: kind == "sequences longest first")
    rng = np.random.default_rng(0)
    n = 37
    weights = rng.uniform(0.1, 5.0, n)
    y = rng.integers(0, 3, n)
    if kind.startswith("sequences"):
        sequences = [rng.integers(1, 50, rng.integers(1, 9)).tolist() for _ in range(n)]
        batches = trainer.SequenceBatches(sequences, y, 5, torch.device("cpu"), rng=rng, sample_weight=weights)
    else:
        import scipy.sparse as sp

        X = rng.random((n, 4)).astype(np.float32)
        batches = trainer.FeatureBatches(sp.csr_matrix(X) if kind == "sparse" else X, y, 5, torch.device("cpu"),
                                         sparse=kind == "sparse", rng=rng, sample_weight=weights)
    for _ in range(2):  # epochs: a new order each time
        seen = []
        for batch in batches:
            np.testing.assert_allclose(batch.weights.numpy() * weights.mean(), weights[batch.rows], rtol=1e-6)
            np.testing.assert_array_equal(batch.targets.numpy(), y[batch.rows])
            seen += batch.rows.tolist()
        assert sorted(seen) == list(range(n))


def test_net_arrays_round_trip():
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.BatchNorm1d(2))
    arrays = saved_nets.net_arrays(net, "net0.")
    assert set(arrays) == {f"net0.{k}" for k in net.state_dict()}
    assert all(a.dtype == np.float32 for a in arrays.values())
    copy = torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.BatchNorm1d(2)).train()
    loaded = saved_nets.load_net_arrays(copy, {k[len("net0."):]: v for k, v in arrays.items()})
    assert loaded is copy and not copy.training
    for name, value in net.state_dict().items():
        assert torch.equal(copy.state_dict()[name], value)  # int64 counters keep their dtype
        assert copy.state_dict()[name].dtype == value.dtype
    with pytest.raises(ValueError, match="do not fit"):
        saved_nets.load_net_arrays(torch.nn.Linear(4, 2), saved_nets.net_arrays(torch.nn.Linear(3, 2)))


def test_a_saved_network_is_rebuilt_from_its_weights_alone():
    from sentiment.models.nets import LSTMConfig, LSTMNet, MLPConfig, MLPNet

    torch.manual_seed(0)
    for net_class, config_class, config in [
            (MLPNet, MLPConfig, {"n_features": 7, "n_classes": 3, "sparse_input": False, "normalization": "batch"}),
            (LSTMNet, LSTMConfig, {"n_tokens": 9, "n_classes": 2, "embedding_dim": 4, "hidden_size": 3})]:
        net = net_class(config_class(**config)).eval()
        arrays = saved_nets.net_arrays(net)
        loaded = saved_nets.build_net(net_class, config_class, config, arrays)
        for name, value in net.state_dict().items():
            assert not loaded.state_dict()[name].is_meta and loaded.state_dict()[name].dtype == value.dtype
            assert torch.equal(loaded.state_dict()[name], value), name
        if net_class is LSTMNet:  # the LSTM runs on the loaded weights (its flat weight list follows them)
            ids, lengths = torch.tensor([[1, 2, 3], [4, 5, 0]]), torch.tensor([3, 2])
            assert torch.equal(loaded(ids, lengths), net(ids, lengths))
        with pytest.raises(ValueError, match="do not fit"):
            saved_nets.build_net(net_class, config_class, config, {k: v for k, v in list(arrays.items())[:-1]})


def test_building_a_network_for_saved_weights_runs_no_initialisation(tmp_path):
    # Initialisers on the meta device import torch._dynamo (1.4 s of every load); in a fresh interpreter,
    # so that no other test has imported it already, loading and using a saved LSTM must not.
    import subprocess
    import sys

    from sentiment.models.nets import LSTMConfig, LSTMNet

    config = {"n_tokens": 9, "n_classes": 2, "embedding_dim": 4, "hidden_size": 3}
    arrays = saved_nets.net_arrays(LSTMNet(LSTMConfig(**config)).eval())
    np.savez(tmp_path / "weights.npz", **arrays)
    code = (
        "import sys, json, numpy as np, torch\n"
        "from sentiment.models import saved_nets\n"
        "from sentiment.models.nets import LSTMConfig, LSTMNet\n"
        f"arrays = dict(np.load({str(tmp_path / 'weights.npz')!r}))\n"
        f"net = saved_nets.build_net(LSTMNet, LSTMConfig, {config!r}, arrays)\n"
        "net(torch.tensor([[1, 2, 3]]), torch.tensor([3]))\n"
        "print(json.dumps([name for name in sys.modules if name.startswith('torch._dynamo')]))\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_aspect_net_arrays_names():
    nets = [torch.nn.Linear(3, 2), torch.nn.Linear(3, 2)]
    arrays = aspect_neural._net_arrays(nets)
    assert list(arrays) == ["net0.weight", "net0.bias", "net1.weight", "net1.bias"]
    assert np.array_equal(arrays["net1.weight"], nets[1].weight.detach().numpy())


VALID_DEVICES = ["auto", "cpu", "mps", "cuda", "cuda:0", "cuda:12"]
INVALID_DEVICES = ["gpu", "CUDA", "cuda:", "cuda:x", "cpu ", "", "tpu", "cuda:0:1", None, 0,
                   "cuda:01", "cuda:99999999999999999999"]  # torch reads neither (it failed deep in fit)


def test_a_device_name_torch_cannot_read_is_a_config_error_where_it_is_resolved():
    """A saved model's config is not checked as an option is: its device is resolved when it predicts."""
    for name in ("cuda:01", "cuda:99999999999999999999"):
        with pytest.raises(ConfigError, match=f"^device must be 'auto', 'cpu', 'cuda', 'cuda:N' or 'mps', not '{name}'$"):
            hardware.resolve_device(name, fallback=True)


@pytest.mark.parametrize("device", VALID_DEVICES + INVALID_DEVICES)
def test_every_stage_with_a_device_checks_it_the_same_way(device):
    builders = [lambda: AspectPipeline(device=device), lambda: neural.MLPModel(device=device).check_params(),
                lambda: neural.LSTMModel(device=device).check_params()]
    for build in builders:
        if device in VALID_DEVICES:
            build()
        else:
            with pytest.raises(ConfigError, match="device must be"):
                build()


@pytest.mark.parametrize("capability, mixed", [((7, 5), False), ((8, 0), True), ((9, 0), True)])
@pytest.mark.filterwarnings("ignore:CUDA is not available")  # made, not entered, on this CPU-only machine
def test_bf16_only_on_gpus_that_compute_in_it(monkeypatch, capability, mixed):
    monkeypatch.setattr(torch.cuda, "get_device_capability", lambda device=None: capability)
    context = hardware.autocast(torch.device("cuda"))
    assert isinstance(context, torch.autocast) == mixed
    assert not isinstance(hardware.autocast(torch.device("cpu")), torch.autocast)


def test_every_network_trains_in_bf16_with_batches_longest_first_as_on_a_gpu(monkeypatch):
    """The branches a CUDA GPU alone takes (bf16 autocast while training, batches longest first), taken on the
    CPU, where no other test trains in bf16: each network trains and predicts. A mix of dtypes torch refuses
    (the tagger's bf16 scores written into its float32 CRF emissions without .float()) fails here as it would
    on the GPU. (CPU autocast keeps a softmax in bf16 where CUDA's computes it in float32.)"""
    from scipy import sparse

    from sentiment.models import nets
    from sentiment.tokens import token_cleaner, tokenize
    from test_aspects import synthetic

    entered = []

    def bf16(device):
        entered.append(device)
        return torch.autocast("cpu", dtype=torch.bfloat16)

    monkeypatch.setattr(hardware, "autocast", bf16)
    monkeypatch.setattr(trainer, "longest_first", lambda device: True)
    monkeypatch.setattr(nets, "longest_first", lambda device: True)
    rng = np.random.default_rng(0)
    y, labels = rng.integers(0, 3, 40), (rng.random((40, 3)) < 0.5).astype(int)
    features = sparse.random(40, 30, density=0.2, random_state=0, format="csr")
    sequences = [rng.integers(1, 20, rng.integers(1, 9)) for _ in range(40)]
    fast = {"epochs": 2, "batch_size": 8, "dev_fraction": 0.2}
    for model, X, codes in [(neural.MLPModel(normalization="batch", **fast), features, y),
                            (neural.MLPModel(hidden_sizes=[], **fast), features.toarray(), labels),
                            (neural.LSTMModel(init_embeddings=False, hidden_size=8, lstm_pooling="attention", **fast),
                             sequences, labels)]:
        model.fit(X, codes, sample_weight=rng.uniform(0.5, 2.0, 40))
        assert np.isfinite([r["train_loss"] for r in model.history_]).all()
        assert np.isfinite(model.predict_proba(X)).all()
    data = synthetic(40, seed=1)
    words = [[t.text for t in tokenize(s["text"])] for s in data]
    vectors = aspect_neural.train_word_vectors(words, vector_size=8, epochs=1)
    small = {"hidden_size": 8, "epochs": 2, "batch_size": 8, "cleaner": token_cleaner()}
    tagger = aspect_neural.BiLSTMTagger(**small).fit(data, vectors)
    assert np.isfinite(tagger.tag_scores([data[0]["text"]])[1][0]).all()
    items = [(s["text"], a["from"], a["to"]) for s in data for a in s["aspects"]]
    prior = lambda texts: np.full(len(texts), 0.7)  # noqa: E731
    polarity = aspect_neural.AttentionPolarity(**small, class_weight="balanced", prior=prior)
    polarity.fit(items, [a["polarity"] for s in data for a in s["aspects"]], vectors)
    assert np.isfinite(polarity.predict_proba(items)).all()
    assert len(entered) > 20  # (the steps ran under the stand-in autocast)


def test_an_operation_missing_on_apple_mps_says_what_to_do():
    with pytest.raises(ConfigError, match=r"cannot run the model on Apple MPS \(aten::_embedding_bag\).*device='cpu'"):
        with hardware.device_errors(torch.device("mps")):
            raise NotImplementedError("aten::_embedding_bag\nmore lines")
    with pytest.raises(NotImplementedError):  # elsewhere it is not a device's gap
        with hardware.device_errors(torch.device("cpu")):
            raise NotImplementedError("something")


def test_a_network_too_large_for_memory_says_what_to_make_smaller():
    for error in (RuntimeError("[enforce fail at alloc_cpu.cpp:127] DefaultCPUAllocator: can't allocate memory"),
                  RuntimeError("CUDA out of memory. Tried to allocate 20.00 GiB"), MemoryError(),
                  RuntimeError("Storage size calculation overflowed with sizes=[400000000000, 100000000000]")):
        with pytest.raises(ConfigError, match=r"does not fit in the memory of the cpu device( \(.+\))?; use smaller hidden sizes"):
            with hardware.device_errors(torch.device("cpu")):
                raise error
    with pytest.raises(ConfigError, match=r"cpu device \(CUDA out of memory. Tried to allocate 2 GiB\); predict fewer"):
        with hardware.device_errors(torch.device("cpu"), training=False):  # a trained model, predicting
            raise RuntimeError("CUDA out of memory. Tried to allocate 2 GiB")
    with pytest.raises(RuntimeError, match="shapes cannot be multiplied"):  # another RuntimeError stays a bug
        with hardware.device_errors(torch.device("cpu")):
            raise RuntimeError("mat1 and mat2 shapes cannot be multiplied")


def test_a_device_error_keeps_nothing_of_the_failed_work_alive():
    """The finished frames of the failed work (the training loop's batches, optimizer state) let go of what
    they held: the one-line error keeps the first error as its context, and a notebook the last error."""
    import gc
    import weakref

    class Batches:
        pass

    def train():  # what the training loop holds when the GPU's memory runs out
        batches = Batches()
        train.made = weakref.ref(batches)
        raise RuntimeError("CUDA out of memory. Tried to allocate 20.00 GiB")

    with pytest.raises(ConfigError) as caught:
        with hardware.device_errors(torch.device("cpu")):
            train()
    assert isinstance(caught.value.__context__, RuntimeError)  # kept, as the error's context
    gc.collect()
    assert train.made() is None


def test_a_huge_hidden_layer_is_refused_in_words(binary):
    from sentiment import Pipeline

    with pytest.raises(ConfigError, match=r"hidden_sizes must be .*from 1 to 8192"):  # before any text is read
        Pipeline("tfidf", "mlp", hidden_sizes=[10**11], epochs=1).fit(binary.train_texts, binary.train_labels)


def test_hold_out_groups_keeps_each_group_on_one_side():
    groups = [(0,), (0,), (1,), (2,), (2,), (3,), (4,), (1, 3), (0, 2), (5,), (6,), (7,)]
    train, dev = trainer.hold_out_groups(groups, 0.25, np.random.default_rng(0))
    assert len(dev) and len(train)
    held = {g for r in dev for g in groups[r]}
    trained = {g for r in train for g in groups[r]}
    assert held.isdisjoint(trained)  # no sentence on both sides
    assert len(held) == 2  # round(8 groups * 0.25)
    left_out = set(range(len(groups))) - set(train.tolist()) - set(dev.tolist())
    for r in left_out:  # only a joined row of a held-out and a training group is left out
        assert len(groups[r]) == 2 and not set(groups[r]) <= held and not held.isdisjoint(groups[r])
    again = trainer.hold_out_groups(groups, 0.25, np.random.default_rng(0))
    assert [a.tolist() for a in again] == [train.tolist(), dev.tolist()]


def test_hold_out_groups_trains_on_a_row_of_no_group_and_never_holds_it_out():
    groups = [(0,), (1,), (), (2,), (3,)]
    for seed in range(5):
        train, dev = trainer.hold_out_groups(groups, 0.5, np.random.default_rng(seed))
        assert set(train.tolist()).isdisjoint(dev.tolist()) and 2 in train.tolist()


@pytest.mark.parametrize("groups, fraction", [([], 0.1), ([(0,), (0,)], 0.5), ([(0,), (1,)], 0.1),
                                              ([(0,), (1,), (0, 1)], 0.99)])
def test_hold_out_groups_holds_nothing_out_when_it_cannot(groups, fraction):
    rng = np.random.default_rng(0)
    train, dev = trainer.hold_out_groups(groups, fraction, rng)
    assert train.tolist() == list(range(len(groups))) and dev.tolist() == []


def test_the_lstm_layers_run_in_float32_under_autocast():
    """Autocast runs a cuDNN LSTM in float16 whatever dtype it is given (bf16 here), without loss scaling;
    the networks' LSTMs leave autocast for float32 (CPU autocast, which runs LSTMs in bf16, shows it)."""
    from sentiment.models.nets import run_lstm

    torch.manual_seed(0)
    lstm = torch.nn.LSTM(4, 3, batch_first=True, bidirectional=True)
    x, lengths = torch.randn(2, 5, 4), torch.tensor([5, 2])
    plain = run_lstm(lstm, x, lengths)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        try:  # what autocast alone does, where this CPU's oneDNN has a bf16 LSTM (not on every x86 CPU)
            assert lstm(x)[0].dtype == torch.bfloat16
        except RuntimeError as exc:
            assert "primitive" in str(exc)  # oneDNN "could not create a primitive descriptor" for it
        states = run_lstm(lstm, x.bfloat16(), lengths)
    assert states.dtype == torch.float32 and states.shape == (2, 5, 6)
    torch.testing.assert_close(states, plain, atol=1e-2, rtol=0)  # the input's bf16 rounding only
    assert states[1, 2:].abs().sum() == 0  # padded back with zeros past each row's length


@pytest.mark.parametrize("runs, chosen", [(True, "mps"), (False, "cpu")])
def test_auto_picks_apple_mps_only_where_it_runs_the_networks(monkeypatch, runs, chosen):
    """Many torch builds lack the mlp's embedding bag on MPS: "auto" then trains on the CPU rather than
    failing mid-fit on a device the user never chose (a named device="mps" is taken as asked)."""
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: True)
    monkeypatch.setattr(hardware, "_mps_runs_the_nets", lambda: runs)
    assert hardware.resolve_device("auto") == torch.device(chosen)
    assert hardware.resolve_device("mps") == torch.device("mps")


@pytest.mark.skipif(torch.backends.mps.is_available(), reason="this machine has Apple MPS")
def test_the_mps_check_says_no_where_there_is_no_mps():
    assert hardware._mps_runs_the_nets.__wrapped__() is False


def test_batches_longest_first_hold_the_same_rows_in_decreasing_length():
    lengths = np.array([5, 1, 3, 3, 4, 2, 3, 6, 1])
    plain = trainer.by_length(lengths, 3, np.random.default_rng(0))
    longest = trainer.by_length(lengths, 3, np.random.default_rng(0), longest_first=True)
    assert [sorted(rows.tolist()) for rows in longest] == [sorted(rows.tolist()) for rows in plain]
    assert all(np.all(np.diff(lengths[rows]) <= 0) for rows in longest)
    assert not all(np.all(np.diff(lengths[rows]) <= 0) for rows in plain)  # the CPU's order: shortest first
    assert trainer.longest_first(torch.device("cuda")) and not trainer.longest_first(torch.device("cpu"))


def test_only_a_gpu_batch_longest_first_packs_as_given():
    from sentiment.models.nets import packs_as_given

    on_a_device = torch.empty(3, 5, 4, device="meta")  # any device but the CPU, as a GPU would be
    assert packs_as_given(on_a_device, torch.tensor([5, 4, 2])) and packs_as_given(on_a_device, torch.tensor([3, 3, 3]))
    assert not packs_as_given(on_a_device, torch.tensor([2, 4, 5]))
    assert not packs_as_given(torch.empty(3, 5, 4), torch.tensor([5, 4, 2]))  # the CPU sorts, as it always did
    assert not packs_as_given(on_a_device, torch.tensor([5, 4, 2], device="meta"))  # no reading lengths off a device


def test_run_lstm_takes_lengths_as_a_list_too(monkeypatch):
    """As packing does, also on the GPU's path (packing as given, which reads the lengths' order)."""
    from sentiment.models import nets

    monkeypatch.setattr(nets, "longest_first", lambda device: True)  # the GPU's packing, on the CPU
    torch.manual_seed(0)
    lstm = torch.nn.LSTM(4, 3, batch_first=True)
    x = torch.randn(2, 5, 4)
    torch.testing.assert_close(nets.run_lstm(lstm, x, [5, 2]), nets.run_lstm(lstm, x, torch.tensor([5, 2])))


def test_an_lstm_batch_packed_as_given_has_the_states_of_a_sorted_one(monkeypatch):
    """A batch longest first packed without sorting (the GPU's path) gives the states that the same rows in
    another order, sorted while packing, give."""
    from sentiment.models import nets

    asked = []
    pack = torch.nn.utils.rnn.pack_padded_sequence
    monkeypatch.setattr(torch.nn.utils.rnn, "pack_padded_sequence",
                        lambda *a, **k: asked.append(k["enforce_sorted"]) or pack(*a, **k))
    monkeypatch.setattr(nets, "longest_first", lambda device: True)  # the GPU's packing, on the CPU
    torch.manual_seed(0)
    lstm = torch.nn.LSTM(4, 3, batch_first=True, bidirectional=True)
    x, lengths = torch.randn(3, 5, 4), torch.tensor([5, 4, 2])
    order = torch.tensor([2, 0, 1])  # not sorted by length
    in_order, shuffled = nets.run_lstm(lstm, x, lengths), nets.run_lstm(lstm, x[order], lengths[order])
    assert asked == [True, False]
    torch.testing.assert_close(in_order[order], shuffled, atol=1e-6, rtol=0)
    assert in_order[2, 2:].abs().sum() == 0


def test_an_lstm_trained_on_longest_first_batches_learns_and_predicts_in_any_order(monkeypatch):
    """The GPU's batches (longest first, packed as given), on the CPU: training lowers the loss and the
    predictions of texts do not depend on their order."""
    from sentiment.models import nets

    monkeypatch.setattr(trainer, "longest_first", lambda device: True)
    monkeypatch.setattr(nets, "longest_first", lambda device: True)  # the GPU's packing, on the CPU
    rng = np.random.default_rng(0)
    sequences = [rng.integers(1, 50, rng.integers(1, 12)) for _ in range(300)]
    y = np.array([int((s < 25).mean() > 0.5) for s in sequences])
    model = neural.LSTMModel(init_embeddings=False, hidden_size=16, epochs=4, dev_fraction=0.0, lr=0.01)
    model.fit(sequences, y, labels=["a", "b"], sample_weight=rng.uniform(0.5, 2.0, len(y)))
    losses = [r["train_loss"] for r in model.history_]
    assert losses[-1] < losses[0]
    order = rng.permutation(len(sequences))
    np.testing.assert_allclose(model.predict_proba([sequences[i] for i in order]),
                               model.predict_proba(sequences)[order], atol=1e-6, rtol=0)


def test_aspect_token_batches_longest_first_keep_each_token_with_its_tag(monkeypatch):
    """The aspect tagger's batches, longest first as on a GPU: a batch's per-token targets are its rows' tags
    in the order the network gives its tokens (row by row, each row's tokens in order)."""
    monkeypatch.setattr(trainer, "longest_first", lambda device: True)
    rng = np.random.default_rng(0)
    words = [rng.integers(1, 30, n) for n in (3, 1, 4, 4, 2, 5, 1)]
    tags = [rng.integers(0, 3, len(w)) for w in words]
    batches = aspect_neural.PaddedBatches([words], tags, 3, torch.device("cpu"), per_token=True, rng=rng)
    starts = np.concatenate([[0], np.cumsum([len(w) for w in words])])
    seen = []
    for batch in batches:
        padded, lengths = batch.inputs
        assert np.all(np.diff(lengths.numpy()) <= 0)
        rows = [int(np.searchsorted(starts, t, side="right")) - 1 for t in batch.rows[np.r_[0, np.cumsum(lengths.numpy())[:-1]]]]
        tokens = padded[padded != 0].numpy()  # what TaggerNet.forward keeps: row-major, padding dropped
        np.testing.assert_array_equal(tokens, np.concatenate([words[r] for r in rows]))
        np.testing.assert_array_equal(batch.targets.numpy(), np.concatenate([tags[r] for r in rows]))
        seen += rows
    assert sorted(seen) == list(range(len(words)))


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_a_gpu_training_epoch_does_not_wait_for_the_host_at_every_batch():
    """Batches are made once, on the device, longest first: the steps of an epoch queue work on the GPU
    without a synchronising call each (the epoch's end reads its loss back, once)."""
    import warnings

    from sentiment.models.nets import LSTMConfig, LSTMNet

    device = torch.device("cuda")
    rng = np.random.default_rng(0)
    sequences = [rng.integers(1, 50, rng.integers(1, 12)) for _ in range(320)]
    batches = trainer.SequenceBatches(sequences, rng.integers(0, 2, 320), 16, device, rng=rng)
    net = LSTMNet(LSTMConfig(n_tokens=50, embedding_dim=8, hidden_size=8, n_classes=2))
    config = trainer.TrainConfig(epochs=1, clip_grad=1.0)
    trainer.train(net, batches, None, config, device)  # the first epoch: CUDA's and cuDNN's start-up
    torch.cuda.synchronize()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        torch.cuda.set_sync_debug_mode("warn")
        try:
            torch.ones(1, device=device).item()  # one wait for certain: the check sees waits at all
            control = len(caught)
            trainer.train(net, batches, None, config, device)
        finally:
            torch.cuda.set_sync_debug_mode(0)
    assert control >= 1
    syncs = [w for w in caught[control:] if "synchroniz" in str(w.message)]
    assert len(syncs) < len(batches) / 4, [f"{w.filename}:{w.lineno}" for w in syncs][:10]


def test_a_head_or_pooling_without_its_branch_is_refused_not_run_as_another():
    """A head or pooling added to HEADS / POOLINGS needs its own code: the loss and the LSTM say so rather than
    train it as a sigmoid head or an attention pooling."""
    from sentiment.models import nets

    with pytest.raises(ValueError, match="unknown head 'ranked'"):
        nets.head_loss("ranked", torch.zeros(2, 3), torch.zeros(2, 3))
    net = nets.LSTMNet(nets.LSTMConfig(n_tokens=5, n_classes=2, embedding_dim=4, hidden_size=3))
    net.config.pooling = "last"  # past LSTMConfig's check, as a new name in POOLINGS would be
    with pytest.raises(ValueError, match="no pooling 'last' in LSTMNet.forward"):
        net(torch.tensor([[1, 2, 0]]), torch.tensor([2]))
