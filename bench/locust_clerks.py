"""Clerks at work, for Locust (``bench/web_load.py`` runs it): log in, search, open records and their pages.

Each simulated clerk has a session of its own, searches for a person or a
number (with and without diacritics), opens a record, looks at a page image,
and reads for 1-3 s between clicks. What they look for comes from the JSON
file named by ``SOHOA_LOAD_DATA`` (queries, record keys and their pages,
the account).
"""

from __future__ import annotations

import json
import os
import random
import re

from locust import HttpUser, between, task

_DATA = json.loads(open(os.environ["SOHOA_LOAD_DATA"], encoding="utf-8").read())


class Clerk(HttpUser):
    """One clerk at a desk."""

    wait_time = between(1, 3)

    def on_start(self) -> None:
        page = self.client.get("/login", name="/login")
        token = re.search(r'name="csrf" value="([^"]+)"', page.text)
        with self.client.post("/login", name="/login (POST)", allow_redirects=False, catch_response=True,
                              data={"csrf": token.group(1) if token else "", "username": _DATA["user"],
                                    "password": _DATA["password"], "next": "/search"}) as r:
            if r.status_code != 303:
                r.failure(f"login answered {r.status_code}")

    @task(3)
    def search(self) -> None:
        self.client.get("/search", params={"q": random.choice(_DATA["queries"])}, name="/search?q=…")

    @task(2)
    def record(self) -> None:
        key, _ = random.choice(_DATA["records"])
        self.client.get(f"/records/{key}", name="/records/[key]")

    @task(1)
    def page_image(self) -> None:
        key, pages = random.choice(_DATA["records"])
        self.client.get(f"/records/{key}/pages/{random.choice(pages)}/restored.jpg",
                        name="/records/[key]/pages/[n]/restored.jpg")
