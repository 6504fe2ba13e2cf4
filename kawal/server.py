"""Runs Kawal under gunicorn, for `kawal serve` and `kawal demo`."""

import threading

from gunicorn.app.base import BaseApplication


class _Gunicorn(BaseApplication):
    def __init__(self, options: dict):
        self.options = options
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        from kawal.wsgi import application

        return application


def _fold_tallies_in_background(worker) -> None:
    """Each worker folds the command center's tallies beside its requests (tallies.py), so
    that the pages, which only read them, stay fast on election night."""
    from kawal.command import tallies

    threading.Thread(
        target=tallies.keep_compact, args=(tallies.COMPACT_EVERY,), name="fold-tallies", daemon=True
    ).start()


def _take_checkpoints_in_background() -> None:
    """Each worker signs the custody log's head when a checkpoint falls due (checkpoints.py):
    a few minutes after events arrive, and at each stage's end. The log's lock lets one
    worker sign and the others find it done."""
    from kawal.custody import checkpoints

    threading.Thread(target=checkpoints.keep_taking, name="checkpoints", daemon=True).start()


def _background(worker) -> None:
    _fold_tallies_in_background(worker)
    _take_checkpoints_in_background()


def run(bind: str, workers: int = 2, threads: int = 4) -> None:
    _Gunicorn(
        {
            "bind": bind,
            "workers": workers,
            "threads": threads,
            "worker_class": "gthread",
            # A listening socket per worker, the kernel spreading connections over them:
            # with one shared socket, the keep-alive connections of many field devices
            # mostly land on whichever worker accepts first, and stay there.
            "reuse_port": True,
            "accesslog": "-",
            "timeout": 60,
            "post_worker_init": _background,
        }
    ).run()
