"""A fake HTTP host on 127.0.0.1 for the tests of what the portal fetches
(Open311 media, the outbound HTTP client): a handler base with the answers
those tests need, and a context manager that serves it on a free port."""

import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeHandler(BaseHTTPRequestHandler):
    """Records each path in `server.hits`; `do_GET` is the subclass's."""

    def log_message(self, *args):
        pass

    def send(self, status, body=b"", content_type=None, headers=None):
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def drip(self, chunk: bytes, times: int, *, every: float = 0.0, headers=None):
        """200 with the headers at once, then `chunk` `times` times, `every`
        seconds apart; stops quietly when the client has hung up."""
        self.send_response(200)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        for _ in range(times):
            try:
                self.wfile.write(chunk)
                self.wfile.flush()
            except OSError:
                return
            if every:
                time.sleep(every)


@contextmanager
def fake_host(handler: type[FakeHandler], **attributes):
    """Serve `handler` on 127.0.0.1; the server carries `url`, `hits` and
    `attributes` for the handler to read."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    server.hits = []
    for name, value in attributes.items():
        setattr(server, name, value)
    server.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
