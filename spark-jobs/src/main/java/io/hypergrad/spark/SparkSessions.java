package io.hypergrad.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * The one SparkSession of a job. Under spark-submit the master comes from its configuration;
 * run by bin/hypergrad (or a test) it is an embedded {@code local[*]} (or {@code -Dspark.master}),
 * bound to the loopback address (these machines' host name does not resolve to it) with the UI off.
 */
public final class SparkSessions {
  private SparkSessions() {}

  public static synchronized SparkSession get() {
    SparkConf conf = new SparkConf();
    SparkSession.Builder builder = SparkSession.builder().appName("hypergrad");
    if (!conf.contains("spark.master")) {
      builder.master("local[*]");
    }
    if (conf.get("spark.master", "local[*]").startsWith("local")) {
      builder.config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
          .config("spark.ui.enabled", "false");
    }
    return builder.config("spark.sql.shuffle.partitions", "8").getOrCreate();
  }

  /** The session's Hadoop configuration (core-site.xml and the job's spark.hadoop.* settings), for paths on any file system. */
  public static org.apache.hadoop.conf.Configuration hadoopConfiguration() {
    return get().sparkContext().hadoopConfiguration();
  }

  /** The session's context, for RDDs and broadcasts. */
  public static JavaSparkContext context() {
    return JavaSparkContext.fromSparkContext(get().sparkContext());
  }
}
