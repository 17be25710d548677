"""The floor the demo is measured against: a bare Flask app rendering one small Jinja page."""

from flask import Flask, render_template_string

app = Flask(__name__)
PAGE = """<!doctype html><html lang="ko"><head><meta charset="utf-8"><title>{{ title }}</title></head>
<body><h1>{{ title }}</h1><p>{{ price }}원</p></body></html>"""


@app.get("/")
def index():
    return render_template_string(PAGE, title="초코파이", price="2,200")
