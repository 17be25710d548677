"""A requests transport that hands requests to a WSGI app in process, through werkzeug's test client.

The demo's sandbox lives in the same app as the merchant. Calling it over a socket would block a single-worker
server on itself; this adapter runs the nested request directly instead (in a thread, so the read timeout still
applies and a slow sandbox looks exactly like a slow KakaoPay).
"""

from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from urllib.parse import urlsplit

import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict
from werkzeug.test import Client

calls = ThreadPoolExecutor(max_workers=16, thread_name_prefix="in-process-http")


class WSGIAdapter(BaseAdapter):
    def __init__(self, wsgi_app):
        super().__init__()
        self.wsgi_app = wsgi_app

    def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):
        read_timeout = timeout[1] if isinstance(timeout, tuple) else timeout
        # Nothing crosses a wire here: ask for an uncompressed body, as the raw bytes become the response content.
        headers = {name: value for name, value in request.headers.items() if name.lower() != "accept-encoding"}
        client = Client(self.wsgi_app)
        url = urlsplit(request.url)  # keep scheme and host:port: the nested request sees the same site as the caller
        call = calls.submit(
            client.open,
            url.path,
            base_url=f"{url.scheme}://{url.netloc}",
            query_string=url.query,
            method=request.method,
            headers=headers,
            data=request.body,
        )
        try:
            wsgi_response = call.result(timeout=read_timeout)
        except FutureTimeout as error:
            raise requests.exceptions.ReadTimeout(
                f"in-process call to {request.url} timed out", request=request
            ) from error
        except Exception as error:  # the nested app crashed: to the client it is a broken connection
            raise requests.exceptions.ConnectionError(str(error), request=request) from error
        return self.build_response(request, wsgi_response)

    @staticmethod
    def build_response(request, wsgi_response) -> requests.Response:
        response = requests.Response()
        response.status_code = wsgi_response.status_code
        response.headers = CaseInsensitiveDict(wsgi_response.headers.items())
        response._content = wsgi_response.get_data()
        response.encoding = wsgi_response.mimetype_params.get("charset", "utf-8")
        response.url = request.url
        response.request = request
        response.reason = wsgi_response.status.partition(" ")[2]
        return response

    def close(self) -> None:
        pass
