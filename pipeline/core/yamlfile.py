"""Read the project's YAML files (params.yaml, a registry) safely: UTF-8 only, a bounded
size, and a bounded number of aliases, so a crafted file cannot blow up in memory."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from pipeline.core.errors import PianoError

MAX_YAML_BYTES = 10 * 1024 * 1024
MAX_ALIASES = 100  # a hand-written settings file needs a few; an alias bomb needs many


class BoundedLoader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing documents with more than MAX_ALIASES aliases."""

    aliases = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            self.aliases += 1
            if self.aliases > MAX_ALIASES:
                raise yaml.YAMLError(f"more than {MAX_ALIASES} aliases (*name)")
        return super().compose_node(parent, index)


def yaml_text_to_data(text: str, file: str, error: type[PianoError]) -> Any:
    """Given YAML text and its file name, return its data; raise `error` naming the file
    and line when it is not well-formed or uses too many aliases."""
    try:
        return yaml.load(text, Loader=BoundedLoader)  # noqa: S506 (a SafeLoader subclass)
    except yaml.YAMLError as problem:
        mark = getattr(problem, "problem_mark", None)
        where = getattr(problem, "problem", None) or str(problem)
        line = None if mark is None else mark.line + 1
        raise error(
            f"malformed YAML: {' '.join(str(where).split())[:200]}", file=file, line=line
        ) from problem


def check_aliases(text: str, file: str, error: type[PianoError]) -> None:
    """Given YAML text and its file name, raise `error` when it uses more than
    MAX_ALIASES aliases: for loaders (ruamel's) that would otherwise build what they
    point to as often as they are used. Text PyYAML cannot parse is left to the loader."""
    aliases = 0
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent):
                aliases += 1
                if aliases > MAX_ALIASES:
                    line = None if event.start_mark is None else event.start_mark.line + 1
                    raise error(
                        f"malformed YAML: more than {MAX_ALIASES} aliases (*name)",
                        file=file,
                        line=line,
                    )
    except yaml.YAMLError:
        return


def yaml_file_to_text(path: Path, error: type[PianoError]) -> str:
    """Given a YAML file, return its text; raise `error` naming the file when it cannot
    be read, is too large or is not UTF-8."""
    try:
        size = path.stat().st_size
        if size > MAX_YAML_BYTES:
            raise error(
                f"the file is {size:,} bytes; at most {MAX_YAML_BYTES:,} are read", file=str(path)
            )
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as problem:
        raise error(
            f"not UTF-8 text (byte {problem.start} cannot be decoded); save the file as UTF-8",
            file=str(path),
        ) from problem
    except OSError as problem:
        raise error(f"cannot read the file ({problem.strerror})", file=str(path)) from problem
    return text


def yaml_file_to_data(path: Path, error: type[PianoError]) -> Any:
    """Given a YAML file, return its data; raise `error` naming the file when it is too
    large, not UTF-8 or not well-formed."""
    return yaml_text_to_data(yaml_file_to_text(path, error), str(path), error)
