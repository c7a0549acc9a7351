# FastAPI (Debian's python3-fastapi), ASGI under uvicorn, one process: /plaintext and /json, with
# response models as FastAPI users write them, and, with python3-asyncpg, python3-jinja2 and
# python3-cachetools, TechEmpower's database tests (/db, /queries, /fortunes, /updates,
# /cached-queries) on an asyncpg pool made at startup and a Jinja2 template (templates/fortunes.html).
# Served by: python3 -m uvicorn --app-dir bench/apps/python fastapi_app:app
import html
import os
import random

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, PlainTextResponse
from pydantic import BaseModel
from worlds import READ_ROW, update_worlds_asyncpg

try:
    import asyncpg
    import jinja2  # noqa: F401 (for Jinja2Templates)
    from cachetools import LRUCache
    from fastapi.templating import Jinja2Templates
    from markupsafe import Markup
except ImportError:  # the bench runs only /plaintext and /json then
    asyncpg = None

DATABASE_URL = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test")

app = FastAPI()


class Message(BaseModel):
    message: str


class World(BaseModel):
    id: int
    randomNumber: int


@app.get("/plaintext", response_class=PlainTextResponse)
async def plaintext():
    return "Hello, World!"


@app.get("/json", response_model=Message)
async def json():
    return {"message": "Hello, World!"}


def clamp(queries):
    """A count from 1 to 500; missing, empty, 0 or not a number gives 1."""
    try:
        return min(max(int(queries), 1), 500)
    except (TypeError, ValueError):
        return 1


if asyncpg is not None:
    templates = Jinja2Templates(directory=os.path.join(os.path.dirname(__file__), "templates"))
    # markupsafe writes " as &#34;; templates/fortunes.html escapes with |html_escape, for &quot;.
    templates.env.filters["html_escape"] = lambda text: Markup(html.escape(text))
    cache = LRUCache(maxsize=10000)

    @app.on_event("startup")
    async def connect():
        app.state.pool = await asyncpg.create_pool(DATABASE_URL)

    @app.get("/db", response_model=World)
    async def db():
        async with app.state.pool.acquire() as connection:
            return dict(await connection.fetchrow(READ_ROW, random.randint(1, 10000)))

    @app.get("/queries", response_model=list[World])
    async def queries(queries: str | None = None):
        async with app.state.pool.acquire() as connection:
            return [
                dict(await connection.fetchrow(READ_ROW, random.randint(1, 10000)))
                for _ in range(clamp(queries))
            ]

    @app.get("/fortunes", response_class=HTMLResponse)
    async def fortunes(request: Request):
        async with app.state.pool.acquire() as connection:
            rows = [dict(row) for row in await connection.fetch("SELECT id, message FROM fortune")]
        rows.append({"id": 0, "message": "Additional fortune added at request time."})
        rows.sort(key=lambda row: row["message"])
        return templates.TemplateResponse("fortunes.html", {"request": request, "fortunes": rows})

    @app.get("/updates", response_model=list[World])
    async def updates(queries: str | None = None):
        return await update_worlds_asyncpg(app.state.pool, clamp(queries))

    @app.get("/cached-queries", response_model=list[World])
    async def cached_queries(count: str | None = None):
        worlds = []
        for _ in range(clamp(count)):
            id = random.randint(1, 10000)
            world = cache.get(id)
            if world is None:
                async with app.state.pool.acquire() as connection:
                    world = cache[id] = dict(await connection.fetchrow(READ_ROW, id))
            worlds.append(world)
        return worlds
