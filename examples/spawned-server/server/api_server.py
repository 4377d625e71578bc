#!/usr/bin/env python3
"""A tiny HTTP/1.1 API server in Python, standard library only: what spinup starts per test.

It listens on 127.0.0.1, on the port given by --port or, failing that, the PORT environment variable,
prints one line once it listens, keeps connections alive (HTTP/1.1 with Content-Length on every answer),
and stops cleanly on SIGTERM. Routes: GET /health, GET /instance (its pid), GET /users, POST /echo.
With --crash it fails at startup, as a server missing its database would.
"""
import json
import os
import signal
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

USERS = [{"id": 1, "name": "Ada"}, {"id": 2, "name": "Grace"}]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, like a production server
    # Headers and body go out in two writes; without this, Nagle's algorithm holds the body back until the
    # client's delayed ACK (~40 ms a request on Linux loopback).
    disable_nagle_algorithm = True

    def send_json(self, status, value):
        body = json.dumps(value).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if self.path == "/health":
            self.send_json(200, "ok")
        elif self.path == "/instance":
            self.send_json(200, {"pid": os.getpid()})
        elif self.path == "/users":
            self.send_json(200, USERS)
        else:
            self.send_json(404, {"error": f"no route {self.path}"})

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        payload = json.loads(self.rfile.read(length) or b"null")
        if self.path == "/echo":
            self.send_json(200, {"received": payload})
        else:
            self.send_json(404, {"error": f"no route {self.path}"})

    def log_message(self, format, *args):
        pass  # quiet: the test output is the place for test results


def main():
    args = sys.argv[1:]
    port = int(args[args.index("--port") + 1]) if "--port" in args else int(os.environ["PORT"])
    if "--crash" in args:
        print("fatal: cannot open database at ./missing.db", file=sys.stderr, flush=True)
        sys.exit(3)
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    # SIGTERM ends serve_forever() at once (server.shutdown() would wait for its next 0.5 s poll); the
    # connection threads are daemons and end with the process.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(f"listening on http://127.0.0.1:{port}", flush=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()
        print("stopped", flush=True)


if __name__ == "__main__":
    main()
