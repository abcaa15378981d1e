"""Tallies: small summary tables of the opportunities, kept current by the services, so the
dashboards read a few hundred grouped rows instead of every link row of every opportunity.

Each table holds counts (and value sums per currency) per team and per the dimensions a page
groups by: stage and currency, partner country, investment area, country and area together,
month of closing, country pair and year. Every row also carries the opportunities'
sensitivity, so a reader not cleared for restricted work leaves those rows out, as
`visible_to` leaves out the opportunities.

`keep.tallies_kept(team_ids=...)` is called by every write path once it has written (the
services, the sheets' upsert, merging, suggestion triage, the API's create, edit and delete,
the admin form's links), in the same transaction: it recomputes the rows of those teams
only, from the live tables, in a fixed number of queries. `manage.py tallies_rebuild`
recomputes every team's.
"""
