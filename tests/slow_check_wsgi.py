"""gunicorn entry point for the sign-in race test: the app with a password check that takes 0.1 s (as a real password
hash would), so attempts racing on several workers overlap between being counted and being recorded."""

import time

from demo import create_app
from demo.console import views

fast_check = views.password_matches


def slow_check(candidate: str) -> bool:
    time.sleep(0.1)
    return fast_check(candidate)


views.password_matches = slow_check
app = create_app()
