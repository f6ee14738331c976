"""`make serve` on a port another program holds: a sentence naming the port and the fix, not a traceback.

A subprocess listens on a free port of 127.0.0.1; `mkdocs serve` (the command `make serve` runs) is pointed at
that port and must stop at once, before building, with `hooks/nnla_serve.py`'s message. `make -n serve PORT=N`
shows that the target passes the reader's port on.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ROOT

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
