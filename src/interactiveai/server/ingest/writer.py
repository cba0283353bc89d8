"""One writer per database: a bounded queue of decoded requests, committed in groups.

Request handlers decode and validate, then `submit` and await the returned future; the
writer thread drains whatever has queued up (up to `batch_spans`), applies it in one
transaction and resolves every future after the commit. That is group commit: under load
many requests share one fsync, and a 2xx is never sent for data that is not committed.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field

from sqlalchemy import Connection, Engine

from interactiveai.server.errors import OverloadedError
from interactiveai.server.ingest.apply import PriceFn, apply_records
from interactiveai.server.ingest.records import ObservationRecord, TraceRecord, unpack_records
from interactiveai.server.store.engine import begin_write
from interactiveai.server.store.maintenance import refresh_statistics

log = logging.getLogger(__name__)

STATISTICS_EVERY_SECONDS = 60.0
# ... and whenever the records written since the last refresh reach the records written before
# it (at least this many): statistics taken on a small table made SQLite scan whole tables for
# id lookups once they had grown (20% of the writer's time, growing with the table).
STATISTICS_AFTER_RECORDS = 2_000

# Extra work a request wants done in the same transaction (scores, comments...).
ExtraWrite = Callable[[Connection], None]


@dataclass(slots=True)
class WriteJob:
    """One request's records for one project, and the future its handler awaits.

    Records decoded in another process arrive `packed` (see `records.pack_records`) and are
    unpacked by the writer thread, so the request handler's thread does none of that work.
    """

    project_id: str
    observations: Sequence[ObservationRecord]
    traces: Sequence[TraceRecord]
    extra: ExtraWrite | None = None
    future: Future[None] = field(default_factory=Future)
    packed: bytes | None = None
    packed_records: int = 0

    @property
    def size(self) -> int:
        """Queue cost of the job: its records, at least one."""
        return max(1, len(self.observations) + len(self.traces) + self.packed_records)

    def unpack(self) -> None:
        """Turn packed records into records (once)."""
        if self.packed is not None:
            self.observations, self.traces = unpack_records(self.packed)
            self.packed, self.packed_records = None, 0


class Writer:
    """The single writer thread of one database."""

    def __init__(
        self,
        engine: Engine,
        *,
        max_queue_spans: int = 50_000,
        batch_spans: int = 5_000,
        price: PriceFn | None = None,
    ) -> None:
        self.engine = engine
        self.max_queue_spans = max_queue_spans
        self.batch_spans = batch_spans
        self.price = price
        self._queue: deque[WriteJob] = deque()
        self._queued = 0
        self._cond = threading.Condition()
        self._stopping = False
        self._thread: threading.Thread | None = None
        self.commits = 0
        self._analyzed_at = -STATISTICS_EVERY_SECONDS
        self._written = 0  # records written since start
        self._written_at_analyze = 0
        self._conn: Connection | None = None

    def start(self) -> None:
        """Start the writer thread (idempotent)."""
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._run, name="interactiveai-writer", daemon=True
            )
            self._thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        """Write what is queued, then stop the thread."""
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
        self._drop_connection()

    def submit(self, job: WriteJob) -> Future[None]:
        """Queue a job; raises OverloadedError when the queue is full."""
        with self._cond:
            if self._stopping:
                raise OverloadedError("the server is shutting down", retry_after=5)
            # An oversized job is admitted into an empty queue so it can never starve.
            if self._queued and self._queued + job.size > self.max_queue_spans:
                raise OverloadedError(
                    f"write queue is full ({self._queued} records waiting); retry later",
                    retry_after=1,
                )
            self._queue.append(job)
            self._queued += job.size
            self._cond.notify()
        return job.future

    @property
    def queued(self) -> int:
        """Records waiting to be written."""
        return self._queued

    def _take(self) -> list[WriteJob]:
        with self._cond:
            while not self._queue and not self._stopping:
                self._cond.wait()
            jobs: list[WriteJob] = []
            size = 0
            while self._queue and (not jobs or size + self._queue[0].size <= self.batch_spans):
                job = self._queue.popleft()
                size += job.size
                jobs.append(job)
            self._queued -= size
            return jobs

    def _run(self) -> None:
        self._maybe_refresh_statistics()  # a database that grew while we were down
        while True:
            jobs = self._take()
            if not jobs:
                return  # stopping and drained
            try:
                self._write(jobs)
            except Exception:
                if len(jobs) == 1:
                    log.exception("write failed")
                    self._fail(jobs[0])
                    continue
                # One bad request must not sink the others: retry each on its own.
                log.warning("group write of %d requests failed; retrying one by one", len(jobs))
                for job in jobs:
                    try:
                        self._write([job])
                    except Exception:
                        log.exception("write failed")
                        self._fail(job)

    def _fail(self, job: WriteJob) -> None:
        if not job.future.done():
            job.future.set_exception(
                OverloadedError("the write failed; the data was not stored, retry", retry_after=1)
            )

    def _connection(self) -> Connection:
        # One connection for all writes, not one from the pool each time: the driver caches
        # prepared statements per connection (preparing a multi-row INSERT costs about five
        # times running it), and SQLite's page cache stays valid while one connection writes.
        if self._conn is None or self._conn.closed or self._conn.invalidated:
            self._conn = self.engine.connect()
        return self._conn

    def _drop_connection(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            except Exception:
                log.debug("closing the writer's connection failed", exc_info=True)
            self._conn = None

    def _write(self, jobs: list[WriteJob], attempts: int = 3) -> None:
        for attempt in range(attempts):
            try:
                with begin_write(self._connection()) as conn:
                    for job in jobs:
                        job.unpack()
                        apply_records(
                            conn, job.project_id, job.observations, job.traces, price=self.price
                        )
                        if job.extra is not None:
                            job.extra(conn)
                break
            except Exception as exc:
                # A connection that failed may be broken (a restarted PostgreSQL): start afresh.
                self._drop_connection()
                # Deadlocks and serialization failures between server processes are transient.
                if attempt + 1 == attempts or not _transient(exc):
                    raise
                time.sleep(0.05 * (attempt + 1))
        self.commits += 1
        self._written += sum(job.size for job in jobs)
        for job in jobs:
            if not job.future.done():
                job.future.set_result(None)
        self._maybe_refresh_statistics()

    def _maybe_refresh_statistics(self) -> None:
        # Data grows under the planner's feet; stale statistics made it sort whole tables
        # instead of reading an index (100x slower session pages). After the answers are sent.
        now = time.monotonic()
        grown = self._written - self._written_at_analyze >= max(
            STATISTICS_AFTER_RECORDS, self._written_at_analyze
        )
        if now - self._analyzed_at < STATISTICS_EVERY_SECONDS and not grown:
            return
        self._analyzed_at, self._written_at_analyze = now, self._written
        try:
            conn = self._connection()
            with conn.begin():
                refresh_statistics(conn)
        except Exception:
            self._drop_connection()
            log.warning("refreshing planner statistics failed", exc_info=True)


def _transient(exc: Exception) -> bool:
    if getattr(exc, "connection_invalidated", False):
        return True  # the writer's connection died (a restarted PostgreSQL): a new one may work
    text = str(exc).lower()
    return any(
        s in text for s in ("deadlock", "could not serialize", "database is locked", "unique")
    )
