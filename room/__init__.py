"""The drill room: participants, evaluators and trainees join a drill from their phones.

Another driver of the engine's session API, beside the console: an ASGI app (Starlette on
uvicorn, Jinja2 pages, packaged static files) that turns what phones send into the same recorded
inputs the console makes, with who and from which device, and pushes to each phone the events its
role may see. Nothing below this package imports it, and it never imports Textual or ``tui``.

The front door:

- :class:`Site` (what one server serves) and :func:`create_app` (its ASGI app);
- :class:`RoomServer` and :class:`DrillRoom`: the console's way to open its running drill to
  phones (join code and URL, QR code, pending decisions, accept and reject, who is connected);
- :func:`serve`: the ``drillsim serve`` command.
"""

from room.app import create_app
from room.drillroom import EVALUATOR, DrillRoom, Outcome, Participant, RoomError
from room.qr import qr_svg, qr_text
from room.server import RoomServer, serve
from room.site import Keys, Site

__all__ = [
    "EVALUATOR",
    "DrillRoom",
    "Keys",
    "Outcome",
    "Participant",
    "RoomError",
    "RoomServer",
    "Site",
    "create_app",
    "qr_svg",
    "qr_text",
    "serve",
]
