"""Loading an office's profile: the file format validated, the layers it extends merged into one.

A profile is a folder: ``profile.json`` and the text files it names
(standard lines, vocabulary, personal names). ``profile.json`` is validated
against the format below (pydantic; unknown keys are errors, so a typo is
caught) and :class:`ProfileError` names the file and the field of what is
wrong. A profile may extend another (``"extends": "default"``): the layers
are read from the bottom up and a later layer's entry of the same name
replaces the earlier one; the result is a :class:`pipeline.profile.Profile`.
:func:`load_profile` reads a profile once per process, and again when a
file of it or of a layer changed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator

from pipeline.folding import fold
from pipeline.gazetteer import District, Gazetteer, Issuer, SchoolRename, parse_symbols
from pipeline.profile import Body, Place, Profile
from core.errors import ConfigError

__all__ = [
    "DEFAULT_PROFILE",
    "FORMAT",
    "PROFILES_DIR",
    "ProfileError",
    "load_profile",
    "profile_path",
    "shipped_profiles",
]

PROFILES_DIR = Path(__file__).with_name("profiles")
DEFAULT_PROFILE = "default"
FORMAT = 1


class ProfileError(ConfigError):
    """A profile that cannot be found or is invalid; the message names the file and the field."""


# --------------------------------------------------------------------------
# The file format, validated (pydantic): unknown keys are errors, so a typo is caught.
# --------------------------------------------------------------------------


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


def _iso(value: str | None) -> str | None:
    if value is not None:
        dt.date.fromisoformat(value)  # raises ValueError with the bad text
    return value


class _Span(_Strict):
    start: str | None = None
    end: str | None = None
    note: str = ""

    @field_validator("start", "end")
    @classmethod
    def _dates(cls, v: str | None) -> str | None:
        return _iso(v)

    @model_validator(mode="after")
    def _ordered(self) -> "_Span":
        if self.start and self.end and self.start > self.end:
            raise ValueError(f"'from' {self.start} is after 'to' {self.end}")
        return self


class _PlaceModel(_Span):
    name: str
    kind: Literal["tỉnh", "thành phố"]
    aliases: list[str] = []
    successor: str | None = None


class _BodyModel(_Span):
    name: str
    code: str
    codes: list[str] = []
    aliases: list[str] = []
    under: Literal["place", "province", "district", "nation"]


class _DocTypeModel(_Strict):
    name: str
    code: str


class _SymbolModel(_Span):
    symbol: str


class _IssuerModel(_Span):
    id: str
    lines: list[str]
    main: int = 0
    aliases: list[list[str]]
    authority: list[str] = []
    symbols: list[str | _SymbolModel] = []

    @model_validator(mode="after")
    def _shape(self) -> "_IssuerModel":
        if not self.lines:
            raise ValueError("an issuer needs at least one header line")
        if len(self.aliases) != len(self.lines):
            raise ValueError(f"one alias list per line expected ({len(self.lines)} lines, "
                             f"{len(self.aliases)} alias lists)")
        if not 0 <= self.main < len(self.lines):
            raise ValueError(f"main line {self.main} out of range")
        return self


class _DistrictModel(_Span):
    name: str
    kind: str = ""
    aliases: list[str] = []
    successor: str | None = None


class _RenameModel(_Strict):
    old: str
    new: str
    on: str | None = None
    note: str = ""

    @field_validator("on")
    @classmethod
    def _date(cls, v: str | None) -> str | None:
        return _iso(v)


class _LevelRenameModel(_Strict):
    old: str
    new: str
    note: str = ""


class _ProfileModel(_Strict):
    format: int
    name: str
    description: str = ""
    extends: str | None = None
    places: list[_PlaceModel] = []
    district_kinds: list[str] = []
    bodies: list[_BodyModel] = []
    document_types: list[_DocTypeModel] = []
    unit_codes: list[str] = []
    cited_codes: list[str] = []
    esign_labels: list[str] = []
    header_words: list[str] = []
    stamp_words: list[str] = []
    authority_titles: list[str] = []
    level_renames: list[_LevelRenameModel] = []
    issuers: list[_IssuerModel] = []
    districts: list[_DistrictModel] = []
    schools: dict[str, list[str]] = {}
    school_renames: list[_RenameModel] = []
    standard_lines: str | None = None
    lexicon: list[str] = []
    person_names: str | None = None

    @field_validator("format")
    @classmethod
    def _format(cls, v: int) -> int:
        if v != FORMAT:
            raise ValueError(f"profile format {v} is not supported (this sohoa reads format {FORMAT})")
        return v


def _aliased(data: Any) -> Any:  # noqa: ANN401 - raw JSON
    """JSON's ``from``/``to`` (Python keywords) as ``start``/``end``, recursively."""
    if isinstance(data, dict):
        return {{"from": "start", "to": "end"}.get(k, k): _aliased(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_aliased(v) for v in data]
    return data



def _day(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


# --------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------


def shipped_profiles() -> tuple[str, ...]:
    """The names of the profiles shipped with sohoa."""
    return tuple(sorted(p.parent.name for p in PROFILES_DIR.glob("*/profile.json")))


def profile_path(ref: str | Path) -> Path:
    """The ``profile.json`` a reference names: a shipped name, a file or a folder holding one.

    Raises:
        ProfileError: Nothing by that name or path.
    """
    text = str(ref)
    shipped = PROFILES_DIR / text / "profile.json"
    if "/" not in text and "\\" not in text and shipped.is_file():
        return shipped
    path = Path(text).expanduser()
    if path.is_dir():
        path = path / "profile.json"
    if not path.is_file():
        names = ", ".join(shipped_profiles())
        raise ProfileError(f"no profile '{text}': give a shipped profile ({names}), "
                           "a profile.json file or a folder that holds one")
    return path.resolve()


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ProfileError(f"cannot be read: {exc.strerror or exc}", path=str(path)) from exc
    except ValueError as exc:
        raise ProfileError(f"is not valid JSON: {exc}", path=str(path)) from exc
    if not isinstance(data, dict):
        raise ProfileError("must hold a JSON object", path=str(path))
    return data


def _validate(path: Path, data: dict[str, Any]) -> _ProfileModel:
    try:
        return _ProfileModel.model_validate(_aliased(data))
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            where = ".".join({"start": "from", "end": "to"}.get(str(p), str(p)) for p in err["loc"])
            problems.append(f"{where}: {err['msg']}")
        raise ProfileError("invalid profile: " + "; ".join(problems), path=str(path)) from exc


def _text(folder: Path, name: str, path: Path) -> str:
    file = folder / name
    try:
        return file.read_text(encoding="utf-8")
    except OSError as exc:
        raise ProfileError(f"names '{name}', which cannot be read: {exc.strerror or exc}", path=str(path)) from exc


def _lines(text: str) -> list[str]:
    return [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]


def _names(text: str) -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    for line in _lines(text):
        role, _, names = line.partition("\t")
        out[role.strip()] = tuple(dict.fromkeys(out.get(role.strip(), ()) + tuple(names.split())))
    return out


@dataclass
class _Layer:
    """A profile file and what it adds, before merging."""

    path: Path
    model: _ProfileModel
    raw: bytes
    standard_lines: list[str]
    lexicon: list[str]
    names_text: str


def _layers(path: Path, seen: tuple[Path, ...] = ()) -> list[_Layer]:
    if path in seen:
        raise ProfileError("extends itself (a cycle of 'extends')", path=str(path))
    data = _read_json(path)
    model = _validate(path, data)
    folder = path.parent
    base: list[_Layer] = []
    if model.extends:
        ref = model.extends
        try:
            parent = profile_path(ref if (PROFILES_DIR / ref / "profile.json").is_file() or Path(ref).is_absolute()
                                  else folder / ref)
        except ProfileError as exc:
            raise ProfileError(f"extends '{ref}': {exc.message}", path=str(path)) from exc
        base = _layers(parent, (*seen, path))
    layer = _Layer(
        path, model, path.read_bytes(),
        _lines(_text(folder, model.standard_lines, path)) if model.standard_lines else [],
        [_text(folder, name, path) for name in model.lexicon],
        _text(folder, model.person_names, path) if model.person_names else "",
    )
    return [*base, layer]


def _issuer(m: _IssuerModel) -> Issuer:
    symbols, spans = parse_symbols([s if isinstance(s, str) else
                                    {"symbol": s.symbol, "from": s.start, "to": s.end} for s in m.symbols])
    return Issuer(m.id, tuple(m.lines), tuple(tuple(fold(a) for a in group) for group in m.aliases), m.main,
                  _day(m.start), _day(m.end), tuple(fold(a) for a in m.authority), symbols, spans)


def _merge(layers: list[_Layer]) -> Profile:
    top = layers[-1].model
    places: dict[str, Place] = {}
    bodies: dict[str, Body] = {}
    issuers: dict[str, Issuer] = {}
    districts: dict[str, District] = {}
    doc_types: dict[str, str] = {}
    schools: dict[str, tuple[str, ...]] = {}
    units: list[str] = []
    cited: list[str] = []
    labels: list[str] = []
    heads: list[str] = []
    stamps: list[str] = []
    titles: list[str] = []
    kinds: list[str] = []
    level_renames: dict[str, str] = {}
    renames: list[SchoolRename] = []
    standard: list[str] = []
    lexicon: list[str] = []
    names: dict[str, tuple[str, ...]] = {}
    for layer in layers:
        m = layer.model
        for p in m.places:  # a later layer's entry of the same name (and start) replaces the earlier one
            places[f"{p.name}|{p.start}"] = Place(p.name, p.kind, _day(p.start), _day(p.end),
                                                  tuple(p.aliases), p.successor)
        for b in m.bodies:
            bodies[b.name] = Body(b.name, b.code, tuple(b.codes), tuple(b.aliases), b.under,
                                  _day(b.start), _day(b.end))
        for i in m.issuers:
            issuers[i.id] = _issuer(i)
        for d in m.districts:
            districts[d.name] = District(d.name, d.kind, tuple(d.aliases), _day(d.start), _day(d.end), d.successor)
        doc_types.update({t.name: t.code for t in m.document_types})
        for district, names_ in m.schools.items():
            schools[district] = tuple(dict.fromkeys(schools.get(district, ()) + tuple(names_)))
        units += [u for u in m.unit_codes if u not in units]
        cited += [c for c in m.cited_codes if c not in cited]
        labels += [x for x in m.esign_labels if x not in labels]
        heads += [x for x in m.header_words if x not in heads]
        stamps += [x for x in m.stamp_words if x not in stamps]
        titles += [x for x in m.authority_titles if x not in titles]
        kinds += [k for k in m.district_kinds if k not in kinds]
        level_renames.update({fold(r.old): r.new for r in m.level_renames})
        renames += [SchoolRename(r.old, r.new, _day(r.on)) for r in m.school_renames]
        standard += [s for s in layer.standard_lines if s not in standard]
        lexicon += layer.lexicon
        for role, extra in _names(layer.names_text).items():
            names[role] = tuple(dict.fromkeys(names.get(role, ()) + extra))
    gazetteer = Gazetteer(tuple(issuers.values()), tuple(districts.values()), level_renames, tuple(renames), schools)
    digest = hashlib.sha256()
    for layer in layers:
        digest.update(layer.raw)
        for text in [*layer.standard_lines, *layer.lexicon, layer.names_text]:
            digest.update(text.encode())
    return Profile(
        name=top.name, description=top.description, files=tuple(layer.path for layer in layers),
        fingerprint=digest.hexdigest()[:16], places=tuple(places.values()), district_kinds=tuple(kinds),
        bodies=tuple(bodies.values()), document_types=tuple(doc_types.items()), unit_codes=tuple(units),
        cited_codes=tuple(cited), esign_labels=tuple(labels), gazetteer=gazetteer, header_words=tuple(heads),
        stamp_words=tuple(stamps), authority_titles=tuple(titles),
        standard_lines=tuple(standard), lexicon_texts=tuple(lexicon), person_names=names,
    )


_LOADED: dict[Path, tuple[tuple[tuple[str, int], ...], Profile]] = {}


def _stamp(files: tuple[Path, ...]) -> tuple[tuple[str, int], ...]:
    """The modification times of every file of the folders a profile was read from (its layers' too)."""
    out = []
    for folder in dict.fromkeys(f.parent for f in files):
        for file in sorted(folder.iterdir()):
            if file.is_file():
                out.append((str(file), file.stat().st_mtime_ns))
    return tuple(out)


def load_profile(ref: str | Path = DEFAULT_PROFILE) -> Profile:
    """Load a profile (and what it extends), validated; read again when a file of it or of a layer changed.

    Args:
        ref: A shipped profile's name (``"default"``, ``"hai-phong"``), a
            ``profile.json`` or the folder that holds one.

    Raises:
        ProfileError: The profile is missing, unreadable or invalid; the
            message names the file and the field.
    """
    path = profile_path(ref)
    cached = _LOADED.get(path)
    if cached is not None and cached[0] == _stamp(cached[1].files):
        return cached[1]
    profile = _merge(_layers(path))
    _LOADED[path] = (_stamp(profile.files), profile)
    return profile
