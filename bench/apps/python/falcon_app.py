# Falcon 3 (Debian's python3-falcon), WSGI under gunicorn, one sync worker: /plaintext and /json.
import falcon


class PlainText:
    def on_get(self, req, resp):
        resp.content_type = falcon.MEDIA_TEXT
        resp.text = "Hello, World!"


class Json:
    def on_get(self, req, resp):
        resp.media = {"message": "Hello, World!"}


application = falcon.App()
application.add_route("/plaintext", PlainText())
application.add_route("/json", Json())
