"""Running the room: ``drillsim serve``, and the small API a console uses to open its drill to phones.

``drillsim serve`` runs uvicorn in the foreground on 127.0.0.1 unless ``--host`` says otherwise,
prints the links it serves (facilitator, practice, coach, and the join page), and stops cleanly
on Ctrl-C: every drill room is closed first (each phone's event stream says so and ends, so
nothing holds the shutdown), uvicorn finishes the requests under way, the app's lifespan closes
every record the server was writing (an unfinished drill can be resumed from it like any other).

A console that wants phones in its drill starts a :class:`RoomServer` (uvicorn on a thread of its
own), calls :meth:`RoomServer.open` with its running session, shows :meth:`RoomServer.join_url`
and :func:`room.qr.qr_text` on the projector, and calls :meth:`room.drillroom.DrillRoom.pump`
from its tick: that runs the phones' inputs on the console's thread. Pending decisions, accept,
reject, who is connected and remove are methods of the :class:`~room.drillroom.DrillRoom`.
"""

from __future__ import annotations

import argparse
import contextlib
import socket
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING

import uvicorn

from engine.tools.cli import port
from room.app import create_app
from room.site import Site

if TYPE_CHECKING:
    from engine.runtime import Session
    from room.drillroom import DrillRoom


def lan_address() -> str:
    """This machine's address as other machines on its network see it (best guess, no traffic sent)."""
    try:
        found = socket.gethostbyname(socket.gethostname())
    except OSError:
        found = "127.0.0.1"
    if found.startswith("127."):
        # Many Linux systems map their own host name to 127.0.1.1. Connecting a UDP socket sends
        # nothing; it only asks the kernel which local address would reach the outside.
        with contextlib.suppress(OSError), socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("192.0.2.1", 9))  # TEST-NET-1: never routed anywhere real
            found = str(probe.getsockname()[0])
    return found


def base_url(host: str, port: int) -> str:
    """The URL phones use: the host as given, or this machine's address when bound to all of them."""
    shown = lan_address() if host in ("0.0.0.0", "::", "") else host
    if ":" in shown and not shown.startswith("["):
        shown = f"[{shown}]"
    return f"http://{shown}:{port}"


def links(site: Site) -> list[tuple[str, str]]:
    """(what, URL) of every page the server's operator hands out."""
    base = site.base_url
    return [
        ("导调台 facilitator", f"{base}/f/{site.keys.facilitator}"),
        ("参演入口 join page", f"{base}/"),
        ("练习链接 practice", f"{base}/p/{site.keys.practice}"),
        ("教练 coach", f"{base}/c/{site.keys.coach}"),
        ("健康检查 health", f"{base}/healthz"),
    ]


class UvicornServer(uvicorn.Server):
    """uvicorn's server, closing the site's drill rooms as it begins to shut down.

    uvicorn waits (up to its graceful-shutdown timeout) for the responses under way before the
    app's lifespan hears of the shutdown, and an event stream only ends when its room changes.
    Closing the rooms first wakes every stream: each sends its phone a ``closed`` event and
    returns, and the wait is over in a few tenths of a second instead of the whole timeout.
    """

    def __init__(self, config: uvicorn.Config, site: Site) -> None:
        super().__init__(config)
        self.site = site

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        """Close the rooms (on the server's loop), then shut down as uvicorn does."""
        self.site.close()
        await super().shutdown(sockets)


class RoomServer:
    """The room served from a thread, for a console that keeps its own loop on the main thread.

    Args:
        site: What it serves (default: a new site over the library).
        host: Address to bind (loopback unless the facilitator opens it to the site's network).
        port: Port (0: any free one; :attr:`port` says which once started).
    """

    def __init__(self, site: Site | None = None, *, host: str = "127.0.0.1", port: int = 8765) -> None:
        self.site = site or Site()
        self.host = host
        self.port = port
        self._server: UvicornServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start serving (returns once the server listens).

        Raises:
            OSError: The address cannot be bound (the port is taken, the host is not this machine's).
        """
        sock = socket.socket(socket.AF_INET6 if ":" in self.host else socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((self.host, self.port))
        except OSError:
            sock.close()  # the caller may try another port; nothing is left open
            raise
        self.port = sock.getsockname()[1]
        self.site.base_url = base_url(self.host, self.port)
        config = uvicorn.Config(
            create_app(self.site), log_level="warning", access_log=False, lifespan="on", timeout_graceful_shutdown=2
        )
        self._server = UvicornServer(config, self.site)
        started = threading.Event()
        server = self._server

        def run() -> None:
            server.run(sockets=[sock])

        self._thread = threading.Thread(target=run, name="drillsim-room", daemon=True)
        self._thread.start()
        while not server.started and self._thread.is_alive():
            started.wait(0.02)

    def stop(self) -> None:
        """Stop serving: every room is closed (each phone is told), then the server stops.

        Returns within a few tenths of a second with streams open (their phones get a ``closed``
        event); a request stuck elsewhere is cut off after uvicorn's graceful timeout. The console's
        session stays the console's.
        """
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=5)

    def open(self, session: Session, *, approve: bool = False, lang: str = "zh") -> DrillRoom:
        """Open a room for the console's running drill (the console keeps driving it).

        ``lang`` is the console's language: the notes the room writes into the record use it.
        """
        return self.site.open_room(session, approve=approve, external=True, lang=lang)

    def join_url(self, room: DrillRoom) -> str:
        """The participants' link (what the QR code holds)."""
        return f"{self.site.base_url}/r/{room.token}"

    def evaluator_url(self, room: DrillRoom) -> str:
        """The evaluators' link (not for the projector)."""
        return f"{self.site.base_url}/e/{room.eval_token}"


def serve(folders: list[str], *, host: str, port: int, db: str | None) -> int:
    """``drillsim serve``: run the room in the foreground until Ctrl-C."""
    for folder in folders:
        if not Path(folder).exists():
            print(f"drillsim: {folder}: no such file or folder", file=sys.stderr)
            return 2
    site = Site([Path(f) for f in folders], db=db)
    for problem in site.problems:
        print(f"drillsim: skipped: {problem}", file=sys.stderr)
    try:
        sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
    except OSError as exc:
        print(f"drillsim: cannot listen on {host}:{port}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    site.base_url = base_url(host, sock.getsockname()[1])
    print(f"drillsim room on {site.base_url} (Ctrl-C stops it)")
    for what, url in links(site):
        print(f"  {what}: {url}")
    if host == "127.0.0.1":
        print("  only this computer can reach it; use --host 0.0.0.0 to let phones on the site's network in")
    sys.stdout.flush()
    config = uvicorn.Config(
        create_app(site), log_level="warning", access_log=False, lifespan="on", timeout_graceful_shutdown=3
    )
    server = UvicornServer(config, site)
    with contextlib.suppress(KeyboardInterrupt):  # uvicorn has already shut down cleanly
        server.run(sockets=[sock])
    print("drillsim room stopped")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run ``serve`` on its own (``python -m room.server``), with the same options as the command."""
    parser = argparse.ArgumentParser(prog="drillsim serve")
    add_arguments(parser)
    args = parser.parse_args(argv)
    return serve(args.folders, host=args.host, port=args.port, db=args.db)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``drillsim serve``."""
    parser.add_argument("folders", nargs="*", metavar="FOLDER", help="more folders (or files) of scenarios and plans")
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this computer only)"
    )
    parser.add_argument("--port", type=port, default=8765, help="port (default 8765)")
    parser.add_argument("--db", metavar="URL", help="history database: SQLite file or URL (default: in user data)")


if __name__ == "__main__":
    sys.exit(main())
