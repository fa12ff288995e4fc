package io.agentfleet.sandbox.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ApiPathTest {
  @ParameterizedTest
  @CsvSource(
      nullValues = "-",
      value = {
        "/api/v1/pods?watch=true, '', v1, -, pods, -, -",
        "/api/v1/namespaces/default/pods/w-1/log, '', v1, default, pods, w-1, log",
        "/api/v1/namespaces/default, '', v1, -, namespaces, default, -",
        "/apis/agentfleet.io/v1alpha1/namespaces/ns/agentdeployments/a/scale, agentfleet.io, v1alpha1, ns, agentdeployments, a, scale",
        "/apis/apps/v1/controllerrevisions, apps, v1, -, controllerrevisions, -, -"
      })
  void splitsResourceUrls(
      String url,
      String group,
      String version,
      String namespace,
      String plural,
      String name,
      String subresource) {
    assertThat(ApiPath.parse(url))
        .contains(new ApiPath(group, version, namespace, plural, name, subresource));
  }

  @ParameterizedTest
  @CsvSource({"/api", "/apis", "/apis/agentfleet.io/v1alpha1", "/version", "/openapi/v2"})
  void documentsAreNotResources(String url) {
    assertThat(ApiPath.parse(url)).isEqualTo(Optional.empty());
  }
}
