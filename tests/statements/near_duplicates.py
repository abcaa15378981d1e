"""Near-duplicate statement sets the project writes itself: announcements, copies of them with
the edits a re-publisher makes (paragraphs trimmed, a new headline, its boilerplate added,
paragraphs reordered, or all of these), and different announcements on the same topic, which
share its names and stock phrases but must stay apart. Used by the story tests and by
bench/story_eval.py."""

from __future__ import annotations

import random
from dataclasses import dataclass

PARTNERS = ["Japan", "France", "Australia", "Germany", "Italy", "Greece", "Brazil", "Vietnam"]
AREAS = [
    "submarine co-production",
    "jet engine co-development",
    "maritime domain awareness",
    "defence industrial supply chains",
    "unmanned aerial systems",
    "training and joint exercises",
]
SUBJECTS = [
    "The Defence Secretary",
    "The delegation",
    "The visiting minister",
    "The working group",
    "Officials of both sides",
    "The joint committee",
    "The Chief of Naval Staff",
    "Representatives of industry",
    "The Ambassador",
    "The Secretary (Defence Production)",
]
VERBS = [
    "reviewed",
    "welcomed",
    "noted",
    "discussed",
    "emphasised",
    "proposed",
    "outlined",
    "assessed",
    "endorsed",
    "highlighted",
    "recalled",
    "examined",
]
OBJECTS = [
    "the progress of {n} ongoing projects",
    "a roadmap for {area} over {n} years",
    "the results of the {ordinal} round of talks",
    "plans for a facility near {city}",
    "the transfer of {n} technologies",
    "a joint study on {area}",
    "the timeline for trials at {city}",
    "the financing of {n} programmes",
    "the outcome of the exercise held in {month}",
    "proposals from {n} firms",
    "a memorandum on {area}",
    "the state of orders placed in {month}",
]
CLOSERS = [
    "during the meeting in {city}",
    "at the session held on {day} {month}",
    "ahead of the summit",
    "with a view to early results",
    "in the presence of senior officers",
    "as part of the annual dialogue",
    "before the end of the financial year",
    "",
]
CITIES = [
    "New Delhi",
    "Pune",
    "Chennai",
    "Bengaluru",
    "Tokyo",
    "Paris",
    "Canberra",
    "Berlin",
    "Hyderabad",
    "Visakhapatnam",
    "Kochi",
    "Lucknow",
]
MONTHS = ["January", "March", "April", "June", "July", "September", "October", "December"]
ORDINALS = ["first", "second", "third", "fourth", "fifth", "sixth"]
STOCK = [
    "India and {partner} reaffirmed their commitment to a free, open and inclusive Indo-Pacific.",
    "The two sides agreed to deepen cooperation in {area}.",
    "Both sides noted the growing convergence between India and {partner} on {area}.",
    "The ministers welcomed the participation of {partner} firms in Make in India.",
    "India and {partner} agreed that the next meeting would be held at a mutually convenient date.",
    "The talks were held in a warm and cordial atmosphere.",
]
BOILERPLATE = [
    "Press Information Bureau. Government of India. Ministry of Defence. Posted on the {day} "
    "of {month} by the media desk. Share this page on social media.",
    "This article first appeared on our partner wire service. Subscribe to our newsletter for "
    "the latest defence and security news. All rights reserved. Terms of use apply.",
    "Follow the Embassy on social media for updates. For media queries, write to the press "
    "section of the Embassy. Photographs of the event are available on request.",
]
EDITS = ["trimmed", "headline", "boilerplate", "reordered", "all"]


@dataclass(frozen=True)
class Item:
    """A statement of the set: `story` says which announcement it carries."""

    story: int
    title: str
    text: str
    edit: str = "original"  # or one of EDITS, or "same topic" for a different announcement
    topic: tuple[str, str] = ("", "")


def _fill(rng: random.Random, template: str, partner: str, area: str) -> str:
    return template.format(
        partner=partner,
        area=area,
        n=rng.randint(2, 40),
        city=rng.choice(CITIES),
        month=rng.choice(MONTHS),
        day=rng.randint(1, 28),
        ordinal=rng.choice(ORDINALS),
    )


def _sentence(rng: random.Random, partner: str, area: str) -> str:
    if rng.random() < 0.25:
        return _fill(rng, rng.choice(STOCK), partner, area)
    closer = _fill(rng, rng.choice(CLOSERS), partner, area)
    words = [
        rng.choice(SUBJECTS),
        rng.choice(VERBS),
        _fill(rng, rng.choice(OBJECTS), partner, area),
    ]
    return " ".join(words + ([closer] if closer else [])) + "."


def announcement(rng: random.Random, partner: str, area: str) -> list[str]:
    """Paragraphs of a new announcement on (partner, area)."""
    return [
        " ".join(_sentence(rng, partner, area) for _ in range(rng.randint(3, 5)))
        for _ in range(rng.randint(6, 9))
    ]


def copy_with(rng: random.Random, paragraphs: list[str], edit: str) -> list[str]:
    """The paragraphs as a re-publisher carries them, after `edit`."""
    copy = list(paragraphs)
    if edit in ("trimmed", "all"):
        # A news site keeps the first two thirds or so; never less than half.
        copy = copy[: max(len(copy) // 2 + 1, len(copy) - rng.randint(1, 3))]
    if edit in ("reordered", "all"):
        head, rest = copy[:1], copy[1:]
        rng.shuffle(rest)
        copy = head + rest
    if edit in ("boilerplate", "all"):
        copy = [
            _fill(rng, rng.choice(BOILERPLATE), "", ""),
            *copy,
            _fill(rng, BOILERPLATE[1], "", ""),
        ]
    return copy


def near_duplicate_set(*, stories: int = 60, seed: int = 7) -> list[Item]:
    """`stories` announcements, each with 0 to 3 edited copies and, for one in two, a different
    announcement on the same topic (a story of its own, with copies of its own sometimes)."""
    rng = random.Random(seed)
    items: list[Item] = []
    number = 0
    while number < stories:
        partner, area = rng.choice(PARTNERS), rng.choice(AREAS)
        siblings = 2 if rng.random() < 0.5 else 1
        for sibling in range(siblings):
            paragraphs = announcement(rng, partner, area)
            title = f"India and {partner} hold talks on {area}"
            items.append(
                Item(
                    number,
                    title,
                    "\n\n".join(paragraphs),
                    "original" if not sibling else "same topic",
                    (partner, area),
                )
            )
            for _ in range(rng.randint(0, 3)):
                edit = rng.choice(EDITS)
                headline = (
                    title
                    if edit not in ("headline", "all")
                    else f"{partner} ties: {area} on the agenda"
                )
                items.append(
                    Item(
                        number,
                        headline,
                        "\n\n".join(copy_with(rng, paragraphs, edit)),
                        edit,
                        (partner, area),
                    )
                )
            number += 1
    return items
