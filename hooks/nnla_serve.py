"""This site's hook for `mkdocs serve` (`make serve`): a busy port is said at once, in a sentence, with the fix.

MkDocs builds the whole site first and only then binds its address, so on a port another program holds (an
earlier `make serve` still running, say) a reader waited for the build and then read a traceback ending in
`OSError: [Errno 98] Address already in use`. This hook tries the address before the build, the same way the
server will bind it, and stops with a message that names the address and how to pick another. It can only tell
what holds now: a program that takes the port during the build still meets MkDocs' own error. It tries once a
process, before the first build: every later build of `mkdocs serve` (a rebuild after a save) runs while the
server itself holds the port.
"""

from __future__ import annotations

import errno
import socket
from typing import Literal

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort

#: Whether this process is `mkdocs serve` (told by MkDocs at start-up, before the configuration is read), and
#: whether its port was tried.
_session: dict[str, str | bool] = {"command": "", "port tried": False}


def on_startup(*, command: Literal["build", "gh-deploy", "serve"], dirty: bool) -> None:
    _session.update({"command": command, "port tried": False})


def address_in_use(host: str, port: int) -> bool:
    """Whether binding `host:port` fails because something listens there (as MkDocs' server binds it: with
    SO_REUSEADDR, so a port whose last connections are closing counts as free)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                return True
            raise
    return False


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    if _session["command"] != "serve" or _session["port tried"]:
        return config
    host, port = config.dev_addr.host, config.dev_addr.port
    _session["port tried"] = True
    if address_in_use(host, port):
        raise Abort(
            f"cannot serve the site on http://{host}:{port}/: another program is listening on port {port} (an "
            f"earlier `make serve` still running?). Stop it, or pick another port: make serve PORT={port + 1} "
            f"(or mkdocs serve --dev-addr {host}:{port + 1})."
        )
    return config
