from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.request_deployment_request_dto_target import RequestDeploymentRequestDtoTarget
from ..types import UNSET, Unset






T = TypeVar("T", bound="RequestDeploymentRequestDto")



@_attrs_define
class RequestDeploymentRequestDto:
    """ 
        Attributes:
            target (RequestDeploymentRequestDtoTarget | Unset): PRODUCTION moves the project's live URL when ready Default:
                RequestDeploymentRequestDtoTarget.PRODUCTION.
            git_ref (str | Unset): Branch or tag; the project's production branch when omitted Example: main.
            commit_sha (str | Unset): Exact commit to build Example: 3f9a1c2e4b5d6f708192a3b4c5d6e7f809a1b2c3.
     """

    target: RequestDeploymentRequestDtoTarget | Unset = RequestDeploymentRequestDtoTarget.PRODUCTION
    git_ref: str | Unset = UNSET
    commit_sha: str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        target: str | Unset = UNSET
        if not isinstance(self.target, Unset):
            target = self.target.value


        git_ref = self.git_ref

        commit_sha = self.commit_sha


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if target is not UNSET:
            field_dict["target"] = target
        if git_ref is not UNSET:
            field_dict["gitRef"] = git_ref
        if commit_sha is not UNSET:
            field_dict["commitSha"] = commit_sha

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        _target = d.pop("target", UNSET)
        target: RequestDeploymentRequestDtoTarget | Unset
        if isinstance(_target,  Unset):
            target = UNSET
        else:
            target = RequestDeploymentRequestDtoTarget(_target)




        git_ref = d.pop("gitRef", UNSET)

        commit_sha = d.pop("commitSha", UNSET)

        request_deployment_request_dto = cls(
            target=target,
            git_ref=git_ref,
            commit_sha=commit_sha,
        )

        return request_deployment_request_dto

