"""Writing files safely: whole or not at all, and only where the user asked.

The one place where symgrad puts bytes on disk, below every renderer.

* :func:`write_atomic` writes one file through a temporary file and a rename.
* :func:`check_destination` refuses, before anything is written, a destination that cannot
  work: an existing folder where a file goes (or the reverse), a path through a regular
  file, a dangling symbolic link, an overlong name, a place where nothing can be created.
* :func:`staged_directory` and :func:`staged_files` build a whole output bundle in a private
  staging folder beside its destination and put it in place at the end in one step; on an
  error or a signal they remove their own staging folder, by the exact path recorded when
  it was made, and nothing else.

Files get the usual permissions (``0666`` less the umask, so ``0644`` by default).

When the process runs as a job of :mod:`symgrad.runtime.jobs` (the environment variable
``SYMGRAD_JOB_ROOT`` names the job's folder), every path created here is first written to
the job's ledger, so that the parent process can remove exactly these paths if the job is
killed, and knows whether the output was complete.

Kept as one module: every write goes through the same ledger and the same staging marks, so
what may be replaced or removed is decided in one place.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import hashlib
import os
import secrets
import shutil
import stat
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

from ..errors import InvalidArgumentError

__all__ = [
    "JOB_ROOT_ENV",
    "check_destination",
    "holds_bundle",
    "ledger_entries",
    "record_in_ledger",
    "remove_own",
    "staged_directory",
    "staged_files",
    "would_be_lost",
    "write_atomic",
]

JOB_ROOT_ENV = "SYMGRAD_JOB_ROOT"
BUNDLE_MARK = ".symgrad-bundle"
_NAME_MAX = 255


def _umask() -> int:
    try:  # Linux: read it without changing it (thread-safe)
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def record_in_ledger(kind: str, *paths: Path | str) -> None:
    """Append one line to the job's ledger (when running as a job; otherwise nothing).

    Examples
    --------
    >>> record_in_ledger("done", "0")  # outside a job: no ledger, nothing written
    """
    root = os.environ.get(JOB_ROOT_ENV)
    if not root:
        return
    line = "\t".join([kind, *(os.fspath(p) for p in paths)])
    with contextlib.suppress(OSError), open(Path(root) / "ledger", "a", encoding="utf-8") as fh:
        fh.write(line + "\n")
        fh.flush()


def holds_bundle(folder: str | Path, token: str) -> bool:
    """Whether `folder` holds the bundle staged under the name `token` (after a commit)."""
    try:
        return token in (Path(folder) / BUNDLE_MARK).read_text(encoding="utf-8").splitlines()
    except OSError:
        return False


def ledger_entries(root: str | Path) -> list[list[str]]:
    """The lines of the ledger in the job folder `root`, split into fields."""
    try:
        text = (Path(root) / "ledger").read_text(encoding="utf-8")
    except OSError:
        return []
    return [line.split("\t") for line in text.splitlines() if line]


def write_atomic(path: str | Path, data: bytes | str) -> None:
    """Write `data` to `path` through a temporary file and a rename: never half-written.

    Parameters
    ----------
    path : str or Path
        The destination; its parent folder is created if missing.
    data : bytes or str
        The content; text is encoded as UTF-8.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "note.txt"
    >>> write_atomic(target, "hello")
    >>> target.read_text()
    'hello'
    >>> oct(target.stat().st_mode & 0o777) == oct(0o666 & ~_umask())
    True
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name[:40]}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data.encode("utf-8") if isinstance(data, str) else data)
            os.fchmod(fh.fileno(), 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _bad(path: Path | str, why: str) -> InvalidArgumentError:
    return InvalidArgumentError(f"output={os.fspath(path)!r} {why}")


def check_destination(
    path: str | Path,
    *,
    kind: str = "file",
) -> Path:
    """Check that `path` can receive a file (``kind="file"``) or a folder (``"dir"``).

    Nothing is written except an empty probe folder, created and removed at once, which
    proves that the nearest existing folder accepts new entries. An existing folder given
    for ``kind="dir"`` will be replaced as a whole, so it must be empty or a bundle that
    symgrad wrote, unchanged since (see :func:`would_be_lost`); otherwise the error lists
    the files that would be lost. Returns the absolute destination, a
    symbolic link being replaced by its target. Raises InvalidArgumentError saying why not.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> base = pathlib.Path(tempfile.mkdtemp())
    >>> check_destination(base / "new" / "a.tex") == base / "new" / "a.tex"
    True
    >>> check_destination(base, kind="file")
    Traceback (most recent call last):
    ...
    symgrad.errors.InvalidArgumentError: output='...' is a folder, not a file
    """
    raw = os.fspath(path)
    if not raw or "\x00" in raw:
        raise _bad(raw, "is empty or holds a NUL character")
    p = Path(os.path.abspath(raw))
    if len(os.fsencode(p)) >= 4096:
        raise _bad(raw, "is longer than the system allows (4095 bytes)")
    for part in p.parts:
        if len(os.fsencode(part)) > _NAME_MAX:
            raise _bad(raw, f"has a name longer than {_NAME_MAX} bytes ({part[:20]}…)")
    if p.is_symlink():
        if not p.exists():
            raise _bad(raw, f"is a symbolic link to a missing target ({os.readlink(p)})")
        p = p.resolve()
    if p.exists():
        if kind == "file" and not p.is_file():
            raise _bad(raw, "is a folder, not a file" if p.is_dir() else "is not a regular file")
        if kind == "dir":
            if not p.is_dir():
                raise _bad(raw, "exists and is not a folder")
            with contextlib.suppress(OSError):
                here = Path.cwd().resolve()
                if here == p.resolve() or p.resolve() in here.parents:
                    raise _bad(raw, "is (or contains) the current folder; name a folder inside it")
            _check_replaceable(p, raw)
    # the nearest existing ancestor must be a folder in which entries can be created
    ancestor = p.parent
    while not ancestor.exists():
        if ancestor.is_symlink():
            raise _bad(raw, f"goes through a dangling symbolic link ({ancestor})")
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise _bad(raw, f"goes through {str(ancestor)!r}, which is a file, not a folder")
    probe = ancestor / f".symgrad-probe-{secrets.token_hex(8)}"
    record_in_ledger("stage", probe)
    try:
        probe.mkdir(mode=0o700)
    except OSError as exc:
        raise _bad(
            raw,
            f"cannot be written: {ancestor} does not accept new entries ({exc.strerror or exc})",
        ) from None
    probe.rmdir()
    return p


def _check_replaceable(p: Path, raw: str) -> None:
    lost: list[str] = []
    for _ in range(50):
        # A concurrent run may swap another folder in while we read, and then delete the one
        # we were reading: read again until the folder at `p` stayed the same throughout.
        try:
            before = os.stat(p).st_ino
            lost = would_be_lost(p)
            if os.stat(p).st_ino == before:
                break
        except FileNotFoundError:
            continue
        except OSError as exc:
            raise _bad(raw, f"cannot be read ({exc.strerror or exc})") from None
    if not lost:
        return
    shown = ", ".join(lost[:8]) + (f" and {len(lost) - 8} more" if len(lost) > 8 else "")
    raise _bad(
        raw,
        f"is a folder that holds files symgrad did not write or that changed since "
        f"({shown}); replacing it would lose them: choose a new or empty folder",
    )


def _digest(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _inventory(folder: Path) -> tuple[dict[str, str], list[str]]:
    """Regular files below `folder` (relative path → sha256) and every other entry there.

    Other entries are symbolic links, devices and the like, and folders that hold no file.
    The bundle mark itself is left out. Links are never followed.
    """
    files: dict[str, str] = {}
    other: list[str] = []

    def walk(d: Path, prefix: str) -> bool:
        found = False
        for entry in sorted(os.scandir(d), key=lambda e: e.name):
            rel = prefix + entry.name
            if rel == BUNDLE_MARK:
                continue
            if entry.is_dir(follow_symlinks=False):
                if walk(Path(entry.path), rel + "/"):
                    found = True
                else:
                    other.append(rel + "/")
            elif entry.is_file(follow_symlinks=False):
                files[rel] = _digest(Path(entry.path))
                found = True
            else:
                other.append(rel)
        return found

    walk(folder, "")
    return files, other


def _read_mark(folder: Path) -> dict[str, str]:
    """The files a bundle mark in `folder` lists (relative path → sha256); {} without one."""
    try:
        lines = (folder / BUNDLE_MARK).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return {}
    listed = {}
    for line in lines[2:]:
        digest, _, rel = line.partition("  ")
        if len(digest) == 64 and rel:
            listed[rel] = digest
    return listed


def would_be_lost(folder: str | Path) -> list[str]:
    """What replacing `folder` would destroy that symgrad did not write (relative paths).

    A folder may be replaced only if it is empty, or if symgrad wrote it: its bundle mark
    lists every file in it with the file's SHA-256, and each file still has that content.
    Everything else (a file the mark does not list, a listed file that was edited, a link,
    a folder with no file in it) is returned; ``[]`` means the folder may be replaced.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "bundle"
    >>> with staged_directory(out) as stage:
    ...     write_atomic(stage / "a.txt", "A")
    >>> would_be_lost(out)
    []
    >>> _ = (out / "a.txt").write_text("edited")
    >>> would_be_lost(out)
    ['a.txt']
    """
    folder = Path(folder)
    files, other = _inventory(folder)
    listed = _read_mark(folder)
    changed = [rel for rel, digest in files.items() if listed.get(rel) != digest]
    if (folder / BUNDLE_MARK).exists() and not (folder / BUNDLE_MARK).is_file():
        other.append(BUNDLE_MARK)
    return sorted(changed + other)


def _write_mark(stage: Path, token: str) -> None:
    files, _other = _inventory(stage)
    lines = ["written by symgrad; replaced as a whole when every file below is unchanged", token]
    lines += [f"{digest}  {rel}" for rel, digest in sorted(files.items())]
    write_atomic(stage / BUNDLE_MARK, "\n".join(lines) + "\n")


def _make_parents(folder: Path) -> list[Path]:
    """Create `folder` and missing ancestors; return the ones created (outermost first)."""
    missing = []
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    made = []
    for d in reversed(missing):
        record_in_ledger("parent", d)
        try:
            d.mkdir()
        except FileExistsError:
            continue
        made.append(d)
    return made


def _private_dir(parent: Path, name: str) -> Path:
    """Create a new staging folder in `parent`, recorded in the ledger before it exists."""
    while True:
        path = parent / f".{name[:40]}.staging-{secrets.token_hex(8)}"
        record_in_ledger("stage", path)
        try:
            path.mkdir(mode=0o700)
        except FileExistsError:  # not ours: never touch it
            record_in_ledger("foreign", path)
            continue
        return path


def remove_own(path: Path | str) -> None:
    """Remove `path` (a file, a link or a folder tree) if it exists; never follow a link."""
    path = Path(path)
    try:
        mode = path.lstat().st_mode
    except FileNotFoundError:
        return
    if stat.S_ISDIR(mode):
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def _remove_empty(folders: Sequence[Path]) -> None:
    for d in reversed(folders):
        with contextlib.suppress(OSError):
            d.rmdir()


_RENAME_NOREPLACE, _RENAME_EXCHANGE = 1, 2


def _renameat2(src: Path, dst: Path, flags: int) -> bool:
    """Linux renameat2; True on success, False if unsupported, OSError otherwise."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd = -100
    if fn(at_fdcwd, os.fsencode(src), at_fdcwd, os.fsencode(dst), flags) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(err, os.strerror(err), os.fspath(dst))


def _commit_directory(stage: Path, final: Path) -> None:
    """Put `stage` at `final` in one step; the replaced folder ends up at `stage`."""
    for _ in range(20):  # concurrent runs: whoever commits last wins, nobody crashes
        if final.is_dir() and not final.is_symlink():
            if _renameat2(stage, final, _RENAME_EXCHANGE):
                return
            backup = stage.with_name(stage.name + "-old")
            record_in_ledger("restore", backup, final)
            os.rename(final, backup)
            os.rename(stage, final)
            os.rename(backup, stage)
            return
        try:
            if not _renameat2(stage, final, _RENAME_NOREPLACE):
                os.rename(stage, final)
            return
        except OSError as exc:
            if exc.errno not in (errno.EEXIST, errno.ENOTEMPTY):
                raise
    raise OSError(errno.EBUSY, "the output folder kept changing while it was replaced", final)


@contextlib.contextmanager
def staged_directory(final: str | Path) -> Iterator[Path]:
    """Build a folder in private staging and put it at `final` as a whole at the end.

    Yields the staging folder. On success the staging folder replaces `final` in one step
    (a previous bundle there disappears entirely, stale files included); on any exception
    or signal the staging folder is removed and `final` is untouched.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "bundle"
    >>> with staged_directory(out) as stage:
    ...     write_atomic(stage / "a.txt", "A")
    >>> sorted(p.name for p in out.iterdir())
    ['.symgrad-bundle', 'a.txt']
    >>> with staged_directory(out) as stage:
    ...     write_atomic(stage / "b.txt", "B")
    >>> sorted(p.name for p in out.iterdir())
    ['.symgrad-bundle', 'b.txt']
    """
    target = check_destination(final, kind="dir")
    made: list[Path] = []
    stage = None
    try:
        made = _make_parents(target.parent)
        stage = _private_dir(target.parent, target.name)
        yield stage
        token = stage.name  # unique: tells whether `target` holds this bundle
        _write_mark(stage, token)
        os.chmod(stage, 0o777 & ~_umask())
        if target.exists():
            check_destination(target, kind="dir")
        record_in_ledger("committing", target, token)
        _commit_directory(stage, target)
        record_in_ledger("committed", target)
    except BaseException:
        if stage is not None:
            remove_own(stage)
        _remove_empty(made)
        raise
    remove_own(stage)  # the folder that was replaced


@contextlib.contextmanager
def staged_files(*finals: str | Path) -> Iterator[list[Path]]:
    """Write several files in private staging and move those written into place at the end.

    Yields one staging path per destination (same name); files the caller does not write
    are not touched. Every destination is checked before anything is written.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> base = pathlib.Path(tempfile.mkdtemp())
    >>> with staged_files(base / "a.tex", base / "a.pdf") as (tex, pdf):
    ...     write_atomic(tex, "x")
    >>> sorted(p.name for p in base.iterdir())
    ['a.tex']
    """
    targets = [check_destination(f, kind="file") for f in finals]
    if len(set(targets)) != len(targets):
        raise InvalidArgumentError(f"outputs {[os.fspath(f) for f in finals]} name one file twice")
    made: list[Path] = []
    stages: dict[Path, Path] = {}
    try:
        for t in targets:
            if t.parent not in stages:
                made += _make_parents(t.parent)
                stages[t.parent] = _private_dir(t.parent, t.name)
        staged = [stages[t.parent] / t.name for t in targets]
        yield staged
        pairs = [(s, t) for s, t in zip(staged, targets, strict=True) if s.exists()]
        for s, t in pairs:
            os.chmod(s, 0o666 & ~_umask())
            if t.is_dir():
                raise _bad(t, "became a folder while the job ran")
        for s, t in pairs:
            os.replace(s, t)
            record_in_ledger("committed", t)
    except BaseException:
        for s in stages.values():
            remove_own(s)
        _remove_empty(made)
        raise
    for s in stages.values():
        remove_own(s)
