"""What classroom announces to the apps built on it; classroom knows nothing of who listens.

Receivers are connected in the listening app's `AppConfig.ready()` and run inside the sender's
transaction, so what they write commits or rolls back with the change that caused it.
"""
from django.dispatch import Signal

# A person took a seat in `team` (they joined, or the facilitator moved them there) while its session
# runs. Sent with sender=Team and team=<the team>. game gives a team new to the open round its package.
team_joined_while_running = Signal()
