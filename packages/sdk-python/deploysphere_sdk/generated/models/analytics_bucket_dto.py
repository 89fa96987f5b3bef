from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.duration_dto import DurationDto
  from ..models.status_classes_dto import StatusClassesDto
  from ..models.top_path_dto import TopPathDto





T = TypeVar("T", bound="AnalyticsBucketDto")



@_attrs_define
class AnalyticsBucketDto:
    """ 
        Attributes:
            start (str): Start of the bucket Example: 2026-11-26T17:00:00.000Z.
            requests (float):
            status_classes (StatusClassesDto):
            bytes_ (float): Response body bytes sent
            duration_ms (DurationDto | None): null when the bucket has no request
            top_paths (list[TopPathDto]): Up to 5 paths with the most requests
     """

    start: str
    requests: float
    status_classes: StatusClassesDto
    bytes_: float
    duration_ms: DurationDto | None
    top_paths: list[TopPathDto]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.duration_dto import DurationDto # noqa: PLC0415
        from ..models.status_classes_dto import StatusClassesDto # noqa: PLC0415
        from ..models.top_path_dto import TopPathDto # noqa: PLC0415
        start = self.start

        requests = self.requests

        status_classes = self.status_classes.to_dict()

        bytes_ = self.bytes_

        duration_ms: dict[str, Any] | None
        if isinstance(self.duration_ms, DurationDto):
            duration_ms = self.duration_ms.to_dict()
        else:
            duration_ms = self.duration_ms

        top_paths = []
        for top_paths_item_data in self.top_paths:
            top_paths_item = top_paths_item_data.to_dict()
            top_paths.append(top_paths_item)




        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "start": start,
            "requests": requests,
            "statusClasses": status_classes,
            "bytes": bytes_,
            "durationMs": duration_ms,
            "topPaths": top_paths,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.duration_dto import DurationDto # noqa: PLC0415
        from ..models.status_classes_dto import StatusClassesDto # noqa: PLC0415
        from ..models.top_path_dto import TopPathDto # noqa: PLC0415
        d = dict(src_dict)
        start = d.pop("start")

        requests = d.pop("requests")

        status_classes = StatusClassesDto.from_dict(d.pop("statusClasses"))




        bytes_ = d.pop("bytes")

        def _parse_duration_ms(data: object) -> DurationDto | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                duration_ms_type_0 = DurationDto.from_dict(data)



                return duration_ms_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(DurationDto | None, data)

        duration_ms = _parse_duration_ms(d.pop("durationMs"))


        top_paths = []
        _top_paths = d.pop("topPaths")
        for top_paths_item_data in (_top_paths):
            top_paths_item = TopPathDto.from_dict(top_paths_item_data)



            top_paths.append(top_paths_item)


        analytics_bucket_dto = cls(
            start=start,
            requests=requests,
            status_classes=status_classes,
            bytes_=bytes_,
            duration_ms=duration_ms,
            top_paths=top_paths,
        )


        analytics_bucket_dto.additional_properties = d
        return analytics_bucket_dto

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
