# Starlette (Debian's python3-starlette), ASGI under uvicorn, one process: /plaintext and /json, and,
# with python3-asyncpg, python3-jinja2 and python3-cachetools, TechEmpower's database tests (/db,
# /queries, /fortunes, /updates, /cached-queries) on an asyncpg pool made at startup (lifespan) and
# a Jinja2 template (templates/fortunes.html).
# Served by: python3 -m uvicorn --app-dir bench/apps/python starlette_app:app
import contextlib
import html
import os
import random

from starlette.applications import Starlette
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.routing import Route
from worlds import READ_ROW, update_worlds_asyncpg

try:
    import asyncpg
    import jinja2  # noqa: F401 (for Jinja2Templates)
    from cachetools import LRUCache
    from markupsafe import Markup
    from starlette.templating import Jinja2Templates
except ImportError:  # the bench runs only /plaintext and /json then
    asyncpg = None

DATABASE_URL = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test")


async def plaintext(request):
    return PlainTextResponse("Hello, World!")


async def json(request):
    return JSONResponse({"message": "Hello, World!"})


def clamp(count):
    """A count from 1 to 500; missing, empty, 0 or not a number gives 1."""
    try:
        return min(max(int(count), 1), 500)
    except (TypeError, ValueError):
        return 1


async def db(request):
    async with request.app.state.pool.acquire() as connection:
        return JSONResponse(dict(await connection.fetchrow(READ_ROW, random.randint(1, 10000))))


async def queries(request):
    async with request.app.state.pool.acquire() as connection:
        worlds = [
            dict(await connection.fetchrow(READ_ROW, random.randint(1, 10000)))
            for _ in range(clamp(request.query_params.get("queries")))
        ]
    return JSONResponse(worlds)


async def fortunes(request):
    async with request.app.state.pool.acquire() as connection:
        rows = [dict(row) for row in await connection.fetch("SELECT id, message FROM fortune")]
    rows.append({"id": 0, "message": "Additional fortune added at request time."})
    rows.sort(key=lambda row: row["message"])
    return templates.TemplateResponse("fortunes.html", {"request": request, "fortunes": rows})


async def updates(request):
    count = clamp(request.query_params.get("queries"))
    return JSONResponse(await update_worlds_asyncpg(request.app.state.pool, count))


async def cached_queries(request):
    worlds = []
    for _ in range(clamp(request.query_params.get("count"))):
        id = random.randint(1, 10000)
        world = cache.get(id)
        if world is None:
            async with request.app.state.pool.acquire() as connection:
                world = cache[id] = dict(await connection.fetchrow(READ_ROW, id))
        worlds.append(world)
    return JSONResponse(worlds)


routes = [Route("/plaintext", plaintext), Route("/json", json)]
lifespan = None
if asyncpg is not None:
    templates = Jinja2Templates(directory=os.path.join(os.path.dirname(__file__), "templates"))
    # markupsafe writes " as &#34;; templates/fortunes.html escapes with |html_escape, for &quot;.
    templates.env.filters["html_escape"] = lambda text: Markup(html.escape(text))
    cache = LRUCache(maxsize=10000)
    routes += [
        Route("/db", db),
        Route("/queries", queries),
        Route("/fortunes", fortunes),
        Route("/updates", updates),
        Route("/cached-queries", cached_queries),
    ]

    @contextlib.asynccontextmanager
    async def lifespan(app):
        app.state.pool = await asyncpg.create_pool(DATABASE_URL)
        yield
        await app.state.pool.close()


app = Starlette(routes=routes, lifespan=lifespan)
