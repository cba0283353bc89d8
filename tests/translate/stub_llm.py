"""A stand-in for an OpenAI-compatible provider on 127.0.0.1: the one thing these tests fake.

It "translates" Spanish to English with a small word list, so tests can check that text
went through it, and records every request (path, headers, JSON body) for assertions.
Behaviour knobs: `status` (answer an error), `delay` (answer late), `drop_markers`
(lose ⟦n⟧ markers, as a careless model would), `break_batches` (answer a JSON-array
request with prose).
"""

from __future__ import annotations

import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

WORDS = {
    "hola": "hello",
    "necesito": "I need",
    "ayuda": "help",
    "con": "with",
    "mi": "my",
    "pedido": "order",
    "el": "the",
    "paquete": "package",
    "no": "not",
    "ha": "has",
    "llegado": "arrived",
    "gracias": "thanks",
    "gato": "cat",
    "perro": "dog",
    "y": "and",
    "la": "the",
    "casa": "house",
    "es": "is",
    "grande": "big",
    "llama": "call",
    "a": "to",
}
_WORD = re.compile(r"[^\W\d_]+")


def fake_translate(text: str) -> str:
    """Spanish words of the list become English; everything else is copied."""

    def swap(m: re.Match[str]) -> str:
        word = m.group(0)
        english = WORDS.get(word.lower())
        if english is None:
            return word
        return english.capitalize() if word[0].isupper() else english

    return _WORD.sub(swap, text)


@dataclass
class Recorded:
    """One request the stub received."""

    path: str
    headers: dict[str, str]
    body: dict[str, Any]

    @property
    def user_text(self) -> str:
        """The content of the user message."""
        return str(self.body["messages"][-1]["content"])

    @property
    def system_text(self) -> str:
        """The content of the system message."""
        return str(self.body["messages"][0]["content"])


@dataclass
class StubLLM:
    """The server and its knobs; `url` is the base URL to configure (…/v1)."""

    server: ThreadingHTTPServer
    requests: list[Recorded] = field(default_factory=list)
    status: int = 200
    error_body: str = '{"error": {"message": "model overloaded"}}'
    delay: float = 0.0
    drop_markers: bool = False
    break_batches: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}/v1"

    def answer(self, body: dict[str, Any]) -> str:
        """The assistant message content for a request body."""
        system = str(body["messages"][0]["content"])
        user = str(body["messages"][-1]["content"])
        if "JSON array" in system:
            if self.break_batches:
                return "Here are your translations!"
            return json.dumps([self.translate(t) for t in json.loads(user)], ensure_ascii=False)
        return self.translate(user)

    def translate(self, text: str) -> str:
        out = fake_translate(text)
        return re.sub(r"⟦\d+⟧", "", out) if self.drop_markers else out


def _handler(stub: StubLLM) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = json.loads(self.rfile.read(length) or b"{}")
            with stub.lock:
                stub.requests.append(Recorded(self.path, dict(self.headers.items()), body))
            if stub.delay:
                time.sleep(stub.delay)
            if stub.status != 200:
                self._send(stub.status, stub.error_body.encode())
                return
            content = stub.answer(body)
            reply = {
                "id": "chatcmpl-stub",
                "object": "chat.completion",
                "model": body.get("model"),
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": content},
                        "finish_reason": "stop",
                    }
                ],
            }
            self._send(200, json.dumps(reply, ensure_ascii=False).encode())

        def _send(self, status: int, payload: bytes) -> None:
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except OSError:
                pass  # the client gave up (timeout test)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


def start_stub() -> tuple[StubLLM, threading.Thread]:
    """Start the stub on a free loopback port; stop it with `stop_stub`."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    server.daemon_threads = True
    server.block_on_close = False
    stub = StubLLM(server)
    server.RequestHandlerClass = _handler(stub)
    thread = threading.Thread(target=server.serve_forever, name="stub-llm", daemon=True)
    thread.start()
    return stub, thread


def stop_stub(stub: StubLLM, thread: threading.Thread) -> None:
    """Stop serving and close the socket."""
    stub.server.shutdown()
    stub.server.server_close()
    thread.join(timeout=5)
