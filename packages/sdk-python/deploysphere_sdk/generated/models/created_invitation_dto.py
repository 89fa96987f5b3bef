from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.created_invitation_dto_role import CreatedInvitationDtoRole






T = TypeVar("T", bound="CreatedInvitationDto")



@_attrs_define
class CreatedInvitationDto:
    """ 
        Attributes:
            id (str):  Example: inv_01jd8x3k9m2f4q7r8s9t0v1w2x.
            email (str):  Example: grace@example.com.
            role (CreatedInvitationDtoRole):  Example: member.
            expires_at (str):
            created_at (str):
            url (str): The single-use link to send the invitee. Shown only in this response. Example:
                https://deploy.example.com/invite/dsi_Yk….
     """

    id: str
    email: str
    role: CreatedInvitationDtoRole
    expires_at: str
    created_at: str
    url: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        id = self.id

        email = self.email

        role = self.role.value

        expires_at = self.expires_at

        created_at = self.created_at

        url = self.url


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "id": id,
            "email": email,
            "role": role,
            "expiresAt": expires_at,
            "createdAt": created_at,
            "url": url,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        email = d.pop("email")

        role = CreatedInvitationDtoRole(d.pop("role"))




        expires_at = d.pop("expiresAt")

        created_at = d.pop("createdAt")

        url = d.pop("url")

        created_invitation_dto = cls(
            id=id,
            email=email,
            role=role,
            expires_at=expires_at,
            created_at=created_at,
            url=url,
        )


        created_invitation_dto.additional_properties = d
        return created_invitation_dto

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
