from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.problem_details_dto import ProblemDetailsDto
from ...models.set_up_first_owner_request_dto import SetUpFirstOwnerRequestDto
from ...models.setup_done_dto import SetupDoneDto
from typing import cast



def _get_kwargs(
    *,
    body: SetUpFirstOwnerRequestDto,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}


    

    

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/auth/setup",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ProblemDetailsDto | SetupDoneDto | None:
    if response.status_code == 201:
        response_201 = SetupDoneDto.from_dict(response.json())



        return response_201

    if response.status_code == 400:
        response_400 = ProblemDetailsDto.from_dict(response.json())



        return response_400

    if response.status_code == 401:
        response_401 = ProblemDetailsDto.from_dict(response.json())



        return response_401

    if response.status_code == 403:
        response_403 = ProblemDetailsDto.from_dict(response.json())



        return response_403

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ProblemDetailsDto | SetupDoneDto]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: SetUpFirstOwnerRequestDto,

) -> Response[ProblemDetailsDto | SetupDoneDto]:
    """ Create the first owner and their team, and sign in

     Allowed only while no user exists (else 409 `SETUP_ALREADY_DONE`), with the admin token as bearer or
    the one-time `setupToken` printed at first start (else 401 `SETUP_TOKEN_INVALID`). Sets the session
    and CSRF cookies as sign-in does.

    Args:
        body (SetUpFirstOwnerRequestDto):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ProblemDetailsDto | SetupDoneDto]
     """


    kwargs = _get_kwargs(
        body=body,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient | Client,
    body: SetUpFirstOwnerRequestDto,

) -> ProblemDetailsDto | SetupDoneDto | None:
    """ Create the first owner and their team, and sign in

     Allowed only while no user exists (else 409 `SETUP_ALREADY_DONE`), with the admin token as bearer or
    the one-time `setupToken` printed at first start (else 401 `SETUP_TOKEN_INVALID`). Sets the session
    and CSRF cookies as sign-in does.

    Args:
        body (SetUpFirstOwnerRequestDto):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ProblemDetailsDto | SetupDoneDto
     """


    return sync_detailed(
        client=client,
body=body,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: SetUpFirstOwnerRequestDto,

) -> Response[ProblemDetailsDto | SetupDoneDto]:
    """ Create the first owner and their team, and sign in

     Allowed only while no user exists (else 409 `SETUP_ALREADY_DONE`), with the admin token as bearer or
    the one-time `setupToken` printed at first start (else 401 `SETUP_TOKEN_INVALID`). Sets the session
    and CSRF cookies as sign-in does.

    Args:
        body (SetUpFirstOwnerRequestDto):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ProblemDetailsDto | SetupDoneDto]
     """


    kwargs = _get_kwargs(
        body=body,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: SetUpFirstOwnerRequestDto,

) -> ProblemDetailsDto | SetupDoneDto | None:
    """ Create the first owner and their team, and sign in

     Allowed only while no user exists (else 409 `SETUP_ALREADY_DONE`), with the admin token as bearer or
    the one-time `setupToken` printed at first start (else 401 `SETUP_TOKEN_INVALID`). Sets the session
    and CSRF cookies as sign-in does.

    Args:
        body (SetUpFirstOwnerRequestDto):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ProblemDetailsDto | SetupDoneDto
     """


    return (await asyncio_detailed(
        client=client,
body=body,

    )).parsed
