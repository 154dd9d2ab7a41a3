"""The README's tables of cleaning options and of stages name every option and every registered stage, with
the defaults the code has (a new option or stage must be documented there)."""

import re
from pathlib import Path

from sentiment import Cleaner
from sentiment.registry import available

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def _section(title: str) -> str:
    return README.split(f"\n## {title}\n", 1)[1].split("\n## ", 1)[0]


def _rows(section: str) -> dict[str, list[str]]:
    """First-column names (``a`` / ``b`` split) -> the row's other cells, of every table row of ``section``."""
    rows = {}
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if line.startswith("| `"):
            for name in re.findall(r"`([^`]+)`", cells[0]):
                rows[name] = cells[1:]
    return rows


def test_every_cleaning_option_is_in_the_readme_with_its_default():
    rows = _rows(_section("Cleaning"))
    defaults = Cleaner().to_dict()
    assert set(rows) == set(defaults)
    for name, default in defaults.items():
        shown = rows[name][0].strip("`")
        assert shown == (f'"{default}"' if isinstance(default, str) else str(default)), name


def test_every_registered_stage_is_in_the_readme():
    rows = _rows(_section("Vectorizers and models"))
    assert set(available("vectorizer")) | set(available("model")) <= set(rows)


def test_every_aspect_stage_is_in_the_readme():
    extractor, polarity = (_rows(_section("Use"))[name][1] for name in ("extractor", "polarity"))
    assert all(f"`{name}`" in extractor for name in available("aspect_extractor"))
    assert all(f"`{name}`" in polarity for name in available("aspect_polarity"))


def test_the_layout_names_every_module_of_the_package():
    layout = README.split("\n## Layout\n", 1)[1].split("\n## ", 1)[0]
    package = Path(__file__).resolve().parents[1] / "sentiment"
    for module in sorted(package.glob("*.py")):
        assert f"{module.name} " in layout or f"`{module.name}`" in layout, module.name
    entries = re.split(r"\n(?=  \S)", layout)  # an entry: its line and the indented lines that go on with it
    for folder in sorted(p for p in package.iterdir() if p.is_dir() and (p / "__init__.py").exists()):
        entry = next((e for e in entries if e.startswith(f"  {folder.name}/")), None)
        assert entry is not None, folder.name
        for module in sorted(folder.glob("*.py")):  # each module of a subpackage, in its folder's entry
            assert module.name == "__init__.py" or re.search(rf"\b{re.escape(module.name)}\b", entry), module


def test_every_marked_readme_section_holds_its_results_file():
    """The benchmark tables in the README are those the scripts wrote (benchmarks/fill_readme.py copies them)."""
    import subprocess
    import sys

    script = Path(__file__).resolve().parents[1] / "benchmarks" / "fill_readme.py"
    check = subprocess.run([sys.executable, str(script), "--check"], capture_output=True, text=True, timeout=60)
    assert check.returncode == 0, check.stdout + check.stderr


def _anchors() -> list[str]:
    """GitHub's anchor of every heading outside code blocks: lower case, punctuation dropped, spaces as
    hyphens, and a repeated title numbered ("emotion", "emotion-1")."""
    anchors, seen, in_code = [], {}, False
    for line in README.splitlines():
        if line.startswith("```"):
            in_code = not in_code
        elif not in_code and re.match(r"#{1,6} ", line):
            slug = re.sub(r"[^\w\- ]", "", line.lstrip("#").strip().lower()).replace(" ", "-")
            anchors.append(slug if slug not in seen else f"{slug}-{seen[slug]}")
            seen[slug] = seen.get(slug, 0) + 1
    return anchors


def test_every_link_within_the_readme_leads_to_a_heading():
    links = re.findall(r"\]\(#([^)]+)\)", README)
    assert links, "the README's contents line links its sections"
    assert sorted(set(links) - set(_anchors())) == []


def test_the_readme_lists_the_versions_that_changed_the_aspect_reading_only():
    from sentiment.cleaning import ASPECT_READING_ONLY

    listed = re.search(r"aspect models' reading only \(([\d, ]+)\)", " ".join(README.split()))
    assert listed is not None
    assert [int(v) for v in listed[1].split(",")] == sorted(ASPECT_READING_ONLY)


def test_the_first_model_in_three_commands_runs_as_written(tmp_path, monkeypatch):
    import shlex

    from typer.testing import CliRunner

    from sentiment.cli import app

    block = README.split("### A first model in three commands", 1)[1].split("```bash\n", 1)[1].split("```", 1)[0]
    commands = [shlex.split(line.split("  #", 1)[0]) for line in block.strip().splitlines()]
    repo = Path(__file__).resolve().parents[1]
    monkeypatch.chdir(tmp_path)  # my-model and predictions.csv written here, the data read from the repository
    for args in commands:
        assert args[0] == "sentiment"
        args = [str(repo / arg) if arg.startswith("data/") else arg for arg in args[1:]]
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 0, result.output
    assert (tmp_path / "my-model" / "config.json").is_file()
    assert (tmp_path / "predictions.csv").read_text().count("\n") == 11  # a header and the 10 texts
