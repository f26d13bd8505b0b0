"""The live server the journeys run against answers requests that arrive together (a page,
its htmx previews and polls) on SQLite as on PostgreSQL. No browser needed."""

import http.client
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

from django.conf import settings
from django.test import Client


def test_concurrent_requests_each_get_their_page(live_server, teller):
    client = Client()
    client.force_login(teller)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"

    server = urlsplit(live_server.url)

    def fetch(_):
        connection = http.client.HTTPConnection(server.hostname, server.port, timeout=30)
        try:
            connection.request("GET", "/", headers={"Cookie": cookie})
            response = connection.getresponse()
            return response.status, response.read().decode()
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(fetch, range(48)))

    assert all(status == 200 for status, _body in results)
    name = teller.get_full_name()
    assert name and all(f"您好，{name}" in body for _status, body in results)
