"""Refuse dangerous uploads before any parser touches them: size, zip structure, zip bombs.

An .xlsx is a zip archive. Its central directory states every member's compressed and
uncompressed size, so a zip bomb is caught by reading the directory only — nothing is inflated:
a member larger than :data:`MAX_MEMBER_BYTES`, a total above :data:`MAX_UNCOMPRESSED_BYTES`, a
compression ratio above :data:`MAX_RATIO`, too many members, or a path leaving the archive.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from register.errors import ImportIssue

MAX_UPLOAD_BYTES = 50 * 1024 * 1024          # 50 MB, the same limit as cli.io
MAX_UNCOMPRESSED_BYTES = 256 * 1024 * 1024   # all members together, as stated in the zip directory
MAX_MEMBER_BYTES = 128 * 1024 * 1024
MAX_RATIO = 100                              # uncompressed / compressed of one member (bombs: ~1000)
MAX_MEMBERS = 2000
XLSX_PARTS = ("[Content_Types].xml", "xl/workbook.xml")


def check_upload(path: Path) -> list[ImportIssue]:
    """The file exists, is a regular file, and is not larger than 50 MB."""
    name = path.name
    if not path.is_file():
        return [ImportIssue(name, None, None, f"文件不存在 file not found: {path}")]
    size = path.stat().st_size
    if size > MAX_UPLOAD_BYTES:
        return [ImportIssue(name, None, None, f"文件过大 file too large: {size / 2**20:.1f} MB; the limit is "
                            f"{MAX_UPLOAD_BYTES // 2**20} MB")]
    if size == 0:
        return [ImportIssue(name, None, None, "文件为空 the file is empty")]
    return []


def check_xlsx(path: Path) -> list[ImportIssue]:
    """The workbook is a sound zip whose stated sizes are safe to inflate."""
    name = path.name
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        return [ImportIssue(name, None, None, f"文件损坏 not a valid .xlsx workbook (corrupted or not a zip "
                            f"archive: {exc})")]
    issues: list[ImportIssue] = []
    if len(infos) > MAX_MEMBERS:
        issues.append(ImportIssue(name, None, None, f"the archive has {len(infos)} parts (limit {MAX_MEMBERS})"))
    total = 0
    for info in infos:
        total += info.file_size
        if info.filename.startswith(("/", "\\")) or ".." in Path(info.filename).parts:
            issues.append(ImportIssue(name, None, None, f"part {info.filename!r} points outside the archive"))
        if info.file_size > MAX_MEMBER_BYTES:
            issues.append(ImportIssue(name, None, None, f"压缩炸弹 zip bomb refused: part {info.filename!r} would "
                                      f"inflate to {info.file_size / 2**20:.0f} MB (limit "
                                      f"{MAX_MEMBER_BYTES // 2**20} MB)"))
        elif info.file_size > 1024 * 1024 and info.file_size > MAX_RATIO * max(1, info.compress_size):
            issues.append(ImportIssue(name, None, None, f"压缩炸弹 zip bomb refused: part {info.filename!r} "
                                      f"inflates {info.file_size / max(1, info.compress_size):.0f}× "
                                      f"(limit {MAX_RATIO}×)"))
    if total > MAX_UNCOMPRESSED_BYTES:
        issues.append(ImportIssue(name, None, None, f"压缩炸弹 zip bomb refused: the workbook would inflate to "
                                  f"{total / 2**20:.0f} MB (limit {MAX_UNCOMPRESSED_BYTES // 2**20} MB)"))
    names = {i.filename for i in infos}
    missing = [p for p in XLSX_PARTS if p not in names]
    if missing and not issues:
        issues.append(ImportIssue(name, None, None, f"not an Excel workbook: parts {missing} are missing"))
    return issues
