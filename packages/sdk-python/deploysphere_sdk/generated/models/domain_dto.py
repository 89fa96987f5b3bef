from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.domain_certificate_dto import DomainCertificateDto
  from ..models.verification_record_dto import VerificationRecordDto





T = TypeVar("T", bound="DomainDto")



@_attrs_define
class DomainDto:
    """ 
        Attributes:
            id (str):  Example: dom_01jd8x3k9m2f4q7r8s9t0v1w2x.
            project_id (str):
            hostname (str): Lower-case ASCII; internationalized names in punycode (xn--…) Example: www.example.com.
            unicode_hostname (str): The hostname as people read it (Unicode) Example: www.example.com.
            verified (bool): Served by the edge router (as the production URL) only once true
            verified_at (None | str):
            verification (VerificationRecordDto):
            certificate (DomainCertificateDto):
            created_at (str):
     """

    id: str
    project_id: str
    hostname: str
    unicode_hostname: str
    verified: bool
    verified_at: None | str
    verification: VerificationRecordDto
    certificate: DomainCertificateDto
    created_at: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.domain_certificate_dto import DomainCertificateDto # noqa: PLC0415
        from ..models.verification_record_dto import VerificationRecordDto # noqa: PLC0415
        id = self.id

        project_id = self.project_id

        hostname = self.hostname

        unicode_hostname = self.unicode_hostname

        verified = self.verified

        verified_at: None | str
        verified_at = self.verified_at

        verification = self.verification.to_dict()

        certificate = self.certificate.to_dict()

        created_at = self.created_at


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "id": id,
            "projectId": project_id,
            "hostname": hostname,
            "unicodeHostname": unicode_hostname,
            "verified": verified,
            "verifiedAt": verified_at,
            "verification": verification,
            "certificate": certificate,
            "createdAt": created_at,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.domain_certificate_dto import DomainCertificateDto # noqa: PLC0415
        from ..models.verification_record_dto import VerificationRecordDto # noqa: PLC0415
        d = dict(src_dict)
        id = d.pop("id")

        project_id = d.pop("projectId")

        hostname = d.pop("hostname")

        unicode_hostname = d.pop("unicodeHostname")

        verified = d.pop("verified")

        def _parse_verified_at(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        verified_at = _parse_verified_at(d.pop("verifiedAt"))


        verification = VerificationRecordDto.from_dict(d.pop("verification"))




        certificate = DomainCertificateDto.from_dict(d.pop("certificate"))




        created_at = d.pop("createdAt")

        domain_dto = cls(
            id=id,
            project_id=project_id,
            hostname=hostname,
            unicode_hostname=unicode_hostname,
            verified=verified,
            verified_at=verified_at,
            verification=verification,
            certificate=certificate,
            created_at=created_at,
        )


        domain_dto.additional_properties = d
        return domain_dto

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
