from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.get_deployment_logs_stream import GetDeploymentLogsStream
from ...models.log_line_page import LogLinePage
from ...models.problem_details_dto import ProblemDetailsDto
from ...types import UNSET, Unset
from typing import cast
import datetime



def _get_kwargs(
    deployment_id: str,
    *,
    from_seq: int | Unset = UNSET,
    limit: int | Unset = 100,
    stream: GetDeploymentLogsStream | Unset = UNSET,
    from_: datetime.datetime | Unset = UNSET,
    to: datetime.datetime | Unset = UNSET,
    q: str | Unset = UNSET,
    cursor: str | Unset = UNSET,

) -> dict[str, Any]:
    

    

    params: dict[str, Any] = {}

    params["fromSeq"] = from_seq

    params["limit"] = limit

    json_stream: str | Unset = UNSET
    if not isinstance(stream, Unset):
        json_stream = stream.value

    params["stream"] = json_stream

    json_from_: str | Unset = UNSET
    if not isinstance(from_, Unset):
        json_from_ = from_.isoformat()
    params["from"] = json_from_

    json_to: str | Unset = UNSET
    if not isinstance(to, Unset):
        json_to = to.isoformat()
    params["to"] = json_to

    params["q"] = q

    params["cursor"] = cursor


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/deployments/{deployment_id}/logs".format(deployment_id=quote(str(deployment_id), safe=""),),
        "params": params,
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> LogLinePage | ProblemDetailsDto | None:
    if response.status_code == 200:
        response_200 = LogLinePage.from_dict(response.json())



        return response_200

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

    if response.status_code == 422:
        response_422 = ProblemDetailsDto.from_dict(response.json())



        return response_422

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[LogLinePage | ProblemDetailsDto]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    deployment_id: str,
    *,
    client: AuthenticatedClient,
    from_seq: int | Unset = UNSET,
    limit: int | Unset = 100,
    stream: GetDeploymentLogsStream | Unset = UNSET,
    from_: datetime.datetime | Unset = UNSET,
    to: datetime.datetime | Unset = UNSET,
    q: str | Unset = UNSET,
    cursor: str | Unset = UNSET,

) -> Response[LogLinePage | ProblemDetailsDto]:
    """ Search a deployment's build log

     Stored lines, oldest first. Filters combine: from a line number, one stream, a time range, a
    substring. To follow a build live, subscribe through the gateway (Socket.IO) instead.

    Args:
        deployment_id (str):
        from_seq (int | Unset):
        limit (int | Unset):  Default: 100.
        stream (GetDeploymentLogsStream | Unset):
        from_ (datetime.datetime | Unset):  Example: 2026-11-26T17:00:00Z.
        to (datetime.datetime | Unset):
        q (str | Unset):
        cursor (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[LogLinePage | ProblemDetailsDto]
     """


    kwargs = _get_kwargs(
        deployment_id=deployment_id,
from_seq=from_seq,
limit=limit,
stream=stream,
from_=from_,
to=to,
q=q,
cursor=cursor,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    deployment_id: str,
    *,
    client: AuthenticatedClient,
    from_seq: int | Unset = UNSET,
    limit: int | Unset = 100,
    stream: GetDeploymentLogsStream | Unset = UNSET,
    from_: datetime.datetime | Unset = UNSET,
    to: datetime.datetime | Unset = UNSET,
    q: str | Unset = UNSET,
    cursor: str | Unset = UNSET,

) -> LogLinePage | ProblemDetailsDto | None:
    """ Search a deployment's build log

     Stored lines, oldest first. Filters combine: from a line number, one stream, a time range, a
    substring. To follow a build live, subscribe through the gateway (Socket.IO) instead.

    Args:
        deployment_id (str):
        from_seq (int | Unset):
        limit (int | Unset):  Default: 100.
        stream (GetDeploymentLogsStream | Unset):
        from_ (datetime.datetime | Unset):  Example: 2026-11-26T17:00:00Z.
        to (datetime.datetime | Unset):
        q (str | Unset):
        cursor (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        LogLinePage | ProblemDetailsDto
     """


    return sync_detailed(
        deployment_id=deployment_id,
client=client,
from_seq=from_seq,
limit=limit,
stream=stream,
from_=from_,
to=to,
q=q,
cursor=cursor,

    ).parsed

async def asyncio_detailed(
    deployment_id: str,
    *,
    client: AuthenticatedClient,
    from_seq: int | Unset = UNSET,
    limit: int | Unset = 100,
    stream: GetDeploymentLogsStream | Unset = UNSET,
    from_: datetime.datetime | Unset = UNSET,
    to: datetime.datetime | Unset = UNSET,
    q: str | Unset = UNSET,
    cursor: str | Unset = UNSET,

) -> Response[LogLinePage | ProblemDetailsDto]:
    """ Search a deployment's build log

     Stored lines, oldest first. Filters combine: from a line number, one stream, a time range, a
    substring. To follow a build live, subscribe through the gateway (Socket.IO) instead.

    Args:
        deployment_id (str):
        from_seq (int | Unset):
        limit (int | Unset):  Default: 100.
        stream (GetDeploymentLogsStream | Unset):
        from_ (datetime.datetime | Unset):  Example: 2026-11-26T17:00:00Z.
        to (datetime.datetime | Unset):
        q (str | Unset):
        cursor (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[LogLinePage | ProblemDetailsDto]
     """


    kwargs = _get_kwargs(
        deployment_id=deployment_id,
from_seq=from_seq,
limit=limit,
stream=stream,
from_=from_,
to=to,
q=q,
cursor=cursor,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    deployment_id: str,
    *,
    client: AuthenticatedClient,
    from_seq: int | Unset = UNSET,
    limit: int | Unset = 100,
    stream: GetDeploymentLogsStream | Unset = UNSET,
    from_: datetime.datetime | Unset = UNSET,
    to: datetime.datetime | Unset = UNSET,
    q: str | Unset = UNSET,
    cursor: str | Unset = UNSET,

) -> LogLinePage | ProblemDetailsDto | None:
    """ Search a deployment's build log

     Stored lines, oldest first. Filters combine: from a line number, one stream, a time range, a
    substring. To follow a build live, subscribe through the gateway (Socket.IO) instead.

    Args:
        deployment_id (str):
        from_seq (int | Unset):
        limit (int | Unset):  Default: 100.
        stream (GetDeploymentLogsStream | Unset):
        from_ (datetime.datetime | Unset):  Example: 2026-11-26T17:00:00Z.
        to (datetime.datetime | Unset):
        q (str | Unset):
        cursor (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        LogLinePage | ProblemDetailsDto
     """


    return (await asyncio_detailed(
        deployment_id=deployment_id,
client=client,
from_seq=from_seq,
limit=limit,
stream=stream,
from_=from_,
to=to,
q=q,
cursor=cursor,

    )).parsed
