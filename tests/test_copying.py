"""`modelplate.copying`: copier's render without its per-run waste, and nothing else.

Every render here is compared with `copier.run_copy` of the same template and answers:
with the compiled-template cache empty, filled, corrupt, unusable, and after a change of
the Jinja settings that the cache must not survive.
"""

from __future__ import annotations

import os
import warnings
from functools import cached_property
from pathlib import Path

import copier
import pytest
from copier._main import Worker
from paths import CHURN

import modelplate
from modelplate import api
from modelplate.copying import cache_folder, copy_template
from modelplate.render import template_dir


def tree(root: Path) -> dict[str, tuple[bytes, int]]:
    return {
        str(p.relative_to(root)): (p.read_bytes(), p.stat().st_mode)
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def copiers(template: Path, destination: Path, data: dict) -> dict:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        copier.run_copy(
            str(template), str(destination), data=data, defaults=True, quiet=True
        )
    return tree(destination)


def ours(template: Path, destination: Path, data: dict) -> dict:
    copy_template(template, destination, data)
    return tree(destination)


@pytest.fixture(scope="module")
def churn_answers() -> dict:
    context, data = api._render_inputs(modelplate.check(CHURN))
    return {"ctx": context, **data}


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return cache_folder()


def test_copier_still_has_the_members_the_render_replaces():
    # A copier release without them would leave the render correct but slow again.
    assert isinstance(Worker.__dict__["jinja_env"], cached_property)
    assert callable(Worker._sync_git_index_executable_bit)


def test_the_reference_render_equals_copiers_cold_and_from_the_cache(
    tmp_path, cache, churn_answers
):
    expected = copiers(template_dir(), tmp_path / "copier", churn_answers)
    assert ours(template_dir(), tmp_path / "cold", churn_answers) == expected
    entries = {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in cache.iterdir()}
    jinja_files = list((template_dir() / "project").rglob("*.jinja"))
    assert len(entries) >= len(jinja_files)
    assert ours(template_dir(), tmp_path / "warm", churn_answers) == expected
    # Read, not rewritten: every compiled template came from the cache.
    assert {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in entries} == entries


def test_a_corrupt_cache_is_compiled_again(tmp_path, cache, churn_answers):
    ours(template_dir(), tmp_path / "first", churn_answers)
    for entry in cache.iterdir():
        entry.write_bytes(b"not a compiled template")
    expected = copiers(template_dir(), tmp_path / "copier", churn_answers)
    assert ours(template_dir(), tmp_path / "second", churn_answers) == expected


def test_an_unusable_cache_folder_only_costs_time(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("the cache folder cannot be made inside a file")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    answers = {"ctx": {"text": "hi"}}
    template = small_template(tmp_path / "template", trim_blocks=True)
    expected = copiers(template, tmp_path / "copier", answers)
    assert ours(template, tmp_path / "ours", answers) == expected
    assert blocker.is_file()


def small_template(folder: Path, trim_blocks: bool) -> Path:
    folder.mkdir(exist_ok=True)
    (folder / "copier.yml").write_text(
        f"_envops:\n  trim_blocks: {str(trim_blocks).lower()}\n"
        "  keep_trailing_newline: true\nctx:\n  type: json\n  when: false\n"
    )
    (folder / "out.txt.jinja").write_text(
        "{% if true %}\n{{ ctx.text }}\n{% endif %}\n"
    )
    return folder


def test_changed_jinja_settings_are_not_served_from_the_cache(tmp_path, cache):
    # Same template path and source, other whitespace control: other compiled code.
    answers = {"ctx": {"text": "hi"}}
    renders = {}
    for trim in (True, False, True):
        template = small_template(tmp_path / "template", trim_blocks=trim)
        expected = copiers(
            template, tmp_path / f"copier-{trim}-{len(renders)}", answers
        )
        got = ours(template, tmp_path / f"ours-{trim}-{len(renders)}", answers)
        assert got == expected
        renders[len(renders)] = got["out.txt"][0]
    assert renders[0] == renders[2] != renders[1]
    assert os.listdir(cache)
