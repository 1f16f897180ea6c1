"""/api/class: a live class. The teacher's laptop relays its view to the students' screens over
Server-Sent Events, asks questions and reveals the answer; students follow and answer.

Only the holder of the teacher secret (header X-Class-Key) changes the view, asks, reveals, closes and
ends; a wrong or missing key is a 403. Anyone with the session id (the students' link) may follow and
answer, once per question per device, within a rate limit. Sessions live in this process's memory
(session.py), which is why a live class needs a single worker process.
"""

import asyncio
import logging
from typing import Annotated, Any

from fastapi import APIRouter, Header, Path, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from sse_starlette import EventSourceResponse
from sse_starlette.sse import SendTimeoutError
from starlette.exceptions import HTTPException
from starlette.types import Receive, Scope, Send

from app.web.infrastructure.connections import connection_bound
from app.web.infrastructure.encode import dumps
from app.web.infrastructure.errors import ConfigError, ErrorBody
from app.web.infrastructure.limits import Busy
from app.web.live.questions import QUESTIONS, correct_choice
from app.web.live.session import (
    MAX_STUDENTS,
    MAX_VIEW_BYTES,
    Full,
    Question,
    Session,
    Store,
    Stream,
    TooFast,
)
from app.web.routes.classroom import classroom_urls

log = logging.getLogger("gradflow.api")
router = APIRouter(prefix="/api/class", tags=["class"])

PING_SECONDS = 15  # a keep-alive comment when nothing else was sent for this long
SEND_TIMEOUT = 30  # seconds one write may wait for a follower that does not read
CONNECTIONS_SPARE = 50  # connections kept for page loads, answers and the teacher beside the streams
CHOICE_IDS = ("a", "b", "c", "d")  # the teacher's own question's choices, in order
STREAM_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}

WORDS = {
    403: "This needs the teacher's key (header X-Class-Key).",
    404: "No class session, or no question, by that id.",
    409: "The request does not fit the session's state (the question is not open, a bound is reached, "
    "or the server runs more than one worker process); `message` says which.",
    410: "The class session has ended.",
    422: "A field out of bounds, unknown or mistyped; `message` names the field.",
    429: "Too many answers from this device or address; retry after Retry-After seconds.",
    503: "The server holds as many class sessions, or the class as many students, as it allows; or (reveal) "
    "every computation slot is taken: retry after Retry-After seconds.",
}
_RETRY = {"Retry-After": {"schema": {"type": "string"}, "description": "seconds"}}


def responses(*statuses: int) -> dict:
    out = {}
    for status in statuses:
        out[status] = {"model": ErrorBody, "description": WORDS[status]}
        if status in (429, 503):
            out[status]["headers"] = _RETRY
    return out


_STRICT = ConfigDict(extra="forbid", strict=True)
SessionId = Annotated[str, Path(min_length=1, max_length=64, description="the session id from the join link")]
QuestionId = Annotated[str, Path(min_length=1, max_length=16, description="a question id (q1, q2, …)")]
TeacherKey = Annotated[
    str | None, Header(alias="X-Class-Key", max_length=128, description="the session's teacher secret")
]
Choice = Annotated[str, StringConstraints(min_length=1, max_length=80)]


class Created(BaseModel):
    id: str
    teacher_secret: str
    join_url: str
    expires_after_idle_s: int
    max_students: int


class ViewBody(BaseModel):
    model_config = _STRICT
    view: dict[str, Any] = Field(
        description=f"the page's own description of what it shows, relayed as sent; at most {MAX_VIEW_BYTES} "
        "bytes as JSON",
        examples=[{"query": "preset=bptt", "scene": "bptt", "step": 3, "train": None}],
    )


class QuestionBody(BaseModel):
    """Either `scene` (a lesson scene with a question), or the teacher's own `text` and `choices`."""

    model_config = _STRICT
    scene: str | None = Field(None, min_length=1, max_length=64, description="a lesson scene with a question")
    text: str | None = Field(None, min_length=1, max_length=200, description="the teacher's own question")
    choices: list[Choice] | None = Field(None, min_length=2, max_length=4, description="2 to 4 choices")
    correct: int | None = Field(None, ge=0, le=3, description="index of the correct choice, if any")


class AnswerBody(BaseModel):
    model_config = _STRICT
    device: str = Field(
        min_length=8,
        max_length=64,
        pattern=r"^[A-Za-z0-9_-]+$",
        description="a random id the browser keeps, so one device counts once",
    )
    choice: str = Field(min_length=1, max_length=64, description="a choice id of the question")


def live_store(request: Request) -> Store:
    return request.app.state.live


def student_bound(settings) -> int:
    """Students one session follows: MAX_STUDENTS, fewer when the file limit lowers the connection bound."""
    return max(1, min(MAX_STUDENTS, connection_bound(settings.max_connections) - CONNECTIONS_SPARE))


def find(request: Request, session_id: str) -> Session:
    store = live_store(request)
    session = store.get(session_id)
    if session is not None:
        return session
    if store.was_ended(session_id):
        raise HTTPException(410, "the class session has ended")
    raise HTTPException(404, "no class session by that id (it may have ended, or the link is wrong)")


def teacher(request: Request, session_id: str, key: str | None) -> Session:
    session = find(request, session_id)
    if not session.is_teacher(key):
        raise HTTPException(
            403, "only the teacher of this class can do that (X-Class-Key is missing or wrong)"
        )
    session.touch()
    return session


def question_of(session: Session, qid: str) -> Question:
    question = session.question(qid)
    if question is None:
        raise HTTPException(404, f"this class has no question {qid!r}")
    return question


def open_question(session: Session, qid: str) -> Question:
    question = question_of(session, qid)
    if question.state != "open":
        raise HTTPException(409, f"question {qid} is {question.state}, no longer open")
    return question


def join_url(settings, session_id: str) -> str:
    """The students' link: at the first address students can reach, or (the server is not reachable from
    the network, and the page says so) at the address it is bound to. Never built from the Host header."""
    urls = classroom_urls(settings)
    if urls:
        return f"{urls[0]}?class={session_id}"
    host = "127.0.0.1" if settings.host in ("0.0.0.0", "::", "") else settings.host
    host = f"[{host}]" if ":" in host else host
    return f"http://{host}:{settings.port}/?class={session_id}"


def start_warning(settings) -> str | None:
    """A sentence for the teacher when the file limit keeps the class below MAX_STUDENTS, else None."""
    bound = student_bound(settings)
    if bound >= MAX_STUDENTS:
        return None
    return (
        f"this server can follow only {bound} students in a class (not {MAX_STUDENTS}): the open-file limit "
        "is low; stop it, run `ulimit -n 1024` in the same terminal and start it again"
    )


async def create_session(request: Request) -> Created:
    settings = request.app.state.settings
    if settings.workers > 1:
        raise HTTPException(409, "a live class needs a single worker process; start with --workers 1")
    try:
        session = live_store(request).create()
    except Full as exc:
        raise HTTPException(503, exc.message) from None
    if warning := start_warning(settings):
        log.warning("live class: %s", warning)
    return created(request, session)


def created(request: Request, session: Session) -> Created:
    return Created(
        id=session.id,
        teacher_secret=session.secret,
        join_url=join_url(request.app.state.settings, session.id),
        expires_after_idle_s=int(live_store(request).idle_seconds),
        max_students=student_bound(request.app.state.settings),
    )


@router.post(
    "",
    status_code=201,
    summary="Start a live class session",
    responses=responses(409, 503),
)
async def start(request: Request) -> Created:
    return await create_session(request)


@router.get("/{session_id}", summary="The class as a follower sees it now", responses=responses(410))
async def status(request: Request, session_id: SessionId) -> dict:
    session = find(request, session_id)
    question = session.open_question
    return {
        "id": session.id,
        "view": session.view,
        "question": question.public() if question else None,
        "students": len(session.streams),
        "ended": False,
    }


class _FollowStream(EventSourceResponse):
    """The event stream of one follower; leaving the session however the response ends."""

    def __init__(self, content, on_close, **kwargs):
        super().__init__(content, ping=PING_SECONDS, send_timeout=SEND_TIMEOUT, sep="\n", **kwargs)
        self._on_close = on_close

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        except SendTimeoutError:
            log.info("class stream closed: the follower stopped reading")
        finally:
            self._on_close()


async def follow(stream: Stream):
    while True:
        item = await stream.next()
        if item is None:  # it fell too far behind; its browser reconnects and is sent the current state
            return
        name, frame = item
        yield frame
        if name == "end":
            return


@router.get(
    "/{session_id}/events",
    summary="Follow the class: view, question, reveal, closed and end as Server-Sent Events",
    response_class=EventSourceResponse,
    responses={
        200: {
            "description": "The current view and open question first, then every change (docs/api.md).",
            "content": {"text/event-stream": {"schema": {"type": "string"}}},
        },
    }
    | responses(410, 503),
)
async def events(request: Request, session_id: SessionId) -> Response:
    session = find(request, session_id)
    try:
        stream = session.join(student_bound(request.app.state.settings))
    except Full as exc:
        raise HTTPException(503, exc.message) from None
    return _FollowStream(follow(stream), lambda: session.leave(stream), headers=STREAM_HEADERS)


@router.get(
    "/{session_id}/tally", summary="The open question's answers so far", responses=responses(403, 410)
)
async def tally(request: Request, session_id: SessionId, key: TeacherKey = None) -> dict:
    session = teacher(request, session_id, key)
    question = session.open_question
    students = len(session.streams)
    if question is None:
        return {"qid": None, "tally": {}, "answers": 0, "students": students}
    return {
        "qid": question.qid,
        "tally": question.tally(),
        "answers": len(question.votes),
        "students": students,
    }


@router.put("/{session_id}/view", summary="Show the class this view", responses=responses(403, 410))
async def put_view(request: Request, session_id: SessionId, body: ViewBody, key: TeacherKey = None) -> dict:
    session = teacher(request, session_id, key)
    size = len(dumps(body.view))
    if size > MAX_VIEW_BYTES:
        raise ConfigError("view", f"view must be at most {MAX_VIEW_BYTES} bytes as JSON (got {size})")
    return {"seq": session.set_view(body.view)}


def _question_parts(body: QuestionBody) -> tuple[str | None, str | None, list[dict], int | None]:
    if body.scene is not None:
        if body.text is not None or body.choices is not None or body.correct is not None:
            raise ConfigError("scene", "give either scene, or text and choices (and correct), not both")
        if body.scene not in QUESTIONS:
            known = ", ".join(QUESTIONS)
            raise ConfigError("scene", f"scene must be a lesson scene with a question: one of {known}")
        choices = [{"id": c["id"], "text": None} for c in QUESTIONS[body.scene]["choices"]]
        return body.scene, None, choices, None
    if body.text is None or body.choices is None:
        raise ConfigError("text", "give either scene, or text and 2 to 4 choices")
    if not body.text.strip() or not all(c.strip() for c in body.choices):
        raise ConfigError("text", "text and every choice must have something besides spaces")
    if body.correct is not None and body.correct >= len(body.choices):
        raise ConfigError("correct", f"correct must be at most {len(body.choices) - 1} (got {body.correct})")
    choices = [{"id": i, "text": t} for i, t in zip(CHOICE_IDS, body.choices, strict=False)]
    return None, body.text, choices, body.correct


@router.post(
    "/{session_id}/questions",
    status_code=201,
    summary="Ask the class a question (closes any open one)",
    responses=responses(403, 409, 410),
)
async def ask(request: Request, session_id: SessionId, body: QuestionBody, key: TeacherKey = None) -> dict:
    session = teacher(request, session_id, key)
    scene, text, choices, correct = _question_parts(body)
    try:
        question = session.ask(scene, text, choices, correct)
    except Full as exc:
        raise HTTPException(409, exc.message) from None
    if scene is not None:  # computed (or found in the cache) while the class answers, so reveal is quick
        question.warm = asyncio.ensure_future(correct_choice(request, scene))
        question.warm.add_done_callback(lambda task: task.cancelled() or task.exception())
    return question.public()


async def lesson_answer(request: Request, question: Question) -> str | None:
    """The lesson question's correct choice: what the warm-up computed, or computed now if it failed (the
    server was busy when the question was asked)."""
    if question.warm is not None:
        try:
            return await asyncio.shield(question.warm)
        except Busy:
            pass
    return await correct_choice(request, question.scene)


@router.post(
    "/{session_id}/questions/{qid}/answers",
    summary="Answer the open question (once per device)",
    responses=responses(409, 410, 429),
)
async def answer(request: Request, session_id: SessionId, qid: QuestionId, body: AnswerBody) -> dict:
    session = find(request, session_id)
    question = open_question(session, qid)
    if body.choice not in {c["id"] for c in question.choices}:
        known = ", ".join(c["id"] for c in question.choices)
        raise ConfigError("choice", f"choice must be one of {known} (got {body.choice!r})")
    address = request.client.host if request.client else "unknown"
    try:
        return {"counted": session.answer(question, body.device, address, body.choice)}
    except TooFast as exc:
        raise HTTPException(
            429, f"too many answers; retry in {exc.retry_after} s", {"Retry-After": str(exc.retry_after)}
        ) from None
    except Full as exc:
        raise HTTPException(409, exc.message) from None


@router.post(
    "/{session_id}/questions/{qid}/reveal",
    summary="Reveal the answer: the tally and the correct choice",
    responses=responses(403, 409, 410, 503),
)
async def reveal(request: Request, session_id: SessionId, qid: QuestionId, key: TeacherKey = None) -> dict:
    session = teacher(request, session_id, key)
    question = open_question(session, qid)
    if question.scene is not None:
        correct = await lesson_answer(request, question)
        question = open_question(session, qid)  # the teacher may have moved on while it was computed
    else:
        correct = None if question.correct is None else CHOICE_IDS[question.correct]
    return session.reveal(question, correct)


@router.post(
    "/{session_id}/questions/{qid}/close",
    summary="Withdraw the question without revealing it",
    responses=responses(403, 409, 410),
)
async def close(request: Request, session_id: SessionId, qid: QuestionId, key: TeacherKey = None) -> dict:
    session = teacher(request, session_id, key)
    session.close(open_question(session, qid))
    return {"qid": qid}


@router.delete(
    "/{session_id}",
    status_code=204,
    summary="End the class: every follower is sent `end` and its stream closes",
    response_class=Response,
    responses=responses(403, 410),
)
async def end(request: Request, session_id: SessionId, key: TeacherKey = None) -> Response:
    session = teacher(request, session_id, key)
    live_store(request).end(session)
    return Response(status_code=204)
