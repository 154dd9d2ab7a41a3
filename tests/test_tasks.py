"""sentiment/tasks.py is the one list of tasks: every task has a shipped model, the CLI offers them all, and
`options --task` shows each task's own defaults."""

from __future__ import annotations

import json
import re

import pytest
from sklearn.base import clone
from typer.testing import CliRunner

import sentiment
from sentiment import Pipeline
from sentiment.cleaning import CLEANER_OPTION_HELP
from sentiment.cli import app
from sentiment.commands import fit_file
from sentiment.default_models import default_model_path
from sentiment.errors import ConfigError
from sentiment.errors import or_list
from sentiment.tasks import CONFIGURATIONS, TASK_NAMES, TASKS, get_task

runner = CliRunner()


def named_tasks(text: str) -> set[str]:
    return {name for name in TASK_NAMES if re.search(rf"\b{name}\b", text)}


@pytest.mark.parametrize("task", TASK_NAMES)
def test_every_task_has_a_shipped_model_folder_that_loads(task):
    path = default_model_path(task)
    assert path.name == TASKS[task].model_folder and (path / "config.json").is_file()
    model = sentiment.load(task=task)
    assert isinstance(model, sentiment.Pipeline) == (task in CONFIGURATIONS)  # the others (aspect) have their own kind


def test_every_entry_point_refuses_an_unknown_task_with_the_one_message(tmp_path):
    message = f"unknown task 'sarcasm'; choose {or_list(TASK_NAMES)}"
    for call in (lambda: get_task("sarcasm"), lambda: default_model_path("sarcasm"),
                 lambda: sentiment.Pipeline.for_task("sarcasm"), lambda: sentiment.load(task="sarcasm"),
                 lambda: fit_file(tmp_path / "absent.csv", tmp_path / "m", task="sarcasm")):
        with pytest.raises(ConfigError) as caught:
            call()
        assert str(caught.value) == message
    for name in (["emotion"], None, 3):  # no name at all: the same ConfigError, not a TypeError
        with pytest.raises(ConfigError, match="unknown task"):
            sentiment.Pipeline.for_task(name)


def test_for_task_offers_the_text_classifier_tasks_and_points_elsewhere_for_the_others():
    assert set(CONFIGURATIONS) < set(TASK_NAMES)
    for task, configurations in CONFIGURATIONS.items():
        vectorizer, model, options = configurations["single"]
        pipe = sentiment.Pipeline.for_task(task)
        assert (pipe.vectorizer, pipe.model) == (vectorizer, model)
        assert {key: pipe.get_params()[key] for key in options} == options
    for task in set(TASK_NAMES) - set(CONFIGURATIONS):
        with pytest.raises(ConfigError, match="not a text classifier"):
            sentiment.Pipeline.for_task(task)


def task_help(command: str, task: str) -> str:
    """The --task line of ``sentiment COMMAND --task TASK --help``, whitespace folded."""
    result = runner.invoke(app, [command, "--task", task, "--help"])
    assert result.exit_code == 0, result.output
    text = " ".join(result.stdout.split())
    return text.split("--task TASK ", 1)[1].split("[default:", 1)[0]


@pytest.mark.parametrize("task", TASK_NAMES)
def test_fit_and_options_offer_the_same_tasks(task):
    assert named_tasks(task_help("fit", task)) == named_tasks(task_help("options", task)) == set(TASK_NAMES)
    result = runner.invoke(app, ["options", "--task", task])
    assert result.exit_code == 0, result.output


def test_an_unknown_task_names_every_task():
    for command in ("fit", "options"):
        args = [command, "train.csv"] if command == "fit" else [command]
        result = runner.invoke(app, [*args, "--task", "sarcasm"])
        assert result.exit_code != 0 and named_tasks(result.stderr) == set(TASK_NAMES), result.stderr
    assert or_list(TASK_NAMES) in runner.invoke(app, ["options", "--task", "sarcasm"]).stderr


def _options(*args):
    result = CliRunner().invoke(app, ["options", *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_options_lists_the_tasks_own_defaults():
    emotion = _options("--task", "emotion")
    assert "  negation = false" in emotion and "  negation = true" not in emotion
    assert "  negation = true" in _options("--task", "polarity")
    multi = _options("--task", "emotion", "--multi-label")
    assert 'analyzer = "word+char"' in multi and "  min_df = 2" in multi and 'class_weight = "balanced"' in multi
    assert "nb_alpha" not in multi  # the multi-label task's model is logreg, not nbsvm
    assert "  negation = false" in _options("--task", "emotion", "--model", "mlp")  # the task's cleaner, other model
    assert "  negation = true" in _options("--task", "emotion", "--multi-label")  # as fit: negation helps GoEmotions
    fitted = Pipeline.for_task("emotion")
    assert fitted.get_params()["negation"] is False


def test_a_sequence_model_without_a_vectorizer_gets_word2vec():
    from sentiment import Pipeline
    from sentiment.errors import ConfigError

    assert Pipeline.for_task("polarity", model="lstm").vectorizer == "word2vec"
    assert Pipeline.for_task("polarity", model="mlp").vectorizer == "tfidf"  # reads any features: the task's own
    with pytest.raises(ConfigError, match="use it with vectorizer 'word2vec'"):  # named explicitly: refused, not changed
        Pipeline.for_task("polarity", "tfidf", "lstm").fit(["a good film", "a bad film"], ["pos", "neg"])


def test_one_hidden_layer_width_needs_no_list():
    from sentiment import Pipeline

    texts, labels = ["a good film", "a bad film", "good", "bad"] * 5, ["pos", "neg"] * 10
    pipe = Pipeline("tfidf", "mlp", hidden_sizes=16, epochs=1, min_df=1).fit(texts, labels)
    assert pipe.model_.params["hidden_sizes"] == (16,)


def test_options_json_gives_each_options_value_and_default():
    emotion = json.loads(runner.invoke(app, ["options", "--task", "emotion", "--json"]).stdout)
    assert (emotion["vectorizer"], emotion["model"]) == CONFIGURATIONS["emotion"]["single"][:2]
    assert emotion["options"]["cleaner"]["negation"] == {"value": False, "default": True,  # the task's own setting
                                                         "help": CLEANER_OPTION_HELP["negation"]}
    assert "nbsvm" in emotion["available"]["model"]
    aspect = json.loads(runner.invoke(app, ["options", "--task", "aspect", "--json"]).stdout)
    assert aspect["options"]["aspect"]["extractor"]["value"] == "classical"
    assert "lstm" in aspect["available"]["aspect_extractor"]


def test_integer_labels_stay_numbers_for_the_emotion_task_as_in_the_cli(binary):
    ids = [int(y == "pos") for y in binary.train_labels]  # e.g. 1 for joy, 0 for anything else
    emotion = Pipeline.for_task("emotion").fit(binary.train_texts, ids)
    assert emotion.label_names_ == ["0", "1"]
    assert clone(Pipeline.for_task("emotion")).fit(binary.train_texts, ids).label_names_ == ["0", "1"]
    several = Pipeline.for_task("emotion", multi_label=True).fit(binary.train_texts, [[y] for y in ids])
    assert several.label_names_ == ["0", "1"]
    assert Pipeline.for_task("polarity").fit(binary.train_texts, ids).label_names_ == ["negative", "positive"]
    assert Pipeline().fit(binary.train_texts, ids).label_names_ == ["negative", "positive"]
