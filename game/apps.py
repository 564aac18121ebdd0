from django.apps import AppConfig


class GameConfig(AppConfig):
    name = "game"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        """game builds on classroom: it listens to what classroom announces (classroom/signals.py) and
        tells HR's reports how far each session's play went and the times of its rounds."""
        from classroom.reports import report_round_facts_register, report_session_play_register
        from classroom.signals import team_joined_while_running
        from game.report_facts import round_facts
        from game.selectors import session_play
        from game.services.rounds import team_prepare_for_open_round

        def prepare_team(sender, team, **kwargs):
            team_prepare_for_open_round(team=team)

        team_joined_while_running.connect(prepare_team, weak=False, dispatch_uid="game.prepare_team_for_open_round")
        report_session_play_register(figures=session_play)
        report_round_facts_register(facts=round_facts)
