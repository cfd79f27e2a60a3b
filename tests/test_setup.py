"""The set-up the README describes holds together: requirements.lock pins every dependency
pyproject.toml names, CI runs the README's commands, every DVC stage finds piano without
an activated environment, scripts/setup stops on an old Python with a clear message, and
the README's JupyterLab command serves the notebook."""

from __future__ import annotations

import json
import os
import re
import shlex
import socket
import subprocess
import sys
import time
import tomllib
import urllib.error
import urllib.request
from pathlib import Path

import yaml
from conftest import ROOT
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

README = (ROOT / "README.md").read_text(encoding="utf-8")
LOCK = (ROOT / "requirements.lock").read_text(encoding="utf-8")
VENV = Path(sys.prefix)  # the environment running the tests, scripts/setup's .venv


def readme_commands() -> list[str]:
    """Return the README's indented lines, stripped: its commands and code."""
    return [line.strip() for line in README.splitlines() if line.startswith("    ")]


def lock_to_pins(text: str) -> dict[str, list[tuple[str, int]]]:
    """Given requirements.lock, return each package's pinned versions (one per Python
    range at most), each with the number of file hashes it lists."""
    pins: dict[str, list[tuple[str, int]]] = {}
    for entry in re.split(r"\n(?=[a-z0-9])", text):
        pinned = re.match(r"([A-Za-z0-9._-]+)==([^\s;\\]+)", entry)
        if pinned:
            pins.setdefault(canonicalize_name(pinned[1]), []).append(
                (pinned[2], entry.count("--hash=sha256:"))
            )
    return pins


def test_lock_pins_every_dependency_pyproject_names_with_hashes():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    named = [
        *pyproject["project"]["dependencies"],
        *pyproject["project"]["optional-dependencies"]["dev"],
        *pyproject["build-system"]["requires"],
    ]
    pins = lock_to_pins(LOCK)
    assert len(pins) > len(named)  # the dependencies' dependencies too
    for line in named:
        requirement = Requirement(line)
        versions = pins.get(canonicalize_name(requirement.name), [])
        assert any(requirement.specifier.contains(v, prereleases=True) for v, _ in versions), (
            f"{line} is not pinned in requirements.lock: run bash scripts/lock"
        )
    assert all(hashes for versions in pins.values() for _, hashes in versions)


def test_ci_runs_the_readme_commands_in_its_order():
    steps = re.findall(r'^step "(.+)"', (ROOT / ".ci" / "run").read_text(), re.M)
    commands = readme_commands()
    assert [s for s in steps if s not in commands] == []
    assert steps == sorted(steps, key=commands.index)
    assert {"bash scripts/setup && .venv/bin/dvc repro", ".venv/bin/python -m pytest"} <= set(steps)


def test_every_stage_runs_piano_from_the_venv():
    # DVC runs each cmd with the caller's PATH: a bare `piano` is found only when the
    # environment is activated
    stages = yaml.safe_load((ROOT / "dvc.yaml").read_text(encoding="utf-8"))["stages"]
    programs = {name: stage["do"]["cmd"].split()[0] for name, stage in stages.items()}
    assert set(programs.values()) == {".venv/bin/piano"}, programs
    assert os.access(ROOT / ".venv" / "bin" / "piano", os.X_OK)


def test_setup_stops_on_an_old_python_before_installing_anything(tmp_path: Path):
    python = tmp_path / "python3"  # answers like Debian 11's python3
    python.write_text('#!/bin/sh\ncase "$*" in *platform*) echo 3.9.2 ;; *) exit 1 ;; esac\n')
    python.chmod(0o755)
    done = subprocess.run(
        ["bash", str(ROOT / "scripts" / "setup")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PYTHON": str(python)},
    )
    assert done.returncode == 1
    assert done.stderr.startswith("scripts/setup: piano needs Python >= 3.11")
    assert f"but {python} is 3.9.2" in done.stderr and "PYTHON=" in done.stderr
    assert "installing" not in done.stdout + done.stderr


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def get(url: str, token: str) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={"Authorization": f"token {token}"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, b""


def test_readme_jupyter_command_serves_the_notebook_in_jupyterlab(tmp_path: Path):
    command = next(c for c in readme_commands() if c.startswith(".venv/bin/jupyter lab "))
    argv = shlex.split(command)
    argv[0] = str(VENV / "bin" / "jupyter")
    port, token = free_port(), "piano-test"
    argv += [
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
    ]
    if os.geteuid() == 0:
        argv.append("--allow-root")  # as the README says for root
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),
        "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
        "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path / "workspaces"),
    }
    log = tmp_path / "jupyter.log"
    with log.open("w") as stderr:
        server = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=stderr)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        status, body = 0, b""
        while time.monotonic() < deadline and server.poll() is None:
            try:
                # `jupyter lab FILE` serves FILE's folder
                status, body = get(f"{base}/api/contents/explore.ipynb?content=0", token)
                break
            except OSError:  # not listening yet
                time.sleep(0.5)
        assert status == 200, log.read_text()
        assert json.loads(body)["type"] == "notebook"
        status, page = get(f"{base}/lab/tree/explore.ipynb", token)
        assert status == 200 and b"JupyterLab" in page
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    assert "Traceback" not in log.read_text(), log.read_text()
