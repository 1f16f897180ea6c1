"""One BLAS thread for the whole process.

Every matrix in a forward or backward pass here is small (H ≤ a few hundred) and the time loop calls BLAS
thousands of times: OpenBLAS's own threads then only contend for the same cores, most of all when several
requests or other programs share them (a training run on a busy 2-core machine went 8× faster
single-threaded). It also makes results the same on every machine and in every entry point: a float sum's
order, and so a training run's last digits, can depend on the thread count. The server, `gradflow
experiment` and `gradflow export` call this once at start; `gradflow bench` times both settings.
"""


def single_threaded_blas() -> None:
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="blas")
