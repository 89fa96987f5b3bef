from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.set_env_var_request_dto_targets_item import SetEnvVarRequestDtoTargetsItem
from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="SetEnvVarRequestDto")



@_attrs_define
class SetEnvVarRequestDto:
    """ 
        Attributes:
            key (str): A shell-safe name: letters, digits, underscores, not starting with a digit Example: API_KEY.
            value (str): Text; may hold tabs and line breaks, no other control character Example: sk_live_….
            targets (list[SetEnvVarRequestDtoTargetsItem] | Unset):
            secret (bool | Unset): Secret values are never returned by the API Default: False.
     """

    key: str
    value: str
    targets: list[SetEnvVarRequestDtoTargetsItem] | Unset = UNSET
    secret: bool | Unset = False





    def to_dict(self) -> dict[str, Any]:
        key = self.key

        value = self.value

        targets: list[str] | Unset = UNSET
        if not isinstance(self.targets, Unset):
            targets = []
            for targets_item_data in self.targets:
                targets_item = targets_item_data.value
                targets.append(targets_item)



        secret = self.secret


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "key": key,
            "value": value,
        })
        if targets is not UNSET:
            field_dict["targets"] = targets
        if secret is not UNSET:
            field_dict["secret"] = secret

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        key = d.pop("key")

        value = d.pop("value")

        _targets = d.pop("targets", UNSET)
        targets: list[SetEnvVarRequestDtoTargetsItem] | Unset = UNSET
        if _targets is not UNSET:
            targets = []
            for targets_item_data in _targets:
                targets_item = SetEnvVarRequestDtoTargetsItem(targets_item_data)



                targets.append(targets_item)


        secret = d.pop("secret", UNSET)

        set_env_var_request_dto = cls(
            key=key,
            value=value,
            targets=targets,
            secret=secret,
        )

        return set_env_var_request_dto

