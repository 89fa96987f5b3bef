from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.status_classes_dto import StatusClassesDto





T = TypeVar("T", bound="AnalyticsTotalsDto")



@_attrs_define
class AnalyticsTotalsDto:
    """ 
        Attributes:
            requests (float):
            bytes_ (float):
            status_classes (StatusClassesDto):
     """

    requests: float
    bytes_: float
    status_classes: StatusClassesDto
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.status_classes_dto import StatusClassesDto # noqa: PLC0415
        requests = self.requests

        bytes_ = self.bytes_

        status_classes = self.status_classes.to_dict()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "requests": requests,
            "bytes": bytes_,
            "statusClasses": status_classes,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.status_classes_dto import StatusClassesDto # noqa: PLC0415
        d = dict(src_dict)
        requests = d.pop("requests")

        bytes_ = d.pop("bytes")

        status_classes = StatusClassesDto.from_dict(d.pop("statusClasses"))




        analytics_totals_dto = cls(
            requests=requests,
            bytes_=bytes_,
            status_classes=status_classes,
        )


        analytics_totals_dto.additional_properties = d
        return analytics_totals_dto

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
