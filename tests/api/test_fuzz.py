"""Property-based fuzzing of every operation in our OpenAPI document: never a 5xx.

Schemathesis generates valid and invalid requests from `/api/public/openapi.json` and
sends them, authenticated, to the real server (SQLite and PostgreSQL). The run is bounded
(`MAX_EXAMPLES` per operation and mode) so that it stays well under a minute.
"""

from __future__ import annotations

import os

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from tests.support.server import LiveServer

MAX_EXAMPLES = int(os.environ.get("INTERACTIVEAI_FUZZ_EXAMPLES", "8"))


def test_no_operation_answers_5xx(server: LiveServer) -> None:
    schema = schemathesis.openapi.from_url(f"{server.url}/api/public/openapi.json")
    headers = {"Authorization": server.auth_header}
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @settings(
                max_examples=MAX_EXAMPLES,
                deadline=None,
                database=None,
                derandomize=True,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            @given(case=operation.as_strategy(generation_mode=mode))
            def run(case: schemathesis.Case) -> None:
                response = case.call(base_url=server.url, headers=headers, timeout=30)
                if response.status_code >= 500:
                    failures.append(
                        f"{case.method} {case.formatted_path} {case.query} {case.body!r:.200}"
                        f" -> {response.status_code} {response.text[:200]}"
                    )

            try:
                run()
            except Unsatisfiable:
                # Nothing invalid can be made of an operation without inputs (health).
                assert mode is GenerationMode.NEGATIVE, operation.label
    assert operations >= 20
    assert not failures, "\n".join(failures[:20]) + f"\n\nserver log:\n{server.output()[-3000:]}"
