"""Export one municipality's data to a .zip archive and import it into an empty database.

Which rows belong to a municipality is derived from the models themselves: every model of our
apps reaches Municipality through its foreign keys (directly, through Organization, or through a
parent such as Pair → Organization). Models that reach neither are shared reference lists and go
whole. So a model added later is carried without touching this module.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterable
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.files.storage import default_storage
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models import Q

from accounts.models import Municipality, Organization, Region, RoleAssignment, User
from accounts.plurals import count_noun
from accounts.uploads import ZIP_METHODS

APPS = ("accounts", "roadmaps", "mentorship", "monitoring", "notifications")
FORMAT_VERSION = 1


class BackupError(Exception):
    pass


def _is_historical(model) -> bool:
    return model.__name__.startswith("Historical") and hasattr(model, "instance_type")


def _our_models() -> list[type[models.Model]]:
    result = []
    for label in APPS:
        if not apps.is_installed(label):
            continue
        for model in apps.get_app_config(label).get_models():
            if not _is_historical(model) and not model._meta.proxy:
                result.append(model)
    return result


def municipality_paths(model) -> list[str] | None:
    """Lookup paths from `model` to Municipality's pk; None if the model reaches no municipality.

    All paths of the shallowest level are kept: a row with either a municipality or an
    organization (both nullable) belongs to the municipality through whichever is set.
    """
    if model is Municipality:
        return ["pk"]
    level = [(model, "")]
    for _depth in range(5):
        found: list[str] = []
        next_level = []
        for current, path in level:
            for field in current._meta.concrete_fields:
                if not field.is_relation or field.related_model is None:
                    continue
                target = field.related_model
                step = f"{path}__{field.name}" if path else field.name
                if target is Municipality:
                    found.append(step)
                elif target is Organization:
                    found.append(f"{step}__municipality")
                elif target not in (User, Region) and target._meta.app_label in APPS and target is not current:
                    next_level.append((target, step))
        if found:
            return sorted(set(found))
        level = next_level
    return None


def _rows_for(model, municipality: Municipality, user_ids: set[int]):
    qs = model._default_manager.all()
    if model is Region:
        return qs.filter(pk=municipality.region_id)
    if model is User:
        return None  # collected separately
    paths = municipality_paths(model)
    region_fks = [f for f in model._meta.concrete_fields if f.is_relation and f.related_model is Region]
    if paths is None and region_fks:
        # region-level rows (a region's requests to its municipalities) go with the region
        return qs.filter(**{region_fks[0].name: municipality.region_id})
    if paths is None:
        user_fks = [f for f in model._meta.concrete_fields if f.is_relation and f.related_model is User]
        if user_fks:
            # personal rows (preferences, import jobs) follow their owner
            return qs.filter(**{f"{user_fks[0].name}__in": user_ids})
        return qs  # a shared reference list
    q = Q()
    for path in paths:
        q |= Q(**{path: municipality.pk})
    return qs.filter(q).distinct()


def _users_for(municipality: Municipality, referenced: set[int]) -> models.QuerySet:
    in_scope = RoleAssignment.objects.filter(
        Q(municipality=municipality) | Q(organization__municipality=municipality)
    ).values("user_id")
    return User.objects.filter(Q(pk__in=in_scope) | Q(pk__in=referenced)).distinct()


def export_municipality(municipality: Municipality, out: Path | io.BytesIO) -> dict[str, int]:
    """Write the archive; returns the number of rows per model label."""
    counts: dict[str, int] = {}
    referenced_users: set[int] = set()
    chunks: list[tuple[str, list]] = []
    files: set[str] = set()
    role_holders = set(_users_for(municipality, set()).values_list("pk", flat=True))
    for model in _our_models():
        if model is User:
            continue
        qs = _rows_for(model, municipality, role_holders)
        if qs is None:
            continue
        objects = list(qs.order_by("pk"))
        label = model._meta.label
        counts[label] = len(objects)
        user_fks = [f for f in model._meta.concrete_fields if f.is_relation and f.related_model is User]
        file_fields = [f for f in model._meta.concrete_fields if isinstance(f, models.FileField)]
        for obj in objects:
            referenced_users.update(getattr(obj, f.attname) for f in user_fks if getattr(obj, f.attname))
            files.update(getattr(obj, f.name).name for f in file_fields if getattr(obj, f.name))
        chunks.append((label, objects))
        history = getattr(model, "history", None)
        if history is not None and objects:
            historical = list(history.model.objects.filter(id__in=[o.pk for o in objects]).order_by("history_id"))
            counts[history.model._meta.label] = len(historical)
            chunks.append((history.model._meta.label, historical))
            referenced_users.update(h.history_user_id for h in historical if h.history_user_id)
    users = list(_users_for(municipality, referenced_users).order_by("pk"))
    counts[User._meta.label] = len(users)
    chunks.insert(1, (User._meta.label, users))
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        manifest = {
            "format": FORMAT_VERSION,
            "municipality": municipality.name,
            "counts": counts,
            "files": sorted(files),
        }
        archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))
        for index, (label, objects) in enumerate(chunks):
            archive.writestr(f"data/{index:03d}_{label}.json", serializers.serialize("json", objects))
        for name in sorted(files):
            if default_storage.exists(name):
                with default_storage.open(name, "rb") as handle:
                    archive.writestr(f"media/{name}", handle.read())
    return counts


def _check_members(archive: zipfile.ZipFile) -> None:
    """Refuse, before anything is unpacked, an archive with encrypted parts, parts packed in a way
    Python cannot unpack, a part that unpacks to more than UPLOAD_MAX_UNPACKED_BYTES (a «zip bomb»:
    every data part is read into memory) or a file name that leads out of the media folder."""
    limit = int(getattr(settings, "UPLOAD_MAX_UNPACKED_BYTES", 200 * 1024 * 1024))
    for info in archive.infolist():
        name = info.filename
        if info.flag_bits & 0x1:
            raise BackupError(
                f"Архив защищён паролем (часть «{name}» зашифрована): создайте архив заново командой "
                "export_municipality, без пароля. Ничего не загружено."
            )
        if info.compress_type not in ZIP_METHODS:
            raise BackupError(
                f"Часть архива «{name}» сжата способом, который не читается (метод {info.compress_type}): "
                "создайте архив заново командой export_municipality. Ничего не загружено."
            )
        if info.file_size > limit:
            raise BackupError(
                f"Часть архива «{name}» распаковывается в слишком большой объём ({info.file_size // (1024 * 1024)} МБ, "
                f"допустимо не больше {limit // (1024 * 1024)} МБ): так не бывает у архива export_municipality. "
                "Ничего не загружено."
            )
        if name.startswith("media/") and not name.endswith("/") and not _safe_media_name(name.removeprefix("media/")):
            raise BackupError(
                f"В архиве недопустимое имя файла «{name[:200]}» (путь ведёт за пределы папки файлов): "
                "ничего не загружено."
            )


def _safe_media_name(name: str) -> bool:
    parts = name.split("/")
    return (
        bool(name)
        and not name.startswith(("/", "\\"))
        and "\\" not in name
        and ":" not in parts[0]
        and all(part not in ("", ".", "..") for part in parts)
    )


def _refuse_taken_ids(items: list) -> None:
    """The archive's rows keep their ids; a row whose id this database already uses would overwrite
    it (a save with an id is an UPDATE when the row exists): refused instead, naming the table."""
    by_model: dict[type[models.Model], list] = {}
    for item in items:
        if item.object.pk is not None:
            by_model.setdefault(type(item.object), []).append(item.object.pk)
    for model, pks in by_model.items():
        for start in range(0, len(pks), 500):
            taken = model._base_manager.filter(pk__in=pks[start : start + 500]).values_list("pk", flat=True).first()
            if taken is not None:
                raise BackupError(
                    f"Номера записей архива уже заняты в этой базе (таблица «{model._meta.verbose_name_plural}», "
                    f"№ {taken}): архив загружается только в базу, где этих записей нет, иначе он переписал бы "
                    "чужие данные. Ничего не загружено."
                )


def _read_manifest(archive: zipfile.ZipFile) -> dict:
    try:
        manifest = json.loads(archive.read("manifest.json"))
    except KeyError:
        raise BackupError("В архиве нет описания (manifest.json): это не архив export_municipality.") from None
    except (ValueError, UnicodeDecodeError):
        raise BackupError("Описание архива (manifest.json) повреждено.") from None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("counts"), dict):
        raise BackupError("Описание архива (manifest.json) неполное: нет числа записей по таблицам.")
    if manifest.get("format") != FORMAT_VERSION:
        raise BackupError(f"Неизвестный формат архива: {manifest.get('format')}.")
    if not manifest.get("municipality"):
        raise BackupError("В описании архива не указан муниципалитет.")
    return manifest


def import_municipality(source: Path | io.BytesIO) -> dict[str, int]:
    """Load an archive into a database that does not yet hold this municipality: all or nothing.

    The archive is checked whole first (manifest, every data part and every file it lists), the
    rows are written and counted in one transaction that is rolled back unless every count matches
    the manifest, and files are written inside that transaction and removed again if it fails:
    no municipality without its people, no orphan files.
    """
    from django.core.serializers.base import DeserializationError
    from django.db import DatabaseError

    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise BackupError("Архив повреждён или это не .zip: ничего не загружено.") from None
    with archive:
        _check_members(archive)
        try:
            broken = archive.testzip()
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, RuntimeError):
            broken = "?"
        if broken is not None:
            raise BackupError(f"Архив повреждён (часть «{broken}» не читается): ничего не загружено.")
        manifest = _read_manifest(archive)
        if Municipality.objects.filter(name=manifest["municipality"]).exists():
            raise BackupError(
                f"Муниципалитет «{manifest['municipality']}» уже есть в этой базе: импорт только в пустую базу."
            )
        members = set(archive.namelist())
        names = sorted(n for n in members if n.startswith("data/"))
        if not names:
            raise BackupError("В архиве нет данных (папка data/ пуста): ничего не загружено.")
        missing_files = [f for f in manifest.get("files", []) if f"media/{f}" not in members]
        if missing_files:
            raise BackupError(
                f"В архиве не хватает файлов: {len(missing_files)} (например, «{missing_files[0]}»): ничего не загружено."
            )
        loaded: dict[str, int] = {}
        saved_files: list[str] = []
        try:
            with transaction.atomic():
                touched: set[type[models.Model]] = set()
                for name in names:
                    try:
                        items = list(
                            serializers.deserialize("json", archive.read(name), handle_forward_references=True)
                        )
                        _refuse_taken_ids(items)
                        for item in items:
                            # columns a model keeps derived from its other rows (a program's
                            # municipality, say) are filled where an older archive has none
                            fill = getattr(item.object, "fill_stored_columns", None)
                            if callable(fill):
                                fill()
                            item.save()
                            label = item.object._meta.label
                            loaded[label] = loaded.get(label, 0) + 1
                            touched.add(type(item.object))
                    except (DeserializationError, DatabaseError, ValueError, KeyError, LookupError) as exc:
                        raise BackupError(
                            f"Часть архива «{name}» повреждена или не подходит к этой версии программы: "
                            "ничего не загружено."
                        ) from exc
                missing = {k: (loaded.get(k, 0), v) for k, v in manifest["counts"].items() if loaded.get(k, 0) != v}
                if missing:
                    label, (got, expected) = next(iter(missing.items()))
                    raise BackupError(
                        f"Архив неполный: в таблице {label} {count_noun(got, 'запись')} вместо {expected} "
                        f"(и ещё расхождений: {len(missing) - 1}). Ничего не загружено."
                    )
                try:
                    # references to rows that are not in the archive (checked now, not at commit)
                    connection.check_constraints(table_names=[m._meta.db_table for m in touched])
                except DatabaseError as exc:
                    raise BackupError(
                        "Архив противоречив: записи ссылаются на отсутствующие в нём данные. Ничего не загружено."
                    ) from exc
                _reset_sequences(touched)
                for name in sorted(members):
                    if name.startswith("media/") and not name.endswith("/"):
                        target = name.removeprefix("media/")
                        if not default_storage.exists(target):
                            saved_files.append(default_storage.save(target, io.BytesIO(archive.read(name))))
        except BaseException:
            for name in saved_files:
                try:
                    default_storage.delete(name)
                except OSError:
                    pass
            raise
    return loaded


def _reset_sequences(model_classes: Iterable[type[models.Model]]) -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), list(model_classes))
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
