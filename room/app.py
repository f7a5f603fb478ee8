"""The room's web application: pages, forms and event streams over one :class:`room.site.Site`.

Server-rendered pages (Jinja2, autoescaped) that work with plain forms; ``static/room.js`` adds
the live updates (server-sent events, resumed by ``Last-Event-ID``) and posts forms without
leaving the page. Every URL that acts carries a credential: a drill's link token (participants),
its evaluator token, the site's facilitator, practice and coach tokens; a wrong one is a plain 404,
the same page as an unknown path. After joining, a device session cookie (``SameSite=Strict``,
``HttpOnly``, scoped to the room's path) says who is acting.

Errors never show internals: every status has the same small page in the reader's language, and
an unexpected exception is logged on the server and answered with the 500 page.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote, unquote

import jinja2
from pydantic import BaseModel, ConfigDict, Field
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response, StreamingResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp

from engine import limits
from engine.display import sim_time
from engine.errors import DrillError
from engine.format import DecisionMade
from engine.runtime import Record, setup_from
from room import i18n
from room.drillroom import EVALUATOR, DrillRoom, Participant, RoomError
from room.practice import (
    anger_chart,
    free_action,
    judge,
    judged_as,
    meters,
    own_moves,
    reply_options,
    summary,
    transcript,
    trend_chart,
)
from room.qr import qr_svg
from room.security import RateLimiter, SecurityHeaders, connection_key, parse, same_origin
from room.site import Site, find_practice
from room.views import (
    finding_lines,
    incident_cards,
    inject_for,
    line,
    role_label,
    role_options,
    visible,
    work_lines,
)

log = logging.getLogger("drillsim.room")

HERE = Path(__file__).parent

KEEPALIVE = 15.0
"""Seconds between two keep-alive comments on a quiet event stream."""

FEED_LINES = 60
"""Feed lines a page shows when it opens (older ones are in the record)."""

TOKEN = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
RECORD_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,200}\.jsonl$")


def templates() -> jinja2.Environment:
    """The page templates, autoescaped (every text from a scenario or a person is escaped)."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("room", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["minute"] = lambda t: sim_time(float(t))  # mm:ss, as the console's clock
    return env


# Request bodies -----------------------------------------------------------------------------------


class _Form(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)


class CodeForm(_Form):
    code: str = Field(min_length=4, max_length=12)


class JoinForm(_Form):
    name: str = Field(min_length=1, max_length=limits.NAME)
    role: str = Field(default=EVALUATOR, min_length=1, max_length=64)


class DecideForm(_Form):
    action: str = Field(pattern=r"^\d{1,2}\|[A-Za-z0-9_]{1,100}$")
    note: str = Field(default="", max_length=500)


class RateForm(_Form):
    target: str = Field(pattern=r"^\d{1,2}\|(drill|task:[A-Za-z0-9_]{1,100})$")
    rating: Literal["", "P", "S", "M", "U"] = ""
    note: str = Field(default="", max_length=1000)


class OpenForm(_Form):
    entry: str = Field(max_length=200)
    mode: Literal["strict", "observe"] = "observe"
    approve: Literal["now", "wait"] = "now"
    speed: float = Field(default=1.0, gt=0, le=600)
    team: str = Field(default="", max_length=limits.TEAM)
    site: str = Field(default="", max_length=limits.TEAM)


class ClockForm(_Form):
    op: Literal["start", "pause", "halt"]


class IdForm(_Form):
    id: str = Field(pattern=r"^[0-9a-f]{8}$")


class StartForm(_Form):
    entry: str = Field(max_length=200)
    name: str = Field(min_length=1, max_length=limits.NAME)
    persona: str = Field(default="", max_length=64)


class SayForm(_Form):
    action: str = Field(default="", max_length=120)
    words: str = Field(default="", max_length=500)
    move: str = Field(default="", max_length=40)


class JudgeForm(_Form):
    seq: int = Field(ge=1, le=10_000_000)
    move: str = Field(max_length=40)
    rating: Literal["", "P", "S", "M", "U"] = ""
    coach: str = Field(min_length=1, max_length=limits.NAME)


# The application ------------------------------------------------------------------------------------


def create_app(site: Site, *, rate: float = 8.0, burst: float = 30.0) -> ASGIApp:
    """The room's ASGI app over ``site``.

    Args:
        site: What it serves.
        rate: Requests a second each connection may make on average (see :mod:`room.security`).
        burst: Requests each connection may make at once.
    """
    env = templates()
    limiter = RateLimiter(rate, burst)

    def lang_of(request: Request) -> str:
        return i18n.language(request.query_params.get("lang"), request.cookies.get("lang"))

    def page(request: Request, template: str, status: int = 200, **context: Any) -> Response:
        lang = lang_of(request)
        other = "en" if lang == "zh" else "zh"
        html = env.get_template(template).render(
            t=i18n.words(lang), lang=lang, other=other, path=request.url.path, **context
        )
        response = Response(html, status_code=status, media_type="text/html; charset=utf-8")
        if request.query_params.get("lang") in i18n.LANGS:
            response.set_cookie("lang", lang, max_age=3600 * 24 * 365, samesite="strict", httponly=True)
        return response

    def wants_json(request: Request) -> bool:
        return "application/json" in request.headers.get("accept", "")

    def refuse(request: Request, status: int, key: str | None = None) -> Response:
        lang = lang_of(request)
        message = i18n.tr(key or f"error.{status}", lang)
        if wants_json(request):
            return Response(json.dumps({"error": message}), status, media_type="application/json")
        return page(request, "error.html", status, message=message, code=status)

    def guarded(
        handler: Callable[[Request], Awaitable[Response]], *, mutate: bool = False
    ) -> Callable[[Request], Awaitable[Response]]:
        """A handler behind the rate limit (and the same-origin check for a form post)."""

        async def endpoint(request: Request) -> Response:
            if not limiter.allow(connection_key(request)):
                return refuse(request, 429)
            if mutate and not same_origin(request):
                return refuse(request, 403)
            try:
                return await handler(request)
            except RoomError as exc:
                log.info("refused %s %s: %s", request.method, request.url.path, exc)
                return refuse(request, exc.status, exc.key)

        return endpoint

    # Errors ---------------------------------------------------------------------------------------

    async def http_error(request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        key = f"error.{status}" if status in (400, 403, 404, 405, 409, 413, 429) else "error.500"
        return refuse(request, status, key)

    async def server_error(request: Request, exc: Exception) -> Response:
        log.error("error on %s %s", request.method, request.url.path, exc_info=exc)
        return refuse(request, 500)

    # Landing and joining --------------------------------------------------------------------------

    async def healthz(_request: Request) -> Response:
        return PlainTextResponse("ok")

    async def home(request: Request) -> Response:
        return page(request, "home.html", error=None)

    async def join_code(request: Request) -> Response:
        form = await parse(request, CodeForm)
        room = site.by_code(form.code)
        if room is None:
            return page(request, "home.html", 404, error=i18n.tr("join.bad_code", lang_of(request)))
        return RedirectResponse(f"/r/{room.token}", 303)

    def room_of(request: Request) -> DrillRoom:
        token = str(request.path_params["token"])
        room = site.by_token(token) if TOKEN.match(token) else None
        if room is None:
            raise HTTPException(404)
        return room

    def eval_room_of(request: Request) -> DrillRoom:
        token = str(request.path_params["token"])
        room = site.by_eval_token(token) if TOKEN.match(token) else None
        if room is None:
            raise HTTPException(404)
        return room

    def person_of(request: Request, room: DrillRoom, kind: str) -> Participant | None:
        return room.find(request.cookies.get(f"ds_{kind}{room.id}"))

    def joined(request: Request, room: DrillRoom, person: Participant, kind: str, base: str) -> Response:
        response = RedirectResponse(base, 303)
        response.set_cookie(
            f"ds_{kind}{room.id}", person.secret, path=base, httponly=True, samesite="strict", max_age=3600 * 12
        )
        return response

    # Participants -----------------------------------------------------------------------------------

    def participant_context(room: DrillRoom, person: Participant, lang: str) -> dict[str, Any]:
        snap = room.snapshot
        return {
            "room": room,
            "person": person,
            "role_label": role_label(room.scenarios, person.role, lang),
            "title": room.title(lang),
            "snap": snap,
            "cards": incident_cards(snap, room.scenarios, lang),
            "work": work_lines(snap, room.scenarios, lang),
            "findings": finding_lines(snap, lang),
            "options": role_options(snap, room.scenarios, person.role, lang),
            "mine_pending": [p for p in room.pending_list(lang) if p["who"] == person.name],
        }

    def feed(room: DrillRoom, role: str | None, lang: str, upto: int) -> list[dict[str, Any]]:
        lines = []
        for event in room.session.drill.events[:upto]:
            if visible(event, room.scenarios, role) is None:
                continue
            text = line(event, room.scenarios, lang)
            if text is not None:
                lines.append({"text": text, "mine": inject_for(event, room.scenarios, role)})
        return lines[-FEED_LINES:]

    async def participant_page(request: Request) -> Response:
        room = room_of(request)
        lang = lang_of(request)
        person = person_of(request, room, "r")
        if room.closed:
            return refuse(request, 409, "error.closed")
        if person is None:
            if room.finished:
                return refuse(request, 409)
            roles = [
                {"id": r, "label": role_label(room.scenarios, r, lang), "roster": room.roster.get(r, [])}
                for r in room.roles
            ]
            return page(
                request,
                "join.html",
                room=room,
                title=room.title(lang),
                roles=roles,
                action=f"/r/{room.token}/join",
                evaluator=False,
            )
        context = participant_context(room, person, lang)
        flash = person.take_flash(lang)
        snap = context["snap"]
        return page(
            request,
            "participant.html",
            **context,
            flash=flash,
            feed=feed(room, person.role, lang, snap.count),
            stream=f"/r/{room.token}/stream?last={snap.count}&lang={lang}",
        )

    async def participant_join(request: Request) -> Response:
        room = room_of(request)
        if room.finished:
            return refuse(request, 409)
        form = await parse(request, JoinForm)
        if form.role == EVALUATOR:
            raise HTTPException(400)
        person = room.join(form.name, form.role)
        await room.announce(person)
        return joined(request, room, person, "r", f"/r/{room.token}")

    async def decide(request: Request) -> Response:
        room = room_of(request)
        person = person_of(request, room, "r")
        if person is None:
            return refuse(request, 403)
        form = await parse(request, DecideForm)
        incident_text, action = form.action.split("|", 1)
        incident = int(incident_text)
        lang = lang_of(request)
        outcome = await room.decide(person, incident, action, form.note or None)
        message = outcome.message(room.action_label(incident, action, lang), lang)
        if wants_json(request):
            return Response(
                json.dumps({"status": outcome.status, "message": message, "seq": outcome.seq}, ensure_ascii=False),
                media_type="application/json",
            )
        person.flash = message
        return RedirectResponse(f"/r/{room.token}", 303)

    async def leave(request: Request) -> Response:
        room = room_of(request)
        person = person_of(request, room, "r")
        if person is not None:
            room.remove(person.id)
        response = RedirectResponse("/", 303)
        response.delete_cookie(f"ds_r{room.id}", path=f"/r/{room.token}")
        return response

    # Event streams ----------------------------------------------------------------------------------

    def sse(kind: str, data: Any, seq: int | None = None) -> bytes:
        head = f"id: {seq}\n" if seq is not None else ""
        return f"{head}event: {kind}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n".encode()

    def start_at(request: Request, room: DrillRoom) -> int:
        raw = request.headers.get("last-event-id") or request.query_params.get("last") or "0"
        try:
            return max(0, min(int(raw), room.snapshot.count))
        except ValueError:
            return 0

    async def stream(
        room: DrillRoom,
        person: Participant | None,
        role: str | None,
        lang: str,
        cursor: int,
        view: Callable[[], dict[str, Any]],
    ) -> AsyncIterator[bytes]:
        if person is not None:
            person.streams += 1
        try:
            yield b"retry: 2000\n\n"
            shown_t = -1.0
            sent_view = False
            while True:
                changed = room.changed
                snap = room.snapshot
                if cursor < snap.count or not sent_view:
                    for event in room.session.drill.events[cursor : snap.count]:
                        if role is not None and role != EVALUATOR:
                            data = visible(event, room.scenarios, role)
                            if data is None:
                                continue
                        else:
                            data = visible(event, room.scenarios, None)
                            if data is None:
                                continue
                        text = line(event, room.scenarios, lang)
                        if text is None:
                            continue
                        yield sse(
                            "drill",
                            {"event": data, "line": text, "mine": inject_for(event, room.scenarios, role)},
                            event.seq,
                        )
                    cursor = snap.count
                    yield sse("view", view(), cursor)
                    sent_view = True
                    shown_t = snap.t
                elif snap.t != shown_t:
                    yield sse("clock", clock_data(room, lang))
                    shown_t = snap.t
                if person is not None and person.removed:
                    yield sse("removed", {})
                    return
                if snap.finished:
                    yield sse("end", {})
                    return
                if room.closed:  # after the last update: the phone keeps what it last saw
                    yield sse(
                        "closed", {"message": i18n.tr("room.closed", lang), "state": i18n.tr("room.state_closed", lang)}
                    )
                    return
                try:
                    await asyncio.wait_for(changed.wait(), KEEPALIVE)
                except TimeoutError:
                    yield b": keepalive\n\n"
                if person is not None:
                    person.last_seen = time.monotonic()
        finally:
            if person is not None:
                person.streams -= 1

    def clock_data(room: DrillRoom, lang: str) -> dict[str, Any]:
        snap = room.snapshot
        state = "room.over" if snap.finished else "room.paused" if snap.paused else "room.running"
        return {"t": i18n.tr("room.minute", lang, t=sim_time(snap.t)), "state": i18n.tr(state, lang)}

    def streaming(body: AsyncIterator[bytes]) -> StreamingResponse:
        return StreamingResponse(
            body, media_type="text/event-stream", headers={"x-accel-buffering": "no", "cache-control": "no-store"}
        )

    async def participant_stream(request: Request) -> Response:
        room = room_of(request)
        person = person_of(request, room, "r")
        if person is None:
            return refuse(request, 403)
        lang = lang_of(request)

        def view() -> dict[str, Any]:
            context = participant_context(room, person, lang)
            flash = person.take_flash(lang)
            t = i18n.words(lang)
            return {
                **clock_data(room, lang),
                "situation": env.get_template("_situation.html").render(t=t, lang=lang, **context),
                "actions": env.get_template("_actions.html").render(t=t, lang=lang, **context),
                "flash": flash,
            }

        return streaming(stream(room, person, person.role, lang, start_at(request, room), view))

    # Evaluators ------------------------------------------------------------------------------------

    def rated(person: Participant | None, room: DrillRoom, key: tuple[int, str], lang: str) -> str:
        """`` · your rating: P · latest rating: S`` for a task (the latest only when it is someone else's)."""
        mine = person.rated.get(key) if person is not None else None
        latest = room.snapshot.ratings.get(key)
        said = [i18n.tr("eval.yours", lang, r=mine)] if mine else []
        if latest and latest != mine:
            said.append(i18n.tr("eval.latest", lang, r=latest))
        return "".join(f" · {s}" for s in said)

    def tasks(room: DrillRoom, lang: str, person: Participant | None = None) -> list[dict[str, Any]]:
        snap = room.snapshot
        many = len(room.scenarios) > 1
        groups = []
        for index, sc in enumerate(room.scenarios):
            rubric = sc.model.rubric
            if rubric is None:
                continue
            inc = snap.incidents[index]
            for objective in rubric.objectives.values():
                items = []
                for tid, task in objective.tasks.items():
                    done = any(a in inc.decided for a in task.actions)
                    status = ("✓ " + i18n.tr("pr.step.done", lang)) if done else ("· " + i18n.tr("eval.not_yet", lang))
                    status += rated(person, room, (index, f"task:{tid}"), lang)
                    items.append(
                        {
                            "target": f"{index}|task:{tid}",
                            "label": i18n.pick(task.label, lang),
                            "status": status,
                        }
                    )
                title = (f"#{index + 1} " if many else "") + i18n.pick(objective.label, lang)
                groups.append({"objective": title, "tasks": items})
        overall = []
        for i, sc in enumerate(room.scenarios):
            status = rated(person, room, (i, "drill"), lang).removeprefix(" · ")
            overall.append({"target": f"{i}|drill", "label": i18n.pick(sc.model.title, lang), "status": status})
        return [*groups, {"objective": i18n.tr("eval.overall", lang), "tasks": overall}]

    async def evaluator_page(request: Request) -> Response:
        room = eval_room_of(request)
        lang = lang_of(request)
        person = person_of(request, room, "e")
        base = f"/e/{room.eval_token}"
        if room.closed:
            return refuse(request, 409, "error.closed")
        if person is None:
            if room.finished:
                return refuse(request, 409)
            return page(
                request, "join.html", room=room, title=room.title(lang), roles=[], action=f"{base}/join", evaluator=True
            )
        flash = person.take_flash(lang)
        return page(
            request,
            "evaluator.html",
            room=room,
            person=person,
            title=room.title(lang),
            snap=room.snapshot,
            groups=tasks(room, lang, person),
            base=base,
            flash=flash,
            stream=f"{base}/stream?last={room.snapshot.count}&lang={lang}",
        )

    async def evaluator_join(request: Request) -> Response:
        room = eval_room_of(request)
        if room.finished:
            return refuse(request, 409)
        form = await parse(request, JoinForm)
        person = room.join(form.name, EVALUATOR)
        await room.announce(person)
        return joined(request, room, person, "e", f"/e/{room.eval_token}")

    async def evaluator_rate(request: Request) -> Response:
        room = eval_room_of(request)
        person = person_of(request, room, "e")
        if person is None:
            return refuse(request, 403)
        form = await parse(request, RateForm)
        lang = lang_of(request)
        if not form.rating and not form.note:
            return refuse(request, 400, "eval.need")
        incident_text, target = form.target.split("|", 1)
        seq = await room.rate(person, int(incident_text), target, form.rating or None, form.note)
        label = target
        for group in tasks(room, lang, person):
            for task in group["tasks"]:
                if task["target"] == form.target:
                    label = task["label"]
        message = i18n.tr("eval.saved" if form.rating else "eval.saved_note", lang, task=label, rating=form.rating)
        if wants_json(request):
            return Response(
                json.dumps({"seq": seq, "message": message}, ensure_ascii=False), media_type="application/json"
            )
        person.flash = message
        return RedirectResponse(f"/e/{room.eval_token}", 303)

    async def evaluator_stream(request: Request) -> Response:
        room = eval_room_of(request)
        person = person_of(request, room, "e")
        if person is None:
            return refuse(request, 403)
        lang = lang_of(request)

        def view() -> dict[str, Any]:
            statuses = {
                task["target"]: task["status"] for group in tasks(room, lang, person) for task in group["tasks"]
            }
            flash = person.take_flash(lang)
            return {**clock_data(room, lang), "statuses": statuses, "flash": flash}

        return streaming(stream(room, person, EVALUATOR, lang, start_at(request, room), view))

    # The facilitator (for drills the server runs itself) ----------------------------------------------

    def facilitator(request: Request) -> str:
        token = str(request.path_params["ftoken"])
        if not TOKEN.match(token) or token != site.keys.facilitator:
            raise HTTPException(404)
        return f"/f/{token}"

    def fac_room(request: Request) -> tuple[str, DrillRoom]:
        base = facilitator(request)
        room = site.rooms.get(str(request.path_params["rid"]))
        if room is None or room.external:
            raise HTTPException(404)
        return f"{base}/room/{room.id}", room

    async def fac_home(request: Request) -> Response:
        base = facilitator(request)
        lang = lang_of(request)
        drills = [{"key": e.key, "title": i18n.pick(e.title, lang), "kind": e.kind} for e in site.drills()]
        rooms = [
            {"id": r.id, "title": r.title(lang), "finished": r.finished} for r in site.rooms.values() if not r.external
        ]
        return page(request, "facilitator.html", base=base, drills=drills, rooms=rooms)

    async def fac_open(request: Request) -> Response:
        base = facilitator(request)
        form = await parse(request, OpenForm)
        entry = site.entry(form.entry)
        if entry is None or entry.kind not in ("plan", "scenario"):
            raise HTTPException(400)
        room = site.begin(
            entry,
            mode=form.mode,
            approve=form.approve == "wait",
            speed=form.speed,
            team=form.team,
            site=form.site,
            lang=lang_of(request),
        )
        return RedirectResponse(f"{base}/room/{room.id}", 303)

    def fac_context(room: DrillRoom, lang: str) -> dict[str, Any]:
        return {"people": room.people(lang), "pending": room.pending_list(lang), "snap": room.snapshot}

    async def fac_room_page(request: Request) -> Response:
        base, room = fac_room(request)
        lang = lang_of(request)
        link = f"{site.base_url or str(request.base_url).rstrip('/')}/r/{room.token}"
        elink = f"{site.base_url or str(request.base_url).rstrip('/')}/e/{room.eval_token}"
        return page(
            request,
            "fac_room.html",
            base=base,
            room=room,
            title=room.title(lang),
            link=link,
            elink=elink,
            qr=qr_svg(link),
            record=str(room.session.path),
            stream=f"{base}/stream?last={room.snapshot.count}&lang={lang}",
            **fac_context(room, lang),
        )

    async def fac_clock(request: Request) -> Response:
        base, room = fac_room(request)
        form = await parse(request, ClockForm)
        session = room.session
        if not session.finished:
            if form.op == "start":
                session.clock.resume()
            elif form.op == "pause":
                session.tick()
                session.clock.pause()
            else:
                session.halt()
        room.refresh(force=True)
        return RedirectResponse(base, 303)

    async def fac_decide(request: Request) -> Response:
        base, room = fac_room(request)
        form = await parse(request, IdForm)
        if request.url.path.endswith("/accept"):
            room.accept(form.id)
        else:
            room.reject(form.id)
        return RedirectResponse(base, 303)

    async def fac_remove(request: Request) -> Response:
        base, room = fac_room(request)
        form = await parse(request, IdForm)
        room.remove(form.id)
        return RedirectResponse(base, 303)

    async def fac_stream(request: Request) -> Response:
        base, room = fac_room(request)
        lang = lang_of(request)

        def view() -> dict[str, Any]:
            html = env.get_template("_fac.html").render(
                t=i18n.words(lang), lang=lang, base=base, **fac_context(room, lang)
            )
            return {**clock_data(room, lang), "people": html}

        return streaming(stream(room, None, None, lang, start_at(request, room), view))

    # Practice ----------------------------------------------------------------------------------------

    def practice_base(request: Request) -> str:
        token = str(request.path_params["ptoken"])
        if not TOKEN.match(token) or token != site.keys.practice:
            raise HTTPException(404)
        return f"/p/{token}"

    async def practice_home(request: Request) -> Response:
        base = practice_base(request)
        lang = lang_of(request)
        plays = [
            {
                "key": e.key,
                "title": i18n.pick(e.title, lang),
                "summary": i18n.pick(e.summary, lang),
                "personas": [{"id": p, "label": i18n.pick(w, lang)} for p, w in e.personas],
            }
            for e in site.roleplays()
        ]
        return page(
            request, "practice_home.html", base=base, plays=plays, name=unquote(request.cookies.get("trainee", ""))
        )

    async def practice_start(request: Request) -> Response:
        base = practice_base(request)
        form = await parse(request, StartForm)
        entry = site.entry(form.entry)
        if entry is None or entry.kind != "roleplay":
            raise HTTPException(400)
        if form.persona and form.persona not in {p for p, _ in entry.personas}:
            raise HTTPException(400)
        practice = await asyncio.to_thread(site.hall.start, str(entry.path), form.name, form.persona or None)
        response = RedirectResponse(f"{base}/s/{practice.id}", 303)
        response.set_cookie(
            "trainee", _cookie_text(form.name), path=base, samesite="strict", httponly=True, max_age=3600 * 24 * 365
        )
        return response

    def chat_context(practice_id: str, base: str, lang: str) -> dict[str, Any] | None:
        practice = find_practice(site, practice_id)
        if practice is None:
            return None
        session = practice.session
        sc = practice.scenario
        persona = practice.dialogue.personas.get(str(session.setup.personas.get(0) or ""))
        return {
            "base": base,
            "pid": practice.id,
            "title": i18n.pick(sc.model.title, lang),
            "persona": i18n.pick(persona.label, lang) if persona else "",
            "lines": transcript(session.drill.events, sc, practice.dialogue, lang),
            "replies": reply_options(practice, lang),
            "moves": own_moves(practice, lang),
            "meters": meters(practice),
            "finished": session.finished,
            "turn": session.situation.incidents[0].state,
        }

    async def practice_chat(request: Request) -> Response:
        base = practice_base(request)
        lang = lang_of(request)
        pid = str(request.path_params["sid"])
        context = chat_context(pid, base, lang) if TOKEN.match(pid) else None
        if context is None:
            if pid in site.hall.done:
                return RedirectResponse(f"{base}/s/{pid}/result", 303)
            raise HTTPException(404)
        return page(request, "practice_chat.html", **context)

    async def practice_say(request: Request) -> Response:
        base = practice_base(request)
        pid = str(request.path_params["sid"])
        practice = find_practice(site, pid) if TOKEN.match(pid) else None
        if practice is None:
            if pid in site.hall.done:
                return refuse(request, 409)
            raise HTTPException(404)
        form = await parse(request, SayForm)
        if form.words:
            if not form.move:
                raise HTTPException(400)
            try:
                action, note = free_action(practice.scenario, form.move), form.words
            except LookupError:
                raise HTTPException(400) from None
        elif form.action:
            action, note = form.action, None
        else:
            raise HTTPException(400)
        site.hall.say(practice, action, note)
        if practice.session.finished:
            site.hall.finish(practice)
            site.store(practice)
        if wants_json(request):
            lang = lang_of(request)
            return Response(
                json.dumps(practice_state(practice, lang), ensure_ascii=False), media_type="application/json"
            )
        target = f"{base}/s/{pid}/result" if practice.session.finished else f"{base}/s/{pid}"
        return RedirectResponse(target, 303)

    def practice_state(practice: Any, lang: str) -> dict[str, Any]:
        return {
            "finished": practice.session.finished,
            "meters": meters(practice),
            "turn": practice.session.situation.incidents[0].state,
            "replies": [r["value"] for r in reply_options(practice, lang)],
        }

    async def practice_state_page(request: Request) -> Response:
        practice_base(request)
        pid = str(request.path_params["sid"])
        practice = find_practice(site, pid) if TOKEN.match(pid) else None
        if practice is None:
            if pid in site.hall.done:
                return Response(json.dumps({"finished": True}), media_type="application/json")
            raise HTTPException(404)
        practice.session.tick()
        return Response(
            json.dumps(practice_state(practice, lang_of(request)), ensure_ascii=False), media_type="application/json"
        )

    async def practice_result(request: Request) -> Response:
        base = practice_base(request)
        pid = str(request.path_params["sid"])
        done = site.hall.done.get(pid) if TOKEN.match(pid) else None
        if done is None:
            if find_practice(site, pid) is not None:
                return RedirectResponse(f"{base}/s/{pid}", 303)
            raise HTTPException(404)
        lang = lang_of(request)
        read_back = await asyncio.to_thread(summary, done.path)
        record, scenario, result = read_back.record, read_back.scenario, read_back.result
        calm = float(read_back.dialogue.calm_below)
        trend = await asyncio.to_thread(site.trend, done.trainee, record.header.id)
        return page(
            request,
            "practice_result.html",
            base=base,
            title=i18n.pick(scenario.model.title, lang),
            result=result,
            steps=[
                {
                    "label": i18n.pick(s.label, lang),
                    "status": s.status,
                    "text": i18n.tr(f"pr.step.{s.status}", lang),
                    "t": s.t,
                }
                for s in result.steps
            ],
            hurts=[
                {"label": i18n.pick(h.label, lang), "rise": h.rise, "why": i18n.pick(h.why, lang)} for h in result.hurts
            ],
            chart=anger_chart(result.curve, calm_below=calm),
            trend=trend,
            trend_chart=trend_chart([float(r["score"] or 0) for r in trend]),
            saved=done.saved,
            ending=i18n.pick(scenario.model.endings[result.ending].label, lang)
            if result.ending in scenario.model.endings
            else "",
        )

    # The coach ---------------------------------------------------------------------------------------

    def coach_base(request: Request) -> str:
        token = str(request.path_params["ctoken"])
        if not TOKEN.match(token) or token != site.keys.coach:
            raise HTTPException(404)
        return f"/c/{token}"

    def coach_record(request: Request) -> Path:
        name = str(request.path_params["name"])
        if not RECORD_NAME.match(name):
            raise HTTPException(404)
        path = site.hall.folder / name
        if not path.is_file():
            raise HTTPException(404)
        return path

    async def coach_home(request: Request) -> Response:
        base = coach_base(request)
        lang = lang_of(request)

        def title_of(record: Any) -> str:
            """The role-play's title in the page's language (its id only if the catalogue no longer has it)."""
            heads = record.header.incidents
            entry = site.entry(f"roleplay:{heads[0].scenario}") if heads else None
            return i18n.pick(entry.title, lang) if entry is not None else record.header.id

        def rows() -> list[dict[str, Any]]:
            from engine.runtime import read

            found = []
            for path in site.hall.records():
                try:
                    record = read(path)
                except Exception:  # noqa: BLE001 - a damaged file is skipped, the list still shows
                    continue
                people = record.header.participants
                found.append(
                    {
                        "name": path.name,
                        "trainee": people[0].get("name", "") if people else "",
                        "title": title_of(record),
                        "when": record.header.wall_start[:16].replace("T", " "),
                        "complete": record.complete,
                        "own": _own_words(record),
                    }
                )
            return found

        return page(request, "coach.html", base=base, sessions=await asyncio.to_thread(rows))

    async def coach_session(request: Request) -> Response:
        base = coach_base(request)
        path = coach_record(request)
        lang = lang_of(request)
        read_back = await asyncio.to_thread(summary, path)
        record, scenario, result, dialogue = read_back.record, read_back.scenario, read_back.result, read_back.dialogue
        from engine.format import MOVES

        moves = [{"value": m, "label": i18n.pick(s.label, lang)} for m, s in MOVES.items()]
        people = record.header.participants
        flash = request.query_params.get("judged")
        return page(
            request,
            "coach_session.html",
            base=base,
            name=path.name,
            title=i18n.pick(scenario.model.title, lang),
            trainee=people[0].get("name", "") if people else "",
            lines=transcript(record.events, scenario, dialogue, lang),
            moves=moves,
            complete=record.complete,
            score=result.evaluation.score,
            rating=result.evaluation.rating,
            flash=i18n.tr("coach.judged_unfiled" if flash == "2" else "coach.judged", lang) if flash else None,
        )

    async def coach_judge(request: Request) -> Response:
        base = coach_base(request)
        path = coach_record(request)
        form = await parse(request, JudgeForm)
        await asyncio.to_thread(judge, path, form.seq, form.move, form.rating or None, form.coach, lang_of(request))
        why = await asyncio.to_thread(site.refile, path)
        if why:
            log.warning("history not updated after a coach's judgement of %s: %s", path.name, why)
        return RedirectResponse(f"{base}/r/{path.name}?judged={2 if why else 1}", 303)

    # Assembly ----------------------------------------------------------------------------------------

    def get(path: str, handler: Callable[[Request], Awaitable[Response]]) -> Route:
        return Route(path, guarded(handler), methods=["GET"])

    def post(path: str, handler: Callable[[Request], Awaitable[Response]]) -> Route:
        return Route(path, guarded(handler, mutate=True), methods=["POST"])

    routes = [
        Route("/healthz", healthz, methods=["GET"]),
        get("/", home),
        post("/join", join_code),
        get("/r/{token}", participant_page),
        post("/r/{token}/join", participant_join),
        post("/r/{token}/decide", decide),
        post("/r/{token}/leave", leave),
        get("/r/{token}/stream", participant_stream),
        get("/e/{token}", evaluator_page),
        post("/e/{token}/join", evaluator_join),
        post("/e/{token}/rate", evaluator_rate),
        get("/e/{token}/stream", evaluator_stream),
        get("/f/{ftoken}", fac_home),
        post("/f/{ftoken}/open", fac_open),
        get("/f/{ftoken}/room/{rid}", fac_room_page),
        post("/f/{ftoken}/room/{rid}/clock", fac_clock),
        post("/f/{ftoken}/room/{rid}/accept", fac_decide),
        post("/f/{ftoken}/room/{rid}/reject", fac_decide),
        post("/f/{ftoken}/room/{rid}/remove", fac_remove),
        get("/f/{ftoken}/room/{rid}/stream", fac_stream),
        get("/p/{ptoken}", practice_home),
        post("/p/{ptoken}/start", practice_start),
        get("/p/{ptoken}/s/{sid}", practice_chat),
        post("/p/{ptoken}/s/{sid}/say", practice_say),
        get("/p/{ptoken}/s/{sid}/state", practice_state_page),
        get("/p/{ptoken}/s/{sid}/result", practice_result),
        get("/c/{ctoken}", coach_home),
        get("/c/{ctoken}/r/{name}", coach_session),
        post("/c/{ctoken}/r/{name}/judge", coach_judge),
        Mount("/static", StaticFiles(packages=[("room", "static")]), name="static"),
    ]

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        await site.start()
        try:
            yield
        finally:
            await site.stop()

    app = Starlette(
        debug=False,
        routes=routes,
        exception_handlers={HTTPException: http_error, Exception: server_error},
        lifespan=lifespan,
    )
    # Outside Starlette's own error middleware, so that even the 500 page carries the headers.
    return SecurityHeaders(app)


def _cookie_text(text: str) -> str:
    """A name as a cookie value (percent-encoded: cookies are ASCII)."""
    return quote(text, safe="")


def _own_words(record: Record) -> int:
    """How many own-words replies a practice record holds (by the actions' declared flag)."""
    try:
        scenario = setup_from(record).scenarios(record.header.seed)[0]
    except DrillError:
        return 0  # its scenario cannot be loaded here: the list still shows the session
    return sum(1 for e in record.events if isinstance(e, DecisionMade) and judged_as(scenario, e.action) is not None)
