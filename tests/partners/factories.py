"""Factories of the partners app: countries, areas, firms, contacts, policy openings."""

from __future__ import annotations

import factory

from partners.models import Contact, Country, Firm, InvestmentArea, PolicyOpening


class CountryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Country
        django_get_or_create = ["code"]

    code = factory.Iterator(["JP", "FR", "US", "AU", "GB", "IL", "KR", "DE"])
    alpha_3 = factory.LazyAttribute(
        lambda c: {
            "JP": "JPN",
            "FR": "FRA",
            "US": "USA",
            "AU": "AUS",
            "GB": "GBR",
            "IL": "ISR",
            "KR": "KOR",
            "DE": "DEU",
            "IN": "IND",
        }[c.code]
    )
    name = factory.LazyAttribute(
        lambda c: {
            "JP": "Japan",
            "FR": "France",
            "US": "United States",
            "AU": "Australia",
            "GB": "United Kingdom",
            "IL": "Israel",
            "KR": "South Korea",
            "DE": "Germany",
            "IN": "India",
        }[c.code]
    )


class InvestmentAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InvestmentArea

    name = factory.Sequence(lambda n: f"Area {n}")
    slug = factory.Sequence(lambda n: f"area-{n}")
    keywords = factory.LazyAttribute(lambda area: [area.name.lower()])


class FirmFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Firm

    name = factory.Sequence(lambda n: f"Firm {n} Industries")
    country = factory.SubFactory(CountryFactory)
    kind = Firm.Kind.PRIVATE


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    name = factory.Sequence(lambda n: f"Contact {n}")
    role = "Director"
    firm = factory.SubFactory(FirmFactory)
    country = factory.SelfAttribute("firm.country")


class PolicyOpeningFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PolicyOpening

    country = factory.SubFactory(CountryFactory)
    title = factory.Sequence(lambda n: f"Policy opening {n}")
    kind = PolicyOpening.Kind.FDI
