from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.git_credential_request_dto import GitCredentialRequestDto





T = TypeVar("T", bound="SetProjectGitRequestDto")



@_attrs_define
class SetProjectGitRequestDto:
    """ 
        Attributes:
            repository_url (None | str | Unset):  Example: https://git.example.com/acme/site.git.
            production_branch (str | Unset): Pushes to this branch deploy to production Example: main.
            credential (GitCredentialRequestDto | Unset):
            webhook_secret (None | str | Unset): Secret shared with the git host to sign webhook deliveries (e.g. `openssl
                rand -hex 32`); null disables the webhook
     """

    repository_url: None | str | Unset = UNSET
    production_branch: str | Unset = UNSET
    credential: GitCredentialRequestDto | Unset = UNSET
    webhook_secret: None | str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.git_credential_request_dto import GitCredentialRequestDto # noqa: PLC0415
        repository_url: None | str | Unset
        if isinstance(self.repository_url, Unset):
            repository_url = UNSET
        else:
            repository_url = self.repository_url

        production_branch = self.production_branch

        credential: dict[str, Any] | Unset = UNSET
        if not isinstance(self.credential, Unset):
            credential = self.credential.to_dict()

        webhook_secret: None | str | Unset
        if isinstance(self.webhook_secret, Unset):
            webhook_secret = UNSET
        else:
            webhook_secret = self.webhook_secret


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if repository_url is not UNSET:
            field_dict["repositoryUrl"] = repository_url
        if production_branch is not UNSET:
            field_dict["productionBranch"] = production_branch
        if credential is not UNSET:
            field_dict["credential"] = credential
        if webhook_secret is not UNSET:
            field_dict["webhookSecret"] = webhook_secret

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.git_credential_request_dto import GitCredentialRequestDto # noqa: PLC0415
        d = dict(src_dict)
        def _parse_repository_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        repository_url = _parse_repository_url(d.pop("repositoryUrl", UNSET))


        production_branch = d.pop("productionBranch", UNSET)

        _credential = d.pop("credential", UNSET)
        credential: GitCredentialRequestDto | Unset
        if isinstance(_credential,  Unset):
            credential = UNSET
        else:
            credential = GitCredentialRequestDto.from_dict(_credential)




        def _parse_webhook_secret(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        webhook_secret = _parse_webhook_secret(d.pop("webhookSecret", UNSET))


        set_project_git_request_dto = cls(
            repository_url=repository_url,
            production_branch=production_branch,
            credential=credential,
            webhook_secret=webhook_secret,
        )

        return set_project_git_request_dto

