"""The API reference page is served by the app, with no third-party host and no inline script."""

import re


def test_reference_page_loads_only_its_own_assets(client):
    page = client.get("/api/v1/docs/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(s.startswith("/") and not s.startswith("//") for s in sources)
    assert "<script>" not in html   # every script has a src: the CSP allows no inline script
    assert "unsafe-inline" not in page.headers["Content-Security-Policy"]
    for source in sources:
        assert client.get(source).status_code == 200, source


def test_only_the_listed_swagger_files_are_served(client):
    assert client.get("/api/v1/docs/assets/index.html").status_code == 404
    assert client.get("/api/v1/docs/assets/..%2F..%2F__init__.py").status_code == 404
