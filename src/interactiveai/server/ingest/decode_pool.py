"""OTLP requests decoded in a worker process, beside the writer rather than taking turns with it.

Decoding is pure Python and holds the GIL for milliseconds per request, while the writer
thread gives the GIL up around every SQLite call and then waits to get it back: with both
in one process the writer mostly waits (measured here: a busy decoding thread made the
writer 200x slower per span). A worker process decodes, packs the records into bytes, and
the writer thread unpacks them itself, so the request handlers' thread stays nearly idle.
Small requests are decoded in place: the hop to the process would cost more than it saves.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

from interactiveai.server.ingest.apply import merge_traces
from interactiveai.server.ingest.otlp import decode_export_request
from interactiveai.server.ingest.records import DecodedBatch, pack_records

log = logging.getLogger(__name__)

# Bodies below this many bytes (a few dozen spans) are decoded in the server process.
INLINE_BELOW_BYTES = 16 * 1024


@dataclass(slots=True)
class DecodedRequest:
    """A decoded OTLP request: what to answer (`batch`), and its records, maybe packed."""

    batch: DecodedBatch
    packed: bytes | None = None
    packed_records: int = 0

    @property
    def has_records(self) -> bool:
        """Whether there is anything to write."""
        return bool(self.packed_records or self.batch.observations or self.batch.traces)


def decode_and_pack(
    body: bytes, content_type: str | None, content_encoding: str | None, limit: int
) -> DecodedRequest:
    """Inflate and decode one request, with its records packed (runs in the worker)."""
    batch = decode_export_request(body, content_type, content_encoding, max_inflated_bytes=limit)
    # Every span carries a trace record; folding them per trace here (as the writer would)
    # leaves the writer a fifth of them to unpack and merge.
    traces = list(merge_traces(batch.traces).values())
    records = len(batch.observations) + len(traces)
    packed = pack_records(batch.observations, traces)
    batch.observations, batch.traces = [], []
    return DecodedRequest(batch, packed, records)


def _ready() -> bool:
    return True


class DecodePool:
    """Worker processes for decoding (none: everything is decoded in place)."""

    def __init__(self, processes: int, inline_below: int = INLINE_BELOW_BYTES) -> None:
        self.processes = processes
        self.inline_below = inline_below
        self._pool: ProcessPoolExecutor | None = None

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            # spawn, not fork: the server process has threads (the writer) by now.
            self._pool = ProcessPoolExecutor(
                self.processes, mp_context=multiprocessing.get_context("spawn")
            )
        return self._pool

    def start(self) -> None:
        """Start the workers now, so that the first large request does not wait for them."""
        if self.processes > 0:
            self._executor().submit(_ready)

    def close(self) -> None:
        """Stop the workers."""
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None

    async def decode(
        self, body: bytes, content_type: str | None, content_encoding: str | None, limit: int
    ) -> DecodedRequest:
        """Decode one OTLP request; APIErrors (400, 413) come back as raised in the worker."""
        if self.processes <= 0 or len(body) < self.inline_below:
            batch = decode_export_request(
                body, content_type, content_encoding, max_inflated_bytes=limit
            )
            return DecodedRequest(batch)
        try:
            future = self._executor().submit(
                decode_and_pack, body, content_type, content_encoding, limit
            )
            return await asyncio.wrap_future(future)
        except BrokenProcessPool:
            # A worker died (killed, out of memory): start afresh and decode this one here.
            log.warning("a decoding process died; starting a new one")
            self.close()
            batch = decode_export_request(
                body, content_type, content_encoding, max_inflated_bytes=limit
            )
            return DecodedRequest(batch)
