from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.git_push_payload_dto_head_commit import GitPushPayloadDtoHeadCommit





T = TypeVar("T", bound="GitPushPayloadDto")



@_attrs_define
class GitPushPayloadDto:
    """ 
        Attributes:
            ref (str):  Example: refs/heads/main.
            after (str | Unset): The pushed head commit Example: 3f9a1c2e4b5d6f708192a3b4c5d6e7f809a1b2c3.
            deleted (bool | Unset): true when the push deleted the ref
            head_commit (GitPushPayloadDtoHeadCommit | Unset): { id, message } of the head commit
     """

    ref: str
    after: str | Unset = UNSET
    deleted: bool | Unset = UNSET
    head_commit: GitPushPayloadDtoHeadCommit | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.git_push_payload_dto_head_commit import GitPushPayloadDtoHeadCommit # noqa: PLC0415
        ref = self.ref

        after = self.after

        deleted = self.deleted

        head_commit: dict[str, Any] | Unset = UNSET
        if not isinstance(self.head_commit, Unset):
            head_commit = self.head_commit.to_dict()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "ref": ref,
        })
        if after is not UNSET:
            field_dict["after"] = after
        if deleted is not UNSET:
            field_dict["deleted"] = deleted
        if head_commit is not UNSET:
            field_dict["head_commit"] = head_commit

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.git_push_payload_dto_head_commit import GitPushPayloadDtoHeadCommit # noqa: PLC0415
        d = dict(src_dict)
        ref = d.pop("ref")

        after = d.pop("after", UNSET)

        deleted = d.pop("deleted", UNSET)

        _head_commit = d.pop("head_commit", UNSET)
        head_commit: GitPushPayloadDtoHeadCommit | Unset
        if isinstance(_head_commit,  Unset):
            head_commit = UNSET
        else:
            head_commit = GitPushPayloadDtoHeadCommit.from_dict(_head_commit)




        git_push_payload_dto = cls(
            ref=ref,
            after=after,
            deleted=deleted,
            head_commit=head_commit,
        )


        git_push_payload_dto.additional_properties = d
        return git_push_payload_dto

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
