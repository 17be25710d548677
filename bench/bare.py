"""The floor the demo is measured against: a bare Flask app rendering one small Jinja page.

The template is compiled once, at import, as Flask's own template loader caches a template file: a floor that
compiled it on every request (render_template_string) would be slower than any real page and flatter every ratio.
"""

from flask import Flask, render_template

app = Flask(__name__)
PAGE = app.jinja_env.from_string(
    """<!doctype html><html lang="ko"><head><meta charset="utf-8"><title>{{ title }}</title></head>
<body><h1>{{ title }}</h1><p>{{ price }}원</p></body></html>"""
)


@app.get("/")
def index():
    return render_template(PAGE, title="초코파이", price="2,200")
