"""The `node` process behind `KatexRenderer`: `worker.js` from this folder, speaking JSON lines.

Every request has a deadline and a size limit: a formula that makes KaTeX work for too long, or a worker that
stops answering, ends that worker and fails the formula with a message; the build never waits forever.
"""

from __future__ import annotations

import contextlib
import json
import os
import selectors
import signal
import subprocess
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any

from proven_numbers.katex.errors import SETUP_HINT, KatexSetupError

__all__ = ["MAX_REPLY_BYTES", "START_TIMEOUT_S", "WORKER_JS", "Worker", "WorkerTimeoutError"]

WORKER_JS = Path(__file__).with_name("worker.js")
#: How long `node` may take to load KaTeX and say hello (it takes some 0.1 s; a `node` that says nothing is stopped).
START_TIMEOUT_S = 10.0
#: The most bytes one reply may have (the largest formula of the site renders to some 100 KB).
MAX_REPLY_BYTES = 8 * 2**20


class WorkerTimeoutError(Exception):
    """The worker did not answer in time; it has been stopped."""


class Worker:
    """One `node worker.js` process speaking JSON lines.

    Args:
        node: the Node.js executable.
        node_modules: the project's `node_modules`, where the pinned `katex` lives.
        start_timeout: the most seconds `node` may take to load KaTeX and say hello (default `START_TIMEOUT_S`).

    Raises:
        KatexSetupError: `node` cannot be started, or did not say hello in time (it is then stopped).
    """

    def __init__(self, node: str, node_modules: Path, start_timeout: float | None = None) -> None:
        start_timeout = START_TIMEOUT_S if start_timeout is None else start_timeout
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
        assert self._proc.stdout is not None
        self._selector = selectors.DefaultSelector()
        self._selector.register(self._proc.stdout, selectors.EVENT_READ)
        self._buffer = b""
        self._next_id = 0
        try:
            hello = self._read(start_timeout)
        except KatexSetupError:
            self.close(kill=True)
            raise
        except WorkerTimeoutError:
            raise KatexSetupError(
                f"{node} did not start KaTeX within {start_timeout:g} s (it said nothing) and was stopped; is it "
                f"Node.js? {SETUP_HINT}"
            ) from None
        if "katex" not in hello:
            self.close()
            raise KatexSetupError(f"the KaTeX worker did not start: {hello.get('fatal', hello)}. {SETUP_HINT}")
        self.version = str(hello["katex"])

    def _stderr_text(self) -> str:
        self._stderr.seek(0)
        return self._stderr.read().decode("utf-8", "replace").strip()[-2000:]

    def _gone(self) -> KatexSetupError:
        code = self._proc.wait()
        how = f"was killed by signal {signal.Signals(-code).name}" if code < 0 else f"exited with status {code}"
        detail = self._stderr_text() or "it printed nothing"
        return KatexSetupError(
            f"the KaTeX worker (node) {how} ({detail}); a new one starts on the next formula, so run the build again"
        )

    def _read(self, timeout: float) -> dict[str, Any]:
        """Read one reply line within `timeout` seconds."""
        assert self._proc.stdout is not None
        deadline = time.monotonic() + timeout
        fd = self._proc.stdout.fileno()
        while b"\n" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not self._selector.select(left):
                self.close(kill=True)
                raise WorkerTimeoutError
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                raise self._gone()
            self._buffer += chunk
            if len(self._buffer) > MAX_REPLY_BYTES:
                self.close(kill=True)
                raise KatexSetupError(f"the KaTeX worker sent a reply of more than {MAX_REPLY_BYTES} bytes")
        line, self._buffer = self._buffer.split(b"\n", 1)
        try:
            reply = json.loads(line)
        except ValueError:
            reply = None
        if not isinstance(reply, dict):
            self.close(kill=True)
            raise KatexSetupError(f"the KaTeX worker sent something that is not a JSON object: {line[:200]!r}")
        return reply

    def request(self, tex: str, options: Mapping[str, Any], timeout: float) -> dict[str, Any]:
        """Send one formula and wait for its reply ({"html"} or {"error"}).

        Raises:
            WorkerTimeoutError: no reply within `timeout` seconds; the worker has been stopped.
            KatexSetupError: the worker is gone or answered nonsense.
        """
        assert self._proc.stdin is not None
        self._next_id += 1
        try:  # strict JSON: node's parser refuses NaN and Infinity, and would answer out of turn
            message = json.dumps({"id": self._next_id, "tex": tex, "options": options}, allow_nan=False) + "\n"
        except ValueError as error:
            raise KatexSetupError(f"cannot send KaTeX the options {options!r}: {error}") from None
        try:
            self._proc.stdin.write(message.encode("utf-8"))
            self._proc.stdin.flush()
        except BrokenPipeError:
            raise self._gone() from None
        reply = self._read(timeout)
        if reply.get("id") != self._next_id:
            raise KatexSetupError(f"the KaTeX worker answered out of turn: {str(reply)[:200]}")
        return reply

    def close(self, kill: bool = False) -> None:
        """Stop the worker: close its input (it exits at end of input), or kill it; then reap it."""
        if kill:
            with contextlib.suppress(ProcessLookupError):
                self._proc.kill()
        if self._proc.stdin is not None and not self._proc.stdin.closed:
            with contextlib.suppress(BrokenPipeError):
                self._proc.stdin.close()
        try:
            self._proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
        self._selector.close()
        if self._proc.stdout is not None:
            self._proc.stdout.close()
        self._stderr.close()
