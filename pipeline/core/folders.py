"""Write an output folder so that a failed run never leaves a half-written file in place
of a good one: every file goes to a temporary name in the same folder first and is
renamed into place only once all of them are written.

Temporary files are named `.<file>.<pid>.<random>.tmp`. A run that fails or is
interrupted (Ctrl-C) removes its own; one killed outright (SIGKILL, a power cut) cannot,
so the next run writing into the folder removes those whose process is gone."""

from __future__ import annotations

import hashlib
import json
import os
import re
import signal
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

# `.<file>.<pid>.<random>.tmp`, as write_folder names its temporary files
TEMP_NAME = re.compile(r"^\..+\.(?P<pid>\d+)\.[A-Za-z0-9_]+\.tmp$")


# signals held back while files are renamed into place, then delivered
DEFERRED_SIGNALS = (signal.SIGINT, signal.SIGTERM)


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


def sweep_stale_temps(out_dir: Path) -> list[Path]:
    """Given an output folder, remove the temporary files a killed run of write_folder
    left behind (their process is gone) and return them; other runs' files stay."""
    swept = []
    for path in out_dir.iterdir():
        match = TEMP_NAME.match(path.name)
        if match and path.is_file() and not process_is_alive(int(match["pid"])):
            path.unlink(missing_ok=True)
            swept.append(path)
    return swept


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


def write_folder(out_dir: Path, files: Mapping[str, Callable[[Path], object]]) -> list[Path]:
    """Given an output folder and file name → writer, write every file to a temporary
    name in the folder, then rename all into place; return the written paths.

    On any failure or interrupt the temporary files are removed and the folder is left
    as it was (removed again if this call created it); a failure to write raises
    OutputError. Files get the mode a new file would get (mkstemp's are owner-only).
    Temporary files of killed runs are swept first."""
    created = not out_dir.exists()
    temps: dict[str, Path] = {}
    committed = False
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        sweep_stale_temps(out_dir)
        mode = 0o666 & ~current_umask()
        for name, write in files.items():
            fd, tmp_name = tempfile.mkstemp(
                prefix=f".{name}.{os.getpid()}.", suffix=".tmp", dir=out_dir
            )
            os.close(fd)
            temps[name] = Path(tmp_name)
            write(temps[name])
            os.chmod(temps[name], mode)
        with signals_deferred():
            for name, tmp in temps.items():
                os.replace(tmp, out_dir / name)
            committed = True
    except (OSError, pa.ArrowException) as error:
        raise OutputError(f"cannot write output: {error}", file=str(out_dir)) from error
    finally:
        if not committed:
            for tmp in temps.values():
                tmp.unlink(missing_ok=True)
            if created and out_dir.is_dir() and not any(out_dir.iterdir()):
                out_dir.rmdir()
    return [out_dir / name for name in files]


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
