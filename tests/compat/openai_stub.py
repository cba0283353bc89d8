"""A small OpenAI-compatible chat endpoint on 127.0.0.1: the one fake (the LLM provider).

It answers `POST /v1/chat/completions` (non-streaming) with a fixed reply and fixed usage,
echoing the requested model with a date suffix as OpenAI does, and records the requests.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.support.net import find_free_port

REPLY = "Your order ships tomorrow."
USAGE = {
    "prompt_tokens": 120,
    "completion_tokens": 30,
    "total_tokens": 150,
    "prompt_tokens_details": {"cached_tokens": 20},
    "completion_tokens_details": {"reasoning_tokens": 0},
}


class _Handler(BaseHTTPRequestHandler):
    server: OpenAIStub

    def log_message(self, format: str, *args: Any) -> None:
        return

    def do_POST(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        request = json.loads(self.rfile.read(length) or b"{}")
        self.server.requests.append(request)
        if not self.path.endswith("/chat/completions"):
            self._send(404, {"error": {"message": f"no route {self.path}"}})
            return
        self._send(
            200,
            {
                "id": "chatcmpl-stub",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": f"{request.get('model', 'gpt-4o-mini')}-2024-07-18",
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": REPLY},
                        "finish_reason": "stop",
                    }
                ],
                "usage": USAGE,
            },
        )

    def _send(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class OpenAIStub(ThreadingHTTPServer):
    """The stub server; `url` is the base URL to give the OpenAI client."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", find_free_port()), _Handler)
        self.requests: list[dict[str, Any]] = []
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        """Base URL, e.g. http://127.0.0.1:1234/v1."""
        return f"http://127.0.0.1:{self.server_address[1]}/v1"

    def start(self) -> OpenAIStub:
        """Serve in a background thread."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving."""
        self.shutdown()
        self.server_close()
