from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.git_push_payload_dto import GitPushPayloadDto
from ...models.git_webhook_result_dto import GitWebhookResultDto
from ...models.problem_details_dto import ProblemDetailsDto
from typing import cast



def _get_kwargs(
    project_id: str,
    *,
    body: GitPushPayloadDto,
    x_git_hub_delivery: str,
    x_git_hub_event: str,
    x_hub_signature_256: str,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    headers["X-GitHub-Delivery"] = x_git_hub_delivery

    headers["X-GitHub-Event"] = x_git_hub_event

    headers["X-Hub-Signature-256"] = x_hub_signature_256



    

    

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/webhooks/git/{project_id}".format(project_id=quote(str(project_id), safe=""),),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> GitWebhookResultDto | ProblemDetailsDto | None:
    if response.status_code == 200:
        response_200 = GitWebhookResultDto.from_dict(response.json())



        return response_200

    if response.status_code == 202:
        response_202 = GitWebhookResultDto.from_dict(response.json())



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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[GitWebhookResultDto | ProblemDetailsDto]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    project_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: GitPushPayloadDto,
    x_git_hub_delivery: str,
    x_git_hub_event: str,
    x_hub_signature_256: str,

) -> Response[GitWebhookResultDto | ProblemDetailsDto]:
    """ Git push webhook (GitHub-compatible)

     No bearer token: every delivery is verified by `X-Hub-Signature-256` (HMAC-SHA256 of the raw body
    with the project's webhook secret). A push to the production branch creates a PRODUCTION deployment
    (202), any other branch a PREVIEW; branch deletions, tags and other events are acknowledged (200)
    and ignored, `ping` answers PONG. A redelivery of the same `X-GitHub-Delivery` answers the recorded
    outcome with `redelivered: true` and creates nothing. Configure the webhook with content type
    `application/json`.

    Args:
        project_id (str):
        x_git_hub_delivery (str):
        x_git_hub_event (str):
        x_hub_signature_256 (str):
        body (GitPushPayloadDto):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[GitWebhookResultDto | ProblemDetailsDto]
     """


    kwargs = _get_kwargs(
        project_id=project_id,
body=body,
x_git_hub_delivery=x_git_hub_delivery,
x_git_hub_event=x_git_hub_event,
x_hub_signature_256=x_hub_signature_256,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    project_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: GitPushPayloadDto,
    x_git_hub_delivery: str,
    x_git_hub_event: str,
    x_hub_signature_256: str,

) -> GitWebhookResultDto | ProblemDetailsDto | None:
    """ Git push webhook (GitHub-compatible)

     No bearer token: every delivery is verified by `X-Hub-Signature-256` (HMAC-SHA256 of the raw body
    with the project's webhook secret). A push to the production branch creates a PRODUCTION deployment
    (202), any other branch a PREVIEW; branch deletions, tags and other events are acknowledged (200)
    and ignored, `ping` answers PONG. A redelivery of the same `X-GitHub-Delivery` answers the recorded
    outcome with `redelivered: true` and creates nothing. Configure the webhook with content type
    `application/json`.

    Args:
        project_id (str):
        x_git_hub_delivery (str):
        x_git_hub_event (str):
        x_hub_signature_256 (str):
        body (GitPushPayloadDto):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        GitWebhookResultDto | ProblemDetailsDto
     """


    return sync_detailed(
        project_id=project_id,
client=client,
body=body,
x_git_hub_delivery=x_git_hub_delivery,
x_git_hub_event=x_git_hub_event,
x_hub_signature_256=x_hub_signature_256,

    ).parsed

async def asyncio_detailed(
    project_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: GitPushPayloadDto,
    x_git_hub_delivery: str,
    x_git_hub_event: str,
    x_hub_signature_256: str,

) -> Response[GitWebhookResultDto | ProblemDetailsDto]:
    """ Git push webhook (GitHub-compatible)

     No bearer token: every delivery is verified by `X-Hub-Signature-256` (HMAC-SHA256 of the raw body
    with the project's webhook secret). A push to the production branch creates a PRODUCTION deployment
    (202), any other branch a PREVIEW; branch deletions, tags and other events are acknowledged (200)
    and ignored, `ping` answers PONG. A redelivery of the same `X-GitHub-Delivery` answers the recorded
    outcome with `redelivered: true` and creates nothing. Configure the webhook with content type
    `application/json`.

    Args:
        project_id (str):
        x_git_hub_delivery (str):
        x_git_hub_event (str):
        x_hub_signature_256 (str):
        body (GitPushPayloadDto):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[GitWebhookResultDto | ProblemDetailsDto]
     """


    kwargs = _get_kwargs(
        project_id=project_id,
body=body,
x_git_hub_delivery=x_git_hub_delivery,
x_git_hub_event=x_git_hub_event,
x_hub_signature_256=x_hub_signature_256,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    project_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: GitPushPayloadDto,
    x_git_hub_delivery: str,
    x_git_hub_event: str,
    x_hub_signature_256: str,

) -> GitWebhookResultDto | ProblemDetailsDto | None:
    """ Git push webhook (GitHub-compatible)

     No bearer token: every delivery is verified by `X-Hub-Signature-256` (HMAC-SHA256 of the raw body
    with the project's webhook secret). A push to the production branch creates a PRODUCTION deployment
    (202), any other branch a PREVIEW; branch deletions, tags and other events are acknowledged (200)
    and ignored, `ping` answers PONG. A redelivery of the same `X-GitHub-Delivery` answers the recorded
    outcome with `redelivered: true` and creates nothing. Configure the webhook with content type
    `application/json`.

    Args:
        project_id (str):
        x_git_hub_delivery (str):
        x_git_hub_event (str):
        x_hub_signature_256 (str):
        body (GitPushPayloadDto):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        GitWebhookResultDto | ProblemDetailsDto
     """


    return (await asyncio_detailed(
        project_id=project_id,
client=client,
body=body,
x_git_hub_delivery=x_git_hub_delivery,
x_git_hub_event=x_git_hub_event,
x_hub_signature_256=x_hub_signature_256,

    )).parsed
