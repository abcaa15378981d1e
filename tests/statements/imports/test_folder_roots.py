"""Folder sources read only under STATEMENTS_FOLDER_ROOTS, resolved: no `..`, no symlink out,
checked when saved and again at every run; only a superuser sets a path."""

from __future__ import annotations

from pathlib import Path

import pytest
from rest_framework.test import APIClient

from statements import imports
from statements.models import ImportRun, Source, Statement

pytestmark = pytest.mark.django_db

TEXT = "Readout {n}\n\nIndia and Japan agreed on co-innovation in radar, item {n}. " + "More. " * 20


@pytest.fixture
def layout(tmp_path: Path, settings) -> dict[str, Path]:
    root, secrets = tmp_path / "root", tmp_path / "secrets"
    (root / "desk").mkdir(parents=True)
    secrets.mkdir()
    (root / "desk" / "readout.txt").write_text(TEXT.format(n=1))
    (secrets / "password.txt").write_text(TEXT.format(n=666))
    settings.STATEMENTS_FOLDER_ROOTS = [str(root)]
    return {"root": root, "desk": root / "desk", "secrets": secrets}


def folder_path_errors(client, path: str) -> dict:
    response = client.post(
        "/api/sources/",
        {"name": f"Folder {path}", "kind": "folder", "path": path},
        format="json",
    )
    assert response.status_code in (201, 400), response.content
    return {} if response.status_code == 201 else response.json()


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def boss_api(superuser) -> APIClient:
    return api_for(superuser)


def test_a_folder_under_a_root_is_accepted(boss_api, layout):
    assert folder_path_errors(boss_api, str(layout["desk"])) == {}


@pytest.mark.parametrize(
    "escape",
    [
        lambda lay: str(lay["secrets"]),
        lambda lay: str(lay["desk"] / ".." / ".." / "secrets"),
        lambda lay: "/etc",
    ],
    ids=["outside", "dot-dot", "system"],
)
def test_a_folder_outside_the_roots_is_refused(boss_api, layout, escape):
    errors = folder_path_errors(boss_api, escape(layout))
    assert "not under an allowed root" in str(errors["path"])


def test_a_symlink_out_of_a_root_is_refused(boss_api, layout):
    link = layout["root"] / "shortcut"
    link.symlink_to(layout["secrets"], target_is_directory=True)
    assert "not under an allowed root" in str(folder_path_errors(boss_api, str(link))["path"])


def test_a_symlinked_file_pointing_out_is_not_read(layout):
    (layout["desk"] / "leak.txt").symlink_to(layout["secrets"] / "password.txt")
    source = Source.objects.create(name="Desk", kind=Source.Kind.FOLDER, path=layout["desk"])

    imports.source_import(source_id=source.pk)

    assert list(Statement.objects.values_list("title", flat=True)) == ["Readout 1"]


def test_a_path_stored_before_the_roots_changed_is_refused_at_the_run(layout):
    source = Source.objects.create(name="Old", kind=Source.Kind.FOLDER, path=layout["secrets"])

    with pytest.raises(imports.SourceFailed, match="not under an allowed root"):
        imports.source_import(source_id=source.pk)

    assert not Statement.objects.exists()
    assert ImportRun.objects.get().status == ImportRun.Status.FAILED


def test_only_a_superuser_sets_a_folder_path(team_lead, layout):
    errors = folder_path_errors(api_for(team_lead), str(layout["desk"]))
    assert "Only a superuser" in str(errors["path"])


def test_the_admin_shows_the_path_read_only_to_a_non_superuser(client, team_lead, layout):
    source = Source.objects.create(name="Desk", kind=Source.Kind.FOLDER, path=layout["desk"])
    client.force_login(team_lead)
    page = client.get(f"/admin/statements/source/{source.pk}/change/")
    assert page.status_code == 200
    assert 'name="path"' not in page.content.decode()
