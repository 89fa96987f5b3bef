from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset






T = TypeVar("T", bound="SetUpFirstOwnerRequestDto")



@_attrs_define
class SetUpFirstOwnerRequestDto:
    """ 
        Attributes:
            email (str):  Example: ada@example.com.
            password (str):  Example: correct horse battery staple.
            name (str):  Example: Ada Lovelace.
            team_name (str): The first team; its slug is derived from the name Example: Acme.
            setup_token (str | Unset): The one-time setup token printed at first start; not needed with the admin token as
                bearer
     """

    email: str
    password: str
    name: str
    team_name: str
    setup_token: str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        email = self.email

        password = self.password

        name = self.name

        team_name = self.team_name

        setup_token = self.setup_token


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "email": email,
            "password": password,
            "name": name,
            "teamName": team_name,
        })
        if setup_token is not UNSET:
            field_dict["setupToken"] = setup_token

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        email = d.pop("email")

        password = d.pop("password")

        name = d.pop("name")

        team_name = d.pop("teamName")

        setup_token = d.pop("setupToken", UNSET)

        set_up_first_owner_request_dto = cls(
            email=email,
            password=password,
            name=name,
            team_name=team_name,
            setup_token=setup_token,
        )

        return set_up_first_owner_request_dto

