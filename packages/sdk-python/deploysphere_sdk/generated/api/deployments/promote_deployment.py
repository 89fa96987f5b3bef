from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.alias_dto import AliasDto
from ...models.problem_details_dto import ProblemDetailsDto
from typing import cast



def _get_kwargs(
    deployment_id: str,

) -> dict[str, Any]:
    

    

    

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/deployments/{deployment_id}/promote".format(deployment_id=quote(str(deployment_id), safe=""),),
    }


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
    deployment_id: str,
    *,
    client: AuthenticatedClient,

) -> Response[AliasDto | ProblemDetailsDto]:
    """ Serve a READY deployment at the production URL

     Moves the project alias without rebuilding; the edge router switches within a second. A server app
    is started first (or found running): 202 `starting`, and the alias moves once it is healthy. 409
    DEPLOYMENT_NOT_READY otherwise.

    Args:
        deployment_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AliasDto | ProblemDetailsDto]
     """


    kwargs = _get_kwargs(
        deployment_id=deployment_id,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    deployment_id: str,
    *,
    client: AuthenticatedClient,

) -> AliasDto | ProblemDetailsDto | None:
    """ Serve a READY deployment at the production URL

     Moves the project alias without rebuilding; the edge router switches within a second. A server app
    is started first (or found running): 202 `starting`, and the alias moves once it is healthy. 409
    DEPLOYMENT_NOT_READY otherwise.

    Args:
        deployment_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AliasDto | ProblemDetailsDto
     """


    return sync_detailed(
        deployment_id=deployment_id,
client=client,

    ).parsed

async def asyncio_detailed(
    deployment_id: str,
    *,
    client: AuthenticatedClient,

) -> Response[AliasDto | ProblemDetailsDto]:
    """ Serve a READY deployment at the production URL

     Moves the project alias without rebuilding; the edge router switches within a second. A server app
    is started first (or found running): 202 `starting`, and the alias moves once it is healthy. 409
    DEPLOYMENT_NOT_READY otherwise.

    Args:
        deployment_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AliasDto | ProblemDetailsDto]
     """


    kwargs = _get_kwargs(
        deployment_id=deployment_id,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    deployment_id: str,
    *,
    client: AuthenticatedClient,

) -> AliasDto | ProblemDetailsDto | None:
    """ Serve a READY deployment at the production URL

     Moves the project alias without rebuilding; the edge router switches within a second. A server app
    is started first (or found running): 202 `starting`, and the alias moves once it is healthy. 409
    DEPLOYMENT_NOT_READY otherwise.

    Args:
        deployment_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AliasDto | ProblemDetailsDto
     """


    return (await asyncio_detailed(
        deployment_id=deployment_id,
client=client,

    )).parsed
