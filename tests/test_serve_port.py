"""`make serve` on a port another program holds: a sentence naming the port and the fix, not a traceback.

A subprocess listens on a free port of 127.0.0.1; `mkdocs serve` (the command `make serve` runs) is pointed at
that port and must stop at once, before building, with `hooks/nnla_serve.py`'s message. `make -n serve PORT=N`
shows that the target passes the reader's port on. And the port is tried once a process: a rebuild after a save
runs while the server itself holds it (the hook once stopped every rebuild of `mkdocs serve`, and the preview
showed no edit until it was restarted).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from conftest import ROOT, copy_env, copy_project
from mkdocs.exceptions import Abort

import nnla_serve

#: A program that listens on a free port of 127.0.0.1, prints it, and waits to be stopped.
HOLDER = """
import socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen()
print(s.getsockname()[1], flush=True)
time.sleep(600)
"""
#: Long enough for MkDocs to load its plugins under load; far shorter than a build of the site.
SERVE_TIMEOUT_S = 120


@pytest.fixture
def held_port() -> Iterator[int]:
    with subprocess.Popen([sys.executable, "-c", HOLDER], stdout=subprocess.PIPE, text=True) as holder:
        try:
            assert holder.stdout is not None
            yield int(holder.stdout.readline())
        finally:
            holder.kill()


def serve(port: int, config: Path = ROOT / "mkdocs.yml") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "serve", "--config-file", str(config), "--dev-addr", f"127.0.0.1:{port}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=SERVE_TIMEOUT_S,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        check=False,
    )


def test_a_busy_port_is_said_in_a_sentence_with_the_fix(held_port: int) -> None:
    """mkdocs serve on a port a subprocess holds stops before building, naming the port and `make serve PORT=`."""
    result = serve(held_port)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert f"cannot serve the site on http://127.0.0.1:{held_port}/" in output, output
    assert f"make serve PORT={held_port + 1}" in output, output
    assert "Traceback" not in output, output
    assert "Documentation built" not in output, output


def test_address_in_use_tells_a_held_port_from_a_free_one(held_port: int) -> None:
    """The probe sees the held port as in use, and a port just released as free."""
    assert nnla_serve.address_in_use("127.0.0.1", held_port)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        free = probe.getsockname()[1]
    assert not nnla_serve.address_in_use("127.0.0.1", free)


def test_make_serve_passes_the_port_on() -> None:
    """`make serve PORT=8123` serves on 127.0.0.1:8123 (a dry run: nothing is installed or started)."""
    result = subprocess.run(["make", "-n", "serve", "PORT=8123"], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert "mkdocs serve --dev-addr 127.0.0.1:8123" in result.stdout, result.stdout


def dev_addr(port: int) -> Any:
    """What the hook reads of a configuration: its `dev_addr`."""
    return SimpleNamespace(dev_addr=SimpleNamespace(host="127.0.0.1", port=port))


def test_the_port_is_tried_once_a_process(held_port: int) -> None:
    """The first build of `mkdocs serve` tries the port; a rebuild, while the server holds it, does not; a new
    process tries again."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        free = probe.getsockname()[1]
    nnla_serve.on_startup(command="serve", dirty=False)
    try:
        nnla_serve.on_config(dev_addr(free))
        nnla_serve.on_config(dev_addr(held_port))  # the rebuild: the port is the server's own now
        nnla_serve.on_startup(command="serve", dirty=False)
        with pytest.raises(Abort, match=f"port {held_port}"):
            nnla_serve.on_config(dev_addr(held_port))
    finally:
        nnla_serve.on_startup(command="build", dirty=False)


#: How long `mkdocs serve` of the copy may take to build, and to rebuild after a save, under load.
REBUILD_TIMEOUT_S = 300


@pytest.mark.slow
def test_mkdocs_serve_rebuilds_after_a_save(tmp_path: Path) -> None:
    """The preview a reader runs (`mkdocs serve` of a copy of the project): a saved page is rebuilt and the
    browsers told to reload, with no error."""
    copy = copy_project(tmp_path / "project")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{port}"]
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", **copy_env(copy)}
    lines: list[str] = []
    with subprocess.Popen(
        command, cwd=copy, env=env, stderr=subprocess.STDOUT, stdout=subprocess.PIPE, text=True
    ) as server:
        assert server.stdout is not None
        reader = threading.Thread(target=lambda: lines.extend(server.stdout or []), daemon=True)
        reader.start()
        try:
            wait_for(lines, "Serving on", server)
            page = copy / "docs" / "part-1.md"
            page.write_text(page.read_text(encoding="utf-8") + "\nA sentence saved during the preview.\n", "utf-8")
            wait_for(lines, "Reloading browsers", server, after="Detected file changes")
        finally:
            server.terminate()
    said = "".join(lines)
    assert "error happened during the rebuild" not in said, said[-3000:]
    assert "cannot serve the site" not in said, said[-3000:]


def wait_for(lines: list[str], text: str, server: subprocess.Popen[str], after: str = "") -> None:
    """Wait until the server has printed `text` (after a line holding `after`), or fail saying what it printed."""
    deadline = time.monotonic() + REBUILD_TIMEOUT_S
    while time.monotonic() < deadline:
        said = "".join(lines)
        if text in (said.partition(after)[2] if after else said):
            return
        if "error happened during the rebuild" in said or server.poll() is not None:
            break
        time.sleep(0.2)
    pytest.fail(f"mkdocs serve did not print {text!r}:\n{''.join(lines)[-3000:]}")
