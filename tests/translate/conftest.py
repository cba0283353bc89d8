"""Fixtures for translation tests: real Apertium, a stub LLM provider, a cache database.

Tests marked `apertium` need the Debian packages `apertium` and `apertium-eng-spa`; they
are skipped on a developer machine without them and fail under CI=true, where the test
installer must have put them there.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Column, Engine, MetaData, String, Table, Text

from interactiveai.server.store.engine import make_engine
from interactiveai.server.store.types import UtcDateTime
from interactiveai.server.translate.apertium import ApertiumTranslator
from interactiveai.server.translate.openai_compat import OpenAICompatibleTranslator
from tests.translate.stub_llm import StubLLM, start_stub, stop_stub

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
APERTIUM_PACKAGES = "apertium apertium-eng-spa"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", f"apertium: needs the Apertium command and pairs ({APERTIUM_PACKAGES})"
    )


def _apertium_problem() -> str | None:
    if shutil.which("apertium") is None:
        return "the `apertium` command is missing"
    if ("es", "en") not in ApertiumTranslator().modes():
        return "the Apertium spa-eng pair is missing"
    return None


@pytest.fixture(autouse=True)
def _require_apertium(request: pytest.FixtureRequest) -> None:
    if request.node.get_closest_marker("apertium") is None:
        return
    problem = _apertium_problem()
    if problem is None:
        return
    message = f"{problem}: install with `apt-get install {APERTIUM_PACKAGES}`"
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def apertium() -> ApertiumTranslator:
    """The real Apertium engine (installed pairs)."""
    return ApertiumTranslator(timeout=60)


@pytest.fixture
def stub_llm() -> Iterator[StubLLM]:
    """A fake OpenAI-compatible provider on 127.0.0.1."""
    stub, thread = start_stub()
    yield stub
    stop_stub(stub, thread)


@pytest.fixture
def llm(stub_llm: StubLLM) -> Iterator[OpenAICompatibleTranslator]:
    """The OpenAI-compatible engine pointed at the stub."""
    engine = OpenAICompatibleTranslator(
        base_url=stub_llm.url, model="stub-model", api_key="sk-stub-secret", timeout=5
    )
    yield engine
    engine.close()


def cache_table(metadata: MetaData) -> Table:
    """The same columns as the store's `translations` table, for a database of our own."""
    return Table(
        "translations",
        metadata,
        Column("text_hash", String(64), primary_key=True),
        Column("source_lang", String(16), primary_key=True),
        Column("target_lang", String(16), primary_key=True),
        Column("engine", String(64), primary_key=True),
        Column("translated_text", Text, nullable=False),
        Column("created_at", UtcDateTime, nullable=False),
    )


@pytest.fixture
def sqlite_cache_db(tmp_path: Path) -> Iterator[tuple[Engine, Table]]:
    """A real SQLite file holding only a translations table created by the test."""
    engine = make_engine(f"sqlite:///{tmp_path / 'cache.db'}", pool_size=1)
    metadata = MetaData()
    table = cache_table(metadata)
    metadata.create_all(engine)
    yield engine, table
    engine.dispose()
