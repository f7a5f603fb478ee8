"""Fixtures for the drill room: a site with private records and history, and an HTTP client on it.

The catalogue is scanned once per test run (loading the library takes the better part of a
second); every test gets its own records folder and SQLite history. Rate limits are lifted for
the HTTP client (one test checks them with a strict app of its own).
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from room import DrillRoom, Keys, Site, create_app
from room.catalog import Entry, scan

if TYPE_CHECKING:
    from starlette.testclient import TestClient

with warnings.catch_warnings():
    # Starlette's test client announces its move to another HTTP package; the client itself works.
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from starlette.testclient import TestClient as _TestClient

SCENARIO = "scenario:elevator-entrapment"
"""The drill most tests open: injects for two roles, hidden variables, a rubric, strict refusals."""

ROLEPLAY = "roleplay:leak-complaint"

_CATALOG: list[Entry] = []


def catalog() -> list[Entry]:
    """The shipped catalogue, scanned once."""
    if not _CATALOG:
        _CATALOG.extend(scan()[0])
    return _CATALOG


@pytest.fixture
def site(tmp_path: Path) -> Site:
    """A site over the shipped library with its own records folder and history database."""
    return Site(records=tmp_path / "records", db=f"sqlite:///{tmp_path / 'history.db'}", keys=Keys(), catalog=catalog())


@pytest.fixture
def app(site: Site) -> Any:
    """The site's app, with no rate limit to speak of."""
    return create_app(site, rate=10_000, burst=10_000)


@pytest.fixture
def client(app: Any) -> Iterator[TestClient]:
    """An HTTP client on the site's app, its lifespan running."""
    with _TestClient(app, base_url="http://testserver") as client:
        yield client


def make_client(app: Any, **kwargs: Any) -> TestClient:
    """A test client on another app (the caller enters it)."""
    return _TestClient(app, base_url="http://testserver", **kwargs)


def open_drill(site: Site, *, approve: bool = False, mode: str = "strict", running: bool = True) -> DrillRoom:
    """The elevator drill begun by the server, its clock started."""
    entry = site.entry(SCENARIO)
    assert entry is not None
    room = site.begin(entry, mode=mode, approve=approve, speed=1.0, seed=7)
    if running:
        room.session.clock.resume()
    room.pump()
    return room


def join(client: TestClient, room: DrillRoom, name: str, role: str) -> None:
    """Join ``room`` through its link as ``name`` in ``role`` (the client keeps the cookie)."""
    response = client.post(f"/r/{room.token}/join", data={"name": name, "role": role}, follow_redirects=False)
    assert response.status_code == 303, response.text


def options(html: str) -> list[str]:
    """The action buttons' values on a page."""
    return re.findall(r'name="action" value="([^"]+)"', html)
