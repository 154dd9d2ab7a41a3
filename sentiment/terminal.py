"""How a command meets the terminal: what it prints, and how it ends.

Everything printed is escaped so that text from a model or a file cannot move the cursor or hide (:func:`echo`,
:func:`json_text`); an error of the package, of the OS or of the input becomes one ``Error:`` line and a non-zero
exit (:func:`friendly`, :func:`fail`); SIGTERM and SIGHUP stop a command as Ctrl-C does, leaving nothing
half-written; closed, full or vanished standard streams end in one line too (:func:`run`). The commands
themselves are in :mod:`sentiment.cli`.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import io
import json
import os
import re
import signal
import sys
import warnings
from pathlib import Path
from typing import Callable

import typer

from .checks import json_safe
from .errors import (AbsentLabelWarning, BackupKeptWarning, IgnoredOptionWarning, LabelSpellingWarning,
                     MissingGlyphWarning, ReadingVersionWarning, SentimentError, VectorCoverageWarning, on_one_line)


# control characters, but tab and line break, the line and paragraph separators U+2028 and U+2029 (line ends to
# str.splitlines and JavaScript), and the bidirectional overrides and isolates, which reorder what
# follows on the line (a label or a text could make a line read otherwise than it is); and the characters that
# show as nothing at all (zero-width space, word joiner, soft hyphen, byte-order mark, direction marks, Hangul
# fillers, the other invisible format characters of Unicode's Cf), which would make two labels ("positive",
# "positive" + U+200B) print alike; not the joiners U+200C and U+200D, parts of emoji sequences and of words in
# Persian or Indic scripts
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\xad\u061c\u115f\u1160\u180e\u200b\u200e\u200f\u2028\u2029"
                      "\u202a-\u202e\u2060-\u2064\u2066-\u206f\u3164\ufeff\uffa0\ufff9-\ufffb\U0001bca0-\U0001bca3"
                      "\U0001d173-\U0001d17a\U000e0001]")


def echo(text: str, **kwargs) -> None:
    """``typer.echo`` with control characters shown escaped (``\\x1b``, ``\\r``): a label name, a model's
    setting or a text must not move the cursor, retitle the window, clear the screen or reorder the line."""
    typer.echo(escaped(text), **kwargs)


@contextlib.contextmanager
def training_lines(shown: bool):
    """While a command trains, each epoch's line of the PyTorch trainer (the ``sentiment.training`` logger) on
    stderr if ``shown`` (where no progress bar shows the epochs: stderr is no terminal); nothing otherwise."""
    import logging

    if not shown:
        yield
        return

    class Echoed(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            echo(self.format(record), err=True)

    logger, handler = logging.getLogger("sentiment.training"), Echoed()
    level, propagate = logger.level, logger.propagate
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False  # said once, here, not again by a handler the host program gave the root logger
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
        logger.propagate = propagate


def escaped(text: str) -> str:
    """``text`` with its control characters as escapes (``\\x1b``)."""
    return _CONTROL.sub(lambda m: repr(m.group())[1:-1], text)


def json_escaped(text: str) -> str:
    """``text`` (JSON already) with every character that :func:`escaped` escapes written as a JSON escape
    (``\\u0085``; beyond U+FFFF a surrogate pair, as JSON writes it): the same text to a JSON reader."""
    return _CONTROL.sub(lambda match: json.dumps(match.group())[1:-1], text)


class EscapingWriter:
    """A text stream that writes to ``stream`` with control characters escaped (:func:`escaped`; in ``json``
    text, as JSON escapes: ``\\u0085``): a file's predictions printed to a terminal."""

    def __init__(self, stream, json_text: bool = False):
        self._stream, self._json = stream, json_text

    def write(self, text: str) -> int:
        if self._json:
            return self._stream.write(json_escaped(text))
        return self._stream.write(escaped(text))

    def flush(self) -> None:
        self._stream.flush()




def json_text(value) -> str:
    """``value`` as indented JSON, every character that :func:`escaped` escapes as a JSON escape (``\\u001b``,
    ``\\u009b``, ``\\u200b``: the same text to a JSON reader, and on a terminal nothing that moves the cursor or
    shows as nothing), a number that is not finite (a hand-edited config's ``NaN``) as null
    (:func:`~sentiment.checks.json_safe`): NaN and Infinity are no JSON, and strict readers refuse them."""
    return json_escaped(json.dumps(json_safe(value), ensure_ascii=False, indent=2, allow_nan=False))


def fail(message: str, code: int = 1) -> None:
    """End the command: ``message`` as one ``Error:`` line on stderr (its lines joined), exit status ``code``."""
    one_line = " ".join(part.strip() for part in str(message).splitlines() if part.strip())
    echo(f"Error: {one_line}", err=True)
    raise typer.Exit(code)


def os_error_message(exc: OSError) -> str:
    """One line for an OSError: a file where a directory must be gets named as such."""
    if isinstance(exc, (FileExistsError, NotADirectoryError)) and exc.filename:
        blocker = next((p for p in [Path(exc.filename), *Path(exc.filename).parents]
                        if p.exists() and not p.is_dir()), None)
        if blocker is not None:
            return f"{blocker} is a file, so nothing can be written below it ({exc.strerror}); choose another path"
    where = f": {exc.filename}" if exc.filename else ""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        full = "no space left on the device" if exc.errno == errno.ENOSPC else "over the disk quota"
        # no file named: standard output (`> /dev/full`), which may fail after a model was saved
        kept = "" if exc.filename else " (the files the command finished, such as a saved model, are kept)"
        return f"{full}{where}{kept}; free some space or write elsewhere"
    if exc.errno == errno.EFBIG:
        return f"file too large{where} (a limit of the file system or of the shell: ulimit -f); write elsewhere or less"
    return f"{exc.strerror or exc}{where}; check the path and its permissions"


def _is_cli_exception(exc: Exception) -> bool:
    """typer's (or click's) own exits and usage errors, which typer reports itself."""
    return isinstance(exc, (typer.Exit, typer.Abort)) or type(exc).__module__.split(".")[0] in ("typer", "click")


def friendly(command):
    """Turn the package's errors (and a few OS ones) into one line on stderr and a non-zero exit.

    Anything else is a bug of the package: it still ends in one line (the traceback shows with
    SENTIMENT_DEBUG=1), never in a traceback for whoever runs the command.
    """

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            with warnings.catch_warnings():
                warnings.showwarning = _shown_as_note(warnings.showwarning)
                return command(*args, **kwargs)
        except SentimentError as exc:
            fail(str(exc))
        except BrokenPipeError:  # the reader stopped early (`sentiment predict - | head`): not an error of ours
            discard_stdout()  # no second error when Python flushes
            raise typer.Exit(141)  # what the shell reports for a writer killed by SIGPIPE (128 + 13)
        except OSError as exc:  # a path that cannot be read or written: missing, a file where a folder must be, ...
            flush_stdout()  # stdout on the full disk too: said once, here
            fail(os_error_message(exc))
        except MemoryError:
            fail("out of memory; use a smaller file, a smaller model (e.g. --set max_features=200000 for count or tf-idf "
                  "features) or a bigger machine")
        except KeyboardInterrupt as exc:  # Ctrl-C, or SIGTERM or SIGHUP (a Terminated) once main() has set that up
            code = 128 + exc.signum if isinstance(exc, Terminated) else 130
            with contextlib.suppress(OSError):  # (after a hang-up the terminal the line would go to is gone)
                fail("interrupted; nothing half-written was left (files and models already finished are kept)", code)
            flush_stdout()  # what was printed still goes to a file (dropped where it cannot be written)
            discard_stderr()  # nothing more to write there, nor to fail at: the exit status says it
            raise typer.Exit(code)
        except Exception as exc:
            if _is_cli_exception(exc) or os.environ.get("SENTIMENT_DEBUG"):
                raise
            detail = str(exc) if len(str(exc)) <= 300 else str(exc)[:300] + "..."
            fail(f"unexpected {type(exc).__name__} ({detail}); check the input files and options, and if they are "
                  "right, report this as a bug of sentiment (SENTIMENT_DEBUG=1 shows the traceback)")

    return wrapper


def _shown_as_note(show):
    """A ``warnings.showwarning`` that writes this package's warnings about a model or its labels as one
    ``note:`` line on stderr (no file name and source line), each once per command however often it is raised
    (a model loaded twice by one command, warnings recorded and raised again), and every other warning (a
    library's: scikit-learn's ConvergenceWarning, numpy's RuntimeWarning) as one ``warning:`` line naming its
    kind, once too; with SENTIMENT_DEBUG=1 those go to ``show``, with their source line.
    Python's own filters still decide first (``python -W ignore`` keeps them quiet)."""
    said = set()

    def shown(message, category, filename, lineno, file=None, line=None):
        ours = issubclass(category, (ReadingVersionWarning, LabelSpellingWarning, AbsentLabelWarning,
                                     IgnoredOptionWarning, MissingGlyphWarning, BackupKeptWarning,
                                     VectorCoverageWarning))
        if not ours and os.environ.get("SENTIMENT_DEBUG"):
            show(message, category, filename, lineno, file, line)
            return
        text = f"note: {message}" if ours else f"warning: {on_one_line(str(message))} ({category.__name__})"
        if text not in said:
            said.add(text)
            echo(text, err=True)

    return shown


class Terminated(KeyboardInterrupt):
    """SIGTERM (``kill``, a job scheduler's stop) or SIGHUP (the terminal closed, an SSH session dropped) turned
    into an interruption, so that it cleans up as Ctrl-C does: no half-written output or model is left behind.
    The command exits with 128 + the signal's number, as the shell reports a process that the signal ended."""

    def __init__(self, signum: int = signal.SIGTERM) -> None:
        super().__init__()
        self.signum = int(signum)


def _terminate(signum, frame):
    raise Terminated(signum)


def stop_cleanly_on_signals() -> None:
    """SIGTERM and SIGHUP (where there is one: not on Windows) raise :class:`Terminated`; a hang-up that is
    ignored (``nohup sentiment fit ...``) stays ignored."""
    signal.signal(signal.SIGTERM, _terminate)
    hangup = getattr(signal, "SIGHUP", None)
    if hangup is not None and signal.getsignal(hangup) is not signal.SIG_IGN:
        signal.signal(hangup, _terminate)


class OutputClosedError(SentimentError):
    """What the command printed could not be shown: it was started with standard output closed."""


class _ClosedOutput(io.TextIOBase):
    """Standard output of a command started with it closed (``>&-``): a command that writes only files runs
    as usual, and the first line it prints fails with :class:`OutputClosedError`."""

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        if text:
            raise OutputClosedError("standard output is closed, so the command's output is lost (files it wrote are "
                                    "kept); run it with its output going to the terminal, a file or a pipe")
        return 0


def flush_stdout() -> OSError | None:
    """Write out what standard output holds now; the OSError where it cannot (a full disk), and then it drops
    what it holds, so that Python's own flush at exit does not fail a second time (a traceback, exit status 120)."""
    try:
        sys.stdout.flush()
    except OSError as exc:
        with contextlib.suppress(OSError, ValueError, AttributeError, io.UnsupportedOperation):
            discard_stdout()
        return exc
    return None


def discard_stderr() -> None:
    """Point standard error at the null device (a terminal that hung up): nothing written to it later fails (a
    stream of no file, as a test runner's, is left)."""
    with contextlib.suppress(OSError, ValueError, AttributeError, io.UnsupportedOperation):
        _to_null(sys.stderr)


def discard_stdout() -> None:
    """Point standard output at the null device: what it still holds is dropped, not written (and not failed
    at) when Python flushes it at exit."""
    _to_null(sys.stdout)


def _to_null(stream) -> None:
    """Point ``stream``'s file descriptor at the null device."""
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, stream.fileno())
    finally:
        os.close(null)


def utf8_streams() -> None:
    """Read stdin and write stdout and stderr as UTF-8, as the files the commands read and write are, whatever
    the platform gives a redirected stream (Windows: the ANSI code page, in which an emoji cannot be written and
    UTF-8 input is misread)."""
    for stream in (sys.stdin, sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "").replace("_", "")
        if encoding != "utf8" and hasattr(stream, "reconfigure"):
            with contextlib.suppress(OSError, ValueError, io.UnsupportedOperation):
                stream.reconfigure(encoding="utf-8")


def run(app: Callable[[], object]) -> None:
    """Run the typer ``app`` as the ``sentiment`` command: SIGTERM and SIGHUP stop it as Ctrl-C does, the standard
    streams are UTF-8 (a closed one is stood in for), and what it printed is flushed at the end, a failure to write
    it said in one line."""
    stop_cleanly_on_signals()
    utf8_streams()
    if sys.stderr is None:  # started with stderr closed (2>&-): notes and errors go nowhere, the exit status tells
        sys.stderr = open(os.devnull, "w", encoding="utf-8")
    if sys.stdout is None:  # started with stdout closed (>&-): printing fails, in one line, when the command prints
        sys.stdout = _ClosedOutput()
    try:
        app()
    except OutputClosedError as exc:  # printed outside a command (--version)
        sys.stderr.write(f"Error: {exc}\n")
        sys.exit(1)
    except OSError as exc:  # --version or --help written to a full disk (/dev/full): outside any command
        flush_stdout()
        sys.stderr.write(f"Error: {os_error_message(exc)}\n")
        sys.exit(1)
    except SystemExit as done:  # every command ends so; what it printed may still wait in stdout's buffer
        failed = flush_stdout()
        if isinstance(failed, BrokenPipeError):  # the reader stopped early, as the commands' own handling says
            sys.exit(done.code or 141)
        if failed is not None and not done.code:  # it ran, but its output could not be written
            sys.stderr.write(f"Error: {os_error_message(failed)}\n")
            sys.exit(1)
        raise
    finally:  # the command has finished, or failed and said so: a Ctrl-C while Python shuts down changes nothing,
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # and would only print a traceback from an exit handler
