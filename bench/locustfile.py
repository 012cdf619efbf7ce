"""One endpoint under load: BENCH_PATH with BENCH_HEADERS (a session cookie or a bearer token), no think time."""

import json
import os

from locust import FastHttpUser, constant, task

PATH = os.environ.get("BENCH_PATH", "/")
HEADERS = json.loads(os.environ.get("BENCH_HEADERS", "{}"))


class Reader(FastHttpUser):
    """A client that reads the same page as fast as the server answers."""

    wait_time = constant(0)

    @task
    def read(self):
        """GET the page; anything but 200 counts as a failure."""
        self.client.get(PATH, headers=HEADERS, name=PATH)
