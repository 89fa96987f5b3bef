"""The files a deploy uploads: the same rules as packages/sdk/src/ignore-rules.ts."""

from __future__ import annotations

import os
from dataclasses import dataclass

import pathspec

# Kept equal to NEVER_UPLOADED in packages/sdk/src/ignore-rules.ts (a test compares them).
NEVER_UPLOADED = [
    ".env",
    ".env.*",
    ".git",
    ".hg",
    ".svn",
    ".git-credentials",
    ".npmrc",
    ".yarnrc",
    ".yarnrc.yml",
    ".pypirc",
    ".netrc",
    "_netrc",
    ".ssh",
    ".aws",
    ".gnupg",
    ".docker",
    ".kube",
    ".htpasswd",
    ".DS_Store",
    "node_modules/",
    ".deploysphere/",
]
IGNORE_FILES = [".gitignore", ".deploysphereignore"]


@dataclass
class SourceFile:
    path: str
    absolute_path: str
    size: int
    mode: int


def _read_rules(directory: str) -> pathspec.GitIgnoreSpec | None:
    lines: list[str] = []
    for name in IGNORE_FILES:
        try:
            with open(os.path.join(directory, name), encoding="utf-8") as handle:
                lines.extend(handle.read().splitlines())
        except OSError:
            continue
    return pathspec.GitIgnoreSpec.from_lines(lines) if lines else None


def list_source_files(root: str) -> list[SourceFile]:
    """Files under ``root`` that a deploy uploads, in a stable order (symlinks skipped)."""
    never = pathspec.GitIgnoreSpec.from_lines(NEVER_UPLOADED)
    files: list[SourceFile] = []

    def walk(directory: str, rel: str, scopes: list[tuple[str, pathspec.GitIgnoreSpec]]) -> None:
        own = _read_rules(directory)
        active = scopes + [(rel, own)] if own else scopes
        for entry in sorted(os.scandir(directory), key=lambda e: e.name):
            is_dir = entry.is_dir(follow_symlinks=False)
            if not is_dir and not entry.is_file(follow_symlinks=False):
                continue
            path = rel + entry.name
            probe = path + "/" if is_dir else path
            if never.match_file(probe) or any(spec.match_file(probe[len(base):]) for base, spec in active):
                continue
            if is_dir:
                walk(entry.path, path + "/", active)
            else:
                stat = entry.stat(follow_symlinks=False)
                files.append(SourceFile(path, entry.path, stat.st_size, stat.st_mode & 0o777))

    walk(root, "", [])
    return files
