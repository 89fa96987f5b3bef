from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.env_var_dto_target import EnvVarDtoTarget
from typing import cast






T = TypeVar("T", bound="EnvVarDto")



@_attrs_define
class EnvVarDto:
    """ 
        Attributes:
            id (str):  Example: env_01jd8x3k9m2f4q7r8s9t0v1w2x.
            key (str):  Example: API_KEY.
            target (EnvVarDtoTarget):
            secret (bool): Secret values are write-only
            value (None | str): The value; null for secrets (never returned in clear)
            created_at (str):
            updated_at (str):
     """

    id: str
    key: str
    target: EnvVarDtoTarget
    secret: bool
    value: None | str
    created_at: str
    updated_at: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        id = self.id

        key = self.key

        target = self.target.value

        secret = self.secret

        value: None | str
        value = self.value

        created_at = self.created_at

        updated_at = self.updated_at


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "id": id,
            "key": key,
            "target": target,
            "secret": secret,
            "value": value,
            "createdAt": created_at,
            "updatedAt": updated_at,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        key = d.pop("key")

        target = EnvVarDtoTarget(d.pop("target"))




        secret = d.pop("secret")

        def _parse_value(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        value = _parse_value(d.pop("value"))


        created_at = d.pop("createdAt")

        updated_at = d.pop("updatedAt")

        env_var_dto = cls(
            id=id,
            key=key,
            target=target,
            secret=secret,
            value=value,
            created_at=created_at,
            updated_at=updated_at,
        )


        env_var_dto.additional_properties = d
        return env_var_dto

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
