from importlib.resources import files

from app.web.vendor import plotly_url, plotly_version


def test_plotly_is_served_from_the_installed_package_with_long_cache(client):
    r = client.get(plotly_url())
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/javascript")
    assert "max-age=31536000" in r.headers["cache-control"]
    shipped = files("plotly").joinpath("package_data", "plotly.min.js").read_bytes()
    assert r.content == shipped


def test_plotly_url_carries_the_version_and_other_versions_are_404(client):
    assert plotly_version() in plotly_url()
    assert client.get("/vendor/plotly-0.0.0.min.js").status_code == 404
