"""The quick-tour notebook runs as written against the package (its code cells, in order, in one namespace)."""

import json
from pathlib import Path

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "quickstart.ipynb"


def code_cells() -> list[str]:
    cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    return ["".join(cell["source"]) for cell in cells if cell["cell_type"] == "code"]


def test_quickstart_notebook_runs(monkeypatch, tmp_path):
    monkeypatch.chdir(NOTEBOOK.parent)  # the notebook reads ../data/ from its own folder
    namespace: dict = {}
    results = []
    for number, source in enumerate(code_cells(), 1):
        source = source.replace("tempfile.mkdtemp()", repr(str(tmp_path)))  # its model saved in tmp_path
        *body, last = source.rstrip().splitlines()
        # like Jupyter, the value of a cell's last line is its output
        exec(compile("\n".join(body), f"cell {number}", "exec"), namespace)
        try:
            results.append(eval(compile(last, f"cell {number}", "eval"), namespace))
        except SyntaxError:  # a statement, not an expression
            exec(compile(last, f"cell {number}", "exec"), namespace)
            results.append(None)
    assert (tmp_path / "tour-model" / "config.json").is_file()
    annotated = results[0]
    assert [row["label"] for row in annotated][:2] == ["positive", "negative"]
    figures = [result for result in results if hasattr(result, "_repr_png_")]
    assert len(figures) == 2  # the confusion matrix and the mlp's training history, shown inline as PNGs
    aspects = results[-1]
    assert {a["term"] for a in aspects[0]} == {"screen", "battery"}
