from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.create_token_request_dto_scopes_item import CreateTokenRequestDtoScopesItem
from ..types import UNSET, Unset
from typing import cast
import datetime






T = TypeVar("T", bound="CreateTokenRequestDto")



@_attrs_define
class CreateTokenRequestDto:
    """ 
        Attributes:
            name (str):  Example: ci.
            scopes (list[CreateTokenRequestDtoScopesItem] | Unset): At most the caller's own scopes
            expires_at (datetime.datetime | Unset): Expiry (RFC 3339); must be in the future Example: 2027-01-01T00:00:00Z.
     """

    name: str
    scopes: list[CreateTokenRequestDtoScopesItem] | Unset = UNSET
    expires_at: datetime.datetime | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        name = self.name

        scopes: list[str] | Unset = UNSET
        if not isinstance(self.scopes, Unset):
            scopes = []
            for scopes_item_data in self.scopes:
                scopes_item = scopes_item_data.value
                scopes.append(scopes_item)



        expires_at: str | Unset = UNSET
        if not isinstance(self.expires_at, Unset):
            expires_at = self.expires_at.isoformat()


        field_dict: dict[str, Any] = {}

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


        _expires_at = d.pop("expiresAt", UNSET)
        expires_at: datetime.datetime | Unset
        if isinstance(_expires_at,  Unset):
            expires_at = UNSET
        else:
            expires_at = datetime.datetime.fromisoformat(_expires_at)




        create_token_request_dto = cls(
            name=name,
            scopes=scopes,
            expires_at=expires_at,
        )

        return create_token_request_dto

