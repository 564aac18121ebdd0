"""Forget stale connection counts before the (only) server starts serving: `make run` calls it."""
from django.core.management.base import BaseCommand

from classroom.services.presence import presence_reset


class Command(BaseCommand):
    help = "Mark everyone as disconnected (run before starting the single embedded server)."

    def handle(self, *args, **options):
        self.stdout.write(f"presence reset: {presence_reset()} open connection(s) closed")
