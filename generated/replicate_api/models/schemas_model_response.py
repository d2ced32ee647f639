from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.schemas_model_response_visibility import SchemasModelResponseVisibility
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.schemas_model_response_default_example_type_0 import SchemasModelResponseDefaultExampleType0
    from ..models.schemas_model_response_latest_version_type_0 import SchemasModelResponseLatestVersionType0


T = TypeVar("T", bound="SchemasModelResponse")


@_attrs_define
class SchemasModelResponse:
    """A model: its metadata, plus its newest version and default example.

    Attributes:
        cover_image_url (None | str | Unset): Image used as the model's cover; may be null.
        default_example (None | SchemasModelResponseDefaultExampleType0 | Unset): A prediction picked to showcase the
            model; null if there is none.
        description (None | str | Unset): Short summary of what the model does.
        github_url (None | str | Unset): Link to the model's source repository on GitHub.
        is_official (bool | Unset): True when Replicate itself maintains the model; such models are always warm, keep a
            stable API and have predictable pricing.
        latest_version (None | SchemasModelResponseLatestVersionType0 | Unset): Most recently pushed version; null if
            nothing was pushed yet.
        license_url (None | str | Unset): Link to the model's license terms.
        name (str | Unset): Model name, unique within its owner.
        owner (str | Unset): Account (user or organization) the model belongs to.
        paper_url (None | str | Unset): Link to a research paper describing the model.
        run_count (int | Unset): How many predictions have been run with this model.
        url (str | Unset): Web page of the model on replicate.com.
        visibility (SchemasModelResponseVisibility | Unset): `public`: anyone can see and run it; `private`: only the
            owning account and its members can.
    """

    cover_image_url: None | str | Unset = UNSET
    default_example: None | SchemasModelResponseDefaultExampleType0 | Unset = UNSET
    description: None | str | Unset = UNSET
    github_url: None | str | Unset = UNSET
    is_official: bool | Unset = UNSET
    latest_version: None | SchemasModelResponseLatestVersionType0 | Unset = UNSET
    license_url: None | str | Unset = UNSET
    name: str | Unset = UNSET
    owner: str | Unset = UNSET
    paper_url: None | str | Unset = UNSET
    run_count: int | Unset = UNSET
    url: str | Unset = UNSET
    visibility: SchemasModelResponseVisibility | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.schemas_model_response_default_example_type_0 import (
            SchemasModelResponseDefaultExampleType0,  # noqa: PLC0415
        )
        from ..models.schemas_model_response_latest_version_type_0 import (
            SchemasModelResponseLatestVersionType0,  # noqa: PLC0415
        )

        cover_image_url: None | str | Unset
        if isinstance(self.cover_image_url, Unset):
            cover_image_url = UNSET
        else:
            cover_image_url = self.cover_image_url

        default_example: dict[str, Any] | None | Unset
        if isinstance(self.default_example, Unset):
            default_example = UNSET
        elif isinstance(self.default_example, SchemasModelResponseDefaultExampleType0):
            default_example = self.default_example.to_dict()
        else:
            default_example = self.default_example

        description: None | str | Unset
        if isinstance(self.description, Unset):
            description = UNSET
        else:
            description = self.description

        github_url: None | str | Unset
        if isinstance(self.github_url, Unset):
            github_url = UNSET
        else:
            github_url = self.github_url

        is_official = self.is_official

        latest_version: dict[str, Any] | None | Unset
        if isinstance(self.latest_version, Unset):
            latest_version = UNSET
        elif isinstance(self.latest_version, SchemasModelResponseLatestVersionType0):
            latest_version = self.latest_version.to_dict()
        else:
            latest_version = self.latest_version

        license_url: None | str | Unset
        if isinstance(self.license_url, Unset):
            license_url = UNSET
        else:
            license_url = self.license_url

        name = self.name

        owner = self.owner

        paper_url: None | str | Unset
        if isinstance(self.paper_url, Unset):
            paper_url = UNSET
        else:
            paper_url = self.paper_url

        run_count = self.run_count

        url = self.url

        visibility: str | Unset = UNSET
        if not isinstance(self.visibility, Unset):
            visibility = self.visibility.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if cover_image_url is not UNSET:
            field_dict["cover_image_url"] = cover_image_url
        if default_example is not UNSET:
            field_dict["default_example"] = default_example
        if description is not UNSET:
            field_dict["description"] = description
        if github_url is not UNSET:
            field_dict["github_url"] = github_url
        if is_official is not UNSET:
            field_dict["is_official"] = is_official
        if latest_version is not UNSET:
            field_dict["latest_version"] = latest_version
        if license_url is not UNSET:
            field_dict["license_url"] = license_url
        if name is not UNSET:
            field_dict["name"] = name
        if owner is not UNSET:
            field_dict["owner"] = owner
        if paper_url is not UNSET:
            field_dict["paper_url"] = paper_url
        if run_count is not UNSET:
            field_dict["run_count"] = run_count
        if url is not UNSET:
            field_dict["url"] = url
        if visibility is not UNSET:
            field_dict["visibility"] = visibility

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.schemas_model_response_default_example_type_0 import (
            SchemasModelResponseDefaultExampleType0,  # noqa: PLC0415
        )
        from ..models.schemas_model_response_latest_version_type_0 import (
            SchemasModelResponseLatestVersionType0,  # noqa: PLC0415
        )

        d = dict(src_dict)

        def _parse_cover_image_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        cover_image_url = _parse_cover_image_url(d.pop("cover_image_url", UNSET))

        def _parse_default_example(data: object) -> None | SchemasModelResponseDefaultExampleType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                default_example_type_0 = SchemasModelResponseDefaultExampleType0.from_dict(data)

                return default_example_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | SchemasModelResponseDefaultExampleType0 | Unset, data)

        default_example = _parse_default_example(d.pop("default_example", UNSET))

        def _parse_description(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        description = _parse_description(d.pop("description", UNSET))

        def _parse_github_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        github_url = _parse_github_url(d.pop("github_url", UNSET))

        is_official = d.pop("is_official", UNSET)

        def _parse_latest_version(data: object) -> None | SchemasModelResponseLatestVersionType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                latest_version_type_0 = SchemasModelResponseLatestVersionType0.from_dict(data)

                return latest_version_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | SchemasModelResponseLatestVersionType0 | Unset, data)

        latest_version = _parse_latest_version(d.pop("latest_version", UNSET))

        def _parse_license_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        license_url = _parse_license_url(d.pop("license_url", UNSET))

        name = d.pop("name", UNSET)

        owner = d.pop("owner", UNSET)

        def _parse_paper_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        paper_url = _parse_paper_url(d.pop("paper_url", UNSET))

        run_count = d.pop("run_count", UNSET)

        url = d.pop("url", UNSET)

        _visibility = d.pop("visibility", UNSET)
        visibility: SchemasModelResponseVisibility | Unset
        if isinstance(_visibility, Unset):
            visibility = UNSET
        else:
            visibility = SchemasModelResponseVisibility(_visibility)

        schemas_model_response = cls(
            cover_image_url=cover_image_url,
            default_example=default_example,
            description=description,
            github_url=github_url,
            is_official=is_official,
            latest_version=latest_version,
            license_url=license_url,
            name=name,
            owner=owner,
            paper_url=paper_url,
            run_count=run_count,
            url=url,
            visibility=visibility,
        )

        schemas_model_response.additional_properties = d
        return schemas_model_response

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
