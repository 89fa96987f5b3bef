from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.update_project_request_dto_framework_type_1 import UpdateProjectRequestDtoFrameworkType1
from ..models.update_project_request_dto_framework_type_2_type_1 import UpdateProjectRequestDtoFrameworkType2Type1
from ..models.update_project_request_dto_framework_type_3_type_1 import UpdateProjectRequestDtoFrameworkType3Type1
from ..models.update_project_request_dto_runtime_type_1 import UpdateProjectRequestDtoRuntimeType1
from ..models.update_project_request_dto_runtime_type_2_type_1 import UpdateProjectRequestDtoRuntimeType2Type1
from ..models.update_project_request_dto_runtime_type_3_type_1 import UpdateProjectRequestDtoRuntimeType3Type1
from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="UpdateProjectRequestDto")



@_attrs_define
class UpdateProjectRequestDto:
    """ 
        Attributes:
            framework (None | Unset | UpdateProjectRequestDtoFrameworkType1 | UpdateProjectRequestDtoFrameworkType2Type1 |
                UpdateProjectRequestDtoFrameworkType3Type1): Picks default output directory; detected when omitted
            root_directory (None | str | Unset): Directory of the app inside the source Example: web.
            install_command (None | str | Unset): Overrides the detected install command Example: npm ci.
            build_command (None | str | Unset): Overrides the package.json build script Example: npm run build.
            output_directory (None | str | Unset): Where the build writes the site; the framework default when omitted
                Example: dist.
            git_repository_url (None | str | Unset):  Example: https://git.example.com/acme/site.git.
            production_branch (str | Unset): Pushes to this branch deploy to production Example: main.
            clean_urls (bool | Unset): Serve `/about` from `about.html` Default: False.
            spa_fallback (bool | Unset): Serve `/index.html` for unknown paths (single-page apps) Default: False.
            custom404 (bool | Unset): Answer unknown paths with the deployment's own `404.html` Default: True.
            hsts (bool | Unset): HTTPS answers carry `Strict-Transport-Security: max-age=63072000` (browsers then refuse
                plain HTTP for two years; turn on once HTTPS works for every domain of the project) Default: False.
            build_timeout_seconds (int | None | Unset): Wall-clock build limit in seconds; null = the platform default.
                Capped by BUILD_TIMEOUT_MAX_SECONDS
            runtime (None | Unset | UpdateProjectRequestDtoRuntimeType1 | UpdateProjectRequestDtoRuntimeType2Type1 |
                UpdateProjectRequestDtoRuntimeType3Type1): static: the edge serves the build output; container: the platform
                runs the app. null = detect at build time (a Dockerfile in the root directory, or a package.json `start` script
                with no output directory set → container; else static) Example: container.
            port (int | None | Unset): Server apps: the port the app listens on (it also gets PORT); null = the platform
                default (3000) Example: 3000.
            health_check_path (None | str | Unset): Server apps: a 2xx or 3xx answer here makes an instance healthy; null =
                `/` Example: /healthz.
            start_command (None | str | Unset): Server apps: replaces the image's command (run by /bin/sh -c); null = the
                image's own (the Node runtime: `npm start`) Example: node server.js.
            replicas (int | None | Unset): Server apps: instances per deployment; null = 1. At most the platform's
                APP_MAX_REPLICAS (422 APP_LIMIT_EXCEEDED above it) Example: 2.
            memory_mb (int | None | Unset): Server apps: memory per instance in MiB; null = the platform default. At most
                APP_MAX_MEMORY_MB (422 APP_LIMIT_EXCEEDED above it) Example: 512.
            cpus (float | None | Unset): Server apps: CPUs per instance (fractions allowed); null = the platform default. At
                most APP_MAX_CPUS (422 APP_LIMIT_EXCEEDED above it) Example: 0.5.
            idle_timeout_seconds (int | None | Unset): Server apps: stop a deployment after this many seconds without a
                request; the next request starts it again. 0 = never; null = previews after the platform default, production
                never Example: 900.
            name (str | Unset):  Example: My App.
     """

    framework: None | Unset | UpdateProjectRequestDtoFrameworkType1 | UpdateProjectRequestDtoFrameworkType2Type1 | UpdateProjectRequestDtoFrameworkType3Type1 = UNSET
    root_directory: None | str | Unset = UNSET
    install_command: None | str | Unset = UNSET
    build_command: None | str | Unset = UNSET
    output_directory: None | str | Unset = UNSET
    git_repository_url: None | str | Unset = UNSET
    production_branch: str | Unset = UNSET
    clean_urls: bool | Unset = False
    spa_fallback: bool | Unset = False
    custom404: bool | Unset = True
    hsts: bool | Unset = False
    build_timeout_seconds: int | None | Unset = UNSET
    runtime: None | Unset | UpdateProjectRequestDtoRuntimeType1 | UpdateProjectRequestDtoRuntimeType2Type1 | UpdateProjectRequestDtoRuntimeType3Type1 = UNSET
    port: int | None | Unset = UNSET
    health_check_path: None | str | Unset = UNSET
    start_command: None | str | Unset = UNSET
    replicas: int | None | Unset = UNSET
    memory_mb: int | None | Unset = UNSET
    cpus: float | None | Unset = UNSET
    idle_timeout_seconds: int | None | Unset = UNSET
    name: str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        framework: None | str | Unset
        if isinstance(self.framework, Unset):
            framework = UNSET
        elif isinstance(self.framework, UpdateProjectRequestDtoFrameworkType1):
            framework = self.framework.value
        elif isinstance(self.framework, UpdateProjectRequestDtoFrameworkType2Type1):
            framework = self.framework.value
        elif isinstance(self.framework, UpdateProjectRequestDtoFrameworkType3Type1):
            framework = self.framework.value
        else:
            framework = self.framework

        root_directory: None | str | Unset
        if isinstance(self.root_directory, Unset):
            root_directory = UNSET
        else:
            root_directory = self.root_directory

        install_command: None | str | Unset
        if isinstance(self.install_command, Unset):
            install_command = UNSET
        else:
            install_command = self.install_command

        build_command: None | str | Unset
        if isinstance(self.build_command, Unset):
            build_command = UNSET
        else:
            build_command = self.build_command

        output_directory: None | str | Unset
        if isinstance(self.output_directory, Unset):
            output_directory = UNSET
        else:
            output_directory = self.output_directory

        git_repository_url: None | str | Unset
        if isinstance(self.git_repository_url, Unset):
            git_repository_url = UNSET
        else:
            git_repository_url = self.git_repository_url

        production_branch = self.production_branch

        clean_urls = self.clean_urls

        spa_fallback = self.spa_fallback

        custom404 = self.custom404

        hsts = self.hsts

        build_timeout_seconds: int | None | Unset
        if isinstance(self.build_timeout_seconds, Unset):
            build_timeout_seconds = UNSET
        else:
            build_timeout_seconds = self.build_timeout_seconds

        runtime: None | str | Unset
        if isinstance(self.runtime, Unset):
            runtime = UNSET
        elif isinstance(self.runtime, UpdateProjectRequestDtoRuntimeType1):
            runtime = self.runtime.value
        elif isinstance(self.runtime, UpdateProjectRequestDtoRuntimeType2Type1):
            runtime = self.runtime.value
        elif isinstance(self.runtime, UpdateProjectRequestDtoRuntimeType3Type1):
            runtime = self.runtime.value
        else:
            runtime = self.runtime

        port: int | None | Unset
        if isinstance(self.port, Unset):
            port = UNSET
        else:
            port = self.port

        health_check_path: None | str | Unset
        if isinstance(self.health_check_path, Unset):
            health_check_path = UNSET
        else:
            health_check_path = self.health_check_path

        start_command: None | str | Unset
        if isinstance(self.start_command, Unset):
            start_command = UNSET
        else:
            start_command = self.start_command

        replicas: int | None | Unset
        if isinstance(self.replicas, Unset):
            replicas = UNSET
        else:
            replicas = self.replicas

        memory_mb: int | None | Unset
        if isinstance(self.memory_mb, Unset):
            memory_mb = UNSET
        else:
            memory_mb = self.memory_mb

        cpus: float | None | Unset
        if isinstance(self.cpus, Unset):
            cpus = UNSET
        else:
            cpus = self.cpus

        idle_timeout_seconds: int | None | Unset
        if isinstance(self.idle_timeout_seconds, Unset):
            idle_timeout_seconds = UNSET
        else:
            idle_timeout_seconds = self.idle_timeout_seconds

        name = self.name


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if framework is not UNSET:
            field_dict["framework"] = framework
        if root_directory is not UNSET:
            field_dict["rootDirectory"] = root_directory
        if install_command is not UNSET:
            field_dict["installCommand"] = install_command
        if build_command is not UNSET:
            field_dict["buildCommand"] = build_command
        if output_directory is not UNSET:
            field_dict["outputDirectory"] = output_directory
        if git_repository_url is not UNSET:
            field_dict["gitRepositoryUrl"] = git_repository_url
        if production_branch is not UNSET:
            field_dict["productionBranch"] = production_branch
        if clean_urls is not UNSET:
            field_dict["cleanUrls"] = clean_urls
        if spa_fallback is not UNSET:
            field_dict["spaFallback"] = spa_fallback
        if custom404 is not UNSET:
            field_dict["custom404"] = custom404
        if hsts is not UNSET:
            field_dict["hsts"] = hsts
        if build_timeout_seconds is not UNSET:
            field_dict["buildTimeoutSeconds"] = build_timeout_seconds
        if runtime is not UNSET:
            field_dict["runtime"] = runtime
        if port is not UNSET:
            field_dict["port"] = port
        if health_check_path is not UNSET:
            field_dict["healthCheckPath"] = health_check_path
        if start_command is not UNSET:
            field_dict["startCommand"] = start_command
        if replicas is not UNSET:
            field_dict["replicas"] = replicas
        if memory_mb is not UNSET:
            field_dict["memoryMb"] = memory_mb
        if cpus is not UNSET:
            field_dict["cpus"] = cpus
        if idle_timeout_seconds is not UNSET:
            field_dict["idleTimeoutSeconds"] = idle_timeout_seconds
        if name is not UNSET:
            field_dict["name"] = name

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        def _parse_framework(data: object) -> None | Unset | UpdateProjectRequestDtoFrameworkType1 | UpdateProjectRequestDtoFrameworkType2Type1 | UpdateProjectRequestDtoFrameworkType3Type1:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                framework_type_1 = UpdateProjectRequestDtoFrameworkType1(data)



                return framework_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, str):
                    raise TypeError()
                framework_type_2_type_1 = UpdateProjectRequestDtoFrameworkType2Type1(data)



                return framework_type_2_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, str):
                    raise TypeError()
                framework_type_3_type_1 = UpdateProjectRequestDtoFrameworkType3Type1(data)



                return framework_type_3_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UpdateProjectRequestDtoFrameworkType1 | UpdateProjectRequestDtoFrameworkType2Type1 | UpdateProjectRequestDtoFrameworkType3Type1, data)

        framework = _parse_framework(d.pop("framework", UNSET))


        def _parse_root_directory(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        root_directory = _parse_root_directory(d.pop("rootDirectory", UNSET))


        def _parse_install_command(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        install_command = _parse_install_command(d.pop("installCommand", UNSET))


        def _parse_build_command(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        build_command = _parse_build_command(d.pop("buildCommand", UNSET))


        def _parse_output_directory(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        output_directory = _parse_output_directory(d.pop("outputDirectory", UNSET))


        def _parse_git_repository_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        git_repository_url = _parse_git_repository_url(d.pop("gitRepositoryUrl", UNSET))


        production_branch = d.pop("productionBranch", UNSET)

        clean_urls = d.pop("cleanUrls", UNSET)

        spa_fallback = d.pop("spaFallback", UNSET)

        custom404 = d.pop("custom404", UNSET)

        hsts = d.pop("hsts", UNSET)

        def _parse_build_timeout_seconds(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        build_timeout_seconds = _parse_build_timeout_seconds(d.pop("buildTimeoutSeconds", UNSET))


        def _parse_runtime(data: object) -> None | Unset | UpdateProjectRequestDtoRuntimeType1 | UpdateProjectRequestDtoRuntimeType2Type1 | UpdateProjectRequestDtoRuntimeType3Type1:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                runtime_type_1 = UpdateProjectRequestDtoRuntimeType1(data)



                return runtime_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, str):
                    raise TypeError()
                runtime_type_2_type_1 = UpdateProjectRequestDtoRuntimeType2Type1(data)



                return runtime_type_2_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, str):
                    raise TypeError()
                runtime_type_3_type_1 = UpdateProjectRequestDtoRuntimeType3Type1(data)



                return runtime_type_3_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UpdateProjectRequestDtoRuntimeType1 | UpdateProjectRequestDtoRuntimeType2Type1 | UpdateProjectRequestDtoRuntimeType3Type1, data)

        runtime = _parse_runtime(d.pop("runtime", UNSET))


        def _parse_port(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        port = _parse_port(d.pop("port", UNSET))


        def _parse_health_check_path(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        health_check_path = _parse_health_check_path(d.pop("healthCheckPath", UNSET))


        def _parse_start_command(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        start_command = _parse_start_command(d.pop("startCommand", UNSET))


        def _parse_replicas(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        replicas = _parse_replicas(d.pop("replicas", UNSET))


        def _parse_memory_mb(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        memory_mb = _parse_memory_mb(d.pop("memoryMb", UNSET))


        def _parse_cpus(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        cpus = _parse_cpus(d.pop("cpus", UNSET))


        def _parse_idle_timeout_seconds(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        idle_timeout_seconds = _parse_idle_timeout_seconds(d.pop("idleTimeoutSeconds", UNSET))


        name = d.pop("name", UNSET)

        update_project_request_dto = cls(
            framework=framework,
            root_directory=root_directory,
            install_command=install_command,
            build_command=build_command,
            output_directory=output_directory,
            git_repository_url=git_repository_url,
            production_branch=production_branch,
            clean_urls=clean_urls,
            spa_fallback=spa_fallback,
            custom404=custom404,
            hsts=hsts,
            build_timeout_seconds=build_timeout_seconds,
            runtime=runtime,
            port=port,
            health_check_path=health_check_path,
            start_command=start_command,
            replicas=replicas,
            memory_mb=memory_mb,
            cpus=cpus,
            idle_timeout_seconds=idle_timeout_seconds,
            name=name,
        )

        return update_project_request_dto

