"""Running the admin's export action as a user would, and reading what it sends back."""

from __future__ import annotations

import csv
import io

import openpyxl
from django.test import Client
from django.urls import reverse

from tests.support.html_forms import form_data


def admin_export(client: Client, model: str, selected, file_format: str):
    """Select rows, run the export action, then submit its form with every field ticked."""
    changelist = reverse(f"admin:{model}_changelist")
    export_url = reverse(f"admin:{model}_export")
    page = client.post(
        changelist,
        {
            "action": "export_admin_action",
            "_selected_action": [str(row.pk) for row in selected],
            "index": "0",
        },
    )
    assert page.status_code == 200
    data = form_data(page, action=export_url)
    choices = dict((label, value) for value, label in page.context["form"].fields["format"].choices)
    data["format"] = choices[file_format]
    response = client.post(export_url, data)
    assert response.status_code == 200, response.content[:500]
    return response


def csv_rows(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode(), newline="")))


def xlsx_cells(response) -> list:
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    return [cell for sheet in workbook for row in sheet.iter_rows() for cell in row]
