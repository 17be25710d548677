"""WSGI entry point: gunicorn wsgi:app"""

from demo import create_app

app = create_app()
