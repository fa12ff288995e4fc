package io.agentfleet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import java.util.Objects;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class WorkerStatusEndpoint {

  public static final int DEFAULT_PORT = 8081;
  public static final WorkerStatusFormat DEFAULT_FORMAT = WorkerStatusFormat.AUTO;

  @JsonPropertyDescription(
      "Port of the worker's HTTP status server (health on '/', worker state on '/worker').")
  @Min(1)
  @Max(65535)
  @Default("8081")
  private Integer port = DEFAULT_PORT;

  @JsonPropertyDescription(
      "Which worker serves the status endpoint: auto detects it from the response.")
  @Default("auto")
  private WorkerStatusFormat format = DEFAULT_FORMAT;

  public Integer getPort() {
    return port;
  }

  public void setPort(Integer port) {
    this.port = port;
  }

  public WorkerStatusFormat getFormat() {
    return format;
  }

  public void setFormat(WorkerStatusFormat format) {
    this.format = format;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof WorkerStatusEndpoint w
        && Objects.equals(port, w.port)
        && Objects.equals(format, w.format);
  }

  @Override
  public int hashCode() {
    return Objects.hash(port, format);
  }
}
