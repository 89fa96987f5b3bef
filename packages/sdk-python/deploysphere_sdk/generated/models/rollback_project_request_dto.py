from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset






T = TypeVar("T", bound="RollbackProjectRequestDto")



@_attrs_define
class RollbackProjectRequestDto:
    """ 
        Attributes:
            deployment_id (str | Unset): A READY deployment of this project; the previous production deployment when omitted
     """

    deployment_id: str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        deployment_id = self.deployment_id


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if deployment_id is not UNSET:
            field_dict["deploymentId"] = deployment_id

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        deployment_id = d.pop("deploymentId", UNSET)

        rollback_project_request_dto = cls(
            deployment_id=deployment_id,
        )

        return rollback_project_request_dto

