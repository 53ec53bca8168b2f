"""llama.cpp's own OpenAI-compatible server, from the prebuilt ``xllamacpp`` wheel, as a process.

``python -m assistant.llm.native --model FILE --alias NAME --port N`` serves the model on
127.0.0.1 until SIGTERM or SIGINT, or until the process that started it dies (killed
outright, that process cannot stop its child: the child stops itself). It is what
:class:`~assistant.llm.LocalModelServer` runs as its child: no compiler is needed
(``xllamacpp`` ships manylinux wheels), the server has
parallel slots with continuous batching, and the product still only talks HTTP to it, as to
any other OpenAI-compatible endpoint.
"""

from __future__ import annotations

import argparse
import os
import signal
import threading
from types import FrameType


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", required=True, help="the GGUF file")
    parser.add_argument("--alias", required=True, help="the model name the server answers to")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--parallel", type=int, default=1, help="slots served at once")
    parser.add_argument("--ctx", type=int, default=8192, help="context tokens per slot")
    parser.add_argument(
        "--cache-ram",
        type=int,
        default=None,
        help="MiB of host memory that keeps prompts evicted from the slots for reuse "
        "(0: off; default: llama.cpp's)",
    )
    args = parser.parse_args(argv)

    import xllamacpp  # deferred: a 100 MB native library, only in the server process

    params = xllamacpp.CommonParams()
    params.model.path = args.model
    params.model_alias = {args.alias}
    params.hostnames = ["127.0.0.1"]
    params.port = args.port
    params.n_parallel = args.parallel
    params.cont_batching = True
    params.n_ctx = args.ctx * args.parallel  # the context is shared among the slots
    params.cpuparams.n_threads = args.threads
    params.cpuparams_batch.n_threads = args.threads
    if args.cache_ram is not None:
        params.cache_ram_mib = args.cache_ram

    stop = threading.Event()

    def _stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    parent = os.getppid()  # a parent killed outright never sends SIGTERM: its death stops us
    try:
        server = xllamacpp.Server(params)
    except Exception as exc:  # the library's own message names what failed
        raise SystemExit(f"llama.cpp could not serve {args.model}: {exc}") from None
    while not stop.wait(0.5):
        if os.getppid() != parent:
            break
    del server  # joins the server's threads and frees the model


if __name__ == "__main__":
    main()
