from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset






T = TypeVar("T", bound="CreateTeamRequestDto")



@_attrs_define
class CreateTeamRequestDto:
    """ 
        Attributes:
            name (str):  Example: Acme.
            slug (str | Unset): Lower-case letters, digits and hyphens; derived from the name when omitted Example: acme.
     """

    name: str
    slug: str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        name = self.name

        slug = self.slug


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "name": name,
        })
        if slug is not UNSET:
            field_dict["slug"] = slug

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        name = d.pop("name")

        slug = d.pop("slug", UNSET)

        create_team_request_dto = cls(
            name=name,
            slug=slug,
        )

        return create_team_request_dto

