"""Limits on every upload and the one way files are served back: through a view that has
already checked the user's scope. MEDIA_URL is never routed."""

from __future__ import annotations

import mimetypes
import os
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.utils.deconstruct import deconstructible

# extension → the leading bytes a real file of that type starts with (None: plain text, any bytes)
SIGNATURES: dict[str, tuple[bytes, ...] | None] = {
    ".pdf": (b"%PDF",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".docx": (b"PK\x03\x04",),
    ".xlsx": (b"PK\x03\x04",),
    ".pptx": (b"PK\x03\x04",),
    ".odt": (b"PK\x03\x04",),
    ".ods": (b"PK\x03\x04",),
    ".zip": (b"PK\x03\x04",),
    # an order saved by Word as «.doc» is often RTF inside
    ".doc": (b"\xd0\xcf\x11\xe0", b"{\\rtf"),
    ".rtf": (b"{\\rtf",),
    ".xls": (b"\xd0\xcf\x11\xe0",),
    ".txt": None,
    ".csv": None,
}
DOCUMENTS = (".pdf", ".jpg", ".jpeg", ".png", ".docx", ".doc", ".xlsx", ".xls", ".pptx", ".odt", ".ods", ".txt")
SPREADSHEETS = (".xlsx",)
# the real format is told by content again when the roadmap is read (roadmaps.importers.convert)
ROADMAP_SOURCES = (".docx", ".doc", ".rtf", ".odt", ".xlsx", ".xls", ".ods", ".pdf")


def validate_upload(upload, allowed: tuple[str, ...] = DOCUMENTS, *, max_bytes: int | None = None) -> None:
    """Refuse a file that is too large, has a forbidden extension, or whose content is not what
    its extension claims (a renamed executable stays out). Messages are in Russian."""
    if upload is None:
        return
    limit = max_bytes or settings.UPLOAD_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            f"Файл «{upload.name}» больше {limit // (1024 * 1024)} МБ: уменьшите его или приложите ссылку."
        )
    ext = os.path.splitext(upload.name or "")[1].lower()
    if ext not in allowed:
        raise ValidationError(
            f"Файл «{upload.name}»: тип {ext or 'без расширения'} не принимается. Допустимо: {', '.join(allowed)}."
        )
    signatures = SIGNATURES.get(ext)
    if signatures:
        position = upload.tell() if hasattr(upload, "tell") else 0
        upload.seek(0)
        head = upload.read(8)
        upload.seek(position)
        if not any(head.startswith(sig) for sig in signatures):
            if head.startswith(OLE2) and is_encrypted_office(upload):
                raise ValidationError(password_message(upload.name))
            raise ValidationError(f"Файл «{upload.name}» повреждён или не является файлом {ext}.")


OLE2 = b"\xd0\xcf\x11\xe0"


def is_encrypted_office(upload) -> bool:
    """A Word/Excel/PowerPoint file saved with a password: an OLE2 container with an
    «EncryptedPackage» stream instead of the zip its extension promises."""
    position = upload.tell() if hasattr(upload, "tell") else 0
    upload.seek(0)
    content = upload.read()
    upload.seek(position)
    return content.startswith(OLE2) and "EncryptedPackage".encode("utf-16-le") in content


def password_message(name: str) -> str:
    return (
        f"Файл «{name}» защищён паролем: снимите защиту (Файл → Сведения → Защита → Зашифровать с "
        "использованием пароля, очистить пароль), сохраните и загрузите снова."
    )


def unpacked_megabytes(content: bytes) -> int | None:
    """For a ZIP container (.xlsx, .docx, .odt…) whose parts unpack to more than
    UPLOAD_MAX_UNPACKED_BYTES: their size in megabytes, as the archive declares it (nothing is
    unpacked to learn it). None for anything else. A few hundred kilobytes of blanks can unpack to
    gigabytes (a «zip bomb»); a real table of 10 MB unpacks to about 100."""
    import io
    import zipfile

    if not content.startswith(b"PK"):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            total = sum(max(item.file_size, 0) for item in archive.infolist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, NotImplementedError):
        return None  # not readable as an archive: the readers say so in their own words
    limit = int(getattr(settings, "UPLOAD_MAX_UNPACKED_BYTES", 200 * 1024 * 1024))
    return total // (1024 * 1024) if total > limit else None


# what Python's zipfile unpacks: stored, deflated, bzip2, lzma
ZIP_METHODS = (0, 8, 12, 14)


def zip_container_problem(content: bytes, name: str) -> str | None:
    """For a ZIP container (.xlsx, .docx, .odt…): a Russian message when its parts are encrypted
    (zip's own password, which no reader can open and Python answers with RuntimeError) or packed
    with a method Python cannot unpack (Deflate64, AES…); None otherwise, and for anything else."""
    import io
    import zipfile

    if not content.startswith(b"PK"):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, NotImplementedError):
        return None  # not readable as an archive: the readers say so in their own words
    for info in infos:
        if info.flag_bits & 0x1:
            return password_message(name)
        if info.compress_type not in ZIP_METHODS:
            return (
                f"Файл «{name}» повреждён: его часть «{info.filename}» сжата способом, который не читается. "
                "Откройте файл и сохраните его заново."
            )
    return None


def too_much_unpacked_message(name: str, megabytes: int) -> str:
    return (
        f"Файл «{name}» распаковывается в слишком большой объём ({megabytes} МБ): так не бывает у обычной "
        "таблицы или документа. Откройте его, сохраните заново и загрузите ещё раз."
    )


def serve_file(field_file, *, download_name: str | None = None, inline: bool = False) -> FileResponse:
    """Stream a stored file. Call only after the object was fetched through the scoping module."""
    if not field_file:
        raise Http404("Файл не приложен.")
    try:
        handle = field_file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404("Файл не найден в хранилище.") from None
    name = download_name or os.path.basename(field_file.name)
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse(handle, content_type=content_type)
    disposition = (
        "inline" if inline and content_type in ("application/pdf", "image/png", "image/jpeg") else "attachment"
    )
    response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(name)}"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@deconstructible
class UploadValidator:
    """Model-field validator, so every form and the admin check uploads the same way."""

    def __init__(self, allowed: tuple[str, ...] = DOCUMENTS):
        self.allowed = tuple(allowed)

    def __call__(self, value) -> None:
        upload = getattr(value, "file", None)
        # only a new upload is checked; a stored file was checked when it arrived
        if upload is None or getattr(value, "_committed", True):
            return
        validate_upload(value, self.allowed)

    def __eq__(self, other) -> bool:
        return isinstance(other, UploadValidator) and other.allowed == self.allowed


validate_document = UploadValidator(DOCUMENTS)
validate_spreadsheet = UploadValidator(SPREADSHEETS)
