"""What a roadmap file really is, and LibreOffice (headless) for the formats we do not read directly.

`detect_kind` looks at the content (OLE2 compound file, RTF, the parts inside a zip, %PDF), not only
at the extension: an order published as «.doc» is often RTF, and a «.xls» may be a real .xlsx.
`convert` turns .doc/.rtf/.odt into .docx and .xls/.ods into .xlsx with `soffice --headless`: every
call has its own temporary profile directory (two conversions at once do not fight over one
profile), a time limit after which the whole process group is killed, and nothing left behind.
Every failure is a `RoadmapImportError` with a Russian message, never a traceback.
"""

from __future__ import annotations

import io
import os
import shutil
import signal
import subprocess
import tempfile
import zipfile
from pathlib import Path, PurePath

from django.conf import settings

from roadmaps.importers.table import RoadmapImportError

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Kinds read directly, and what LibreOffice turns the others into.
DIRECT_KINDS = ("docx", "xlsx", "pdf")
TARGET = {"doc": "docx", "rtf": "docx", "odt": "docx", "xls": "xlsx", "ods": "xlsx"}
KIND_LABELS = {
    "docx": "Word (.docx)",
    "doc": "Word 97–2003 (.doc)",
    "rtf": "RTF",
    "odt": "OpenDocument (.odt)",
    "xlsx": "Excel (.xlsx)",
    "xls": "Excel 97–2003 (.xls)",
    "ods": "OpenDocument (.ods)",
    "pdf": "PDF",
}
SUFFIX_KINDS = {".docx": "docx", ".docm": "docx", ".xlsx": "xlsx", ".xlsm": "xlsx", **{f".{k}": k for k in TARGET}}
SUFFIX_KINDS[".pdf"] = "pdf"
INSTALL_HINT = (
    "Для чтения файлов .doc, .rtf, .odt, .xls и .ods на сервере нужен LibreOffice: установите пакеты "
    "libreoffice-writer-nogui и libreoffice-calc-nogui (команда `make setup` делает это сама) или "
    "сохраните файл как .docx или .xlsx и загрузите снова."
)


def _utf16(name: str) -> bytes:
    return name.encode("utf-16-le")


def detect_kind(data: bytes, filename: str = "") -> str:
    """'docx', 'xlsx', 'doc', 'xls', 'rtf', 'odt', 'ods', 'pdf' or '' for anything else."""
    by_suffix = SUFFIX_KINDS.get(PurePath(filename or "").suffix.lower(), "")
    head = data[:1024].lstrip(b"\xef\xbb\xbf\r\n\t ")
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"{\\rtf"):
        return "rtf"
    if data.startswith(OLE2_MAGIC):
        # The directory of a compound file names its streams in UTF-16: Word keeps "WordDocument",
        # Excel keeps "Workbook" (or "Book" in Excel 5).
        if _utf16("WordDocument") in data:
            return "doc"
        if _utf16("Workbook") in data or _utf16("Book") in data:
            return "xls"
        return by_suffix if by_suffix in ("doc", "xls") else ""
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
                if "word/document.xml" in names:
                    return "docx"
                if "xl/workbook.xml" in names:
                    return "xlsx"
                if "mimetype" in names:
                    mimetype = archive.read("mimetype").decode("ascii", "replace").strip()
                    if mimetype == "application/vnd.oasis.opendocument.text":
                        return "odt"
                    if mimetype == "application/vnd.oasis.opendocument.spreadsheet":
                        return "ods"
        except (zipfile.BadZipFile, KeyError, OSError, ValueError):
            return ""
        return ""
    return ""


def soffice_path() -> str | None:
    configured = getattr(settings, "SOFFICE_BINARY", "") or ""
    if configured:
        return configured if Path(configured).exists() else None
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(data: bytes, kind: str, *, timeout: float | None = None) -> bytes:
    """The bytes of a .docx (for doc/rtf/odt) or .xlsx (for xls/ods) made by LibreOffice."""
    target = TARGET[kind]
    with tempfile.TemporaryDirectory(prefix="roadmap-convert-") as tmp:
        source = Path(tmp) / f"roadmap.{kind}"
        source.write_bytes(data)
        return run_soffice(source, target, label=KIND_LABELS[kind], timeout=timeout).read_bytes()


def run_soffice(source: Path, target: str, *, label: str = "", timeout: float | None = None) -> Path:
    """Convert `source` into `target` ("docx", "xlsx", "pdf", "doc"…) next to it; the result's path.

    The profile and the output live in a temporary folder of their own, removed afterwards (the
    result is moved beside the source first)."""
    label = label or KIND_LABELS.get(source.suffix.lstrip(".").lower(), source.suffix)
    binary = soffice_path()
    if binary is None:
        raise RoadmapImportError(f"Файл в формате {label} не прочитан. {INSTALL_HINT}")
    limit = timeout if timeout is not None else getattr(settings, "ROADMAP_CONVERT_TIMEOUT", 90)
    format_name = target.split(":", 1)[0]
    with tempfile.TemporaryDirectory(prefix="soffice-") as tmp:
        try:
            process, outdir, profile = start_soffice(binary, [source], target, Path(tmp))
        except OSError:
            raise RoadmapImportError(f"Файл в формате {label} не прочитан. {INSTALL_HINT}") from None
        try:
            process.communicate(timeout=limit)
        except subprocess.TimeoutExpired:
            raise RoadmapImportError(
                f"Преобразование файла {label} не уложилось в {int(limit)} с. Сохраните документ как "
                f".{format_name} и загрузите снова."
            ) from None
        finally:
            _kill_group(process)
        produced = outdir / f"{source.stem}.{format_name}"
        if process.returncode != 0 or not produced.exists() or produced.stat().st_size == 0:
            raise RoadmapImportError(
                f"LibreOffice не смог открыть файл как {label}: возможно, он повреждён или защищён паролем. "
                f"Сохраните документ как .{format_name} и загрузите снова."
            )
        _keep_as_template(profile)
        result = source.with_suffix(f".{format_name}")
        shutil.move(produced, result)
        return result


def start_soffice(binary: str, sources: list[Path], target: str, work: Path) -> tuple[subprocess.Popen, Path, Path]:
    """LibreOffice started over `sources` (one run converts any number of files into `target`), with
    a profile and an output folder of its own under `work`, in its own process group: (the process,
    the output folder, the profile). OSError when it cannot start. The caller waits with a time
    limit, then `_kill_group`s it."""
    outdir = work / "out"
    outdir.mkdir()
    profile = _private_profile(work)
    command = [
        binary,
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--invisible",
        "--norestore",
        "--nologo",
        "--nolockcheck",
        "--convert-to",
        target,
        "--outdir",
        str(outdir),
        *map(str, sources),
    ]
    env = {**os.environ, "HOME": str(work), "TMPDIR": str(work)}
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        env=env,
        cwd=work,
        start_new_session=True,  # its own process group: a timeout kills soffice.bin too
    )
    return process, outdir, profile


def _template_dir() -> Path:
    return Path(tempfile.gettempdir()) / f"nastavnik-soffice-profile-{os.getuid()}"


def _private_profile(work: Path) -> Path:
    """A profile of this call's own, copied from one made by an earlier conversion when there is one
    (LibreOffice spends seconds creating a profile from nothing)."""
    profile = work / "profile"
    template = _template_dir()
    if template.is_dir():
        try:
            shutil.copytree(template, profile, symlinks=True)
        except (OSError, shutil.Error):
            shutil.rmtree(profile, ignore_errors=True)
    return profile


def _keep_as_template(profile: Path) -> None:
    """After a good conversion, its fresh profile becomes the template (rename is atomic: two
    processes racing here leave one complete template, never half of one)."""
    template = _template_dir()
    if template.is_dir() or not profile.is_dir():
        return
    staging = Path(tempfile.mkdtemp(prefix="soffice-profile-", dir=template.parent))
    try:
        shutil.copytree(profile, staging / "profile", symlinks=True, ignore=shutil.ignore_patterns(".lock", "*.lock"))
        os.rename(staging / "profile", template)
    except OSError:
        pass
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _kill_group(process: subprocess.Popen) -> None:
    """Kill whatever is left of the conversion's process group (soffice.bin outlives its launcher
    on a timeout). The group id stays reserved while any member lives, so this hits nobody else."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    if process.poll() is None:
        process.wait()
