from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset






T = TypeVar("T", bound="AcceptInvitationRequestDto")



@_attrs_define
class AcceptInvitationRequestDto:
    """ 
        Attributes:
            name (str | Unset): Required when no account has the invited email Example: Grace Hopper.
            password (str | Unset): The new account's password; for an existing account its own password, unless its session
                cookie comes with the request Example: correct horse battery staple.
     """

    name: str | Unset = UNSET
    password: str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        name = self.name

        password = self.password


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if name is not UNSET:
            field_dict["name"] = name
        if password is not UNSET:
            field_dict["password"] = password

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        name = d.pop("name", UNSET)

        password = d.pop("password", UNSET)

        accept_invitation_request_dto = cls(
            name=name,
            password=password,
        )

        return accept_invitation_request_dto

