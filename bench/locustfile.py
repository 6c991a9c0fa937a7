"""`make loadtest URL=http://127.0.0.1:8000`: a mixed workload of the main pages and the API at
20-50 clients against a running server (locust, headless). Prints throughput, p95 and errors.

Each simulated person signs in as a demo account of their role and then reads what that role
reads most: the workbench, the project list and a project, the plan, the catalog, and the
project list API. The demo data (`make run`) must be loaded."""

import random
import re

from locust import HttpUser, between, task

PASSWORD = "Govit@2026demo"
ROLES = ["jw_tianbao", "wj_tianbao", "dsj_shenhe", "fgw_jingban", "czj_jingban", "sjj_shenji"]


class Person(HttpUser):
    wait_time = between(0.5, 2.0)

    def on_start(self) -> None:
        self.username = random.choice(ROLES)
        page = self.client.get("/accounts/login/", name="/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        self.client.post(
            "/accounts/login/",
            {
                "username": self.username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": token.group(1) if token else "",
            },
            headers={"Referer": f"{self.host}/accounts/login/"},
            name="sign in",
        )
        listing = self.client.get("/api/projects/?page_size=20", name="/api/projects/").json()
        self.projects = [p["id"] for p in (listing.get("items") or [])] or [1]

    @task(4)
    def workbench(self) -> None:
        self.client.get("/", name="workbench")

    @task(4)
    def project_list(self) -> None:
        self.client.get("/projects/", name="/projects/")

    @task(3)
    def project_detail(self) -> None:
        self.client.get(f"/projects/{random.choice(self.projects)}/", name="/projects/[id]/")

    @task(3)
    def project_api(self) -> None:
        page = random.randint(1, 3)
        self.client.get(f"/api/projects/?page={page}", name="/api/projects/?page")

    @task(1)
    def catalog(self) -> None:
        self.client.get("/catalog/systems/", name="/catalog/systems/")

    @task(1)
    def plans(self) -> None:
        self.client.get("/investment/", name="/investment/")
