"""Static files and responses on the wire: versioned static URLs cached for a year, compression for text."""

import os

from flask import Flask, Response, request
from flask_compress import Compress

YEAR = 365 * 24 * 3600
compress = Compress()


def init_app(app: Flask) -> None:
    """url_for('static', ...) gains ?v=<mtime-size>, so a changed file gets a new URL and old ones can be cached."""
    app.config["SEND_FILE_MAX_AGE_DEFAULT"] = YEAR
    compress.init_app(app)

    @app.url_defaults
    def version_static_urls(endpoint: str, values: dict) -> None:
        if endpoint == "static" and "filename" in values:
            stat = os.stat(os.path.join(app.static_folder, values["filename"]))
            values["v"] = f"{int(stat.st_mtime):x}{stat.st_size:x}"

    @app.after_request  # registered after Compress, so it runs before it: hand Compress a buffered body
    def buffer_static_files(response: Response) -> Response:
        """Static files stream by default; Compress would then skip gzip and leave the file open. They are small."""
        if request.endpoint == "static" and response.status_code == 200:
            response.direct_passthrough = False
            response.make_sequence()
        return response
