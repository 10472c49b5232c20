"""What a work database (重点工作数据库) is: a declared schema, so adding one is a declaration in
``datahub.registry.declarations``, not a new importer.

A database is either *stored* — its rows live in datahub's generic ``WorkRecord`` table,
imported from Excel/CSV through the COPY staging path — or a *view* of a table a feature
already owns (members, 12351 requests, job posts, sign-ups, points): registered so the 数智中台
lists and counts it, never copied and never imported here. Views name their model by label
(``"hotline.HotlineRequest"``): a string, so datahub imports no sibling feature.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

FieldType = Literal[
    "text", "int", "decimal", "date", "choice", "phone", "id_number", "bool", "region", "uscc"
]


@dataclass(frozen=True)
class FieldSpec:
    """One column of a work database and its validation rule."""

    name: str
    label: str
    type: FieldType = "text"
    required: bool = True
    max_length: int = 100
    choices: tuple[str, ...] = ()
    min_value: float | None = None
    max_value: float | None = None
    #: other headers the column goes by in the unions' spreadsheets
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rule:
    """A rule across two fields of one row: ``left`` ``op`` ``right`` when both are filled
    (e.g. an end date not before the start date, a paid amount not above the claimed one)."""

    left: str
    op: Literal["<=", ">="]
    right: str
    message: str


@dataclass(frozen=True)
class ViewSource:
    model: str  # "app_label.ModelName"
    region_field: str | None = None  # a lookup ending in a Region FK, e.g. "organization__region"


@dataclass(frozen=True)
class WorkDatabase:
    code: str
    name: str
    owner: str  # the app answerable for the data
    description: str = ""
    fields: tuple[FieldSpec, ...] = ()
    #: the fields whose values identify a row: a re-import updates it, never duplicates it
    dedupe_key: tuple[str, ...] = ()
    region_field: str | None = "region"
    rules: tuple[Rule, ...] = ()
    view: ViewSource | None = None
    field_map: dict[str, FieldSpec] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        names = [f.name for f in self.fields]
        object.__setattr__(self, "field_map", {f.name: f for f in self.fields})
        if self.view is None:
            if len(set(names)) != len(names):
                raise ValueError(f"{self.code}: a field declared twice")
            missing = [n for n in self.dedupe_key if n not in self.field_map]
            if not self.dedupe_key or missing:
                raise ValueError(f"{self.code}: dedupe key {self.dedupe_key} not in the fields")
            if self.region_field and self.field_map.get(self.region_field, None) is None:
                raise ValueError(f"{self.code}: region field {self.region_field} not declared")
            if self.region_field and self.field_map[self.region_field].type != "region":
                raise ValueError(f"{self.code}: region field must be of type region")
            for rule in self.rules:
                if rule.left not in self.field_map or rule.right not in self.field_map:
                    raise ValueError(f"{self.code}: rule over undeclared fields")

    @property
    def is_view(self) -> bool:
        return self.view is not None
