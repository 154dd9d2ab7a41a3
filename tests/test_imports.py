"""Start-up cost: importing sentiment and predicting with a saved classical model import neither torch nor
scikit-learn (checked in fresh interpreters, since this test process has imported both)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest


def run_python(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=120)


def test_import_does_not_import_torch_or_heavy_libraries():
    result = run_python("""
        import sys
        import sentiment
        heavy = [m for m in ("torch", "sklearn", "gensim", "spacy", "pandas", "matplotlib") if m in sys.modules]
        assert not heavy, heavy
        print("ok")
    """)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_aspects_need_no_import_of_their_own():
    result = run_python("""
        import sentiment
        print(sentiment.aspects.AspectPipeline.__name__)
        try:
            sentiment.nothing
        except AttributeError as error:
            print(error)
    """)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["AspectPipeline", "module 'sentiment' has no attribute 'nothing'"]


def test_the_aspects_subpackage_is_offered_by_dir_and_star_import():
    result = run_python("""
        import sentiment
        print("aspects" in dir(sentiment), "Pipeline" in dir(sentiment))
        from sentiment import *
        print(aspects.AspectPipeline.__name__)
    """)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["True True", "AspectPipeline"]


@pytest.mark.parametrize("vec_id, model", [("tfidf", "nbsvm"), ("count", "linearsvm"), ("word2vec-mean", "logreg")])
def test_load_and_predict_do_not_import_sklearn_or_torch(fitted, binary, tmp_path, vec_id, model):
    pipe = fitted(vec_id, model)
    path = pipe.save(tmp_path / "model")
    expected = pipe.predict(binary.dev_texts[:5]).tolist()
    result = run_python(f"""
        import json, sys
        import sentiment
        pipe = sentiment.load({str(path)!r})
        texts = {binary.dev_texts[:5]!r}
        print(json.dumps(pipe.predict(texts).tolist()))
        pipe.annotate(texts)
        loaded = sorted(m for m in ("sklearn", "torch", "gensim", "spacy", "pandas") if m in sys.modules)
        print(json.dumps(loaded))
    """)
    assert result.returncode == 0, result.stderr
    predictions, loaded = result.stdout.strip().splitlines()
    assert json.loads(predictions) == expected
    assert json.loads(loaded) == []


def test_cli_help_does_not_import_torch():
    result = run_python("""
        import sys
        from typer.testing import CliRunner
        from sentiment.cli import app
        assert CliRunner().invoke(app, ["predict", "--help"]).exit_code == 0
        assert "torch" not in sys.modules
        assert "sklearn" not in sys.modules
    """)
    assert result.returncode == 0, result.stderr


def test_a_saved_text_vectorizer_transforms_without_scikit_learn(tmp_path):
    from sentiment import TextVectorizer

    TextVectorizer("tfidf").fit(["a great film", "a dull film", "great acting"]).save(tmp_path / "tv")
    result = run_python(f"""
        import sys
        import sentiment
        vectors = sentiment.load({str(tmp_path / "tv")!r}).transform(["a great film"])
        assert vectors.shape[0] == 1
        print("sklearn" in sys.modules)
    """)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"  # it was imported to read an option no one could have set


def test_every_subpackage_is_one_that_pip_install_installs():
    """pyproject.toml lists the packages by name (one maps the shipped models in): a subpackage left out of the
    list works from the source tree and from an editable install, and is missing from `pip install .`."""
    import tomllib
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    listed = set(tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {".".join(init.parent.relative_to(root).parts) for init in (root / "sentiment").rglob("__init__.py")}
    assert found and found <= listed, sorted(found - listed)


def test_every_shipped_model_file_is_one_that_pip_install_installs():
    """pyproject.toml's package-data names the shipped models' files by globs of each depth (models/aspect's
    category models go four folders down): a file that no glob reaches loads from the source tree and from an
    editable install, and is missing from `pip install .`, whose copy of the model is then refused as damaged."""
    import tomllib
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    globs = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["sentiment._models"]
    models = root / "models"
    shipped = {path for pattern in globs for path in models.glob(pattern)}
    files = {path for path in models.rglob("*") if path.is_file()}
    assert files and files <= shipped, sorted(str(path.relative_to(models)) for path in files - shipped)


def test_probing_the_data_module_for_a_private_name_imports_nothing():
    """sentiment.data forwards old public names to the modules they moved to, importing them to look; a probe
    such as doctest's for __wrapped__ must import nothing (doctest walks sentiment's namespace, and a module
    added to it meanwhile broke the collection of `pytest sentiment`)."""
    result = run_python("""
        import sys
        import sentiment.data
        before = set(sys.modules)
        for name in ("__wrapped__", "_private", "__deepcopy__"):
            assert getattr(sentiment.data, name, None) is None, name
        print(sorted(set(sys.modules) - before))
    """)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
