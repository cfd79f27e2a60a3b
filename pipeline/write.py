"""Write an output folder so that a failed run never leaves a half-written file in place
of a good one: every file goes to a temporary name in the same folder first and is
renamed into place only once all of them are written."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.errors import OutputError


def frame_to_parquet_bytes_writer(frame: pd.DataFrame) -> Callable[[Path], None]:
    """Given a frame, return a function writing it as Parquet (no pandas index)."""
    def write(path: Path) -> None:
        table = pa.Table.from_pandas(frame, preserve_index=False)
        pq.write_table(table, path)
    return write


def json_writer(data: Any) -> Callable[[Path], None]:
    """Given JSON-able data, return a function writing it as indented UTF-8 JSON."""
    def write(path: Path) -> None:
        path.write_text(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n",
                        encoding="utf-8")
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


def write_folder(out_dir: Path, files: Mapping[str, Callable[[Path], object]]) -> list[Path]:
    """Given an output folder and file name → writer, write every file to a temporary
    name in the folder, then rename all into place; return the written paths.

    On any failure or interrupt the temporary files are removed and the folder is left
    as it was (removed again if this call created it and it is empty); an OS or Arrow
    error while writing becomes `OutputError` naming the folder. Renaming inside one
    folder is atomic, so a reader never sees a half-written file.
    """
    created = not out_dir.exists()
    umask = os.umask(0)
    os.umask(umask)
    temps: dict[str, Path] = {}
    done = False
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        for name, write in files.items():
            fd, tmp_name = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=out_dir)
            os.close(fd)
            temps[name] = Path(tmp_name)
            write(temps[name])
            # mkstemp makes owner-only files; outputs get the mode any new file would get
            os.chmod(temps[name], 0o666 & ~umask)
        for name, tmp in temps.items():
            os.replace(tmp, out_dir / name)
        done = True
    except (OSError, pa.ArrowException) as error:
        raise OutputError(f"cannot write output: {error}", file=str(out_dir)) from error
    finally:
        if not done:
            for tmp in temps.values():
                tmp.unlink(missing_ok=True)
            if created and out_dir.is_dir() and not any(out_dir.iterdir()):
                out_dir.rmdir()
    return [out_dir / name for name in files]
