from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.project_analytics_dto_interval import ProjectAnalyticsDtoInterval
from typing import cast

if TYPE_CHECKING:
  from ..models.analytics_bucket_dto import AnalyticsBucketDto
  from ..models.analytics_totals_dto import AnalyticsTotalsDto





T = TypeVar("T", bound="ProjectAnalyticsDto")



@_attrs_define
class ProjectAnalyticsDto:
    """ 
        Attributes:
            project_id (str):
            from_ (str):
            to (str):
            interval (ProjectAnalyticsDtoInterval):
            buckets (list[AnalyticsBucketDto]): Every bucket in the range, empty ones included
            totals (AnalyticsTotalsDto):
     """

    project_id: str
    from_: str
    to: str
    interval: ProjectAnalyticsDtoInterval
    buckets: list[AnalyticsBucketDto]
    totals: AnalyticsTotalsDto
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.analytics_bucket_dto import AnalyticsBucketDto # noqa: PLC0415
        from ..models.analytics_totals_dto import AnalyticsTotalsDto # noqa: PLC0415
        project_id = self.project_id

        from_ = self.from_

        to = self.to

        interval = self.interval.value

        buckets = []
        for buckets_item_data in self.buckets:
            buckets_item = buckets_item_data.to_dict()
            buckets.append(buckets_item)



        totals = self.totals.to_dict()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "projectId": project_id,
            "from": from_,
            "to": to,
            "interval": interval,
            "buckets": buckets,
            "totals": totals,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.analytics_bucket_dto import AnalyticsBucketDto # noqa: PLC0415
        from ..models.analytics_totals_dto import AnalyticsTotalsDto # noqa: PLC0415
        d = dict(src_dict)
        project_id = d.pop("projectId")

        from_ = d.pop("from")

        to = d.pop("to")

        interval = ProjectAnalyticsDtoInterval(d.pop("interval"))




        buckets = []
        _buckets = d.pop("buckets")
        for buckets_item_data in (_buckets):
            buckets_item = AnalyticsBucketDto.from_dict(buckets_item_data)



            buckets.append(buckets_item)


        totals = AnalyticsTotalsDto.from_dict(d.pop("totals"))




        project_analytics_dto = cls(
            project_id=project_id,
            from_=from_,
            to=to,
            interval=interval,
            buckets=buckets,
            totals=totals,
        )


        project_analytics_dto.additional_properties = d
        return project_analytics_dto

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
