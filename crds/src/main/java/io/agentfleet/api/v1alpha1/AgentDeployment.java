package io.agentfleet.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A fleet of LiveKit agent workers: one pod template, scaled and rolled out by the Agentfleet
 * operator, never dropping a live call.
 */
@Group(AgentDeployment.GROUP)
@Version(AgentDeployment.VERSION)
@Plural("agentdeployments")
@Singular("agentdeployment")
@ShortNames({"agentdeploy", "agd"})
@AdditionalPrinterColumn(
    name = "DESIRED",
    jsonPath = ".status.desiredReplicas",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "READY",
    jsonPath = ".status.readyReplicas",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "CALLS",
    jsonPath = ".status.activeJobs",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "LOAD",
    jsonPath = ".status.load",
    type = AdditionalPrinterColumn.Type.NUMBER)
@AdditionalPrinterColumn(
    name = "REVISION",
    jsonPath = ".status.updateRevision",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "AGE",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class AgentDeployment extends CustomResource<AgentDeploymentSpec, AgentDeploymentStatus>
    implements Namespaced {

  public static final String GROUP = "agentfleet.io";
  public static final String VERSION = "v1alpha1";

  @Override
  protected AgentDeploymentStatus initStatus() {
    return new AgentDeploymentStatus();
  }
}
