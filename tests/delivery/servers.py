"""Real servers on 127.0.0.1 for the delivery tests: an HTTP server that records every request
(Apprise json:// posts, heartbeat pings) and an SMTP server (aiosmtpd) that records every mail."""

from __future__ import annotations

import json
import socket
import threading
from email import message_from_bytes
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class HttpSink:
    """Records requests as (method, path, parsed JSON body or None)."""

    def __init__(self, status: int = 200, delay: float = 0.0):
        self.requests: list[tuple[str, str, object]] = []
        self.status = status
        self.delay = delay
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def _handle(self) -> None:
                import time

                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                try:
                    body = json.loads(raw) if raw else None
                except ValueError:
                    body = raw.decode("utf-8", "replace")
                if sink.delay:
                    time.sleep(sink.delay)
                sink.requests.append((self.command, self.path, body))
                self.send_response(sink.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_GET = do_POST = _handle

            def log_message(self, *args) -> None:  # quiet
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> HttpSink:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def posts(self, path: str) -> list:
        return [body for method, p, body in self.requests if method == "POST" and p == path]

    def gets(self) -> list[str]:
        return [p for method, p, _ in self.requests if method == "GET"]


class SmtpSink:
    """An SMTP server (aiosmtpd) on 127.0.0.1 that keeps every message."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        self.messages: list[Message] = []
        sink = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
                sink.messages.append(message_from_bytes(envelope.original_content or envelope.content))
                return "250 OK"

        self.controller = Controller(Handler(), hostname="127.0.0.1", port=free_port())
        self.port = self.controller.port

    def __enter__(self) -> SmtpSink:
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()

    def html_bodies(self) -> list[str]:
        out = []
        for m in self.messages:
            for part in m.walk():
                if part.get_content_type() == "text/html":
                    out.append(part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8"))
        return out


def free_port() -> int:
    """A port nothing listens on (bound once, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
