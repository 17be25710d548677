"""Static files and responses on the wire: versioned static URLs cached for a year, compression for text."""

import os

from flask import Flask, Response, request
from flask_compress import Compress

YEAR = 365 * 24 * 3600
# Bodies smaller than one TCP segment gain nothing from compression on the wire, only the work of compressing.
COMPRESS_MIN_SIZE = 1400
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
    compress.init_app(app)
    versions = static_versions(app.static_folder)

    @app.url_defaults
    def version_static_urls(endpoint: str, values: dict) -> None:
        if endpoint == "static" and (version := versions.get(values.get("filename"))):
            values["v"] = version

    @app.after_request  # registered after Compress, so it runs before it: hand Compress a buffered body
    def buffer_static_files(response: Response) -> Response:
        """Static files stream by default; Compress would then skip gzip and leave the file open. They are small."""
        if request.endpoint == "static" and response.status_code == 200:
            response.direct_passthrough = False
            response.make_sequence()
        return response
