# TechEmpower's /updates as the Python peers run it, one function per database driver: the rows
# read one query each, then all written back. Imported by the peers' apps (their folder is on
# sys.path under gunicorn --chdir, uvicorn --app-dir and a script run).
import random

try:
    from psycopg2.extras import execute_values
except ImportError:  # the asyncpg peers and a machine without psycopg2
    execute_values = None

# One row, as asyncpg numbers its parameters.
READ_ROW = 'SELECT id, randomnumber AS "randomNumber" FROM world WHERE id = $1'


def new_ids(count):
    """`count` distinct row ids, sorted, so concurrent updates lock rows in one order."""
    return sorted(random.sample(range(1, 10001), count))


async def update_worlds_asyncpg(pool, count):
    """asyncpg (Starlette, FastAPI, Tornado): one connection, then one UPDATE per row (executemany)."""
    async with pool.acquire() as connection:
        worlds = [dict(await connection.fetchrow(READ_ROW, id)) for id in new_ids(count)]
        for world in worlds:
            world["randomNumber"] = random.randint(1, 10000)
        await connection.executemany(
            "UPDATE world SET randomnumber = $2 WHERE id = $1",
            [(world["id"], world["randomNumber"]) for world in worlds],
        )
    return worlds


def update_worlds_psycopg2(connection, read_world, count):
    """psycopg2 (Falcon, Bottle): `read_world(id)` per row, then one UPDATE for all the rows."""
    worlds = [read_world(id) for id in new_ids(count)]
    for world in worlds:
        world["randomNumber"] = random.randint(1, 10000)
    with connection.cursor() as cursor:
        execute_values(
            cursor,
            "UPDATE world SET randomnumber = v.n FROM (VALUES %s) AS v(id, n) WHERE world.id = v.id",
            [(world["id"], world["randomNumber"]) for world in worlds],
        )
    return worlds
