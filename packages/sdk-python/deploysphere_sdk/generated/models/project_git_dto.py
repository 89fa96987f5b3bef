from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast






T = TypeVar("T", bound="ProjectGitDto")



@_attrs_define
class ProjectGitDto:
    """ 
        Attributes:
            project_id (str):
            repository_url (None | str):  Example: https://git.example.com/acme/site.git.
            production_branch (str): Pushes to this branch deploy to production; other branches deploy previews Example:
                main.
            has_credential (bool): An HTTPS credential is stored for the repository
            has_webhook_secret (bool): A webhook secret is set (the webhook refuses every delivery until one is)
            webhook_path (str): Path of the push webhook on this API (configure it with content type application/json)
                Example: /v1/webhooks/git/prj_01jd8x3k9m2f4q7r8s9t0v1w2x.
     """

    project_id: str
    repository_url: None | str
    production_branch: str
    has_credential: bool
    has_webhook_secret: bool
    webhook_path: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        project_id = self.project_id

        repository_url: None | str
        repository_url = self.repository_url

        production_branch = self.production_branch

        has_credential = self.has_credential

        has_webhook_secret = self.has_webhook_secret

        webhook_path = self.webhook_path


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "projectId": project_id,
            "repositoryUrl": repository_url,
            "productionBranch": production_branch,
            "hasCredential": has_credential,
            "hasWebhookSecret": has_webhook_secret,
            "webhookPath": webhook_path,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        project_id = d.pop("projectId")

        def _parse_repository_url(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        repository_url = _parse_repository_url(d.pop("repositoryUrl"))


        production_branch = d.pop("productionBranch")

        has_credential = d.pop("hasCredential")

        has_webhook_secret = d.pop("hasWebhookSecret")

        webhook_path = d.pop("webhookPath")

        project_git_dto = cls(
            project_id=project_id,
            repository_url=repository_url,
            production_branch=production_branch,
            has_credential=has_credential,
            has_webhook_secret=has_webhook_secret,
            webhook_path=webhook_path,
        )


        project_git_dto.additional_properties = d
        return project_git_dto

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
