"""Votes taken together: the votes that reach the server in the same turn of its event
loop share one commit.

Phones in a room send in waves (dozens at a time under load), and the commit was most
of a vote's cost. Each vote is still checked on its own and committed before its phone
is answered; a wave is one transaction (`Store.one_commit_for_all`), taken on the event
loop when the store can serve it without waiting (`Store.without_waiting`). When it
cannot (the store busy in another thread, another program writing, anything
unexpected), none of the wave was saved and each vote goes the ordinary way.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from starlette.responses import Response

from c4d.db.errors import Busy

log = logging.getLogger("c4d.phones.batching")


class Batches:
    """The votes waiting for the next turn of an event loop, taken together by `take`
    (the site's `take(*work, remembered=...)`); `forget` drops a nonce from the double-tap
    memory when its vote was not saved after all."""

    def __init__(self, take: Callable[..., Response], forget: Callable[[str], None]):
        self._take, self._forget = take, forget
        # event loop → the votes waiting for its next turn; one loop (the server's) in
        # practice, but a test may drive the site from several
        self._arrived: dict[asyncio.AbstractEventLoop, list[tuple[tuple[Any, ...], asyncio.Future[Any]]]] = {}

    async def answer(self, work: tuple[Any, ...]) -> Response | None:
        """The answer to a vote (`work`: the arguments of `take`, the store first), taken
        with every other vote that arrived in the same turn of the event loop, in one
        transaction committed once, before any of them is answered. None when they could
        not be taken at once: then none of them was saved; take it the ordinary way."""
        loop = asyncio.get_running_loop()
        answer: asyncio.Future[Response | None] = loop.create_future()
        waiting = self._arrived.setdefault(loop, [])
        waiting.append((work, answer))
        if len(waiting) == 1:
            loop.call_soon(self._take_together, loop)
        return await answer

    def _take_together(self, loop: asyncio.AbstractEventLoop) -> None:
        arrived = self._arrived.pop(loop)
        store = arrived[0][0][0]  # one site, one store
        remembered: list[str] = []  # double-tap memory of the votes taken, forgotten if they are not saved
        answers: list[Response] | None = None
        take = self._take
        try:
            with store.without_waiting() as now:
                if now:
                    with store.one_commit_for_all():
                        answers = [take(*work, remembered=remembered) for work, _ in arrived]
        except Busy:
            answers = None
        except Exception:
            log.exception("votes taken together failed; each is taken again on its own")
            answers = None
        if answers is None:
            for nonce in remembered:
                self._forget(nonce)
        for i, (_, answer) in enumerate(arrived):
            if not answer.done():
                answer.set_result(None if answers is None else answers[i])
