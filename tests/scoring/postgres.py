"""A throwaway PostgreSQL server for the history tests: its own cluster, socket and port, stopped after.

The server binaries come from the system (Debian's ``postgresql`` package puts ``initdb`` and
``pg_ctl`` under ``/usr/lib/postgresql/<version>/bin``; ``.ci/run`` installs it). The cluster lives
in a fresh folder under the system's temporary directory, listens only on a unix socket in that
folder (named after a free port, so it can never meet another server), trusts local connections,
and is removed when it stops. PostgreSQL refuses to run as root: where the tests run as root, the
server runs as ``nobody`` through ``runuser``.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

USER = "drillsim"
"""The database superuser the cluster is created with."""


def binaries() -> Path | None:
    """The folder holding ``initdb`` and ``pg_ctl`` of the newest PostgreSQL installed, if any."""
    found = sorted(
        (Path(p).parent for p in glob.glob("/usr/lib/postgresql/*/bin/initdb")),
        key=lambda folder: [int(part) if part.isdigit() else 0 for part in folder.parent.name.split(".")],
    )
    if found:
        return found[-1]
    on_path = shutil.which("initdb")
    return Path(on_path).parent if on_path and shutil.which("pg_ctl") else None


def unavailable() -> str | None:
    """Why a server cannot be started here, or None when it can."""
    if binaries() is None:
        return "PostgreSQL is not installed (apt-get install postgresql; .ci/run installs it)"
    try:
        import psycopg  # noqa: F401 - only whether it imports
    except ImportError:
        return "the PostgreSQL driver is missing (pip install -e '.[test]' brings it)"
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        return "the tests run as root and runuser is missing: PostgreSQL cannot run as root"
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Server:
    """A running cluster; :meth:`url` gives a SQLAlchemy URL for one of its databases."""

    def __init__(self) -> None:
        folder = binaries()
        assert folder is not None, unavailable()
        self.bin = folder
        self.root = Path(tempfile.mkdtemp(prefix="drillsim-pg-"))
        self.data = self.root / "data"
        self.socket = self.root / "socket"
        self.port = _free_port()
        self.as_user: list[str] = []
        self.socket.mkdir()
        if os.geteuid() == 0:
            self.as_user = ["runuser", "-u", "nobody", "--"]
            for path in (self.root, self.socket):
                shutil.chown(path, "nobody")
        self._run("initdb", "-D", str(self.data), "-U", USER, "--auth=trust", "-E", "UTF8", "--locale=C")
        options = f"-p {self.port} -k {self.socket} -c listen_addresses='' -c fsync=off -c max_connections=60"
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.root / "log"), "-w", "start")

    def _run(self, tool: str, *args: str) -> None:
        done = subprocess.run(
            [*self.as_user, str(self.bin / tool), *args], capture_output=True, text=True, timeout=120, cwd=self.root
        )
        if done.returncode != 0:
            raise RuntimeError(f"{tool} failed ({done.returncode}): {done.stderr.strip() or done.stdout.strip()}")

    def url(self, database: str = "postgres") -> str:
        """A URL for ``database`` on this server, through its socket."""
        return f"postgresql+psycopg://{USER}@/{database}?host={self.socket}&port={self.port}"

    def create(self, *databases: str) -> None:
        """Create empty databases."""
        import psycopg

        with psycopg.connect(host=str(self.socket), port=self.port, user=USER, dbname="postgres") as conn:
            conn.autocommit = True
            for name in databases:
                conn.execute(f'CREATE DATABASE "{name}"')

    def stop(self) -> None:
        """Stop the server and remove its folder."""
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
