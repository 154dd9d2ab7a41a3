"""Model directories: one JSON config plus, per stage, a JSON state and a safetensors file of arrays.

```
model/
  config.json                 format, versions (format, text reading), settings, labels, columns, metrics, file checksums
  vectorizer/state.json       e.g. the vocabulary
  vectorizer/arrays.safetensors
  model/state.json
  model/arrays.safetensors
```

Nothing on the load path can run code: JSON and safetensors only (no pickle, no joblib). Every other
file's SHA-256 is in ``config.json``, so a truncated, corrupted or edited file is refused with a
clear message; ``config.json`` itself is checked for consistency (known settings and values, labels
that fit the model), not against a checksum, so an edit that stays consistent (renamed labels) is
taken as written. Saving writes a temporary sibling directory and renames it into place, so an
interrupted save never leaves a half-written model where a good one was.
"""

from __future__ import annotations

import contextlib
import contextvars
import errno
import glob
import hashlib
import json
import os
import re
import shlex
import shutil
import stat
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any, Iterator

import numpy as np

from .checks import path_of
from .cleaning import READING_VERSION, cleaner_reading
from .errors import (BackupKeptWarning, ConfigError, ModelFileError, ReadingVersionWarning, TrainingError,
                     caller_stacklevel, or_list)

FORMAT = "sentiment-model"
FORMAT_VERSION = 1
CONFIG = "config.json"


def holds_model(path) -> bool:
    """Whether ``path`` is a folder that holds a saved model (its ``config.json``): a path given where a text,
    a data file or an argument of another kind was expected, for the advice on what was meant."""
    return os.path.isfile(os.path.join(path, CONFIG))


def write_model(path: str | os.PathLike, config: dict[str, Any], stages: dict[str, tuple[dict, dict]]) -> Path:
    """Write ``config`` and each stage's ``(state, arrays)`` to the directory ``path``, atomically."""
    with atomic_directory(path, vectorizer=config.get("kind") == VECTORIZER_KIND) as staging:
        write_model_files(staging, config, stages)
    return Path(path)


def write_model_files(folder: Path, config: dict[str, Any], stages: dict[str, tuple[dict, dict]]) -> None:
    """Write ``config`` and each stage's ``(state, arrays)`` into ``folder`` (a staging directory of
    :func:`atomic_directory`), the config last, with the stages' checksums."""
    write_config(folder, config, write_stages(folder, stages))


def write_stages(folder: Path, stages: dict[str, tuple[dict, dict]]) -> dict[str, str]:
    """Write each stage's ``(state, arrays)`` to ``folder/<stage>/`` (flushed to disk); their checksums."""
    from safetensors.numpy import save

    files: dict[str, str] = {}
    for stage_name, (state, arrays) in stages.items():
        broken = next((name for name, values in arrays.items()
                       if np.asarray(values).dtype.kind == "f" and not np.isfinite(values).all()), None)
        if broken is not None:  # loading would refuse it: a save must not replace a model with one that cannot load
            raise TrainingError(f"the trained {stage_name} holds values that are not numbers ({broken}): the training "
                                "diverged (extreme weights or learning rate?); nothing was saved")
        stage_folder = folder / stage_name
        stage_folder.mkdir()
        _write_bytes(stage_folder / "state.json", json.dumps(state, ensure_ascii=False).encode("utf-8"))
        # serialised here and written as bytes, so a failed write is an OSError like any other file's
        _write_bytes(stage_folder / "arrays.safetensors", save({k: np.ascontiguousarray(v) for k, v in arrays.items()}))
        for name in ("state.json", "arrays.safetensors"):
            files[f"{stage_name}/{name}"] = checksum(stage_folder / name)
    return files


def _of_this_save(written: str | os.PathLike, target: Path) -> bool:
    """Whether the path ``written`` is the model directory ``target`` or lies in it, or in one of the
    temporary siblings (``.NAME.xxxxxxxx.partial`` or ``.old``) that saving to it makes."""
    real = Path(os.path.realpath(written))
    return any(folder == target or (folder.parent == target.parent and folder.name.startswith(f".{target.name}."))
               for folder in (real, *real.parents))


@contextlib.contextmanager
def atomic_directory(path: str | os.PathLike, vectorizer: bool = False) -> Iterator[Path]:
    """Yield a temporary sibling of ``path`` to fill; on success it replaces ``path``, on error it is removed.
    ``vectorizer``: what is saved is a text vectorizer (see :func:`check_model_target`)."""
    target = check_model_target(path, vectorizer)
    staging = None
    made = _missing_folders(target.parent)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent))
        share_permissions(staging)
        yield staging
        keep_permissions(staging, target)
        _replace_dir(staging, target)
        _remove_leftovers(target)
    except OSError as exc:  # a full disk, a size limit, a permission: say what it means for the model
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
        failed = exc.__cause__ if isinstance(exc, ModelFileError) else exc  # a nested save's failed write
        written = getattr(failed, "filename", None)
        if not isinstance(failed, OSError) or isinstance(failed, ModelFileError) or (
                written is not None and not _of_this_save(written, target)):
            raise  # not a write of this model: e.g. a file the caller read, or wrote beside it (vectorize --out)
        exc = failed
        _remove_empty(made)
        kept = "the model already there is kept as it was" if target.exists() else "nothing was saved"
        space, permissions = "free some space or choose another place", f"check the permissions of {target.parent}"
        advice = {errno.ENOSPC: space, errno.EFBIG: space, errno.EDQUOT: space, errno.EACCES: permissions,
                  errno.EPERM: permissions, errno.EROFS: "choose a writable place"}.get(exc.errno, "check the path")
        raise ModelFileError(f"could not write the model to {target} ({exc.strerror or exc}); {kept}; {advice}") from exc
    except BaseException:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
        _remove_empty(made)
        raise
    _note_kept_backups(target)  # once saved: a warning made an error undoes nothing


def _missing_folders(folder: Path) -> list[Path]:
    """``folder`` and the folders above it that do not exist yet (deepest first): what a save makes, and
    removes again (:func:`_remove_empty`) when it fails."""
    return [one for one in (folder, *folder.parents) if not os.path.lexists(one)]


def _remove_empty(folders: list[Path]) -> None:
    """Remove the ``folders`` (made for a save that failed; deepest first) that are still empty."""
    for folder in folders:
        try:
            folder.rmdir()
        except OSError:  # not empty (another process wrote there), or gone: left as it is
            return


@contextlib.contextmanager
def atomic_file(path: str | os.PathLike, *, through_link: bool = True) -> Iterator[str]:
    """Yield a temporary sibling of the file ``path`` to write; on success it replaces ``path`` (with its
    permissions, or those of a normal new file where there was none), on error it is removed: an interrupted write leaves ``path`` as it was.
    A symbolic link is written through: the file it points to is replaced, the link stays; unless not
    ``through_link``: then the link itself is replaced (a report's file, which is the report's own)."""
    if through_link:
        target = Path(os.path.realpath(path))
    else:  # the real folder, and the name in it (a link there is replaced)
        target = Path(os.path.realpath(os.path.dirname(os.path.abspath(path)))) / os.path.basename(path)
    if target.is_dir():
        raise IsADirectoryError(errno.EISDIR, "a directory is where the file should be written", str(path))
    _refuse_special(target, path)  # a device or a FIFO would be replaced by the rename
    made = _missing_folders(target.parent)
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd, partial = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent)
    except OSError as exc:  # a folder where no file can be made (/proc): say the path asked for, not the temporary one
        exc.filename = str(path)
        _remove_empty(made)
        raise
    os.close(fd)
    try:
        share_permissions(partial)
        yield partial
        keep_permissions(partial, target)
        _move(partial, target, replace=True)
    except BaseException as exc:
        Path(partial).unlink(missing_ok=True)
        _remove_empty(made)  # the folders made for the file, as a failed model save leaves none
        # a failed write (a full disk) names no file, or (atomic_file within atomic_file) the temporary one;
        # our own errors (a ModelFileError is an OSError too) keep their message
        if isinstance(exc, OSError) and exc.errno is not None and exc.filename in (None, partial):
            exc.filename = str(path)
        raise
    _remove_leftovers(target)


def write_config(folder: Path, config: dict[str, Any], files: dict[str, str]) -> None:
    """Write ``config.json`` with the format header and the checksums of ``files``."""
    full = {"format": FORMAT, "format_version": FORMAT_VERSION, **config, "files": files}
    _write_bytes(folder / CONFIG, json.dumps(full, indent=2, ensure_ascii=False).encode("utf-8"))


_TEMPORARY_NAME = re.compile(r"\.(.+)\.[a-z0-9_]{8}\.partial")  # what a save to NAME writes first (atomic_directory)
# a file name's longest in bytes on the common file systems (ext4, APFS, NTFS in characters), and what the temporary
# sibling that a save writes first (".NAME.xxxxxxxx.partial") adds to the name
NAME_MAX = 255
TEMPORARY_EXTRA = len("..xxxxxxxx.partial")


def _too_long(target: Path, given) -> str | None:
    """Why the name of ``target`` (``given``, as the user wrote it) cannot be saved to, or None: a name
    whose temporary sibling would be longer than a file name may be."""
    size = len(os.fsencode(target.name))
    if size + TEMPORARY_EXTRA <= NAME_MAX:
        return None
    return (f"the name of {given} is {size} bytes long, and saving first writes a temporary file beside it whose "
            f"name is {TEMPORARY_EXTRA} bytes longer, past the {NAME_MAX} a file name may have; give a name of at "
            f"most {NAME_MAX - TEMPORARY_EXTRA} bytes")


def same_path(a, b) -> bool:
    """Whether the paths ``a`` and ``b`` name one file (or folder): by the file system where both exist, so that a
    link or another letter case on a case-insensitive disk (macOS, Windows) is seen through; else by their
    real paths (a loop of links is no error here: the check of the output file says what it is)."""
    try:
        return os.path.samefile(a, b)
    except (OSError, ValueError):
        return os.path.realpath(a) == os.path.realpath(b)


def check_model_target(path: str | os.PathLike, vectorizer: bool = False) -> Path:
    """Refuse early a save path that is a file, lies below a file (``train.csv/model``), is the current
    directory or one above it, a mount point, a non-empty directory that holds no model, or a write-protected
    directory or one with a write-protected folder inside (its owner's mode bits, so that root, too, keeps it). A saved text vectorizer and a trained
    model never replace each other (``vectorizer``: what is to be saved is a vectorizer); a damaged model
    may be replaced by either. Returns the real path to replace (a symbolic link is saved through: the
    directory it points to is replaced, the link stays)."""
    given = _model_path(path)
    target = Path(os.path.realpath(path))
    if os.path.lexists(target) and not target.exists():  # realpath stops at a loop of links
        raise ModelFileError(f"{given} is a symbolic link that leads round in a loop; remove it or give another path")
    if target.exists() and not target.is_dir():
        raise ModelFileError(f"{given} is a file; give a directory path for the model")
    too_long = _too_long(target, given)
    if too_long:
        raise ModelFileError(too_long)
    temporary = _TEMPORARY_NAME.fullmatch(target.name)
    if temporary:  # a later save to NAME would remove it as the leftover of an interrupted one
        raise ModelFileError(f"{given} is named as the unfinished save of a model to {temporary[1]}, which later saves "
                             f"clean up; give the model another name")
    nearest = target.parent
    for parent in target.parents:  # the nearest one that exists must be a directory
        if os.path.lexists(parent) and not parent.exists():  # a link that leads nowhere, or back to itself
            raise ModelFileError(f"{given} lies inside {parent}, a symbolic link that leads to no folder (nowhere, or "
                                 "round in a loop); give a path without it")
        if parent.exists():
            if not parent.is_dir():
                raise ModelFileError(f"{given} lies inside {parent}, which is a file, not a directory; "
                                     "give a directory path for the model outside it")
            nearest = parent
            break
    holder = _model_among(target.parents)
    if holder is not None:
        raise ModelFileError(f"{given} lies inside the model directory {holder}, which saving replaces as a whole; "
                             "give the model a directory of its own")
    cwd = Path.cwd()
    if target == cwd or target in cwd.parents:
        raise ModelFileError(f"{given} is the current directory or holds it, and saving replaces the whole directory; "
                             "give the model a directory of its own, e.g. my-model")
    if target.is_dir() and os.path.ismount(target):  # (a container's volume) no rename can replace it
        raise ModelFileError(f"{given} is a mount point, and saving replaces the whole directory; give a folder "
                             f"inside it, e.g. {given / 'model'}")
    _check_writable(nearest, target, given)  # where the save writes first (not found out after training)
    if target.is_dir() and any(p.name not in SYSTEM_FILES for p in target.iterdir()) and not _holds_model(target):
        raise ModelFileError(f"{given} is a non-empty directory that holds no model; choose another path")
    protected = _write_protected_folder(target) if target.is_dir() else None
    if protected is not None:  # its owner made it, or a folder of it, read-only: kept so (its old copy could not go)
        shown, how = (given, how_to_unprotect(given)) if protected == target else (
            given / protected.relative_to(target), how_to_unprotect(given, tree=True))
        raise ModelFileError(f"{shown} is write-protected; make it writable ({how}) to save there, or choose another path")
    if (target / CONFIG).is_file():  # a save replaces the whole directory: nothing else in it may be lost
        try:
            foreign = _foreign_files(target)
        except PermissionError as exc:  # a folder of it this user may not read: it could not be replaced whole
            raise unreadable(given, exc) from None
        if foreign:
            raise ModelFileError(f"{given} also holds {foreign[0]}, which is not part of the model there, and saving "
                                 "replaces the whole directory; move it out or choose another path")
        _check_same_kind(target, given, vectorizer)
    return target


def _check_writable(folder: Path, target: Path, given: Path) -> None:
    """Refuse a save below ``folder`` (the nearest folder of its path that exists) where no folder can be made:
    a read-only file system, a folder made immutable, one this user may not write (as root: any). Tried by
    making (and removing) an empty folder named as a save's unfinished one, which later saves clean up."""
    try:
        probe = tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".partial", dir=folder)
    except OSError as exc:
        raise ModelFileError(f"cannot save {given}: {folder} cannot be written ({exc.strerror or one_line(exc)}); "
                             "choose another path, or make it writable") from None
    try:
        os.rmdir(probe)
    except OSError as exc:  # an append-only folder (chattr +a): a save could not replace or clean up there either
        raise ModelFileError(f"cannot save {given}: in {folder} a folder can be made but not removed "
                             f"({exc.strerror or one_line(exc)}; an append-only folder?); choose another path (and "
                             f"remove the empty test folder {probe} once you can)") from None


VECTORIZER_KIND = "vectorizer"  # the config's "kind" of a saved TextVectorizer
# What the desktop writes into any folder it shows (macOS Finder, Windows Explorer): not the user's files, so a
# save may replace a folder that holds them
SYSTEM_FILES = frozenset({".DS_Store", "Thumbs.db", "desktop.ini"})


def _check_same_kind(target: Path, given: Path, vectorizer: bool) -> None:
    """Refuse to replace a trained model by a vectorizer, or a vectorizer by a model (a damaged config may be
    replaced by either)."""
    try:
        kind = read_config(target).get("kind")
    except ModelFileError:
        return
    if vectorizer and kind != VECTORIZER_KIND:
        raise ModelFileError(f"{given} holds a trained model, which saving a vectorizer would replace; give the "
                             "vectorizer a directory of its own")
    if not vectorizer and kind == VECTORIZER_KIND:
        raise ModelFileError(f"{given} holds a saved vectorizer (TextVectorizer.save, sentiment vectorize --save), "
                             "which saving a model would replace; give the model a directory of its own")


def check_outside_models(path: str | os.PathLike, flag: str) -> None:
    """Refuse to write ``path`` (a report, an export, predictions) inside a model directory: the next save
    there replaces the directory as a whole, and refuses to while the file is in it."""
    holder = _model_holding(path)
    if holder is not None:
        raise ModelFileError(f"{flag} {path} lies inside the model directory {holder}, which the model's next save "
                             "replaces as a whole (and refuses to while other files are in it); write it elsewhere")


def file_name_for(directory: Path, name: str) -> Path:
    """An example file path for an output given as ``directory``: ``name`` inside it, or, where that
    would lie inside a model directory (which no output may), a file beside that model named after it."""
    holder = _model_holding(directory)
    if holder is None:
        return directory / name
    beside = holder.parent / (holder.name + Path(name).suffix)
    if directory.is_absolute():
        return beside
    try:  # as the user wrote it: relative to the current directory
        return Path(os.path.relpath(beside))
    except ValueError:  # another drive (Windows)
        return beside


def check_output_file(path: str | os.PathLike, flag: str, suffixes: tuple[str, ...]) -> None:
    """Refuse early a file to be written (``flag`` names it) whose name ends in one of ``suffixes`` (the
    caller checked that) but that is a symbolic link to a file whose name does not (writing through the link
    would replace, say, a CSV table), that is not a regular file (a device or a FIFO, which the rename at the
    end would replace), that its owner made read-only (the rename would replace it all the same), or that
    lies inside a model directory (:func:`check_outside_models`)."""
    try:
        Path(path).resolve()
    except RuntimeError:  # a loop of links (Python < 3.13; later ones raise an OSError, which the CLI says)
        raise ConfigError(f"{flag} {path} is a symbolic link that leads back to itself; remove it or give another path") from None
    real = Path(os.path.realpath(path))
    if real.suffix.lower() not in suffixes:
        raise ConfigError(f"{flag} {path} is a link to {real}, which is not a {or_list(suffixes)} file (so that "
                          "writing through the link replaces no other kind of file); remove the link or give another path")
    _refuse_special(real, path, flag)
    too_long = _too_long(real, f"{flag} {path}")
    if too_long:
        raise ConfigError(too_long)
    if real.is_file() and not real.stat().st_mode & stat.S_IWUSR:  # its owner made it read-only: kept, as a model is
        raise ConfigError(f"{flag} {path} is write-protected; make it writable ({how_to_unprotect(path)}) to replace "
                          "it, or give another path")
    check_outside_models(path, flag)


def how_to_unprotect(path, tree: bool = False) -> str:
    """How to make the file or folder ``path`` (``tree``: and every folder in it), which its owner made read-only,
    writable."""
    if sys.platform == "win32":
        return "clear its read-only attribute"
    return f"chmod -R u+w {path}" if tree else f"chmod u+w {path}"


def _write_protected_folder(root: Path) -> Path | None:
    """The first folder of ``root`` and the folders below it (not through links) that its owner made read-only
    (mode bits, so that root, too, keeps it), where a save replacing ``root`` could not remove the old copy; None
    if there is none."""
    for folder, subfolders, _ in os.walk(root):
        if not os.stat(folder).st_mode & stat.S_IWUSR:
            return Path(folder)
        subfolders.sort()
    return None


def _refuse_special(real: Path, path: str | os.PathLike, flag: str | None = None) -> None:
    """Refuse to replace ``real`` (the real path of ``path``) when it exists and is not a regular file."""
    try:
        mode = real.stat().st_mode
    except OSError:  # none there yet (or unreadable: the write says why)
        return
    if stat.S_ISREG(mode):
        return
    kind = ("a directory" if stat.S_ISDIR(mode) else "a named pipe (FIFO)" if stat.S_ISFIFO(mode)
            else "a socket" if stat.S_ISSOCK(mode) else "a device")
    named = f"{flag} {path}" if flag else str(path)
    through = f" (a link to {real})" if os.path.islink(path) else ""
    raise ConfigError(f"{named}{through} is {kind}, not a regular file; give the path of a file to write")


def _model_holding(path: str | os.PathLike) -> Path | None:
    """The model directory that ``path`` (followed through links) is or lies inside, or None."""
    real = Path(os.path.realpath(path))
    return _model_among([real, *real.parents])


def _model_among(folders) -> Path | None:
    """The first of ``folders`` that holds a model (:func:`_holds_model`: a damaged one too)."""
    return next((folder for folder in folders if folder.is_dir() and _holds_model(folder)), None)


def _holds_model(folder: Path) -> bool:
    """Whether ``folder`` holds a model (which a save may replace): a ``config.json`` of this format, or
    one that cannot be read beside the files of a model's stages (a damaged model). Another tool's
    ``config.json`` is not a model."""
    ours = _config_is_ours(folder)
    if ours is None:  # a config.json that cannot be read: damaged if the stages' files are in its stage folders
        # (NAME/<stage>/state.json: not deeper, where they may be another model's, saved inside another tool's folder)
        try:
            return any((stage / name).is_file() for stage in folder.iterdir() if stage.is_dir()
                       for name in MODEL_FILE_NAMES - {CONFIG})
        except OSError:  # a folder this user may not list: not known to hold a model
            return False
    return ours


def _config_is_ours(folder: Path) -> bool | None:
    """Whether ``folder`` has a ``config.json`` of this format; None when it has one that cannot be read."""
    config = folder / CONFIG
    if not config.is_file():
        return False
    try:
        content = _config_content(folder)
    except (OSError, ValueError, RecursionError):  # (a UnicodeDecodeError and a JSONDecodeError are ValueErrors)
        return None
    return isinstance(content, dict) and content.get("format") == FORMAT


class _ConfigTooLarge(ValueError):
    """A ``config.json`` larger than any model's settings (read whole, it could fill the memory): damaged."""


def _config_content(folder: Path):
    """The JSON value of ``folder``'s ``config.json``, unchecked: a ValueError for one that is not UTF-8 JSON
    (_ConfigTooLarge for one over MAX_CONFIG_BYTES, left unread), an OSError for one that cannot be read."""
    size = (folder / CONFIG).stat().st_size
    if size > MAX_CONFIG_BYTES:
        raise _ConfigTooLarge(f"{size / 2**20:,.0f} MB")
    return json.loads((folder / CONFIG).read_text(encoding="utf-8"))


MODEL_FILE_NAMES = frozenset({CONFIG, "state.json", "arrays.safetensors"})  # what a save writes, at any depth
MAX_CONFIG_BYTES = 16 * 2**20  # a config.json larger than this is damaged (the shipped ones are a few kB)


def _foreign_files(root: Path) -> list[str]:
    """Files below the model directory ``root`` that neither it nor a model saved inside it (an ensemble's
    members, an aspect model's prior) lists, with links, empty folders, pipes, sockets and devices. Where a config cannot be read (a damaged model, which may be
    overwritten), every file whose name a save never writes."""
    def own(folder: Path, prefix: str) -> set[str]:
        files = _config_content(folder).get("files")  # (damaged: a ValueError, or no dict's get)
        if not isinstance(files, dict):
            raise ValueError("no files table")  # as damaged as an unreadable config
        listed = set(files)
        found = {prefix + CONFIG} | {prefix + name for name in listed}
        for name in listed:
            if name.endswith("/" + CONFIG):  # a model inside this one
                inner = name[: -len(CONFIG)]
                if any(part in ("", ".", "..") for part in inner[:-1].split("/")):  # never below: damaged
                    raise ValueError(f"{name} is no folder inside")
                found |= own(folder / inner, prefix + inner)
        return found

    # files, and what a save never writes and would drop unseen: links (to folders, broken), empty folders, and
    # pipes, sockets and devices (anything but a folder with something in it)
    files = sorted(path.relative_to(root).as_posix() for path in root.rglob("*") if path.name not in SYSTEM_FILES and (
        path.is_symlink() or not path.is_dir() or next(path.iterdir(), None) is None))
    try:
        known = own(root, "")
    except (OSError, ValueError, TypeError, AttributeError, RecursionError):  # (a folder linked to one above it)
        # a damaged model: what a save never writes, and every file of a readable model saved inside it (which
        # its unreadable config cannot be known to list: another save's, kept rather than replaced unseen)
        inside = [folder.relative_to(root).as_posix() + "/" for folder in root.rglob("*")
                  if folder.is_dir() and _config_is_ours(folder)]
        return [name for name in files if name.rsplit("/", 1)[-1] not in MODEL_FILE_NAMES
                or any(name.startswith(folder) for folder in inside)]
    return [name for name in files if name not in known]


def _model_path(path) -> Path:
    """``path`` (a model directory to read or write) as a Path; a ModelFileError for what is no usable path."""
    path_of(path, "the model's directory", ModelFileError)
    if "\x00" in os.fspath(path):
        raise ModelFileError(f"the model path {os.fspath(path)!r} holds a NUL character, which no file name can; "
                             "check the path")
    if os.fspath(path).startswith("~"):  # a shell expands it; Python does not: a folder named "~" would be made here
        raise ModelFileError(f"the model path {os.fspath(path)!r} starts with '~', which Python does not read as the "
                             f"home folder; give the full path (os.path.expanduser({os.fspath(path)!r}))")
    root = Path(path)
    try:
        root.exists()
    except PermissionError as exc:  # a folder on the way that this user may not search (no shorter path helps)
        shut = next((folder for folder in reversed(root.parents) if not os.access(folder, os.X_OK)), None)
        where = f"{shut} cannot be searched" if shut is not None else exc.strerror or one_line(exc)
        raise ModelFileError(f"cannot use {root} as a model directory ({where}); make the folder readable for you "
                             f"(chmod u+rx {shlex.quote(os.fspath(shut or root.parent))}) or choose another path") from None
    except OSError as exc:  # a name too long for the file system, ...
        raise ModelFileError(f"cannot use {str(root)[:80]}{'…' if len(str(root)) > 80 else ''} as a model directory "
                             f"({exc.strerror or one_line(exc)}); give a shorter path") from None
    return root


def read_config(path: str | os.PathLike) -> dict:
    """Read and check a model directory's ``config.json`` (not its other files)."""
    try:
        return _read_config(_model_path(path))
    except PermissionError as exc:
        raise unreadable(path, exc) from None


def _read_config(root: Path) -> dict:
    if not root.exists():
        backup = _interrupted_save_backup(Path(os.path.realpath(root)))  # a link: beside its target
        if backup is not None:
            raise ModelFileError(
                f"model directory {root} does not exist: a save over it was interrupted, and the previous model "
                f"is in {backup}; rename that folder to {root.name} to restore it"
            )
        from .registry import available

        if str(root) in available("model"):  # a model type, as fit's --model takes it
            raise ModelFileError(f"model directory {root} does not exist ({root} is also a kind of model, which fit's "
                                 f"--model names); give the folder of a trained one (`sentiment fit DATA --model {root} "
                                 f"--out DIR` writes one, as Pipeline(model={str(root)!r}).fit(...).save(DIR) does)")
        raise ModelFileError(
            f"model directory {root} does not exist; give the directory of a trained model "
            f"(`sentiment fit DATA --out {root}` writes one there)"
        )
    if not root.is_dir():
        raise ModelFileError(f"{root} is a file, not a model directory; pass the directory that `sentiment fit` (or "
                             "save) wrote")
    config_path = root / CONFIG
    if config_path.is_symlink():  # it could be any file, or another model's settings
        raise ModelFileError(f"{config_path} is a symbolic link; a model directory holds its own files (copy the "
                             "linked one in, e.g. cp -rL)")
    if not config_path.is_file():
        real = Path(os.path.realpath(root))
        leftover = _TEMPORARY_NAME.fullmatch(real.name)
        if leftover:  # the config is written last: a save that stopped before it
            raise ModelFileError(f"{root} is the half-written model of a save to {leftover[1]} that was interrupted; load "
                                 f"{real.parent / leftover[1]} instead, and delete this folder")
        raise ModelFileError(f"{root} is not a sentiment model directory (no {CONFIG}); pass the folder `sentiment fit` wrote")
    try:
        config = _config_content(root)
    except _ConfigTooLarge as exc:
        raise ModelFileError(f"{config_path} is {exc}, where a model's settings take a few kB: the model "
                             "is damaged; restore it or train it again") from None
    except (ValueError, RecursionError):  # not UTF-8 or JSON, an integer of thousands of digits, absurd nesting
        raise ModelFileError(f"{config_path} is corrupted (not valid JSON); restore the model or train it again") from None
    if not isinstance(config, dict) or config.get("format") != FORMAT:
        raise ModelFileError(f"{root} holds no sentiment model ({CONFIG} is of another format); pass a model directory")
    version = config.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ModelFileError(f"{config_path} has no valid format_version ({version!r}); the model is damaged, train it again")
    if version > FORMAT_VERSION:
        raise ModelFileError(
            f"{root} was written in model format {version!r}, newer than this sentiment reads "
            f"({FORMAT_VERSION}); install a newer version of this package (pip install -U . in its source folder)"
        )
    return config


def saved_reading(config: dict) -> int | None:
    """The ``reading_version`` a model's config records (None for one saved before it was recorded); a
    ValueError where it is not a whole number from 1."""
    version = config.get("reading_version")
    if version is not None and (not isinstance(version, int) or isinstance(version, bool) or version < 1):
        raise ValueError(f"its reading_version {version!r} is not a whole number from 1")
    return version


# Loads inside a model's own load (an aspect model's prior and category models) say nothing of their reading:
# the model learnt from what they gave under its own reading, and answers for them.
_READING_QUIET: contextvars.ContextVar[bool] = contextvars.ContextVar("reading_quiet", default=False)


@contextlib.contextmanager
def reading_answered_for() -> Iterator[None]:
    """Within the block, :func:`warn_of_reading` says nothing (the model being loaded answers for its parts)."""
    token = _READING_QUIET.set(True)
    try:
        yield
    finally:
        _READING_QUIET.reset(token)


def warn_of_reading(version: int | None, path: str | os.PathLike, cleaner, *, cleaner_only: bool = False) -> None:
    """Warn (:class:`ReadingVersionWarning`) when a model learnt from texts read under another text-reading
    ``version`` than this package's (:data:`sentiment.cleaning.READING_VERSION`), or under one from before it
    was recorded (None): some of its predictions may differ a little from those it gave then. A model is not
    warned of an older version that reads as this one's with its ``cleaner``'s settings (a list: the Cleaners
    it reads with, an aspect model's prior's too) and, where it reads
    text with the Cleaner alone (``cleaner_only``), of one that changed the aspect models' reading only
    (:func:`sentiment.cleaning.cleaner_reading`). The warning points at the first caller outside this package."""
    if version == READING_VERSION or _READING_QUIET.get():
        return
    if version is not None and version < READING_VERSION and cleaner_reading(
            version, cleaner, aspect=not cleaner_only) == cleaner_reading(READING_VERSION, cleaner, aspect=not cleaner_only):
        return
    if version is None:
        when, advice = "before sentiment recorded how it reads text (3 December 2026)", "train it again to match"
    elif version < READING_VERSION:
        when = f"under text-reading version {version} (this sentiment reads with version {READING_VERSION})"
        advice = "train it again to match"
    else:
        when = f"under text-reading version {version}, newer than this sentiment's ({READING_VERSION})"
        advice = "install the newer sentiment (pip install -U . in its source folder) to match"
    warnings.warn(f"{path} was trained {when}, so it may score some texts a little differently from then; {advice}",
                  ReadingVersionWarning, stacklevel=caller_stacklevel())


def valid_columns(columns) -> bool:
    """Whether ``columns`` is what a config's ``columns`` entry must be: a dict of non-empty strings."""
    return isinstance(columns, dict) and all(isinstance(v, str) and v for v in columns.values())


def check_columns(config: dict, path: str | os.PathLike) -> None:
    """The ``columns`` entry of a model's config, when present: a dict of non-empty strings (the names of the
    text and label columns, and the label separator) - else a ModelFileError."""
    if "columns" not in config:
        return
    columns = config["columns"]
    if not valid_columns(columns):
        raise ModelFileError(f'{Path(path) / CONFIG} is damaged: its "columns" entry is {columns!r}, not the names '
                             "of the text and label columns; restore the model or train it again")


def read_model(path: str | os.PathLike) -> tuple[dict, dict[str, tuple[dict, dict[str, np.ndarray]]]]:
    """Read and verify a model directory; return its config and each stage's ``(state, arrays)``.

    Each stage file is read once: its checksum is taken of the very bytes that are parsed, so a file
    swapped between the check and the read (on shared storage) cannot slip through."""
    try:
        return _read_model(_model_path(path))
    except PermissionError as exc:
        raise unreadable(path, exc) from None


def unreadable(path, exc: PermissionError) -> ModelFileError:
    """The error for a model directory (or a file of it) that this user may not read or search."""
    where = exc.filename or path
    return ModelFileError(f"cannot read {where}: permission denied; make the model's files readable for you "
                          f"(e.g. chmod -R u+rX {shlex.quote(os.fspath(path))}) or copy them where you can")


def _read_model(root: Path) -> tuple[dict, dict[str, tuple[dict, dict[str, np.ndarray]]]]:
    from safetensors import SafetensorError
    from safetensors.numpy import load as load_arrays

    config = read_config(root)
    config_path = root / CONFIG
    files = config.get("files")
    if not isinstance(files, dict) or not files:
        raise ModelFileError(f"{config_path} lists no model files; the model is damaged, train it again")
    stages: dict[str, tuple[dict, dict]] = {}
    parsed = {relative for relative in files if relative.count("/") == 1
              and relative.endswith(("/state.json", "/arrays.safetensors"))}
    contents: dict[str, bytes] = {}
    size, memory, json_counted = 0, physical_memory(), False
    for relative, digest in files.items():
        try:
            file = Path(os.path.realpath(root / relative))  # a loop of links: said below, as a link
            linked = _linked_part(root, relative)
        except PermissionError:
            raise  # an intact model that this user may not read: said by read_model
        except (TypeError, ValueError, OSError):  # a name that is no path: a NUL byte, hundreds of characters
            raise ModelFileError(f"{config_path} names a file that cannot be a file of it ({str(relative)[:60]!r}); "
                                 "the model is damaged, train it again") from None
        if linked:  # a link inside may point anywhere, or make one folder count many times
            raise ModelFileError(f"{root / linked} is a symbolic link; a model directory holds its own files (copy "
                                 "the linked ones in, e.g. cp -rL)")
        if Path(os.path.realpath(root)) not in file.parents:
            raise ModelFileError(f"{config_path} names a file outside the model directory ({relative}); refusing to "
                                 "load it: the model is damaged or tampered with, restore it or train it again")
        if not file.is_file():
            what = "missing" if not file.exists() else "a folder" if file.is_dir() else "no regular file (a pipe, a device)"
            raise ModelFileError(f"{root} is incomplete: {relative} is {what}; restore the model or train it again")
        # a model is loaded whole: more than the memory cannot be, however long it reads; JSON read into Python
        # objects takes up to JSON_MEMORY times its size (a state.json of 60 million "[]," fills gigabytes)
        is_json = relative in parsed and relative.endswith(".json")
        json_counted = json_counted or is_json
        size += file.stat().st_size * (JSON_MEMORY if is_json else 1)
        if memory is not None and size > memory:
            counted_as = f", JSON counted {JSON_MEMORY} times its size" if json_counted else ""
            raise ModelFileError(f"{root}'s files would take more memory to load ({size / 2**30:.1f} GiB up to "
                                 f"{relative}{counted_as}) than this machine has "
                                 f"({memory / 2**30:.1f} GiB); load it on a bigger machine, or the model is damaged: "
                                 "train it again")
        if relative in parsed:  # read once: the bytes hashed are the bytes parsed
            contents[relative] = file.read_bytes()
            actual = hashlib.sha256(contents[relative]).hexdigest()
        else:
            actual = checksum(file)
        if actual != digest:
            raise ModelFileError(
                f"{root / relative} was modified or is corrupted (checksum mismatch); restore the model or train it again"
            )
    for relative in files:
        stage_name, _, name = relative.partition("/")
        if name != "state.json":
            continue
        if f"{stage_name}/arrays.safetensors" not in files:  # every file read must have been verified
            raise ModelFileError(
                f"{config_path} lists {relative} but not {stage_name}/arrays.safetensors; the model is damaged, train it again"
            )
        try:
            state = json.loads(contents[relative].decode("utf-8"))
            arrays = load_arrays(contents[f"{stage_name}/arrays.safetensors"])
        except (json.JSONDecodeError, UnicodeDecodeError, SafetensorError, OSError, RecursionError, TypeError,
                ValueError, KeyError) as exc:  # a dtype numpy lacks (bfloat16): a TypeError or KeyError
            raise ModelFileError(f"cannot read stage {stage_name!r} of {root} ({one_line(exc)}); train the model again") from None
        for name, values in arrays.items():
            if values.dtype not in SAVED_DTYPES:  # complex numbers would lose their imaginary part unseen, ...
                raise ModelFileError(f"{root / stage_name / 'arrays.safetensors'} holds {values.dtype} values in {name}, "
                                     "and this package's models hold float32 or float64 ones; the model is damaged or "
                                     "of another program, train it again")
            if not np.isfinite(values).all():  # a NaN weight would make every prediction NaN, silently
                raise ModelFileError(f"{root / stage_name / 'arrays.safetensors'} holds NaN or infinite values in {name}; "
                                     "the model is damaged, train it again")
        stages[stage_name] = (state, arrays)
    return config, stages


SAVED_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))  # what the stages' get_state gives
JSON_MEMORY = 32  # bytes of Python objects per byte of a stage's JSON, at most (small lists or numbers: ~25)


def physical_memory() -> int | None:
    """This machine's memory in bytes, or None where the platform does not say (Windows)."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        return None


def _linked_part(root: Path, relative: str) -> str | None:
    """The first part of the path ``relative`` (inside ``root``) that is a symbolic link, or None."""
    path = root
    for part in Path(relative).parts:
        path = path / part
        if path.is_symlink():
            return path.relative_to(root).as_posix()
    return None


def arrays_under(arrays: dict, prefix: str) -> dict:
    """The arrays whose names start with ``prefix`` (one part of a model that saves several, e.g. ``net0.``),
    named without it."""
    return {name[len(prefix):]: value for name, value in arrays.items() if name.startswith(prefix)}


def member_states(members) -> tuple[list[dict], dict]:
    """How a stage made of other stages (the mean polarity model, the combined tagger) saves them: each
    member's state, and all their arrays, member ``k``'s named under ``m{k}.`` (:func:`member_arrays`)."""
    states, arrays = [], {}
    for k, member in enumerate(members):
        state, own = member.get_state()
        states.append(state)
        arrays.update({f"m{k}.{name}": value for name, value in own.items()})
    return states, arrays


def member_arrays(arrays: dict, k: int) -> dict:
    """The arrays of member ``k`` among those :func:`member_states` gave."""
    return arrays_under(arrays, f"m{k}.")


def as_float32(values, what: str) -> np.ndarray:
    """Saved ``values`` (finite, :func:`read_model` checks) as float32; a ValueError naming ``what`` when some
    are too large for float32 (they would become infinite)."""
    with np.errstate(over="ignore"):
        values = np.asarray(values, dtype=np.float32)
    if not np.isfinite(values).all():
        raise ValueError(f"the {what} do not fit in 32-bit floats")
    return values


# What rebuilding a model from a damaged or crafted directory raises (a wrong type, a missing key, arrays of
# the wrong shape, ...); the loaders turn it into a ModelFileError that names the directory
INCONSISTENT_MODEL = (KeyError, TypeError, ValueError, AttributeError, RuntimeError, IndexError, ArithmeticError)


def saved_vocabulary(words, what: str = "vocabulary") -> list[str]:
    """A saved vocabulary (``what`` names it in the error) as a list: a ValueError unless it is distinct,
    non-empty strings, one id each."""
    words = list(words)
    if not all(isinstance(w, str) and w for w in words) or len(set(words)) != len(words):
        raise ValueError(f"the {what} is not a list of distinct words")
    return words


def inconsistent_model(path, what: str, error: BaseException, config: dict, again: str = "train it again") -> "ModelFileError":
    """The error for a model folder whose files do not make ``what`` (e.g. "sentiment model"): ``error`` says
    why. Saved by a newer sentiment than this one (its config's ``sentiment_version``), it may hold what this
    version cannot read, and the advice is then to install that version; else ``again`` (train it again)."""
    from . import __version__

    saved = config.get("sentiment_version") if isinstance(config, dict) else None
    if isinstance(saved, str) and _version_tuple(saved) > _version_tuple(__version__):
        return ModelFileError(f"{path} was saved by sentiment {saved}, newer than this one ({__version__}), and holds "
                              f"what this version cannot read ({_reason(error)}); install sentiment {saved} or newer "
                              "(pip install -U . in its source folder), or train the model again with this one")
    return ModelFileError(f"{path} is not a consistent {what} ({_reason(error)}); {again}")


def _reason(error: BaseException) -> str:
    """Why a saved model does not make one, for :func:`inconsistent_model`: a lookup's KeyError, whose message is the
    bare key (``('terms')``), said as the entry that is missing."""
    if type(error) is KeyError and len(error.args) == 1:
        return f"it has no {str(error.args[0])[:80]!r} entry"
    return one_line(error)


def _version_tuple(version: str) -> tuple[int, ...]:
    """``"0.10.2"`` as ``(0, 10, 2)``, to compare versions by number (a part that is no number ends it)."""
    parts = []
    for part in version.split("."):
        if not part.isdigit():
            break
        parts.append(int(part))
    return tuple(parts)


def one_line(error: BaseException) -> str:
    """An exception's message on one line (PyTorch's state-dict errors span several), at most 300 characters;
    its type's name when it has no message."""
    text = " ".join(str(error).split()) or type(error).__name__
    return text if len(text) <= 300 else text[:297] + "..."


LEFTOVER_AGE_S = 3600


def _remove_leftovers(target: Path) -> None:
    """After a save to ``target`` succeeded: remove the half-written ``.NAME.XXXXXXXX.partial`` siblings
    (folder or file) that killed saves to it left behind, once an hour old (a save still running elsewhere
    keeps its own). A ``.old`` sibling holds a whole previous model: it stays for the user to keep or delete."""
    cutoff = time.time() - LEFTOVER_AGE_S
    for leftover in _siblings(target, ".partial", exact=True):
        try:
            if leftover.lstat().st_mtime < cutoff:
                shutil.rmtree(leftover) if leftover.is_dir() and not leftover.is_symlink() else leftover.unlink()
        except OSError:  # gone already, or not ours to remove: it stays, as before
            pass


def _note_kept_backups(target: Path) -> None:
    """After a save to ``target`` succeeded: a warning for each whole previous model that a save killed
    between its two renames set aside beside it (hidden, it would stay unseen, a model's size each)."""
    for backup in _siblings(target, ".old"):
        if (backup / CONFIG).is_file():
            warnings.warn(f"{backup} (a hidden folder) holds an earlier model of {target.name}, set aside by a save "
                          "over it that was killed; delete it if you do not need that model", BackupKeptWarning,
                          stacklevel=caller_stacklevel())


def _siblings(target: Path, suffix: str, exact: bool = False) -> list[Path]:
    """The temporary siblings of ``target`` that :func:`tempfile.mkdtemp` / ``mkstemp`` named for it:
    ``.NAME.`` + random letters, digits or ``_`` (``exact``: the 8 they always are) + ``suffix``; not those
    of a ``NAME.x`` beside it."""
    random = "{8}" if exact else "+"
    name = re.compile(rf"\.{re.escape(target.name)}\.[a-z0-9_]{random}{re.escape(suffix)}")
    return [p for p in target.parent.glob(f".{glob.escape(target.name)}.*{suffix}") if name.fullmatch(p.name)]


def _interrupted_save_backup(target: Path) -> Path | None:
    """The previous model that :func:`_replace_dir` set aside, when a save stopped between its two renames."""
    if not target.parent.is_dir():
        return None
    found = sorted(_siblings(target, ".old"), key=lambda p: p.stat().st_mtime)
    found = [p for p in found if (p / CONFIG).is_file()]
    return found[-1] if found else None


def _replace_dir(staging: Path, target: Path) -> None:
    """Move ``staging`` to ``target``; an existing ``target`` is swapped out, then removed."""
    if not target.exists():
        _move(staging, target)
        return
    backup = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".old", dir=target.parent))
    os.rmdir(backup)
    try:
        _move(target, backup)
        _move(staging, target)
    except BaseException:  # an interrupt too, between the two moves: the old model goes back in place
        if os.path.lexists(backup) and not os.path.lexists(target):
            _move(backup, target)
        raise
    doomed = backup.with_suffix(".partial")  # a .old sibling is always whole: one whose deletion
    try:  # was cut short is a leftover that a later save removes
        _move(backup, doomed)
    except OSError:  # the new model is in place all the same (Windows: a file of the old one held open)
        doomed = backup
    shutil.rmtree(doomed, ignore_errors=True)


WINDOWS_RENAME_WAITS_S = (0.05, 0.1, 0.2, 0.4, 0.8)


def _move(source: str | os.PathLike, target: str | os.PathLike, replace: bool = False) -> None:
    """``os.rename`` (``os.replace`` with ``replace``), tried again for about 1.5 s on Windows, where a program
    that holds a file open for a moment (a virus scanner, the search indexer) makes the rename fail with a
    PermissionError."""
    move = os.replace if replace else os.rename
    for wait in WINDOWS_RENAME_WAITS_S if sys.platform == "win32" else ():
        try:
            return move(source, target)
        except PermissionError:
            time.sleep(wait)
    move(source, target)


def share_permissions(path: str | os.PathLike) -> None:
    """Give a ``mkdtemp``/``mkstemp`` result (private by design) the permissions of a normal new file or folder."""
    os.chmod(path, (0o777 if os.path.isdir(path) else 0o666) & ~_umask())


def keep_permissions(written: str | os.PathLike, target: Path) -> None:
    """Give ``written``, about to replace ``target``, the permissions ``target`` has (where it exists): a model or
    file kept private stays private when saved again (its owner keeps reading and writing it)."""
    try:
        found = os.lstat(target)
    except OSError:  # nothing there yet (or nothing that can be read): a normal new file's
        return
    if stat.S_ISLNK(found.st_mode):  # a link that is replaced, not written through: the new file is its own
        return
    mode = found.st_mode & 0o777  # (not a set-user-ID or sticky bit)
    os.chmod(written, mode | (stat.S_IRWXU if os.path.isdir(written) else stat.S_IRUSR | stat.S_IWUSR))


def _umask() -> int:
    """The process's umask: read from /proc where Linux gives it, for setting it to learn it leaves a moment in
    which another thread's new files would get it; elsewhere set and restored at once."""
    try:
        with open("/proc/self/status", encoding="ascii", errors="replace") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _write_bytes(path: Path, data: bytes) -> None:
    with open(path, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def checksum(path: Path) -> str:
    """SHA-256 of a file, as stored in ``config.json``."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# -- what a model's config holds beside the header ---------------------------------------------------
# The keys a model's config holds itself (the header, and what Pipeline and TextVectorizer save): `extra` cannot
# replace them
RESERVED_CONFIG_KEYS = frozenset({"format", "format_version", "reading_version", "files", "kind", "sentiment_version", "pipeline", "cleaner",
                                  "stages", "labels", "info", "vectorizer"})  # "vectorizer": a TextVectorizer's


def config_header(kind: str | None = None, reading: int | None = None) -> dict[str, Any]:
    """The first entries of a saved model's config, in the order every kind writes them: its ``kind`` (none for
    a Pipeline), the version of sentiment that saved it, and the text-reading version its training texts were
    read under (none where it is unknown: a model loaded from one saved before it was recorded)."""
    from . import __version__

    return {**({"kind": kind} if kind else {}), "sentiment_version": __version__,
            **({"reading_version": reading} if reading is not None else {})}


def jsonable(value: Any) -> Any:
    """``value`` as JSON holds it: dict keys as text, tuples and numpy arrays as lists, numpy numbers and paths
    as Python's numbers and text."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return jsonable(value.tolist())
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    return value


PATH_OPTIONS = ("vectors_path", "pretrain")  # an aspect model's options that name a file to learn from


def saved_params(params: dict) -> dict:
    """An aspect model's ``params`` as its config keeps them: JSON-able, and each of :data:`PATH_OPTIONS` cut
    to its file name (what that file gave is in the weights; a model others may be sent should not say
    where files lay on the machine that trained it). A Pipeline keeps such paths as given: scikit-learn's
    clone and an Ensemble's fit train a loaded pipeline again from its settings, which must find them."""
    return jsonable({key: Path(value).name if key in PATH_OPTIONS and isinstance(value, (str, os.PathLike)) and value
                     else value for key, value in params.items()})


def check_extra(extra: dict | None) -> None:
    """``Pipeline.save``'s ``extra``: a JSON-able dict whose keys the config does not use itself."""
    if extra is None:
        return
    if not isinstance(extra, dict):
        raise ConfigError(f"extra must be a dict, not {type(extra).__name__}")
    clash = sorted(set(map(str, extra)) & RESERVED_CONFIG_KEYS)
    if clash:
        raise ConfigError(f"extra cannot set {clash[0]!r}, which the model config holds itself; use another key")
    try:  # NaN and Infinity are no JSON (other tools refuse the file); a lone surrogate is no UTF-8
        json.dumps(jsonable(extra), allow_nan=False, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise ConfigError("extra holds a lone surrogate (an undecodable byte read as text), which a UTF-8 file cannot "
                          "hold; give text that is valid Unicode") from None
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"extra must hold JSON values only (dicts, lists, strings, finite numbers, booleans, None): "
                          f"{exc}") from None
    if "columns" in extra and not valid_columns(extra["columns"]):  # else the model saved would not load
        raise ConfigError(f'extra["columns"] must be a dict of non-empty strings (the names of the text and label '
                          f"columns, e.g. {{'text': 'review', 'label': 'stars'}}), not {extra['columns']!r}")
