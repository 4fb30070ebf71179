import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.uploads import SPREADSHEETS, serve_file, validate_upload


def test_accepts_a_real_pdf():
    validate_upload(SimpleUploadedFile("приказ.pdf", b"%PDF-1.7 ..."))


def test_refuses_wrong_extension_naming_the_file():
    with pytest.raises(ValidationError, match="«run.exe»: тип .exe не принимается"):
        validate_upload(SimpleUploadedFile("run.exe", b"MZ\x90\x00"))


def test_refuses_renamed_content():
    with pytest.raises(ValidationError, match="не является файлом .pdf"):
        validate_upload(SimpleUploadedFile("справка.pdf", b"MZ\x90\x00 not a pdf"))


def test_refuses_too_large(settings):
    settings.UPLOAD_MAX_BYTES = 1024
    with pytest.raises(ValidationError, match="больше 0 МБ|больше"):
        validate_upload(SimpleUploadedFile("big.pdf", b"%PDF" + b"0" * 2048))


def test_spreadsheet_only_for_imports():
    with pytest.raises(ValidationError, match="Допустимо: .xlsx"):
        validate_upload(SimpleUploadedFile("data.csv", b"a,b"), SPREADSHEETS)


def test_serve_file_streams_as_attachment(tmp_path, settings):
    from django.core.files.storage import default_storage

    settings.MEDIA_ROOT = tmp_path
    name = default_storage.save("evidence/акт.pdf", SimpleUploadedFile("акт.pdf", b"%PDF-1.4 body"))

    class Holder:
        pass

    from django.db.models.fields.files import FieldFile

    field_file = FieldFile(Holder(), type("F", (), {"storage": default_storage})(), name)
    response = serve_file(field_file)
    assert b"".join(response.streaming_content) == b"%PDF-1.4 body"
    assert response["Content-Disposition"].startswith("attachment; filename*=UTF-8''")
    assert response["X-Content-Type-Options"] == "nosniff"
