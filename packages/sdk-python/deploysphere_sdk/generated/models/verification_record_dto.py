from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.verification_record_dto_type import VerificationRecordDtoType






T = TypeVar("T", bound="VerificationRecordDto")



@_attrs_define
class VerificationRecordDto:
    """ 
        Attributes:
            type_ (VerificationRecordDtoType):  Example: TXT.
            name (str): Where to create the record Example: _deploysphere.www.example.com.
            value (str): The exact value to put in it Example: deploysphere-verify=4f0c2a9e8b7d6c5b4a39281706f5e4d3.
     """

    type_: VerificationRecordDtoType
    name: str
    value: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        type_ = self.type_.value

        name = self.name

        value = self.value


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "type": type_,
            "name": name,
            "value": value,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        type_ = VerificationRecordDtoType(d.pop("type"))




        name = d.pop("name")

        value = d.pop("value")

        verification_record_dto = cls(
            type_=type_,
            name=name,
            value=value,
        )


        verification_record_dto.additional_properties = d
        return verification_record_dto

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
