from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset






T = TypeVar("T", bound="GitCredentialRequestDto")



@_attrs_define
class GitCredentialRequestDto:
    """ 
        Attributes:
            token (str): Token (or password) for HTTPS; stored encrypted, never returned, never given to a build Example:
                ghp_….
            username (str | Unset): User name sent with the token (GitLab OAuth tokens want `oauth2`) Default: 'x-access-
                token'. Example: x-access-token.
     """

    token: str
    username: str | Unset = 'x-access-token'
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        token = self.token

        username = self.username


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "token": token,
        })
        if username is not UNSET:
            field_dict["username"] = username

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        token = d.pop("token")

        username = d.pop("username", UNSET)

        git_credential_request_dto = cls(
            token=token,
            username=username,
        )


        git_credential_request_dto.additional_properties = d
        return git_credential_request_dto

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
