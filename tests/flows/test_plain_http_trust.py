"""The trust store given to Prefect for a plain-HTTP API: only then, never over the operator's own choice, and a
file Prefect can load that trusts no server at all."""

import os
import ssl
from datetime import datetime, timezone

import pytest
from cryptography import x509

from flows.runtime import PLAIN_HTTP_TRUST, plain_http_trust


@pytest.mark.parametrize("api, expected", [
    ("http://prefect:4200/api", str(PLAIN_HTTP_TRUST)),   # served over plain HTTP: no certificate is ever checked
    ("https://prefect.example/api", None),                # HTTPS keeps Prefect's own trust settings
    (None, None),                                          # the embedded server (SQLite): Prefect's default
])
def test_only_a_plain_http_api_gets_the_one_certificate_trust_store(monkeypatch, api, expected):
    monkeypatch.delenv("PREFECT_API_SSL_CERT_FILE", raising=False)
    if api is None:
        monkeypatch.delenv("PREFECT_API_URL", raising=False)
    else:
        monkeypatch.setenv("PREFECT_API_URL", api)
    plain_http_trust()
    assert os.environ.get("PREFECT_API_SSL_CERT_FILE") == expected


def test_an_operators_own_trust_file_is_kept(monkeypatch):
    monkeypatch.setenv("PREFECT_API_URL", "http://prefect:4200/api")
    monkeypatch.setenv("PREFECT_API_SSL_CERT_FILE", "/etc/ssl/our-ca.pem")
    plain_http_trust()
    assert os.environ["PREFECT_API_SSL_CERT_FILE"] == "/etc/ssl/our-ca.pem"


def test_the_file_loads_and_trusts_nothing():
    ssl.create_default_context(cafile=str(PLAIN_HTTP_TRUST))   # Prefect builds its context from it: it must load
    cert = x509.load_pem_x509_certificate(PLAIN_HTTP_TRUST.read_bytes())
    assert cert.not_valid_after_utc < datetime.now(timezone.utc)   # expired: no chain can end in it
