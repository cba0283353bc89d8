"""One registry of SDK settings: constructor argument, else environment variable, else default.

Every setting is documented in docs/sdk.md; tests/sdk/test_settings.py checks that.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

logger = logging.getLogger("interactiveai")

DEFAULT_HOST = "http://localhost:3000"


def _parse_bool(raw: str) -> bool:
    value = raw.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off", ""):
        return False
    raise ValueError(f"expected true/false, got {raw!r}")


def _parse_rate(raw: str) -> float:
    value = float(raw)
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"must be between 0 and 1, got {value}")
    return value


def _parse_positive_int(raw: str) -> int:
    value = int(raw)
    if value < 1:
        raise ValueError(f"must be at least 1, got {value}")
    return value


def _parse_positive_float(raw: str) -> float:
    value = float(raw)
    if value <= 0:
        raise ValueError(f"must be greater than 0, got {value}")
    return value


def _parse_host(raw: str) -> str:
    # A trailing slash would double up when endpoint paths are appended.
    return raw.strip().rstrip("/")


def _parse_optional_str(raw: str) -> str | None:
    return raw.strip() or None


@dataclass(frozen=True, slots=True)
class Setting:
    """One setting: its constructor argument, its environment variable, its default."""

    name: str
    env: str
    default: Any
    parse: Callable[[str], Any]
    doc: str


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "public_key",
        "INTERACTIVEAI_PUBLIC_KEY",
        None,
        _parse_optional_str,
        "Project public key (`pk-...`), the HTTP Basic user name.",
    ),
    Setting(
        "secret_key",
        "INTERACTIVEAI_SECRET_KEY",
        None,
        _parse_optional_str,
        "Project secret key (`sk-...`), the HTTP Basic password.",
    ),
    Setting(
        "host",
        "INTERACTIVEAI_HOST",
        DEFAULT_HOST,
        _parse_host,
        "Base URL of the InteractiveAI server.",
    ),
    Setting(
        "environment",
        "INTERACTIVEAI_ENVIRONMENT",
        None,
        _parse_optional_str,
        "Environment written on every observation (server default: `default`).",
    ),
    Setting(
        "release",
        "INTERACTIVEAI_RELEASE",
        None,
        _parse_optional_str,
        "Release of your application, written on every observation.",
    ),
    Setting(
        "sample_rate",
        "INTERACTIVEAI_SAMPLE_RATE",
        1.0,
        _parse_rate,
        "Share of traces exported, 0 to 1, decided per trace id.",
    ),
    Setting(
        "flush_at",
        "INTERACTIVEAI_FLUSH_AT",
        512,
        _parse_positive_int,
        "Batch size: a batch is sent as soon as this many items wait.",
    ),
    Setting(
        "flush_interval",
        "INTERACTIVEAI_FLUSH_INTERVAL",
        5.0,
        _parse_positive_float,
        "Seconds between background sends.",
    ),
    Setting(
        "max_queue_size",
        "INTERACTIVEAI_MAX_QUEUE_SIZE",
        8192,
        _parse_positive_int,
        "Items held in memory per queue; beyond it new items are dropped (one warning).",
    ),
    Setting(
        "timeout",
        "INTERACTIVEAI_TIMEOUT",
        10.0,
        _parse_positive_float,
        "Seconds one batch may spend in HTTP requests and retries before it is dropped.",
    ),
    Setting(
        "debug",
        "INTERACTIVEAI_DEBUG",
        False,
        _parse_bool,
        "Log the SDK's debug messages to stderr.",
    ),
    Setting(
        "tracing_enabled",
        "INTERACTIVEAI_TRACING_ENABLED",
        True,
        _parse_bool,
        "False turns the SDK into a no-op: nothing is recorded or sent.",
    ),
    Setting(
        "capture_io",
        "INTERACTIVEAI_CAPTURE_IO",
        True,
        _parse_bool,
        "Default for `observe(capture_input=..., capture_output=...)`.",
    ),
)


@dataclass(frozen=True, slots=True)
class Settings:
    """The resolved values of SETTINGS for one client."""

    public_key: str | None
    secret_key: str | None
    host: str
    environment: str | None
    release: str | None
    sample_rate: float
    flush_at: int
    flush_interval: float
    max_queue_size: int
    timeout: float
    debug: bool
    tracing_enabled: bool
    capture_io: bool


def resolve(arguments: Mapping[str, Any], env: Mapping[str, str] | None = None) -> Settings:
    """Settings from constructor arguments (None = not given), else the environment, else defaults."""
    environ = os.environ if env is None else env
    values: dict[str, Any] = {}
    for setting in SETTINGS:
        given = arguments.get(setting.name)
        if given is not None:
            values[setting.name] = _checked(setting, given)
            continue
        raw = environ.get(setting.env)
        if raw is None:
            values[setting.name] = setting.default
            continue
        try:
            values[setting.name] = setting.parse(raw)
        except ValueError as error:
            # A typo in the environment must not stop the application: fall back, say why.
            logger.warning(
                "InteractiveAI: ignoring %s=%r (%s); using %r",
                setting.env,
                raw,
                error,
                setting.default,
            )
            values[setting.name] = setting.default
    return Settings(**values)


def _checked(setting: Setting, value: Any) -> Any:
    """Validate a constructor argument by the same rule as its environment variable."""
    if isinstance(value, str):
        try:
            return setting.parse(value)
        except ValueError as error:
            logger.warning("InteractiveAI: ignoring %s=%r (%s)", setting.name, value, error)
            return setting.default
    if setting.parse is _parse_bool:
        return bool(value)
    if setting.parse in (_parse_rate, _parse_positive_int, _parse_positive_float):
        try:
            return setting.parse(str(value))
        except ValueError as error:
            logger.warning("InteractiveAI: ignoring %s=%r (%s)", setting.name, value, error)
            return setting.default
    return value


def enable_debug_logging() -> None:
    """debug=True: our logger at DEBUG, to stderr unless the application already routes it."""
    logger.setLevel(logging.DEBUG)
    if not logger.handlers and not logging.getLogger().handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
        logger.addHandler(handler)
