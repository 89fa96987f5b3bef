from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.create_invitation_request_dto import CreateInvitationRequestDto
from ...models.created_invitation_dto import CreatedInvitationDto
from ...models.problem_details_dto import ProblemDetailsDto
from typing import cast



def _get_kwargs(
    *,
    body: CreateInvitationRequestDto,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}


    

    

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/team/invitations",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> CreatedInvitationDto | ProblemDetailsDto | None:
    if response.status_code == 201:
        response_201 = CreatedInvitationDto.from_dict(response.json())



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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[CreatedInvitationDto | ProblemDetailsDto]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: CreateInvitationRequestDto,

) -> Response[CreatedInvitationDto | ProblemDetailsDto]:
    """ Invite someone to your team with a role

     Answers the single-use link (`url`, shown only here) to send them; it expires after
    AUTH_INVITATION_TTL_HOURS (7 days by default).

    Args:
        body (CreateInvitationRequestDto):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CreatedInvitationDto | ProblemDetailsDto]
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
    client: AuthenticatedClient,
    body: CreateInvitationRequestDto,

) -> CreatedInvitationDto | ProblemDetailsDto | None:
    """ Invite someone to your team with a role

     Answers the single-use link (`url`, shown only here) to send them; it expires after
    AUTH_INVITATION_TTL_HOURS (7 days by default).

    Args:
        body (CreateInvitationRequestDto):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CreatedInvitationDto | ProblemDetailsDto
     """


    return sync_detailed(
        client=client,
body=body,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: CreateInvitationRequestDto,

) -> Response[CreatedInvitationDto | ProblemDetailsDto]:
    """ Invite someone to your team with a role

     Answers the single-use link (`url`, shown only here) to send them; it expires after
    AUTH_INVITATION_TTL_HOURS (7 days by default).

    Args:
        body (CreateInvitationRequestDto):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CreatedInvitationDto | ProblemDetailsDto]
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
    client: AuthenticatedClient,
    body: CreateInvitationRequestDto,

) -> CreatedInvitationDto | ProblemDetailsDto | None:
    """ Invite someone to your team with a role

     Answers the single-use link (`url`, shown only here) to send them; it expires after
    AUTH_INVITATION_TTL_HOURS (7 days by default).

    Args:
        body (CreateInvitationRequestDto):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CreatedInvitationDto | ProblemDetailsDto
     """


    return (await asyncio_detailed(
        client=client,
body=body,

    )).parsed
