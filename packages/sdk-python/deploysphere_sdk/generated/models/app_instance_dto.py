from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.app_instance_dto_runtime import AppInstanceDtoRuntime
from ..models.app_instance_dto_state import AppInstanceDtoState
from typing import cast






T = TypeVar("T", bound="AppInstanceDto")



@_attrs_define
class AppInstanceDto:
    """ 
        Attributes:
            id (str): Container id, or process:<deployment>:<replica> in embedded mode Example: 3f9a1c2b7d4e….
            runtime (AppInstanceDtoRuntime):  Example: docker.
            address (None | str): Where the edge reaches it; null while it is not running Example: 172.20.0.5:3000.
            state (AppInstanceDtoState): `asleep`: stopped after the idle timeout (scale to zero); the next request starts
                it Example: running.
            restarts (float): Crashes it was restarted after Example: 0.
            started_at (None | str):  Example: 2026-12-07T21:40:00.000Z.
            updated_at (str): When the orchestrator last looked at it Example: 2026-12-07T21:40:02.000Z.
     """

    id: str
    runtime: AppInstanceDtoRuntime
    address: None | str
    state: AppInstanceDtoState
    restarts: float
    started_at: None | str
    updated_at: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        id = self.id

        runtime = self.runtime.value

        address: None | str
        address = self.address

        state = self.state.value

        restarts = self.restarts

        started_at: None | str
        started_at = self.started_at

        updated_at = self.updated_at


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "id": id,
            "runtime": runtime,
            "address": address,
            "state": state,
            "restarts": restarts,
            "startedAt": started_at,
            "updatedAt": updated_at,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        runtime = AppInstanceDtoRuntime(d.pop("runtime"))




        def _parse_address(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        address = _parse_address(d.pop("address"))


        state = AppInstanceDtoState(d.pop("state"))




        restarts = d.pop("restarts")

        def _parse_started_at(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        started_at = _parse_started_at(d.pop("startedAt"))


        updated_at = d.pop("updatedAt")

        app_instance_dto = cls(
            id=id,
            runtime=runtime,
            address=address,
            state=state,
            restarts=restarts,
            started_at=started_at,
            updated_at=updated_at,
        )


        app_instance_dto.additional_properties = d
        return app_instance_dto

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
