from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.invitation_preview_dto_role import InvitationPreviewDtoRole






T = TypeVar("T", bound="InvitationPreviewDto")



@_attrs_define
class InvitationPreviewDto:
    """ 
        Attributes:
            team_name (str):  Example: Acme.
            email (str):  Example: grace@example.com.
            role (InvitationPreviewDtoRole):  Example: member.
            expires_at (str):
            existing_user (bool): An account has this email: accepting needs its password (or its session), not a new name
     """

    team_name: str
    email: str
    role: InvitationPreviewDtoRole
    expires_at: str
    existing_user: bool
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        team_name = self.team_name

        email = self.email

        role = self.role.value

        expires_at = self.expires_at

        existing_user = self.existing_user


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "teamName": team_name,
            "email": email,
            "role": role,
            "expiresAt": expires_at,
            "existingUser": existing_user,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        team_name = d.pop("teamName")

        email = d.pop("email")

        role = InvitationPreviewDtoRole(d.pop("role"))




        expires_at = d.pop("expiresAt")

        existing_user = d.pop("existingUser")

        invitation_preview_dto = cls(
            team_name=team_name,
            email=email,
            role=role,
            expires_at=expires_at,
            existing_user=existing_user,
        )


        invitation_preview_dto.additional_properties = d
        return invitation_preview_dto

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
