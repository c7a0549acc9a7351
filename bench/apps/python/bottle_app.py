# Bottle (Debian's python3-bottle), WSGI under gunicorn, one sync worker: /plaintext and /json, and,
# with python3-psycopg2, TechEmpower's database tests (/db, /queries, /fortunes, /updates,
# /cached-queries) on one psycopg2 connection per worker process, /fortunes through Bottle's
# SimpleTemplate (templates/fortunes.tpl).
# Served by: gunicorn --chdir bench/apps/python -w 1 -b 127.0.0.1:$PORT bottle_app:application
import functools
import os
import random
from json import dumps

import bottle
from worlds import update_worlds_psycopg2

try:
    import psycopg2
except ImportError:  # the bench runs only /plaintext and /json then
    psycopg2 = None

DATABASE_URL = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test")
bottle.TEMPLATE_PATH.insert(0, os.path.join(os.path.dirname(__file__), "templates"))

application = bottle.Bottle()


@application.get("/plaintext")
def plaintext():
    bottle.response.content_type = "text/plain"
    return "Hello, World!"


@application.get("/json")
def json():
    return {"message": "Hello, World!"}  # Bottle serializes a dict as JSON


def clamp(count):
    """A count from 1 to 500; missing, empty, 0 or not a number gives 1."""
    try:
        return min(max(int(count), 1), 500)
    except ValueError:
        return 1


def read_world(id):
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, randomnumber FROM world WHERE id = %s", (id,))
        id, number = cursor.fetchone()
    return {"id": id, "randomNumber": number}


@functools.lru_cache(maxsize=10000)
def cached_world(id):
    return read_world(id)


def json_list(worlds):
    bottle.response.content_type = "application/json"  # Bottle serializes dicts, not lists
    return dumps(worlds)


def db():
    return read_world(random.randint(1, 10000))


def queries():
    count = clamp(bottle.request.query.queries)
    return json_list([read_world(random.randint(1, 10000)) for _ in range(count)])


def fortunes():
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, message FROM fortune")
        rows = cursor.fetchall()
    rows.append((0, "Additional fortune added at request time."))
    rows.sort(key=lambda row: row[1])
    return bottle.template("fortunes.tpl", fortunes=rows)


def updates():
    count = clamp(bottle.request.query.queries)
    return json_list(update_worlds_psycopg2(connection, read_world, count))


def cached_queries():
    count = clamp(bottle.request.query.count)
    return json_list([cached_world(random.randint(1, 10000)) for _ in range(count)])


if psycopg2 is not None:
    # gunicorn imports the app in each worker: one connection per process, kept open.
    connection = psycopg2.connect(DATABASE_URL)
    connection.autocommit = True
    application.get("/db", callback=db)
    application.get("/queries", callback=queries)
    application.get("/fortunes", callback=fortunes)
    application.get("/updates", callback=updates)
    application.get("/cached-queries", callback=cached_queries)
