"""``drillsim serve`` as an operator meets it, and the room's place among the packages."""

from __future__ import annotations

import ast
import os
import signal
import subprocess
import sys
import time
import tomllib
import urllib.request
from pathlib import Path

from room import qr_svg, qr_text

ROOT = Path(__file__).resolve().parents[2]


def imports_of(package: str) -> set[str]:
    """Top-level names every module of ``package`` imports (deferred imports inside functions too)."""
    found: set[str] = set()
    for path in (ROOT / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.add(node.module.split(".")[0])
    return found


def test_the_room_never_imports_textual_or_the_console() -> None:
    """The room drives the session API, as the console does, without it."""
    assert not imports_of("room") & {"textual", "tui", "rich"}


def test_nothing_below_the_room_imports_it() -> None:
    """The engine and scoring stay UI-free and network-free."""
    for package in ("engine", "scoring"):
        assert not imports_of(package) & {"room", "starlette", "uvicorn", "jinja2"}


def test_the_wheel_ships_the_room_with_its_templates_and_files() -> None:
    """Hatch builds the room package, and its templates and static files sit inside it."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "room" in config["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"]
    assert (ROOT / "room" / "templates" / "base.html").is_file()
    assert (ROOT / "room" / "static" / "room.js").is_file()


def test_the_join_link_has_a_qr_code_as_svg_and_as_text() -> None:
    """For the projector page and for the console's terminal."""
    url = "http://192.0.2.1:8765/r/abcdefghijklmnopqrstuv"
    assert qr_svg(url).startswith("<svg") and "<script" not in qr_svg(url)
    text = qr_text(url)
    assert len(text.splitlines()) > 10 and "█" in text


def test_serve_prints_its_links_answers_healthz_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    """Loopback by default, the URLs on the terminal, /healthz ok, a clean exit on SIGINT."""
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "data"), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    env["DRILLSIM_RECORDS"] = str(tmp_path / "records")
    proc = subprocess.Popen(
        [sys.executable, "-m", "tui.cli", "serve", "--port", "0", "--db", f"sqlite:///{tmp_path / 'h.db'}"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=env,
    )
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        assert first.startswith("drillsim room on http://127.0.0.1:"), first
        base = first.split()[3]
        lines = [proc.stdout.readline() for _ in range(5)]
        assert any("/healthz" in line for line in lines) and any("/p/" in line for line in lines)
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:
                    assert response.read() == b"ok"
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert "stopped" in out and "Traceback" not in err


def test_ctrl_c_tells_an_open_phone_the_room_closed_and_exits_promptly(tmp_path: Path) -> None:
    """A drill open, a phone following it: on SIGINT the phone gets ``closed`` and the server is gone within 2 s."""
    import re

    import httpx

    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "data"), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    env["DRILLSIM_RECORDS"] = str(tmp_path / "records")
    proc = subprocess.Popen(
        [sys.executable, "-m", "tui.cli", "serve", "--port", "0", "--db", f"sqlite:///{tmp_path / 'h.db'}"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=env,
    )
    try:
        assert proc.stdout is not None
        base = proc.stdout.readline().split()[3]
        fac = next(line.split()[-1] for line in (proc.stdout.readline() for _ in range(5)) if "/f/" in line)
        with httpx.Client(base_url=base, headers={"origin": base}, timeout=20) as client:
            deadline = time.monotonic() + 20
            while True:  # the links are printed just before uvicorn listens
                try:
                    client.get("/healthz")
                    break
                except httpx.ConnectError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.1)
            opened = client.post(
                fac.removeprefix(base) + "/open", data={"entry": "scenario:elevator-entrapment", "mode": "observe"}
            )
            assert opened.status_code == 303, opened.text
            room_page = opened.headers["location"]
            token = re.search(r"/r/([A-Za-z0-9_-]{20,})", client.get(room_page).text)
            assert token is not None
            client.post(f"{room_page}/clock", data={"op": "start"})
            client.post(f"/r/{token.group(1)}/join", data={"name": "张三", "role": "control_room"})
            seen: list[str] = []
            with client.stream("GET", f"/r/{token.group(1)}/stream") as stream:
                rows = stream.iter_lines()
                for row in rows:
                    if row == "event: view":
                        break
                proc.send_signal(signal.SIGINT)
                began = time.monotonic()
                try:
                    seen.extend(row[7:] for row in rows if row.startswith("event: "))
                except httpx.RemoteProtocolError:
                    seen.append("cut off")
            out, err = proc.communicate(timeout=20)
            took = time.monotonic() - began
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert seen and seen[-1] == "closed"
    assert proc.returncode == 0 and "Traceback" not in err, err
    assert "stopped" in out
    assert took < 2.0, f"the server took {took:.2f} s to stop"
