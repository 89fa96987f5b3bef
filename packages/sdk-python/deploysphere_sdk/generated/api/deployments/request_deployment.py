from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.deployment_dto import DeploymentDto
from ...models.problem_details_dto import ProblemDetailsDto
from ...models.request_deployment_request_dto import RequestDeploymentRequestDto
from ...models.request_deployment_target import RequestDeploymentTarget
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    project_id: str,
    *,
    body: RequestDeploymentRequestDto | Unset = UNSET,
    target: RequestDeploymentTarget | Unset = UNSET,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}


    

    params: dict[str, Any] = {}

    json_target: str | Unset = UNSET
    if not isinstance(target, Unset):
        json_target = target.value

    params["target"] = json_target


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/projects/{project_id}/deployments".format(project_id=quote(str(project_id), safe=""),),
        "params": params,
    }

    
    if not isinstance(body, Unset):
        _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> DeploymentDto | ProblemDetailsDto | None:
    if response.status_code == 202:
        response_202 = DeploymentDto.from_dict(response.json())



        return response_202

    if response.status_code == 400:
        response_400 = ProblemDetailsDto.from_dict(response.json())



        return response_400

    if response.status_code == 401:
        response_401 = ProblemDetailsDto.from_dict(response.json())



        return response_401

    if response.status_code == 403:
        response_403 = ProblemDetailsDto.from_dict(response.json())



        return response_403

    if response.status_code == 404:
        response_404 = ProblemDetailsDto.from_dict(response.json())



        return response_404

    if response.status_code == 408:
        response_408 = ProblemDetailsDto.from_dict(response.json())



        return response_408

    if response.status_code == 409:
        response_409 = ProblemDetailsDto.from_dict(response.json())



        return response_409

    if response.status_code == 413:
        response_413 = ProblemDetailsDto.from_dict(response.json())



        return response_413

    if response.status_code == 415:
        response_415 = ProblemDetailsDto.from_dict(response.json())



        return response_415

    if response.status_code == 422:
        response_422 = ProblemDetailsDto.from_dict(response.json())



        return response_422

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[DeploymentDto | ProblemDetailsDto]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    project_id: str,
    *,
    client: AuthenticatedClient,
    body: RequestDeploymentRequestDto | Unset = UNSET,
    target: RequestDeploymentTarget | Unset = UNSET,

) -> Response[DeploymentDto | ProblemDetailsDto]:
    """ Request a deployment (from git, or by uploading the source)

     Stores the deployment QUEUED and hands it to the orchestrator; poll it or subscribe to its logs to
    follow it.

    - `application/json`: deploy the project's git repository at `gitRef` (default: its production
    branch) or `commitSha`.
    - `application/gzip`: the body is a gzipped tar of the source directory (e.g. `tar -czf - -C site
    .`), streamed; the target comes from `?target=`. The archive is checked before anything is stored:
    absolute paths, `..`, links leading outside the tree, device files, corrupt data and archive bombs
    are refused with a 400 or 413 whose `code` starts with `ARCHIVE_` (docs/source-intake.md lists
    them).

    Args:
        project_id (str):
        target (RequestDeploymentTarget | Unset):
        body (RequestDeploymentRequestDto | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DeploymentDto | ProblemDetailsDto]
     """


    kwargs = _get_kwargs(
        project_id=project_id,
body=body,
target=target,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    project_id: str,
    *,
    client: AuthenticatedClient,
    body: RequestDeploymentRequestDto | Unset = UNSET,
    target: RequestDeploymentTarget | Unset = UNSET,

) -> DeploymentDto | ProblemDetailsDto | None:
    """ Request a deployment (from git, or by uploading the source)

     Stores the deployment QUEUED and hands it to the orchestrator; poll it or subscribe to its logs to
    follow it.

    - `application/json`: deploy the project's git repository at `gitRef` (default: its production
    branch) or `commitSha`.
    - `application/gzip`: the body is a gzipped tar of the source directory (e.g. `tar -czf - -C site
    .`), streamed; the target comes from `?target=`. The archive is checked before anything is stored:
    absolute paths, `..`, links leading outside the tree, device files, corrupt data and archive bombs
    are refused with a 400 or 413 whose `code` starts with `ARCHIVE_` (docs/source-intake.md lists
    them).

    Args:
        project_id (str):
        target (RequestDeploymentTarget | Unset):
        body (RequestDeploymentRequestDto | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DeploymentDto | ProblemDetailsDto
     """


    return sync_detailed(
        project_id=project_id,
client=client,
body=body,
target=target,

    ).parsed

async def asyncio_detailed(
    project_id: str,
    *,
    client: AuthenticatedClient,
    body: RequestDeploymentRequestDto | Unset = UNSET,
    target: RequestDeploymentTarget | Unset = UNSET,

) -> Response[DeploymentDto | ProblemDetailsDto]:
    """ Request a deployment (from git, or by uploading the source)

     Stores the deployment QUEUED and hands it to the orchestrator; poll it or subscribe to its logs to
    follow it.

    - `application/json`: deploy the project's git repository at `gitRef` (default: its production
    branch) or `commitSha`.
    - `application/gzip`: the body is a gzipped tar of the source directory (e.g. `tar -czf - -C site
    .`), streamed; the target comes from `?target=`. The archive is checked before anything is stored:
    absolute paths, `..`, links leading outside the tree, device files, corrupt data and archive bombs
    are refused with a 400 or 413 whose `code` starts with `ARCHIVE_` (docs/source-intake.md lists
    them).

    Args:
        project_id (str):
        target (RequestDeploymentTarget | Unset):
        body (RequestDeploymentRequestDto | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DeploymentDto | ProblemDetailsDto]
     """


    kwargs = _get_kwargs(
        project_id=project_id,
body=body,
target=target,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    project_id: str,
    *,
    client: AuthenticatedClient,
    body: RequestDeploymentRequestDto | Unset = UNSET,
    target: RequestDeploymentTarget | Unset = UNSET,

) -> DeploymentDto | ProblemDetailsDto | None:
    """ Request a deployment (from git, or by uploading the source)

     Stores the deployment QUEUED and hands it to the orchestrator; poll it or subscribe to its logs to
    follow it.

    - `application/json`: deploy the project's git repository at `gitRef` (default: its production
    branch) or `commitSha`.
    - `application/gzip`: the body is a gzipped tar of the source directory (e.g. `tar -czf - -C site
    .`), streamed; the target comes from `?target=`. The archive is checked before anything is stored:
    absolute paths, `..`, links leading outside the tree, device files, corrupt data and archive bombs
    are refused with a 400 or 413 whose `code` starts with `ARCHIVE_` (docs/source-intake.md lists
    them).

    Args:
        project_id (str):
        target (RequestDeploymentTarget | Unset):
        body (RequestDeploymentRequestDto | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DeploymentDto | ProblemDetailsDto
     """


    return (await asyncio_detailed(
        project_id=project_id,
client=client,
body=body,
target=target,

    )).parsed
