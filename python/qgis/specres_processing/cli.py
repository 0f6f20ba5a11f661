"""Running specres-cli for an algorithm: its progress lines become QGIS progress, QGIS's cancel
becomes the CLI's Ctrl-C (which removes its partial outputs), its error becomes the algorithm's.

The CLI, not the module, runs the work so that the outputs are the CLI's to the bit and a failure
deep in the core can never take QGIS down with it."""

import os
import re
import shutil
import signal
import subprocess
import threading
import time

from qgis.core import QgsProcessingException

PROGRESS = re.compile(r"^\s*(\d{1,3})%\s+(.*?)\s*(\([\d.]+ s\))?\s*$")


def cli_path():
    """SPECRES_CLI, else specres-cli on PATH, else the package's /usr/bin/specres-cli."""
    for candidate in (os.environ.get("SPECRES_CLI"), shutil.which("specres-cli"),
                      "/usr/bin/specres-cli"):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    raise QgsProcessingException(
        "specres-cli was not found: install the specres package, or set SPECRES_CLI to the "
        "program's path")


def run(args, feedback, command):
    """Runs `specres-cli COMMAND ARGS…`; returns its standard output. Raises
    QgsProcessingException with the CLI's message on failure or cancel."""
    argv = [cli_path(), command, *[str(a) for a in args]]
    feedback.pushCommandInfo(" ".join(argv))
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               bufsize=1)
    errors = []

    def read_stderr():
        for line in process.stderr:
            line = line.rstrip("\n")
            match = PROGRESS.match(line)
            if match:
                feedback.setProgress(min(100, int(match.group(1))))
                feedback.setProgressText(match.group(2))
            elif line:
                errors.append(line)
                if line.startswith(("warning:", "note:")):
                    feedback.pushWarning(line)

    reader = threading.Thread(target=read_stderr, daemon=True)
    reader.start()
    out = []
    out_reader = threading.Thread(target=lambda: out.extend(process.stdout), daemon=True)
    out_reader.start()
    cancelled = False
    while process.poll() is None:
        if feedback.isCanceled() and not cancelled:
            cancelled = True
            process.send_signal(signal.SIGINT)  # the CLI stops and removes its partial files
        time.sleep(0.05)
    reader.join()
    out_reader.join()
    stdout = "".join(out)
    for line in stdout.splitlines():
        feedback.pushInfo(line)
    if cancelled:
        raise QgsProcessingException(f"specres-cli {command}: cancelled by the user")
    if process.returncode != 0:
        message = next((e for e in reversed(errors) if e.startswith("specres-cli")),
                       errors[-1] if errors else f"exit status {process.returncode}")
        raise QgsProcessingException(message)
    return stdout
