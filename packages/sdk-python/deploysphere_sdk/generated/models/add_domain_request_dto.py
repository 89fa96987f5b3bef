from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="AddDomainRequestDto")



@_attrs_define
class AddDomainRequestDto:
    """ 
        Attributes:
            hostname (str): A domain name you control; Unicode names are stored in punycode. Not an IP address, not the
                platform's own domain Example: www.example.com.
     """

    hostname: str





    def to_dict(self) -> dict[str, Any]:
        hostname = self.hostname


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "hostname": hostname,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        hostname = d.pop("hostname")

        add_domain_request_dto = cls(
            hostname=hostname,
        )

        return add_domain_request_dto

