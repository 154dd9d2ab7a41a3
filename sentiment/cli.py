"""The ``sentiment`` command: a thin typer layer over :mod:`sentiment.commands`.

Each command parses its options, calls one library function and prints the result. Errors of the
package (bad data, unknown names, damaged model files) print one line and exit with status 1; how the
output is escaped and how a command ends (errors, signals, closed streams) is :mod:`sentiment.terminal`.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import json
import os
import re
import shlex
import shutil
import sys
import textwrap
from pathlib import Path
from typing import Iterator, List, Optional

import typer

from .checks import holds_lone_surrogate
from .errors import and_list, counted, on_one_line, or_list, reencode_hint
from .registry import available
from .tasks import CONFIGURATIONS, DEFAULT_TASK, TASK_NAMES, TASKS
from .terminal import (EscapingWriter, echo, escaped, fail, friendly, json_text, os_error_message, run,
                       training_lines)

class _Group(typer.core.TyperGroup):
    """The `sentiment` command group: an option of a command given before the command's name (`sentiment --model
    m predict ...`) is told to go after it."""

    def parse_args(self, ctx, args):
        given = list(args)  # (the parser consumes the list)
        try:
            return super().parse_args(ctx, args)
        except Exception as exc:  # click's NoSuchOption (typer's own copy of click raises its own class)
            name = getattr(exc, "option_name", None)
            command = next((arg for arg in given if arg in self.commands), None)
            if type(exc).__name__ != "NoSuchOption" or command is None or not any(
                    name in param.opts + param.secondary_opts for param in self.commands[command].params):
                raise
            raise type(exc)(name, message=f"No such option: {name} before the command; it is an option of {command}: "
                            f"give it after the command's name (sentiment {command} {name} ...)", ctx=ctx) from None


app = typer.Typer(
    cls=_Group,
    help="Text cleaning, vectorization and sentiment analysis.\n\n"
    'Try: sentiment predict "What a wonderful film!"',
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _print_version(value: bool) -> None:
    if value:
        from . import __version__

        typer.echo(f"sentiment {__version__}")
        raise typer.Exit()


@app.callback()
def _options(version: bool = typer.Option(False, "--version", callback=_print_version, is_eager=True,
                                          help="Show the version and exit.")) -> None:
    """Text cleaning, vectorization and sentiment analysis."""


def _given_path(value) -> Path:
    """A path given on the command line; an empty one (``--model ''``, which Path reads as the current
    directory) is refused as a usage error."""
    if isinstance(value, str) and not value:
        raise typer.BadParameter("the path is empty; give one")
    return Path(value)


def _given_name(value) -> str:
    """A column name given on the command line; an empty one (``--text-column ''``) is refused as a usage
    error, not taken for the default."""
    if not str(value):
        raise typer.BadParameter("the name is empty; give a column's name, or leave the option out")
    return str(value)


def _path_option(*args, **kwargs):
    """``typer.Option`` for a path: whether it can be read is the command's to say, in one line, not click's
    (whose readability check fails with a usage message over three lines); an empty path is refused."""
    return typer.Option(*args, parser=_given_path, **kwargs)


def _path_argument(*args, **kwargs):
    """``typer.Argument`` for a path, as :func:`_path_option`."""
    return typer.Argument(*args, parser=_given_path, **kwargs)


def _column_option(*args, **kwargs):
    """``typer.Option`` for a column's name; an empty name is refused."""
    return typer.Option(*args, parser=_given_name, **kwargs)


_field = on_one_line  # a text, label or term as one field of a tab-separated output line

PYTHON_CONSTANTS = {"None": None, "True": True, "False": False}  # as error messages and Python users write them


class _DuplicateKey(Exception):
    """A JSON object in a --set value names one key twice (json would keep the last, silently)."""


def _distinct_keys(pairs: list) -> dict:
    keys = [key for key, _ in pairs]
    for key in keys:
        if keys.count(key) > 1:
            raise _DuplicateKey(key)
    return dict(pairs)


def _parse_options(pairs: List[str], stages: tuple[str, ...] = ("vectorizer", "model")) -> dict:
    """``KEY=VALUE`` pairs; VALUE is read as JSON when it can be (numbers, true, null, [1,3]), or as a number
    Python writes (``.5``, ``+5``), else as text;
    None, True and False are read as null, true and false, and a Python tuple ``(1,3)`` or bare numbers joined
    by commas ``1,3`` (no brackets for the shell to read as a pattern) as ``[1,3]``; a whole number in exponent
    form (``1e5``) is an int. A KEY among ``stages`` (the stages the command's own
    flags choose) is refused."""
    options = {}
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        if not sep or not key.strip():
            listed = "`sentiment options` lists the keys" if stages else "clean takes the cleaning's options"
            fail(f"--set takes KEY=VALUE, e.g. --set stopwords=true ({listed}); got {pair!r}")
        if key.strip() in stages:
            fail(f"--set {key.strip()}=... chooses a stage, which --{key.strip()} NAME does; give it there")
        if raw.strip() in PYTHON_CONSTANTS:
            value = PYTHON_CONSTANTS[raw.strip()]
        else:
            text = raw.strip()
            if text.startswith("(") and text.endswith(")"):  # a tuple, as the README's Python examples write it
                inner = text[1:-1].strip()
                text = "[" + inner.rstrip(",") + "]" if "," in inner else inner  # (1e5) is a number, as in Python
            try:
                value = json.loads(text, object_pairs_hook=_distinct_keys)
            except RecursionError:
                fail(f"--set {key.strip()}=... nests too deeply; give a plain value")
            except ValueError as exc:
                if not isinstance(exc, json.JSONDecodeError):  # a whole number of more digits than Python reads
                    fail(f"--set {key.strip()}=... holds a number of more digits than can be read; give a plain value")
                value = _numbers_joined(text)
                if value is None:
                    value = _python_number(text)
                if value is None:
                    value = raw.strip()  # as a JSON value is read: --set "analyzer= word " is analyzer=word
            except _DuplicateKey as exc:
                fail(f"--set {key.strip()}=... names {exc.args[0]!r} twice; give each key once")
        if isinstance(value, float) and "e" in raw.lower() and value.is_integer() and abs(value) < 2**53:
            value = int(value)  # max_features=1e5 (while max_df=1.0, a share, stays a float)
        value = tuple(value) if isinstance(value, list) else value
        if key.strip() in options and options[key.strip()] != value:
            fail(f"--set {key.strip()} is given twice, with different values; give it once")
        options[key.strip()] = value
    return options


def _python_number(text: str):
    """A number as Python writes it and JSON does not (``.5``, ``5.``, ``+5``), or None."""
    if not re.fullmatch(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?", text):
        return None
    number = float(text)
    return int(number) if re.fullmatch(r"[+-]?\d+", text) else number


def _numbers_joined(text: str) -> Optional[list]:
    """``1,3`` as ``[1, 3]``: two or more JSON numbers joined by commas; None for any other text."""
    parts = text.split(",")
    if len(parts) < 2:
        return None
    try:
        numbers = [json.loads(part) for part in parts]
    except ValueError:  # not JSON, or a number of more digits than Python reads
        return None
    return numbers if all(isinstance(n, (int, float)) and not isinstance(n, bool) for n in numbers) else None


def _parse_label_names(text: Optional[str]) -> Optional[dict]:
    if text is None:
        return None
    names = {}
    example = "e.g. 0=negative,1=positive"
    for pair in text.split(","):
        value, sep, name = (part.strip() for part in pair.partition("="))
        if not sep:
            fail(f"--label-names takes VALUE=NAME pairs separated by commas, {example}; got {pair!r}")
        if not value or not name:
            fail(f"--label-names needs a label value and a name on each side of '=', {example}; got {pair!r}")
        if value in names:
            fail(f"--label-names names the label {value!r} twice; give each label one name")
        if name in names.values():
            fail(f"--label-names gives the name {name!r} to two labels; give each label its own name")
        names[value] = name
    return names


def _note_report(folder: Path, written: List[Path]) -> None:
    """Say on stderr (stdout may be --json) where the report went and what it holds."""
    echo(f"wrote the report to {_field(folder)} ({', '.join(Path(p).name for p in written)})", err=True)


@contextlib.contextmanager
def _report_folder(folder: Optional[Path], inputs: List[Optional[Path]] = ()):
    """Create the --report folder before any work, so a bad path (or one whose report would replace one of the
    ``inputs``) fails before a model is trained or saved; if the work then fails, the folders made here are
    removed again (when still empty)."""
    if folder is None:
        yield
        return
    from .evaluation import check_report_folder
    from .persistence import check_outside_models

    check_report_folder(folder, [path for path in inputs if path is not None])
    check_outside_models(folder, "--report")
    made = [p for p in [folder, *folder.parents] if not p.exists()]  # deepest first
    folder.mkdir(parents=True, exist_ok=True)
    try:
        yield
    except BaseException:
        for path in made:
            try:
                path.rmdir()
            except OSError:  # not empty (something was written), or gone
                break
        raise


def _shipped_task(model: Optional[Path], task: Optional[str]) -> Optional[str]:
    """The task whose shipped model to use without ``--model`` (None with it); ``--task`` with ``--model``
    is refused."""
    if model is not None and task is not None:
        fail("--task picks a shipped model; with a model directory leave it out (the model knows its task)")
    return None if model is not None else DEFAULT_TASK if task is None else task  # "" is refused as unknown


def _shipped_choices(describe: bool = False) -> str:
    """The tasks with a shipped model, for a --task help: "polarity (the default), emotion or aspect"."""
    def choice(task) -> str:
        notes = ["the default"] if task.name == DEFAULT_TASK else []
        if describe and task.shipped:
            notes.append(task.shipped)
        return f"{task.name} ({'; '.join(notes)})" if notes else task.name

    return or_list(choice(task) for task in TASKS.values())


def _load(model: Optional[Path], task: Optional[str], labels: bool = True):
    """The model of ``--model``, or the shipped model of ``--task``; with ``labels``, one that labels texts
    (not a text vectorizer)."""
    from .commands import check_classifier
    from .pipeline import load

    with _status("loading the model (and its libraries)..."):
        pipe = load(model, task=_shipped_task(model, task))
    if labels:
        check_classifier(pipe, model)
    return pipe


@contextlib.contextmanager
def _status(message: str) -> Iterator[None]:
    """``message`` on an interactive stderr while the block runs (a PyTorch aspect model takes seconds to
    load), then wiped from the line; nothing where stderr is a file or a pipe."""
    shown = sys.stderr.isatty()
    if shown:
        sys.stderr.write(message)
        sys.stderr.flush()
    try:
        yield
    finally:
        if shown:
            sys.stderr.write("\r" + " " * len(message) + "\r")
            sys.stderr.flush()


def _check_texts(texts: List[str], where: str, first: int = 1) -> None:
    """Texts whose bytes were not UTF-8 (Python keeps them as lone surrogates) cannot be printed as JSON or
    text; refuse them as the file readers refuse a file that is not UTF-8. Empty texts are refused too.
    ``first``: the number of the first text (counted from 1, as a shell user counts them)."""
    for n, text in enumerate(texts, first):
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            utf16 = n == 1 and text[:2] in ("\udcff\udcfe", "\udcfe\udcff")  # UTF-16's byte-order mark, undecoded
            fail(f"text {n}{where} is not UTF-8{' but UTF-16' if utf16 else ''}; pass UTF-8 text "
                  f"({reencode_hint('utf-16' if utf16 else 'latin1', file=False)})")
        if not text.strip():
            fail(f"text {n}{where} is empty or only whitespace; give texts with words in them")


def _piped() -> bool:
    """Whether stdin is a pipe or a file (texts given that way, without the '-' that reads them)."""
    import stat

    try:
        mode = os.fstat(sys.stdin.fileno()).st_mode
    except (AttributeError, OSError, ValueError, io.UnsupportedOperation):  # closed, or no real file (a test's)
        return False
    return stat.S_ISFIFO(mode) or stat.S_ISREG(mode)


def _texts_given(texts: List[str], example: str) -> tuple[bool, str]:
    """Whether the TEXT arguments ask for stdin ('-', alone), and the words that name where a bad text is
    (" on stdin" or nothing); a one-line error for no text (``example`` shows how to give one), for '-'
    among other texts, or for a bad text among the arguments."""
    if not texts:
        fail(f"give at least one text, e.g. {example}" + ("; to read the lines piped in, give '-'" if _piped() else ""))
    from_stdin = "-" in texts
    if from_stdin and texts != ["-"]:
        fail("'-' reads the texts from stdin; give it alone, without other texts")
    where = " on stdin" if from_stdin else ""
    if not from_stdin:
        _check_texts(texts, where)
    return from_stdin, where


def _print_json(value) -> None:
    typer.echo(json_text(value))


class _Command(typer.core.TyperCommand):
    """A command that refuses an option of one value given twice (`--model a --model b`), where click would take
    the last silently."""

    def collect_usage_pieces(self, ctx):
        """The usage line's pieces, a required argument bare (`fit [OPTIONS] DATA`), not in the braces typer puts it
        in, which read as a choice among names, as click writes one."""
        return [piece[1:-1] if piece.startswith("{") and piece.endswith("}") else piece
                for piece in super().collect_usage_pieces(ctx)]

    def parse_args(self, ctx, args):
        options = list(itertools.takewhile(lambda arg: arg != "--", args))  # (texts after "--")
        if ctx.resilient_parsing or any(arg in ctx.help_option_names for arg in options if isinstance(arg, str)):
            return super().parse_args(ctx, args)  # --help shows the help, whatever else is given
        valued, single = set(), {}  # options that take a value; those of one value (not repeatable) -> the option
        for param in self.params:
            if param.param_type_name == "option" and not (param.is_flag or param.count):
                valued.update(param.opts + param.secondary_opts)
                if not param.multiple:
                    single.update(dict.fromkeys(param.opts + param.secondary_opts, param))
            elif param.param_type_name == "option" and param.secondary_opts:  # --refit / --no-refit: one side
                given = [opt for opt in param.opts + param.secondary_opts if opt in options]
                if any(o in param.opts for o in given) and any(o in param.secondary_opts for o in given):
                    raise typer.BadParameter(f"given both ways ({and_list(dict.fromkeys(given))}); give one", ctx=ctx, param=param)
        seen: dict = {}
        arguments = iter(args)
        for arg in arguments:
            if arg == "--":  # texts after it
                break
            option = arg.split("=", 1)[0] if isinstance(arg, str) and arg.startswith("-") else None
            if option in valued and "=" not in arg:
                next(arguments, None)  # its value, which may look like an option ("--aspect --model")
            param = single.get(option)
            if param is None:
                continue
            if param.name in seen:
                both = "" if option == seen[param.name] else f" ({seen[param.name]} and {option})"
                raise typer.BadParameter(f"given twice{both}; give it once", ctx=ctx, param=param)
            seen[param.name] = option
        given = list(args)  # (the parser consumes the list)
        try:
            return super().parse_args(ctx, args)
        except Exception as exc:  # click's UsageError (typer's own copy of click raises its own class)
            takes = [str(param.metavar) for param in self.params
                     if param.param_type_name == "argument" and str(param.metavar).startswith("MODEL")]
            if type(exc).__name__ == "NoSuchOption" and exc.option_name == "--model" and takes:  # `info --model m`
                shown = ("the model folders as its arguments: sentiment {} DIR DIR ..." if takes[0].endswith("...")
                         else "the model folder as its argument: sentiment {} DIR").format(ctx.info_name)
                raise type(exc)("--model", message=f"No such option: --model ({ctx.info_name} takes {shown})",
                                ctx=ctx) from None
            if type(exc).__name__ == "NoSuchOption" and "--set" in valued:
                key = exc.option_name.lstrip("-").replace("-", "_")
                from .options import all_option_names

                if key in all_option_names():  # `fit --C 4`: a stage's option, given as the command's
                    raise type(exc)(exc.option_name, message=f"No such option: {exc.option_name} ({key} is an option "
                                    f"of a stage, given with --set: --set {key}=VALUE)", ctx=ctx) from None
            hint = _extra_argument_hint(self, given, valued) if type(exc).__name__ == "UsageError" else ""
            if not hint or "unexpected extra argument" not in str(exc):
                raise
            raise type(exc)(f"{exc.message}; {hint}", ctx=ctx) from None


def _extra_argument_hint(command, args: list, valued: set) -> str:
    """What an argument that the command did not expect may have been meant as: the value of a KEY=VALUE option
    given apart (`--set C 4`): join them; a saved model given where a command's data go (`evaluate MODEL
    DATA`), for a command whose --model takes a folder: give it with --model; a data file after fit's own
    (`fit train.csv dev.csv`): give it with --dev. "" for none of them. The values of options (``valued``: the
    options that take one) are not arguments, and the scan stops at "--" (texts follow it)."""
    options = {param.name: param for param in command.params if param.param_type_name == "option"}
    takes_folder = "model" in options and options["model"].metavar == "DIR"
    pairs = {opt for param in options.values() if param.metavar == "KEY=VALUE" for opt in param.opts}
    positional, split, i = [], [], 0
    while i < len(args) and isinstance(args[i], str) and args[i] != "--":
        arg = args[i]
        i += 1
        if not arg.startswith("-"):
            positional.append(arg)
        elif arg.split("=", 1)[0] in valued and "=" not in arg:  # its value is the next argument
            value, left = args[i] if i < len(args) else None, args[i + 1] if i + 1 < len(args) else None
            i += 1
            if arg in pairs and isinstance(value, str) and "=" not in value and isinstance(left, str) \
                    and not left.startswith("-"):  # --set C 4: the 4 is left over
                split.append(f"{arg} {value}={left}")
                positional.append(left)
                i += 1
    if split:
        return f"{split[0].split()[0]} takes KEY=VALUE as one argument: {' '.join(split)}"
    from .persistence import holds_model

    for arg in positional:
        if takes_folder and holds_model(arg):
            return f"{arg} is a saved model: give it with --model {arg}"
    expected = sum(1 for param in command.params if param.param_type_name == "argument")
    extra = [arg for arg in positional[expected:] if os.path.isfile(arg)]
    if extra and "dev" in options:
        return f"to score the model on {extra[0]}, give it with --dev {extra[0]}"
    return ""


class _TextsCommand(_Command):
    """A command that takes texts as arguments, where a text that starts with "-" ("-5 stars: awful") reads as an
    option: an unknown option of one dash gets the way to give such a text (after --)."""

    def parse_args(self, ctx, args):
        given_args = list(args)  # (the parser consumes the list)
        try:
            return super().parse_args(ctx, args)
        except Exception as exc:  # click's NoSuchOption (typer's own copy of click raises its own class)
            # "-5 stars" is read as "-5", "-- worst" whole, "--bad=awful film" as "--bad": a text, where "--modle" is a
            # mistyped option (click offers the one meant), as no option has a space in it or starts with "---"
            if type(exc).__name__ != "NoSuchOption":
                raise
            given = next((arg for arg in given_args if isinstance(arg, str) and arg.startswith(exc.option_name)), "")
            if not re.fullmatch(r"-[^-]|---.*|--.*\s.*", exc.option_name, re.DOTALL) and not re.search(r"\s", given):
                raise
            raise type(exc)(exc.option_name, message=f"No such option: {exc.option_name} (a text that starts with "
                            f"'-' goes after --, e.g. sentiment {ctx.info_name} -- \"-5 stars: awful\")",
                            ctx=ctx) from None


@app.command(short_help="Train a model on labelled data, score it and save it.", cls=_Command)
@friendly
def fit(
    data: Path = _path_argument(..., metavar="DATA", help="Training data: .csv/.tsv/.jsonl/.parquet or a .json array of records (also compressed: .gz, .bz2, .xz, .zst, .zip), or SST trees (.txt, uncompressed); --task aspect: SemEval-2014 XML or JSONL."),
    dev: Optional[Path] = _path_option(None, metavar="FILE", help="Dev data for the metrics (nothing is tuned on it: early stopping and thresholds use held-out training data); default: a part of DATA, stratified by label where every class has two texts or more (random with --multi-label)."),
    text_column: str = _column_option("text", metavar="COLUMN", help="Column with the texts."),
    label_column: str = _column_option("label", metavar="COLUMN", help="Column with the labels."),
    weight_column: Optional[str] = _column_option(None, metavar="COLUMN", help="Column with each text's weight in training (0, or from 1e-6 to 1e6, as scikit-learn's sample_weight); the dev figures count every text once."),
    task: str = typer.Option(DEFAULT_TASK, metavar="TASK", help=f"{or_list(TASK_NAMES)}: its default configuration is one the benchmarks chose."),
    multi_label: bool = typer.Option(False, "--multi-label", help="Several labels per text, joined by --label-sep in the label column."),
    label_sep: Optional[str] = typer.Option(None, metavar="SEP", help="With --multi-label: the separator between the labels of a text (default ';')."),
    grouping: Optional[str] = typer.Option(None, metavar="GROUPING", help="Learn groups of fine emotion labels: ekman or sentiment."),
    tune_fraction: Optional[float] = typer.Option(None, metavar="FRACTION", help="With --multi-label: share of the training texts held out to tune each label's threshold (default 0.1; 0: thresholds stay 0.5)."),
    vectorizer: Optional[str] = typer.Option(None, metavar="NAME", help=f"{or_list(available('vectorizer'))}; default: the one the benchmarks chose for --task (with --model lstm, which reads token ids that only it gives: word2vec)."),
    model: Optional[str] = typer.Option(None, metavar="NAME", help=f"{or_list(available('model'))}; default: the one the benchmarks chose for --task (with --vectorizer word2vec, whose values that one cannot read: logreg)."),
    set_: List[str] = typer.Option([], "--set", "-s", metavar="KEY=VALUE", help="Option KEY=VALUE for a stage, repeatable (see `sentiment options`)."),
    out: Path = _path_option(Path("sentiment-model"), metavar="DIR", help="Directory to write the model to (replaced as a whole, atomically: it may hold nothing but a model)."),
    phrases: bool = typer.Option(False, help="SST trees: train on every labelled phrase, not only sentences."),
    binary: bool = typer.Option(False, help="SST trees: two classes (SST-2): neutral dropped, 0-1 negative, 3-4 positive (a --dev trees file too)."),
    dev_fraction: Optional[float] = typer.Option(None, metavar="FRACTION", help="Without --dev: the share of DATA held out as dev (default 0.1; with --phrases: of the sentences); 0: none, trained once on all of DATA, with no dev figures (not for --task aspect)."),
    refit: Optional[bool] = typer.Option(None, "--refit/--no-refit", help="Without --dev: after scoring on the held-out part, train again on all of DATA (the default), so the saved model has learnt from every text; --no-refit saves the model that was scored."),
    seed: int = typer.Option(0, metavar="INTEGER", help="Seed of the dev split (and, for --task aspect, of the models' training)."),
    label_names: Optional[str] = typer.Option(None, metavar="VALUE=NAME,...", help="Names of the label values, e.g. 0=negative,1=positive; when the training labels are those names already, they name the --dev file's values."),
    as_json: bool = typer.Option(False, "--json", help="Print the dev metrics as one JSON object."),
    report: Optional[Path] = _path_option(None, metavar="DIR", help="Also write dev metrics (metrics.json), the confusion matrix (or per-label scores) and (--model mlp, lstm) the saved model's training curves as PNG, and the dev texts the scored model labels wrongly (mistakes.csv, most confident first, or with several labels per text most wrong first; a model trained again on all of DATA afterwards may read them otherwise; not for aspect models) to this directory, replacing an earlier report's files there."),
):
    """Train a model on labelled data, print its dev metrics and save it.

    Examples:

    \b
      sentiment fit train.csv --dev dev.csv --out my-model
      sentiment fit reviews.csv.gz --text-column review --label-column stars
      sentiment fit emotions.csv --task emotion --out emotion-model
      sentiment fit goemotions.csv --task emotion --multi-label --label-column labels --grouping ekman
      sentiment fit Restaurants_Train_v2.xml --task aspect --out restaurant-aspects
      sentiment fit trees/train.txt --phrases --dev dev.csv --vectorizer tfidf --model logreg --set C=4
      sentiment fit trees/train.txt --phrases --binary --dev trees/dev.txt --out sst2-model
      sentiment fit train.csv --dev dev.csv --vectorizer word2vec --model lstm --set epochs=10 --report reports/
    """
    from .commands import fit_file
    from .evaluation import format_report, write_report

    def log(message: str) -> None:
        if not as_json or message.startswith("note:"):  # with --json, stderr keeps the warnings only
            echo(message, err=True)

    for flag, value in (("--label-sep", label_sep), ("--tune-fraction", tune_fraction)):
        if value is not None and task == "aspect":
            fail(f"{flag} does not apply to --task aspect; leave it out")
        if value is not None and not multi_label:
            fail(f"{flag} goes with --multi-label (several labels per text)")
    for flag, value in (("--dev-fraction", dev_fraction), ("--refit/--no-refit", refit)):
        if value is not None and dev is not None:
            fail(f"{flag} shapes the part of DATA held out as dev, and --dev gives the dev data; leave one out")
    if dev_fraction == 0:  # trained once on all of DATA: nothing scored, nothing trained again
        for flag, value in (("--report", report), ("--refit/--no-refit", refit)):
            if value is not None:
                fail(f"{flag} goes with dev figures, and --dev-fraction 0 holds out no dev part; leave one out")
    if report is not None and Path(os.path.realpath(report)).is_relative_to(os.path.realpath(out)):  # (no loop error)
        fail(f"--report {report} lies inside --out {out}, which saving replaces as a whole; put the report elsewhere")
    options = _parse_options(set_)
    for flag, key, value in (("--grouping", "grouping", grouping), ("--tune-fraction", "tune_fraction", tune_fraction)):
        if value is not None:
            if task == "aspect":  # (--tune-fraction was refused above: it goes with --multi-label)
                fail(f"{flag} does not apply to --task aspect; leave it out")
            if key in options:
                fail(f"{flag} and --set {key}=... say the same thing; give one")
            options[key] = value
    if task != "aspect":  # (which takes neither flag: fit_file says so)
        _refuse_model_folder(model, vectorizer, "fit trains", "to fine-tune a saved lstm: --model lstm --set init_from=")
    names = _parse_label_names(label_names)
    given = {key: value for key, value in (("dev_fraction", dev_fraction), ("separator", label_sep)) if value is not None}
    with _report_folder(report, [data, dev]), training_lines(not sys.stderr.isatty() and not as_json):
        pipe, dev_report = fit_file(
            data, out, dev=dev, text_column=text_column, label_column=label_column, task=task, vectorizer=vectorizer,
            model=model, options=options, phrases=phrases, binary=binary, refit=refit is not False, seed=seed,
            label_names=names, multi_label=multi_label, progress=sys.stderr.isatty() and not as_json,
            mistakes=report is not None, weight_column=weight_column, log=log, **given,
        )
        notes = dev_report.pop("notes", [])  # about the dev figures: said after them
        if report is not None:
            try:
                # the metrics are the scored model's; after a refit, the curves are the saved one's
                note = f"the saved model, trained again on all of {Path(data).name} after the dev figures" \
                    if dev_report["refit_on_all"] else None
                written = write_report({**dev_report, "model": str(out)}, report, "dev", model=pipe,
                                       history_note=note)  # (metrics.json names the model, as --json does)
            except Exception as exc:  # noqa: BLE001 - whatever stopped it, the saved model must be said
                why = os_error_message(exc) if isinstance(exc, OSError) else " ".join(str(exc).split())
                fail(f"the model was saved to {out}, but the report could not be written ({why})")
            _note_report(report, written)
        dev_report.pop("mistakes", None)  # in the report folder only
    if as_json:
        _print_json({**dev_report, "model": str(out)})
    elif not dev_report["n"]:  # --dev-fraction 0
        echo(f"no dev figures (--dev-fraction 0); the model learnt from {counted(dev_report['n_train'], 'text')}")
    else:
        echo(format_report(dev_report))
    for note in notes:
        log(note)
    if not as_json:
        echo(f"\nsaved the model to {_field(out)}")


@app.command(short_help="Label texts given as arguments, on stdin or in a file.", cls=_TextsCommand)
@friendly
def predict(
    texts: List[str] = typer.Argument(None, metavar="TEXT...", help="Texts to classify; '-' reads one text per line from stdin (blank lines skipped, and named in a note, as the output then has fewer lines), 1,000 lines at a time, printing each batch's predictions as it goes (a bad line stops it there, with the batches before it printed)."),
    model: Optional[Path] = _path_option(None, metavar="DIR", help="Model directory; default: the English model of --task shipped with the package."),
    task: Optional[str] = typer.Option(None, metavar="TASK", help=f"Without --model: the shipped model for {_shipped_choices(describe=True)}."),
    aspect: List[str] = typer.Option([], "--aspect", metavar="TERM", help="Aspect models: score this aspect term (as written in the text, in any case and spacing, not inside web addresses or HTML tags; as whole words; in Chinese, Japanese or Thai also within a run of letters) instead of finding the aspects; repeatable; also with --input."),
    by_sentence: Optional[bool] = typer.Option(None, "--by-sentence/--whole-text", show_default=False, help="Aspect models: find the terms in each sentence on its own and read the polarity toward each aspect from its own sentence (the default; the models learn from single sentences), or do both over the whole text; categories are read from the whole text."),
    top_if_none: bool = typer.Option(False, "--top-if-none", help="Several labels per text: give the most probable label to a text where none passes its threshold (marked so; JSON and --input files: below_threshold)."),
    explain: bool = typer.Option(False, "--explain", help="Also show the words that move each prediction most: how far the label's log-odds fall when the word (with any copies) is left out (below 0: the word speaks against it); with several labels per text, for the first label given (or the most probable); aspect models: for each aspect's polarity. With --input: an 'explanation' column (aspect models: 'words' in each aspect); it predicts each text once per distinct word, so it is slow on long texts."),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON array: per text, its label(s), the class probabilities and known_features (how many of its words or n-grams the model knows; 0: the label is a guess); aspect models: per text its aspects (term, span, polarity, scores) and restaurant categories. With --input and --output -: JSON Lines, a record per row."),
    input_: Optional[Path] = _path_option(None, "--input", metavar="FILE", help="Predict every row of this file (streamed in chunks); aspect models also read SemEval-2014 XML. '-': a table piped into stdin (CSV, TSV, JSON Lines, JSON, Parquet or XML, told by its first bytes)."),
    output: Optional[Path] = _path_option(None, metavar="FILE", help="With --input (and needed then): where to write the predictions (.csv, .tsv or .jsonl); '-': print them as CSV (with --json: JSON Lines), each chunk as it is predicted. Its columns: the input's, then label (several labels per text: labels) and score_LABEL per class; aspect models: aspects (and categories, where the model learnt them), each a JSON list."),
    text_column: Optional[str] = _column_option(None, metavar="COLUMN", help="With --input: the text column; default: the model's."),
    batch_size: Optional[int] = typer.Option(None, show_default=False, metavar="N", help="With --input: rows per chunk (default 5,000; with --explain 1,000)."),
    grouping: Optional[str] = typer.Option(None, metavar="GROUPING", help="Tell an emotion model's labels in groups: ekman or sentiment (a group's score is its most probable label's; an explanation stays the label's)."),
    skip_blank: bool = typer.Option(False, "--skip-blank", help="With --input: write rows with no text unpredicted, their prediction cells empty (JSON Lines: null), instead of stopping at the first."),
):
    """Label texts, with the probability of every class (with several labels per text: every label
    above its threshold, with its probability; with an aspect model: each aspect term, its character
    span, the polarity toward it and, if the model has them, the text's categories).

    Examples:

    \b
      sentiment predict "What a wonderful film!" "Dull and far too long."
      sentiment predict --task emotion --top-if-none "Thank you so much, this made my day!"
      sentiment predict --task emotion --grouping ekman "Thank you so much, this made my day!"
      sentiment predict --task aspect "The screen is dim, but the keyboard feels great."
      sentiment predict --task aspect --aspect battery --aspect screen "Great screen, awful battery."
      sentiment predict --task aspect --whole-text "The food was great. Prices are fair."
      sentiment predict --json "The battery died after a day."
      sentiment predict --explain "Not bad at all, and the ending is lovely."
      sentiment predict -- "-5 stars: a text that starts with a dash comes after --"
      sentiment predict --input reviews.csv --output predictions.csv --text-column review
      zcat reviews.csv.gz | sentiment predict --input - --output - > predictions.csv
    """
    if top_if_none and task == "aspect":  # before the aspect model takes its seconds to load
        from .commands import check_top_if_none

        check_top_if_none(aspect_model=True, multi_label=False)
    for term in aspect:  # bytes that were not UTF-8 (a term typed in Latin-1), refused as such texts are
        if holds_lone_surrogate(term):
            fail(f"--aspect {ascii(term)} is not UTF-8 text (its bytes were of another encoding); pass the term in UTF-8")
    if input_ is not None:
        if texts:
            fail("give texts or --input FILE, not both")
        _predict_input(input_, output, model, task, as_json=as_json, text_column=text_column, batch_size=batch_size,
                       aspect=aspect, by_sentence=by_sentence, top_if_none=top_if_none, explain=explain,
                       skip_blank=skip_blank, grouping=grouping)
        return
    for flag, value in (("--output", output), ("--text-column", text_column), ("--batch-size", batch_size),
                        ("--skip-blank", skip_blank or None)):
        if value is not None:
            fail(f"{flag} goes with --input FILE")
    from_stdin, where = _texts_given(texts, 'sentiment predict "great film", or --input FILE')
    if not from_stdin:
        _refuse_paths_as_texts(texts)
    from .commands import check_predict_flags

    pipe = _load(model, task)
    check_predict_flags(pipe, top_if_none, aspect, by_sentence, grouping)
    unknown, found = [], set()
    with _text_output("predict", texts, from_stdin, as_json) as (batches, array):
        _predict_batches(pipe, batches, where, array, aspect, by_sentence, top_if_none, explain, unknown, found,
                         grouping)
    _note_terms_not_found(aspect, found)
    if unknown:
        shown = ", ".join(map(str, unknown[:10])) + (", …" if len(unknown) > 10 else "")
        hint = "another language? the shipped models know English" if model is None else "words its training data lack?"
        echo(f"note: the model knows none of the words (or n-grams) of text(s) {shown}: their labels are its "
              f"guess without evidence ({hint})", err=True)


def _predict_input(input_: Path, output: Optional[Path], model: Optional[Path], task: Optional[str], *,
                   as_json: bool, text_column: Optional[str], batch_size: Optional[int], aspect: List[str],
                   by_sentence: Optional[bool], top_if_none: bool, explain: bool, skip_blank: bool,
                   grouping: Optional[str]) -> None:
    """predict --input: write the predictions of every row of ``input_`` (a file, or "-": a table piped into
    stdin) to ``output`` (:func:`~sentiment.commands.predict_file`; "-": standard output), then say on stderr how
    many it wrote and which ``aspect`` terms no text holds."""
    if output is None:
        fail("--input needs --output FILE (.csv, .tsv or .jsonl) for the predictions, or --output - to print "
             "them (CSV; with --json, JSON Lines)")
    to_stdout = str(output) == "-"
    if as_json and not to_stdout:
        fail("--json prints the predictions of texts on the command line; with --input they go to --output "
             "(.jsonl for JSON lines; --output - --json prints JSON Lines)")
    from .commands import CHUNK_ROWS, EXPLAINED_CHUNK_ROWS, predict_file

    found: set = set()
    pipe = _load(model, task)
    chunk_rows = batch_size if batch_size is not None else EXPLAINED_CHUNK_ROWS if explain else CHUNK_ROWS
    # printed to a terminal: its control characters escaped, as the plain output's are
    on_terminal = to_stdout and sys.stdout.isatty()
    with contextlib.ExitStack() as stack:
        source = stack.enter_context(_stdin_table()) if str(input_) == "-" else input_
        if on_terminal:
            stack.enter_context(contextlib.redirect_stdout(EscapingWriter(sys.stdout, as_json)))
        rows, unpredicted = predict_file(pipe, source, output, text_column=text_column, chunksize=chunk_rows,
                                         top_if_none=top_if_none, aspects=aspect, by_sentence=by_sentence,
                                         explain=explain, skip_blank=skip_blank, grouping=grouping,
                                         progress=sys.stderr.isatty() and not on_terminal, found=found,
                                         stdout_format="jsonl" if as_json else "csv")
    predicted = rows - unpredicted
    blank = f"{unpredicted} row{'' if unpredicted == 1 else 's'} without text left unpredicted"
    if not to_stdout:
        echo(f"wrote {predicted} prediction{'' if predicted == 1 else 's'} to {_field(output)}"
             + (f" ({blank})" if unpredicted else ""), err=True)
    elif unpredicted:
        echo(f"note: {blank}", err=True)
    _note_terms_not_found(aspect, found)


_PIPED_WORDS = (("; check the file and its extension", "; check what is piped in"),
                ("; check the file", "; check what is piped in"), (" IN > OUT", " in the pipe"))


@contextlib.contextmanager
def _stdin_table() -> Iterator[Path]:
    """The table piped into stdin (``--input -``), copied to a temporary file (memory stays flat; the disk holds
    a copy while it is predicted) named by its format, told from its first bytes (:func:`~sentiment.data.format_of_head`),
    and removed at the end; errors about it name it "standard input"."""
    if sys.stdin is None or sys.stdin.isatty():
        fail("--input - reads a table piped into stdin, and none is (stdin is a terminal); pipe one in "
             "(sentiment predict --input - --output - < reviews.csv) or give the table's path")
    import shutil
    import tempfile

    from .data import format_of_head
    from .data.opening import HEAD_SIZE
    from .errors import MissingColumnsError, SentimentError

    with tempfile.TemporaryDirectory(prefix="sentiment-stdin-", ignore_cleanup_errors=True) as folder:
        spooled = Path(folder) / "stdin"
        with open(spooled, "wb") as handle:
            shutil.copyfileobj(sys.stdin.buffer, handle, 1 << 20)
        with open(spooled, "rb") as handle:
            head = handle.read(HEAD_SIZE)
        table = spooled.rename(spooled.with_suffix("." + format_of_head(head)))  # closed first: Windows renames no open file
        try:
            yield table
        except SentimentError as exc:
            message = str(exc).replace(str(table), "standard input").replace(table.name, "standard input")
            for said, piped in _PIPED_WORDS:  # advice about a file, said of a pipe
                message = message.replace(said, piped)
            if isinstance(exc, MissingColumnsError) and table.suffix in (".csv", ".tsv"):  # lines of text, maybe
                message += "; for one text per line, use `sentiment predict -`"
            exc.args = (message, *exc.args[1:])
            raise


def _note_terms_not_found(aspect: List[str], found: set) -> None:
    """A note on stderr for each ``--aspect`` term that none of the texts holds (``found``: those some text holds)."""
    if not aspect:
        return
    from .aspects.terms import HOW_TERMS_MATCH, unfound_terms

    for term in unfound_terms(aspect, found):
        echo(f"note: {term!r} occurs in none of the texts ({HOW_TERMS_MATCH})", err=True)


def _predict_batches(pipe, batches, where: str, array, aspect: List[str], by_sentence, top_if_none: bool,
                     explain: bool, unknown: list, found: set, grouping: Optional[str] = None) -> int:
    """Predict and print each batch of texts (stdin comes in batches, as it is read), with ``explain`` the words
    behind each prediction; collect the numbers of texts without a known word (``unknown``) and the given aspect
    terms found in some text (``found``, stripped). Returns how many texts."""
    from .commands import annotate_texts, is_aspect_model

    is_aspect = is_aspect_model(pipe)
    done = 0
    for batch in batches:
        _check_texts(batch, where, first=done + 1)
        if not done and where and batch:
            _note_a_header(batch[0], pipe)
        if explain:
            _note_long_texts(batch, done, by_sentence=is_aspect and by_sentence is not False)
        results = annotate_texts(pipe, batch, top_if_none=top_if_none, aspects=aspect,
                                 by_sentence=by_sentence is not False, explain=explain, known_features=not is_aspect,
                                 grouping=grouping, found=found)
        if is_aspect:
            _print_aspects(results, array, named=bool(aspect))
        else:
            unknown += [done + i + 1 for i, result in enumerate(results) if result["known_features"] == 0]
            _print_labels(results, array)
        done += len(batch)
    return done


_DATA_SUFFIXES = re.compile(r"\.(csv|tsv|tab|jsonl|ndjson|json|parquet|pq|xml|txt)(\.(gz|bz2|xz|zst|zip))?$", re.I)


def _refuse_paths_as_texts(texts: List[str]) -> None:
    """Refuse a text argument of predict that is a saved model's folder or a data file here (`predict dev.csv`):
    it would be labelled as the words of its name; say how to give it instead."""
    from .persistence import holds_model

    for text in texts:
        if holds_model(text):
            fail(f"{text} is a saved model, not a text; give it with --model {text}")
        found = _DATA_SUFFIXES.search(text)
        if found and os.path.isfile(text):
            if found.group(1).lower() == "txt":  # lines of text (--input reads tables)
                fail(f"{text} is a file, not a text; to predict its lines, one text each, give them on stdin: "
                     f"sentiment predict - < {shlex.quote(text)}" + (" (decompressed)" if found.group(2) else ""))
            fail(f"{text} is a data file, not a text; to predict its rows, give --input {text} --output "
                 "predictions.csv (or --output - to print them)")


def _note_a_header(line: str, pipe) -> None:
    """A note where the first line on stdin looks like a table's header that names the model's text column (a
    CSV piped into `predict -`): every line, that one too, is labelled as a text."""
    from .commands.models import model_columns

    column = model_columns(pipe)["text"]
    fields = [field.strip().strip('"') for field in re.split(r"[,\t]", line)]
    if column in fields and (len(fields) > 1 or line.strip() == column):
        echo(f"note: the first line on stdin ({_field(line)}) looks like a table's header, and each line is labelled "
             "as a text; `sentiment predict --input - --output -` reads a table piped in", err=True)


def _note_long_texts(texts: list[str], done: int, by_sentence: bool = False) -> None:
    """A note on stderr for each text long enough that explaining it takes seconds (its n words: up to n + 1
    predictions of n words, one per distinct word; an aspect model's, ``by_sentence``: of each aspect's
    sentence, per aspect); an error for one longer than explain takes (before any of the batch is explained)."""
    from .commands import LONG_TO_EXPLAIN, check_explainable

    for i, n in enumerate(check_explainable(texts, first=done + 1, by_sentence=by_sentence)):
        if n > LONG_TO_EXPLAIN:
            cost = ("explaining each aspect predicts its sentence once per distinct word of it" if by_sentence else
                    f"explaining it predicts it up to {n + 1:,} times (once per distinct word; an aspect model read "
                    "with --whole-text: for each aspect)")
            echo(f"note: text {done + i + 1} has {n:,} words; {cost}, so it may take a while (leave out --explain, "
                 "or explain a part of it)", err=True)


def _is_tree(line: str) -> bool:
    """Whether a line is one of SST's PTB trees ("(3 (2 It) (4 ...))")."""
    from .data import TREE_LINE

    return TREE_LINE.fullmatch(line.strip()) is not None


def _stdin_batches(command: str, blanks: list[int], size: int = 1000) -> Iterator[list[str]]:
    """The lines of stdin that are not blank (without their line ends; a byte-order mark dropped from the
    first), in lists of up to ``size``, as they come (``command``, e.g. "predict", names the command in advice);
    ``blanks`` gets the numbers of the blank lines skipped before a text (:func:`_note_blank_lines`)."""
    batch: list[str] = []
    pending: list[int] = []  # blank lines not yet followed by a text (trailing ones shift no output line)
    if sys.stdin is None:  # started with stdin closed (<&-)
        fail(f"stdin is closed; pipe the texts in (cat texts.txt | sentiment {command} -) or give them as arguments")
    if hasattr(sys.stdin, "reconfigure"):  # a line ends at "\r" too (old Mac files), as in the tables read
        with contextlib.suppress(OSError, ValueError, io.UnsupportedOperation):
            sys.stdin.reconfigure(newline=None)
    try:
        for n, line in enumerate(sys.stdin):
            line = line.rstrip("\r\n")
            if n == 0:
                line = line.removeprefix("\ufeff")  # a byte-order mark is not part of the first text
            if line.strip():
                if not batch and not blanks and not pending and n < 2 and _is_tree(line):
                    echo(f"note: stdin's first line is an SST tree: {command} reads each line as a text, brackets and "
                          "labels too; to score a file of trees, run sentiment evaluate FILE [--model DIR]", err=True)
                batch.append(line)
                blanks += pending
                pending = []
            else:
                pending.append(n + 1)
            if len(batch) == size:
                yield batch
                batch = []
    except UnicodeDecodeError:
        fail(f"stdin is not UTF-8 text; pass UTF-8 ({reencode_hint(file=False)})")
    if batch:
        yield batch


def _note_blank_lines(blanks: list[int]) -> None:
    """Say which blank lines of stdin were skipped before a text: the output then has fewer lines than the input."""
    if blanks:
        shown = ", ".join(map(str, blanks[:10])) + (", …" if len(blanks) > 10 else "")
        echo(f"note: skipped blank line{'s' if len(blanks) > 1 else ''} {shown} of stdin: the output has a line per "
              "text, so its lines do not line up with the input's (texts are numbered without the blank lines)", err=True)


def _print_labels(results: list[dict], array: "_JsonArray | None") -> None:
    """Per text its label and probability (several labels: each with its probability), then the text; or JSON."""
    if array is not None:
        array.add(results)
        return
    for result in results:
        if "labels" in result:
            found = ", ".join(f"{_field(name)} {result['scores'][name]:.3f}" for name in result["labels"])
            below = " (below its threshold: none passes)" if result.get("below_threshold") else ""
            echo(f"{found or '(none)'}{below}\t{_field(result['text'])}")
        else:
            echo(f"{_field(result['label'])}\t{result['scores'][result['label']]:.3f}\t{_field(result['text'])}")
        if "explanation" in result:
            # the label explained is the first given, or the most probable where none passes its threshold
            # (with --grouping the labels shown are groups, the explained one a label)
            passed = "labels" not in result or (bool(result["labels"]) and not result.get("below_threshold"))
            named = "labels" in result or result["explanation"]["label"] != result["label"]  # a group shown
            _print_explanation(result["explanation"], named, passed=passed)


def _print_explanation(explanation: dict, several: bool, passed: bool = True) -> None:
    """The words behind a prediction, one per line under it: the fall of the label's log-odds without the word
    (those that print as 0.000 left out)."""
    if several:  # with several labels (or a label's group shown), say which one is explained
        below = "" if passed else " (the most probable label; none passes its threshold)"
        echo(f"  why {_field(explanation['label'])}{below}:")
    _print_words(explanation["words"])


def _print_words(words: list[dict], indent: str = "  ") -> None:
    """One line per explaining word, its weight first (those that print as 0.000 left out), and how many
    times the text holds it where that is more than once (its copies were left out together)."""
    words = [word for word in words if abs(word["weight"]) >= 0.0005]
    if not words:
        echo(f"{indent}(leaving out any one word changes nothing)")
    for word in words:
        times = f" ({word['count']} times)" if word["count"] > 1 else ""
        echo(f"{indent}{word['weight']:+8.3f}  {_field(word['word'])}{times}")


@contextlib.contextmanager
def _text_output(command: str, texts: List[str], from_stdin: bool, as_json: bool):
    """The texts of ``command`` (e.g. "predict"), given as arguments or on stdin ('-'), as batches (stdin's as
    they are read, :func:`_stdin_batches`), with the JSON array (``as_json``; else None) that the batches' items
    are printed into: closed at the end, and after the batches printed when a bad text stops it. Leaving it,
    no text on stdin is an error, and the blank lines skipped are noted (also before a bad line's error)."""
    array = _JsonArray() if as_json else None
    blanks: list[int] = []
    given = [0]

    def batches() -> Iterator[List[str]]:
        for batch in _stdin_batches(command, blanks) if from_stdin else [texts]:
            given[0] += len(batch)
            yield batch

    try:
        with _closed_on_error(array):
            yield batches(), array
    except Exception:  # a bad line: the blank lines before it explain its number
        _note_blank_lines(blanks)
        raise
    if not given[0]:
        fail("no text on stdin; give one text per line")
    if array is not None:
        array.close()
    _note_blank_lines(blanks)


@contextlib.contextmanager
def _closed_on_error(array: "_JsonArray | None") -> Iterator[None]:
    """Close ``array`` (if any, once it has items) when a bad text stops the stream midway: the batches
    before it are printed, and their JSON array stays valid JSON (not after a broken pipe: no reader)."""
    try:
        yield
    except Exception as exc:
        if array is not None and array.count and not isinstance(exc, BrokenPipeError):
            array.close()
        raise


class _JsonArray:
    """A JSON array printed item by item (for predictions printed batch by batch), exactly as
    ``json.dumps(items, indent=2)`` prints it at once."""

    def __init__(self) -> None:
        self.count = 0

    def add(self, items: list) -> None:
        for item in items:
            text = textwrap.indent(json_text(item), "  ")
            typer.echo(("[\n" if self.count == 0 else ",\n") + text, nl=False)
            self.count += 1

    def close(self) -> None:
        typer.echo("\n]" if self.count else "[]")


@app.command(short_help="Score a model on labelled data.", cls=_Command)
@friendly
def evaluate(
    data: Path = _path_argument(..., metavar="DATA", help="Labelled data in any format `fit` reads."),
    model: Optional[Path] = _path_option(None, metavar="DIR", help="Model directory; default: the shipped model of --task."),
    task: Optional[str] = typer.Option(None, metavar="TASK", help=f"Without --model: the shipped model for {_shipped_choices()}."),
    text_column: Optional[str] = _column_option(None, metavar="COLUMN", help="Text column; default: the one the model was trained with."),
    label_column: Optional[str] = _column_option(None, metavar="COLUMN", help="Label column; default: the one the model was trained with."),
    grouping: Optional[str] = typer.Option(None, metavar="GROUPING", help="Score groups of the labels instead: ekman or sentiment."),
    label_names: Optional[str] = typer.Option(None, metavar="VALUE=NAME,...", help="The model's names of the file's label values, when they differ, e.g. 0=negative,1=positive."),
    label_sep: Optional[str] = typer.Option(None, metavar="SEP", help="Several labels per text: the separator between a text's labels in this file; default: the one the model was trained with."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object (macro_f1, n, accuracy or micro_f1, per_class, ...)."),
    report: Optional[Path] = _path_option(None, metavar="DIR", help="Also write metrics.json, confusion_matrix.png (several labels per text: label_scores.png) and the texts labelled wrongly (mistakes.csv, most confident first, or with several labels per text most wrong first; not for aspect models) to this directory, replacing an earlier report's files there."),
):
    """Score a model on labelled data: accuracy (or micro-F1 with several labels per text), macro-F1,
    per-class report and confusion matrix.

    Examples:

    \b
      sentiment evaluate dev.csv --model my-model
      sentiment evaluate dev.csv --model my-model --json --report reports/dev
      sentiment evaluate goemotions-dev.csv --task emotion --grouping ekman
      sentiment evaluate reviews.csv --label-names neg=negative,pos=positive
      sentiment evaluate Restaurants_Test_Gold.xml --task aspect --json
    """
    from .commands import evaluate_file, training_data_notes
    from .evaluation import format_report, write_report

    from .default_models import default_model_path

    shipped = _shipped_task(model, task)
    scored = str(model if model is not None else default_model_path(shipped))  # named by --json and metrics.json
    with _report_folder(report, [data]):
        pipe, result = evaluate_file(data, model, text_column=text_column, label_column=label_column, grouping=grouping,
                                  task=shipped, label_names=_parse_label_names(label_names), separator=label_sep,
                                  progress=sys.stderr.isatty(), mistakes=report is not None)
        for note in result.pop("notes", []):
            echo(note, err=True)
        if report is not None:
            _note_report(report, write_report({**result, "model": scored}, report, Path(data).name))
        result.pop("mistakes", None)  # in the report folder only
    if result.get("n_without_polarity"):  # terms for extraction alone: no triple can be scored
        n = result["n_without_polarity"]
        echo(f"note: {n} of the gold aspects {'has' if n == 1 else 'have'} no polarity, so there is no end-to-end "
              "score; give every aspect its polarity to have one", err=True)
    if result.get("n_categories_unscored"):
        n = result["n_categories_unscored"]
        echo(f"note: {counted(n, 'sentence')} of the file {'has' if n == 1 else 'have'} categories, which this model "
             "does not score: it learnt none (fit on data with categories to have them)", err=True)
    if result.get("n_in_markup"):
        from .aspects.data import NEVER_TERMS

        echo(f"note: {result['n_in_markup']} of the gold aspect terms lie inside web addresses or HTML tags, "
              f"{NEVER_TERMS}: they count as missed", err=True)
    for note in training_data_notes(pipe, data, shipped if model is None else None):
        echo(note, err=True)
    if as_json:
        _print_json({**result, "model": scored})  # as fit's
    else:  # (the model named, as when several are scored in a loop)
        echo(f"{'model':<11}{_field(scored)}\n{format_report(result)}")


@app.command(short_help="Show the tokens that the cleaning makes of texts.", cls=_TextsCommand)
@friendly
def clean(
    texts: List[str] = typer.Argument(None, metavar="TEXT...", help="Texts to clean; '-' reads one text per line from stdin (blank lines skipped, and named in a note)."),
    set_: List[str] = typer.Option([], "--set", "-s", metavar="KEY=VALUE", help="A cleaning option, repeatable (`sentiment options` lists them with their defaults)."),
    model: Optional[Path] = _path_option(None, metavar="DIR", help="Clean as this saved model (or text vectorizer) was trained to, with its options."),
    task: Optional[str] = typer.Option(None, metavar="TASK", help="Clean as the shipped model of this task does (polarity or emotion)."),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON array: per text, the text and its tokens."),
):
    """Print the tokens that the cleaning makes of each text, one text per line, tokens separated by
    spaces: what a vectorizer counts and a model reads (negated words marked not_, emoji as words, ...).

    Examples:

    \b
      sentiment clean "I don't like it :( <br/> Sooooo boring!!!"
      sentiment clean --set negation=false --set emoji=remove "Not bad 😍"
      sentiment clean --task polarity "it isnt good"
      sentiment clean --model my-model --json "The acting was superb."
      cat reviews.txt | sentiment clean -
    """
    from .commands import cleaner_of

    from_stdin, where = _texts_given(texts, 'sentiment clean "Not bad at all!", or - to read them from stdin')
    options = _parse_options(set_, stages=())
    if model is None and task == "aspect":  # said before the slow load of the model
        from .errors import ConfigError

        raise ConfigError("--task aspect is an aspect model, whose cleaning is not one to show: it reads texts with a "
                          "tokenizer of its own, which keeps character offsets; use --task polarity or emotion")
    if model is not None or task is not None:
        cleaner = cleaner_of(options, _load(model, task, labels=False), f"--task {task}" if model is None else str(model))
    else:
        cleaner = cleaner_of(options)
    done = 0
    with _text_output("clean", texts, from_stdin, as_json) as (batches, array):
        for batch in batches:
            if from_stdin:
                _check_texts(batch, where, done + 1)
            tokens = cleaner.tokens_of(batch)
            if array is not None:
                array.add([{"text": text, "tokens": found} for text, found in zip(batch, tokens)])
            else:
                for found in tokens:
                    echo(" ".join(_field(token) for token in found))
            done += len(batch)


@app.command(short_help="Turn the texts of a file into vectors (count, tf-idf or word2vec).", cls=_Command)
@friendly
def vectorize(
    data: Path = _path_argument(..., metavar="DATA", help="Texts: .csv/.tsv/.jsonl/.parquet or a .json array of records (also compressed: .gz, .bz2, .xz, .zst, .zip); other columns are ignored."),
    out: Path = _path_option(..., metavar="FILE", help="File to write the vectors to, one row per data row: .npz for count and tfidf (sparse; scipy.sparse.load_npz reads it), .npy for word2vec (dense; numpy.load)."),
    vectorizer: Optional[str] = typer.Option(None, metavar="NAME", help="count, tfidf (the default) or word2vec, fitted on DATA."),
    set_: List[str] = typer.Option([], "--set", "-s", metavar="KEY=VALUE", help="Option KEY=VALUE of the cleaner or the vectorizer, repeatable (see the cleaner and vectorizer parts, and their defaults, in `sentiment options --vectorizer NAME --model logreg`)."),
    model: Optional[Path] = _path_option(None, metavar="DIR", help="Use this fitted vectorizer instead of fitting one: a directory saved with --save, or a trained model's vectorizer (its output, which the model takes in; an lstm model reads token ids instead, so it gives the document vectors of its word2vec vectorizer)."),
    save: Optional[Path] = _path_option(None, metavar="DIR", help="Also save the vectorizer (fitted here, or a trained model's of --model, on its own) to this directory, to vectorize more texts the same way later (--model) or to reuse its word vectors (--set vectors_path=DIR)."),
    names: Optional[Path] = _path_option(None, metavar="FILE", help="Also write the name of each column (n-gram, or word2vec0, word2vec1, ...) to this .json file, as an array."),
    text_column: Optional[str] = _column_option(None, metavar="COLUMN", help="Column with the texts; default: text (with --model: the column it was fitted or trained on)."),
    as_json: bool = typer.Option(False, "--json", help="Print what was written as one JSON object (rows, columns, vectorizer, out, names, saved)."),
):
    """Clean the texts of a file and turn them into vectors: n-gram counts, tf-idf weights (sparse
    matrices) or word2vec document vectors (a dense array), with the same cleaning and vectorizers as
    `fit`. In Python: sentiment.TextVectorizer, a scikit-learn transformer.

    Examples:

    \b
      sentiment vectorize reviews.csv --out tfidf.npz --names terms.json --save tfidf-vectorizer
      sentiment vectorize new-reviews.csv --model tfidf-vectorizer --out new.npz
      sentiment vectorize reviews.csv --vectorizer word2vec --set vector_size=50 --out vectors.npy
      sentiment vectorize reviews.csv --vectorizer count --set ngram_range=1,2 --set min_df=2 --out counts.npz
      sentiment vectorize reviews.csv --model my-model --out features.npz
    """
    from .commands import vectorize_file

    written = vectorize_file(data, out, vectorizer=vectorizer, options=_parse_options(set_, ("vectorizer",)), model=model,
                             text_column=text_column, names=names, save=save,
                             progress=sys.stderr.isatty() and not as_json)
    if as_json:
        _print_json(written)
        return
    echo(f"wrote {written['rows']} x {written['columns']} {written['vectorizer']} vectors to {_field(written['out'])}"
          + (f", the column names to {_field(written['names'])}" if written["names"] else "")
          + (f"; saved the vectorizer to {_field(written['saved'])}" if written["saved"] else ""))


@app.command(short_help="Combine trained models by averaging their probabilities.", cls=_Command)
@friendly
def ensemble(
    models: List[Path] = _path_argument(..., metavar="MODEL...", help="Two or more model directories with the same labels."),
    out: Path = _path_option(..., metavar="DIR", help="Directory to write the ensemble to."),
    weights: Optional[str] = typer.Option(None, metavar="W,W,...", help="Comma-separated weights >= 0, one per model (default: equal; models with one label per text: not with --tune, which chooses them)."),
    tune: Optional[Path] = _path_option(
        None, metavar="FILE", help="Choose the weights on this labelled file (the mix with the best accuracy there, in steps "
                   "of a tenth for up to four models), or, for models with several labels per text, tune each label's threshold on it "
                   "(held-out training data, not the data you evaluate on)."),
    text_column: Optional[str] = _column_option(None, metavar="COLUMN", help="With --tune: its text column; default: the members'."),
    label_column: Optional[str] = _column_option(None, metavar="COLUMN", help="With --tune: its label column; default: the members'."),
    label_sep: Optional[str] = typer.Option(None, metavar="SEP", help="With --tune, several labels per text: the separator between a text's labels in its file; default: the members'."),
    as_json: bool = typer.Option(False, "--json", help="Print what was saved as one JSON object (model, members, weights, labels; weights_from with --tune; with several labels per text, thresholds and where they come from)."),
):
    """Combine trained models into one that averages their class probabilities, with equal weights, the
    weights given, or the weights that score best on a held-out file (--tune).

    Models with several labels per text (e.g. emotions) combine too; a label is chosen when the mean
    probability reaches its threshold (the mean of the members' thresholds, or tuned with --tune).

    Examples:

    \b
      sentiment ensemble nbsvm-model lstm-model --out ensemble-model
      sentiment ensemble a b c --weights 2,1,1 --out abc && sentiment evaluate dev.csv --model abc
      sentiment ensemble nbsvm-model lstm-model --tune heldout.csv --out ensemble-model
      sentiment ensemble emotions-logreg emotions-lstm --tune goemotions-heldout.csv --out emotions-mean
    """
    from .commands import ensemble_models

    parsed = None
    if weights is not None:
        try:
            items = weights.split(",")
            if any("_" in w for w in items):  # Python's float reads "1_0" as 10
                raise ValueError
            parsed = [float(w) for w in items]
        except ValueError:
            fail(f"--weights takes numbers separated by commas, e.g. 2,1; got {weights!r}")
    saved, source, notes = ensemble_models(models, out, weights=parsed, tune=tune, text_column=text_column,
                                           label_column=label_column, separator=label_sep)
    for note in notes:
        echo(f"note: {note}", err=True)
    if as_json:
        _print_json({"model": str(out), "members": [str(m) for m in models], "weights": saved._weights,
                     "labels": [str(name) for name in saved.label_names_],
                     **({"thresholds": dict(zip(map(str, saved.label_names_), saved.thresholds_.tolist())),
                         "thresholds_from": source} if saved.multi_label_ else
                        {"weights_from": source} if source else {})})
        return
    chosen = (f"; thresholds: {source}" if saved.multi_label_ else
              f"; weights {', '.join(f'{w:g}' for w in saved._weights)}, {source}" if source else "")
    echo(f"saved an ensemble of {len(models)} models to {_field(out)}{chosen}")


@app.command(short_help="Export a PyTorch model's network to ONNX or TorchScript.", cls=_Command)
@friendly
def export(
    model: Path = _path_argument(..., metavar="MODEL", help="Directory of a trained mlp or lstm model."),
    out: Path = _path_option(..., metavar="FILE", help="File to write: a .onnx file for onnx, a .pt (.pth, .ts) file for torchscript."),
    format_: Optional[str] = typer.Option(None, "--format", metavar="FORMAT", help="torchscript or onnx (needs the onnx package); it must agree with the --out suffix (.pt, .pth or .ts: torchscript; .onnx: onnx), which gives it when left out."),
    as_json: bool = typer.Option(False, "--json", help="Print what was written as one JSON object (model, out, format)."),
):
    """Export the network of a trained PyTorch model (mlp, lstm) to ONNX or TorchScript.

    The exported network maps feature or token-id tensors to class probabilities; cleaning and
    vectorizing stay in Python (see sentiment.export).

    Examples:

    \b
      sentiment export mlp-model --out mlp.pt
      sentiment export lstm-model --out lstm.onnx
    """
    from .export import export_format, export_model
    from .pipeline import load

    path = export_model(load(model), out, format_.strip().lower() if format_ is not None else None)
    if as_json:
        _print_json({"model": str(model), "out": str(path), "format": export_format(path)})
        return
    echo(f"wrote {_field(path)}")


@app.command(short_help="Show what a saved model is and how it was trained.", cls=_Command)
@friendly
def info(
    model: Optional[Path] = _path_argument(None, metavar="MODEL", help="Model directory; default: the shipped model of --task."),
    task: Optional[str] = typer.Option(None, metavar="TASK", help=f"Without MODEL: the shipped model for {_shipped_choices()}."),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON object instead of text."),
):
    """Show what a saved model is: its kind and settings, labels (and thresholds), the columns it reads,
    what it was trained on and its dev scores. Every file of the model is checked on the way.

    Examples:

    \b
      sentiment info my-model
      sentiment info --task emotion --json
    """
    from .commands import describe_model

    described = describe_model(model, task=_shipped_task(model, task))
    if as_json:
        _print_json(described)
        return
    reading = f", text reading {_reading_versions(described['reading_version'])}"
    width = _terminal_width()
    echo(_info_line("model", f"{_field(described['model'])} ({_field(str(described['kind']))}; sentiment "
                              f"{_field(str(described['sentiment_version']))}{reading})", width))
    lines = []
    for key, value in described["settings"].items():
        if key == "members" and isinstance(value, dict):  # an ensemble's: each member's settings on lines of their own
            lines += [f"{name} {part}: {_pairs(setting)}" for name, settings in value.items()
                      for part, setting in (settings.items() if isinstance(settings, dict) else [("settings", settings)])]
        else:
            lines.append(f"{key}: {_pairs(value)}")
    for n, line in enumerate(lines):
        echo(_info_line("settings" if n == 0 else "", line, width))
    values = described["label_values"]  # 1=negative: what predict() gives in Python, where the names differ
    labels = (", ".join(f"{_field(name)} {t:.3g}" for name, t in described["thresholds"].items())
              if described["multi_label"] else ", ".join(
                  f"{_field(str(values[name]))}={_field(name)}" if values else _field(name) for name in described["labels"]))
    if labels:  # a text vectorizer has none
        echo(_info_line("labels", ("several per text, each with its threshold: " if described["multi_label"] else "")
                         + labels, width))
    for key, title in (("columns", "columns"), ("data", "data"), ("dev_metrics", "dev"), ("info", "training")):
        if described[key]:
            refit = key == "dev_metrics" and isinstance(described["data"], dict) and described["data"].get("refit_on_all") is True
            echo(_info_line(title, _pairs(described[key]) + (" (of the model scored before it was trained again on all "
                                                                "of its data)" if refit else ""), width))


def _terminal_width() -> int | None:
    """The width ``info`` wraps its lines at: the terminal's, where the output goes to one; None for a pipe or a
    file, which get each line whole (for scripts; ``--json`` is theirs)."""
    if not sys.stdout.isatty():
        return None
    return max(40, shutil.get_terminal_size().columns)


def _info_line(title: str, text: str, width: int | None) -> str:
    """``title`` in its column, then ``text``; wrapped after its commas to ``width`` (None: not wrapped), the
    lines after the first indented under the text."""
    head, text = f"{title:<12} ", escaped(text)  # measured as printed: "\x07" takes 4 columns
    if width is None or len(head) + len(text) <= width:
        return head + text
    parts = _settings_parts(text)
    lines, line = [], head + parts[0]
    for k, part in enumerate(parts[1:], 2):
        if len(line) + 2 + len(part) + (k < len(parts)) > width:  # room for the comma after it, but for the last
            lines.append(line + ",")
            line = " " * (len(head) + 2) + part
        else:
            line += ", " + part
    return "\n".join(lines + [line])


def _settings_parts(text: str) -> list[str]:
    """``text`` cut at each ", " outside brackets: one setting a part, a list value (``ngram_range=[1, 2]``)
    kept whole, so that a wrapped line can still be copied to --set; at every ", " where the brackets do not
    pair up (a label ":[" in a list of labels)."""
    parts, depth, start = [], 0, 0
    for i, char in enumerate(text):
        depth += {"[": 1, "{": 1, "]": -1, "}": -1}.get(char, 0)
        if depth < 0:
            break
        if depth == 0 and text.startswith(", ", i):
            parts.append(text[start:i])
            start = i + 2
    return parts + [text[start:]] if depth == 0 else text.split(", ")


def _reading_versions(reading, within: str = "") -> str:
    """A model's text-reading version, or an ensemble's members' by folder (member0/member1 for a nested
    ensemble's), as ``info`` prints it."""
    if not isinstance(reading, dict):
        return f"{within}{' ' if within else ''}{reading or 'not recorded'}"
    return ", ".join(_reading_versions(version, f"{within}/{name}" if within else name) for name, version in reading.items())


def _pairs(value) -> str:
    """``key=value, ...`` of a dict (nested dicts in brackets); other values as :func:`_shown`."""
    if not isinstance(value, dict):
        return _shown(value)
    return ", ".join(f"{_field(k)}=[{_pairs(v)}]" if isinstance(v, dict) else f"{_field(k)}={_shown(v)}"
                     for k, v in value.items())


def _shown(value) -> str:
    """A setting as ``--set`` reads it back: true, false and null as in JSON, text bare (no quotes), floats to
    4 digits, a whole float with its point (max_df=1.0 is a share, max_df=1 a count)."""
    if isinstance(value, float):
        return f"{value:.1f}" if value.is_integer() and abs(value) < 1e15 else f"{value:.4g}"
    if isinstance(value, str):
        return _field(value)  # a column or file name with a tab or line break stays on its line
    if isinstance(value, list):
        return "[" + ", ".join(_shown(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)


@app.command(short_help="List every option of the stages, with its default and what it does.", cls=_Command)
@friendly
def options(
    vectorizer: Optional[str] = typer.Option(None, metavar="NAME", help=f"{or_list(available('vectorizer'))}: the vectorizer whose options to list; default: the one `fit --task` uses (with --model lstm: word2vec)."),
    model: Optional[str] = typer.Option(None, metavar="NAME", help=f"{or_list(available('model'))}: the model whose options to list; default: the one `fit --task` uses (with --vectorizer word2vec: logreg)."),
    task: str = typer.Option(DEFAULT_TASK, metavar="TASK", help=f"{or_list(CONFIGURATIONS)}: list the values `fit --task` starts from; aspect: the aspect model's options."),
    multi_label: bool = typer.Option(False, "--multi-label", help="The defaults of --task for several labels per text, as `fit --multi-label` uses them."),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON object: per stage, each option's value, default and help line."),
):
    """List the options of the cleaner, a vectorizer and a model, with the values `fit --task` trains with
    unless --set changes them (the task's own settings where it has them, else each stage's default) and a
    line on what each does.

    Examples:

    \b
      sentiment options --vectorizer word2vec --model logreg
      sentiment options --task emotion --multi-label
      sentiment options --task aspect --json
    """
    from .commands import describe_options

    _refuse_model_folder(model, vectorizer, "options lists the options of")
    described = describe_options(task, vectorizer, model, multi_label)
    if as_json:
        _print_json(described)
        return
    if described["model"] is not None:
        echo(f"task {task}{' (several labels per text)' if multi_label else ''}: vectorizer "
              f"{described['vectorizer']}, model {described['model']}")
    for stage, values in described["options"].items():
        echo(f"{stage}:")
        settings = {}
        for key, option in values.items():
            shown, default = (list(v) if isinstance(v, tuple) else v for v in (option["value"], option["default"]))
            settings[key] = f"  {key} = {json.dumps(shown)}" + (f" (task {task}; default {json.dumps(default)})"
                                                                 if shown != default else "")
        width = max(map(len, settings.values()), default=0)
        for key, option in values.items():
            unused = multi_label and stage == "model" and key == "dev_fraction"  # the tune part stops it instead
            echo(f"{settings[key]:<{width}}  # {option['help']}"
                  + (" (with several labels, used only where no tune part is held out: tune_fraction 0, or too few "
                     "texts; else early stopping uses the tune part)" if unused else ""))
    echo("\n" + "\n".join(f"{KIND_NAMES[kind]}: {', '.join(names)}" for kind, names in described["available"].items()))


_INFO = "see its settings with: sentiment info "


def _refuse_model_folder(model: str | None, vectorizer: str | None, what: str, model_advice: str = _INFO) -> None:
    """Fail where ``--model`` or ``--vectorizer`` (which name a kind of stage: fit, options) is a saved model's
    folder, which predict, evaluate and info take: ``what`` the command does with a kind, ``model_advice`` what to
    do instead for ``--model`` (the folder follows it; for ``--vectorizer``: see the folder's settings)."""
    for flag, name, advice in (("--model", model, model_advice), ("--vectorizer", vectorizer, _INFO)):
        kind = flag[2:]
        if name is not None and name not in available(kind) and os.path.isdir(name):
            fail(f"{flag} {name} is a saved model's folder, and {what} a kind of {kind} "
                  f"({', '.join(available(kind)[:3])} ...); {advice}{name}")


KIND_NAMES = {"vectorizer": "vectorizers", "model": "models", "aspect_extractor": "extractors",
              "aspect_polarity": "polarity models"}


def _print_aspects(results: list[dict], array: "_JsonArray | None", named: bool = False) -> None:
    """Each text, then one line per aspect (term, character span, polarity and its probability) and per
    category, if the model has categories ([category], polarity and probability); or JSON."""
    if array is not None:
        array.add(results)
        return
    for result in results:
        echo(_field(result["text"]))
        for a in result["aspects"]:
            echo(f"  {_field(a['term'])}\t{a['from']}-{a['to']}\t{a['polarity']}\t{a['score']:.3f}")
            if "words" in a:
                _print_words(a["words"], indent="      ")
        if not result["aspects"] and (named or not result.get("categories")):  # (categories found: said below)
            echo("  (none of the named aspects is in this text)" if named
                  else "  (no aspect found; name one with --aspect TERM)")
        for c in result.get("categories", []):
            echo(f"  [{_field(c['category'])}]\t\t{c['polarity']}\t{c['score']:.3f}")


def main() -> None:
    run(app)  # (``app`` looked up when called)


if __name__ == "__main__":
    main()
