from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="StatusClassesDto")



@_attrs_define
class StatusClassesDto:
    """ 
        Attributes:
            field_1xx (float):
            field_2xx (float):
            field_3xx (float):
            field_4xx (float):
            field_5xx (float):
     """

    field_1xx: float
    field_2xx: float
    field_3xx: float
    field_4xx: float
    field_5xx: float
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        field_1xx = self.field_1xx

        field_2xx = self.field_2xx

        field_3xx = self.field_3xx

        field_4xx = self.field_4xx

        field_5xx = self.field_5xx


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "1xx": field_1xx,
            "2xx": field_2xx,
            "3xx": field_3xx,
            "4xx": field_4xx,
            "5xx": field_5xx,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        field_1xx = d.pop("1xx")

        field_2xx = d.pop("2xx")

        field_3xx = d.pop("3xx")

        field_4xx = d.pop("4xx")

        field_5xx = d.pop("5xx")

        status_classes_dto = cls(
            field_1xx=field_1xx,
            field_2xx=field_2xx,
            field_3xx=field_3xx,
            field_4xx=field_4xx,
            field_5xx=field_5xx,
        )


        status_classes_dto.additional_properties = d
        return status_classes_dto

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
