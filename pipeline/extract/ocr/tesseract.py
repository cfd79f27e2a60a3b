"""Run Tesseract on page pictures and cell crops, with a cache on disk so that a rerun
reads the same pictures again without running OCR.

Tesseract is called as a program (Debian's `tesseract-ocr`, with `tesseract-ocr-ita` for
Italian): many pictures go through one call (a list file, one TSV out), so the model is
loaded a few times per page, not once per cell. A cache entry is keyed by the page
picture's hash, what was asked of it (boxes, preparation) and the OCR settings, and
records the engine that made it (Tesseract's version and traineddata), so that another
Tesseract reads the picture again; the cache is a folder of small JSON files that can be
deleted at any time.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

from pipeline.core.errors import OcrUnavailableError
from pipeline.core.settings import Settings, setting
from pipeline.extract.page import Word

DEFAULT_TESSERACT_CMD = "tesseract"
DEFAULT_LANGUAGE = "ita"
DEFAULT_PAGE_PSM = 3  # whole page: automatic page segmentation
DEFAULT_CELL_PSM = 6  # one cell: a single uniform block of text
DEFAULT_LINE_PSM = 7  # a cell of one line: a single text line (reads "n." and lone digits)
DEFAULT_WORKERS = 2  # pages read at once (one Tesseract process each)
DEFAULT_TIMEOUT = 600.0  # seconds one Tesseract call may take
# Tesseract's OSD confidence a picture's turn must reach to be undone: ocrmypdf's default
# (14) leaves many upside-down sheets at 200 dpi (measured 11-15) as they are, while a
# page OSD cannot tell (little text, 150 dpi) gives under 2
DEFAULT_MIN_TURN_CONFIDENCE = 5.0
# The median confidence of a scanned page's cells under which it is read again turned:
# upright pages read at 90 or more even at 150 dpi with JPEG damage, while a picture
# upside down or sideways reads at 30-55
DEFAULT_MIN_UPRIGHT_CONFIDENCE = 70.0


# Debian packages: the program, and one traineddata package per language
TESSERACT_PACKAGE = "tesseract-ocr"
LANGUAGE_PACKAGE = "tesseract-ocr-{language}"


@dataclass(frozen=True)
class OcrSettings(Settings):
    """How Tesseract is run and where its readings are cached (params.yaml `extract: ocr:`)."""

    tesseract_cmd: str = setting(DEFAULT_TESSERACT_CMD, nonempty=True)
    language: str = setting(DEFAULT_LANGUAGE, pattern=r"\w+(\+\w+)*")
    page_psm: int = setting(DEFAULT_PAGE_PSM, low=0, high=13)
    cell_psm: int = setting(DEFAULT_CELL_PSM, low=0, high=13)
    line_psm: int = setting(DEFAULT_LINE_PSM, low=0, high=13)
    # None: the project's build/ocr-cache, else the user's cache folder (default_ocr_cache_dir)
    cache_dir: str | None = setting(None, nonempty=True)
    workers: int = setting(DEFAULT_WORKERS, low=1)
    timeout: float = setting(DEFAULT_TIMEOUT, above=0)
    min_turn_confidence: float = setting(DEFAULT_MIN_TURN_CONFIDENCE, low=0)
    min_upright_confidence: float = setting(DEFAULT_MIN_UPRIGHT_CONFIDENCE, low=0, high=100)

    def cache_key_fields(self) -> dict[str, Any]:
        """The settings that change what OCR reads (not where or how fast it runs)."""
        return {
            "language": self.language,
            "page_psm": self.page_psm,
            "cell_psm": self.cell_psm,
            "line_psm": self.line_psm,
        }


@dataclass(frozen=True)
class OcrWord:
    """One word Tesseract read: its text, box in the picture's pixels, confidence
    (0–100), the picture it was read from (0-based, in the order they were given) and
    the line it belongs to (block, paragraph, line numbers)."""

    text: str
    left: float
    top: float
    width: float
    height: float
    conf: float
    picture: int = 0
    line: tuple[int, int, int] = (0, 0, 0)

    def to_json(self) -> list[Any]:
        return [
            self.text,
            self.left,
            self.top,
            self.width,
            self.height,
            self.conf,
            self.picture,
            list(self.line),
        ]

    @classmethod
    def from_json(cls, data: list[Any]) -> OcrWord:
        text, left, top, width, height, conf, picture, line = data
        return cls(text, left, top, width, height, conf, picture, tuple(line))  # type: ignore[arg-type]


def tsv_to_words(tsv: str) -> list[OcrWord]:
    """Given Tesseract's TSV output, return its words (level 5 rows with text), each with
    the 0-based index of the picture it came from."""
    words = []
    for line in tsv.splitlines()[1:]:
        parts = line.split("\t")
        if len(parts) < 12 or parts[0] != "5" or not parts[11].strip():
            continue
        level_fields = [int(p) for p in parts[1:10]]
        page, block, par, line_no, _, left, top, width, height = level_fields
        words.append(
            OcrWord(
                parts[11].strip(),
                float(left),
                float(top),
                float(width),
                float(height),
                float(parts[10]),
                page - 1,
                (block, par, line_no),
            )
        )
    return words


def ocr_words_to_words(words: list[OcrWord], scale: float) -> list[Word]:
    """Given words read in page pixels (in reading order) and the page's pixels per point,
    return them as page Words in PDF points; a word has a space after it when another
    follows on its line."""
    out = []
    for k, w in enumerate(words):
        following = words[k + 1] if k + 1 < len(words) else None
        out.append(
            Word(
                w.text,
                w.left / scale,
                w.top / scale,
                (w.left + w.width) / scale,
                (w.top + w.height) / scale,
                space_after=following is not None
                and following.line == w.line
                and following.picture == w.picture,
            )
        )
    return out


def tesseract_languages(settings: OcrSettings) -> list[str]:
    """Given the OCR settings, return the languages the Tesseract program knows; raise
    OcrUnavailableError, naming the Debian package, when the program is missing."""
    command = settings.tesseract_cmd
    if shutil.which(command) is None:
        raise OcrUnavailableError(
            f"OCR is needed but the Tesseract program {command!r} was not found: "
            f"install the Debian package {TESSERACT_PACKAGE}"
        )
    try:
        done = subprocess.run(
            [command, "--list-langs"], capture_output=True, text=True, timeout=60, check=True
        )
    except (OSError, subprocess.SubprocessError) as error:
        raise OcrUnavailableError(
            f"OCR is needed but {command!r} does not run ({error}): "
            f"install the Debian package {TESSERACT_PACKAGE}"
        ) from error
    return [ln.strip() for ln in done.stdout.splitlines()[1:] if ln.strip()]


def tesseract_to_engine(settings: OcrSettings) -> str | None:
    """Given the OCR settings, return what makes Tesseract read as it does: its version
    and the SHA-256 of every traineddata file it would load (the languages asked for
    and `osd`), hashed; None when the program cannot be run."""
    command = settings.tesseract_cmd
    if shutil.which(command) is None:
        return None
    try:
        version = subprocess.run(
            [command, "--version"], capture_output=True, text=True, timeout=60, check=True
        ).stdout.splitlines()[:1]
        listing = subprocess.run(
            [command, "--list-langs"], capture_output=True, text=True, timeout=60, check=True
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    digest = hashlib.sha256("\n".join(version).encode())
    folder = re.search(r'"([^"]+)"', listing.splitlines()[0]) if listing else None
    for language in sorted({*settings.language.split("+"), "osd"}):
        digest.update(language.encode())
        path = Path(folder[1]) / f"{language}.traineddata" if folder else None
        if path is not None and path.is_file():
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def check_tesseract(settings: OcrSettings) -> None:
    """Given the OCR settings, return when Tesseract and every language asked for are
    installed; otherwise raise OcrUnavailableError naming the Debian package."""
    known = tesseract_languages(settings)
    for language in settings.language.split("+"):
        if language not in known:
            raise OcrUnavailableError(
                f"OCR is needed but Tesseract has no {language!r} model: install the "
                f"Debian package {LANGUAGE_PACKAGE.format(language=language)}"
            )


def call_tesseract(command: list[str], settings: OcrSettings) -> subprocess.CompletedProcess[str]:
    """Run a Tesseract command line, one thread per program (pages are read in parallel
    instead), within `settings.timeout`; a missing program or a timeout is one
    `OcrUnavailableError` saying what to do."""
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    try:
        return subprocess.run(
            command, capture_output=True, text=True, env=env, timeout=settings.timeout, check=False
        )
    except FileNotFoundError as error:
        raise OcrUnavailableError(
            f"OCR is needed but the Tesseract program {settings.tesseract_cmd!r} was "
            f"not found: install the Debian package {TESSERACT_PACKAGE}"
        ) from error
    except subprocess.TimeoutExpired as error:
        raise OcrUnavailableError(f"Tesseract took longer than {settings.timeout:.0f} s") from error


def run_tesseract(
    pictures: Sequence[npt.NDArray[np.uint8]], psm: int, dpi: float, settings: OcrSettings
) -> list[OcrWord]:
    """Given grey pictures, a page segmentation mode and the pictures' resolution, return
    the words Tesseract reads in all of them, from one call of the program."""
    if not pictures:
        return []
    with tempfile.TemporaryDirectory(prefix="piano-ocr-") as folder:
        names = []
        for k, picture in enumerate(pictures):
            # PGM: written and read with no compression, which costs more than it saves
            name = os.path.join(folder, f"{k:04d}.pgm")
            cv2.imwrite(name, picture)
            names.append(name)
        listing = os.path.join(folder, "pictures.txt")
        Path(listing).write_text("\n".join(names) + "\n", encoding="utf-8")
        command = [
            settings.tesseract_cmd,
            listing,
            "stdout",
            "-l",
            settings.language,
            "--psm",
            str(psm),
            "--dpi",
            str(round(dpi)),
            "tsv",
        ]
        done = call_tesseract(command, settings)
    if done.returncode != 0:
        check_tesseract(settings)  # names the missing package, if that is the cause
        raise OcrUnavailableError(
            f"Tesseract failed (exit {done.returncode}): {' '.join(done.stderr.split())[:200]}"
        )
    return tsv_to_words(done.stdout)


# an engine not yet asked for its fingerprint
UNKNOWN = "?"


@dataclass
class OcrCache:
    """A folder of OCR readings, one JSON file per key; `misses` counts the readings that
    had to be made (so a test can tell a warm run from a cold one); `bad_entries` lists
    the entries that could not be read back (path, why), read again and written anew.
    Each entry records the engine that made it (`tesseract_to_engine`): one made by
    another Tesseract or traineddata is read again, while with no Tesseract to run at
    all the entries are used as they are."""

    folder: Path
    misses: int = 0
    hits: int = 0
    bad_entries: list[tuple[Path, str]] = field(default_factory=list)
    _checked: bool = field(default=False, repr=False)
    _engine: str | None = field(default=UNKNOWN, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def key(self, image_sha256: str, task: dict[str, Any], settings: OcrSettings) -> str:
        """Given a picture's hash, what is asked of it and the OCR settings, return the
        cache key."""
        payload = json.dumps(
            {"image": image_sha256, "task": task, "ocr": settings.cache_key_fields()},
            sort_keys=True,
        )
        return hashlib.sha256(payload.encode()).hexdigest()

    def path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.json"

    def engine(self, settings: OcrSettings) -> str | None:
        """Given the OCR settings, return the fingerprint of the Tesseract they run (asked
        once per cache), None when it cannot be run."""
        with self._lock:
            if self._engine == UNKNOWN:
                self._engine = tesseract_to_engine(settings)
            return self._engine

    def get_entry(self, key: str) -> dict[str, Any] | None:
        """Given a key, return the cached entry, or None when there is none or it cannot
        be read (noted in `bad_entries`)."""
        path = self.path(key)
        try:
            text = path.read_bytes().decode("utf-8")
        except OSError:
            return None  # not cached
        except UnicodeDecodeError:
            self.bad_entry(path, "not UTF-8")
            return None
        try:
            data = json.loads(text)
            if not isinstance(data, dict):
                raise TypeError("an entry is not an object")
        except (ValueError, TypeError) as error:
            self.bad_entry(path, f"{type(error).__name__}: {error}"[:120])
            return None
        return data

    def is_stale(self, entry: dict[str, Any], settings: OcrSettings | None) -> bool:
        """Given a cached entry and the OCR settings (None: do not check), return whether
        another Tesseract or traineddata than the one the settings run made it."""
        engine = self.engine(settings) if settings is not None else None
        return engine is not None and entry.get("engine") != engine

    def get(self, key: str, settings: OcrSettings | None = None) -> list[OcrWord] | None:
        """Given a key (and the OCR settings, to check the engine), return the cached
        words, or None when there are none or another engine read them."""
        data = self.get_entry(key)
        if data is None:
            return None
        try:
            words = [OcrWord.from_json(item) for item in data["words"]]
            if not all(isinstance(w.text, str) for w in words):
                raise TypeError("a word's text is not text")
        except (ValueError, KeyError, TypeError, IndexError) as error:
            self.bad_entry(self.path(key), f"{type(error).__name__}: {error}"[:120])
            return None
        if self.is_stale(data, settings):
            return None  # read again by this engine
        with self._lock:
            self.hits += 1
        return words

    def bad_entry(self, path: Path, why: str) -> None:
        """Given an entry that could not be read back and why, note it (the picture is
        then read again and the entry written anew)."""
        with self._lock:
            self.bad_entries.append((path, why))
        return None

    def put_entry(self, key: str, entry: dict[str, Any]) -> None:
        """Given a key and an entry, store it (written whole, then renamed into place)."""
        path = self.path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.{id(entry)}.tmp")
        temporary.write_text(json.dumps(entry, ensure_ascii=False), encoding="utf-8")
        temporary.replace(path)

    def put(self, key: str, words: list[OcrWord], engine: str | None = None) -> None:
        """Given a key, words and the engine that read them, store them."""
        self.put_entry(key, {"words": [w.to_json() for w in words], "engine": engine})

    def count_miss(self, settings: OcrSettings) -> None:
        """Given the OCR settings, count a reading to be made, checking first (once) that
        Tesseract and its languages are installed."""
        with self._lock:
            if not self._checked:
                check_tesseract(settings)
                self._checked = True
            self.misses += 1

    def read(
        self,
        image_sha256: str,
        task: dict[str, Any],
        settings: OcrSettings,
        make: Callable[[], list[OcrWord]],
    ) -> list[OcrWord]:
        """Given a picture's hash, what is asked of it, the OCR settings and the function
        that reads it, return the cached words, or make them (checking first that
        Tesseract is installed) and cache them."""
        key = self.key(image_sha256, task, settings)
        cached = self.get(key, settings)
        if cached is not None:
            return cached
        self.count_miss(settings)
        words = make()
        self.put(key, words, self.engine(settings))
        return words

    def read_value(
        self,
        image_sha256: str,
        task: dict[str, Any],
        settings: OcrSettings,
        make: Callable[[], dict[str, Any]],
    ) -> dict[str, Any]:
        """As `read`, for a reading that is a JSON object rather than words (a page's
        orientation)."""
        key = self.key(image_sha256, task, settings)
        data = self.get_entry(key)
        if (
            data is not None
            and isinstance(data.get("value"), dict)
            and not self.is_stale(data, settings)
        ):
            with self._lock:
                self.hits += 1
            return dict(data["value"])
        self.count_miss(settings)
        value = make()
        self.put_entry(key, {"value": value, "engine": self.engine(settings)})
        return value
