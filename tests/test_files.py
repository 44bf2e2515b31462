"""Destinations are checked first, bundles replace their destination whole, cleanup is exact."""

import contextlib
import os
import shutil
import tempfile
import threading
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from symgrad.errors import InvalidArgumentError
from symgrad.runtime.files import (
    JOB_ROOT_ENV,
    check_destination,
    ledger_entries,
    staged_directory,
    staged_files,
    would_be_lost,
    write_atomic,
)


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if "staging" in p.name or "probe" in p.name)


def _user_folder(d: Path) -> Path:
    (d / "mine").mkdir()
    (d / "mine" / "notes.txt").write_text("keep")
    return d / "mine"


@pytest.mark.parametrize(
    ("make", "kind", "needle"),
    [
        (lambda d: (d / "x").mkdir() or d / "x", "file", "is a folder, not a file"),
        (lambda d: (d / "x").write_text("") or d / "x", "dir", "exists and is not a folder"),
        (lambda d: (d / "f").write_text("") or d / "f" / "out.tex", "file", "which is a file"),
        (lambda d: (d / "l").symlink_to(d / "missing") or d / "l", "dir", "missing target"),
        (lambda d: (d / "l").symlink_to(d / "missing") or d / "l", "file", "missing target"),
        (lambda d: d / ("n" * 256 + ".tex"), "file", "longer than 255 bytes"),
        (lambda d: Path("/sys/symgrad-x"), "file", "cannot be written"),
        (lambda d: Path("/proc/self/symgrad-x"), "dir", "cannot be written"),
        (_user_folder, "dir", "did not write or that changed since (notes.txt)"),
    ],
)
def test_impossible_destinations_are_refused_before_anything_is_written(
    tmp_path, make, kind, needle
):
    target = make(tmp_path)
    before = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(InvalidArgumentError, match="output=") as info:
        check_destination(target, kind=kind)
    assert needle in str(info.value) and "\n" not in str(info.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_the_current_folder_is_never_replaced(tmp_path, monkeypatch):
    (tmp_path / "here").mkdir()
    monkeypatch.chdir(tmp_path / "here")
    for target in (".", "..", str(tmp_path / "here")):
        with pytest.raises(InvalidArgumentError, match="current folder"):
            check_destination(target, kind="dir")
    assert Path.cwd() == tmp_path / "here"


def test_an_earlier_bundle_or_an_empty_folder_may_be_replaced(tmp_path):
    (tmp_path / "empty").mkdir()
    with staged_directory(tmp_path / "old") as stage:
        write_atomic(stage / "derivations.tex", "old")
        write_atomic(stage / "figures" / "a.png", b"png")
    for name in ("empty", "old"):
        assert check_destination(tmp_path / name, kind="dir")


def _named_like_a_bundle(d: Path) -> tuple[Path, list[str]]:
    (d / "B" / "figures").mkdir(parents=True)
    (d / "B" / "results.json").write_text('{"my": "data"}')
    (d / "B" / "handout.tex").write_text("my notes")
    (d / "B" / "figures" / "mydiagram.png").write_bytes(b"mine")
    return d / "B", ["figures/mydiagram.png", "handout.tex", "results.json"]


def _bundle_plus_one(d: Path) -> tuple[Path, list[str]]:
    with staged_directory(d / "B") as stage:
        write_atomic(stage / "handout.tex", "ours")
        write_atomic(stage / "figures" / "a.png", b"ours")
    (d / "B" / "figures" / "mine.png").write_bytes(b"mine")
    return d / "B", ["figures/mine.png"]


def _bundle_edited(d: Path) -> tuple[Path, list[str]]:
    with staged_directory(d / "B") as stage:
        write_atomic(stage / "handout.tex", "ours")
        write_atomic(stage / "results.json", "{}")
    (d / "B" / "handout.tex").write_text("ours, with my corrections")
    return d / "B", ["handout.tex"]


def _forged_mark(d: Path) -> tuple[Path, list[str]]:
    (d / "B").mkdir()
    (d / "B" / ".symgrad-bundle").write_text("written by symgrad\nx\n")
    (d / "B" / "results.json").write_text('{"my": "data"}')
    return d / "B", ["results.json"]


def _bundle_with_a_link_and_a_folder(d: Path) -> tuple[Path, list[str]]:
    with staged_directory(d / "B") as stage:
        write_atomic(stage / "handout.tex", "ours")
    (d / "B" / "data").mkdir()
    (d / "B" / "link").symlink_to(d)
    return d / "B", ["data/", "link"]


@pytest.mark.parametrize(
    "make",
    [
        _named_like_a_bundle,
        _bundle_plus_one,
        _bundle_edited,
        _forged_mark,
        _bundle_with_a_link_and_a_folder,
    ],
)
def test_a_folder_symgrad_did_not_write_unchanged_is_refused_naming_what_would_be_lost(
    tmp_path, make
):
    target, lost = make(tmp_path)
    snapshot = {p: p.read_bytes() for p in target.rglob("*") if p.is_file()}
    assert would_be_lost(target) == lost
    with pytest.raises(InvalidArgumentError, match="would lose them") as info:
        check_destination(target, kind="dir")
    assert all(name in str(info.value) for name in lost)
    with pytest.raises(InvalidArgumentError), staged_directory(target) as stage:
        write_atomic(stage / "handout.tex", "new")
    assert {p: p.read_bytes() for p in target.rglob("*") if p.is_file()} == snapshot
    assert _leftovers(tmp_path) == []


def test_a_folder_that_changes_during_the_run_is_still_refused_at_the_end(tmp_path):
    with staged_directory(tmp_path / "B") as stage:
        write_atomic(stage / "handout.tex", "old")
    refused = pytest.raises(InvalidArgumentError, match=r"notes\.txt")
    with refused, staged_directory(tmp_path / "B") as stage:
        write_atomic(stage / "handout.tex", "new")
        (tmp_path / "B" / "notes.txt").write_text("written meanwhile")
    assert (tmp_path / "B" / "handout.tex").read_text() == "old"
    assert (tmp_path / "B" / "notes.txt").read_text() == "written meanwhile"
    assert _leftovers(tmp_path) == []


def test_a_symbolic_link_to_a_file_is_written_through(tmp_path):
    (tmp_path / "real.tex").write_text("old")
    (tmp_path / "link.tex").symlink_to(tmp_path / "real.tex")
    assert check_destination(tmp_path / "link.tex") == tmp_path / "real.tex"


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_files_respect_the_umask(tmp_path, umask, mode):
    old = os.umask(umask)
    try:
        write_atomic(tmp_path / "a.txt", "x")
        with staged_directory(tmp_path / "bundle") as stage:
            write_atomic(stage / "b.txt", "y")
    finally:
        os.umask(old)
    assert (tmp_path / "a.txt").stat().st_mode & 0o777 == mode
    assert (tmp_path / "bundle" / "b.txt").stat().st_mode & 0o777 == mode
    assert (tmp_path / "bundle").stat().st_mode & 0o777 == 0o777 & ~umask


def test_a_new_bundle_replaces_the_old_one_whole_so_no_stale_file_survives(tmp_path):
    out = tmp_path / "r"
    with staged_directory(out) as stage:
        write_atomic(stage / "derivations.pdf", "seed 0")
        write_atomic(stage / "derivations.tex", "seed 0")
    with staged_directory(out) as stage:
        write_atomic(stage / "derivations.tex", "seed 5")
    assert not (out / "derivations.pdf").exists()
    assert (out / "derivations.tex").read_text() == "seed 5"
    assert _leftovers(tmp_path) == []


def test_a_failed_bundle_leaves_the_old_one_and_no_staging(tmp_path):
    out = tmp_path / "r"
    with staged_directory(out) as stage:
        write_atomic(stage / "a.txt", "old")
    with pytest.raises(RuntimeError), staged_directory(out) as stage:
        write_atomic(stage / "a.txt", "new")
        raise RuntimeError("stopped half-way")
    assert (out / "a.txt").read_text() == "old"
    assert _leftovers(tmp_path) == []


def test_a_failed_bundle_removes_the_folders_it_created_and_only_those(tmp_path):
    (tmp_path / "keep").mkdir()
    with pytest.raises(RuntimeError), staged_directory(tmp_path / "a" / "b" / "r"):
        raise RuntimeError
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep"]


def test_cleanup_never_touches_other_staging_folders_whatever_the_name(tmp_path):
    victims = [".victim.staging-abc", ".r1.staging-victim", ".*.staging-x", ".other.staging-xyz"]
    for v in victims:
        (tmp_path / v).mkdir()
        (tmp_path / v / "data.txt").write_text("someone else's work")
    for name in ("*", "r[1]", "?"):
        with pytest.raises(RuntimeError), staged_directory(tmp_path / name):
            raise RuntimeError
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(victims)
    assert all((tmp_path / v / "data.txt").read_text() == "someone else's work" for v in victims)


def test_interleaved_runs_to_one_destination_both_commit_and_the_last_wins(tmp_path):
    out = tmp_path / "r"
    first = staged_directory(out)
    second = staged_directory(out)
    a, b = first.__enter__(), second.__enter__()
    write_atomic(a / "who.txt", "A")
    write_atomic(b / "who.txt", "B")
    second.__exit__(None, None, None)  # B commits while A is still working
    first.__exit__(None, None, None)
    assert (out / "who.txt").read_text() == "A"
    assert _leftovers(tmp_path) == []


def test_concurrent_threads_never_crash_and_leave_one_whole_bundle(tmp_path):
    out = tmp_path / "r"
    errors = []

    def run(tag: str) -> None:
        try:
            for i in range(15):
                with staged_directory(out) as stage:
                    write_atomic(stage / "a.txt", f"{tag}{i}")
                    write_atomic(stage / "b.txt", f"{tag}{i}")
        except Exception as exc:  # pragma: no cover - the failure being tested for
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(t,)) for t in "XYZ"]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert (out / "a.txt").read_text() == (out / "b.txt").read_text()
    assert _leftovers(tmp_path) == []


def test_a_pdf_destination_that_is_a_folder_stops_the_tex_from_being_written(tmp_path):
    (tmp_path / "p.pdf").mkdir()
    with (
        pytest.raises(InvalidArgumentError, match="is a folder"),
        staged_files(tmp_path / "p.tex", tmp_path / "p.pdf"),
    ):
        pass  # pragma: no cover - never reached
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.pdf"]


def test_staged_files_move_only_what_was_written(tmp_path):
    (tmp_path / "p.pdf").write_text("an older pdf")
    with staged_files(tmp_path / "p.tex") as (tex,):
        write_atomic(tex, "new")
    assert (tmp_path / "p.tex").read_text() == "new"
    assert (tmp_path / "p.pdf").read_text() == "an older pdf"
    assert _leftovers(tmp_path) == []


def test_a_job_ledger_records_the_exact_staging_path_before_it_exists(tmp_path, monkeypatch):
    root = tmp_path / "job"
    root.mkdir()
    monkeypatch.setenv(JOB_ROOT_ENV, str(root))
    out = tmp_path / "out" / "*"
    with staged_directory(out) as stage:
        entries = ledger_entries(root)
        assert ["stage", str(stage)] in entries
        assert ["parent", str(tmp_path / "out")] in entries
    assert ["committed", str(out)] in ledger_entries(root)


_NAME = st.text("abR1*?[]{}~!$&'() -_.üé\\\n\t", min_size=1, max_size=20).filter(
    lambda s: s not in (".", "..")
)


@settings(max_examples=60, deadline=None)
@given(
    names=st.lists(_NAME, min_size=1, max_size=3),
    kind=st.sampled_from(["file", "dir"]),
    existing=st.sampled_from([None, "file", "dir", "dir-with-user-file", "dangling-link"]),
)
def test_generated_destinations_are_written_whole_or_refused_in_one_line(names, kind, existing):
    """Any name (glob characters, spaces, newlines, unicode): a clean refusal or a whole output,
    and in both cases the sandbox holds nothing else (other runs' staging folders intact)."""
    base = Path(tempfile.mkdtemp())
    try:
        victim = base / f".{names[-1]}.staging-victim"
        victim.mkdir()
        target = base.joinpath(*names)
        with contextlib.suppress(OSError):
            target.parent.mkdir(parents=True, exist_ok=True)
            if existing == "file":
                target.write_text("old")
            elif existing in ("dir", "dir-with-user-file"):
                target.mkdir()
                if existing == "dir-with-user-file":
                    (target / "mine.txt").write_text("keep")
            elif existing == "dangling-link":
                target.symlink_to(base / "missing")
        before = sorted(map(str, base.rglob("*")))
        try:
            if kind == "dir":
                with staged_directory(target) as stage:
                    write_atomic(stage / "a.txt", "new")
                assert (target / "a.txt").read_text() == "new"
            else:
                with staged_files(target) as (staged,):
                    write_atomic(staged, "new")
                assert target.read_text() == "new"
        except InvalidArgumentError as exc:
            assert str(exc).startswith("output=") and "\n" not in str(exc)  # names are repr()ed
            assert sorted(map(str, base.rglob("*"))) == before  # nothing written
        assert not [p for p in base.rglob("*") if ".staging-" in p.name and p != victim]
        assert not [p for p in base.rglob("*") if ".symgrad-probe-" in p.name]
        assert victim.is_dir()
    finally:
        shutil.rmtree(base, ignore_errors=True)
