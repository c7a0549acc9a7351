# Tornado (Debian's python3-tornado), its own server, one process: /plaintext and /json, and, with
# python3-asyncpg and python3-cachetools, TechEmpower's database tests (/db, /queries, /fortunes,
# /updates, /cached-queries) on an asyncpg pool made at startup, /fortunes through a Tornado
# template (templates/fortunes.tornado.html).
# Usage: python3 tornado_app.py <port>
import asyncio
import os
import random
import sys

import tornado.web
from tornado.escape import json_encode
from worlds import READ_ROW, update_worlds_asyncpg

try:
    import asyncpg
    from cachetools import LRUCache
except ImportError:  # the bench runs only /plaintext and /json then
    asyncpg = None

DATABASE_URL = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test")


class PlainText(tornado.web.RequestHandler):
    def get(self):
        self.set_header("Content-Type", "text/plain")
        self.write("Hello, World!")


class Json(tornado.web.RequestHandler):
    def get(self):
        self.write({"message": "Hello, World!"})  # a dict is written as JSON


class DatabaseHandler(tornado.web.RequestHandler):
    def count(self, name):
        """The ?name= count from 1 to 500; missing, empty, 0 or not a number gives 1."""
        try:
            return min(max(int(self.get_query_argument(name, "")), 1), 500)
        except ValueError:
            return 1

    def write_json(self, worlds):  # Tornado writes dicts as JSON, not lists
        self.set_header("Content-Type", "application/json")
        self.write(json_encode(worlds))


class Db(DatabaseHandler):
    async def get(self):
        async with self.settings["pool"].acquire() as connection:
            self.write(dict(await connection.fetchrow(READ_ROW, random.randint(1, 10000))))


class Queries(DatabaseHandler):
    async def get(self):
        async with self.settings["pool"].acquire() as connection:
            worlds = [
                dict(await connection.fetchrow(READ_ROW, random.randint(1, 10000)))
                for _ in range(self.count("queries"))
            ]
        self.write_json(worlds)


class Fortunes(DatabaseHandler):
    async def get(self):
        async with self.settings["pool"].acquire() as connection:
            rows = await connection.fetch("SELECT id, message FROM fortune")
        fortunes = [dict(row) for row in rows]
        fortunes.append({"id": 0, "message": "Additional fortune added at request time."})
        fortunes.sort(key=lambda fortune: fortune["message"])
        self.render("fortunes.tornado.html", fortunes=fortunes)


class Updates(DatabaseHandler):
    async def get(self):
        self.write_json(await update_worlds_asyncpg(self.settings["pool"], self.count("queries")))


class CachedQueries(DatabaseHandler):
    async def get(self):
        cache, worlds = self.settings["cache"], []
        for _ in range(self.count("count")):
            id = random.randint(1, 10000)
            world = cache.get(id)
            if world is None:
                async with self.settings["pool"].acquire() as connection:
                    world = cache[id] = dict(await connection.fetchrow(READ_ROW, id))
            worlds.append(world)
        self.write_json(worlds)


async def main(port):
    routes = [("/plaintext", PlainText), ("/json", Json)]
    settings = {"template_path": os.path.join(os.path.dirname(__file__), "templates")}
    if asyncpg is not None:
        settings["pool"] = await asyncpg.create_pool(DATABASE_URL)
        settings["cache"] = LRUCache(maxsize=10000)
        routes += [
            ("/db", Db),
            ("/queries", Queries),
            ("/fortunes", Fortunes),
            ("/updates", Updates),
            ("/cached-queries", CachedQueries),
        ]
    tornado.web.Application(routes, **settings).listen(port, address="127.0.0.1")
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1])))
