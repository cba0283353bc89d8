"""docs/api.md: every curl example runs, in order, against a real server, with real curl."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.support.server import LiveServer

DOC = Path(__file__).parents[2] / "docs" / "api.md"
BLOCK = re.compile(r"```bash\n(.*?)```", re.S)
# Fail on HTTP errors, but print the body so a failure shows the server's message.
STRICT = 'curl() { command curl --fail-with-body --show-error "$@"; }\n'


def blocks() -> list[str]:
    return BLOCK.findall(DOC.read_text())


def test_docs_have_examples_of_every_route_family() -> None:
    text = "\n".join(blocks())
    for path in (
        "/ingestion",
        "/sessions",
        "/traces",
        "/observations",
        "/scores",
        "/v2/scores",
        "/score-configs",
        "/comments",
        "/models",
        "/bookmark",
        "/export",
    ):
        assert path in text, path


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_curl_examples_run(sqlite_server: LiveServer, tmp_path: Path) -> None:
    env = {
        **os.environ,
        "IA_HOST": sqlite_server.url,
        "IA_PK": sqlite_server.public_key,
        "IA_SK": sqlite_server.secret_key,
    }
    examples = blocks()
    assert len(examples) >= 15
    for block in examples:
        expect_error = block.startswith("# expect-error")
        script = block if expect_error else STRICT + block
        proc = subprocess.run(
            ["bash", "-e", "-o", "pipefail", "-c", script],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert proc.returncode == 0, f"{block}\n---\n{proc.stdout}\n{proc.stderr}"
        if expect_error:
            for line in proc.stdout.replace("}{", "}\n{").splitlines():
                assert set(json.loads(line)) == {"message", "error"}, line
    exported = json.loads((tmp_path / "ticket-2611.json").read_text())
    assert exported["id"] == "ticket-2611" and exported["countTraces"] == 1
    assert exported["totalCost"] == pytest.approx(0.00036)
    assert (tmp_path / "ticket-2611.csv").read_text().startswith("recordType,")
