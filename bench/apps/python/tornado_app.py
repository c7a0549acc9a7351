# Tornado (Debian's python3-tornado), its own server, one process: /plaintext and /json.
# Usage: python3 tornado_app.py <port>
import sys

import tornado.ioloop
import tornado.web


class PlainText(tornado.web.RequestHandler):
    def get(self):
        self.set_header("Content-Type", "text/plain")
        self.write("Hello, World!")


class Json(tornado.web.RequestHandler):
    def get(self):
        self.write({"message": "Hello, World!"})  # a dict is written as JSON


if __name__ == "__main__":
    app = tornado.web.Application([("/plaintext", PlainText), ("/json", Json)])
    app.listen(int(sys.argv[1]), address="127.0.0.1")
    tornado.ioloop.IOLoop.current().start()
