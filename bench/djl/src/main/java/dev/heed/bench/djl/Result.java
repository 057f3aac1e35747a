package dev.heed.bench.djl;

/** One measurement; times in seconds per call. */
record Result(
    double median,
    double min,
    double max,
    int iters,
    double cpuUtil,
    double foreignCores,
    double stealCores) {}
