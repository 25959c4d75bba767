"""The generated hostile corpus (tests/hostile_corpus.py, issue 15) through the CLI, each case in a child
process under two hang guards — a timeout and an address-space cap (RLIMIT_AS). The guards are generous and
are not timings: a case passes on its exit code and its message, and the guards only turn an abort, a hang or
runaway memory into a failure with a name instead of a stuck or killed test run.

Each case runs in a forked child of this test process (the library is imported once, so the corpus costs what
its cases cost, not 60 interpreter starts); its death by a signal, a timeout or a traceback fails the case.
A few cases also run through ``python -m screening.cli`` in a fresh interpreter, the way a user runs it.
"""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import time
import traceback
from pathlib import Path

import pytest
from hostile_corpus import Case, cases

GUARD_TIMEOUT_S = 120  # hang guard (not a timing): a case still running then is killed and fails
GUARD_ADDRESS_SPACE = 4 << 30  # memory guard: 4 GB of address space, as in the issue's own run

CASES = cases()
ROOT = Path(__file__).resolve().parents[1]


def _address_space_now() -> int:
    """This process's virtual memory size in bytes (Linux /proc), 0 where it cannot be read."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _child(argv: list[str], limits: dict[str, float], out: Path, err: Path) -> None:
    """In the forked child: cap the address space, set the limits, run the CLI, exit with its code.

    The cap is the case's own room: 4 GB on top of what the forked test worker already maps (a worker that
    ran the 100k-row app tests before maps far more than a fresh interpreter, and the fork inherits it)."""
    try:
        cap = _address_space_now() + GUARD_ADDRESS_SPACE
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
        for name, value in limits.items():
            os.environ[f"SCREENING_LIMIT_{name}"] = str(value)
        fo, fe = open(out, "w", encoding="utf-8"), open(err, "w", encoding="utf-8")  # noqa: SIM115
        os.dup2(fo.fileno(), 1)
        os.dup2(fe.fileno(), 2)
        sys.stdout, sys.stderr = fo, fe
        from screening.cli import app

        code = 0
        try:
            app(argv, prog_name="screening", standalone_mode=True)
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        except BaseException:  # noqa: BLE001 - what the user would see: a traceback
            traceback.print_exc()
            code = 97
        fo.flush()
        fe.flush()
    except BaseException:  # noqa: BLE001
        code = 98
    os._exit(code)


def run_guarded(argv: list[str], limits: dict[str, float], folder: Path) -> tuple[int, str, str]:
    out, err = folder / "_stdout.txt", folder / "_stderr.txt"
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        _child(argv, limits, out, err)
    deadline = time.monotonic() + GUARD_TIMEOUT_S
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            pytest.fail(f"hang guard: still running after {GUARD_TIMEOUT_S} s: {argv}")
        time.sleep(0.02)
    if os.WIFSIGNALED(status):
        pytest.fail(f"the process died (signal {os.WTERMSIG(status)}): {argv}\n{err.read_text()}")
    return os.WEXITSTATUS(status), out.read_text(encoding="utf-8"), err.read_text(encoding="utf-8")


def _assert_outcome(case: Case, folder: Path, code: int, stdout: str, stderr: str) -> None:
    said = stdout + stderr
    assert "Traceback" not in said, said[-3000:]
    assert code == case.code, f"exit {code}, expected {case.code}: {said[-2000:]}"
    for phrase in case.says:
        assert phrase in said, f"{phrase!r} not in: {said[-2000:]}"
    if code != 0 and case.argv0 != "validate":
        lines = [line for line in stderr.splitlines() if line.strip()]
        if code == 1:
            assert len(lines) == 1, stderr  # one line, never a traceback
    if case.check is not None:
        case.check(folder, said)


def test_the_corpus_is_large_and_covers_every_kind() -> None:
    kinds = {c.kind for c in CASES}
    assert len(CASES) >= 40
    assert kinds == {"dies", "unbounded", "traceback", "silent", "decoding", "refused_valid", "round_trip"}
    assert len({c.name for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.kind}-{c.name}")
def test_hostile_case(case: Case, tmp_path: Path) -> None:
    argv = case.build(tmp_path)
    case.argv0 = argv[0]
    code, stdout, stderr = run_guarded(argv, case.limits, tmp_path)
    _assert_outcome(case, tmp_path, code, stdout, stderr)


REAL_PROCESS = ["cell_at_XFD1048576", "criteria_anchor_bomb", "dev_zero_input", "seed_negative"]


def _guards() -> None:  # pragma: no cover - runs in the child before exec
    resource.setrlimit(resource.RLIMIT_AS, (GUARD_ADDRESS_SPACE, GUARD_ADDRESS_SPACE))


@pytest.mark.parametrize("name", REAL_PROCESS)
def test_hostile_case_in_a_fresh_interpreter(name: str, tmp_path: Path) -> None:
    case = next(c for c in CASES if c.name == name)
    argv = case.build(tmp_path)
    case.argv0 = argv[0]
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    env.update({f"SCREENING_LIMIT_{k}": str(v) for k, v in case.limits.items()})
    p = subprocess.run(
        [sys.executable, "-m", "screening.cli", *argv],
        capture_output=True,
        text=True,
        timeout=GUARD_TIMEOUT_S,  # hang guard
        preexec_fn=_guards,  # noqa: PLW1509 - memory guard
        env=env,
        cwd=ROOT,
    )
    assert p.returncode >= 0, f"died by signal {-p.returncode}"
    _assert_outcome(case, tmp_path, p.returncode, p.stdout, p.stderr)
