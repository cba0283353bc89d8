"""Settings: argument, else environment variable, else default; each one documented."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

from interactiveai import InteractiveAI
from interactiveai.sdk.settings import DEFAULT_HOST, SETTINGS, Settings, resolve

DOCS = Path(__file__).parents[2] / "docs" / "sdk.md"


def test_defaults() -> None:
    settings = resolve({}, env={})
    assert settings == Settings(
        public_key=None,
        secret_key=None,
        host=DEFAULT_HOST,
        environment=None,
        release=None,
        sample_rate=1.0,
        flush_at=512,
        flush_interval=5.0,
        max_queue_size=8192,
        timeout=10.0,
        debug=False,
        tracing_enabled=True,
        capture_io=True,
    )
    assert DEFAULT_HOST == "http://localhost:3000"


def test_environment_then_argument() -> None:
    env = {
        "INTERACTIVEAI_PUBLIC_KEY": "pk-env",
        "INTERACTIVEAI_HOST": "https://obs.example.com/",
        "INTERACTIVEAI_SAMPLE_RATE": "0.25",
        "INTERACTIVEAI_FLUSH_AT": "10",
        "INTERACTIVEAI_DEBUG": "true",
        "INTERACTIVEAI_TRACING_ENABLED": "0",
        "INTERACTIVEAI_ENVIRONMENT": "production",
    }
    from_env = resolve({}, env=env)
    assert from_env.public_key == "pk-env"
    assert from_env.host == "https://obs.example.com"  # trailing slash removed
    assert (from_env.sample_rate, from_env.flush_at) == (0.25, 10)
    assert (from_env.debug, from_env.tracing_enabled) == (True, False)
    assert from_env.environment == "production"

    given = resolve({"public_key": "pk-arg", "sample_rate": 1, "environment": None}, env=env)
    assert given.public_key == "pk-arg"
    assert given.sample_rate == 1.0
    assert given.environment == "production"  # None means "not given"


def test_bad_values_fall_back_with_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    settings = resolve(
        {"flush_at": 0},
        env={"INTERACTIVEAI_SAMPLE_RATE": "2", "INTERACTIVEAI_FLUSH_INTERVAL": "soon"},
    )
    assert (settings.sample_rate, settings.flush_interval, settings.flush_at) == (1.0, 5.0, 512)
    assert (
        "ignoring INTERACTIVEAI_SAMPLE_RATE='2' (must be between 0 and 1, got 2.0)" in caplog.text
    )
    assert "ignoring INTERACTIVEAI_FLUSH_INTERVAL='soon'" in caplog.text
    assert "ignoring flush_at=0 (must be at least 1, got 0)" in caplog.text


def test_every_setting_is_a_constructor_argument() -> None:
    parameters = inspect.signature(InteractiveAI).parameters
    for setting in SETTINGS:
        assert setting.name in parameters
    assert [s.name for s in SETTINGS] == list(Settings.__slots__)


def test_every_setting_and_constructor_argument_is_documented() -> None:
    text = DOCS.read_text()
    for setting in SETTINGS:
        assert re.search(rf"`{setting.name}`", text), f"{setting.name} missing from docs/sdk.md"
        assert setting.env in text, f"{setting.env} missing from docs/sdk.md"
    for name in inspect.signature(InteractiveAI).parameters:
        assert f"`{name}`" in text, f"constructor argument {name} missing from docs/sdk.md"


def test_every_public_name_is_documented() -> None:
    import interactiveai

    text = DOCS.read_text()
    for name in interactiveai.__all__:
        assert name in text, f"interactiveai.{name} missing from docs/sdk.md"


def test_debug_turns_on_the_sdk_debug_log() -> None:
    import logging

    logger = logging.getLogger("interactiveai")
    level = logger.level
    try:
        InteractiveAI(debug=True, tracing_enabled=False)
        assert logger.getEffectiveLevel() == logging.DEBUG
    finally:
        logger.setLevel(level)
