package io.sparkxent.job;

import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.io.TempDir;

/** The publish protocol on the local file system (HDFS: {@link HdfsTest}). */
class RunPublisherTest extends PublishProtocolContract {
  private static final Configuration HADOOP = new Configuration();

  @TempDir
  Path local;

  @Override
  org.apache.hadoop.fs.Path root() {
    return new org.apache.hadoop.fs.Path(local.toUri().toString());
  }

  @Override
  Configuration hadoop() {
    return HADOOP;
  }
}
