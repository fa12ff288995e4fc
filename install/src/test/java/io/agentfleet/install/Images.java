package io.agentfleet.install;

import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.JibContainerBuilder;
import com.google.cloud.tools.jib.api.TarImage;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import com.google.cloud.tools.jib.api.buildplan.FilePermissions;
import com.google.cloud.tools.jib.api.buildplan.Port;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The operator and worker images, built with Jib's library into docker-load tarballs: no Docker
 * engine, no registry. Nothing can be pulled here, so the base is {@code scratch} and the layers
 * are made from what the build machine has: a JRE jlinked from the JDK running the build, the C
 * libraries it and the application's native code link against (found with ldd), a passwd file with
 * the numeric non-root user, and the application as built (operator: the Quarkus fast-jar layout,
 * dependencies first; worker: its runnable jar). The same shape as operator/Dockerfile and
 * worker/Dockerfile, which stay for builds with a registry.
 */
final class Images {

  static final String UID = "10001";
  static final String VERSION = "0.1.0";

  record Image(String name, Path tarball, List<String> entrypoint, Set<Integer> ports) {}

  private Images() {}

  static Path out() {
    return Path.of("target/images").toAbsolutePath();
  }

  static Image operator() throws Exception {
    Path app = RenderedOperator.jar().getParent();
    List<String> entrypoint =
        List.of("/opt/java/bin/java", "-XX:MaxRAMPercentage=75", "-jar", "/app/quarkus-run.jar");
    JibContainerBuilder image =
        base("agentfleet-operator", List.of())
            .addFileEntriesLayer(tree("dependencies", app.resolve("lib"), "/app/lib"))
            .addFileEntriesLayer(tree("quarkus", app.resolve("quarkus"), "/app/quarkus"))
            .addFileEntriesLayer(
                layer("application")
                    .addEntry(
                        app.resolve("quarkus-run.jar"),
                        AbsoluteUnixPath.get("/app/quarkus-run.jar"))
                    .build())
            .addFileEntriesLayer(tree("application-classes", app.resolve("app"), "/app/app"))
            .setEntrypoint(entrypoint)
            .setExposedPorts(Port.tcp(8080));
    return write(
        "ghcr.io/agentfleet/agentfleet-operator:" + VERSION, image, entrypoint, Set.of(8080));
  }

  static Image worker() throws Exception {
    Path jar =
        Path.of(
            System.getProperty(
                "agentfleet.worker.jar",
                "../worker/target/agentfleet-worker-0.1.0-SNAPSHOT-runnable.jar"));
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          "no worker jar at " + jar.toAbsolutePath() + ": package worker first");
    }
    List<String> entrypoint =
        List.of("/opt/java/bin/java", "-XX:MaxRAMPercentage=75", "-jar", "/app/worker.jar");
    JibContainerBuilder image =
        base("agentfleet-worker", nativeLibraries(jar))
            .addFileEntriesLayer(
                layer("application").addEntry(jar, AbsoluteUnixPath.get("/app/worker.jar")).build())
            .setEntrypoint(entrypoint)
            // exec form, so java is PID 1 and gets the SIGTERM that starts a drain
            .setProgramArguments("start")
            .setExposedPorts(Port.tcp(8081));
    return write(
        "ghcr.io/agentfleet/agentfleet-worker:" + VERSION, image, entrypoint, Set.of(8081));
  }

  /** scratch + JRE + the C libraries + passwd + /tmp; user, env, labels. */
  private static JibContainerBuilder base(String title, List<Path> moreLibraries) throws Exception {
    Path jre = jre();
    Set<Path> libraries = new LinkedHashSet<>();
    try (var files = Files.walk(jre)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        if (f.toString().endsWith(".so") || f.getParent().getFileName().toString().equals("bin")) {
          libraries.addAll(ldd(f));
        }
      }
    }
    for (Path lib : moreLibraries) {
      libraries.addAll(ldd(lib));
    }
    FileEntriesLayer.Builder system = layer("system");
    for (Path lib : libraries) {
      // Both the name the loader asks for and the file a symlink points at.
      system.addEntry(
          lib.toRealPath(),
          AbsoluteUnixPath.get(lib.toString()),
          FilePermissions.fromOctalString("755"));
    }
    Path etc = Files.createDirectories(out().resolve("etc"));
    Files.writeString(
        etc.resolve("passwd"),
        "root:x:0:0:root:/root:/sbin/nologin\napp:x:"
            + UID
            + ":"
            + UID
            + ":app:/tmp:/sbin/nologin\n");
    Files.writeString(etc.resolve("group"), "root:x:0:\napp:x:" + UID + ":\n");
    system.addEntry(etc.resolve("passwd"), AbsoluteUnixPath.get("/etc/passwd"));
    system.addEntry(etc.resolve("group"), AbsoluteUnixPath.get("/etc/group"));
    // Writable by the user (Jib has no sticky bit); the chart mounts an emptyDir there anyway.
    Path tmp = Files.createDirectories(out().resolve("tmp"));
    system.addEntry(tmp, AbsoluteUnixPath.get("/tmp"), FilePermissions.fromOctalString("777"));
    return Jib.fromScratch()
        .addFileEntriesLayer(system.build())
        .addFileEntriesLayer(tree("jre", jre, "/opt/java"))
        .setUser(UID + ":" + UID)
        .setEnvironment(
            Map.of("JAVA_HOME", "/opt/java", "PATH", "/opt/java/bin", "LANG", "C.UTF-8"))
        .setWorkingDirectory(AbsoluteUnixPath.get("/app"))
        .addLabel("org.opencontainers.image.title", title)
        .addLabel("org.opencontainers.image.version", VERSION)
        .addLabel("org.opencontainers.image.source", "https://github.com/agentfleet/agentfleet")
        .addLabel("org.opencontainers.image.licenses", "Apache-2.0")
        .setCreationTime(Instant.EPOCH);
  }

  private static Image write(
      String name, JibContainerBuilder image, List<String> entrypoint, Set<Integer> ports)
      throws Exception {
    Path tarball =
        out().resolve(name.substring(name.lastIndexOf('/') + 1).replace(':', '-') + ".tar");
    image.containerize(
        Containerizer.to(TarImage.at(tarball).named(name))
            .setOfflineMode(true)
            .setBaseImageLayersCache(out().resolve("cache/base"))
            .setApplicationLayersCache(out().resolve("cache/application")));
    return new Image(name, tarball, entrypoint, ports);
  }

  /** A JRE jlinked from the running JDK's jmods, once per build. */
  static Path jre() throws Exception {
    Path jre = out().resolve("jre");
    if (Files.isRegularFile(jre.resolve("bin/java"))) {
      return jre;
    }
    Path javaHome = Path.of(System.getProperty("java.home"));
    Path jmods = javaHome.resolve("jmods");
    if (!Files.isDirectory(jmods)) {
      throw new IllegalStateException(
          "the JDK at " + javaHome + " has no jmods to jlink a JRE from");
    }
    run(
        List.of(
            javaHome.resolve("bin/jlink").toString(),
            "--module-path",
            jmods.toString(),
            "--add-modules",
            "java.se,jdk.unsupported,jdk.crypto.ec,jdk.zipfs,jdk.management,jdk.localedata",
            "--strip-debug",
            "--no-header-files",
            "--no-man-pages",
            "--compress=2",
            "--output",
            jre.toString()));
    return jre;
  }

  private static final Pattern JRE_LIBRARY =
      Pattern.compile("^\\s*lib(jvm|java|jli|net|nio|verify|zip|jimage|management|awt)\\.so ");

  private static final Pattern LDD = Pattern.compile("(?:=>\\s*)?(/\\S+)\\s+\\(0x");

  /** The shared libraries a binary loads, as absolute paths on this machine. */
  static List<Path> ldd(Path binary) throws Exception {
    String out = run(List.of("ldd", binary.toString()));
    List<Path> libraries = new ArrayList<>();
    for (String line : out.split("\n")) {
      // The JRE's own libraries (libjvm.so, libjava.so) are found through its rpath when it runs.
      if (line.contains("not found") && !JRE_LIBRARY.matcher(line).find()) {
        throw new IllegalStateException(
            binary + " needs a library this machine lacks: " + line.strip());
      }
      Matcher m = LDD.matcher(line);
      if (m.find() && !m.group(1).startsWith(out().toString())) {
        libraries.add(Path.of(m.group(1)));
      }
    }
    return libraries;
  }

  /** webrtc-java's native library from the worker jar (it links against libpulse and more). */
  private static List<Path> nativeLibraries(Path jar) throws Exception {
    Path dir = Files.createDirectories(out().resolve("worker-natives"));
    List<Path> found = new ArrayList<>();
    try (var zip = new java.util.zip.ZipFile(jar.toFile())) {
      for (var entry : java.util.Collections.list(zip.entries())) {
        if (entry.getName().endsWith(".so") && entry.getName().contains("linux")) {
          Path target = dir.resolve(Path.of(entry.getName()).getFileName().toString());
          try (var in = zip.getInputStream(entry)) {
            Files.copy(in, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
          }
          found.add(target);
        }
      }
    }
    return found;
  }

  private static FileEntriesLayer.Builder layer(String name) {
    return FileEntriesLayer.builder().setName(name);
  }

  /** A directory, with its files' own permissions (the JRE's binaries stay executable). */
  private static FileEntriesLayer tree(String name, Path source, String target) {
    try {
      return layer(name)
          .addEntryRecursive(
              source,
              AbsoluteUnixPath.get(target),
              (file, inContainer) -> {
                try {
                  return FilePermissions.fromPosixFilePermissions(
                      Files.getPosixFilePermissions(file));
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              })
          .build();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String run(List<String> command) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    process.getOutputStream().close();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(300, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed:\n" + out);
    }
    return out;
  }
}
