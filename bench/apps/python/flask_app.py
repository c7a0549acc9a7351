# Flask 2 (Debian's python3-flask), WSGI under gunicorn, one sync worker: /plaintext and /json.
from flask import Flask, jsonify

application = Flask(__name__)


@application.get("/plaintext")
def plaintext():
    return "Hello, World!", 200, {"Content-Type": "text/plain"}


@application.get("/json")
def json():
    return jsonify(message="Hello, World!")
