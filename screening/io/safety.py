"""Checks made before any parser touches an upload: size limits, file kind, zip bombs and DTD/entity declarations."""

from __future__ import annotations

import io
import zipfile
import zlib
from typing import IO

from screening.model import InputError

MAX_UNCOMPRESSED_BYTES = 1024 * 1024 * 1024


MAX_COMPRESSION_RATIO = 200


MAX_PROLOG_BYTES = 1 << 20


def check_zip(data: bytes) -> None:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        raise InputError(
            "The file is not a valid .xlsx workbook (it is not a zip archive); save it again as .xlsx or .csv",
            "该文件不是有效的 .xlsx 工作簿（不是 zip 压缩包）；请另存为 .xlsx 或 .csv",
        ) from None
    with zf:
        infos = zf.infolist()
        total = sum(i.file_size for i in infos)
        packed = max(1, sum(i.compress_size for i in infos))
        if (
            total > MAX_UNCOMPRESSED_BYTES
            or total / packed > MAX_COMPRESSION_RATIO
            and total > 50 * 1024 * 1024
        ):
            raise InputError(
                f"Refused: the workbook would expand to {total / 1e6:,.0f} MB (limit {MAX_UNCOMPRESSED_BYTES / 1e6:,.0f} MB); it may be a decompression bomb",
                f"已拒绝：该工作簿解压后将达 {total / 1e6:,.0f} MB（上限 {MAX_UNCOMPRESSED_BYTES / 1e6:,.0f} MB），可能是压缩炸弹",
            )
        names = {i.filename for i in infos}
        if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
            raise InputError(
                "The zip file is not an Excel workbook (no workbook parts inside)",
                "该 zip 文件不是 Excel 工作簿（缺少工作簿部件）",
            )
        for info in infos:
            if info.filename.endswith((".xml", ".rels", ".vml")):
                if _part_declares_dtd(zf, info):
                    raise InputError(
                        f"Refused: workbook part {info.filename} declares a DTD or entities (possible entity-expansion attack)",
                        f"已拒绝：工作簿部件 {info.filename} 声明了 DTD 或实体（可能是实体扩展攻击）",
                    )


def _part_declares_dtd(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    """Read one part's prolog; a part that cannot be decompressed means a damaged workbook."""
    try:
        with zf.open(info) as part:
            return _declares_dtd(part)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError):
        raise InputError(
            f"The workbook is damaged (part {info.filename} cannot be read); open it in Excel and save it again",
            f"工作簿已损坏（部件 {info.filename} 无法读取）；请在 Excel 中打开后重新保存",
        ) from None


def _declares_dtd(stream: IO[bytes]) -> bool:
    """True if the XML prolog (everything before the root element) holds <!DOCTYPE or <!ENTITY."""
    seen = b""
    while len(seen) < MAX_PROLOG_BYTES:
        chunk = stream.read(65536)
        if not chunk:
            break
        seen += chunk
        upper = seen.upper()
        if b"<!DOCTYPE" in upper or b"<!ENTITY" in upper:
            return True
        pos = 0
        while True:  # the root element starts at the first '<' followed by a name character
            lt = seen.find(b"<", pos)
            if lt < 0 or lt + 1 >= len(seen):
                break
            nxt = seen[lt + 1 : lt + 2]
            if nxt.isalpha() or nxt == b"_":
                return False
            pos = lt + 1
    return len(seen) >= MAX_PROLOG_BYTES


def sniff(data: bytes, name: str) -> str:
    lower = name.lower()
    if not data:
        raise InputError("The file is empty", "文件为空")
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise InputError(
            "This is an old .xls workbook or a password-protected one; open it in Excel and save it as .xlsx without a password",
            "这是旧版 .xls 工作簿或加密工作簿；请在 Excel 中另存为不加密的 .xlsx",
        )
    if data[:4] == b"PK\x03\x04":
        return "xlsx"
    if lower.endswith((".xlsx", ".xlsm")):
        raise InputError(
            "The file is named .xlsx but is not a workbook; save it again from Excel, or as .csv",
            "文件扩展名为 .xlsx 但内容不是工作簿；请在 Excel 中重新保存，或另存为 .csv",
        )
    if lower.endswith(".xls"):
        raise InputError(
            "Old .xls workbooks are not supported; save it as .xlsx", "不支持旧版 .xls 工作簿；请另存为 .xlsx"
        )
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(
            "The file is neither a workbook nor a text CSV file", "该文件既不是工作簿也不是文本 CSV 文件"
        )
    return "csv"
