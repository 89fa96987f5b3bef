from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.deployment_dto_runtime_type_1 import DeploymentDtoRuntimeType1
from ..models.deployment_dto_runtime_type_2_type_1 import DeploymentDtoRuntimeType2Type1
from ..models.deployment_dto_runtime_type_3_type_1 import DeploymentDtoRuntimeType3Type1
from ..models.deployment_dto_source import DeploymentDtoSource
from ..models.deployment_dto_status import DeploymentDtoStatus
from ..models.deployment_dto_target import DeploymentDtoTarget
from typing import cast

if TYPE_CHECKING:
  from ..models.promotion_dto import PromotionDto





T = TypeVar("T", bound="DeploymentDto")



@_attrs_define
class DeploymentDto:
    """ 
        Attributes:
            id (str):  Example: dpl_01jd8x3k9m2f4q7r8s9t0v1w2x.
            project_id (str):  Example: prj_01jd8x3k9m2f4q7r8s9t0v1w2x.
            status (DeploymentDtoStatus):  Example: READY.
            target (DeploymentDtoTarget):  Example: PRODUCTION.
            source (DeploymentDtoSource):  Example: UPLOAD.
            url (None | str): The deployment's immutable preview URL: served by the edge router as long as the deployment is
                READY, whatever the production alias points at. null in every other status (nothing is served there yet, or any
                more). Example: http://01jd8x3k9m2f4q7r8s9t0v1w2x-my-app.localhost:8080.
            git_ref (None | str):
            commit_sha (None | str):
            failure_code (None | str): Stable code when status is FAILED or TIMED_OUT
            failure_message (None | str):
            artifact_manifest_key (None | str):
            runtime (DeploymentDtoRuntimeType1 | DeploymentDtoRuntimeType2Type1 | DeploymentDtoRuntimeType3Type1 | None):
                How it is served; decided when its build ran (null before) Example: container.
            image_ref (None | str): A container deployment's image, by digest (set when it reaches STARTING) Example:
                127.0.0.1:5050/deploysphere-
                apps/prj_01jd8x3k9m2f4q7r8s9t0v1w2x@sha256:3f1c5e0b9a7d2c4e6f8a0b1c3d5e7f9a1b3c5d7e9f0a2b4c6d8e0f1a3b5c7d9e.
            image_digest (None | str):  Example: sha256:3f1c5e0b9a7d2c4e6f8a0b1c3d5e7f9a1b3c5d7e9f0a2b4c6d8e0f1a3b5c7d9e.
            created_at (str):
            building_at (None | str):
            uploading_at (None | str):
            ready_at (None | str):
            cancel_requested_at (None | str):
            finished_at (None | str):
            promotion (None | PromotionDto): The last promote or rollback to this server app that is still starting, or that
                failed; null otherwise
     """

    id: str
    project_id: str
    status: DeploymentDtoStatus
    target: DeploymentDtoTarget
    source: DeploymentDtoSource
    url: None | str
    git_ref: None | str
    commit_sha: None | str
    failure_code: None | str
    failure_message: None | str
    artifact_manifest_key: None | str
    runtime: DeploymentDtoRuntimeType1 | DeploymentDtoRuntimeType2Type1 | DeploymentDtoRuntimeType3Type1 | None
    image_ref: None | str
    image_digest: None | str
    created_at: str
    building_at: None | str
    uploading_at: None | str
    ready_at: None | str
    cancel_requested_at: None | str
    finished_at: None | str
    promotion: None | PromotionDto
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.promotion_dto import PromotionDto # noqa: PLC0415
        id = self.id

        project_id = self.project_id

        status = self.status.value

        target = self.target.value

        source = self.source.value

        url: None | str
        url = self.url

        git_ref: None | str
        git_ref = self.git_ref

        commit_sha: None | str
        commit_sha = self.commit_sha

        failure_code: None | str
        failure_code = self.failure_code

        failure_message: None | str
        failure_message = self.failure_message

        artifact_manifest_key: None | str
        artifact_manifest_key = self.artifact_manifest_key

        runtime: None | str
        if isinstance(self.runtime, DeploymentDtoRuntimeType1):
            runtime = self.runtime.value
        elif isinstance(self.runtime, DeploymentDtoRuntimeType2Type1):
            runtime = self.runtime.value
        elif isinstance(self.runtime, DeploymentDtoRuntimeType3Type1):
            runtime = self.runtime.value
        else:
            runtime = self.runtime

        image_ref: None | str
        image_ref = self.image_ref

        image_digest: None | str
        image_digest = self.image_digest

        created_at = self.created_at

        building_at: None | str
        building_at = self.building_at

        uploading_at: None | str
        uploading_at = self.uploading_at

        ready_at: None | str
        ready_at = self.ready_at

        cancel_requested_at: None | str
        cancel_requested_at = self.cancel_requested_at

        finished_at: None | str
        finished_at = self.finished_at

        promotion: dict[str, Any] | None
        if isinstance(self.promotion, PromotionDto):
            promotion = self.promotion.to_dict()
        else:
            promotion = self.promotion


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "id": id,
            "projectId": project_id,
            "status": status,
            "target": target,
            "source": source,
            "url": url,
            "gitRef": git_ref,
            "commitSha": commit_sha,
            "failureCode": failure_code,
            "failureMessage": failure_message,
            "artifactManifestKey": artifact_manifest_key,
            "runtime": runtime,
            "imageRef": image_ref,
            "imageDigest": image_digest,
            "createdAt": created_at,
            "buildingAt": building_at,
            "uploadingAt": uploading_at,
            "readyAt": ready_at,
            "cancelRequestedAt": cancel_requested_at,
            "finishedAt": finished_at,
            "promotion": promotion,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.promotion_dto import PromotionDto # noqa: PLC0415
        d = dict(src_dict)
        id = d.pop("id")

        project_id = d.pop("projectId")

        status = DeploymentDtoStatus(d.pop("status"))




        target = DeploymentDtoTarget(d.pop("target"))




        source = DeploymentDtoSource(d.pop("source"))




        def _parse_url(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        url = _parse_url(d.pop("url"))


        def _parse_git_ref(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        git_ref = _parse_git_ref(d.pop("gitRef"))


        def _parse_commit_sha(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        commit_sha = _parse_commit_sha(d.pop("commitSha"))


        def _parse_failure_code(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        failure_code = _parse_failure_code(d.pop("failureCode"))


        def _parse_failure_message(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        failure_message = _parse_failure_message(d.pop("failureMessage"))


        def _parse_artifact_manifest_key(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        artifact_manifest_key = _parse_artifact_manifest_key(d.pop("artifactManifestKey"))


        def _parse_runtime(data: object) -> DeploymentDtoRuntimeType1 | DeploymentDtoRuntimeType2Type1 | DeploymentDtoRuntimeType3Type1 | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                runtime_type_1 = DeploymentDtoRuntimeType1(data)



                return runtime_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, str):
                    raise TypeError()
                runtime_type_2_type_1 = DeploymentDtoRuntimeType2Type1(data)



                return runtime_type_2_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, str):
                    raise TypeError()
                runtime_type_3_type_1 = DeploymentDtoRuntimeType3Type1(data)



                return runtime_type_3_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(DeploymentDtoRuntimeType1 | DeploymentDtoRuntimeType2Type1 | DeploymentDtoRuntimeType3Type1 | None, data)

        runtime = _parse_runtime(d.pop("runtime"))


        def _parse_image_ref(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        image_ref = _parse_image_ref(d.pop("imageRef"))


        def _parse_image_digest(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        image_digest = _parse_image_digest(d.pop("imageDigest"))


        created_at = d.pop("createdAt")

        def _parse_building_at(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        building_at = _parse_building_at(d.pop("buildingAt"))


        def _parse_uploading_at(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        uploading_at = _parse_uploading_at(d.pop("uploadingAt"))


        def _parse_ready_at(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        ready_at = _parse_ready_at(d.pop("readyAt"))


        def _parse_cancel_requested_at(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        cancel_requested_at = _parse_cancel_requested_at(d.pop("cancelRequestedAt"))


        def _parse_finished_at(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        finished_at = _parse_finished_at(d.pop("finishedAt"))


        def _parse_promotion(data: object) -> None | PromotionDto:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                promotion_type_0 = PromotionDto.from_dict(data)



                return promotion_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PromotionDto, data)

        promotion = _parse_promotion(d.pop("promotion"))


        deployment_dto = cls(
            id=id,
            project_id=project_id,
            status=status,
            target=target,
            source=source,
            url=url,
            git_ref=git_ref,
            commit_sha=commit_sha,
            failure_code=failure_code,
            failure_message=failure_message,
            artifact_manifest_key=artifact_manifest_key,
            runtime=runtime,
            image_ref=image_ref,
            image_digest=image_digest,
            created_at=created_at,
            building_at=building_at,
            uploading_at=uploading_at,
            ready_at=ready_at,
            cancel_requested_at=cancel_requested_at,
            finished_at=finished_at,
            promotion=promotion,
        )


        deployment_dto.additional_properties = d
        return deployment_dto

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
