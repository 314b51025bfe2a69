"""A route that does nothing, for the phones-under-load benchmark's two ceilings.

`/bench/noop` answers a GET with a tiny page and a form POST with a 303 back to itself,
reading the whole body first, so a simulated phone can walk it exactly as it walks a
ballot (load, send, follow the redirect) while the server does no work of its own.

- `bare` is that route alone in a plain Starlette app, for `uvicorn noop_routes:bare`.
- `routes` is the same route for bench/same_server_app.py, which mounts it beside the
  participant pages in the toolkit's own st.App.

Only the benchmark starts these; the toolkit never serves /bench/noop.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

PAGE = "<!doctype html><title>noop</title><p>ok"


async def noop(request: Request) -> Response:
    if request.method == "POST":
        await request.body()
        return Response(status_code=303, headers={"Location": "/bench/noop?sent=1"})
    return Response(PAGE, media_type="text/html; charset=utf-8")


routes = [Route("/bench/noop", noop, methods=["GET", "POST"])]
bare = Starlette(routes=routes)
