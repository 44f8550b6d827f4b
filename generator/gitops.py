"""The few git operations `new` and `update` need, as one thin wrapper over the git CLI.

modelplate keeps each pristine render (what the template made of the spec, before anyone
edited it) as a commit on the branch `modelplate/pristine` of the generated repository.
An update renders the new pristine tree, commits it on that branch with plumbing commands
(no checkout, nothing in the work tree moves), and merges it: git's own three-way merge,
with the previous pristine render as the base, keeps the owners' edits.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from .errors import UpdateError

PRISTINE = "modelplate/pristine"
_IDENTITY = {
    "GIT_AUTHOR_NAME": "modelplate",
    "GIT_AUTHOR_EMAIL": "modelplate@localhost",
    "GIT_COMMITTER_NAME": "modelplate",
    "GIT_COMMITTER_EMAIL": "modelplate@localhost",
}


def _env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    # Commits made by modelplate are authored by modelplate unless the user set an identity.
    env.update(_IDENTITY)
    env.update({"GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"})
    env.update(extra or {})
    return env


def run(
    repo: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    if shutil.which("git") is None:
        raise UpdateError(
            "git is not installed; modelplate needs it to track and update projects"
        )
    return subprocess.run(
        ["git", "-C", str(repo), *args],
        capture_output=True,
        text=True,
        env=_env(env),
        check=False,
    )


def git(
    repo: Path, *args: str, env: dict[str, str] | None = None, check: bool = True
) -> str:
    result = run(repo, *args, env=env)
    if check and result.returncode != 0:
        raise UpdateError(
            f"git {' '.join(args[:2])} failed in {repo}: {result.stderr.strip() or result.stdout.strip()}"
        )
    return result.stdout


def init_repository(root: Path, message: str) -> str:
    """Make `root` a repository whose first commit is the pristine render; return its id."""
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "--no-verify", "-m", message)
    commit = git(root, "rev-parse", "HEAD").strip()
    git(root, "branch", PRISTINE, commit)
    return commit


def commit_tree_of(repo: Path, tree_dir: Path, parent: str, message: str) -> str:
    """Commit the files of `tree_dir` as a child of `parent`, without touching the work tree."""
    with tempfile.TemporaryDirectory(prefix="modelplate-index-") as scratch:
        env = {
            "GIT_INDEX_FILE": str(Path(scratch) / "index"),
            "GIT_WORK_TREE": str(tree_dir),
        }
        git(repo, "add", "-A", env=env)
        tree = git(repo, "write-tree", env=env).strip()
    return git(repo, "commit-tree", tree, "-p", parent, "-m", message).strip()


def replace_folder(repo: Path, commit: str, folder: str) -> None:
    """Make `folder` in the index and the work tree exactly what it is in `commit`:
    files it lacks are removed, and any conflict inside it is resolved to `commit`."""
    _unstage(repo, folder)
    shutil.rmtree(repo / folder, ignore_errors=True)
    if _has_path(repo, commit, folder):
        git(repo, "checkout", commit, "--", folder)


def graft_folder(repo: Path, tree: str, commit: str, folder: str) -> str:
    """The tree `tree` with `folder` replaced by that of `commit` (no work tree moves)."""
    with tempfile.TemporaryDirectory(prefix="modelplate-index-") as scratch:
        env = {"GIT_INDEX_FILE": str(Path(scratch) / "index")}
        git(repo, "read-tree", tree, env=env)
        _unstage(repo, folder, env)
        if _has_path(repo, commit, folder):
            git(repo, "read-tree", f"--prefix={folder}/", f"{commit}:{folder}", env=env)
        return git(repo, "write-tree", env=env).strip()


def _unstage(repo: Path, folder: str, env: dict[str, str] | None = None) -> None:
    # -f: entries that differ from HEAD and the work tree (a merge's) go all the same.
    args = ("rm", "-r", "-q", "-f", "--cached", "--ignore-unmatch", "--", folder)
    git(repo, *args, env=env)


def _has_path(repo: Path, commit: str, path: str) -> bool:
    return bool(git(repo, "ls-tree", "--name-only", commit, "--", path).strip())


def tree_of(repo: Path, commit: str) -> str:
    return git(repo, "rev-parse", f"{commit}^{{tree}}").strip()


def is_clean(repo: Path) -> list[str]:
    """Paths that make the work tree dirty (modified, staged or untracked), if any."""
    status = git(repo, "status", "--porcelain", "--untracked-files=all")
    return [line[3:] for line in status.splitlines() if line.strip()]


def branch_commit(repo: Path, branch: str) -> str | None:
    out = git(
        repo, "rev-parse", "--verify", "--quiet", f"refs/heads/{branch}", check=False
    ).strip()
    return out or None


def unmerged_paths(repo: Path) -> list[str]:
    return sorted(set(git(repo, "diff", "--name-only", "--diff-filter=U").split()))


# A line git writes into a conflicted file: `<<<<<<< ours`, `>>>>>>> theirs`. The
# `=======` between them is also a Markdown heading underline, so it alone proves nothing.
_MARKER = r"^(<{7}|>{7})( |$)"


def conflict_markers(repo: Path) -> list[tuple[str, int]]:
    """(path, line) of each conflict marker in a tracked file of the work tree.

    `git diff --name-only --diff-filter=U` forgets a conflict once it is committed; an
    owner who commits the markers would pass every later check, so this reads the text.
    """
    # Bytes, not text: a tracked file may be in any encoding; -o prints only the marker.
    result = subprocess.run(
        ["git", "-C", str(repo), "grep", "-I", "-n", "-o", "-z", "-E", "-e", _MARKER],
        capture_output=True,
        env=_env(),
        check=False,
    )
    if result.returncode == 1:  # git grep: nothing found
        return []
    if result.returncode != 0:
        raise UpdateError(
            f"git grep failed in {repo}: {os.fsdecode(result.stderr).strip()}"
        )
    found = []
    for entry in result.stdout.split(b"\n"):
        if entry:
            path, line, _ = entry.split(b"\0", 2)
            found.append((os.fsdecode(path), int(line)))
    return found


def read_blob(repo: Path, commit: str, path: str) -> bytes | None:
    result = subprocess.run(
        ["git", "-C", str(repo), "show", f"{commit}:{path}"],
        capture_output=True,
        env=_env(),
        check=False,
    )
    return result.stdout if result.returncode == 0 else None


def list_files(repo: Path, commit: str) -> list[str]:
    return git(repo, "ls-tree", "-r", "--name-only", commit).splitlines()


__all__ = [
    "PRISTINE",
    "branch_commit",
    "commit_tree_of",
    "conflict_markers",
    "git",
    "graft_folder",
    "init_repository",
    "is_clean",
    "list_files",
    "read_blob",
    "replace_folder",
    "run",
    "tree_of",
    "unmerged_paths",
]
