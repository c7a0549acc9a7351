# Falcon 3 (Debian's python3-falcon), WSGI under gunicorn, one sync worker: /plaintext and /json,
# and, with python3-psycopg2, TechEmpower's database tests (/db, /queries, /fortunes, /updates,
# /cached-queries) on one psycopg2 connection per worker process. Falcon has no template engine:
# /fortunes builds its HTML with html.escape.
# Served by: gunicorn --chdir bench/apps/python -w 1 -b 127.0.0.1:$PORT falcon_app:application
import functools
import html
import os
import random

import falcon
from worlds import update_worlds_psycopg2

try:
    import psycopg2
    from psycopg2.extras import RealDictCursor
except ImportError:  # the bench runs only /plaintext and /json then
    psycopg2 = None

DATABASE_URL = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test")
READ_ROW = 'SELECT id, randomnumber AS "randomNumber" FROM world WHERE id = %s'


class PlainText:
    def on_get(self, req, resp):
        resp.content_type = falcon.MEDIA_TEXT
        resp.text = "Hello, World!"


class Json:
    def on_get(self, req, resp):
        resp.media = {"message": "Hello, World!"}


def clamp(count):
    """A count from 1 to 500; missing, empty, 0 or not a number gives 1."""
    try:
        return min(max(int(count), 1), 500)
    except (TypeError, ValueError):
        return 1


def read_world(id):
    with connection.cursor() as cursor:
        cursor.execute(READ_ROW, (id,))
        return cursor.fetchone()


@functools.lru_cache(maxsize=10000)
def cached_world(id):
    return read_world(id)


class Db:
    def on_get(self, req, resp):
        resp.media = read_world(random.randint(1, 10000))


class Queries:
    def on_get(self, req, resp):
        count = clamp(req.get_param("queries"))
        resp.media = [read_world(random.randint(1, 10000)) for _ in range(count)]


class Fortunes:
    def on_get(self, req, resp):
        with connection.cursor() as cursor:
            cursor.execute("SELECT id, message FROM fortune")
            fortunes = cursor.fetchall()
        fortunes.append({"id": 0, "message": "Additional fortune added at request time."})
        fortunes.sort(key=lambda fortune: fortune["message"])
        rows = "".join(
            f"<tr><td>{fortune['id']}</td><td>{html.escape(fortune['message'])}</td></tr>"
            for fortune in fortunes
        )
        resp.content_type = falcon.MEDIA_HTML
        resp.text = (
            "<!DOCTYPE html><html><head><title>Fortunes</title></head><body><table>"
            f"<tr><th>id</th><th>message</th></tr>{rows}</table></body></html>"
        )


class Updates:
    def on_get(self, req, resp):
        count = clamp(req.get_param("queries"))
        resp.media = update_worlds_psycopg2(connection, read_world, count)


class CachedQueries:
    def on_get(self, req, resp):
        count = clamp(req.get_param("count"))
        resp.media = [cached_world(random.randint(1, 10000)) for _ in range(count)]


application = falcon.App()
application.add_route("/plaintext", PlainText())
application.add_route("/json", Json())
if psycopg2 is not None:
    # gunicorn imports the app in each worker: one connection per process, kept open.
    connection = psycopg2.connect(DATABASE_URL, cursor_factory=RealDictCursor)
    connection.autocommit = True
    application.add_route("/db", Db())
    application.add_route("/queries", Queries())
    application.add_route("/fortunes", Fortunes())
    application.add_route("/updates", Updates())
    application.add_route("/cached-queries", CachedQueries())
