"""Comments, bookmarks, deletes (rollups stay right), export, custom prices, trace filters."""

from __future__ import annotations

import csv
import io
from typing import Any

import httpx
import pytest

from tests.api.conftest import uid


def ingest(client: httpx.Client, *events: tuple[str, dict[str, Any]]) -> None:
    r = client.post(
        "/api/public/ingestion",
        json={"batch": [{"id": uid(), "type": t, "body": b} for t, b in events]},
    )
    assert r.status_code == 207 and not r.json()["errors"], r.text


def conversation(client: httpx.Client, session: str, turns: int = 2, model: str = "m") -> list[str]:
    """`turns` traces in one session, each with one generation of 10+5 tokens costing 0.03."""
    traces = []
    for i in range(turns):
        trace = uid()
        traces.append(trace)
        ingest(
            client,
            (
                "trace-create",
                {
                    "id": trace,
                    "sessionId": session,
                    "userId": f"u{i}",
                    "name": f"turn-{i}",
                    "timestamp": f"2025-01-01T00:0{i}:00Z",
                    "tags": [f"t{i}"],
                },
            ),
            (
                "generation-create",
                {
                    "id": trace[:16],
                    "traceId": trace,
                    "model": model,
                    "startTime": f"2025-01-01T00:0{i}:00Z",
                    "endTime": f"2025-01-01T00:0{i}:01Z",
                    "input": [{"role": "user", "content": f"q{i}"}],
                    "output": {"role": "assistant", "content": f"=a{i}"},
                    "usageDetails": {"input": 10, "output": 5},
                    "costDetails": {"input": 0.01, "output": 0.02},
                },
            ),
        )
    return traces


def test_comments(client: httpx.Client, other_client: httpx.Client) -> None:
    session = uid("s-")
    trace = conversation(client, session, 1)[0]
    ids = []
    for object_type, object_id in (
        ("TRACE", trace),
        ("OBSERVATION", trace[:16]),
        ("SESSION", session),
    ):
        r = client.post(
            "/api/public/comments",
            json={"objectType": object_type, "objectId": object_id, "content": f"on {object_type}"},
        )
        assert r.status_code == 200, r.text
        ids.append(r.json()["id"])
    listed = client.get(
        "/api/public/comments", params={"objectType": "SESSION", "objectId": session}
    ).json()
    assert [c["content"] for c in listed["data"]] == ["on SESSION"]
    one = client.get(f"/api/public/comments/{ids[0]}").json()
    assert (one["objectType"], one["objectId"]) == ("TRACE", trace)
    # Another project can neither see nor comment on these.
    assert other_client.get(f"/api/public/comments/{ids[0]}").status_code == 404
    r = other_client.post(
        "/api/public/comments", json={"objectType": "TRACE", "objectId": trace, "content": "x"}
    )
    assert r.status_code == 404 and r.json()["message"] == "Trace not found"


def test_bookmark(client: httpx.Client) -> None:
    session = uid("s-")
    conversation(client, session, 1)
    r = client.put(f"/api/public/sessions/{session}/bookmark", json={"bookmarked": True})
    assert r.status_code == 200 and r.json()["bookmarked"] is True
    assert client.get(f"/api/public/sessions/{session}").json()["bookmarked"] is True
    marked = client.get("/api/public/sessions", params={"bookmarked": True, "limit": 100}).json()
    assert session in [s["id"] for s in marked["data"]]
    client.put(f"/api/public/sessions/{session}/bookmark", json={"bookmarked": False})
    assert client.get(f"/api/public/sessions/{session}").json()["bookmarked"] is False
    r = client.put("/api/public/sessions/nope/bookmark", json={"bookmarked": True})
    assert r.status_code == 404


def test_deletes_keep_rollups_right(client: httpx.Client, other_client: httpx.Client) -> None:
    session = uid("s-")
    t1, t2, t3 = conversation(client, session, 3)
    before = client.get(f"/api/public/sessions/{session}").json()
    assert before["countTraces"] == 3 and before["totalTokens"] == 45
    assert before["totalCost"] == pytest.approx(0.09)

    assert other_client.delete(f"/api/public/traces/{t1}").status_code == 404
    r = client.delete(f"/api/public/traces/{t1}")
    assert r.status_code == 200, r.text
    after = client.get(f"/api/public/sessions/{session}").json()
    assert (after["countTraces"], after["totalTokens"]) == (2, 30)
    assert after["userIds"] == ["u1", "u2"] and after["tags"] == ["t1", "t2"]
    assert after["createdAt"].startswith("2025-01-01T00:01")
    assert client.get(f"/api/public/traces/{t1}").status_code == 404
    assert client.get(f"/api/public/observations/{t1[:16]}").status_code == 404

    r = client.request("DELETE", "/api/public/traces", json={"traceIds": [t2, uid()]})
    assert r.status_code == 200 and r.json()["deleted"] == 1
    last = client.get(f"/api/public/sessions/{session}").json()
    assert (last["countTraces"], last["totalCost"]) == (1, pytest.approx(0.03))

    client.post("/api/public/scores", json={"sessionId": session, "name": "x", "value": 1})
    assert other_client.delete(f"/api/public/sessions/{session}").status_code == 404
    assert client.delete(f"/api/public/sessions/{session}").status_code == 200
    assert client.get(f"/api/public/sessions/{session}").status_code == 404
    assert client.get(f"/api/public/traces/{t3}").status_code == 404
    assert client.get("/api/public/v2/scores", params={"sessionId": session}).json()["data"] == []
    assert client.delete(f"/api/public/sessions/{session}").status_code == 404
    r = client.request("DELETE", "/api/public/traces", json={"traceIds": [uid()]})
    assert r.status_code == 404


def test_export_json_and_csv(client: httpx.Client, other_client: httpx.Client) -> None:
    session = uid("s-")
    t1, _ = conversation(client, session, 2)
    client.post("/api/public/scores", json={"sessionId": session, "name": "csat", "value": 4})
    client.post("/api/public/scores", json={"traceId": t1, "name": "q", "value": 1})
    client.post(
        "/api/public/comments",
        json={"objectType": "SESSION", "objectId": session, "content": "=vip"},
    )
    client.post(
        "/api/public/comments",
        json={"objectType": "OBSERVATION", "objectId": t1[:16], "content": "slow"},
    )

    r = client.get(f"/api/public/sessions/{session}/export")
    assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
    doc = r.json()
    assert doc["id"] == session and doc["countTraces"] == 2
    assert [t["name"] for t in doc["traces"]] == ["turn-0", "turn-1"]
    assert doc["traces"][0]["observations"][0]["comments"][0]["content"] == "slow"
    assert doc["traces"][0]["scores"][0]["name"] == "q"
    assert doc["scores"][0]["name"] == "csat" and doc["comments"][0]["content"] == "=vip"

    r = client.get(f"/api/public/sessions/{session}/export", params={"format": "csv"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    kinds = [row["recordType"] for row in rows]
    assert kinds.count("trace") == 2 and kinds.count("observation") == 2
    assert kinds.count("score") == 2 and kinds.count("comment") == 2 and kinds[0] == "session"
    obs = next(row for row in rows if row["recordType"] == "observation")
    assert obs["model"] == "m" and '"q0"' in obs["input"]
    # Cells that a spreadsheet would run as formulas are quoted.
    assert next(r["comment"] for r in rows if r["recordType"] == "comment") == "'=vip"
    assert (
        client.get(f"/api/public/sessions/{session}/export", params={"format": "xml"}).status_code
        == 400
    )
    assert other_client.get(f"/api/public/sessions/{session}/export").status_code == 404


def test_custom_prices_apply_to_new_observations(client: httpx.Client) -> None:
    model = uid("my-model-")
    r = client.post(
        "/api/public/models",
        json={
            "modelName": model,
            "matchPattern": f"(?i)^{model}$",
            "unit": "TOKENS",
            "inputPrice": 0.001,
            "outputPrice": 0.002,
        },
    )
    assert r.status_code == 200, r.text
    created = r.json()
    assert created["prices"] == {"input": {"price": 0.001}, "output": {"price": 0.002}}
    assert client.get(f"/api/public/models/{created['id']}").json()["modelName"] == model
    assert any(m["id"] == created["id"] for m in client.get("/api/public/models").json()["data"])

    trace = uid()
    ingest(
        client,
        (
            "generation-create",
            {
                "id": trace[:16],
                "traceId": trace,
                "model": model.upper(),
                "usage": {"input": 100, "output": 10},
            },
        ),
    )
    obs = client.get(f"/api/public/observations/{trace[:16]}").json()
    assert obs["costDetails"] == pytest.approx({"input": 0.1, "output": 0.02, "total": 0.12})
    assert client.get(f"/api/public/traces/{trace}").json()["totalCost"] == pytest.approx(0.12)

    assert client.delete(f"/api/public/models/{created['id']}").status_code == 204
    assert client.get(f"/api/public/models/{created['id']}").status_code == 404
    r = client.post(
        "/api/public/models", json={"modelName": "x", "matchPattern": "(", "inputPrice": 1}
    )
    assert r.status_code == 400 and "matchPattern" in r.json()["message"]


def test_trace_filters_and_order(client: httpx.Client) -> None:
    session = uid("s-")
    t0, t1, t2 = conversation(client, session, 3)

    def ids(**params: Any) -> list[str]:
        r = client.get("/api/public/traces", params={"sessionId": session, **params})
        assert r.status_code == 200, r.text
        return [t["id"] for t in r.json()["data"]]

    assert ids() == [t2, t1, t0]
    assert ids(orderBy="timestamp.asc") == [t0, t1, t2]
    assert ids(userId="u1") == [t1]
    assert ids(name="turn-2") == [t2]
    assert ids(tags="t0") == [t0]
    assert ids(fromTimestamp="2025-01-01T00:01:00Z", toTimestamp="2025-01-01T00:02:00Z") == [t1]
    assert ids(limit=1, page=2) == [t1]
    obs = client.get(
        "/api/public/observations", params={"traceId": t1, "type": "GENERATION"}
    ).json()
    assert [o["id"] for o in obs["data"]] == [t1[:16]]


def test_user_filters_of_observations_scores_and_sessions(client: httpx.Client) -> None:
    session = uid("s-")
    t0, t1 = conversation(client, session, 2)
    user = uid("user-")
    ingest(
        client,
        ("trace-create", {"id": t1, "userId": user}),  # an upsert, as in Langfuse
        ("score-create", {"id": uid(), "traceId": t1, "name": "helpful", "value": 1}),
        ("score-create", {"id": uid(), "traceId": t0, "name": "helpful", "value": 0}),
    )

    observations = client.get("/api/public/observations", params={"userId": user}).json()
    assert [o["id"] for o in observations["data"]] == [t1[:16]]
    scores = client.get("/api/public/v2/scores", params={"userId": user}).json()
    assert [s["traceId"] for s in scores["data"]] == [t1]
    sessions = client.get("/api/public/sessions", params={"userId": user}).json()
    assert [s["id"] for s in sessions["data"]] == [session]
    assert client.get("/api/public/sessions", params={"userId": uid()}).json()["data"] == []
