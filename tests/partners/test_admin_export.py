"""The firm admin's export is safe to open in a spreadsheet: no cell is a live formula."""

from __future__ import annotations

import pytest

from tests.partners.factories import FirmFactory, InvestmentAreaFactory
from tests.support.admin_exports import admin_export, csv_rows, xlsx_cells

# A selection sent to the export view makes django-import-export warn about a method it calls
# for itself; nothing we can change.
pytestmark = pytest.mark.filterwarnings("ignore:The 'get_valid_export_item_pks:DeprecationWarning")


def test_firm_export_neutralises_a_formula_in_the_firm_name(roles, desk_staff, session_for) -> None:
    firm = FirmFactory(name='=cmd|" /C calc"!A0')
    firm.areas.add(InvestmentAreaFactory(name="+area", slug="plus-area"))
    client = session_for(desk_staff)

    header, row = csv_rows(admin_export(client, "partners_firm", [firm], "csv"))
    assert row[header.index("name")] == "'" + firm.name
    assert row[header.index("areas")] == "'+area"

    cells = xlsx_cells(admin_export(client, "partners_firm", [firm], "xlsx"))
    assert not [cell for cell in cells if cell.data_type == "f"]
    assert "'" + firm.name in [cell.value for cell in cells]
