from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.get_project_analytics_interval import GetProjectAnalyticsInterval
from ...models.problem_details_dto import ProblemDetailsDto
from ...models.project_analytics_dto import ProjectAnalyticsDto
from ...types import UNSET, Unset
from typing import cast
import datetime



def _get_kwargs(
    project_id: str,
    *,
    from_: datetime.datetime | Unset = UNSET,
    to: datetime.datetime | Unset = UNSET,
    interval: GetProjectAnalyticsInterval | Unset = GetProjectAnalyticsInterval.VALUE_3,

) -> dict[str, Any]:
    

    

    params: dict[str, Any] = {}

    json_from_: str | Unset = UNSET
    if not isinstance(from_, Unset):
        json_from_ = from_.isoformat()
    params["from"] = json_from_

    json_to: str | Unset = UNSET
    if not isinstance(to, Unset):
        json_to = to.isoformat()
    params["to"] = json_to

    json_interval: str | Unset = UNSET
    if not isinstance(interval, Unset):
        json_interval = interval.value

    params["interval"] = json_interval


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/projects/{project_id}/analytics".format(project_id=quote(str(project_id), safe=""),),
        "params": params,
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ProblemDetailsDto | ProjectAnalyticsDto | None:
    if response.status_code == 200:
        response_200 = ProjectAnalyticsDto.from_dict(response.json())



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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ProblemDetailsDto | ProjectAnalyticsDto]:
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
    from_: datetime.datetime | Unset = UNSET,
    to: datetime.datetime | Unset = UNSET,
    interval: GetProjectAnalyticsInterval | Unset = GetProjectAnalyticsInterval.VALUE_3,

) -> Response[ProblemDetailsDto | ProjectAnalyticsDto]:
    """ Traffic analytics of a project

     Requests, status classes, bytes, p50/p95 response time and top paths per interval, from the edge
    router's access logs. At most 1440 buckets per request.

    Args:
        project_id (str):
        from_ (datetime.datetime | Unset):
        to (datetime.datetime | Unset):
        interval (GetProjectAnalyticsInterval | Unset):  Default:
            GetProjectAnalyticsInterval.VALUE_3.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ProblemDetailsDto | ProjectAnalyticsDto]
     """


    kwargs = _get_kwargs(
        project_id=project_id,
from_=from_,
to=to,
interval=interval,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    project_id: str,
    *,
    client: AuthenticatedClient,
    from_: datetime.datetime | Unset = UNSET,
    to: datetime.datetime | Unset = UNSET,
    interval: GetProjectAnalyticsInterval | Unset = GetProjectAnalyticsInterval.VALUE_3,

) -> ProblemDetailsDto | ProjectAnalyticsDto | None:
    """ Traffic analytics of a project

     Requests, status classes, bytes, p50/p95 response time and top paths per interval, from the edge
    router's access logs. At most 1440 buckets per request.

    Args:
        project_id (str):
        from_ (datetime.datetime | Unset):
        to (datetime.datetime | Unset):
        interval (GetProjectAnalyticsInterval | Unset):  Default:
            GetProjectAnalyticsInterval.VALUE_3.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ProblemDetailsDto | ProjectAnalyticsDto
     """


    return sync_detailed(
        project_id=project_id,
client=client,
from_=from_,
to=to,
interval=interval,

    ).parsed

async def asyncio_detailed(
    project_id: str,
    *,
    client: AuthenticatedClient,
    from_: datetime.datetime | Unset = UNSET,
    to: datetime.datetime | Unset = UNSET,
    interval: GetProjectAnalyticsInterval | Unset = GetProjectAnalyticsInterval.VALUE_3,

) -> Response[ProblemDetailsDto | ProjectAnalyticsDto]:
    """ Traffic analytics of a project

     Requests, status classes, bytes, p50/p95 response time and top paths per interval, from the edge
    router's access logs. At most 1440 buckets per request.

    Args:
        project_id (str):
        from_ (datetime.datetime | Unset):
        to (datetime.datetime | Unset):
        interval (GetProjectAnalyticsInterval | Unset):  Default:
            GetProjectAnalyticsInterval.VALUE_3.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ProblemDetailsDto | ProjectAnalyticsDto]
     """


    kwargs = _get_kwargs(
        project_id=project_id,
from_=from_,
to=to,
interval=interval,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    project_id: str,
    *,
    client: AuthenticatedClient,
    from_: datetime.datetime | Unset = UNSET,
    to: datetime.datetime | Unset = UNSET,
    interval: GetProjectAnalyticsInterval | Unset = GetProjectAnalyticsInterval.VALUE_3,

) -> ProblemDetailsDto | ProjectAnalyticsDto | None:
    """ Traffic analytics of a project

     Requests, status classes, bytes, p50/p95 response time and top paths per interval, from the edge
    router's access logs. At most 1440 buckets per request.

    Args:
        project_id (str):
        from_ (datetime.datetime | Unset):
        to (datetime.datetime | Unset):
        interval (GetProjectAnalyticsInterval | Unset):  Default:
            GetProjectAnalyticsInterval.VALUE_3.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ProblemDetailsDto | ProjectAnalyticsDto
     """


    return (await asyncio_detailed(
        project_id=project_id,
client=client,
from_=from_,
to=to,
interval=interval,

    )).parsed
