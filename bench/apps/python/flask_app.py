# Flask 2 (Debian's python3-flask), WSGI under gunicorn, one sync worker: /plaintext and /json, and,
# with Flask-SQLAlchemy (python3-flask-sqlalchemy, python3-psycopg2), TechEmpower's database tests
# (/db, /queries, /fortunes, /updates, /cached-queries; World and Fortune models, /fortunes through
# Jinja2, templates/fortunes.html) and the newsletter's members list page (saker/crud's envelope)
# and item read over bench_members.
# Served by: gunicorn --chdir bench/apps/python -w 1 -b 127.0.0.1:$PORT flask_app:application
import functools
import html
import os
import random

from flask import Flask, abort, jsonify, render_template, request
from markupsafe import Markup

application = Flask(__name__)
# markupsafe writes " as &#34;; templates/fortunes.html escapes with |html_escape, for &quot;.
application.add_template_filter(lambda text: Markup(html.escape(text)), "html_escape")


@application.get("/plaintext")
def plaintext():
    return "Hello, World!", 200, {"Content-Type": "text/plain"}


@application.get("/json")
def json():
    return jsonify(message="Hello, World!")


try:
    import psycopg2  # noqa: F401 (SQLAlchemy's driver)
    from flask_sqlalchemy import SQLAlchemy
except ImportError:  # the bench runs only /plaintext and /json then
    SQLAlchemy = None

if SQLAlchemy is not None:
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test")
    # SQLAlchemy 1.4 knows the scheme as postgresql:// only; the pool keeps the connection open.
    application.config["SQLALCHEMY_DATABASE_URI"] = url.replace("postgres://", "postgresql://", 1)
    db = SQLAlchemy(application)

    class World(db.Model):
        __tablename__ = "world"
        id = db.Column(db.Integer, primary_key=True)
        randomNumber = db.Column("randomnumber", db.Integer, nullable=False)

        def to_dict(self):
            return {"id": self.id, "randomNumber": self.randomNumber}

    class Fortune(db.Model):
        __tablename__ = "fortune"
        id = db.Column(db.Integer, primary_key=True)
        message = db.Column(db.String(2048), nullable=False)

    def clamp(name):
        """The ?name= count from 1 to 500; missing, empty, 0 or not a number gives 1."""
        return min(max(request.args.get(name, 1, type=int), 1), 500)

    def random_world():
        return db.session.get(World, random.randint(1, 10000))

    @functools.lru_cache(maxsize=10000)
    def cached_world(id):
        return db.session.get(World, id).to_dict()

    @application.get("/db")
    def single_query():
        return jsonify(random_world().to_dict())

    @application.get("/queries")
    def queries():
        return jsonify([random_world().to_dict() for _ in range(clamp("queries"))])

    @application.get("/fortunes")
    def fortunes():
        fortunes = db.session.execute(db.select(Fortune)).scalars().all()
        fortunes.append(Fortune(id=0, message="Additional fortune added at request time."))
        fortunes.sort(key=lambda fortune: fortune.message)
        return render_template("fortunes.html", fortunes=fortunes)

    @application.get("/updates")
    def updates():
        ids = sorted(random.sample(range(1, 10001), clamp("queries")))  # distinct, in lock order
        worlds = [db.session.get(World, id) for id in ids]
        for world in worlds:
            world.randomNumber = random.randint(1, 10000)
        body = [world.to_dict() for world in worlds]  # before the commit expires the objects
        db.session.commit()
        return jsonify(body)

    @application.get("/cached-queries")
    def cached_queries():
        return jsonify([cached_world(random.randint(1, 10000)) for _ in range(clamp("count"))])

    class Member(db.Model):
        __tablename__ = "bench_members"
        id = db.Column(db.Integer, primary_key=True)
        first_name = db.Column(db.Text, nullable=False)
        last_name = db.Column(db.Text, nullable=False)
        email = db.Column(db.Text, nullable=False, unique=True)

        def to_dict(self):
            return {
                "id": self.id,
                "first_name": self.first_name,
                "last_name": self.last_name,
                "email": self.email,
            }

    @application.get("/api/v1/members")
    def members():
        page = request.args.get("page", 1, type=int)
        per_page = request.args.get("results_per_page", 10, type=int)
        pages = db.paginate(db.select(Member).order_by(Member.id), page=page, per_page=per_page, max_per_page=100)
        return jsonify(
            num_results=pages.total,
            page=pages.page,
            total_pages=pages.pages,
            objects=[member.to_dict() for member in pages.items],
        )

    @application.get("/api/v1/members/<int:member_id>")
    def member(member_id):
        found = db.session.get(Member, member_id)
        if found is None:
            abort(404)
        return jsonify(found.to_dict())
