from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_schedules(**kwargs):
    from notifications.schedules import Schedule, sync_schedules

    # Every 5 minutes, day and night: attempts whose time ran out without a submission are scored.
    sync_schedules(
        [
            Schedule(
                name="quiz-expire-attempts",
                task="quiz.tasks.attempts_expire_task",
                minute="*/5",
                hour="*",
                description="每 5 分钟为超时未交卷的答题评分 / every 5 minutes: score timed-out attempts",
            )
        ]
    )


class QuizConfig(AppConfig):
    name = "quiz"
    verbose_name = _("Knowledge contests")

    def ready(self):
        from members.registry import NavItem, register_demo_seeder, register_nav_item, register_personal_data_section

        from . import demo, personal_data

        register_nav_item(
            NavItem(
                "quiz",
                _("Knowledge contests"),
                "quiz:list",
                lambda scope, user: bool(scope.member_id or scope.roles),
                26,
            )
        )
        register_personal_data_section("quiz_attempts", _("Knowledge contest attempts"), personal_data.attempt_rows, 26)
        register_demo_seeder(demo.seed, order=26)
        post_migrate.connect(_sync_schedules, sender=self, dispatch_uid="quiz-schedules")
