from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.project_dto_framework_type_1 import ProjectDtoFrameworkType1
from ..models.project_dto_framework_type_2_type_1 import ProjectDtoFrameworkType2Type1
from ..models.project_dto_framework_type_3_type_1 import ProjectDtoFrameworkType3Type1
from ..models.project_dto_runtime_type_1 import ProjectDtoRuntimeType1
from ..models.project_dto_runtime_type_2_type_1 import ProjectDtoRuntimeType2Type1
from ..models.project_dto_runtime_type_3_type_1 import ProjectDtoRuntimeType3Type1
from typing import cast






T = TypeVar("T", bound="ProjectDto")



@_attrs_define
class ProjectDto:
    """ 
        Attributes:
            id (str):  Example: prj_01jd8x3k9m2f4q7r8s9t0v1w2x.
            team_id (str):
            name (str):  Example: My App.
            slug (str): DNS label; the site is served at <slug>.<root-domain> Example: my-app.
            framework (None | ProjectDtoFrameworkType1 | ProjectDtoFrameworkType2Type1 | ProjectDtoFrameworkType3Type1):
            root_directory (None | str):
            install_command (None | str):
            build_command (None | str):
            output_directory (None | str):
            git_repository_url (None | str):
            production_branch (str):  Example: main.
            build_timeout_seconds (float | None): Build time limit in seconds; null = the platform default
            clean_urls (bool):
            spa_fallback (bool):
            custom404 (bool):
            hsts (bool): HTTPS answers carry Strict-Transport-Security
            runtime (None | ProjectDtoRuntimeType1 | ProjectDtoRuntimeType2Type1 | ProjectDtoRuntimeType3Type1): null =
                detected per deployment Example: container.
            port (float | None):  Example: 3000.
            health_check_path (None | str):  Example: /healthz.
            start_command (None | str):  Example: node server.js.
            replicas (float | None):  Example: 1.
            memory_mb (float | None):  Example: 512.
            cpus (float | None):  Example: 0.5.
            idle_timeout_seconds (float | None):  Example: 900.
            live_deployment_id (None | str): The deployment the production URL serves
            url (None | str): The production URL (`<slug>.<root domain>`), serving the live deployment; null while no
                deployment is live Example: http://my-app.localhost:8080.
            domain_urls (list[str]): The verified custom domains' URLs, serving the live deployment too (in name order);
                empty while no deployment is live Example: ['http://www.example.com:8080'].
            created_at (str):
            updated_at (str):
     """

    id: str
    team_id: str
    name: str
    slug: str
    framework: None | ProjectDtoFrameworkType1 | ProjectDtoFrameworkType2Type1 | ProjectDtoFrameworkType3Type1
    root_directory: None | str
    install_command: None | str
    build_command: None | str
    output_directory: None | str
    git_repository_url: None | str
    production_branch: str
    build_timeout_seconds: float | None
    clean_urls: bool
    spa_fallback: bool
    custom404: bool
    hsts: bool
    runtime: None | ProjectDtoRuntimeType1 | ProjectDtoRuntimeType2Type1 | ProjectDtoRuntimeType3Type1
    port: float | None
    health_check_path: None | str
    start_command: None | str
    replicas: float | None
    memory_mb: float | None
    cpus: float | None
    idle_timeout_seconds: float | None
    live_deployment_id: None | str
    url: None | str
    domain_urls: list[str]
    created_at: str
    updated_at: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        id = self.id

        team_id = self.team_id

        name = self.name

        slug = self.slug

        framework: None | str
        if isinstance(self.framework, ProjectDtoFrameworkType1):
            framework = self.framework.value
        elif isinstance(self.framework, ProjectDtoFrameworkType2Type1):
            framework = self.framework.value
        elif isinstance(self.framework, ProjectDtoFrameworkType3Type1):
            framework = self.framework.value
        else:
            framework = self.framework

        root_directory: None | str
        root_directory = self.root_directory

        install_command: None | str
        install_command = self.install_command

        build_command: None | str
        build_command = self.build_command

        output_directory: None | str
        output_directory = self.output_directory

        git_repository_url: None | str
        git_repository_url = self.git_repository_url

        production_branch = self.production_branch

        build_timeout_seconds: float | None
        build_timeout_seconds = self.build_timeout_seconds

        clean_urls = self.clean_urls

        spa_fallback = self.spa_fallback

        custom404 = self.custom404

        hsts = self.hsts

        runtime: None | str
        if isinstance(self.runtime, ProjectDtoRuntimeType1):
            runtime = self.runtime.value
        elif isinstance(self.runtime, ProjectDtoRuntimeType2Type1):
            runtime = self.runtime.value
        elif isinstance(self.runtime, ProjectDtoRuntimeType3Type1):
            runtime = self.runtime.value
        else:
            runtime = self.runtime

        port: float | None
        port = self.port

        health_check_path: None | str
        health_check_path = self.health_check_path

        start_command: None | str
        start_command = self.start_command

        replicas: float | None
        replicas = self.replicas

        memory_mb: float | None
        memory_mb = self.memory_mb

        cpus: float | None
        cpus = self.cpus

        idle_timeout_seconds: float | None
        idle_timeout_seconds = self.idle_timeout_seconds

        live_deployment_id: None | str
        live_deployment_id = self.live_deployment_id

        url: None | str
        url = self.url

        domain_urls = self.domain_urls



        created_at = self.created_at

        updated_at = self.updated_at


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "id": id,
            "teamId": team_id,
            "name": name,
            "slug": slug,
            "framework": framework,
            "rootDirectory": root_directory,
            "installCommand": install_command,
            "buildCommand": build_command,
            "outputDirectory": output_directory,
            "gitRepositoryUrl": git_repository_url,
            "productionBranch": production_branch,
            "buildTimeoutSeconds": build_timeout_seconds,
            "cleanUrls": clean_urls,
            "spaFallback": spa_fallback,
            "custom404": custom404,
            "hsts": hsts,
            "runtime": runtime,
            "port": port,
            "healthCheckPath": health_check_path,
            "startCommand": start_command,
            "replicas": replicas,
            "memoryMb": memory_mb,
            "cpus": cpus,
            "idleTimeoutSeconds": idle_timeout_seconds,
            "liveDeploymentId": live_deployment_id,
            "url": url,
            "domainUrls": domain_urls,
            "createdAt": created_at,
            "updatedAt": updated_at,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        team_id = d.pop("teamId")

        name = d.pop("name")

        slug = d.pop("slug")

        def _parse_framework(data: object) -> None | ProjectDtoFrameworkType1 | ProjectDtoFrameworkType2Type1 | ProjectDtoFrameworkType3Type1:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                framework_type_1 = ProjectDtoFrameworkType1(data)



                return framework_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, str):
                    raise TypeError()
                framework_type_2_type_1 = ProjectDtoFrameworkType2Type1(data)



                return framework_type_2_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, str):
                    raise TypeError()
                framework_type_3_type_1 = ProjectDtoFrameworkType3Type1(data)



                return framework_type_3_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | ProjectDtoFrameworkType1 | ProjectDtoFrameworkType2Type1 | ProjectDtoFrameworkType3Type1, data)

        framework = _parse_framework(d.pop("framework"))


        def _parse_root_directory(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        root_directory = _parse_root_directory(d.pop("rootDirectory"))


        def _parse_install_command(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        install_command = _parse_install_command(d.pop("installCommand"))


        def _parse_build_command(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        build_command = _parse_build_command(d.pop("buildCommand"))


        def _parse_output_directory(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        output_directory = _parse_output_directory(d.pop("outputDirectory"))


        def _parse_git_repository_url(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        git_repository_url = _parse_git_repository_url(d.pop("gitRepositoryUrl"))


        production_branch = d.pop("productionBranch")

        def _parse_build_timeout_seconds(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        build_timeout_seconds = _parse_build_timeout_seconds(d.pop("buildTimeoutSeconds"))


        clean_urls = d.pop("cleanUrls")

        spa_fallback = d.pop("spaFallback")

        custom404 = d.pop("custom404")

        hsts = d.pop("hsts")

        def _parse_runtime(data: object) -> None | ProjectDtoRuntimeType1 | ProjectDtoRuntimeType2Type1 | ProjectDtoRuntimeType3Type1:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                runtime_type_1 = ProjectDtoRuntimeType1(data)



                return runtime_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, str):
                    raise TypeError()
                runtime_type_2_type_1 = ProjectDtoRuntimeType2Type1(data)



                return runtime_type_2_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, str):
                    raise TypeError()
                runtime_type_3_type_1 = ProjectDtoRuntimeType3Type1(data)



                return runtime_type_3_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | ProjectDtoRuntimeType1 | ProjectDtoRuntimeType2Type1 | ProjectDtoRuntimeType3Type1, data)

        runtime = _parse_runtime(d.pop("runtime"))


        def _parse_port(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        port = _parse_port(d.pop("port"))


        def _parse_health_check_path(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        health_check_path = _parse_health_check_path(d.pop("healthCheckPath"))


        def _parse_start_command(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        start_command = _parse_start_command(d.pop("startCommand"))


        def _parse_replicas(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        replicas = _parse_replicas(d.pop("replicas"))


        def _parse_memory_mb(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        memory_mb = _parse_memory_mb(d.pop("memoryMb"))


        def _parse_cpus(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        cpus = _parse_cpus(d.pop("cpus"))


        def _parse_idle_timeout_seconds(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        idle_timeout_seconds = _parse_idle_timeout_seconds(d.pop("idleTimeoutSeconds"))


        def _parse_live_deployment_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        live_deployment_id = _parse_live_deployment_id(d.pop("liveDeploymentId"))


        def _parse_url(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        url = _parse_url(d.pop("url"))


        domain_urls = cast(list[str], d.pop("domainUrls"))


        created_at = d.pop("createdAt")

        updated_at = d.pop("updatedAt")

        project_dto = cls(
            id=id,
            team_id=team_id,
            name=name,
            slug=slug,
            framework=framework,
            root_directory=root_directory,
            install_command=install_command,
            build_command=build_command,
            output_directory=output_directory,
            git_repository_url=git_repository_url,
            production_branch=production_branch,
            build_timeout_seconds=build_timeout_seconds,
            clean_urls=clean_urls,
            spa_fallback=spa_fallback,
            custom404=custom404,
            hsts=hsts,
            runtime=runtime,
            port=port,
            health_check_path=health_check_path,
            start_command=start_command,
            replicas=replicas,
            memory_mb=memory_mb,
            cpus=cpus,
            idle_timeout_seconds=idle_timeout_seconds,
            live_deployment_id=live_deployment_id,
            url=url,
            domain_urls=domain_urls,
            created_at=created_at,
            updated_at=updated_at,
        )


        project_dto.additional_properties = d
        return project_dto

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
