from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.log_line_dto_stream import LogLineDtoStream






T = TypeVar("T", bound="LogLineDto")



@_attrs_define
class LogLineDto:
    """ 
        Attributes:
            seq (float): Per deployment, from 1, gap-free Example: 42.
            ts (str):  Example: 2026-11-26T17:00:00.123Z.
            stream (LogLineDtoStream):
            message (str):  Example: vite v5.4.0 building for production....
     """

    seq: float
    ts: str
    stream: LogLineDtoStream
    message: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        seq = self.seq

        ts = self.ts

        stream = self.stream.value

        message = self.message


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "seq": seq,
            "ts": ts,
            "stream": stream,
            "message": message,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        seq = d.pop("seq")

        ts = d.pop("ts")

        stream = LogLineDtoStream(d.pop("stream"))




        message = d.pop("message")

        log_line_dto = cls(
            seq=seq,
            ts=ts,
            stream=stream,
            message=message,
        )


        log_line_dto.additional_properties = d
        return log_line_dto

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
