"""Static files and responses on the wire: versioned static URLs cached for a year, compression for text."""

import os

from flask import Flask, Response, has_request_context, request, url_for
from flask_compress import Compress

YEAR = 365 * 24 * 3600
# Bodies smaller than one TCP segment gain nothing from compression on the wire, only the work of compressing.
COMPRESS_MIN_SIZE = 1400
# Brotli quality 1 compresses a page about 3× faster than flask-compress's default 4, for ~12% more bytes.
COMPRESS_BR_LEVEL = 1
compress = Compress()


def static_versions(folder: str) -> dict[str, str]:
    """Every file under the static folder (as url_for names it) → '<mtime><size>' in hex, read once at start-up."""
    versions = {}
    for directory, _, files in os.walk(folder):
        for name in files:
            path = os.path.join(directory, name)
            stat = os.stat(path)
            filename = os.path.relpath(path, folder).replace(os.sep, "/")
            versions[filename] = f"{int(stat.st_mtime):x}{stat.st_size:x}"
    return versions


def init_app(app: Flask) -> None:
    """url_for('static', ...) gains ?v=<mtime-size>, so a changed file gets a new URL and old ones can be cached.
    The versions are read at start-up (a deploy restarts the workers); a file added later is linked unversioned."""
    app.config["SEND_FILE_MAX_AGE_DEFAULT"] = YEAR
    app.config.setdefault("COMPRESS_MIN_SIZE", COMPRESS_MIN_SIZE)
    app.config.setdefault("COMPRESS_BR_LEVEL", COMPRESS_BR_LEVEL)
    compress.init_app(app)
    versions = static_versions(app.static_folder)

    @app.url_defaults
    def version_static_urls(endpoint: str, values: dict) -> None:
        if endpoint == "static" and (version := versions.get(values.get("filename"))):
            values["v"] = version

    static_urls: dict[tuple[str, str], str] = {}

    def template_url_for(endpoint: str, **values) -> str:
        """Templates' url_for: a static file's URL is built once per file (it only changes with a restart)."""
        if endpoint != "static" or values.keys() != {"filename"} or not has_request_context():
            return url_for(endpoint, **values)
        key = (request.script_root, values["filename"])
        if key not in static_urls:
            static_urls[key] = url_for(endpoint, **values)
        return static_urls[key]

    app.jinja_env.globals["url_for"] = template_url_for

    @app.after_request  # registered after Compress, so it runs before it: hand Compress a buffered body
    def buffer_static_files(response: Response) -> Response:
        """Static files stream by default; Compress would then skip gzip and leave the file open. They are small."""
        if request.endpoint == "static" and response.status_code == 200:
            response.direct_passthrough = False
            response.make_sequence()
        return response
