"""File responses with safe, UTF-8 download names."""

from django.http import HttpResponse

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _download(data: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    from urllib.parse import quote

    ascii_name = filename.encode("ascii", "ignore").decode() or "download"
    response["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def xlsx_response(data: bytes, filename: str) -> HttpResponse:
    return _download(data, filename, XLSX)


def docx_response(data: bytes, filename: str) -> HttpResponse:
    return _download(data, filename, DOCX)
