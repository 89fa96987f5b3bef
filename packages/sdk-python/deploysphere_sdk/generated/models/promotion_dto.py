from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.promotion_dto_state import PromotionDtoState
from typing import cast






T = TypeVar("T", bound="PromotionDto")



@_attrs_define
class PromotionDto:
    """ 
        Attributes:
            state (PromotionDtoState): `starting`: its instances are starting (or found running); `failed`: the alias stayed
                where it was
            requested_at (None | str): When the promote or rollback was asked (while starting)
            failure_code (None | str): Why it failed: APP_START_FAILED, HEALTH_CHECK_FAILED, SUPERSEDED (a later move
                replaced it), … Example: HEALTH_CHECK_FAILED.
            failure_message (None | str):
     """

    state: PromotionDtoState
    requested_at: None | str
    failure_code: None | str
    failure_message: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        state = self.state.value

        requested_at: None | str
        requested_at = self.requested_at

        failure_code: None | str
        failure_code = self.failure_code

        failure_message: None | str
        failure_message = self.failure_message


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "state": state,
            "requestedAt": requested_at,
            "failureCode": failure_code,
            "failureMessage": failure_message,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        state = PromotionDtoState(d.pop("state"))




        def _parse_requested_at(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        requested_at = _parse_requested_at(d.pop("requestedAt"))


        def _parse_failure_code(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        failure_code = _parse_failure_code(d.pop("failureCode"))


        def _parse_failure_message(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        failure_message = _parse_failure_message(d.pop("failureMessage"))


        promotion_dto = cls(
            state=state,
            requested_at=requested_at,
            failure_code=failure_code,
            failure_message=failure_message,
        )


        promotion_dto.additional_properties = d
        return promotion_dto

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
