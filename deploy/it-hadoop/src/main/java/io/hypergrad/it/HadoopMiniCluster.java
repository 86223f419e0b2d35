package io.hypergrad.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.server.MiniYARNCluster;

/**
 * The integration test's Hadoop: {@code serve DIR} starts a one-DataNode MiniDFSCluster with its
 * storage under DIR, writes DIR/fs.uri (the hdfs:// URI) once it is up, and runs until DIR/stop
 * appears; {@code put LOCAL URI}, {@code get URI LOCAL}, {@code exists URI}, {@code await URI SECONDS} (polls until it exists) and {@code corrupt URI}
 * (one byte of the file flipped, written back whole) are the file operations the test needs,
 * through the Hadoop FileSystem API.
 */
public final class HadoopMiniCluster {
  private HadoopMiniCluster() {}

  public static void main(String[] args) throws Exception {
    switch (args[0]) {
      case "serve" -> serve(Path.of(args[1]));
      case "put" -> {
        org.apache.hadoop.fs.Path to = new org.apache.hadoop.fs.Path(args[2]);
        try (InputStream in = Files.newInputStream(Path.of(args[1]));
            OutputStream out = fs(args[2]).create(to, true)) {
          in.transferTo(out);
        }
      }
      case "get" -> {
        try (InputStream in = fs(args[1]).open(new org.apache.hadoop.fs.Path(args[1]))) {
          Files.copy(in, Path.of(args[2]), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
      }
      case "exists" -> System.exit(fs(args[1]).exists(new org.apache.hadoop.fs.Path(args[1])) ? 0 : 1);
      case "await" -> {
        org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(args[1]);
        FileSystem fs = fs(args[1]);
        long deadline = System.nanoTime() + Long.parseLong(args[2]) * 1_000_000_000L;
        while (!fs.exists(p)) {
          if (System.nanoTime() > deadline) {
            System.err.println(p + " did not appear within " + args[2] + " s");
            System.exit(1);
          }
          Thread.sleep(50);
        }
      }
      case "corrupt" -> {
        org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(args[1]);
        FileSystem fs = fs(args[1]);
        byte[] bytes;
        try (InputStream in = fs.open(p)) {
          bytes = in.readAllBytes();
        }
        bytes[bytes.length / 2] ^= 0x01;
        try (OutputStream out = fs.create(p, true)) {
          out.write(bytes);
        }
      }
      default -> throw new IllegalArgumentException("usage: serve DIR | put LOCAL URI | get URI LOCAL | exists URI | "
          + "corrupt URI");
    }
  }

  private static FileSystem fs(String uri) throws IOException {
    return new org.apache.hadoop.fs.Path(uri).getFileSystem(new Configuration());
  }

  private static void serve(Path dir) throws Exception {
    Files.createDirectories(dir);
    Configuration conf = new Configuration();
    conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, dir.resolve("dfs").toString());
    MiniDFSCluster dfs = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
    dfs.waitActive();
    String uri = dfs.getFileSystem().getUri().toString();
    System.out.println("HDFS at " + uri);

    // YARN on that HDFS: one ResourceManager, two NodeManagers (containers are real processes)
    Configuration yarnConf = new YarnConfiguration(conf);
    yarnConf.set("fs.defaultFS", uri);
    // the capacity scheduler's queue configuration does not load from the shaded minicluster jar
    yarnConf.set(YarnConfiguration.RM_SCHEDULER, "org.apache.hadoop.yarn.server.resourcemanager.scheduler.fifo.FifoScheduler");
    yarnConf.setInt(YarnConfiguration.NM_PMEM_MB, 3072);
    yarnConf.setInt(YarnConfiguration.NM_VCORES, 2);
    yarnConf.setInt(YarnConfiguration.RM_SCHEDULER_MINIMUM_ALLOCATION_MB, 128);
    yarnConf.setBoolean(YarnConfiguration.NM_PMEM_CHECK_ENABLED, false);
    yarnConf.setBoolean(YarnConfiguration.NM_VMEM_CHECK_ENABLED, false);
    yarnConf.set("yarn.nodemanager.disk-health-checker.max-disk-utilization-per-disk-percentage", "99.5");
    MiniYARNCluster yarn = new MiniYARNCluster("hypergrad-it", 2, 1, 1);
    yarn.init(yarnConf);
    yarn.start();
    Configuration live = yarn.getConfig();
    // the RM's address is known once it runs: wait for it to leave port 0
    for (int i = 0; i < 600 && live.get(YarnConfiguration.RM_ADDRESS, "").endsWith(":0"); i++) {
      Thread.sleep(50);
    }
    System.out.println("YARN ResourceManager at " + live.get(YarnConfiguration.RM_ADDRESS));

    // the client side's HADOOP_CONF_DIR: core-site.xml names HDFS, yarn-site.xml the ResourceManager
    Path confDir = dir.resolve("conf");
    Files.createDirectories(confDir);
    Configuration core = new Configuration(false);
    core.set("fs.defaultFS", uri);
    writeXml(core, confDir.resolve("core-site.xml"));
    Configuration site = new Configuration(false);
    for (String key : new String[] {YarnConfiguration.RM_ADDRESS, YarnConfiguration.RM_SCHEDULER_ADDRESS,
        YarnConfiguration.RM_RESOURCE_TRACKER_ADDRESS, YarnConfiguration.RM_ADMIN_ADDRESS,
        YarnConfiguration.RM_WEBAPP_ADDRESS, YarnConfiguration.RM_SCHEDULER, YarnConfiguration.NM_PMEM_CHECK_ENABLED,
        YarnConfiguration.NM_VMEM_CHECK_ENABLED, YarnConfiguration.RM_SCHEDULER_MINIMUM_ALLOCATION_MB}) {
      site.set(key, live.get(key));
    }
    writeXml(site, confDir.resolve("yarn-site.xml"));

    Path tmp = dir.resolve("fs.uri.tmp");
    Files.writeString(tmp, uri + "\n", StandardCharsets.UTF_8);
    Files.move(tmp, dir.resolve("fs.uri"), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    while (!Files.exists(dir.resolve("stop"))) {
      Thread.sleep(200);
    }
    yarn.stop();
    dfs.shutdown();
  }

  private static void writeXml(Configuration conf, Path file) throws IOException {
    try (OutputStream out = Files.newOutputStream(file)) {
      conf.writeXml(out);
    }
  }
}
