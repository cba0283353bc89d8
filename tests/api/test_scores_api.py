"""Scores and score configs over HTTP; session scores in the sessions list (filter and sort)."""

from __future__ import annotations

from typing import Any

import httpx

from tests.api.conftest import uid


def make_session(client: httpx.Client, session: str, trace: str | None = None) -> str:
    trace = trace or uid()
    r = client.post(
        "/api/public/ingestion",
        json={
            "batch": [
                {"id": uid(), "type": "trace-create", "body": {"id": trace, "sessionId": session}}
            ]
        },
    )
    assert r.status_code == 207 and not r.json()["errors"], r.text
    return trace


def score(client: httpx.Client, **body: Any) -> str:
    r = client.post("/api/public/scores", json=body)
    assert r.status_code == 200, r.text
    return str(r.json()["id"])


def test_create_get_list_delete(client: httpx.Client) -> None:
    session = uid("s-")
    trace = make_session(client, session)
    s1 = score(client, traceId=trace, name="quality", value=0.9, comment="good")
    s2 = score(client, sessionId=session, name="resolved", value=True, dataType="BOOLEAN")
    s3 = score(client, sessionId=session, name="tone", value="friendly")
    got = client.get(f"/api/public/v2/scores/{s2}").json()
    assert got["dataType"] == "BOOLEAN" and got["value"] == 1 and got["stringValue"] == "True"
    assert got["sessionId"] == session and got["traceId"] is None and got["source"] == "API"

    listed = client.get("/api/public/v2/scores", params={"sessionId": session}).json()
    assert {x["id"] for x in listed["data"]} == {s2, s3}
    # The v1 paths of older clients answer the same.
    v1 = client.get("/api/public/scores", params={"sessionId": session}).json()
    assert v1["data"] == listed["data"]
    assert client.get(f"/api/public/scores/{s2}").json() == got
    assert listed["meta"]["totalItems"] == 2
    by_trace = client.get("/api/public/v2/scores", params={"traceId": trace}).json()
    assert [x["id"] for x in by_trace["data"]] == [s1]
    cats = client.get(
        "/api/public/v2/scores", params={"sessionId": session, "dataType": "CATEGORICAL"}
    ).json()
    assert [x["stringValue"] for x in cats["data"]] == ["friendly"]
    high = client.get(
        "/api/public/v2/scores", params={"traceId": trace, "operator": ">=", "value": 0.5}
    ).json()
    assert len(high["data"]) == 1

    # The same id again updates the score.
    score(client, id=s1, traceId=trace, name="quality", value=0.1)
    assert client.get(f"/api/public/v2/scores/{s1}").json()["value"] == 0.1

    assert client.delete(f"/api/public/scores/{s1}").status_code == 204
    assert client.get(f"/api/public/v2/scores/{s1}").status_code == 404
    assert client.delete(f"/api/public/scores/{s1}").status_code == 404


def test_list_of_scores_is_answered_202_or_207(client: httpx.Client) -> None:
    session = uid("s-")
    r = client.post(
        "/api/public/scores",
        json=[
            {"sessionId": session, "name": "a", "value": 1},
            {"sessionId": session, "name": "b", "value": 2},
        ],
    )
    assert r.status_code == 202 and r.json() == {"message": "Accepted"}
    r = client.post(
        "/api/public/scores",
        json=[
            {"sessionId": session, "name": "c", "value": 3},
            {"sessionId": session, "name": "d", "value": 2, "dataType": "BOOLEAN"},
            {"name": "e", "value": 1},
        ],
    )
    assert r.status_code == 207
    body = r.json()
    assert (body["accepted"], body["rejected"]) == (1, 2)
    assert "value" in body["errors"][0]["message"]
    names = {
        x["name"]
        for x in client.get("/api/public/v2/scores", params={"sessionId": session}).json()["data"]
    }
    assert names == {"a", "b", "c"}


def test_score_configs(client: httpx.Client) -> None:
    name = uid("verdict-")
    r = client.post(
        "/api/public/score-configs",
        json={
            "name": name,
            "dataType": "CATEGORICAL",
            "categories": [{"label": "bad", "value": 0}, {"label": "good", "value": 1}],
            "description": "human verdict",
        },
    )
    assert r.status_code == 200, r.text
    config = r.json()
    assert config["dataType"] == "CATEGORICAL" and len(config["categories"]) == 2
    assert client.get(f"/api/public/score-configs/{config['id']}").json()["name"] == name
    assert any(
        c["id"] == config["id"] for c in client.get("/api/public/score-configs").json()["data"]
    )

    session = uid("s-")
    sid = score(
        client,
        sessionId=session,
        name=name,
        value="good",
        configId=config["id"],
        source="ANNOTATION",
    )
    got = client.get(f"/api/public/v2/scores/{sid}").json()
    assert (got["value"], got["stringValue"], got["source"]) == (1, "good", "ANNOTATION")
    r = client.post(
        "/api/public/scores",
        json={"sessionId": session, "name": name, "value": "meh", "configId": config["id"]},
    )
    assert r.status_code == 400 and "value" in r.json()["message"]

    r = client.patch(f"/api/public/score-configs/{config['id']}", json={"isArchived": True})
    assert r.status_code == 200 and r.json()["isArchived"] is True
    r = client.post(
        "/api/public/scores",
        json={"sessionId": session, "name": name, "value": "good", "configId": config["id"]},
    )
    assert r.status_code == 400 and "archived" in r.json()["message"]
    assert (
        client.patch("/api/public/score-configs/nope", json={"isArchived": True}).status_code == 404
    )


def test_sessions_filter_and_sort_by_session_score(client: httpx.Client) -> None:
    name = uid("csat-")
    sessions = [uid("s-") for _ in range(3)]
    for sid in sessions:
        make_session(client, sid)
    score(client, sessionId=sessions[0], name=name, value=0.2)
    score(client, sessionId=sessions[1], name=name, value=0.9)
    score(client, sessionId=sessions[1], name=name + "-label", value="great")

    def ids(**params: Any) -> list[str]:
        r = client.get("/api/public/sessions", params={"limit": 100, **params})
        assert r.status_code == 200, r.text
        return [s["id"] for s in r.json()["data"] if s["id"] in sessions]

    assert ids(orderBy=f"score:{name}.desc") == [sessions[1], sessions[0], sessions[2]]
    assert ids(orderBy=f"score:{name}.asc") == [sessions[0], sessions[1], sessions[2]]
    assert ids(score=f"{name}>=0.5") == [sessions[1]]
    assert sorted(ids(score=name)) == sorted(sessions[:2])
    assert ids(score=f"{name}-label=great") == [sessions[1]]
    assert ids(score=[f"{name}<1", f"{name}>0.5"]) == [sessions[1]]
    listed = client.get("/api/public/sessions", params={"score": f"{name}>=0.5"}).json()["data"]
    assert [s["value"] for s in listed[0]["scores"] if s["name"] == name] == [0.9]
    for bad in ("", f"{name}>=", f"{name}>=abc"):
        r = client.get("/api/public/sessions", params={"score": bad})
        assert r.status_code == 400 and "score" in r.json()["message"], r.text
