from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.token_dto_role_type_1 import TokenDtoRoleType1
from ..models.token_dto_role_type_2_type_1 import TokenDtoRoleType2Type1
from ..models.token_dto_role_type_3_type_1 import TokenDtoRoleType3Type1
from ..models.token_dto_scopes_item import TokenDtoScopesItem
from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="TokenDto")



@_attrs_define
class TokenDto:
    """ 
        Attributes:
            id (str):  Example: tok_01jd8x3k9m2f4q7r8s9t0v1w2x.
            team_id (str):
            name (str):  Example: ci.
            prefix (str): First characters of the secret, to tell tokens apart Example: dsp_Ab3x.
            scopes (list[TokenDtoScopesItem]):
            role (None | TokenDtoRoleType1 | TokenDtoRoleType2Type1 | TokenDtoRoleType3Type1): The role its scopes give:
                admin → owner, write → member, read → viewer
            created_at (str):
            expires_at (None | str | Unset):
            last_used_at (None | str | Unset):
            revoked_at (None | str | Unset):
     """

    id: str
    team_id: str
    name: str
    prefix: str
    scopes: list[TokenDtoScopesItem]
    role: None | TokenDtoRoleType1 | TokenDtoRoleType2Type1 | TokenDtoRoleType3Type1
    created_at: str
    expires_at: None | str | Unset = UNSET
    last_used_at: None | str | Unset = UNSET
    revoked_at: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        id = self.id

        team_id = self.team_id

        name = self.name

        prefix = self.prefix

        scopes = []
        for scopes_item_data in self.scopes:
            scopes_item = scopes_item_data.value
            scopes.append(scopes_item)



        role: None | str
        if isinstance(self.role, TokenDtoRoleType1):
            role = self.role.value
        elif isinstance(self.role, TokenDtoRoleType2Type1):
            role = self.role.value
        elif isinstance(self.role, TokenDtoRoleType3Type1):
            role = self.role.value
        else:
            role = self.role

        created_at = self.created_at

        expires_at: None | str | Unset
        if isinstance(self.expires_at, Unset):
            expires_at = UNSET
        else:
            expires_at = self.expires_at

        last_used_at: None | str | Unset
        if isinstance(self.last_used_at, Unset):
            last_used_at = UNSET
        else:
            last_used_at = self.last_used_at

        revoked_at: None | str | Unset
        if isinstance(self.revoked_at, Unset):
            revoked_at = UNSET
        else:
            revoked_at = self.revoked_at


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "id": id,
            "teamId": team_id,
            "name": name,
            "prefix": prefix,
            "scopes": scopes,
            "role": role,
            "createdAt": created_at,
        })
        if expires_at is not UNSET:
            field_dict["expiresAt"] = expires_at
        if last_used_at is not UNSET:
            field_dict["lastUsedAt"] = last_used_at
        if revoked_at is not UNSET:
            field_dict["revokedAt"] = revoked_at

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        team_id = d.pop("teamId")

        name = d.pop("name")

        prefix = d.pop("prefix")

        scopes = []
        _scopes = d.pop("scopes")
        for scopes_item_data in (_scopes):
            scopes_item = TokenDtoScopesItem(scopes_item_data)



            scopes.append(scopes_item)


        def _parse_role(data: object) -> None | TokenDtoRoleType1 | TokenDtoRoleType2Type1 | TokenDtoRoleType3Type1:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                role_type_1 = TokenDtoRoleType1(data)



                return role_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, str):
                    raise TypeError()
                role_type_2_type_1 = TokenDtoRoleType2Type1(data)



                return role_type_2_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, str):
                    raise TypeError()
                role_type_3_type_1 = TokenDtoRoleType3Type1(data)



                return role_type_3_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | TokenDtoRoleType1 | TokenDtoRoleType2Type1 | TokenDtoRoleType3Type1, data)

        role = _parse_role(d.pop("role"))


        created_at = d.pop("createdAt")

        def _parse_expires_at(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        expires_at = _parse_expires_at(d.pop("expiresAt", UNSET))


        def _parse_last_used_at(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        last_used_at = _parse_last_used_at(d.pop("lastUsedAt", UNSET))


        def _parse_revoked_at(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        revoked_at = _parse_revoked_at(d.pop("revokedAt", UNSET))


        token_dto = cls(
            id=id,
            team_id=team_id,
            name=name,
            prefix=prefix,
            scopes=scopes,
            role=role,
            created_at=created_at,
            expires_at=expires_at,
            last_used_at=last_used_at,
            revoked_at=revoked_at,
        )


        token_dto.additional_properties = d
        return token_dto

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
