package io.agentfleet.cli.output;

import picocli.CommandLine.ITypeConverter;

/** {@code -o json|yaml}. */
public final class OutputFormatConverter implements ITypeConverter<OutputFormat> {
  @Override
  public OutputFormat convert(String value) {
    return OutputFormat.parse(value);
  }
}
