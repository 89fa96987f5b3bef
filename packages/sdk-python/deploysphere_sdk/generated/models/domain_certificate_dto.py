from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.domain_certificate_dto_state import DomainCertificateDtoState
from typing import cast






T = TypeVar("T", bound="DomainCertificateDto")



@_attrs_define
class DomainCertificateDto:
    """ 
        Attributes:
            state (DomainCertificateDtoState): NONE: not verified yet. PENDING: being obtained from the ACME server. ISSUED:
                served over HTTPS. RENEWAL_FAILING: still served, but renewing it failed (see failureReason; retried with
                backoff). FAILED: never obtained (see failureReason; retried with backoff). Example: ISSUED.
            expires_at (None | str): Expiry of the certificate being served Example: 2027-03-08T01:02:03.000Z.
            failure_reason (None | str): Why the last attempt failed (the ACME server's problem or a network error); null
                after a success Example: urn:ietf:params:acme:error:connection: 192.0.2.10: Fetching
                http://www.example.com/.well-known/acme-challenge/…: Connection refused.
            next_attempt_at (None | str): Next issuance, retry or renewal Example: 2027-01-07T01:02:03.000Z.
     """

    state: DomainCertificateDtoState
    expires_at: None | str
    failure_reason: None | str
    next_attempt_at: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        state = self.state.value

        expires_at: None | str
        expires_at = self.expires_at

        failure_reason: None | str
        failure_reason = self.failure_reason

        next_attempt_at: None | str
        next_attempt_at = self.next_attempt_at


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "state": state,
            "expiresAt": expires_at,
            "failureReason": failure_reason,
            "nextAttemptAt": next_attempt_at,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        state = DomainCertificateDtoState(d.pop("state"))




        def _parse_expires_at(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        expires_at = _parse_expires_at(d.pop("expiresAt"))


        def _parse_failure_reason(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        failure_reason = _parse_failure_reason(d.pop("failureReason"))


        def _parse_next_attempt_at(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        next_attempt_at = _parse_next_attempt_at(d.pop("nextAttemptAt"))


        domain_certificate_dto = cls(
            state=state,
            expires_at=expires_at,
            failure_reason=failure_reason,
            next_attempt_at=next_attempt_at,
        )


        domain_certificate_dto.additional_properties = d
        return domain_certificate_dto

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
