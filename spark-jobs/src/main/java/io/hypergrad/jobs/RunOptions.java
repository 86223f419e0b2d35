package io.hypergrad.jobs;

import java.io.File;
import java.nio.file.Path;
import java.util.List;

/**
 * What the command line gives every job: the config file, its {@code --set} overrides, the output
 * directory and whether an existing one may be replaced.
 */
public record RunOptions(File conf, List<String> sets, Path out, boolean overwrite) {}
