"""A thin wrapper over the generated client: typed answers or a DeploySphereError."""

from __future__ import annotations

import json
import queue
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

import httpx
import socketio

from .generated import AuthenticatedClient
from .generated.models.problem_details_dto import ProblemDetailsDto
from .generated.types import Response
from .ignore_rules import list_source_files

T = TypeVar("T")
TERMINAL_STATUSES = ("READY", "FAILED", "CANCELED", "TIMED_OUT")


class DeploySphereError(Exception):
    """A non-2xx answer, from its application/problem+json body: ``code`` is stable."""

    def __init__(self, status: int, code: str, title: str, detail: str | None = None, errors: list[dict[str, Any]] | None = None):
        super().__init__(f"{title}: {detail}" if detail else title)
        self.status = status
        self.code = code
        self.title = title
        self.detail = detail
        self.errors = errors or []

    @classmethod
    def from_response(cls, status: int, content: bytes) -> "DeploySphereError":
        try:
            body = json.loads(content)
        except ValueError:
            body = {}
        if isinstance(body, dict) and isinstance(body.get("code"), str):
            return cls(status, body["code"], str(body.get("title", "")), body.get("detail"), body.get("errors"))
        return cls(status, f"HTTP_{status}", f"HTTP {status}")


def unwrap(response: Response[Any]) -> Any:
    """The parsed body of a generated call, or the problem raised as a DeploySphereError."""
    if response.status_code >= 400 or isinstance(response.parsed, ProblemDetailsDto):
        raise DeploySphereError.from_response(int(response.status_code), response.content)
    return response.parsed


def paginate(fetch_page: Callable[[str | None], Any]) -> Iterator[Any]:
    """Every item of a cursor-paginated list, one page at a time."""
    cursor: str | None = None
    while True:
        page = fetch_page(cursor)
        yield from page.items
        cursor = page.next_cursor if isinstance(page.next_cursor, str) else None
        if not cursor:
            return


class DeploySphere:
    """``client`` is the generated AuthenticatedClient, for every operation of the API."""

    def __init__(self, api_url: str, token: str, gateway_url: str | None = None):
        self.api_url = api_url.rstrip("/")
        self.token = token
        self.gateway_url = gateway_url or _default_gateway_url(self.api_url)
        self.client = AuthenticatedClient(base_url=self.api_url, token=token, timeout=httpx.Timeout(60.0))

    def call(self, operation: Any, *args: Any, **kwargs: Any) -> Any:
        """``call(get_deployment, deployment_id)`` = ``unwrap(get_deployment.sync_detailed(deployment_id, client=...))``."""
        return unwrap(operation.sync_detailed(*args, client=self.client, **kwargs))

    def upload_directory(self, project_id: str, directory: str, target: str = "PRODUCTION") -> dict[str, Any]:
        """Packs a folder (ignore rules: list_source_files) as a gzip tar and starts its build.

        The archive is written to a temporary file (spilled to disk, not held in memory) and
        streamed from it; the generator does not model the application/gzip body.
        """
        with tempfile.TemporaryFile() as archive:
            with tarfile.open(fileobj=archive, mode="w:gz") as tar:
                for f in list_source_files(directory):
                    info = tarfile.TarInfo(f.path)
                    info.size = f.size
                    info.mode = f.mode
                    with open(f.absolute_path, "rb") as handle:
                        tar.addfile(info, handle)
            archive.seek(0)
            response = self.client.get_httpx_client().post(
                f"/v1/projects/{project_id}/deployments",
                params={"target": target},
                headers={"Content-Type": "application/gzip"},
                content=_chunks(archive),
            )
        if response.status_code >= 400:
            raise DeploySphereError.from_response(response.status_code, response.content)
        return response.json()

    def follow_logs(self, deployment_id: str, from_seq: int = 1, timeout: float = 600.0) -> Iterator[dict[str, Any]]:
        """The live build log through the gateway, line by line in seq order, until the build ends.

        After a dropped connection it subscribes again from the line after the last one yielded.
        """
        next_seq = from_seq
        events: queue.Queue[tuple[str, Any]] = queue.Queue()
        sio = socketio.Client(reconnection=True)

        @sio.event
        def connect() -> None:
            sio.emit("logs:subscribe", {"deploymentId": deployment_id, "fromSeq": next_seq}, callback=lambda result: events.put(("ack", result)))

        sio.on("logs:lines", lambda payload: events.put(("lines", payload)))
        sio.on("logs:end", lambda payload: events.put(("end", payload)))
        sio.on("gateway:error", lambda payload: events.put(("error", payload)))
        sio.connect(self.gateway_url, auth={"token": self.token}, transports=["websocket"], wait_timeout=30)
        # Handlers may run on different threads, so events can be queued out of order: lines are
        # held until they are next, and the end counts once every line up to it was yielded.
        held: dict[int, dict[str, Any]] = {}
        last_seq: int | None = None
        try:
            while last_seq is None or next_seq <= last_seq:
                kind, payload = events.get(timeout=timeout)
                if kind == "ack" and not payload.get("ok"):
                    error = payload["error"]
                    raise DeploySphereError(0, error["code"], error["message"])
                if kind == "error" and payload.get("code") != "SLOW_CONSUMER":
                    raise DeploySphereError(0, payload["code"], payload["message"])
                if kind == "lines" and payload["deploymentId"] == deployment_id:
                    for line in payload["lines"]:
                        if line["seq"] >= next_seq:
                            held[line["seq"]] = line
                    while next_seq in held:
                        line = held.pop(next_seq)
                        next_seq += 1
                        yield line
                if kind == "end" and payload["deploymentId"] == deployment_id:
                    last_seq = payload["lastSeq"]
        finally:
            sio.disconnect()


def _chunks(handle: Any, size: int = 64 * 1024) -> Iterator[bytes]:
    while chunk := handle.read(size):
        yield chunk


def _default_gateway_url(api_url: str) -> str:
    parts = urlsplit(api_url)
    return urlunsplit((parts.scheme, f"{parts.hostname}:3001", "", "", ""))
