"""Tallies: small summary tables of the opportunities, kept current by the services, so the
dashboards read a few hundred grouped rows instead of every link row of every opportunity.

Each table holds counts (and value sums per currency) per team and per the dimensions a page
groups by: stage and currency, partner country, investment area, country and area together,
month of closing, country pair and year. Every row also carries the opportunities'
sensitivity, so a reader not cleared for restricted work leaves those rows out, as
`visible_to` leaves out the opportunities.

Every write path keeps them in its own transaction, wrapping its writes in
`adjust.tallies_adjusted(opportunities)` (the services' save, stage move and follow-up
writes, the admin's save, links and deletes, the API's create, edit and delete, suggestion
and commitment triage, merging and its undo, each chunk of a sheet upload): it adds what
those opportunities count for after the write and takes away what they counted for before,
so its cost follows the opportunities written, not the size of their teams.
`keep.tallies_kept(team_ids=...)` recounts whole teams from the live tables in a fixed number
of queries (the demo data; an adjustment that finds the tallies drifted);
`manage.py tallies_rebuild` recounts every team's.
"""
