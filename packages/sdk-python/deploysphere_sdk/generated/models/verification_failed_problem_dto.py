from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.verification_failed_problem_dto_lookup_error import VerificationFailedProblemDtoLookupError
from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.field_error_dto import FieldErrorDto
  from ..models.verification_record_dto import VerificationRecordDto





T = TypeVar("T", bound="VerificationFailedProblemDto")



@_attrs_define
class VerificationFailedProblemDto:
    """ 
        Attributes:
            type_ (str):  Example: urn:deploysphere:problem:validation-failed.
            title (str):  Example: The request is invalid.
            status (float):  Example: 422.
            code (str): Stable machine-readable error code Example: DOMAIN_VERIFICATION_FAILED.
            expected (VerificationRecordDto):
            found (list[str]): The TXT values found at that name (at most 20, each cut at 512 characters)
            detail (str | Unset):
            instance (str | Unset): The request path
            request_id (str | Unset): Correlation id of the request (also in X-Request-Id)
            errors (list[FieldErrorDto] | Unset): One entry per invalid field
            lookup_error (VerificationFailedProblemDtoLookupError | Unset): Set when DNS gave no answer; retry later
     """

    type_: str
    title: str
    status: float
    code: str
    expected: VerificationRecordDto
    found: list[str]
    detail: str | Unset = UNSET
    instance: str | Unset = UNSET
    request_id: str | Unset = UNSET
    errors: list[FieldErrorDto] | Unset = UNSET
    lookup_error: VerificationFailedProblemDtoLookupError | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.field_error_dto import FieldErrorDto # noqa: PLC0415
        from ..models.verification_record_dto import VerificationRecordDto # noqa: PLC0415
        type_ = self.type_

        title = self.title

        status = self.status

        code = self.code

        expected = self.expected.to_dict()

        found = self.found



        detail = self.detail

        instance = self.instance

        request_id = self.request_id

        errors: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.errors, Unset):
            errors = []
            for errors_item_data in self.errors:
                errors_item = errors_item_data.to_dict()
                errors.append(errors_item)



        lookup_error: str | Unset = UNSET
        if not isinstance(self.lookup_error, Unset):
            lookup_error = self.lookup_error.value



        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "type": type_,
            "title": title,
            "status": status,
            "code": code,
            "expected": expected,
            "found": found,
        })
        if detail is not UNSET:
            field_dict["detail"] = detail
        if instance is not UNSET:
            field_dict["instance"] = instance
        if request_id is not UNSET:
            field_dict["requestId"] = request_id
        if errors is not UNSET:
            field_dict["errors"] = errors
        if lookup_error is not UNSET:
            field_dict["lookupError"] = lookup_error

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.field_error_dto import FieldErrorDto # noqa: PLC0415
        from ..models.verification_record_dto import VerificationRecordDto # noqa: PLC0415
        d = dict(src_dict)
        type_ = d.pop("type")

        title = d.pop("title")

        status = d.pop("status")

        code = d.pop("code")

        expected = VerificationRecordDto.from_dict(d.pop("expected"))




        found = cast(list[str], d.pop("found"))


        detail = d.pop("detail", UNSET)

        instance = d.pop("instance", UNSET)

        request_id = d.pop("requestId", UNSET)

        _errors = d.pop("errors", UNSET)
        errors: list[FieldErrorDto] | Unset = UNSET
        if _errors is not UNSET:
            errors = []
            for errors_item_data in _errors:
                errors_item = FieldErrorDto.from_dict(errors_item_data)



                errors.append(errors_item)


        _lookup_error = d.pop("lookupError", UNSET)
        lookup_error: VerificationFailedProblemDtoLookupError | Unset
        if isinstance(_lookup_error,  Unset):
            lookup_error = UNSET
        else:
            lookup_error = VerificationFailedProblemDtoLookupError(_lookup_error)




        verification_failed_problem_dto = cls(
            type_=type_,
            title=title,
            status=status,
            code=code,
            expected=expected,
            found=found,
            detail=detail,
            instance=instance,
            request_id=request_id,
            errors=errors,
            lookup_error=lookup_error,
        )


        verification_failed_problem_dto.additional_properties = d
        return verification_failed_problem_dto

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
