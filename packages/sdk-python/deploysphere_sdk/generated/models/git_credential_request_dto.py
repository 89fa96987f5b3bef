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





    def to_dict(self) -> dict[str, Any]:
        token = self.token

        username = self.username


        field_dict: dict[str, Any] = {}

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

        return git_credential_request_dto

