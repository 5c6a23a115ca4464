"""An office's profile: knowledge as validated data, handed down, never named in code."""

from __future__ import annotations

import ast
import datetime as dt
import json
import re
import shutil
from pathlib import Path

import pytest

from conftest import DEFAULT, HP, ROOT, run_sohoa
from pipeline.folding import fold
from pipeline.issuers import read_issuer
from pipeline.profile import check_profile
from pipeline.profile_load import PROFILES_DIR, ProfileError, load_profile, shipped_profiles


def test_shipped_profiles_load_and_are_sound() -> None:
    assert set(shipped_profiles()) >= {"default", "hai-phong"}
    for name in shipped_profiles():
        assert check_profile(load_profile(name)) == [], name
    assert load_profile("default") is load_profile("default")  # read once while unchanged
    assert HP.files[0] == DEFAULT.files[0]  # the office extends the nationwide default


def test_the_default_knows_the_country_before_and_after_the_2025_mergers() -> None:
    before = DEFAULT.places_on(dt.date(2020, 1, 1))
    after = DEFAULT.places_on(dt.date(2025, 8, 1))
    assert len(before) == 63 and len(after) == 34
    assert len(DEFAULT.places_on(dt.date(2008, 1, 1))) == 64  # Hà Tây until August 2008
    names_after = {p.name for p in after}
    assert {"Huế", "Hồ Chí Minh", "Cà Mau"} <= names_after and "Bạc Liêu" not in names_after
    assert {"QĐ", "QyĐ", "TTr", "GCN", "UBND", "SGDĐT", "PGDĐT"} <= set(DEFAULT.codes.values())


@pytest.mark.parametrize(
    ("header", "issuer"),
    [
        ("ỦY BAN NHÂN DÂN\nTỈNH BẠC LIÊU\nSố: 209/QĐ-UBND", "ỦY BAN NHÂN DÂN / TỈNH BẠC LIÊU"),
        ("UBND TỈNH NAM ĐỊNH\nSỞ GIÁO DỤC VÀ ĐÀO TẠO\nSố: 12/QĐ-SGDĐT", "UBND TỈNH NAM ĐỊNH / SỞ GIÁO DỤC VÀ ĐÀO TẠO"),
        ("ỦY BAN NHÂN DÂN\nTHÀNH PHÓ CÀN THƠ\nSố: 383/QĐ-UBND", "ỦY BAN NHÂN DÂN / THÀNH PHỐ CẦN THƠ"),
        ("BỘ TÀI CHÍNH\nCỤC THUẾ\nSố: 2191/CT-CS", "BỘ TÀI CHÍNH / CỤC THUẾ"),
        ("THỦ TƯỚNG CHÍNHPHỦ\nSố: 464/TTg-CĐS", "THỦ TƯỚNG CHÍNH PHỦ"),
        # An e-signature banner above the header is no part of it.
        ("Ký bởi: UBND tỉnh Điện Biên\nThời gian ký: 19.02.2025\nỦY BAN NHÂN DÂN\nTỈNH ĐIỆN BIÊN\nSố: 339/QĐ-UBND",
         "ỦY BAN NHÂN DÂN / TỈNH ĐIỆN BIÊN"),
    ],
)
def test_any_province_reads_as_printed_with_the_default_profile(header: str, issuer: str) -> None:
    got = read_issuer(header, DEFAULT, dt.date(2025, 2, 18))
    assert got.value == issuer and not got.notes, got


def test_the_office_profile_never_makes_another_province_its_own() -> None:
    """Issue 20: a Quảng Ngãi header came out as "ỦY BAN NHÂN DÂN / THÀNH PHỐ HẢI PHÒNG"."""
    for province in ("TỈNH QUẢNG NGÃI", "TỈNH CAO BẰNG", "THÀNH PHỐ ĐÀ NẴNG"):
        got = read_issuer(f"ỦY BAN NHÂN DÂN\n{province}\nSố: 7/QĐ-UBND", HP)
        assert got.value == f"ỦY BAN NHÂN DÂN / {province}" and got.issuer is None


def _write(folder: Path, data: dict, **files: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "profile.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder / "profile.json"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"format": 1, "name": "x", "plces": []}, "plces: Extra inputs are not permitted"),
        ({"format": 2, "name": "x"}, "profile format 2 is not supported"),
        ({"format": 1, "name": "x", "places": [{"name": "A", "kind": "tỉnh", "from": "2020-13-01"}]},
         "places.0.from"),
        ({"format": 1, "name": "x", "places": [{"name": "A", "kind": "tỉnh", "from": "2021-01-01",
                                                  "to": "2020-01-01"}]}, "is after 'to'"),
        ({"format": 1, "name": "x", "places": [{"name": "A", "kind": "huyện"}]}, "places.0.kind"),
        ({"format": 1, "name": "x", "issuers": [{"id": "i", "lines": ["A", "B"], "aliases": [["a"]]}]},
         "one alias list per line"),
        ({"format": 1, "name": "x", "lexicon": ["missing.txt"]}, "names 'missing.txt', which cannot be read"),
        ({"format": 1, "name": "x", "extends": "no-such-profile"}, "no profile"),
        ({"name": "x"}, "format: Field required"),
    ],
)
def test_a_bad_profile_is_refused_naming_the_file_and_the_field(tmp_path: Path, data: dict, message: str) -> None:
    path = _write(tmp_path / "p", data)
    with pytest.raises(ProfileError) as err:
        load_profile(path)
    assert message in str(err.value) and str(path) in str(err.value)


def test_broken_json_a_cycle_and_a_missing_profile_are_refused(tmp_path: Path) -> None:
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "profile.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(ProfileError, match="is not valid JSON"):
        load_profile(tmp_path / "bad")
    a = _write(tmp_path / "a", {"format": 1, "name": "a", "extends": str(tmp_path / "b")})
    _write(tmp_path / "b", {"format": 1, "name": "b", "extends": str(tmp_path / "a")})
    with pytest.raises(ProfileError, match="cycle"):
        load_profile(a)
    with pytest.raises(ProfileError, match="shipped profile"):
        load_profile(tmp_path / "nothing-here")


def test_an_office_profile_extends_the_default(tmp_path: Path) -> None:
    path = _write(tmp_path / "office", {
        "format": 1, "name": "office", "extends": "default",
        "issuers": [{"id": "sgd-nd", "lines": ["UBND TỈNH NAM ĐỊNH", "SỞ GIÁO DỤC VÀ ĐÀO TẠO"], "main": 1,
                     "aliases": [["ubnd tinh nam dinh"], ["so giao duc va dao tao"]],
                     "symbols": ["QĐ-SGDĐT", "SGDĐT-KTKĐ"]}],
        "schools": {"Giao Thủy": ["Giao Xuân"]},
        "lexicon": ["words.txt"],
    }, **{"words.txt": "Giao Xuân Giao Thủy\n"})
    office = load_profile(path)
    assert office.files == (DEFAULT.files[0], path.resolve())
    assert len(office.places) == len(DEFAULT.places) and office.gazetteer.schools == {"Giao Thủy": ("Giao Xuân",)}
    got = read_issuer("UBND TỈNH NAM ĐỊNH\nSỞ GIÁO DỤC VÀ ĐÀO TẠO\nSố: 5/QĐ-SGDĐT", office)
    assert got.issuer is not None and got.issuer.id == "sgd-nd"
    assert office.fingerprint != DEFAULT.fingerprint and office.reading_fingerprint != DEFAULT.reading_fingerprint
    # check_profile finds what the format cannot: a school listed twice, a symbol of unknown codes.
    data = json.loads(path.read_text(encoding="utf-8"))
    data["schools"]["Hải Hậu"] = ["Giao Xuân"]
    data["issuers"][0]["symbols"].append("QĐ-XYZW")
    problems = check_profile(load_profile(_write(tmp_path / "office2", data, **{"words.txt": "x\n"})))
    assert any("Giao Xuân" in p for p in problems) and any("XYZW" in p for p in problems)


def test_profile_commands(tmp_path: Path) -> None:
    shown = run_sohoa(tmp_path, "--profile", "hai-phong", "profile", "show", "--json")
    assert shown.returncode == 0, shown.stderr
    data = json.loads(shown.stdout)
    assert data["name"] == "hai-phong" and data["issuers"] and data["schools"]
    assert run_sohoa(tmp_path, "profile", "check").returncode == 0
    bad = _write(tmp_path / "bad", {"format": 1, "name": "bad", "issuers": [
        {"id": "i", "lines": ["BỘ X"], "aliases": [["bo x"]], "symbols": ["QĐ-XYZW"]}]})
    checked = run_sohoa(tmp_path, "profile", "check", str(bad.parent))
    assert checked.returncode == 1 and "XYZW" in checked.stdout
    missing = run_sohoa(tmp_path, "--profile", str(tmp_path / "none"), "profile", "show")
    assert missing.returncode == 1 and "no profile" in missing.stderr


def test_profile_learn_grows_a_profile_from_approved_records(tmp_path: Path) -> None:
    from pipeline.domain import ClassifiedRecord, ProcedureType, RecordFields
    from ledger import Ledger
    from pipeline.profile_learn import learn_profile
    from web.corrections import apply_correction

    with Ledger(tmp_path / "ledger.sqlite") as ledger:
        batch = ledger.ensure_batch("hop-1")
        f, _ = ledger.register_file("a" * 64, 1, "/x.pdf", batch)
        rec = ClassifiedRecord((1,), ProcedureType.CONG_NHAN_CHUAN_QUOC_GIA, 0.9, (), RecordFields(
            number="12/QĐ-UBND", date=dt.date(2010, 5, 3), issuer="ỦY BAN NHÂN DÂN / TỈNH NAM ĐỊNH",
            subject="Trường THCS Giao Xuân"), needs_review=True)
        (key,), _ = ledger.replace_records(f.id, batch, [(rec, "text")], run_id=None)
        apply_correction(ledger, key, {"needs_review": "0"}, "archivist")
        out, added = learn_profile(DEFAULT, ledger.approved_records(), tmp_path / "learned")
    assert added == {"records": 1, "issuers": 1, "schools": 1}
    learned = load_profile(out)
    assert learned.gazetteer.issuers[0].lines == ("ỦY BAN NHÂN DÂN", "TỈNH NAM ĐỊNH")
    assert learned.gazetteer.issuers[0].symbols == ("QĐ-UBND",)
    assert learned.gazetteer.schools == {"(learned)": ("Giao Xuân",)}
    # The command, as typed: the new profile named, then used by name of its folder.
    from conftest import run_sohoa

    cli = run_sohoa(tmp_path, "profile", "learn", "--out", str(tmp_path / "van-phong"), "--name", "so-gd-nam-dinh")
    assert cli.returncode == 0 and "1 issuer(s) and 1 school(s) from 1 approved record(s)" in cli.stdout, cli.stderr
    assert load_profile(tmp_path / "van-phong").name == "so-gd-nam-dinh"
    shown = run_sohoa(tmp_path, "--profile", str(tmp_path / "van-phong"), "profile", "show", "--json")
    assert shown.returncode == 0 and "TỈNH NAM ĐỊNH" in shown.stdout, shown.stderr


# --------------------------------------------------------------------------
# Knowledge is data: no module of the product names a province
# --------------------------------------------------------------------------

PRODUCT = ("ocr", "pipeline", "indexing", "flows", "sohoa", "web")


def _code_strings(path: Path) -> list[str]:
    """String constants of a module that are not docstrings."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docs = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docs.add(id(first.value))
    return [n.value for n in ast.walk(tree)
            if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docs]


def test_no_module_names_a_province() -> None:
    places = {fold(p.name) for p in DEFAULT.places if len(fold(p.name)) >= 5}
    found = []
    for package in PRODUCT:
        for path in (ROOT / package).rglob("*.py"):
            for text in _code_strings(path):
                folded = fold(text)
                found += [f"{path.relative_to(ROOT)}: {place!r} in {text[:60]!r}" for place in places
                          if re.search(rf"(?<![a-z]){re.escape(place)}(?![a-z])", folded)]
    assert not found, found


def test_the_shipped_profiles_are_package_data() -> None:
    """The wheel carries the profiles (pyproject's package-data), not only the source tree."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '"profiles/*/*"' in text
    assert all((PROFILES_DIR / name / "profile.json").is_file() for name in ("default", "hai-phong"))
    assert shutil.which("sohoa") or (ROOT / ".venv/bin/sohoa").exists()


# --------------------------------------------------------------------------
# The generator is not the code's mirror
# --------------------------------------------------------------------------


def _profile_texts(profile_dir: Path) -> str:
    """What a shipped profile folder holds, as one folded text."""
    return fold("\n".join(p.read_text(encoding="utf-8") for p in sorted(profile_dir.iterdir()) if p.is_file()))


def test_no_name_the_generator_makes_is_in_the_default_profile() -> None:
    """Figures on generated pages must measure reading, not memory of the generator's names."""
    from samples import generator_vocabulary

    vocab = generator_vocabulary()
    text = " ".join(_profile_texts(PROFILES_DIR / "default").split())
    schools = [s for s in vocab["school_names"] if re.search(rf"(?<![a-z]){re.escape(fold(s))}(?![a-z])", text)]
    assert not schools, schools[:10]
    # Full person names: three or more words, as the generator writes them, in the profile's texts (its
    # lists of family, middle and given names are word lists, not names).
    # Compared as printed (lower case): folded, "Quyết định thi hành" would hold "Đinh Thị Hạnh".
    people = {n.lower() for n in vocab["person_names"]}
    words = re.findall(r"[^\W\d_]+", "\n".join(
        p.read_text(encoding="utf-8").lower() for p in sorted((PROFILES_DIR / "default").iterdir())
        if p.is_file() and p.suffix != ".tsv"))
    found = {" ".join(words[i:i + k]) for k in (3, 4) for i in range(len(words) - k + 1)} & people
    assert not found, sorted(found)[:10]


def test_the_generator_and_the_default_profile_share_no_list() -> None:
    from samples import generator_vocabulary

    profile_lists = [frozenset(fold(x) for x in names) for names in DEFAULT.person_names.values()]
    profile_lists += [frozenset(fold(p.name) for p in DEFAULT.places),
                      frozenset(fold(n) for names in DEFAULT.gazetteer.schools.values() for n in names)]
    for name, items in generator_vocabulary().items():
        mine = frozenset(fold(x) for x in items)
        assert all(mine != theirs for theirs in profile_lists if len(theirs) >= 5), name


def test_a_changed_text_file_of_a_profile_is_read_again(tmp_path: Path) -> None:
    path = _write(tmp_path / "office", {"format": 1, "name": "office", "extends": "default",
                                        "lexicon": ["words.txt"]}, **{"words.txt": "Giao Xuân\n"})
    first = load_profile(path)
    assert load_profile(path) is first
    import os
    (tmp_path / "office" / "words.txt").write_text("Giao Xuân Giao Thủy\n", encoding="utf-8")
    os.utime(tmp_path / "office" / "words.txt", ns=(1, 10**18))
    again = load_profile(path)
    assert again is not first and again.fingerprint != first.fingerprint


def test_an_error_names_its_field_as_the_file_does(tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match="extends: Input should be a valid string"):
        load_profile(_write(tmp_path / "p", {"format": 1, "name": "x", "extends": 3}))
