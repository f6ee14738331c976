"""The `node` process behind `KatexRenderer`: `worker.js` from this folder, speaking JSON lines."""

from __future__ import annotations

import contextlib
import json
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any

from nnla_site.katex.errors import SETUP_HINT, KatexSetupError

__all__ = ["WORKER_JS", "Worker"]

WORKER_JS = Path(__file__).with_name("worker.js")


class Worker:
    """One `node katex_worker.js` process speaking JSON lines."""

    def __init__(self, node: str, node_modules: Path) -> None:
        self._stderr: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115 (closed in close())
        try:
            self._proc = subprocess.Popen(
                [node, str(WORKER_JS), str(node_modules)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=self._stderr,
                cwd=str(node_modules.parent),
            )
        except OSError as err:
            self._stderr.close()
            raise KatexSetupError(f"cannot start {node} ({err}). {SETUP_HINT}") from None
        self._next_id = 0
        hello = self._read()
        if "katex" not in hello:
            self.close()
            raise KatexSetupError(f"the KaTeX worker did not start: {hello.get('fatal', hello)}. {SETUP_HINT}")
        self.version = str(hello["katex"])

    def _stderr_text(self) -> str:
        self._stderr.seek(0)
        return self._stderr.read().decode("utf-8", "replace").strip()

    def _read(self) -> dict[str, Any]:
        assert self._proc.stdout is not None
        line = self._proc.stdout.readline()
        if not line:
            code = self._proc.wait()
            raise KatexSetupError(
                f"the KaTeX worker (node) exited with status {code}: {self._stderr_text() or 'no message'}. "
                + SETUP_HINT
            )
        reply: dict[str, Any] = json.loads(line)
        return reply

    def request(self, tex: str, options: Mapping[str, Any]) -> dict[str, Any]:
        """Send one formula and wait for its reply ({"html", "warnings"} or {"error"})."""
        assert self._proc.stdin is not None
        self._next_id += 1
        message = json.dumps({"id": self._next_id, "tex": tex, "options": options}) + "\n"
        try:
            self._proc.stdin.write(message.encode("utf-8"))
            self._proc.stdin.flush()
        except BrokenPipeError:
            self._read()  # reports why the process is gone
            raise
        reply = self._read()
        if reply.get("id") != self._next_id:
            raise KatexSetupError(f"the KaTeX worker answered out of turn: {reply}")
        return reply

    def close(self) -> None:
        """Close stdin (the worker exits at end of input) and reap the process."""
        if self._proc.stdin is not None and not self._proc.stdin.closed:
            with contextlib.suppress(BrokenPipeError):
                self._proc.stdin.close()
        try:
            self._proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
        if self._proc.stdout is not None:
            self._proc.stdout.close()
        self._stderr.close()
