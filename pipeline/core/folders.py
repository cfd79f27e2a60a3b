"""Write output so that a kill at any instant leaves the previous output or the complete
new one, never a mix.

A folder (`write_folder`) is written whole into a temporary sibling,
`.<folder>.piano-<pid>-<random>.new`, every file and the folder synced to disk, then
swapped with the old folder in one step (Linux's renameat2 with RENAME_EXCHANGE) and the
old one removed. Files of the old folder that the run does not write are carried over
(hard links), so the folder holds what it held, with this run's files new. Where the
exchange is not available the old folder is first renamed to `.<folder>.piano-….old`;
a kill between the two renames leaves it there, and the next run puts it back.

A single file in a folder shared with others (`write_file`: a template, a corrections
file, the data dictionary) goes to `.<file>.piano-<pid>-<random>.tmp` beside it, synced,
then renamed over it.

A run that fails or is interrupted (Ctrl-C) removes its temporaries; one killed outright
(SIGKILL, a power cut) cannot, so the next run writing the same folder or file removes
those whose process is gone. Only names of that form are ever removed."""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import hashlib
import json
import os
import re
import shutil
import signal
import stat
import tempfile
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.core.contract import DOCUMENT_FILE
from pipeline.core.errors import InputError, OutputError

# what a temporary of write_folder (`.new`, `.old`) or write_file (`.tmp`) is named after
# the folder or file it stands in for: `.<name>.piano-<pid>-<random>.<kind>`
TEMP_MARK = "piano"
TEMP_KINDS = ("new", "old", "tmp")

# signals held back while the new output is swapped in, then delivered
DEFERRED_SIGNALS = (signal.SIGINT, signal.SIGTERM)

AT_FDCWD = -100
RENAME_EXCHANGE = 2  # linux/fs.h


def frame_to_parquet_bytes_writer(frame: pd.DataFrame) -> Callable[[Path], None]:
    """Given a frame, return a function writing it as Parquet (no pandas index)."""

    def write(path: Path) -> None:
        table = pa.Table.from_pandas(frame, preserve_index=False)
        pq.write_table(table, path)

    return write


def json_writer(data: Any) -> Callable[[Path], None]:
    """Given JSON-able data, return a function writing it as indented UTF-8 JSON."""

    def write(path: Path) -> None:
        path.write_text(
            json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8"
        )

    return write


def text_writer(text: str) -> Callable[[Path], None]:
    """Given text, return a function writing it as UTF-8."""

    def write(path: Path) -> None:
        path.write_text(text, encoding="utf-8")

    return write


def bytes_writer(data: bytes) -> Callable[[Path], None]:
    """Given bytes (a PNG, say), return a function writing them as they are."""

    def write(path: Path) -> None:
        path.write_bytes(data)

    return write


def process_is_alive(pid: int) -> bool:
    """Given a process id, return True when a process with that id exists."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


@contextmanager
def signals_deferred(signals: tuple[signal.Signals, ...] = DEFERRED_SIGNALS) -> Iterator[None]:
    """Hold the given signals back while the block runs and deliver them after it, so
    that Ctrl-C cannot stop a set of renames halfway. Signal handlers can only be set
    from the main thread; elsewhere the block runs unguarded."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []

    def hold(signum: int, frame: FrameType | None) -> None:
        received.append(signum)

    previous = {s: signal.signal(s, hold) for s in signals}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, signal.SIG_DFL if handler is None else handler)
        for signum in dict.fromkeys(received):
            signal.raise_signal(signum)


def current_umask() -> int:
    """Return the process's umask (reading it means setting it, so it is set back)."""
    umask = os.umask(0o022)
    os.umask(umask)
    return umask


def temp_pattern(name: str) -> re.Pattern[str]:
    """Given the name of a folder or file, return the pattern of its temporaries' names."""
    kinds = "|".join(TEMP_KINDS)
    return re.compile(
        rf"^\.{re.escape(name)}\.{TEMP_MARK}-(?P<pid>\d+)-[A-Za-z0-9_]+\.(?P<kind>{kinds})$"
    )


def temp_prefix(name: str) -> str:
    """Given the name of a folder or file, return the start of its temporaries' names."""
    return f".{name}.{TEMP_MARK}-{os.getpid()}-"


def remove_path(path: Path) -> None:
    """Given a path, remove the file or the folder with everything in it, if it exists."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def sweep_stale_temps(target: Path) -> list[Path]:
    """Given an output folder or file, remove the temporaries that killed runs of
    write_folder or write_file left beside it (their process is gone) and return them;
    other processes' temporaries and any other name stay. When the target itself is
    missing and a killed run left the previous output aside (`.old`), it is put back."""
    parent = target.parent
    if not parent.is_dir():
        return []
    pattern = temp_pattern(target.name)
    stale = [
        (path, match["kind"])
        for path in sorted(parent.iterdir())
        if (match := pattern.match(path.name)) and not process_is_alive(int(match["pid"]))
    ]
    swept = []
    for path, kind in stale:
        if kind == "old" and not os.path.lexists(target):
            os.rename(path, target)
            continue
        remove_path(path)
        swept.append(path)
    return swept


def sync_path(path: Path) -> None:
    """Given a file or folder, flush it to disk (a folder: its list of names)."""
    flags = os.O_RDONLY | (getattr(os, "O_DIRECTORY", 0) if path.is_dir() else 0)
    fd = os.open(path, flags)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def load_renameat2() -> Callable[..., int] | None:
    """Return libc's renameat2, or None where the C library has none (not Linux)."""
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        function = ctypes.CDLL(name, use_errno=True).renameat2
    except (OSError, AttributeError):
        return None
    function.argtypes = [
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_uint,
    ]
    function.restype = ctypes.c_int
    return function  # type: ignore[no-any-return]


RENAMEAT2 = load_renameat2()


def exchange_paths(a: Path, b: Path) -> bool:
    """Given two existing paths on one file system, swap them in one step and return
    True; return False where the system cannot (no renameat2, or a file system without
    RENAME_EXCHANGE), leaving both as they were."""
    if RENAMEAT2 is None:
        return False
    if RENAMEAT2(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def swap_in(new: Path, out_dir: Path) -> Path | None:
    """Given a complete new folder and the output folder (existing or not), put the new
    one in the output's place; return where the old one now is (to remove), or None."""
    if not os.path.lexists(out_dir):
        os.rename(new, out_dir)
        return None
    if exchange_paths(new, out_dir):
        return new
    old = Path(
        tempfile.mkdtemp(prefix=temp_prefix(out_dir.name), suffix=".old", dir=out_dir.parent)
    )
    os.rename(out_dir, old)  # replaces the empty folder just made: the name is reserved
    try:
        os.rename(new, out_dir)
    except BaseException:
        os.rename(old, out_dir)
        raise
    return old


def check_replaceable(out_dir: Path) -> None:
    """Given an output folder, raise OutputError when it cannot be replaced whole: it is
    no folder, it holds folders (piano's output folders hold files only), or it is the
    working folder or one above it."""
    if not os.path.lexists(out_dir):
        return
    if not out_dir.is_dir() or out_dir.is_symlink():
        raise OutputError("the output exists and is not a folder", file=str(out_dir))
    here = Path.cwd().resolve()
    if out_dir.resolve() in (here, *here.parents):
        raise OutputError(
            "the output folder is replaced whole, so it cannot be the working folder or one "
            "above it; write into a folder of its own",
            file=str(out_dir),
        )
    inner = next((p for p in out_dir.iterdir() if p.is_dir() and not p.is_symlink()), None)
    if inner is not None:
        raise OutputError(
            f"the output folder is replaced whole and holds a folder ({inner.name}); "
            "write into a folder of piano's files only",
            file=str(out_dir),
        )


def carry_over(out_dir: Path, new: Path, written: Mapping[str, object]) -> None:
    """Given the old output folder, the new one and the names written, link into the new
    folder every file of the old one the run does not write (copied where a link fails)."""
    if not out_dir.is_dir():
        return
    pattern = re.compile(rf"^\..+\.{TEMP_MARK}-\d+-[A-Za-z0-9_]+\.tmp$")
    for path in out_dir.iterdir():
        if path.name in written or pattern.match(path.name):
            continue
        try:
            os.link(path, new / path.name, follow_symlinks=False)
        except OSError:
            shutil.copy2(path, new / path.name, follow_symlinks=False)


def write_folder(out_dir: Path, files: Mapping[str, Callable[[Path], object]]) -> list[Path]:
    """Given an output folder and file name → writer, write every file into a new
    temporary sibling folder, sync it to disk and swap it in for the output folder in one
    step; return the written paths.

    On any failure or interrupt the temporary folder is removed and the output folder
    is left as it was (it does not exist if it did not before); a failure to write
    raises OutputError. Files get the mode a new file would get; the folder keeps its
    mode. Temporaries of killed runs are swept first."""
    out_dir = Path(out_dir)
    if out_dir.is_symlink():  # the folder it points to is the one replaced
        out_dir = Path(os.path.realpath(out_dir))
    new: Path | None = None
    leftover: Path | None = None
    committed = False
    try:
        check_replaceable(out_dir)
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        sweep_stale_temps(out_dir)
        new = Path(
            tempfile.mkdtemp(prefix=temp_prefix(out_dir.name), suffix=".new", dir=out_dir.parent)
        )
        file_mode = 0o666 & ~current_umask()
        folder_mode = (
            stat.S_IMODE(out_dir.stat().st_mode) if out_dir.is_dir() else 0o777 & ~current_umask()
        )
        os.chmod(new, folder_mode)
        for name, write in files.items():
            path = new / name
            write(path)
            os.chmod(path, file_mode)
            sync_path(path)
        carry_over(out_dir, new, files)
        sync_path(new)
        with signals_deferred():
            leftover = swap_in(new, out_dir)
            committed = True
            sync_path(out_dir.parent)
    except (OSError, pa.ArrowException) as error:
        raise OutputError(f"cannot write output: {error}", file=str(out_dir)) from error
    finally:
        if not committed and new is not None:
            remove_path(new)
        if leftover is not None:
            remove_path(leftover)
    return [out_dir / name for name in files]


def write_file(path: Path, write: Callable[[Path], object]) -> Path:
    """Given a file in a folder shared with other files and its writer, write it to a
    temporary name beside it, sync it and rename it into place; return the path. On any
    failure or interrupt the temporary is removed and the file left as it was."""
    path = Path(path)
    temp: Path | None = None
    committed = False
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        sweep_stale_temps(path)
        fd, name = tempfile.mkstemp(prefix=temp_prefix(path.name), suffix=".tmp", dir=path.parent)
        os.close(fd)
        temp = Path(name)
        write(temp)
        os.chmod(temp, 0o666 & ~current_umask())
        sync_path(temp)
        with signals_deferred():
            os.replace(temp, path)
            committed = True
            sync_path(path.parent)
    except OSError as error:
        raise OutputError(f"cannot write output: {error}", file=str(path)) from error
    finally:
        if not committed and temp is not None:
            temp.unlink(missing_ok=True)
    return path


def file_sha256(path: Path) -> str:
    """Given a path, return the SHA-256 of its bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def read_parquet(path: Path) -> pd.DataFrame:
    """Given a Parquet path, return its frame or raise InputError naming the file."""
    if not path.exists():
        raise InputError("missing stage input; run the previous stage first", file=str(path))
    return pd.read_parquet(path)


def read_json(path: Path) -> Any:
    """Given a JSON path, return its content or raise InputError naming the file."""
    if not path.exists():
        raise InputError("missing stage input; run the previous stage first", file=str(path))
    return json.loads(path.read_text(encoding="utf-8"))


def tables_to_folder(
    tables: Mapping[str, pd.DataFrame],
    document: Mapping[str, Any],
    out_dir: Path,
    json_name: str = DOCUMENT_FILE,
) -> None:
    """Given tables by name and a JSON-able mapping, write `<name>.parquet` files and
    `json_name` to `out_dir`, all or nothing."""
    files = {f"{n}.parquet": frame_to_parquet_bytes_writer(t) for n, t in tables.items()}
    files[json_name] = json_writer(document)
    write_folder(out_dir, files)


def folder_to_tables(
    folder: Path, names: tuple[str, ...], json_name: str = DOCUMENT_FILE
) -> tuple[dict[str, pd.DataFrame], dict[str, Any]]:
    """Given a folder written by `tables_to_folder`, return its tables and JSON."""
    return (
        {n: read_parquet(folder / f"{n}.parquet") for n in names},
        read_json(folder / json_name),
    )
