from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.create_token_request_dto_scopes_item import CreateTokenRequestDtoScopesItem
from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="CreateTokenRequestDto")



@_attrs_define
class CreateTokenRequestDto:
    """ 
        Attributes:
            name (str):  Example: ci.
            scopes (list[CreateTokenRequestDtoScopesItem] | Unset): At most the caller's own scopes
            expires_at (str | Unset): Expiry; must be in the future Example: 2027-01-01T00:00:00Z.
     """

    name: str
    scopes: list[CreateTokenRequestDtoScopesItem] | Unset = UNSET
    expires_at: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        name = self.name

        scopes: list[str] | Unset = UNSET
        if not isinstance(self.scopes, Unset):
            scopes = []
            for scopes_item_data in self.scopes:
                scopes_item = scopes_item_data.value
                scopes.append(scopes_item)



        expires_at = self.expires_at


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "name": name,
        })
        if scopes is not UNSET:
            field_dict["scopes"] = scopes
        if expires_at is not UNSET:
            field_dict["expiresAt"] = expires_at

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        name = d.pop("name")

        _scopes = d.pop("scopes", UNSET)
        scopes: list[CreateTokenRequestDtoScopesItem] | Unset = UNSET
        if _scopes is not UNSET:
            scopes = []
            for scopes_item_data in _scopes:
                scopes_item = CreateTokenRequestDtoScopesItem(scopes_item_data)



                scopes.append(scopes_item)


        expires_at = d.pop("expiresAt", UNSET)

        create_token_request_dto = cls(
            name=name,
            scopes=scopes,
            expires_at=expires_at,
        )


        create_token_request_dto.additional_properties = d
        return create_token_request_dto

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
