"""The Python SDK against a running platform (scripts/sdk-python.sh test; run by
test/e2e/clients/sdk-python.e2e.spec.ts): create a project, upload a folder, follow the live
log to READY, read the stored log page by page, a 404 and a 422 as DeploySphereError."""

import os
import sys
import time

from deploysphere_sdk import DeploySphere, DeploySphereError, paginate
from deploysphere_sdk.generated.api.deployments import get_deployment
from deploysphere_sdk.generated.api.logs import get_deployment_logs
from deploysphere_sdk.generated.api.projects import create_project, get_project
from deploysphere_sdk.generated.models import CreateProjectRequestDto

ds = DeploySphere(os.environ["DEPLOYSPHERE_API_URL"], os.environ["DEPLOYSPHERE_TOKEN"], os.environ.get("DEPLOYSPHERE_GATEWAY_URL"))
site = os.environ["FIXTURE_SITE"]
lines_expected = int(os.environ["EXPECTED_LINES"])


def check(condition: bool, message: str) -> None:
    if not condition:
        print(f"FAILED: {message}", file=sys.stderr)
        sys.exit(1)


project = ds.call(create_project, body=CreateProjectRequestDto.from_dict({"name": "Python Site", "buildCommand": os.environ["BUILD_COMMAND"], "outputDirectory": "out"}))
deployment = ds.upload_directory(project.id, site)
check(deployment["status"] == "QUEUED" and deployment["projectId"] == project.id, f"queued upload: {deployment}")

live = [line["seq"] for line in ds.follow_logs(deployment["id"])]
check(live == list(range(1, len(live) + 1)) and len(live) >= lines_expected, f"live lines in order: {live[:5]}… ({len(live)})")

deadline = time.time() + 120
while (status := ds.call(get_deployment, deployment["id"]).status) not in ("READY", "FAILED", "CANCELED", "TIMED_OUT"):
    check(time.time() < deadline, f"still {status}")
    time.sleep(0.2)
check(status == "READY", f"READY, not {status}")
check(ds.call(get_project, project.id).live_deployment_id == deployment["id"], "production alias")

pages = []
stored = [line.seq for line in paginate(lambda cursor: pages.append(cursor) or ds.call(get_deployment_logs, deployment["id"], limit=100, cursor=cursor or None))]
check(stored == live, f"stored lines equal the live ones ({len(stored)} vs {len(live)})")
check(len(pages) == (len(live) + 99) // 100 or len(pages) == (len(live) + 99) // 100 + 1, f"read page by page ({len(pages)} pages)")

resumed = [line["seq"] for line in ds.follow_logs(deployment["id"], from_seq=200)]
check(resumed[0] == 200 and resumed[-1] == live[-1], f"resumed from 200: {resumed[:3]}")

try:
    ds.call(get_deployment, "dpl_00000000000000000000000000")
    check(False, "404 raised")
except DeploySphereError as error:
    check(error.status == 404 and error.code == "DEPLOYMENT_NOT_FOUND", f"404: {error.status} {error.code}")

try:
    ds.call(create_project, body=CreateProjectRequestDto.from_dict({"name": ""}))
    check(False, "422 raised")
except DeploySphereError as error:
    check(error.status == 422 and error.code == "VALIDATION_FAILED" and any(e["field"] == "name" for e in error.errors), f"422: {error.status} {error.code} {error.errors}")

print("python sdk: ok")
