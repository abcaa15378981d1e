from __future__ import annotations

from django.apps import AppConfig

from lib.tasks import enqueue_after_commit


def queue_suggestions(sender, *, statement_ids: list[int], **kwargs) -> None:
    """Receiver of statements' `statement_extracted`: one proposal task per extracted batch,
    enqueued once committed."""
    from .tasks import propose_suggestions  # imports models, so not before apps are ready

    enqueue_after_commit(propose_suggestions, statement_ids)


def queue_watch_matching(sender, *, statement_ids: list[int], **kwargs) -> None:
    """Receiver of `statement_extracted`: the batch's statements matched against watches."""
    from .reminders.tasks import match_watches

    enqueue_after_commit(match_watches, statement_ids)


class OpportunitiesConfig(AppConfig):
    name = "opportunities"
    verbose_name = "Opportunities"

    def ready(self) -> None:
        # statements may not import opportunities, so it signals and we subscribe here.
        from django.contrib.auth import get_user_model
        from django.db.models.signals import post_delete, post_save, pre_delete

        from statements.signals import statement_extracted

        from .money.kept import rate_saved_or_deleted
        from .money.models import ExchangeRate
        from .people import user_deleting

        statement_extracted.connect(queue_suggestions, dispatch_uid="opportunities.suggestions")
        statement_extracted.connect(queue_watch_matching, dispatch_uid="opportunities.watches")
        # Not a rule but the kept rates' invalidation (money/kept.py): whoever writes a rate,
        # the API's converted values must not go on showing the old one.
        for signal in (post_save, post_delete):
            signal.connect(rate_saved_or_deleted, sender=ExchangeRate, dispatch_uid="money.kept")
        # A user deleted outside `people.users_delete` (`user.delete()`, the shell, another
        # app) would take their open follow-ups' tally rows with them (CASCADE): the receiver
        # calls the service's own release first, so one rule covers every delete.
        pre_delete.connect(user_deleting, sender=get_user_model(), dispatch_uid="people.deleting")
