from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.delete_env_var_target import DeleteEnvVarTarget
from ...models.problem_details_dto import ProblemDetailsDto
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    project_id: str,
    key: str,
    *,
    target: DeleteEnvVarTarget | Unset = UNSET,

) -> dict[str, Any]:
    

    

    params: dict[str, Any] = {}

    json_target: str | Unset = UNSET
    if not isinstance(target, Unset):
        json_target = target.value

    params["target"] = json_target


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "delete",
        "url": "/v1/projects/{project_id}/env/{key}".format(project_id=quote(str(project_id), safe=""),key=quote(str(key), safe=""),),
        "params": params,
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Any | ProblemDetailsDto | None:
    if response.status_code == 204:
        response_204 = cast(Any, None)
        return response_204

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Any | ProblemDetailsDto]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    project_id: str,
    key: str,
    *,
    client: AuthenticatedClient,
    target: DeleteEnvVarTarget | Unset = UNSET,

) -> Response[Any | ProblemDetailsDto]:
    """ Delete an environment variable

    Args:
        project_id (str):
        key (str):
        target (DeleteEnvVarTarget | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ProblemDetailsDto]
     """


    kwargs = _get_kwargs(
        project_id=project_id,
key=key,
target=target,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    project_id: str,
    key: str,
    *,
    client: AuthenticatedClient,
    target: DeleteEnvVarTarget | Unset = UNSET,

) -> Any | ProblemDetailsDto | None:
    """ Delete an environment variable

    Args:
        project_id (str):
        key (str):
        target (DeleteEnvVarTarget | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ProblemDetailsDto
     """


    return sync_detailed(
        project_id=project_id,
key=key,
client=client,
target=target,

    ).parsed

async def asyncio_detailed(
    project_id: str,
    key: str,
    *,
    client: AuthenticatedClient,
    target: DeleteEnvVarTarget | Unset = UNSET,

) -> Response[Any | ProblemDetailsDto]:
    """ Delete an environment variable

    Args:
        project_id (str):
        key (str):
        target (DeleteEnvVarTarget | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ProblemDetailsDto]
     """


    kwargs = _get_kwargs(
        project_id=project_id,
key=key,
target=target,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    project_id: str,
    key: str,
    *,
    client: AuthenticatedClient,
    target: DeleteEnvVarTarget | Unset = UNSET,

) -> Any | ProblemDetailsDto | None:
    """ Delete an environment variable

    Args:
        project_id (str):
        key (str):
        target (DeleteEnvVarTarget | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ProblemDetailsDto
     """


    return (await asyncio_detailed(
        project_id=project_id,
key=key,
client=client,
target=target,

    )).parsed
