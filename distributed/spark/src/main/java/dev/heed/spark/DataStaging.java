package dev.heed.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Data files on any filesystem Spark reaches through Hadoop ({@code hdfs://}, {@code s3a://},
 * {@code file://} …): a config whose {@code data.path} is such a URI gets its file copied to a
 * local temporary directory on the driver (which counts, splits and validates the rows) and shipped
 * to every executor with {@link JavaSparkContext#addFile} (each executor then opens its own local
 * copy, {@link org.apache.spark.SparkFiles#get}). A plain path stays as it is and must be readable
 * at the same path on every executor.
 */
final class DataStaging {
  private DataStaging() {}

  /**
   * The {@code data.path} of the config file and its overrides when it is a URI with a scheme, else
   * empty.
   */
  static Optional<URI> remotePath(Path config, List<String> overrides) throws IOException {
    String path = null;
    for (String o : overrides) {
      if (o.startsWith("data.path=")) {
        path = o.substring("data.path=".length());
      }
    }
    if (path == null) {
      JsonNode tree = new YAMLMapper().readTree(config.toFile());
      JsonNode p = tree == null ? null : tree.path("data").get("path");
      path = p == null || !p.isTextual() ? null : p.asText();
    }
    if (path == null || !path.matches("[A-Za-z][A-Za-z0-9+.-]+://.*")) {
      return Optional.empty();
    }
    try {
      return Optional.of(new URI(path));
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          config + ": data.path: '" + path + "' is not a valid URI: " + e.getMessage());
    }
  }

  /** Copies {@code remote} into a new temporary directory on this machine; returns the copy. */
  static Path fetch(JavaSparkContext spark, URI remote) throws IOException {
    Configuration hadoop = spark.hadoopConfiguration();
    org.apache.hadoop.fs.Path source = new org.apache.hadoop.fs.Path(remote);
    Path dir = Files.createTempDirectory("heed-spark-data");
    Path local = dir.resolve(source.getName());
    // the raw local filesystem: no .crc file beside the copy
    source
        .getFileSystem(hadoop)
        .copyToLocalFile(false, source, new org.apache.hadoop.fs.Path(local.toUri()), true);
    return local;
  }
}
