from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.domain_dto import DomainDto
from ...models.problem_details_dto import ProblemDetailsDto
from ...models.verification_failed_problem_dto import VerificationFailedProblemDto
from typing import cast



def _get_kwargs(
    project_id: str,
    domain_id: str,

) -> dict[str, Any]:
    

    

    

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/projects/{project_id}/domains/{domain_id}/verify".format(project_id=quote(str(project_id), safe=""),domain_id=quote(str(domain_id), safe=""),),
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> DomainDto | ProblemDetailsDto | VerificationFailedProblemDto | None:
    if response.status_code == 200:
        response_200 = DomainDto.from_dict(response.json())



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

    if response.status_code == 409:
        response_409 = VerificationFailedProblemDto.from_dict(response.json())



        return response_409

    if response.status_code == 422:
        response_422 = ProblemDetailsDto.from_dict(response.json())



        return response_422

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[DomainDto | ProblemDetailsDto | VerificationFailedProblemDto]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    project_id: str,
    domain_id: str,
    *,
    client: AuthenticatedClient,

) -> Response[DomainDto | ProblemDetailsDto | VerificationFailedProblemDto]:
    """ Verify a custom domain's TXT record

     Looks up `_deploysphere.<hostname>`; when one TXT record there is `deploysphere-verify=<token>` the
    domain is verified and the edge router serves it as the project's production URL within a second.
    Otherwise 409 DOMAIN_VERIFICATION_FAILED with `expected` (the record to create) and `found` (the TXT
    values seen), plus `lookupError` when DNS did not answer. Verifying a verified domain changes
    nothing.

    Args:
        project_id (str):
        domain_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DomainDto | ProblemDetailsDto | VerificationFailedProblemDto]
     """


    kwargs = _get_kwargs(
        project_id=project_id,
domain_id=domain_id,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    project_id: str,
    domain_id: str,
    *,
    client: AuthenticatedClient,

) -> DomainDto | ProblemDetailsDto | VerificationFailedProblemDto | None:
    """ Verify a custom domain's TXT record

     Looks up `_deploysphere.<hostname>`; when one TXT record there is `deploysphere-verify=<token>` the
    domain is verified and the edge router serves it as the project's production URL within a second.
    Otherwise 409 DOMAIN_VERIFICATION_FAILED with `expected` (the record to create) and `found` (the TXT
    values seen), plus `lookupError` when DNS did not answer. Verifying a verified domain changes
    nothing.

    Args:
        project_id (str):
        domain_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DomainDto | ProblemDetailsDto | VerificationFailedProblemDto
     """


    return sync_detailed(
        project_id=project_id,
domain_id=domain_id,
client=client,

    ).parsed

async def asyncio_detailed(
    project_id: str,
    domain_id: str,
    *,
    client: AuthenticatedClient,

) -> Response[DomainDto | ProblemDetailsDto | VerificationFailedProblemDto]:
    """ Verify a custom domain's TXT record

     Looks up `_deploysphere.<hostname>`; when one TXT record there is `deploysphere-verify=<token>` the
    domain is verified and the edge router serves it as the project's production URL within a second.
    Otherwise 409 DOMAIN_VERIFICATION_FAILED with `expected` (the record to create) and `found` (the TXT
    values seen), plus `lookupError` when DNS did not answer. Verifying a verified domain changes
    nothing.

    Args:
        project_id (str):
        domain_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DomainDto | ProblemDetailsDto | VerificationFailedProblemDto]
     """


    kwargs = _get_kwargs(
        project_id=project_id,
domain_id=domain_id,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    project_id: str,
    domain_id: str,
    *,
    client: AuthenticatedClient,

) -> DomainDto | ProblemDetailsDto | VerificationFailedProblemDto | None:
    """ Verify a custom domain's TXT record

     Looks up `_deploysphere.<hostname>`; when one TXT record there is `deploysphere-verify=<token>` the
    domain is verified and the edge router serves it as the project's production URL within a second.
    Otherwise 409 DOMAIN_VERIFICATION_FAILED with `expected` (the record to create) and `found` (the TXT
    values seen), plus `lookupError` when DNS did not answer. Verifying a verified domain changes
    nothing.

    Args:
        project_id (str):
        domain_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DomainDto | ProblemDetailsDto | VerificationFailedProblemDto
     """


    return (await asyncio_detailed(
        project_id=project_id,
domain_id=domain_id,
client=client,

    )).parsed
