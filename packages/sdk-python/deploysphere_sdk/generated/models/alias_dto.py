from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.alias_dto_state import AliasDtoState
from typing import cast






T = TypeVar("T", bound="AliasDto")



@_attrs_define
class AliasDto:
    """ 
        Attributes:
            project_id (str):
            deployment_id (str): The deployment the production URL now serves, or will serve once its instances are healthy
                (`starting`)
            previous_deployment_id (None | str): The deployment served before; while `starting`, the one still served
            state (AliasDtoState): `moved` (200): the alias points at the deployment now. `starting` (202): a server app
                whose instances start first (or are found running); the alias moves when they pass their health check
                (AliasMoved), and the deployment's `promotion` shows the request until then, or why it failed (the alias then
                stays)
            moved_at (None | str): When the alias moved; null while `starting`
     """

    project_id: str
    deployment_id: str
    previous_deployment_id: None | str
    state: AliasDtoState
    moved_at: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        project_id = self.project_id

        deployment_id = self.deployment_id

        previous_deployment_id: None | str
        previous_deployment_id = self.previous_deployment_id

        state = self.state.value

        moved_at: None | str
        moved_at = self.moved_at


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "projectId": project_id,
            "deploymentId": deployment_id,
            "previousDeploymentId": previous_deployment_id,
            "state": state,
            "movedAt": moved_at,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        project_id = d.pop("projectId")

        deployment_id = d.pop("deploymentId")

        def _parse_previous_deployment_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        previous_deployment_id = _parse_previous_deployment_id(d.pop("previousDeploymentId"))


        state = AliasDtoState(d.pop("state"))




        def _parse_moved_at(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        moved_at = _parse_moved_at(d.pop("movedAt"))


        alias_dto = cls(
            project_id=project_id,
            deployment_id=deployment_id,
            previous_deployment_id=previous_deployment_id,
            state=state,
            moved_at=moved_at,
        )


        alias_dto.additional_properties = d
        return alias_dto

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
