"""The drill room under load: real HTTP over loopback, a server process, separate client processes.

Prints, each on a line of its own:

- ``decision round trip p95: X ms``: 30 participants in one drill, each with its live event stream
  open; a decision is submitted and the time is taken until the last of the 30 streams has it;
- ``role-play reply p95: X ms``: 200 practice conversations at once, a reply posted and answered;
- ``memory per session: X MB``: the server's resident memory per live practice conversation.

Targets: 150 ms, 100 ms, 2 MB. The server binds 127.0.0.1 only; every loop is bounded in count
and time, and the run stops by itself (about a minute on two cores). Run it as
``python benchmarks/room.py`` (``--participants``, ``--sessions``, ``--rounds`` to change the load).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import multiprocessing as mp
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
# Run as a script, this file's folder comes first on the path and its name would shadow the room package.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
HOST = "127.0.0.1"
DEADLINE = 240.0
"""Seconds after which every client gives up, whatever it is doing."""

ACTION = re.compile(r'name="action" value="([^"]+)"')


# The server --------------------------------------------------------------------------------------------


def run_server(folder: Path) -> None:
    """The room on a free loopback port; prints its port and keys as one JSON line, serves until stopped."""
    import socket

    import uvicorn

    from room import Site, create_app

    site = Site(records=folder / "records", db=f"sqlite:///{folder / 'history.db'}")
    sock = socket.socket()
    sock.bind((HOST, 0))
    port = sock.getsockname()[1]
    site.base_url = f"http://{HOST}:{port}"
    print(json.dumps({"port": port, "facilitator": site.keys.facilitator, "practice": site.keys.practice}), flush=True)
    config = uvicorn.Config(create_app(site), log_level="error", access_log=False, lifespan="on")
    with contextlib.suppress(KeyboardInterrupt):
        uvicorn.Server(config).run(sockets=[sock])


def rss_mb(pid: int) -> float:
    """Resident memory of a process, in MB."""
    for row in Path(f"/proc/{pid}/status").read_text().splitlines():
        if row.startswith("VmRSS:"):
            return int(row.split()[1]) / 1024
    return 0.0


# Drill clients -------------------------------------------------------------------------------------------


async def listen(client: Any, url: str, seen: dict[int, float], ready: asyncio.Event, stop: asyncio.Event) -> None:
    """Read a participant's event stream; note when each decision event arrived."""
    async with client.stream("GET", url, timeout=None) as response:
        ready.set()
        kind = ""
        async for row in response.aiter_lines():
            if row.startswith("event: "):
                kind = row[7:]
            elif row.startswith("data: ") and kind == "drill":
                data = json.loads(row[6:])
                if data["event"]["type"] == "decision":
                    seen[int(data["event"]["seq"])] = time.time()
            if stop.is_set() or kind == "end":
                return


async def drill_client(
    base: str, token: str, people: list[tuple[str, str]], leader: bool, rounds: int, barrier: Any, out: Any
) -> None:
    """Some participants of the drill; the leader also makes the decisions."""
    import httpx

    stop = asyncio.Event()
    seen: list[dict[int, float]] = []
    clients = []
    tasks = []
    for name, role in people:
        client = httpx.AsyncClient(base_url=base, headers={"origin": base}, timeout=30)
        await client.post(f"/r/{token}/join", data={"name": name, "role": role})
        ready = asyncio.Event()
        got: dict[int, float] = {}
        page = await client.get(f"/r/{token}")
        last = re.search(r"last=(\d+)", page.text)
        tasks.append(
            asyncio.create_task(
                listen(client, f"/r/{token}/stream?last={last.group(1) if last else 0}", got, ready, stop)
            )
        )
        await ready.wait()
        clients.append(client)
        seen.append(got)
    await asyncio.get_running_loop().run_in_executor(None, barrier.wait)  # every stream of every process is open
    sent: dict[int, tuple[float, str]] = {}
    if leader:
        end = time.monotonic() + 90
        made = 0
        while made < rounds and time.monotonic() < end:
            choice = None
            for client in clients:
                found = ACTION.findall((await client.get(f"/r/{token}")).text)
                if found:
                    choice = (client, found[0])
                    break
            if choice is None:  # nothing open to these roles just now: the drill moves on by itself
                await asyncio.sleep(0.5)
                continue
            made += 1
            client, action = choice
            started = time.time()
            response = await client.post(
                f"/r/{token}/decide", data={"action": action}, headers={"accept": "application/json"}
            )
            body = response.json()
            if body.get("seq"):
                sent[int(body["seq"])] = (started, body["status"])
            await asyncio.sleep(0.3)
        await asyncio.sleep(1.0)
    else:
        await asyncio.sleep(0.5)
    await asyncio.get_running_loop().run_in_executor(None, barrier.wait)  # the leader is done
    await asyncio.sleep(0.5)
    stop.set()
    for task in tasks:
        task.cancel()
    for client in clients:
        await client.aclose()
    out.put({"seen": seen, "sent": sent})


def drill_process(*args: Any) -> None:
    """One client process of the drill benchmark."""
    asyncio.run(asyncio.wait_for(drill_client(*args), DEADLINE))


# Practice clients ----------------------------------------------------------------------------------------


async def conversation(
    base: str, key: str, name: str, replies: int, started: asyncio.Event, go: asyncio.Event, times: list[float]
) -> None:
    """One trainee: start a call, wait for everyone, then reply until the call ends (bounded)."""
    import httpx

    async with httpx.AsyncClient(base_url=base, headers={"origin": base}, timeout=30, follow_redirects=True) as client:
        page = await client.post(f"/p/{key}/start", data={"entry": "roleplay:leak-complaint", "name": name})
        url = str(page.url).replace(base, "")
        options = ACTION.findall(page.text)
        started.set()
        await go.wait()
        rng = random.Random(name)
        for _ in range(replies):
            if not options:
                break
            await asyncio.sleep(rng.uniform(0.2, 1.5))  # thinking
            begin = time.perf_counter()
            response = await client.post(
                f"{url}/say", data={"action": rng.choice(options)}, headers={"accept": "application/json"}
            )
            times.append(time.perf_counter() - begin)
            if response.status_code != 200:
                break
            state = response.json()
            if state.get("finished"):
                break
            options = state.get("replies") or []


async def practice_client(base: str, key: str, first: int, count: int, replies: int, barrier: Any, out: Any) -> None:
    """``count`` conversations at once from one process."""
    times: list[float] = []
    go = asyncio.Event()
    started = [asyncio.Event() for _ in range(count)]
    tasks = [
        asyncio.create_task(conversation(base, key, f"学员{first + i:03d}", replies, started[i], go, times))
        for i in range(count)
    ]
    for event in started:
        await event.wait()
    await asyncio.get_running_loop().run_in_executor(None, barrier.wait)  # all live: memory is measured now
    await asyncio.get_running_loop().run_in_executor(None, barrier.wait)
    go.set()
    await asyncio.gather(*tasks, return_exceptions=True)
    out.put(times)


def practice_process(*args: Any) -> None:
    """One client process of the practice benchmark."""
    asyncio.run(asyncio.wait_for(practice_client(*args), DEADLINE))


# The run ---------------------------------------------------------------------------------------------------


def p95(values: list[float]) -> float:
    """The 95th percentile."""
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=20)[-1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--participants", type=int, default=30)
    parser.add_argument("--sessions", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=40, help="decisions made in the drill (at most)")
    parser.add_argument("--processes", type=int, default=5, help="client processes for each part")
    parser.add_argument("--serve", metavar="FOLDER", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        run_server(Path(args.serve))
        return 0
    import httpx

    folder = Path(tempfile.mkdtemp(prefix="drillsim-room-bench-"))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    server = subprocess.Popen(
        [sys.executable, __file__, "--serve", str(folder)], stdout=subprocess.PIPE, text=True, env=env, cwd=ROOT
    )
    try:
        assert server.stdout is not None
        info = json.loads(server.stdout.readline())
        base = f"http://{HOST}:{info['port']}"
        fac = f"/f/{info['facilitator']}"
        with httpx.Client(base_url=base, headers={"origin": base}, follow_redirects=False) as client:
            opened = client.post(
                f"{fac}/open",
                data={"entry": "plan:rainstorm-cascade", "mode": "observe", "approve": "now", "speed": "60"},
            )
            room_page = client.get(opened.headers["location"]).text
            token = re.search(r"/r/([A-Za-z0-9_-]{20,})", room_page)
            assert token is not None, "no participant link on the facilitator's page"
            client.post(f"{opened.headers['location']}/clock", data={"op": "start"})
            join_page = client.get(f"/r/{token.group(1)}").text
        roles = re.findall(r'name="role" value="([^"]+)"', join_page)
        # Dealt so that each client process holds every role in turn: the leader (the process that
        # decides) then always has some role with an action open.
        people = [(f"参演者{i:02d}", roles[i // args.processes % len(roles)]) for i in range(args.participants)]
        groups = [people[i :: args.processes] for i in range(args.processes)]
        leader = max(range(len(groups)), key=lambda g: len({r for _, r in groups[g]}))
        ctx = mp.get_context("spawn")
        out = ctx.Queue()
        barrier = ctx.Barrier(len(groups))
        procs = [
            ctx.Process(
                target=drill_process, args=(base, token.group(1), group, g == leader, args.rounds, barrier, out)
            )
            for g, group in enumerate(groups)
        ]
        for proc in procs:
            proc.start()
        results = [out.get(timeout=DEADLINE) for _ in procs]
        for proc in procs:
            proc.join(timeout=10)
        sent: dict[int, tuple[float, str]] = {}
        seen: list[dict[int, float]] = []
        for result in results:
            sent.update(result["sent"])
            seen.extend(result["seen"])
        trips = []
        for seq, (at, _status) in sent.items():
            arrivals = [s[seq] for s in seen if seq in s]
            if len(arrivals) == len(seen):
                trips.append((max(arrivals) - at) * 1000)
        missing = len(sent) - len(trips)
        print(f"decisions: {len(sent)} to {len(seen)} participants ({missing} not seen by all)")
        print(f"decision round trip p95: {p95(trips):.0f} ms")
        with httpx.Client(base_url=base, headers={"origin": base}) as client:  # the drill is over: end it
            client.post(f"{opened.headers['location']}/clock", data={"op": "halt"})

        # Practice: memory first (all conversations live), then replies.
        baseline = rss_mb(server.pid)
        per = [
            args.sessions // args.processes + (1 if i < args.sessions % args.processes else 0)
            for i in range(args.processes)
        ]
        barrier = ctx.Barrier(len(per) + 1)
        out = ctx.Queue()
        procs = []
        first = 0
        for count in per:
            procs.append(
                ctx.Process(target=practice_process, args=(base, info["practice"], first, count, 8, barrier, out))
            )
            first += count
        for proc in procs:
            proc.start()
        barrier.wait(timeout=DEADLINE)
        loaded = rss_mb(server.pid)
        barrier.wait(timeout=DEADLINE)
        times = [t * 1000 for _ in procs for t in out.get(timeout=DEADLINE)]
        for proc in procs:
            proc.join(timeout=10)
        print(f"replies: {len(times)} in {args.sessions} conversations")
        print(f"role-play reply p50 {statistics.median(times):.0f} ms, max {max(times):.0f} ms")
        print(f"role-play reply p95: {p95(times):.0f} ms")
        print(f"memory per session: {(loaded - baseline) / max(1, args.sessions):.2f} MB")
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main())
