"""Project-wide checks: every setting documented, import layers respected."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from interactiveai.server.settings import REGISTRY

ROOT = Path(__file__).resolve().parents[1]


def test_every_setting_is_documented() -> None:
    doc = (ROOT / "docs" / "configuration.md").read_text()
    missing = [s.env for s in REGISTRY if f"`{s.env}`" not in doc]
    assert missing == []


def test_import_layers() -> None:
    lint_imports = Path(sys.executable).parent / "lint-imports"
    r = subprocess.run([str(lint_imports)], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


def test_sdk_import_does_not_load_the_server() -> None:
    code = (
        "import sys, interactiveai; "
        "bad = [m for m in sys.modules if m.startswith(('interactiveai.server', 'sqlalchemy', 'fastapi'))]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
