"""Live class sessions, held in this process's memory only: nothing is written to disk, nobody has a name.

A `Session` has a teacher secret, the teacher's latest view (relayed as sent), at most one open question
with its answers (one per device), and the event streams of everyone following it. A `Store` holds at
most MAX_SESSIONS of them and ends a session whose teacher has sent nothing for IDLE_SECONDS; its clock
is injectable, so a test can move time on.

Broadcasting never waits for a reader. Each stream has its own small queue of encoded events: a newer
`view` replaces a `view` still waiting there (a slow phone skips the views it could not keep up with and
receives the newest), and a stream that lets more than MAX_PENDING other events pile up is ended (its
browser reconnects and is sent the current view and question first). So a slow or stalled student holds
a bounded amount of memory and never delays the others.
"""

import asyncio
import math
import os
import secrets
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sse_starlette import ServerSentEvent

from app.web.infrastructure.encode import dumps

MAX_SESSIONS = 4  # live sessions per server process
MAX_STUDENTS = 250  # event streams per session
MAX_QUESTIONS = 100  # questions asked per session
MAX_ANSWERS = 4 * MAX_STUDENTS  # devices that may answer one question
IDLE_SECONDS = 2 * 3600  # a session with no teacher request for this long ends
MAX_VIEW_BYTES = 64 * 1024  # the teacher's view object, encoded as JSON
MAX_PENDING = 32  # events other than `view` waiting for one slow stream before it is ended
ENDED_REMEMBERED = 64  # ended sessions answered with 410 rather than 404
SWEEP_SECONDS = 60.0  # how often idle sessions are looked for while any is live

# Answers: a token bucket per device and one per client address (a whole class may share one address
# behind a school's NAT or a tunnel, so that bucket holds a class's worth of answers at once).
DEVICE_BURST, DEVICE_PER_SECOND = 3, 1.0
ADDRESS_BURST, ADDRESS_PER_SECOND = MAX_STUDENTS + 50, 50.0
MAX_BUCKETS = 4096  # per session; the least recently used bucket is forgotten beyond this

ID_BYTES = 16  # randomness of a session id (in the students' link)
SECRET_BYTES = 32  # randomness of the teacher secret


class Full(Exception):
    """A bound is reached; `message` says which and what it is."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class TooFast(Exception):
    def __init__(self, retry_after: int):
        super().__init__(f"too many answers; retry after {retry_after} s")
        self.retry_after = retry_after


def event(name: str, data: dict) -> tuple[str, bytes]:
    """One event as (name, its Server-Sent Events frame): framed and encoded once, sent to every stream as
    it is (orjson writes no newline, so the JSON is one `data:` line)."""
    return name, ServerSentEvent(dumps(data).decode(), event=name, sep="\n").encode()


class Stream:
    """One follower's queue: at most one `view` (the newest) and up to MAX_PENDING other events."""

    def __init__(self) -> None:
        self.pending: deque[tuple[str, bytes]] = deque()
        self.wake = asyncio.Event()
        self.overflowed = False
        self.dropped_views = 0

    def push(self, item: tuple[str, bytes]) -> None:
        if item[0] == "view":
            before = len(self.pending)
            self.pending = deque(p for p in self.pending if p[0] != "view")
            self.dropped_views += before - len(self.pending)
        elif len(self.pending) >= MAX_PENDING:
            self.overflowed = True
        self.pending.append(item)
        self.wake.set()

    async def next(self) -> tuple[str, bytes] | None:
        """The next event to send, waiting for one; None when the stream must end (it fell behind)."""
        while not self.pending:
            self.wake.clear()
            await self.wake.wait()
        if self.overflowed:  # only the end, if it came, is still worth sending
            return self.pending[-1] if self.pending[-1][0] == "end" else None
        return self.pending.popleft()


class Buckets:
    """Token buckets by key, bounded in number: `take(key)` or TooFast with the seconds to wait."""

    def __init__(self, burst: float, per_second: float, clock: Callable[[], float]):
        self.burst, self.per_second, self.clock = burst, per_second, clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def take(self, key: str) -> None:
        now = self.clock()
        tokens, then = self._buckets.pop(key, (self.burst, now))
        tokens = min(self.burst, tokens + (now - then) * self.per_second)
        if tokens < 1:
            self._buckets[key] = (tokens, now)
            raise TooFast(max(1, math.ceil((1 - tokens) / self.per_second)))
        self._buckets[key] = (tokens - 1, now)
        while len(self._buckets) > MAX_BUCKETS:
            self._buckets.popitem(last=False)


@dataclass
class Question:
    qid: str
    scene: str | None
    choices: list[dict]  # [{"id", "text"}], text None for a lesson scene's (the page has the words)
    text: str | None
    correct: int | None = None  # the teacher's own question: the index they marked, if any
    votes: dict[str, str] = field(default_factory=dict)  # device -> choice id
    state: str = "open"  # open | revealed | closed
    revealed: dict | None = None
    warm: asyncio.Task | None = None  # a lesson question's correct choice, computed while students answer

    def public(self) -> dict:
        """What students see: no tally, no correct choice."""
        return {"qid": self.qid, "scene": self.scene, "text": self.text, "choices": self.choices}

    def tally(self) -> dict[str, int]:
        counts = {c["id"]: 0 for c in self.choices}
        for choice in self.votes.values():
            counts[choice] += 1
        return counts


def new_id() -> str:
    return secrets.token_urlsafe(ID_BYTES)


def new_secret() -> str:
    return secrets.token_urlsafe(SECRET_BYTES)


class Session:
    def __init__(self, clock: Callable[[], float], session_id: str | None = None, secret: str | None = None):
        self.id = session_id or new_id()
        self.secret = secret or new_secret()
        self.clock = clock
        self.last_teacher = clock()
        self.seq = 0
        self.view: dict[str, Any] | None = None
        self.view_event: tuple[str, bytes] | None = None
        self.questions: list[Question] = []
        self.streams: set[Stream] = set()
        self.ended = False
        self.devices = Buckets(DEVICE_BURST, DEVICE_PER_SECOND, clock)
        self.addresses = Buckets(ADDRESS_BURST, ADDRESS_PER_SECOND, clock)

    def is_teacher(self, key: str | None) -> bool:
        return key is not None and secrets.compare_digest(key.encode(), self.secret.encode())

    def touch(self) -> None:
        self.last_teacher = self.clock()

    @property
    def open_question(self) -> Question | None:
        last = self.questions[-1] if self.questions else None
        return last if last is not None and last.state == "open" else None

    def question(self, qid: str) -> Question | None:
        return next((q for q in self.questions if q.qid == qid), None)

    def broadcast(self, item: tuple[str, bytes]) -> None:
        for stream in self.streams:
            stream.push(item)

    def set_view(self, view: dict) -> int:
        self.seq += 1
        self.view = view
        self.view_event = event("view", {"seq": self.seq, "view": view})
        self.broadcast(self.view_event)
        return self.seq

    def ask(self, scene: str | None, text: str | None, choices: list[dict], correct: int | None) -> Question:
        if len(self.questions) >= MAX_QUESTIONS:
            raise Full(f"a class session holds at most {MAX_QUESTIONS} questions")
        if (current := self.open_question) is not None:
            self.close(current)
        question = Question(f"q{len(self.questions) + 1}", scene, choices, text, correct)
        self.questions.append(question)
        self.broadcast(event("question", question.public()))
        return question

    def answer(self, question: Question, device: str, address: str, choice: str) -> bool:
        """Whether the vote was counted: a device's first vote on the question is, a repeat is not."""
        self.devices.take(device)
        self.addresses.take(address)
        if device in question.votes:
            return False
        if len(question.votes) >= MAX_ANSWERS:
            raise Full(f"a question takes at most {MAX_ANSWERS} answers")
        question.votes[device] = choice
        return True

    def reveal(self, question: Question, correct: str | None) -> dict:
        question.state = "revealed"
        question.revealed = {
            "qid": question.qid,
            "correct": correct,
            "tally": question.tally(),
            "answers": len(question.votes),
        }
        self.broadcast(event("reveal", question.revealed))
        return question.revealed

    def close(self, question: Question) -> None:
        question.state = "closed"
        self.broadcast(event("closed", {"qid": question.qid}))

    def first_events(self) -> list[tuple[str, bytes]]:
        """What a stream is sent on connecting: the current view and the open question."""
        first = [self.view_event] if self.view_event else []
        if (question := self.open_question) is not None:
            first.append(event("question", question.public()))
        return first

    def join(self, bound: int) -> Stream:
        if len(self.streams) >= bound:
            raise Full(f"this class is full: it follows at most {bound} students at once")
        stream = Stream()
        for item in self.first_events():
            stream.push(item)
        self.streams.add(stream)
        return stream

    def leave(self, stream: Stream) -> None:
        self.streams.discard(stream)

    def end(self) -> None:
        self.ended = True
        self.broadcast(event("end", {}))
        self.streams.clear()


class Store:
    """The live sessions of this process, by id; ended ones are remembered (for a 410) a little while."""

    def __init__(self, clock: Callable[[], float] = time.monotonic, idle_seconds: float = IDLE_SECONDS):
        self.clock = clock
        self.idle_seconds = idle_seconds
        self.sessions: dict[str, Session] = {}
        self.ended: deque[str] = deque(maxlen=ENDED_REMEMBERED)
        self._sweeper: asyncio.Task | None = None

    def create(self, session_id: str | None = None, secret: str | None = None) -> Session:
        """A new session (with the given id and secret: `gradflow serve --class` makes them itself)."""
        self.sweep()
        if len(self.sessions) >= MAX_SESSIONS:
            raise Full(f"this server runs at most {MAX_SESSIONS} live classes at once; end one first")
        session = Session(self.clock, session_id, secret)
        self.sessions[session.id] = session
        self._start_sweeper()
        return session

    def get(self, session_id: str) -> Session | None:
        """The live session, or None; an idle one is ended first. `was_ended` tells 410 from 404."""
        self.sweep()
        self._start_sweeper()
        return self.sessions.get(session_id)

    def was_ended(self, session_id: str) -> bool:
        return session_id in self.ended

    def end(self, session: Session) -> None:
        if self.sessions.pop(session.id, None) is not None:
            self.ended.append(session.id)
        session.end()

    def sweep(self) -> None:
        """End every session whose teacher has been silent for idle_seconds."""
        now = self.clock()
        for session in list(self.sessions.values()):
            if now - session.last_teacher >= self.idle_seconds:
                self.end(session)

    def _start_sweeper(self) -> None:
        """While a session is live, look for idle ones now and then, so a class left open ends (and its
        streams close) even when nobody asks the server anything."""
        if not self.sessions or (self._sweeper is not None and not self._sweeper.done()):
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # created outside the server (the CLI, a test): the routes still sweep
            return
        self._sweeper = loop.create_task(self._sweep_now_and_then())

    async def _sweep_now_and_then(self) -> None:
        while self.sessions:
            await asyncio.sleep(SWEEP_SECONDS)
            self.sweep()


AT_START = "GRADFLOW_CLASS_AT_START"  # "<id>:<secret>", set by `gradflow serve --class` for its own process


def store_at_start(clock: Callable[[], float] = time.monotonic) -> Store:
    """A store, holding the session that `gradflow serve --class` asked for when it set AT_START. The
    variable is removed once read, so no process started later (the QR drawer) inherits the secret."""
    store = Store(clock)
    given = os.environ.pop(AT_START, "")
    if given:
        session_id, _, secret = given.partition(":")
        store.create(session_id, secret)
    return store
