"""`python -m demo.serve`: serve the demo on the LAN with gunicorn, printing its URLs, a QR code of the LAN URL, and
the merchant console's password with a one-click sign-in link.

PUBLIC_BASE_URL (used for the platforms' callback URLs and the sandboxes' QR codes) defaults to the LAN URL, so a phone
on the same Wi-Fi can open the site and scan its QR codes.
"""

import os
import socket
import sys
from pathlib import Path

import segno
from dotenv import load_dotenv

from .config import Config, lan_address, persistent_admin_password, persistent_merchant_api_key, persistent_secret_key
from .console.auth import sign_in_token

INSTANCE = Path(__file__).resolve().parent.parent / "instance"


def console_credentials() -> tuple[str, str]:
    """(password, sign-in token): the same secrets the workers read (environment, else instance/ files)."""
    INSTANCE.mkdir(exist_ok=True)
    secret_key = os.environ.get("SECRET_KEY") or persistent_secret_key(str(INSTANCE))
    password = os.environ.get("ADMIN_PASSWORD") or persistent_admin_password(str(INSTANCE))
    return password, sign_in_token(secret_key, password)


def port_is_free(port: int, host: str = "0.0.0.0") -> bool:
    """True when a server could listen on host:port now (SO_REUSEADDR, as gunicorn binds)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
        return True


def next_free_port(port: int) -> int | None:
    return next((candidate for candidate in range(port + 1, port + 50) if port_is_free(candidate)), None)


def check_port(port: int) -> None:
    """Stop before printing URLs and a QR code when another program already listens on the port."""
    if port_is_free(port):
        return
    free = next_free_port(port)
    hint = f"PORT={free} ./run.sh" if free else "PORT=<다른 포트> ./run.sh"
    busy = f"포트 {port}은(는) 이미 다른 프로그램이 쓰고 있습니다 (Connection in use)."
    sys.exit(f"\n  {busy}\n  다른 포트로 시작하세요: {hint}\n")


def main() -> None:
    load_dotenv()
    port = int(os.environ.get("PORT", "5000"))
    check_port(port)
    lan_url = f"http://{lan_address()}:{port}"
    os.environ.setdefault("PUBLIC_BASE_URL", lan_url)
    password, token = console_credentials()
    minutes = Config.CONSOLE_LINK_MAX_AGE // 60
    print(f"\n  Strada Pay 데모\n  이 컴퓨터:  http://localhost:{port}\n  같은 Wi-Fi: {lan_url}")
    print(f"  PUBLIC_BASE_URL={os.environ['PUBLIC_BASE_URL']}\n")
    print(f"  판매자 콘솔 비밀번호: {password}")
    print(f"  원클릭 로그인 ({minutes}분 동안 유효): http://localhost:{port}/console/login?token={token}")
    merchant_key = os.environ.get("MERCHANT_API_KEY") or persistent_merchant_api_key(str(INSTANCE))
    print(f"  판매자 API 키 (/api/v1, 문서 http://localhost:{port}/api/v1/docs): {merchant_key}\n")
    segno.make(lan_url, error="l").terminal(compact=True)
    print()
    sys.stdout.flush()
    workers = os.environ.get("WEB_CONCURRENCY", "2")
    args = ["gunicorn", "--bind", f"0.0.0.0:{port}", "--workers", workers, "--threads", "4", "wsgi:app"]
    os.execvp(sys.executable, [sys.executable, "-m", *args])


if __name__ == "__main__":
    main()
