"""Which directories a folder source may read: only those under STATEMENTS_FOLDER_ROOTS.

A folder source reads every .txt/.html file of its directory on the worker's host, so a path
anywhere else (a directory of secrets, /etc) would hand those files to anyone who can read
statements. Paths are compared once fully resolved, so neither `..` nor a symlink leads out
of a root, and each file is resolved again when read (a symlink inside the folder that
points elsewhere is skipped)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings


class FolderRefused(ValueError):
    """The path is not a directory under a configured root."""


def folder_roots() -> list[Path]:
    return [Path(root).resolve() for root in settings.STATEMENTS_FOLDER_ROOTS]


def folder_resolve(path: str) -> Path:
    """The directory `path` names, resolved, if it lies under a configured root."""
    try:
        folder = Path(path).resolve(strict=True)
    except (OSError, RuntimeError) as error:
        raise FolderRefused(f"Folder {path} does not exist.") from error
    if not folder.is_dir():
        raise FolderRefused(f"{path} is not a folder.")
    if not any(folder.is_relative_to(root) for root in folder_roots()):
        raise FolderRefused(
            f"Folder {path} is not under an allowed root (STATEMENTS_FOLDER_ROOTS)."
        )
    return folder


def folder_files(folder: Path, suffixes: tuple[str, ...]) -> list[Path]:
    """The readable files of a resolved folder, none of them reached through a way out."""
    return [
        path
        for path in sorted(folder.iterdir())
        if path.suffix.lower() in suffixes
        and path.is_file()
        and path.resolve().is_relative_to(folder)
    ]
