"""What the office knows: ``train`` the learned models from reviewed records, show, check or grow its ``profile``."""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from sohoa.commands.base import Command, settings_from
from core.errors import ExitCode
from core.settings import Settings

if TYPE_CHECKING:
    from ocr.digits_train import Confirmed
    from ledger import Ledger

__all__ = ["TRAIN", "PROFILE", "cmd_train", "cmd_profile", "confirmed_hand_fields"]


def cmd_train(args: argparse.Namespace) -> int:
    """Train the next versions of the learned type model and of the digit model from reviewed records.

    Exit 0 when either learned something, 1 when neither did.
    """
    settings = settings_from(args)
    digits = _train_digits(settings)
    types = _train_types(settings, args.min_examples)
    return ExitCode.OK if digits or types else ExitCode.FAILED


def _train_digits(settings: Settings) -> bool:
    """A new digit model from the handwritten fields people confirmed (:func:`ocr.digits_train.learn_confirmed`)."""
    from ocr.digits_train import confirmed_fields, learn_confirmed
    from ocr.handwriting import LOCAL_MODEL_GLOB, DigitModel
    from ocr.pages import digit_model
    from pipeline.learned import models_dir
    from ledger import Ledger

    with Ledger(settings.ledger_target) as ledger:
        fields = confirmed_hand_fields(ledger, confirmed_fields(ledger))
    if not fields:
        print("sohoa train: chưa có số/ngày viết tay nào được xác nhận (no confirmed handwritten field yet)",
              file=sys.stderr)
        return False
    folder = models_dir(settings.data_dir)
    version = 1 + max((int(p.stem.rsplit("v", 1)[-1]) for p in folder.glob(LOCAL_MODEL_GLOB)), default=0)
    learned = learn_confirmed(DigitModel.load(digit_model(settings)), fields, f"digits-local-v{version}")
    if learned.model is None:
        print(f"sohoa train: mô hình chữ số giữ nguyên (digit model unchanged): {learned.why}", file=sys.stderr)
        return False
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"digits-local-v{version}.npz"
    learned.model.save(path)
    print(f"Mô hình chữ số viết tay v{version}: {len(fields)} trường đã xác nhận; ngưỡng tự nhận "
          f"{learned.model.accept_above:.2f}.\n(digit model v{version}: {len(fields)} confirmed fields; "
          f"{learned.why}; accepted without review above {learned.model.accept_above:.2f}) -> {path}")
    return True


def confirmed_hand_fields(ledger: Ledger, approved: list[Confirmed]) -> list[Confirmed]:
    """The handwritten fields to learn digits from: the approved records', and those confirmed in review.

    A field confirmed in the keyboard review queue counts when its page image
    is still there; the latest confirmation of a field wins.

    Args:
        ledger: The open ledger.
        approved: The approved records' fields (:func:`ocr.digits_train.confirmed_fields`).

    Returns:
        One confirmed reading per page image and kind of field.
    """
    from ocr.digits_train import Confirmed
    from pipeline.domain import HandField
    from web.corrections import hand_confirmations

    out = {(str(c.image), c.field.kind): c for c in approved}
    for h in hand_confirmations(ledger):
        if h.box is None or h.page_no is None or not h.confirmed.isdigit():
            continue
        rows = ledger.query("SELECT p.image_path FROM pages p JOIN records r ON r.file_id = p.file_id "
                            "WHERE r.key=? AND p.page_no=?", (h.record_key, h.page_no))
        if not rows or not rows[0]["image_path"] or not Path(rows[0]["image_path"]).is_file():
            continue
        top, bottom, left, right = (int(v) for v in h.box)
        field = HandField(h.kind, h.read, float(h.confidence or 0.0), (top, bottom, left, right))
        out[(rows[0]["image_path"], h.kind)] = Confirmed(Path(rows[0]["image_path"]), field, h.confirmed)
    return list(out.values())


def _train_types(settings: Settings, min_examples: int) -> bool:
    """The next version of the learned type model from reviewed records."""
    from pipeline.domain import ProcedureType
    from pipeline.learned import TrainingError, next_version, save_model, train_model
    from pipeline.profile_load import load_profile
    from ledger import Ledger

    try:
        importlib.import_module("sklearn")  # only whether it is there: train_model uses it
    except ImportError:
        print("sohoa train: cần scikit-learn: pip install 'sohoa[learn]' (scikit-learn is needed)", file=sys.stderr)
        return False
    with Ledger(settings.ledger_target) as ledger:
        examples = [(text, ProcedureType(kind)) for text, kind in ledger.reviewed_records()]
    try:
        model = train_model(examples, next_version(settings.data_dir), load_profile(settings.profile),
                            min_examples=min_examples)
    except TrainingError as exc:
        print(f"sohoa train: chưa đủ dữ liệu (not enough data): {exc}", file=sys.stderr)
        return False
    path = save_model(model, settings.data_dir)
    card = model.card
    cv = f"{card.cv_accuracy:.1%}" if card.cv_accuracy is not None else "—"
    print(f"Mô hình v{card.version}: {card.examples} hồ sơ đã duyệt, {len(card.classes)} loại; "
          f"độ chính xác kiểm chéo {cv}, quy tắc {card.rules_accuracy:.1%} trên cùng hồ sơ.\n"
          f"(model v{card.version}: {card.examples} reviewed records; cross-validated accuracy {cv}, "
          f"rules {card.rules_accuracy:.1%} on the same records) -> {path}")
    return True


def cmd_profile(args: argparse.Namespace) -> int:
    """Show, check or grow the office's profile."""
    from pipeline.profile import check_profile
    from pipeline.profile_load import load_profile

    settings = settings_from(args)
    if args.profile_command == "check":
        profile = load_profile(args.path or settings.profile)
        problems = check_profile(profile)
        for problem in problems:
            print(f"{profile.files[-1]}: {problem}")
        print(f"profile {profile.name}: {'ok' if not problems else f'{len(problems)} problem(s)'}"
              f" ({', '.join(str(f) for f in profile.files)})")
        return ExitCode.FAILED if problems else ExitCode.OK
    profile = load_profile(settings.profile)
    if args.profile_command == "show":
        summary = profile.summary()
        if args.json:
            print(json.dumps({**summary, "description": profile.description, "places": [
                {"name": p.name, "kind": p.kind, "from": p.start and p.start.isoformat(),
                 "to": p.end and p.end.isoformat()} for p in profile.places],
                "bodies": [{"name": b.name, "code": b.code} for b in profile.bodies],
                "issuers": [{"id": i.id, "lines": list(i.lines), "symbols": list(i.symbols)}
                            for i in profile.gazetteer.issuers],
                "schools": {d: list(v) for d, v in profile.gazetteer.schools.items()}},
                ensure_ascii=False, indent=2))
        else:
            print(f"{profile.name}: {profile.description}")
            for key, value in summary.items():
                if key not in ("name",):
                    print(f"  {key}: {value}")
        return ExitCode.OK
    from ledger import Ledger
    from pipeline.profile_learn import learn_profile

    with Ledger(settings.ledger_target) as ledger:
        out, added = learn_profile(profile, ledger.approved_records(), args.out, args.name)
    print(f"{out}: {added['issuers']} issuer(s) and {added['schools']} school(s) from "
          f"{added['records']} approved record(s), extending {profile.name}")
    return ExitCode.OK


# -- their arguments --------------------------------------------------------


def _train_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--min-examples", type=int, default=20, help="fewest reviewed records to learn from (default: 20)")


TRAIN = Command(
    "train",
    help="learn the procedure type and handwritten digits from reviewed records",
    description="Train a new version of the learned type model from the records people "
                "corrected or approved (it votes with the rules from the next run on), and "
                "a new digit model from the handwritten numbers and days people confirmed "
                "(taught their digits, and calibrated: the confidence above which a "
                "handwritten reading may skip review).",
    arguments=_train_arguments,
    run=cmd_train,
)


def _profile_arguments(p: argparse.ArgumentParser) -> None:
    ps = p.add_subparsers(dest="profile_command", required=True, metavar="ACTION")
    ps.add_parser("show", help="what the profile holds (counts; --json for all of it)").add_argument(
        "--json", action="store_true", help="JSON output")
    c = ps.add_parser("check", help="load and check a profile; exit 1 with what is wrong")
    c.add_argument("path", nargs="?", metavar="PROFILE", help="a profile.json or its folder (default: --profile)")
    g = ps.add_parser("learn", help="write a profile that adds the issuers and schools of approved records")
    g.add_argument("--out", type=Path, required=True, help="folder to write profile.json into (created)")
    g.add_argument("--name", help="the new profile's name (default: the folder's)")


PROFILE = Command(
    "profile",
    help="show, check or grow the office's profile (its knowledge)",
    description="What an office knows (places, issuers and their symbols, schools, standard "
                "lines, names) is a profile: show what one holds, check it, or grow it from the "
                "records people approved.",
    arguments=_profile_arguments,
    run=cmd_profile,
)
