"""The console's end of the drill room: a web server for the drill on screen, and the room inside it.

The live screen opens the room with one key. Serving phones is the room package's job
(:class:`room.server.RoomServer`: uvicorn on a thread of its own); this module holds what the
console adds around it, and keeps the two threads apart:

- :meth:`RoomLink.listen` binds and starts the server. It is slow the first time (the web stack is
  imported then, not when the console starts) and touches no widget, so the screen runs it in a
  worker thread. A taken port is not an error: the next few are tried, and :attr:`RoomLink.taken`
  says which were skipped so the screen can say so.
- :meth:`RoomLink.open` puts the screen's running session in the room, and :meth:`RoomLink.pump`
  runs what phones sent. Both touch the session, so both run on the console's thread (the screen's
  tick); the server's thread only queues.
- :meth:`RoomLink.stop` stops the server: each phone's stream sends its last update and a "room
  closed" notice, then ends, so it returns in a fraction of a second even with phones connected.

Where it listens: the address and port the console was given (``--room-host``/``--room-port`` or
``DRILLSIM_ROOM_HOST``/``DRILLSIM_ROOM_PORT``), else this machine's address on the site's network
(:func:`room.server.lan_address`), so phones on the same Wi-Fi reach it, and port :data:`PORT`.
"""

from __future__ import annotations

import errno
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from engine.runtime import Session
    from room.drillroom import DrillRoom
    from room.server import RoomServer

PORT = 8765
"""The room's port unless the console is told another (the same as ``drillsim serve``'s)."""

TRIES = 5
"""Ports tried in turn, from the one asked for, when it is taken."""


class RoomLink:
    """One live drill's room, served by the console.

    Args:
        host: Address to listen on (None: this machine's address on its network).
        port: First port to try (0: any free one).
    """

    def __init__(self, host: str | None = None, port: int = PORT) -> None:
        self.host = host
        self.port = port
        self.taken: list[int] = []
        """Ports found taken before one was free."""
        self.server: RoomServer | None = None
        self.room: DrillRoom | None = None

    # On a worker thread ----------------------------------------------------------------------------

    def listen(self) -> None:
        """Bind and start the server (the first free port of :data:`TRIES`). No widget, no session.

        Raises:
            OSError: No port could be bound, or the address is not this machine's.
        """
        from room.server import RoomServer, lan_address
        from room.site import Site

        host = self.host or lan_address()
        self.host = host
        tries = 1 if self.port == 0 else TRIES
        for offset in range(tries):
            port = self.port + offset if self.port else 0
            server = RoomServer(Site(catalog=[]), host=host, port=port)
            try:
                server.start()
            except OSError as exc:
                if exc.errno != errno.EADDRINUSE or offset == tries - 1:
                    raise
                self.taken.append(port)
                continue
            self.server = server
            self.port = server.port
            return

    # On the console's thread -----------------------------------------------------------------------

    def open(self, session: Session, *, approve: bool, lang: str = "zh") -> DrillRoom:
        """Put the console's running ``session`` in the room (call once :meth:`listen` is done).

        ``lang`` is the console's: the notes the room writes into the record (who joined, a
        proposal not taken) are in it.
        """
        assert self.server is not None, "listen() first"
        self.room = self.server.open(session, approve=approve, lang=lang)
        self.room.pump()
        return self.room

    def pump(self) -> None:
        """Run what phones sent since the last call, and refresh what they see (the console's tick)."""
        if self.room is not None:
            self.room.pump()

    def stop(self) -> None:
        """Close the room: phones get a last update and are told the room closed, then the server stops."""
        room, server = self.room, self.server
        self.room = None
        self.server = None
        if room is not None:
            room.pump()  # what was queued is answered; a finished drill ends every stream now
        if server is not None:
            server.stop()

    # What the screens show -------------------------------------------------------------------------

    @property
    def serving(self) -> bool:
        """Whether the room is open to phones."""
        return self.room is not None and self.server is not None

    @property
    def code(self) -> str:
        """The short join code."""
        return self.room.code if self.room is not None else ""

    @property
    def base_url(self) -> str:
        """The address a phone types before the join code (``http://host:port``)."""
        return self.server.site.base_url if self.server is not None else ""

    @property
    def join_url(self) -> str:
        """The participants' link (what the QR code holds)."""
        if self.server is None or self.room is None:
            return ""
        return self.server.join_url(self.room)

    @property
    def evaluator_url(self) -> str:
        """The evaluators' link (never for the projector)."""
        if self.server is None or self.room is None:
            return ""
        return self.server.evaluator_url(self.room)
