# Flask 2 (Debian's python3-flask), WSGI under gunicorn, one sync worker: /plaintext and /json, and,
# with Flask-SQLAlchemy (python3-flask-sqlalchemy, psycopg2), the newsletter's members list page
# (saker/crud's envelope) and item read over bench_members.
from flask import Flask, abort, jsonify, request

application = Flask(__name__)


@application.get("/plaintext")
def plaintext():
    return "Hello, World!", 200, {"Content-Type": "text/plain"}


@application.get("/json")
def json():
    return jsonify(message="Hello, World!")


try:
    from flask_sqlalchemy import SQLAlchemy
except ImportError:  # the bench runs only /plaintext and /json then
    SQLAlchemy = None

if SQLAlchemy is not None:
    application.config["SQLALCHEMY_DATABASE_URI"] = "postgresql://postgres@127.0.0.1:5432/test"
    db = SQLAlchemy(application)

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
