"""A local HTTP server speaking OpenAI's chat-completions protocol, started by a
test: the real client code (insights/llm.py) talks to it over HTTP. Each test
says what the "model" answers (``reply``) or how slowly (``delay``), and reads
back what was asked (``requests``)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class ChatServer:
    url: str = ""  # the base URL, ".../v1"
    # The assistant's content for a request body; a string answers every request.
    reply: str | Callable[[dict[str, Any]], str] = ""
    delay: float = 0.0  # seconds before answering (a timeout test sets it high)
    status: int = 200
    requests: list[dict[str, Any]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)

    def answer(self, body: dict[str, Any]) -> str:
        return self.reply(body) if callable(self.reply) else self.reply


def handler_for(server: ChatServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
            server.requests.append(body)
            server.headers.append(dict(self.headers.items()))
            if self.path != "/v1/chat/completions":
                self.send_error(404)
                return
            time.sleep(server.delay)
            payload = {
                "id": "chatcmpl-test",
                "object": "chat.completion",
                "model": body.get("model", ""),
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": server.answer(body)},
                        "finish_reason": "stop",
                    }
                ],
            }
            data = json.dumps(payload).encode()
            try:
                self.send_response(server.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (a timeout test)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@contextmanager
def chat_server() -> Iterator[ChatServer]:
    server = ChatServer()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler_for(server))
    httpd.daemon_threads = True
    server.url = f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        httpd.shutdown()
        httpd.server_close()
