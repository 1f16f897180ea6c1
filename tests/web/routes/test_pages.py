import re

from app.web.routes.vendor import plotly_url


def test_index_loads_css_js_and_plotly_from_this_server_only(client):
    r = client.get("/")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    html = r.text
    assert plotly_url() in html
    assert re.search(r'href="/static/css/[^"]+\.css', html)
    assert re.search(r'src="/static/js/main\.js', html)
    # Every src/href is local: the page must work on a school network with no internet.
    for url in re.findall(r'(?:src|href)="([^"]+)"', html):
        assert url.startswith("/") or url.startswith("#"), url
