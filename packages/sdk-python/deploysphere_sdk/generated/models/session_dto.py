from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast






T = TypeVar("T", bound="SessionDto")



@_attrs_define
class SessionDto:
    """ 
        Attributes:
            id (str):  Example: ses_01jd8x3k9m2f4q7r8s9t0v1w2x.
            current (bool): The session this request came with
            created_at (str):
            last_seen_at (str):
            expires_at (str):
            user_agent (None | str):  Example: Mozilla/5.0 (X11; Linux x86_64) ….
            address (None | str):  Example: 203.0.113.7.
     """

    id: str
    current: bool
    created_at: str
    last_seen_at: str
    expires_at: str
    user_agent: None | str
    address: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        id = self.id

        current = self.current

        created_at = self.created_at

        last_seen_at = self.last_seen_at

        expires_at = self.expires_at

        user_agent: None | str
        user_agent = self.user_agent

        address: None | str
        address = self.address


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "id": id,
            "current": current,
            "createdAt": created_at,
            "lastSeenAt": last_seen_at,
            "expiresAt": expires_at,
            "userAgent": user_agent,
            "address": address,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        current = d.pop("current")

        created_at = d.pop("createdAt")

        last_seen_at = d.pop("lastSeenAt")

        expires_at = d.pop("expiresAt")

        def _parse_user_agent(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        user_agent = _parse_user_agent(d.pop("userAgent"))


        def _parse_address(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        address = _parse_address(d.pop("address"))


        session_dto = cls(
            id=id,
            current=current,
            created_at=created_at,
            last_seen_at=last_seen_at,
            expires_at=expires_at,
            user_agent=user_agent,
            address=address,
        )


        session_dto.additional_properties = d
        return session_dto

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
