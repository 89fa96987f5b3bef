from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.alias_dto import AliasDto
from ...models.problem_details_dto import ProblemDetailsDto
from ...models.rollback_project_request_dto import RollbackProjectRequestDto
from typing import cast



def _get_kwargs(
    project_id: str,
    *,
    body: RollbackProjectRequestDto,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}


    

    

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/projects/{project_id}/rollback".format(project_id=quote(str(project_id), safe=""),),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> AliasDto | ProblemDetailsDto | None:
    if response.status_code == 200:
        response_200 = AliasDto.from_dict(response.json())



        return response_200

    if response.status_code == 202:
        response_202 = AliasDto.from_dict(response.json())



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

    if response.status_code == 409:
        response_409 = ProblemDetailsDto.from_dict(response.json())



        return response_409

    if response.status_code == 422:
        response_422 = ProblemDetailsDto.from_dict(response.json())



        return response_422

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[AliasDto | ProblemDetailsDto]:
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
    body: RollbackProjectRequestDto,

) -> Response[AliasDto | ProblemDetailsDto]:
    """ Roll the production URL back

     To the previous READY production deployment, or to the one named. Nothing is rebuilt. A server app
    is started first (or found running): 202 `starting`, and the alias moves once it is healthy.

    Args:
        project_id (str):
        body (RollbackProjectRequestDto):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AliasDto | ProblemDetailsDto]
     """


    kwargs = _get_kwargs(
        project_id=project_id,
body=body,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    project_id: str,
    *,
    client: AuthenticatedClient,
    body: RollbackProjectRequestDto,

) -> AliasDto | ProblemDetailsDto | None:
    """ Roll the production URL back

     To the previous READY production deployment, or to the one named. Nothing is rebuilt. A server app
    is started first (or found running): 202 `starting`, and the alias moves once it is healthy.

    Args:
        project_id (str):
        body (RollbackProjectRequestDto):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AliasDto | ProblemDetailsDto
     """


    return sync_detailed(
        project_id=project_id,
client=client,
body=body,

    ).parsed

async def asyncio_detailed(
    project_id: str,
    *,
    client: AuthenticatedClient,
    body: RollbackProjectRequestDto,

) -> Response[AliasDto | ProblemDetailsDto]:
    """ Roll the production URL back

     To the previous READY production deployment, or to the one named. Nothing is rebuilt. A server app
    is started first (or found running): 202 `starting`, and the alias moves once it is healthy.

    Args:
        project_id (str):
        body (RollbackProjectRequestDto):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AliasDto | ProblemDetailsDto]
     """


    kwargs = _get_kwargs(
        project_id=project_id,
body=body,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    project_id: str,
    *,
    client: AuthenticatedClient,
    body: RollbackProjectRequestDto,

) -> AliasDto | ProblemDetailsDto | None:
    """ Roll the production URL back

     To the previous READY production deployment, or to the one named. Nothing is rebuilt. A server app
    is started first (or found running): 202 `starting`, and the alias moves once it is healthy.

    Args:
        project_id (str):
        body (RollbackProjectRequestDto):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AliasDto | ProblemDetailsDto
     """


    return (await asyncio_detailed(
        project_id=project_id,
client=client,
body=body,

    )).parsed
