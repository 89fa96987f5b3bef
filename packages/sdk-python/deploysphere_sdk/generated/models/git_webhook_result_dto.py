from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.git_webhook_result_dto_outcome import GitWebhookResultDtoOutcome
from typing import cast






T = TypeVar("T", bound="GitWebhookResultDto")



@_attrs_define
class GitWebhookResultDto:
    """ 
        Attributes:
            delivery_id (str):  Example: 72d3162e-cc78-11e3-81ab-4c9367dc0958.
            event (str):  Example: push.
            outcome (GitWebhookResultDtoOutcome):
            deployment_id (None | str): The deployment this delivery created
            redelivered (bool): true when this delivery id was already handled: nothing new was created
     """

    delivery_id: str
    event: str
    outcome: GitWebhookResultDtoOutcome
    deployment_id: None | str
    redelivered: bool
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        delivery_id = self.delivery_id

        event = self.event

        outcome = self.outcome.value

        deployment_id: None | str
        deployment_id = self.deployment_id

        redelivered = self.redelivered


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "deliveryId": delivery_id,
            "event": event,
            "outcome": outcome,
            "deploymentId": deployment_id,
            "redelivered": redelivered,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        delivery_id = d.pop("deliveryId")

        event = d.pop("event")

        outcome = GitWebhookResultDtoOutcome(d.pop("outcome"))




        def _parse_deployment_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        deployment_id = _parse_deployment_id(d.pop("deploymentId"))


        redelivered = d.pop("redelivered")

        git_webhook_result_dto = cls(
            delivery_id=delivery_id,
            event=event,
            outcome=outcome,
            deployment_id=deployment_id,
            redelivered=redelivered,
        )


        git_webhook_result_dto.additional_properties = d
        return git_webhook_result_dto

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
