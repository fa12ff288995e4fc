package io.agentfleet.sandbox.launcher;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads the committed CRD, the one users install. */
public final class Crds {
  private Crds() {}

  public static CustomResourceDefinition read(Path file) {
    try {
      return Serialization.unmarshal(Files.readString(file), CustomResourceDefinition.class);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read CRD " + file, e);
    }
  }
}
