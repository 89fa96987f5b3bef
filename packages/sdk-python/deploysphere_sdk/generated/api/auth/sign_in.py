from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.problem_details_dto import ProblemDetailsDto
from ...models.sign_in_request_dto import SignInRequestDto
from ...models.signed_in_dto import SignedInDto
from typing import cast



def _get_kwargs(
    *,
    body: SignInRequestDto,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}


    

    

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/auth/sign-in",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ProblemDetailsDto | SignedInDto | None:
    if response.status_code == 200:
        response_200 = SignedInDto.from_dict(response.json())



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

    if response.status_code == 422:
        response_422 = ProblemDetailsDto.from_dict(response.json())



        return response_422

    if response.status_code == 423:
        response_423 = ProblemDetailsDto.from_dict(response.json())



        return response_423

    if response.status_code == 429:
        response_429 = ProblemDetailsDto.from_dict(response.json())



        return response_429

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ProblemDetailsDto | SignedInDto]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: SignInRequestDto,

) -> Response[ProblemDetailsDto | SignedInDto]:
    """ Sign in with email and password

     Sets `ds_session` (HttpOnly) and `ds_csrf` (readable) cookies, SameSite=Lax, Path=/, Secure when the
    request came over TLS (or `X-Forwarded-Proto: https`). A state-changing request authenticated by the
    cookie must repeat `ds_csrf` in `X-CSRF-Token`. Wrong email or password: 401 `INVALID_CREDENTIALS`.
    Too many failures for one email: 423 `ACCOUNT_LOCKED` (the same for an email without an account);
    from one address: 429 `SIGN_IN_RATE_LIMITED`; both with `Retry-After`.

    Args:
        body (SignInRequestDto):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ProblemDetailsDto | SignedInDto]
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
    body: SignInRequestDto,

) -> ProblemDetailsDto | SignedInDto | None:
    """ Sign in with email and password

     Sets `ds_session` (HttpOnly) and `ds_csrf` (readable) cookies, SameSite=Lax, Path=/, Secure when the
    request came over TLS (or `X-Forwarded-Proto: https`). A state-changing request authenticated by the
    cookie must repeat `ds_csrf` in `X-CSRF-Token`. Wrong email or password: 401 `INVALID_CREDENTIALS`.
    Too many failures for one email: 423 `ACCOUNT_LOCKED` (the same for an email without an account);
    from one address: 429 `SIGN_IN_RATE_LIMITED`; both with `Retry-After`.

    Args:
        body (SignInRequestDto):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ProblemDetailsDto | SignedInDto
     """


    return sync_detailed(
        client=client,
body=body,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: SignInRequestDto,

) -> Response[ProblemDetailsDto | SignedInDto]:
    """ Sign in with email and password

     Sets `ds_session` (HttpOnly) and `ds_csrf` (readable) cookies, SameSite=Lax, Path=/, Secure when the
    request came over TLS (or `X-Forwarded-Proto: https`). A state-changing request authenticated by the
    cookie must repeat `ds_csrf` in `X-CSRF-Token`. Wrong email or password: 401 `INVALID_CREDENTIALS`.
    Too many failures for one email: 423 `ACCOUNT_LOCKED` (the same for an email without an account);
    from one address: 429 `SIGN_IN_RATE_LIMITED`; both with `Retry-After`.

    Args:
        body (SignInRequestDto):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ProblemDetailsDto | SignedInDto]
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
    body: SignInRequestDto,

) -> ProblemDetailsDto | SignedInDto | None:
    """ Sign in with email and password

     Sets `ds_session` (HttpOnly) and `ds_csrf` (readable) cookies, SameSite=Lax, Path=/, Secure when the
    request came over TLS (or `X-Forwarded-Proto: https`). A state-changing request authenticated by the
    cookie must repeat `ds_csrf` in `X-CSRF-Token`. Wrong email or password: 401 `INVALID_CREDENTIALS`.
    Too many failures for one email: 423 `ACCOUNT_LOCKED` (the same for an email without an account);
    from one address: 429 `SIGN_IN_RATE_LIMITED`; both with `Retry-After`.

    Args:
        body (SignInRequestDto):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ProblemDetailsDto | SignedInDto
     """


    return (await asyncio_detailed(
        client=client,
body=body,

    )).parsed
