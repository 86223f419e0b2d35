package io.hypergrad.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.hypergrad.cli.Hypergrad;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * conf/README.md against the key registry: every group documented with exactly its keys and the
 * registered defaults, and every job's groups as the registry has them — so docs and code cannot
 * drift. And the registry as the jobs apply it: a key of a job's groups is accepted, any other refused.
 */
class ConfigKeysDocumentationTest {
  private static final Pattern GROUP_HEADING = Pattern.compile("^### `([a-z-]+)`");
  private static final Pattern FIRST_CELL_KEY = Pattern.compile("^\\| `([^`]+)` \\|");

  private static List<String> readme() throws Exception {
    return Files.readAllLines(Path.of("../conf/README.md"), StandardCharsets.UTF_8);
  }

  /** Group name → {key → default cell}, from the "### `group`" sections' tables. */
  private static Map<String, Map<String, String>> documentedGroups(List<String> lines) {
    Map<String, Map<String, String>> out = new LinkedHashMap<>();
    String group = null;
    for (String line : lines) {
      Matcher h = GROUP_HEADING.matcher(line);
      if (h.find()) {
        group = h.group(1);
        assertTrue(out.put(group, new LinkedHashMap<>()) == null, "group " + group + " documented twice");
        continue;
      }
      if (line.startsWith("## ")) {
        group = null;
      }
      Matcher k = FIRST_CELL_KEY.matcher(line);
      if (group != null && k.find()) {
        String[] cells = line.split("\\|");
        String defaultCell = cells[cells.length - 2].trim();
        if (cells.length == 6) {
          defaultCell = cells[3].trim(); // key | methods | default | meaning
        } else {
          defaultCell = cells[2].trim();
        }
        assertTrue(out.get(group).put(k.group(1), defaultCell) == null, "key " + k.group(1) + " documented twice in " + group);
      }
    }
    return out;
  }

  @Test
  void everyGroupIsDocumentedWithExactlyItsKeysAndDefaults() throws Exception {
    Map<String, Map<String, String>> documented = documentedGroups(readme());
    Set<String> registered = new TreeSet<>();
    for (ConfigKeys.Group g : ConfigKeys.Group.values()) {
      String name = ConfigKeys.documentedName(g);
      registered.add(name);
      Map<String, String> docKeys = documented.get(name);
      if (docKeys == null) {
        fail("group " + name + " is not documented in conf/README.md");
      }
      Set<String> inCode = new TreeSet<>();
      g.keys().forEach(key -> inCode.add(key.name()));
      assertEquals(inCode, new TreeSet<>(docKeys.keySet()), "keys of group " + name);
      for (ConfigKeys.Key key : g.keys()) {
        if (key.defaultValue() != null) {
          assertDefault(key, docKeys.get(key.name()));
        }
      }
    }
    assertEquals(registered, new TreeSet<>(documented.keySet()), "documented groups");
    Set<String> all = new LinkedHashSet<>();
    documented.values().forEach(m -> all.addAll(m.keySet()));
    assertEquals(new TreeSet<>(ConfigKeys.all()), new TreeSet<>(all), "every key");
  }

  private static void assertDefault(ConfigKeys.Key key, String cell) {
    String text = cell.replace("`", "").trim();
    Object value = key.defaultValue();
    if (value instanceof Number n) {
      assertEquals(n.doubleValue(), Double.parseDouble(text), 0.0, "default of " + key.name() + ": '" + cell + "'");
    } else {
      assertEquals(String.valueOf(value), text, "default of " + key.name());
    }
  }

  @Test
  void everyJobTakesTheGroupsTheDocsSay() throws Exception {
    Pattern jobRow = Pattern.compile("^\\| (`[a-z]+`(?:, `[a-z]+`)*) \\| (`[a-z-]+`(?:, `[a-z-]+`)*) \\|$");
    Map<String, Set<String>> documented = new LinkedHashMap<>();
    for (String line : readme()) {
      Matcher m = jobRow.matcher(line);
      if (m.find()) {
        Set<String> groups = new TreeSet<>();
        for (String g : m.group(2).split(", ")) {
          groups.add(g.replace("`", ""));
        }
        for (String job : m.group(1).split(", ")) {
          documented.put(job.replace("`", ""), groups);
        }
      }
    }
    for (ConfigKeys.Job job : ConfigKeys.Job.values()) {
      Set<String> inCode = new TreeSet<>();
      job.groups().forEach(g -> inCode.add(ConfigKeys.documentedName(g)));
      assertEquals(inCode, documented.get(job.commandName()), "groups of " + job.commandName());
    }
    assertEquals(ConfigKeys.Job.values().length, documented.size(), "documented jobs: " + documented.keySet());
  }

  @TempDir
  Path dir;

  /** problem.seed is read by every GLM job (problem.lambda_std's noise); a synthetic key means nothing to influence. */
  @Test
  void aKeyOfAJobsGroupsIsAcceptedAndAnyOtherRefusedWithItsFile() throws Exception {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream old = System.err;
    List<String> args = new ArrayList<>(List.of("influence", "--conf", "../conf/influence-adult.conf", "--set",
        "problem.size=10", "--out", dir.resolve("x").toString()));
    int code;
    try {
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      code = Hypergrad.execute(args.toArray(new String[0]));
    } finally {
      System.setErr(old);
    }
    assertEquals(1, code);
    String message = err.toString(StandardCharsets.UTF_8);
    assertTrue(message.contains("--set problem.size=10") && message.contains("unknown config key 'problem.size'"), message);
    for (ConfigKeys.Job job : List.of(ConfigKeys.Job.ESTIMATE, ConfigKeys.Job.INFLUENCE, ConfigKeys.Job.HPO)) {
      assertTrue(job.keys().contains("problem.seed"), job + " takes problem.seed");
    }
    assertTrue(!ConfigKeys.Job.INFLUENCE.keys().contains("threads") && !ConfigKeys.Job.PREPARE.keys().contains("data.prepared"));
  }
}
