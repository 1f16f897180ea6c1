from app import __version__


def test_health_reports_status_and_version(client):
    r = client.get("/api/health")
    assert r.status_code == 200
    assert r.json() == {"status": "ok", "version": __version__, "computing": 0, "slots": 4}


def test_openapi_and_docs_stay_on(client):
    assert client.get("/openapi.json").json()["info"]["title"] == "Gradient Flow Lab"
    assert client.get("/docs").status_code == 200
