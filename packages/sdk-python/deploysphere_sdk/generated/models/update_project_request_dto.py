from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.update_project_request_dto_framework_type_1 import UpdateProjectRequestDtoFrameworkType1
from ..models.update_project_request_dto_framework_type_2_type_1 import UpdateProjectRequestDtoFrameworkType2Type1
from ..models.update_project_request_dto_framework_type_3_type_1 import UpdateProjectRequestDtoFrameworkType3Type1
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
            build_timeout_seconds (int | None | Unset): Wall-clock build limit in seconds; null = the platform default.
                Capped by BUILD_TIMEOUT_MAX_SECONDS
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
    build_timeout_seconds: int | None | Unset = UNSET
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

        build_timeout_seconds: int | None | Unset
        if isinstance(self.build_timeout_seconds, Unset):
            build_timeout_seconds = UNSET
        else:
            build_timeout_seconds = self.build_timeout_seconds

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
        if build_timeout_seconds is not UNSET:
            field_dict["buildTimeoutSeconds"] = build_timeout_seconds
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

        def _parse_build_timeout_seconds(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        build_timeout_seconds = _parse_build_timeout_seconds(d.pop("buildTimeoutSeconds", UNSET))


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
            build_timeout_seconds=build_timeout_seconds,
            name=name,
        )

        return update_project_request_dto

