import datetime
from django.urls import reverse
from django.utils import timezone
from tests.factories import *
from tests.admin.conftest import form_data

def test_scratch(client_for, superuser, team, other_team, desk_staff):
    jp = CountryFactory(code="JP"); fr = CountryFactory(code="FR")
    opp = OpportunityFactory(team=team, countries=[jp, fr], owner=desk_staff)
    FollowUpFactory(opportunity=opp); NoteFactory(opportunity=opp)
    c = client_for(desk_staff)
    r = c.get(reverse("admin:opportunities_opportunity_change", args=[opp.pk]))
    print(r.status_code)
    d = form_data(r, "opportunity_form")
    for k, v in d.items(): print(repr(k), repr(v))
    d["title"] = "changed"
    r = c.post(reverse("admin:opportunities_opportunity_change", args=[opp.pk]), d)
    print(r.status_code, r.get("Location"))
    if r.status_code == 200:
        print(r.context["errors"], [f.errors for f in r.context["inline_admin_formsets"]])
    opp.refresh_from_db(); print(opp.title, opp.version)
    r = c.get(reverse("admin:opportunities_opportunity_changelist"))
    html = r.content.decode()
    i = html.find('id="changelist-form"'); print(html[i:i+4000])
