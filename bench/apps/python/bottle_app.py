# Bottle (Debian's python3-bottle), WSGI under gunicorn, one sync worker: /plaintext and /json.
import bottle

application = bottle.Bottle()


@application.get("/plaintext")
def plaintext():
    bottle.response.content_type = "text/plain"
    return "Hello, World!"


@application.get("/json")
def json():
    return {"message": "Hello, World!"}  # Bottle serializes a dict as JSON
