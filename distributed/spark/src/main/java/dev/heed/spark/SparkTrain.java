package dev.heed.spark;

import java.io.PrintWriter;

/**
 * The {@code spark-submit} main class: {@code spark-submit --class dev.heed.spark.SparkTrain …
 * heed-spark.jar CONFIG --out DIR [--set KEY=VALUE]…} trains CONFIG on the cluster that {@code
 * spark-submit} names, with the arguments of {@link SparkTool}.
 */
public final class SparkTrain {
  private SparkTrain() {}

  /** Runs {@link SparkTool} and exits with its status. */
  public static void main(String[] args) {
    int status =
        new SparkTool()
            .run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    System.exit(status);
  }
}
