"""How long the console waits for the drill room to stop while phones hold their event streams open.

A :class:`room.RoomServer` on a free loopback port runs the elevator drill; N participants join and
each keeps its live event stream open (a thread of its own reading it, as a phone would). Then
:meth:`room.RoomServer.stop` is timed: this is what the facilitator waits for on quitting the
console with the room open. Prints, each on a line of its own:

- ``stop with N open streams: X ms`` (best of ``--repeat`` runs, and the worst);
- ``last event each stream saw: ...`` (what the phones were told before the stream ended);
- ``server thread left running: yes|no``.

Run it as ``python benchmarks/room_stop.py`` (``--streams``, ``--repeat`` to change it). Records
and history go to a temporary folder; the server binds 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Run as a script, this file's folder comes first on the path and its name would shadow the room package.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def read_stream(base: str, token: str, name: str, role: str, ready: threading.Event, seen: list[str]) -> None:
    """Join as ``name`` and read the stream until it ends; ``seen`` gets the kind of each event."""
    import httpx

    with httpx.Client(base_url=base, headers={"origin": base}, timeout=httpx.Timeout(10, read=60)) as client:
        client.post(f"/r/{token}/join", data={"name": name, "role": role})
        try:
            with client.stream("GET", f"/r/{token}/stream") as response:
                for row in response.iter_lines():
                    if row.startswith("event: "):
                        seen.append(row[7:])
                        if row == "event: view":
                            ready.set()
        except httpx.HTTPError as exc:  # the server dropped the connection
            seen.append(f"cut off ({type(exc).__name__})")
        ready.set()


def once(streams: int, folder: Path) -> tuple[float, list[str], bool]:
    """One run: (seconds stop() took, the last event of each stream, whether the server thread lingers)."""
    from room import RoomServer, Site
    from room.catalog import scan

    site = Site(records=folder / "records", db=f"sqlite:///{folder / 'history.db'}", catalog=scan()[0])
    server = RoomServer(site, host="127.0.0.1", port=0)
    server.start()
    entry = site.entry("scenario:elevator-entrapment")
    assert entry is not None
    room = site.begin(entry, mode="observe", approve=False, speed=1.0, seed=7)
    room.session.clock.resume()
    roles = room.roles
    seen: list[list[str]] = [[] for _ in range(streams)]
    readers = []
    for i in range(streams):
        ready = threading.Event()
        reader = threading.Thread(
            target=read_stream, args=(site.base_url, room.token, f"参演者{i}", roles[i % len(roles)], ready, seen[i])
        )
        reader.start()
        if not ready.wait(20):
            raise SystemExit(f"stream {i} did not open")
        readers.append(reader)
    time.sleep(0.3)
    began = time.perf_counter()
    server.stop()
    took = time.perf_counter() - began
    for reader in readers:
        reader.join(timeout=10)
    lingering = any(t.name == "drillsim-room" for t in threading.enumerate())
    return took, [s[-1] if s else "(nothing)" for s in seen], lingering


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--streams", type=int, default=3, help="participants with a stream open (default 3)")
    parser.add_argument("--repeat", type=int, default=3, help="runs (default 3)")
    args = parser.parse_args()
    if args.streams < 0 or args.repeat < 1:
        parser.error("--streams must be 0 or more and --repeat at least 1")
    times = []
    last: list[str] = []
    lingering = False
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory(prefix="drillsim-room-stop-") as folder:
            took, last, lingers = once(args.streams, Path(folder))
        times.append(took)
        lingering = lingering or lingers
    print(f"stop with {args.streams} open streams: {min(times) * 1000:.0f} ms (worst {max(times) * 1000:.0f} ms)")
    print(f"last event each stream saw: {', '.join(last)}")
    print(f"server thread left running: {'yes' if lingering else 'no'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
